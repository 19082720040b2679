// ROUGE-N and ROUGE-L (Lin, 2004, "ROUGE: A Package for Automatic Evaluation of
// Summaries", sections 2 and 3.1) exactly as Google's rouge-score 0.1.2 computes them
// (`rouge_score/rouge_scorer.py`, `tokenize.py`): lowercase, keep only `[a-z0-9]` runs,
// optionally Porter-stem tokens longer than three characters, then n-gram overlap or the
// longest common subsequence. With several references the one with the best F1 is taken,
// per ROUGE type (`RougeScorer.score_multi`).

/// Precision, recall and F1 of one ROUGE type (`scoring.Score`).
public struct RougeScore: Sendable, Equatable, Codable {
    public var precision: Double
    public var recall: Double
    public var fmeasure: Double

    public init(precision: Double, recall: Double, fmeasure: Double) {
        self.precision = precision
        self.recall = recall
        self.fmeasure = fmeasure
    }

    /// `scoring.fmeasure`: the harmonic mean, 0 when both are 0.
    init(precision: Double, recall: Double) {
        let f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        self.init(precision: precision, recall: recall, fmeasure: f)
    }

    static let zero = RougeScore(precision: 0, recall: 0, fmeasure: 0)
}

/// rouge-score's `RougeScorer` for `rouge1`, `rouge2` and `rougeL`.
public struct Rouge: Sendable {
    /// A ROUGE type, named as rouge-score names it.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case rouge1, rouge2, rougeL
    }

    public var useStemmer: Bool
    private let stemmer = PorterStemmer()

    public init(useStemmer: Bool = false) {
        self.useStemmer = useStemmer
    }

    /// `tokenize.tokenize`: Python-lowercase, replace every run outside `[a-z0-9]` by a
    /// space, split, and stem words longer than 3 characters. Letters outside ASCII
    /// (accents, CJK) therefore vanish, exactly as in rouge-score.
    public func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var current: [UInt8] = []
        func flush() {
            guard !current.isEmpty else { return }
            let word = String(decoding: current, as: UTF8.self)
            result.append(useStemmer && current.count > 3 ? stemmer.stem(word) : word)
            current.removeAll(keepingCapacity: true)
        }
        for c in pythonLowercased(text).utf8 {
            if (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) {
                current.append(c)
            } else {
                flush()
            }
        }
        flush()
        return result
    }

    /// ROUGE of `prediction` against one `target` (`RougeScorer.score`).
    public func score(target: String, prediction: String) -> [Kind: RougeScore] {
        let t = tokens(target), p = tokens(prediction)
        return [
            .rouge1: Self.ngramScore(t, p, n: 1),
            .rouge2: Self.ngramScore(t, p, n: 2),
            .rougeL: Self.lcsScore(t, p),
        ]
    }

    /// ROUGE against several targets: for each type, the target with the highest F1, the
    /// first on a tie (`RougeScorer.score_multi`, `np.argmax`).
    public func score(targets: [String], prediction: String) -> [Kind: RougeScore] {
        let all = targets.map { score(target: $0, prediction: prediction) }
        var best: [Kind: RougeScore] = [:]
        for kind in Kind.allCases {
            var chosen: RougeScore? = nil
            for s in all where chosen == nil || s[kind]!.fmeasure > chosen!.fmeasure {
                chosen = s[kind]
            }
            best[kind] = chosen ?? .zero
        }
        return best
    }

    /// The mean over segments of each type's precision, recall and F1. rouge-score has no
    /// corpus score; its `BootstrapAggregator` reports a resampled median instead, whereas
    /// this is the plain mean the per-segment scores give. `references` holds one array
    /// per reference stream, each as long as `predictions`.
    public func corpusScore(predictions: [String], references: [[String]]) -> [Kind: RougeScore] {
        var sums: [Kind: RougeScore] = [:]
        for kind in Kind.allCases { sums[kind] = .zero }
        for (i, prediction) in predictions.enumerated() {
            let s = score(targets: references.map { $0[i] }, prediction: prediction)
            for kind in Kind.allCases {
                sums[kind]!.precision += s[kind]!.precision
                sums[kind]!.recall += s[kind]!.recall
                sums[kind]!.fmeasure += s[kind]!.fmeasure
            }
        }
        let n = Double(max(predictions.count, 1))
        return sums.mapValues {
            RougeScore(precision: $0.precision / n, recall: $0.recall / n, fmeasure: $0.fmeasure / n)
        }
    }

    /// `_score_ngrams`: clipped overlap over each side's n-gram count (at least 1).
    static func ngramScore(_ target: [String], _ prediction: [String], n: Int) -> RougeScore {
        let t = ngramCounts(target, n), p = ngramCounts(prediction, n)
        var overlap = 0
        for (gram, count) in t { overlap += min(count, p[gram] ?? 0) }
        let tTotal = max(0, target.count - n + 1), pTotal = max(0, prediction.count - n + 1)
        return RougeScore(
            precision: Double(overlap) / Double(max(pTotal, 1)),
            recall: Double(overlap) / Double(max(tTotal, 1)))
    }

    private static func ngramCounts(_ tokens: [String], _ n: Int) -> [[String]: Int] {
        var counts: [[String]: Int] = [:]
        if tokens.count >= n {
            for i in 0...(tokens.count - n) { counts[Array(tokens[i..<(i + n)]), default: 0] += 1 }
        }
        return counts
    }

    /// `_score_lcs`: LCS length over each side's length; 0 if either side is empty.
    static func lcsScore(_ target: [String], _ prediction: [String]) -> RougeScore {
        guard !target.isEmpty && !prediction.isEmpty else { return .zero }
        let lcs = Double(lcsLength(target, prediction))
        return RougeScore(
            precision: lcs / Double(prediction.count), recall: lcs / Double(target.count))
    }

    /// The classic dynamic programme (`_lcs_table`), one row at a time.
    static func lcsLength(_ a: [String], _ b: [String]) -> Int {
        var previous = Array(repeating: 0, count: b.count + 1)
        var current = previous
        for i in 1...a.count {
            for j in 1...b.count {
                current[j] = a[i - 1] == b[j - 1]
                    ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
