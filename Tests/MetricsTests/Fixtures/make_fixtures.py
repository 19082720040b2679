#!/usr/bin/env python3
"""Generates the reference values MetricsTests compares Recur's metrics with.

Run from anywhere, with sacrebleu and rouge-score from PyPI installed:

    python3 -m venv /root/metrics-venv
    /root/metrics-venv/bin/pip install sacrebleu rouge-score
    /root/metrics-venv/bin/python Tests/MetricsTests/Fixtures/make_fixtures.py \
        --corpus ../shared/corpora/multi30k

It takes a small seeded sample of Multi30k test2016 (German, English, French), adds noise
to make hypotheses, adds hand-written edge cases (empty hypotheses, hypotheses longer than
their references, Unicode punctuation, CJK, Greek, XML escapes, numbers) and writes JSON
files next to itself. Every file's "generated_by" field names this script and the
versions of the packages that produced the numbers.
"""
import argparse
import json
import os
import platform
import random
from importlib.metadata import version

import numpy as np
import sacrebleu
from nltk.stem import porter
from rouge_score import rouge_scorer
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.significance import PairedTest

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATED_BY = (
    f"Tests/MetricsTests/Fixtures/make_fixtures.py with sacrebleu {version('sacrebleu')}, "
    f"rouge-score {version('rouge-score')}, nltk {version('nltk')}, "
    f"numpy {version('numpy')}, regex {version('regex')}, "
    f"Python {platform.python_version()}"
)

# Hand-written lines that exercise the tokenizers' corners.
EDGE_REFERENCES = [
    "„Das ist gut“, sagte sie – und lachte…",
    "« Bonjour ! » dit-il, l’air ravi ; c’est l’été.",
    "¿Dónde está el baño? ¡Aquí!",
    "一个男人在街上骑自行车。",
    "女の子が公園で遊んでいます。",
    "ΟΔΟΣ ΣΤΗΝ ΑΘΗΝΑ ΚΑΙ Ο ΚΟΣΜΟΣ.",
    "The price rose 3.5% to $1,000.50 in 2019-2020.",
    "Tom &amp; Jerry said &quot;hi&quot; &lt;3 &gt; all",
    "A dog\u00a0runs\u2009fast \u3000 today\t.",
    "He said: (hello) [world] {x} a/b c|d e~f ^g_h `i' @j #k *l +m =n ?o",
    "A man in a red shirt is climbing a rock wall.",
    "Two children play with a ball on the beach.",
]
EDGE_HYPOTHESES = [
    "„Das ist gut“, sagte er — und lachte …",
    "« Bonjour! » dit-il, l'air ravi; c'est l'été.",
    "¿Dónde está el baño ? ¡ Aquí !",
    "一个男人在路上骑自行车。",
    "男の子が公園で遊んでいる。",
    "Οδός στην Αθήνα και ο κόσμος.",
    "The price rose 3.5 % to $ 1,000.50 in 2019 - 2020 .",
    "Tom & Jerry said \"hi\" <3 > all",
    "A dog runs fast today.",
    "He said : ( hello ) [world] {x} a / b c|d e~f ^g_h `i' @j #k *l +m =n ?o",
    "",
    "Two little children play happily with a big red ball on the sandy beach near the sea.",
]


def noisy(sentence, vocab, rng):
    """A hypothesis made from a reference: words dropped, swapped, replaced, repeated,
    recased, or punctuation moved."""
    words = sentence.split()
    out = []
    for w in words:
        r = rng.random()
        if r < 0.08:
            continue
        if r < 0.16:
            out.append(rng.choice(vocab))
        elif r < 0.20:
            out.extend([w, w])
        elif r < 0.24:
            out.append(w.upper() if rng.random() < 0.5 else w.lower())
        else:
            out.append(w)
    if len(out) > 2 and rng.random() < 0.3:
        i = rng.randrange(len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    line = " ".join(out)
    r = rng.random()
    if r < 0.1:
        line = line.rstrip(".") + " ."
    elif r < 0.15:
        line = ""
    elif r < 0.25:
        line = line + " " + " ".join(rng.sample(vocab, 5))
    return line


def read(path, n):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f][:n]


def bleu_entry(hyps, refs, **kwargs):
    metric = BLEU(**kwargs)
    s = metric.corpus_score(hyps, refs)
    return {
        "options": kwargs,
        "score": s.score,
        "counts": [float(c) for c in s.counts],
        "totals": [float(t) for t in s.totals],
        "precisions": s.precisions,
        "bp": s.bp,
        "sys_len": s.sys_len,
        "ref_len": s.ref_len,
        "formatted": s.format(width=1, signature=str(metric.get_signature())),
        "signature": str(metric.get_signature()),
    }


def chrf_entry(hyps, refs, **kwargs):
    metric = CHRF(**kwargs)
    s = metric.corpus_score(hyps, refs)
    entry = {
        "options": kwargs,
        "name": s.name,
        "score": s.score,
        "signature": str(metric.get_signature()),
    }
    if kwargs in ({}, {"word_order": 2}):
        entry["sentence_scores"] = [
            metric.sentence_score(h, [r[i] for r in refs]).score for i, h in enumerate(hyps)
        ]
    return entry


