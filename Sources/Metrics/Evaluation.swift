// What `recur evaluate` does: read a hypothesis file and one or more reference files,
// check that they line up, compute the requested metrics and render them as text (in
// sacreBLEU's own line format) or JSON. The command line only parses and calls `evaluate`.

import Foundation

/// A metric `recur evaluate` can report.
public enum EvaluationMetric: String, Sendable, CaseIterable, Codable {
    case bleu, chrf, rouge
}

/// Everything `recur evaluate` needs, as plain values.
public struct EvaluationRequest: Sendable {
    public var hypothesisPath: String
    public var referencePaths: [String]
    public var metrics: [EvaluationMetric]
    public var bleu: BLEU
    public var chrF: ChrF
    public var rougeStemmer: Bool
    /// A second system to compare with by paired bootstrap resampling (`--paired-bs`).
    public var baselinePath: String?

    public init(
        hypothesisPath: String, referencePaths: [String],
        metrics: [EvaluationMetric] = [.bleu, .chrf], bleu: BLEU = BLEU(), chrF: ChrF = ChrF(),
        rougeStemmer: Bool = false, baselinePath: String? = nil
    ) {
        self.hypothesisPath = hypothesisPath
        self.referencePaths = referencePaths
        self.metrics = metrics
        self.bleu = bleu
        self.chrF = chrF
        self.rougeStemmer = rougeStemmer
        self.baselinePath = baselinePath
    }
}

/// One corpus score with sacreBLEU's name, signature and details.
public struct CorpusScoreReport: Sendable, Codable, Equatable {
    public var name: String
    public var score: Double
    public var signature: String
    /// BLEU's precisions, brevity penalty and lengths; empty for chrF.
    public var verbose: String
    /// Paired bootstrap against the baseline, when one was given.
    public var pairedBootstrap: PairedBootstrapResult?
}

/// The result of `recur evaluate`.
public struct EvaluationReport: Sendable, Codable, Equatable {
    public var hypotheses: String
    public var references: [String]
    public var segments: Int
    public var baseline: String?
    public var scores: [CorpusScoreReport]
    /// Mean ROUGE over segments (rouge-score 0.1.2 per segment), 0–1, when requested.
    public var rouge: [String: RougeScore]?
    public var rougeStemmer: Bool?

    /// One line per metric; BLEU and chrF exactly as `sacrebleu -f text` prints them.
    public func text(width: Int = 1) -> String {
        var lines: [String] = []
        for s in scores {
            var line = "\(s.name)|\(s.signature) = \(fixed(s.score, width))"
            if !s.verbose.isEmpty { line += " \(s.verbose)" }
            lines.append(line)
            if let pb = s.pairedBootstrap {
                lines.append(
                    "  paired bootstrap (1000 resamples, seed 12345) vs \(baseline ?? "baseline"): "
                        + "baseline \(fixed(pb.baseline.score, width)) (μ = \(fixed(pb.baseline.mean, width)) ± \(fixed(pb.baseline.ci, width))), "
                        + "system \(fixed(pb.system.score, width)) (μ = \(fixed(pb.system.mean, width)) ± \(fixed(pb.system.ci, width))), "
                        + "p = \(fixed(pb.pValue, 4))")
            }
        }
        if let rouge {
            for kind in Rouge.Kind.allCases {
                guard let r = rouge[kind.rawValue] else { continue }
                lines.append(
                    "\(kind.rawValue)|rouge-score:0.1.2|stemmer:\(rougeStemmer == true ? "yes" : "no")|mean-of:\(segments) = "
                        + "F1 \(fixed(r.fmeasure, 4)) P \(fixed(r.precision, 4)) R \(fixed(r.recall, 4))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The report as pretty-printed JSON with sorted keys.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

/// Reads the files of `request`, checks that every file has as many lines as the
/// hypotheses, and computes the requested metrics.
public func evaluate(_ request: EvaluationRequest) throws -> EvaluationReport {
    guard !request.referencePaths.isEmpty else {
        throw MetricsInputError("no reference file given; pass at least one --ref FILE")
    }
    let hypotheses = try readLines(path: request.hypothesisPath)
    var references: [[String]] = []
    for path in request.referencePaths {
        let lines = try readLines(path: path)
        try checkLineCounts(request.hypothesisPath, hypotheses.count, path, lines.count)
        references.append(lines)
    }
    var baseline: [String]? = nil
    if let path = request.baselinePath {
        let lines = try readLines(path: path)
        try checkLineCounts(request.hypothesisPath, hypotheses.count, path, lines.count)
        baseline = lines
    }

    var report = EvaluationReport(
        hypotheses: request.hypothesisPath, references: request.referencePaths,
        segments: hypotheses.count, baseline: request.baselinePath, scores: [])
    let nrefs = references.count
    for metric in request.metrics {
        switch metric {
        case .bleu:
            let bleu = request.bleu
            let stats = bleu.segmentStatistics(hypotheses: hypotheses, references: references)
            let score = bleu.score(totals: stats.totals())
            report.scores.append(
                CorpusScoreReport(
                    name: bleu.name, score: score.score,
                    signature: bleu.signature(referenceCount: nrefs), verbose: score.verbose,
                    pairedBootstrap: compare(bleu, stats, baseline, references)))
        case .chrf:
            let chrF = request.chrF
            let stats = chrF.segmentStatistics(hypotheses: hypotheses, references: references)
            report.scores.append(
                CorpusScoreReport(
                    name: chrF.name, score: chrF.score(fromTotals: stats.totals()),
                    signature: chrF.signature(referenceCount: nrefs), verbose: "",
                    pairedBootstrap: compare(chrF, stats, baseline, references)))
        case .rouge:
            let rouge = Rouge(useStemmer: request.rougeStemmer)
            let means = rouge.corpusScore(predictions: hypotheses, references: references)
            report.rouge = Dictionary(uniqueKeysWithValues: means.map { ($0.key.rawValue, $0.value) })
            report.rougeStemmer = request.rougeStemmer
        }
    }
    return report
}

private func compare<M: AdditiveMetric>(
    _ metric: M, _ system: SegmentStatistics, _ baseline: [String]?, _ references: [[String]]
) -> PairedBootstrapResult? {
    guard let baseline else { return nil }
    let base = metric.segmentStatistics(hypotheses: baseline, references: references)
    return PairedBootstrap().compare(metric: metric, baseline: base, system: system)
}

/// The error for files that do not line up, naming both files and both counts.
func checkLineCounts(_ hypPath: String, _ hypCount: Int, _ otherPath: String, _ otherCount: Int)
    throws
{
    guard hypCount != otherCount else { return }
    throw MetricsInputError(
        "line count mismatch: \(hypPath) has \(hypCount) lines but \(otherPath) has "
            + "\(otherCount); line i of every file must be the same segment, so fix or "
            + "re-export the shorter file")
}
