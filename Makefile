# The README's two commands: `make quickstart` and `make test`. Each installs the system
# libraries first when they are missing.
SWIFT ?= swift
RECUR := .build/release/recur
QUICKSTART := corpora/quickstart

.PHONY: quickstart test deps build bench

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product recur

$(QUICKSTART)/train.en: | build
	$(RECUR) corpus quickstart --out $(QUICKSTART)

# Generate the corpus, train and evaluate (runs/quickstart/report.md), then translate a
# few new examples with beam search.
quickstart: build $(QUICKSTART)/train.en
	$(RECUR) run recipes/quickstart.yaml --out runs/quickstart
	printf 'three hundred forty-two thousand nine hundred eighteen\nJuly 20, 1969\nninety-nine\nDecember 31, 2099\n' \
		| $(RECUR) translate --model runs/quickstart/model --beam-size 5

# Tests run in release: numeric code is 10–100× slower in debug. The CLI tests run the
# recur executable, built first with the same flags (so nothing is compiled twice).
test: deps
	$(SWIFT) build -c release -Xswiftc -enable-testing --product recur
	$(SWIFT) test -c release -Xswiftc -enable-testing

bench: build
	$(RECUR) bench kernels --threads 2
	$(RECUR) bench train --config a --threads 2
