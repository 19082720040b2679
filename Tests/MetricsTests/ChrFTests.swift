import Testing

@testable import Metrics

@Suite struct ChrFTests {
    @Test("corpus chrF and chrF++ equal sacreBLEU's", arguments: Fixtures.sacreBLEU.cases)
    func corpusChrF(_ c: SacreBLEUCase) {
        for e in c.chrf {
            let metric = e.metric
            let got = metric.corpusScore(hypotheses: c.hypotheses, references: c.references)
            #expect(abs(got - e.score) < tolerance, "\(e.signature)")
            #expect(metric.name == e.name)
            #expect(metric.signature(referenceCount: c.references.count) == e.signature)
        }
    }

    @Test("sentence chrF and chrF++ equal sacreBLEU's", arguments: Fixtures.sacreBLEU.cases)
    func sentenceChrF(_ c: SacreBLEUCase) {
        for e in c.chrf {
            guard let expected = e.sentence_scores else { continue }
            for (i, h) in c.hypotheses.enumerated() {
                let got = e.metric.sentenceScore(
                    hypothesis: h, references: c.references.map { $0[i] })
                #expect(abs(got - expected[i]) < tolerance, "\(e.name): \(h)")
            }
        }
    }

    @Test func identicalSentencesScoreHundred() {
        let s = "Ein Mann mit einem orangefarbenen Hut."
        #expect(abs(ChrF().sentenceScore(hypothesis: s, references: [s]) - 100) < 1e-9)
        #expect(abs(ChrF.chrFPlusPlus.sentenceScore(hypothesis: s, references: [s]) - 100) < 1e-9)
    }

    @Test func punctuationSplitsOnlyOnce() {
        // sacreBLEU issue #124: "(hi)" becomes "(hi" and ")".
        #expect(chrFWords("(hi) a, .b x") == ["(hi", ")", "a", ",", ".", "b", "x"])
    }
}

@Suite struct HigherOrderTests {
    @Test func ordersBeyondDefaultsWork() {
        // Orders above sacreBLEU's defaults count like the others: a sentence matched
        // against itself scores 100 at any order.
        let s = "Zwei junge Männer spielen im Garten Fußball, und ein Hund schaut zu."
        #expect(abs(ChrF(charOrder: 9, wordOrder: 5).sentenceScore(hypothesis: s, references: [s]) - 100) < 1e-9)
        #expect(abs(BLEU(maxNgramOrder: 6).sentenceScore(hypothesis: s, references: [s]).score - 100) < 1e-9)
    }
}
