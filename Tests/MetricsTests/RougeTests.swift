import Testing

@testable import Metrics

@Suite struct RougeTests {
    @Test func fixturesSayWhoMadeThem() {
        #expect(Fixtures.rouge.generated_by.contains("rouge-score 0.1.2"))
    }

    @Test("ROUGE-1/2/L equal rouge-score's, plain and stemmed", arguments: Fixtures.rouge.cases)
    func perSegment(_ c: RougeCase) {
        for (stemmed, expected) in [(false, c.plain), (true, c.stemmed)] {
            let rouge = Rouge(useStemmer: stemmed)
            for (i, h) in c.hypotheses.enumerated() {
                let got = rouge.score(targets: c.references.map { $0[i] }, prediction: h)
                for kind in Rouge.Kind.allCases {
                    let want = expected[i][kind.rawValue]!
                    let s = got[kind]!
                    #expect(
                        abs(s.precision - want[0]) < 1e-9 && abs(s.recall - want[1]) < 1e-9
                            && abs(s.fmeasure - want[2]) < 1e-9,
                        "\(kind.rawValue) stem=\(stemmed): \(h)")
                }
            }
        }
    }

    @Test("corpus ROUGE is the mean of segment scores", arguments: Fixtures.rouge.cases)
    func corpusMean(_ c: RougeCase) {
        let got = Rouge().corpusScore(predictions: c.hypotheses, references: c.references)
        for kind in Rouge.Kind.allCases {
            let mean = c.plain.map { $0[kind.rawValue]![2] }.reduce(0, +) / Double(c.plain.count)
            #expect(abs(got[kind]!.fmeasure - mean) < 1e-9)
        }
    }

    @Test func tokenizerDropsNonASCIIAndStemsLongWords() {
        #expect(Rouge().tokens("Ein Mädchen, 3 Hunde!") == ["ein", "m", "dchen", "3", "hunde"])
        #expect(Rouge(useStemmer: true).tokens("The dogs were running") == ["the", "dog", "were", "run"])
        #expect(Rouge().tokens("一个男人") == [])
    }

    @Test func emptyPredictionScoresZero() {
        let s = Rouge().score(target: "a cat sat", prediction: "")
        #expect(s[.rouge1] == RougeScore(precision: 0, recall: 0, fmeasure: 0))
        #expect(s[.rougeL] == RougeScore(precision: 0, recall: 0, fmeasure: 0))
    }
}
