#!/usr/bin/env python3
"""Compares `recur evaluate` with sacrebleu and rouge-score on noisy Multi30k data, over
every tokenisation, casing, chrF/chrF++ and one or two references. A check to run by hand
after changing the Metrics module (the committed fixtures are what the tests use):

    swift build -c release
    /root/metrics-venv/bin/python scripts/compare_metrics.py [CORPUS_DIR]

Prints one line per configuration and exits non-zero on any difference above 1e-6.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

from rouge_score import rouge_scorer
from sacrebleu.metrics import BLEU, CHRF

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECUR = os.path.join(ROOT, ".build", "release", "recur")


def noisy(sentence, vocab, rng):
    words = [w for w in sentence.split() if rng.random() > 0.1]
    words = [rng.choice(vocab) if rng.random() < 0.1 else w for w in words]
    words = [w.upper() if rng.random() < 0.05 else w for w in words]
    if rng.random() < 0.3:
        words += words[:3]
    return " ".join(words)


def recur(args):
    out = subprocess.run([RECUR, "evaluate", "--format", "json"] + args,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "../shared/corpora/multi30k")
    rng = random.Random(5)
    failures = 0
    tmp = tempfile.mkdtemp()
    paths = {name: os.path.join(tmp, name) for name in ["hyp", "ref1", "ref2"]}
    for lang in ["en", "de", "fr"]:
        with open(os.path.join(corpus, f"val.{lang}"), encoding="utf-8") as f:
            refs = [line.rstrip() for line in f]
        vocab = sorted({w for line in refs for w in line.split()})
        hyps = [noisy(s, vocab, rng) for s in refs]
        refs2 = [noisy(s, vocab, rng) for s in refs]
        for name, lines in [("hyp", hyps), ("ref1", refs), ("ref2", refs2)]:
            with open(paths[name], "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
        for nrefs in [1, 2]:
            streams = [refs, refs2][:nrefs]
            ref_args = ["--ref", paths["ref1"]] + (["--ref", paths["ref2"]] if nrefs == 2 else [])
            for tok in ["13a", "intl", "char", "none"]:
                for lc in [False, True]:
                    word_order = 2 if lc else 0
                    got = recur(["--hyp", paths["hyp"], *ref_args, "--tokenize", tok,
                                 "--chrf-word-order", str(word_order)] + (["--lowercase"] if lc else []))
                    want_bleu = BLEU(tokenize=tok, lowercase=lc).corpus_score(hyps, streams).score
                    want_chrf = CHRF(word_order=word_order, lowercase=lc).corpus_score(hyps, streams).score
                    diff = max(abs(got["scores"][0]["score"] - want_bleu),
                               abs(got["scores"][1]["score"] - want_chrf))
                    failures += diff > 1e-6
                    print(f"{lang} refs={nrefs} tok={tok:4} lc={lc!s:5} BLEU {want_bleu:.4f} "
                          f"chrF{'++' if word_order else ''} {want_chrf:.4f} max diff {diff:.2e}")
            for stem in [False, True]:
                scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=stem)
                sums = {k: [0.0, 0.0, 0.0] for k in ["rouge1", "rouge2", "rougeL"]}
                for i, h in enumerate(hyps):
                    s = scorer.score_multi([r[i] for r in streams], h)
                    for k in sums:
                        for j, v in enumerate([s[k].precision, s[k].recall, s[k].fmeasure]):
                            sums[k][j] += v
                got = recur(["--hyp", paths["hyp"], *ref_args, "--metrics", "rouge"]
                            + (["--rouge-stemmer"] if stem else []))["rouge"]
                diff = max(abs(sums[k][j] / len(hyps) - got[k][f])
                           for k in sums for j, f in enumerate(["precision", "recall", "fmeasure"]))
                failures += diff > 1e-6
                print(f"{lang} refs={nrefs} ROUGE stemmer={stem!s:5} max diff {diff:.2e}")
    print(f"{failures} differences")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
