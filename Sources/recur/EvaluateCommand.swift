// `recur evaluate`: scores a hypothesis file against reference files with BLEU, chrF and
// ROUGE as sacreBLEU and rouge-score compute them. Parses, validates, calls
// `Metrics.evaluate`, prints.

import ArgumentParser
import Foundation
import Metrics

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score hypotheses against references (BLEU, chrF, ROUGE).",
        discussion: """
            BLEU and chrF equal sacreBLEU 2.6.0's and print in its format and signature;
            ROUGE is the mean over lines of rouge-score 0.1.2's per-line scores. Files are
            UTF-8, one segment a line; every file must have as many lines as --hyp.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "The hypothesis (system output) file.")
    var hyp: String

    @Option(help: "A reference file; repeat for several references.")
    var ref: [String] = []

    @Option(help: "Comma-separated metrics: bleu, chrf, rouge.")
    var metrics: String = "bleu,chrf"

    @Option(help: "Output format: text (sacreBLEU's lines) or json.")
    var format: Format = .text

    @Option(help: "BLEU tokenisation: 13a, intl, char or none.")
    var tokenize: String = "13a"

    @Flag(help: "Lowercase before BLEU and chrF.")
    var lowercase = false

    @Option(help: "chrF word n-gram order (2 for chrF++).")
    var chrfWordOrder: Int = 0

    @Flag(help: "Porter-stem words for ROUGE (rouge-score's use_stemmer).")
    var rougeStemmer = false

    @Option(help: "A baseline system to compare with by paired bootstrap resampling.")
    var pairedBs: String?

    @Option(help: "Decimals in text output.")
    var width: Int = 1

    func validate() throws {
        if ref.isEmpty { throw ValidationError("pass at least one --ref FILE") }
        _ = try parsedMetrics()
        if BLEUTokenization(rawValue: tokenize) == nil {
            throw ValidationError("unknown --tokenize '\(tokenize)'; use one of 13a, intl, char, none")
        }
        if chrfWordOrder < 0 {
            throw ValidationError("--chrf-word-order cannot be negative (0 is chrF, 2 is chrF++)")
        }
    }

    func parsedMetrics() throws -> [EvaluationMetric] {
        try metrics.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard let m = EvaluationMetric(rawValue: trimmed) else {
                throw ValidationError("unknown metric '\(name)' in --metrics; use bleu, chrf, rouge")
            }
            return m
        }
    }

    func run() throws {
        let request = EvaluationRequest(
            hypothesisPath: hyp, referencePaths: ref, metrics: try parsedMetrics(),
            bleu: BLEU(tokenization: BLEUTokenization(rawValue: tokenize)!, lowercase: lowercase),
            chrF: ChrF(wordOrder: chrfWordOrder, lowercase: lowercase),
            rougeStemmer: rougeStemmer, baselinePath: pairedBs)
        let report = try evaluate(request)
        print(format == .json ? report.json() : report.text(width: width))
    }
}
