#!/usr/bin/env bash
# Speed of Recur's text pipeline against subword-nmt 0.3.8, side by side in one run.
#
#   scripts/bench_text.sh [corpus-dir] [venv] [runs]
#
# 1. Tokenize + apply BPE on Multi30k train.en: `recur tokenize --bpe-codes` on the raw text
#    against `subword-nmt apply-bpe` on text already tokenized (so subword-nmt is timed for
#    BPE alone, Recur for tokenisation and BPE). Target: ratio >= 20.
# 2. Learning 8000 merges from train.en + train.de (tokenized): `recur bpe learn` against
#    `subword-nmt learn-bpe -s 8000`. Target: ratio >= 10.
# Whole commands are timed (process start included), median of `runs` (default 5); the
# outputs are also compared, byte for byte.
# 3. (Supplementary) the same as 1 on train.en repeated 10 times, where process start
#    weighs less: throughput rather than start-up.
# Recur is timed twice: as is, and with OPENBLAS_NUM_THREADS=1. Text does not use BLAS, but
# the recur binary links OpenBLAS (for Tensor), whose thread pool, started when the library
# loads, spins (sched_yield) for its first ~0.1 s and competes with the text workers for
# the two cores. The second figure is the text pipeline without that interference.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-/work/shared/corpora/multi30k}"
venv="${2:-/root/text-venv}"
runs="${3:-5}"
subword_nmt="$venv/bin/subword-nmt"
(cd "$root" && swift build -c release --product recur >/dev/null)
recur="$root/.build/release/recur"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Median wall time in seconds of a command, run `runs` times.
median() {
    local times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        "$@"
        end=$(date +%s%N)
        times+=($(( end - start )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.4f", a[int((NR + 1) / 2)] / 1e9 }'
}

"$recur" tokenize -i "$corpus/train.en" -o "$work/train.tok.en"
"$recur" tokenize -i "$corpus/train.de" -o "$work/train.tok.de"
cat "$work/train.tok.en" "$work/train.tok.de" > "$work/train.tok.both"
"$subword_nmt" learn-bpe -s 8000 < "$work/train.tok.both" > "$work/codes" 2>/dev/null

py_apply() { "$subword_nmt" apply-bpe -c "$work/codes" < "$work/train.tok.en" > "$work/py.bpe.en"; }
recur_apply() { "$recur" tokenize --bpe-codes "$work/codes" -i "$corpus/train.en" -o "$work/recur.bpe.en"; }
recur_apply_quiet_blas() { OPENBLAS_NUM_THREADS=1 recur_apply; }
py_learn() { "$subword_nmt" learn-bpe -s 8000 < "$work/train.tok.both" > "$work/py.codes" 2>/dev/null; }
recur_learn() { "$recur" bpe learn -i "$work/train.tok.en" -i "$work/train.tok.de" -s 8000 -o "$work/recur.codes"; }
recur_learn_quiet_blas() { OPENBLAS_NUM_THREADS=1 recur_learn; }

for _ in $(seq 10); do cat "$corpus/train.en"; done > "$work/train10.en"
for _ in $(seq 10); do cat "$work/train.tok.en"; done > "$work/train10.tok.en"
py_apply10() { "$subword_nmt" apply-bpe -c "$work/codes" < "$work/train10.tok.en" > "$work/py.bpe10.en"; }
recur_apply10() { "$recur" tokenize --bpe-codes "$work/codes" -i "$work/train10.en" -o "$work/recur.bpe10.en"; }
recur_apply10_quiet_blas() { OPENBLAS_NUM_THREADS=1 recur_apply10; }

py_apply_time=$(median py_apply)
recur_apply_time=$(median recur_apply)
recur_apply_quiet_time=$(median recur_apply_quiet_blas)
py_learn_time=$(median py_learn)
recur_learn_time=$(median recur_learn)
recur_learn_quiet_time=$(median recur_learn_quiet_blas)

py_apply10_time=$(median py_apply10)
recur_apply10_time=$(median recur_apply10)
recur_apply10_quiet_time=$(median recur_apply10_quiet_blas)

cmp -s "$work/py.bpe.en" "$work/recur.bpe.en" && same_apply=identical || same_apply=DIFFERENT
cmp -s "$work/py.bpe10.en" "$work/recur.bpe10.en" && same_apply10=identical || same_apply10=DIFFERENT
cmp -s "$work/py.codes" "$work/recur.codes" && same_codes=identical || same_codes=DIFFERENT

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); median of $runs runs; corpus $corpus"
ratio() { echo "$1 / $2" | bc -l; }
printf 'tokenize+apply BPE, train.en: subword-nmt apply-bpe %.3f s; recur %.3f s, ratio %.1fx; with OPENBLAS_NUM_THREADS=1 %.3f s, ratio %.1fx (target 20x); output %s\n' \
    "$py_apply_time" "$recur_apply_time" "$(ratio "$py_apply_time" "$recur_apply_time")" \
    "$recur_apply_quiet_time" "$(ratio "$py_apply_time" "$recur_apply_quiet_time")" "$same_apply"
printf 'learn 8000 merges, train.en+de: subword-nmt learn-bpe %.3f s; recur %.3f s, ratio %.1fx; with OPENBLAS_NUM_THREADS=1 %.3f s, ratio %.1fx (target 10x); codes %s\n' \
    "$py_learn_time" "$recur_learn_time" "$(ratio "$py_learn_time" "$recur_learn_time")" \
    "$recur_learn_quiet_time" "$(ratio "$py_learn_time" "$recur_learn_quiet_time")" "$same_codes"
printf '(supplementary) tokenize+apply BPE, train.en x10: subword-nmt %.3f s; recur %.3f s, ratio %.1fx; with OPENBLAS_NUM_THREADS=1 %.3f s, ratio %.1fx; output %s\n' \
    "$py_apply10_time" "$recur_apply10_time" "$(ratio "$py_apply10_time" "$recur_apply10_time")" \
    "$recur_apply10_quiet_time" "$(ratio "$py_apply10_time" "$recur_apply10_quiet_time")" "$same_apply10"
