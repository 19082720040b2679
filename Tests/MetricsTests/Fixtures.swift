// Loads the reference values written by Fixtures/make_fixtures.py (sacrebleu, rouge-score,
// NLTK and NumPy from PyPI). The tests never run Python: they read these committed files.

import Foundation
import Testing

@testable import Metrics

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }

    static let sacreBLEU: SacreBLEUFile = try! load("sacrebleu_cases.json", as: SacreBLEUFile.self)
    static let rouge: RougeFile = try! load("rouge_cases.json", as: RougeFile.self)
}

/// Scores must agree with the reference tools to this many points (0–100 scale).
let tolerance = 0.01

struct SacreBLEUFile: Decodable {
    let generated_by: String
    let cases: [SacreBLEUCase]
}

struct SacreBLEUCase: Decodable, CustomTestStringConvertible {
    let name: String
    let hypotheses: [String]
    let references: [[String]]
    let tokenized_hypotheses: [String: [String]]
    let bleu: [BLEUExpectation]
    let sentence_bleu_effective_order: [Double]
    let chrf: [ChrFExpectation]

    var testDescription: String { name }
}

struct Options: Decodable {
    let tokenize: String?
    let lowercase: Bool?
    let smooth_method: String?
    let effective_order: Bool?
    let word_order: Int?
    let whitespace: Bool?
    let eps_smoothing: Bool?
}

struct BLEUExpectation: Decodable {
    let options: Options
    let score: Double
    let counts: [Double]
    let totals: [Double]
    let precisions: [Double]
    let bp: Double
    let sys_len: Int
    let ref_len: Int
    let formatted: String
    let signature: String

    var metric: BLEU {
        let smoothing: BLEU.Smoothing
        switch options.smooth_method ?? "exp" {
        case "none": smoothing = .none
        case "floor": smoothing = .floor(0.1)
        case "add-k": smoothing = .addK(1)
        default: smoothing = .exponential
        }
        return BLEU(
            tokenization: BLEUTokenization(rawValue: options.tokenize ?? "13a")!,
            lowercase: options.lowercase ?? false, smoothing: smoothing,
            effectiveOrder: options.effective_order ?? false)
    }
}

struct ChrFExpectation: Decodable {
    let options: Options
    let name: String
    let score: Double
    let signature: String
    let sentence_scores: [Double]?

    var metric: ChrF {
        ChrF(
            wordOrder: options.word_order ?? 0, lowercase: options.lowercase ?? false,
            whitespace: options.whitespace ?? false, epsSmoothing: options.eps_smoothing ?? false)
    }
}

struct RougeFile: Decodable {
    let generated_by: String
    let cases: [RougeCase]
}

struct RougeCase: Decodable, CustomTestStringConvertible {
    let name: String
    let hypotheses: [String]
    let references: [[String]]
    /// Per segment, per ROUGE type: [precision, recall, fmeasure].
    let plain: [[String: [Double]]]
    let stemmed: [[String: [Double]]]

    var testDescription: String { name }
}