def sacrebleu_case(name, hyps, refs):
    tokenizers = {}
    for tok in ["13a", "intl", "char", "none"]:
        metric = BLEU(tokenize=tok)
        tokenizers[tok] = [metric._preprocess_segment(h) for h in hyps]
    bleu = [bleu_entry(hyps, refs)]
    for tok in ["13a", "intl", "char", "none"]:
        for lc in [False, True]:
            if tok == "13a" and not lc:
                continue
            bleu.append(bleu_entry(hyps, refs, tokenize=tok, lowercase=lc))
    for smooth in ["none", "floor", "add-k"]:
        bleu.append(bleu_entry(hyps, refs, smooth_method=smooth))
    bleu.append(bleu_entry(hyps, refs, effective_order=True))
    chrf = [
        chrf_entry(hyps, refs),
        chrf_entry(hyps, refs, word_order=2),
        chrf_entry(hyps, refs, lowercase=True),
        chrf_entry(hyps, refs, word_order=2, lowercase=True),
        chrf_entry(hyps, refs, whitespace=True),
        chrf_entry(hyps, refs, eps_smoothing=True),
    ]
    sentence_bleu = [
        BLEU(effective_order=True).sentence_score(h, [r[i] for r in refs]).score
        for i, h in enumerate(hyps)
    ]
    return {
        "name": name,
        "hypotheses": hyps,
        "references": refs,
        "tokenized_hypotheses": tokenizers,
        "bleu": bleu,
        "sentence_bleu_effective_order": sentence_bleu,
        "chrf": chrf,
    }


def rouge_case(name, hyps, refs):
    out = {"name": name, "hypotheses": hyps, "references": refs}
    for stem in [False, True]:
        scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=stem)
        scores = []
        for i, h in enumerate(hyps):
            targets = [r[i] for r in refs]
            s = scorer.score_multi(targets, h) if len(targets) > 1 else scorer.score(targets[0], h)
            scores.append({k: [v.precision, v.recall, v.fmeasure] for k, v in s.items()})
        out["stemmed" if stem else "plain"] = scores
    return out


def write(name, payload):
    payload = {"generated_by": GENERATED_BY, **payload}
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(payload, f, ensure_ascii=False, indent=0)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=os.path.join(HERE, "../../../../shared/corpora/multi30k"))
    args = parser.parse_args()
    rng = random.Random(20261121)

    cases, rouge_cases = [], []
    n = 100
    for lang in ["de", "en", "fr"]:
        refs = read(os.path.join(args.corpus, f"test2016.{lang}"), 1000)
        idx = sorted(rng.sample(range(len(refs)), n))
        sample = [refs[i] for i in idx]
        vocab = sorted({w for line in refs for w in line.split()})
        hyps = [noisy(s, vocab, rng) for s in sample]
        cases.append(sacrebleu_case(f"multi30k-{lang}-1ref", hyps, [sample]))
        if lang == "en":
            second = [noisy(s, vocab, rng) for s in sample]
            third = [noisy(s, vocab, rng) for s in sample]
            cases.append(sacrebleu_case("multi30k-en-3refs", hyps, [sample, second, third]))
            rouge_cases.append(rouge_case("multi30k-en-1ref", hyps, [sample]))
            rouge_cases.append(rouge_case("multi30k-en-2refs", hyps, [sample, second]))
            words = sorted({w.lower().strip(".,;:!?\"'()") for line in refs for w in line.split()})
            words = [w for w in words if w.isascii() and w.isalpha() and len(w) > 3]
            stem_words = rng.sample(words, 400) + [
                "skies", "dying", "happily", "relational", "conditional", "generalization",
                "running", "hopping", "agreed", "feed", "cries", "ties", "controlling",
                "analogously", "triplicate", "electricity", "adoption", "probate", "rate",
                "sensibility", "archaeology", "hopefulness", "yellowy", "syzygy", "enjoy",
            ]
            stemmer = porter.PorterStemmer()
            write("porter_stems.json", {"stems": [[w, stemmer.stem(w)] for w in stem_words]})

            # Paired bootstrap: two noisy systems on the same sample.
            other = [noisy(s, vocab, rng) for s in sample]
            metrics = {"BLEU": BLEU(), "chrF": CHRF()}
            sigs, scores = PairedTest(
                [("baseline", hyps), ("system", other)], metrics, [sample],
                test_type="bs", n_samples=1000)()
            result = {}
            for key, values in scores.items():
                if key == "System":
                    continue
                bl, sy = values
                result[key] = {
                    "baseline": {"score": float(bl.score), "mean": float(bl.mean),
                                 "ci": float(bl.ci)},
                    "system": {"score": float(sy.score), "mean": float(sy.mean),
                               "ci": float(sy.ci)},
                    "p_value": float(sy.p_value),
                    "signature": str(sigs[key]),
                }
            rng_np = np.random.default_rng(12345)
            write("paired_bootstrap.json", {
                "references": [sample], "baseline": hyps, "system": other,
                "results": result,
                "numpy_choice_12345_7x20": rng_np.choice(7, size=(20,), replace=True).tolist(),
            })

    cases.append(sacrebleu_case("edge-cases", EDGE_HYPOTHESES, [EDGE_REFERENCES]))
    cases.append(sacrebleu_case("all-empty-hypotheses", ["", "", ""], [EDGE_REFERENCES[:3]]))
    cases.append(sacrebleu_case("short-hypotheses", ["a b", "c", "Ein Mann"], [
        ["a b c d", "c d", "Ein Mann läuft"]]))
    rouge_cases.append(rouge_case("edge-cases", EDGE_HYPOTHESES, [EDGE_REFERENCES]))
    write("sacrebleu_cases.json", {"cases": cases})
    write("rouge_cases.json", {"cases": rouge_cases})


if __name__ == "__main__":
    main()
