#!/usr/bin/env bash
# Recur against the PyTorch reference (../shared/reference/pytorch), side by side in one
# run on this machine: training target tokens/s and decoding sentences/s, as ratios.
#
#   scripts/bench_vs_reference.sh [a|b|ab] [train|decode|all]
#
# Decoding is measured twice on Recur's side: float32, and with int8 products (`--int8`, as a
# bundle from `recur quantize` decodes); the reference decodes in float32. Training likewise:
# float32, and with bf16 products (`--bf16`, as `training.precision: bf16`); the reference
# trains in float32. Peak resident memory of training is read for both (PyTorch's with
# /usr/bin/time), and for Recur's bf16 run too.
#
# Needs the reference's venv (see its README): python3 -m venv ~/torchref-venv &&
# ~/torchref-venv/bin/pip install torch numpy threadpoolctl. Run on a quiet machine: the
# figures are medians of 3 repeats, but another process on the 2 cores skews both sides.
set -euo pipefail
cd "$(dirname "$0")/.."
configs=${1:-ab}
what=${2:-all}
python=${TORCHREF_PYTHON:-$HOME/torchref-venv/bin/python}
reference=${REFERENCE_DIR:-../shared/reference/pytorch}
[ -x "$python" ] || { echo "error: no PyTorch venv at $python (set TORCHREF_PYTHON)" >&2; exit 1; }
swift build -c release --product recur >/dev/null
out=$(mktemp -d)
for config in a b; do
    [[ $configs == *$config* ]] || continue
    size=$([ $config = a ] && echo 256 || echo 512)
    if [ "$what" != decode ]; then
        .build/release/recur bench train --config $config --threads 2 --format json > "$out/recur-train-$config.json"
        .build/release/recur bench train --config $config --threads 2 --format json --bf16 > "$out/recur-train-bf16-$config.json"
        /usr/bin/time -f %M -o "$out/torch-train-$config.maxrss" \
            "$python" "$reference/ref_s2s.py" bench --E $size --H $size --threads 2 --what train --json "$out/torch-train-$config.json" >/dev/null
    fi
    if [ "$what" != train ]; then
        .build/release/recur bench decode --config $config --threads 2 --format json > "$out/recur-decode-$config.json"
        .build/release/recur bench decode --config $config --threads 2 --format json --int8 > "$out/recur-decode-int8-$config.json"
        "$python" "$reference/ref_s2s.py" bench --E $size --H $size --threads 2 --what greedy,beam_batch,beam_b1 --json "$out/torch-decode-$config.json" >/dev/null
    fi
done
python3 - "$out" "$configs" "$what" <<'PY'
import json, os, sys
out, configs, what = sys.argv[1:]
def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None
print("| config | measure | Recur | PyTorch | ratio |")
print("|---|---|---|---|---|")
for c in "ab":
    if c not in configs: continue
    rt, tt = load(f"recur-train-{c}.json"), load(f"torch-train-{c}.json")
    if rt and tt:
        r = sorted(rt["tokensPerSecondRepeats"])[1]; t = tt["train_tok_per_s"]["median"]
        print(f"| {c.upper()} | train, target tok/s | {r:.0f} | {t:.0f} | {r/t:.2f}× |")
        rb = load(f"recur-train-bf16-{c}.json")
        if rb:
            b = sorted(rb["tokensPerSecondRepeats"])[1]
            print(f"| {c.upper()} | train, target tok/s (Recur bf16) | {b:.0f} | {t:.0f} | {b/t:.2f}× |")
        rss = os.path.join(out, f"torch-train-{c}.maxrss")
        t = int(open(rss).read().split()[-1]) / 1024 if os.path.exists(rss) else None
        for label, run in (("", rt), (" (Recur bf16)", rb)):
            if not run: continue
            mine = run["peakResidentMiB"]
            print(f"| {c.upper()} | train, peak memory MiB{label} | {mine:.0f} | {t:.0f} | {mine/t:.2f}× |" if t else f"| {c.upper()} | train, peak memory MiB{label} | {mine:.0f} | – | |")
    td = load(f"torch-decode-{c}.json")
    for precision, rd in (("", load(f"recur-decode-{c}.json")), (" (Recur int8)", load(f"recur-decode-int8-{c}.json"))):
        if not (rd and td): continue
        keys = {("greedy", 64): "greedy_sent_per_s", ("beam5", 32): "beam_batch32_sent_per_s", ("beam5", 1): "beam_b11_sent_per_s"}
        for m in rd["measurements"]:
            key = keys[(m["mode"], m["batchSize"])]
            r = sorted(m["sentencesPerSecondRepeats"])[1]; t = td[key]["median"]
            print(f"| {c.upper()} | {m['mode']} batch {m['batchSize']}{precision}, sent/s | {r:.1f} | {t:.1f} | {r/t:.2f}× |")
PY
