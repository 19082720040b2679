import Foundation
import Testing

@testable import Metrics

struct BootstrapFile: Decodable {
    struct Estimate: Decodable { let score, mean, ci: Double }
    struct Result: Decodable {
        let baseline, system: Estimate
        let p_value: Double
        let signature: String
    }
    let generated_by: String
    let references: [[String]]
    let baseline: [String]
    let system: [String]
    let results: [String: Result]
    let numpy_choice_12345_7x20: [Int]
}

@Suite struct BootstrapTests {
    let file = try! Fixtures.load("paired_bootstrap.json", as: BootstrapFile.self)

    @Test func numpyGeneratorDrawsTheSameIndices() {
        var rng = NumPyRandom(seed: 12345)
        let got = (0..<20).map { _ in rng.nextInt(below: 7) }
        #expect(got == file.numpy_choice_12345_7x20)
        // Values printed by `np.random.default_rng(12345).bit_generator.random_raw(3)`.
        var raw = NumPyRandom(seed: 12345)
        #expect(raw.next64() == 0x3a32_b18d_b2ff_c19d)
        #expect(raw.next64() == 0x5117_1315_c9e4_c4de)
    }

    @Test func pairedBootstrapEqualsSacreBLEU() {
        check(BLEU(), file.results["BLEU"]!)
        check(ChrF(), file.results["chrF2"]!)
    }

    private func check<M: AdditiveMetric>(_ metric: M, _ want: BootstrapFile.Result) {
        let base = metric.segmentStatistics(hypotheses: file.baseline, references: file.references)
        let sys = metric.segmentStatistics(hypotheses: file.system, references: file.references)
        let got = PairedBootstrap().compare(metric: metric, baseline: base, system: sys)
        for (g, w) in [(got.baseline, want.baseline), (got.system, want.system)] {
            #expect(abs(g.score - w.score) < tolerance, "\(metric.name) score")
            #expect(abs(g.mean - w.mean) < tolerance, "\(metric.name) mean")
            #expect(abs(g.ci - w.ci) < tolerance, "\(metric.name) ci")
        }
        #expect(abs(got.pValue - want.p_value) < 1e-9, "\(metric.name) p-value")
    }
}

@Suite struct PerplexityTests {
    @Test func perplexityIsExpOfMeanNLL() {
        #expect(abs(perplexity(totalNegLogLikelihood: 0, tokenCount: 10)! - 1) < 1e-12)
        let uniform = perplexity(totalNegLogLikelihood: 100 * log(8000.0), tokenCount: 100)!
        #expect(abs(uniform - 8000) < 1e-6)
        #expect(perplexity(totalNegLogLikelihood: 5, tokenCount: 0) == nil)
    }
}
