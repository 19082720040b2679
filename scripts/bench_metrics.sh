#!/usr/bin/env bash
# Times `recur evaluate` (release build) against the sacrebleu command line on the same
# 100,000 sentence pairs built from Multi30k train, for BLEU and for chrF, and checks that
# both print the same score. A benchmark, not a test: run it by hand.
#
#   scripts/bench_metrics.sh [CORPUS_DIR]
#
# CORPUS_DIR defaults to ../shared/corpora/multi30k. sacrebleu is taken from $SACREBLEU,
# else from PATH (pip install sacrebleu). RUNS (default 3) runs of each; the median counts.
# recur is also timed pinned to one core (taskset), since sacreBLEU uses one.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-$root/../shared/corpora/multi30k}"
sacrebleu="${SACREBLEU:-$(command -v sacrebleu || true)}"
runs="${RUNS:-3}"
lines=100000
[ -x "$sacrebleu" ] || { echo "sacrebleu not found: pip install sacrebleu, or set SACREBLEU=/path/to/sacrebleu" >&2; exit 1; }
[ -f "$corpus/train.de" ] || { echo "$corpus/train.de not found: pass the Multi30k directory" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# References: train.de repeated to 100k lines. Hypotheses: the same lines with seeded noise
# (words dropped, replaced by a neighbour's word, duplicated), so scores are mid-range.
awk -v n="$lines" '{ a[NR] = $0 } END { for (i = 0; i < n; i++) print a[i % NR + 1] }' \
  "$corpus/train.de" > "$work/ref.de"
awk 'BEGIN { srand(7) } {
  out = ""; prev = "Hund"
  for (i = 1; i <= NF; i++) {
    r = rand()
    if (r < 0.08) continue
    w = (r < 0.16) ? prev : $i
    if (r > 0.96) w = w " " w
    out = (out == "" ? w : out " " w); prev = $i
  }
  print out
}' "$work/ref.de" > "$work/hyp.de"

(cd "$root" && swift build -c release --product recur >/dev/null 2>&1) || { echo "swift build -c release failed" >&2; exit 1; }
recur="$root/.build/release/recur"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# time_cmd OUTFILE CMD...: wall-clock seconds of each run, printed one per line.
time_runs() {
  local out="$1"; shift
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" > "$out"
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
  done
}

printf '%-6s %12s %14s %16s %9s %12s  %s\n' metric "sacrebleu s" "recur s (2c)" "recur s (1 core)" "ratio 2c" "ratio 1core" "scores (sacrebleu / recur)"
for metric in bleu chrf; do
  s=$(time_runs "$work/s.out" "$sacrebleu" "$work/ref.de" -i "$work/hyp.de" -m "$metric" -f text -w 2 | median)
  r=$(time_runs "$work/r.out" "$recur" evaluate --hyp "$work/hyp.de" --ref "$work/ref.de" --metrics "$metric" --width 2 | median)
  r1=$(time_runs "$work/r1.out" taskset -c 0 "$recur" evaluate --hyp "$work/hyp.de" --ref "$work/ref.de" --metrics "$metric" --width 2 | median)
  sscore=$(sed -E 's/^[^=]*= ([0-9.]+).*/\1/' "$work/s.out")
  rscore=$(sed -E 's/^[^=]*= ([0-9.]+).*/\1/' "$work/r.out")
  printf '%-6s %12.2f %14.3f %16.3f %8.1fx %11.1fx  %s / %s\n' "$metric" "$s" "$r" "$r1" \
    "$(awk -v a="$s" -v b="$r" 'BEGIN { print a / b }')" "$(awk -v a="$s" -v b="$r1" 'BEGIN { print a / b }')" "$sscore" "$rscore"
  if [ "$sscore" != "$rscore" ]; then echo "score mismatch for $metric" >&2; exit 1; fi
done
