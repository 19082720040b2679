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

# time_runs OUTFILE CMD...: for each run, "wall-seconds cpu-seconds" (cpu = user + sys,
# which a machine shared with other jobs inflates less than wall time).
time_runs() {
  local out="$1"; shift
  local TIMEFORMAT='%R %U %S'
  for _ in $(seq "$runs"); do
    { time "$@" > "$out"; } 2>&1 | tail -n 1 | awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
  done
}

# wall and cpu medians of time_runs output, as "wall cpu".
medians() { local t; t="$(cat)"; echo "$(echo "$t" | cut -d' ' -f1 | median) $(echo "$t" | cut -d' ' -f2 | median)"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

echo "$lines sentence pairs from $corpus/train.de; median of $runs runs; seconds wall (cpu)"
printf '%-5s %16s %16s %16s %14s %14s  %s\n' metric sacrebleu "recur 2 cores" "recur 1 core" \
  "ratio 2 cores" "ratio 1 core" "score sacrebleu / recur"
for metric in bleu chrf; do
  read -r sw sc < <(time_runs "$work/s.out" "$sacrebleu" "$work/ref.de" -i "$work/hyp.de" -m "$metric" -f text -w 2 | medians)
  read -r rw rc < <(time_runs "$work/r.out" "$recur" evaluate --hyp "$work/hyp.de" --ref "$work/ref.de" --metrics "$metric" --width 2 | medians)
  read -r ow oc < <(time_runs "$work/o.out" taskset -c 0 "$recur" evaluate --hyp "$work/hyp.de" --ref "$work/ref.de" --metrics "$metric" --width 2 | medians)
  sscore=$(sed -E 's/^[^=]*= ([0-9.]+).*/\1/' "$work/s.out")
  rscore=$(sed -E 's/^[^=]*= ([0-9.]+).*/\1/' "$work/r.out")
  printf '%-5s %16s %16s %16s %14s %14s  %s / %s\n' "$metric" "$sw ($sc)" "$rw ($rc)" "$ow ($oc)" \
    "$(ratio "$sw" "$rw") ($(ratio "$sc" "$rc"))" "$(ratio "$sw" "$ow") ($(ratio "$sc" "$oc"))" "$sscore" "$rscore"
  if [ "$sscore" != "$rscore" ]; then echo "score mismatch for $metric" >&2; exit 1; fi
done
