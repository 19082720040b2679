import Testing

@testable import Metrics

@Suite struct BLEUTests {
    @Test func fixturesSayWhoMadeThem() {
        #expect(Fixtures.sacreBLEU.generated_by.contains("make_fixtures.py with sacrebleu 2."))
    }

    @Test("tokenisation equals sacreBLEU's, line by line", arguments: Fixtures.sacreBLEU.cases)
    func tokenizers(_ c: SacreBLEUCase) {
        for (name, expected) in c.tokenized_hypotheses {
            let tokenization = BLEUTokenization(rawValue: name)!
            for (line, want) in zip(c.hypotheses, expected) {
                let got = tokenization.tokens(String(pythonRStrip(Substring(line))))
                #expect(got == pythonSplit(Substring(want)).map(String.init), "\(name): \(line)")
            }
        }
    }

    @Test("corpus BLEU equals sacreBLEU's", arguments: Fixtures.sacreBLEU.cases)
    func corpusBLEU(_ c: SacreBLEUCase) {
        for e in c.bleu {
            let got = e.metric.corpusScore(hypotheses: c.hypotheses, references: c.references)
            #expect(abs(got.score - e.score) < tolerance, "\(e.signature)")
            #expect(got.sysLen == e.sys_len && got.refLen == e.ref_len, "\(e.signature)")
            #expect(got.counts == e.counts && got.totals == e.totals, "\(e.signature)")
            #expect(abs(got.bp - e.bp) < 1e-12, "\(e.signature)")
            for (p, q) in zip(got.precisions, e.precisions) { #expect(abs(p - q) < 1e-9) }
            let signature = e.metric.signature(referenceCount: c.references.count)
            #expect(signature == e.signature)
            #expect(got.formatted(width: 1, signature: signature) == e.formatted)
        }
    }

    @Test("sentence BLEU with effective order", arguments: Fixtures.sacreBLEU.cases)
    func sentenceBLEU(_ c: SacreBLEUCase) {
        let bleu = BLEU(effectiveOrder: true)
        for (i, h) in c.hypotheses.enumerated() {
            let got = bleu.sentenceScore(hypothesis: h, references: c.references.map { $0[i] })
            #expect(abs(got.score - c.sentence_bleu_effective_order[i]) < tolerance, "\(h)")
        }
    }

    @Test func thirteenAOnKnownLines() {
        let t = BLEUTokenization.thirteenA
        #expect(t.tokens("Hello, world.") == ["Hello", ",", "world", "."])
        #expect(t.tokens("3.5 and 1,000-2") == ["3.5", "and", "1,000", "-", "2"])
        #expect(t.tokens("Tom &amp; Jerry") == ["Tom", "&", "Jerry"])
        #expect(t.tokens("") == [])
    }

    @Test func closestReferenceLengthPrefersShorterOnTie() {
        #expect(closestReferenceLength(5, [7, 3]) == 3)
        #expect(closestReferenceLength(5, [6, 4]) == 4)
        #expect(closestReferenceLength(5, [9, 6]) == 6)
    }

    @Test func parallelChunksGiveTheSameStatistics() {
        // Enough segments to be split across both cores; must equal one-by-one counting.
        let c = Fixtures.sacreBLEU.cases[0]
        let hyps = Array(repeating: c.hypotheses, count: 50).flatMap { $0 }
        let refs = c.references.map { Array(repeating: $0, count: 50).flatMap { $0 } }
        let whole = BLEU().segmentStatistics(hypotheses: hyps, references: refs)
        let single = BLEU().segmentStatistics(
            hypotheses: Array(hyps.prefix(c.hypotheses.count)),
            references: refs.map { Array($0.prefix(c.hypotheses.count)) })
        #expect(whole.count == hyps.count)
        #expect(Array(whole.values.prefix(single.values.count)) == single.values)
        let repeated = BLEU().corpusScore(hypotheses: hyps, references: refs).score
        let once = BLEU().corpusScore(hypotheses: c.hypotheses, references: c.references).score
        #expect(abs(repeated - once) < 1e-9)
    }
}
