# The README's two commands: `make quickstart` and `make test`. Each installs the system
# libraries first when they are missing.
SWIFT ?= swift
RECUR := .build/release/recur

.PHONY: quickstart test deps build bench

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product recur

# Until the quick-start recipe lands, the main job is the kernel benchmark.
quickstart: build
	$(RECUR) bench kernels --threads 2

# Tests run in release: numeric code is 10–100× slower in debug.
test: deps
	$(SWIFT) test -c release -Xswiftc -enable-testing

bench: build
	$(RECUR) bench kernels --threads 2
