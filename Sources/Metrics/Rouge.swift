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
        forEachWord(in: text) { bytes in
            let word = String(decoding: bytes, as: UTF8.self)
            result.append(useStemmer && bytes.count > 3 ? stemmer.stem(word) : word)
        }
        return result
    }

    /// ROUGE of `prediction` against one `target` (`RougeScorer.score`).
    public func score(target: String, prediction: String) -> [Kind: RougeScore] {
        score(targets: [target], prediction: prediction)
    }

    /// ROUGE against several targets: for each type, the target with the highest F1, the
    /// first on a tie (`RougeScorer.score_multi`, `np.argmax`).
    public func score(targets: [String], prediction: String) -> [Kind: RougeScore] {
        var counter = RougeCounter(useStemmer: useStemmer)
        let best = counter.score(targets: targets, prediction: prediction)
        return Dictionary(uniqueKeysWithValues: zip(Kind.allCases, best))
    }

    /// The mean over segments of each type's precision, recall and F1. rouge-score has no
    /// corpus score; its `BootstrapAggregator` reports a resampled median instead, whereas
    /// this is the plain mean the per-segment scores give. `references` holds one array
    /// per reference stream, each as long as `predictions`.
    public func corpusScore(predictions: [String], references: [[String]]) -> [Kind: RougeScore] {
        let useStemmer = self.useStemmer
        // Per chunk, per type (in `Kind.allCases` order): summed precision, recall, F1.
        let sums = inChunks(count: predictions.count) { range -> [RougeScore] in
            var counter = RougeCounter(useStemmer: useStemmer)
            var sums = [RougeScore](repeating: .zero, count: Kind.allCases.count)
            for i in range {
                let s = counter.score(targets: references.map { $0[i] }, prediction: predictions[i])
                for k in sums.indices {
                    sums[k].precision += s[k].precision
                    sums[k].recall += s[k].recall
                    sums[k].fmeasure += s[k].fmeasure
                }
            }
            return sums
        }
        let n = Double(max(predictions.count, 1))
        var means: [Kind: RougeScore] = [:]
        for (k, kind) in Kind.allCases.enumerated() {
            let p = sums.reduce(0) { $0 + $1[k].precision }
            let r = sums.reduce(0) { $0 + $1[k].recall }
            let f = sums.reduce(0) { $0 + $1[k].fmeasure }
            means[kind] = RougeScore(precision: p / n, recall: r / n, fmeasure: f / n)
        }
        return means
    }
}

/// Scores segments on token ids, with the stem of every distinct word computed once.
private struct RougeCounter {
    let useStemmer: Bool
    let stemmer = PorterStemmer()
    /// Ids of words as they appear, and of the forms compared (stemmed or not).
    var surface = TokenInterner()
    var canonical = TokenInterner()
    var canonicalOf: [UInt32] = [0]
    var matcher = NGramMatcher()
    var matches = [0, 0]

    init(useStemmer: Bool) { self.useStemmer = useStemmer }

    /// `tokenize.tokenize` as ids: see `Rouge.tokens`.
    mutating func ids(_ text: String) -> [UInt32] {
        var result: [UInt32] = []
        forEachWord(in: text) { bytes in
            let id = Int(surface.id(of: bytes))
            if id == canonicalOf.count {
                var form = Array(bytes)
                if useStemmer && bytes.count > 3 {
                    form = Array(stemmer.stem(String(decoding: bytes, as: UTF8.self)).utf8)
                }
                canonicalOf.append(form.withUnsafeBufferPointer { canonical.id(of: $0) })
            }
            result.append(canonicalOf[id])
        }
        return result
    }

    /// rouge1, rouge2, rougeL (`Rouge.Kind.allCases` order), each from the target with
    /// the best F1 for that type.
    mutating func score(targets: [String], prediction: String) -> [RougeScore] {
        let p = ids(prediction)
        var best: [RougeScore]? = nil
        for target in targets {
            let t = ids(target)
            matcher.reset(hypothesis: p)
            matcher.addReference(t)
            matcher.clippedMatches(maxOrder: 2, into: &matches)
            let scores = [
                ngramScore(overlap: matches[0], t.count, p.count),
                ngramScore(overlap: matches[1], t.count - 1, p.count - 1),
                lcsScore(t, p),
            ]
            if var b = best {
                for k in b.indices where scores[k].fmeasure > b[k].fmeasure { b[k] = scores[k] }
                best = b
            } else {
                best = scores
            }
        }
        return best ?? [.zero, .zero, .zero]
    }

    /// `_score_ngrams`: clipped overlap over each side's n-gram count (at least 1).
    func ngramScore(overlap: Int, _ targetCount: Int, _ predictionCount: Int) -> RougeScore {
        RougeScore(
            precision: Double(overlap) / Double(max(predictionCount, 1)),
            recall: Double(overlap) / Double(max(targetCount, 1)))
    }

    /// `_score_lcs`: LCS length over each side's length; 0 if either side is empty.
    func lcsScore(_ target: [UInt32], _ prediction: [UInt32]) -> RougeScore {
        guard !target.isEmpty && !prediction.isEmpty else { return .zero }
        let lcs = Double(lcsLength(target, prediction))
        return RougeScore(
            precision: lcs / Double(prediction.count), recall: lcs / Double(target.count))
    }

    /// The classic dynamic programme (`_lcs_table`), one row at a time.
    func lcsLength(_ a: [UInt32], _ b: [UInt32]) -> Int {
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

/// Calls `body` with each `[a-z0-9]+` run of the Python-lowercased text (rouge-score's
/// `NON_ALPHANUM_RE` split). Lowercasing goes scalar by scalar with full mappings: Python's
/// one context rule (final sigma) gives a non-ASCII letter either way, which separates
/// words whatever its form.
private func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    var word: [UInt8] = []
    func accept(_ c: UInt8) {
        switch c {
        case 0x61...0x7A, 0x30...0x39: word.append(c)
        case 0x41...0x5A: word.append(c + 0x20)
        default:
            if !word.isEmpty {
                word.withUnsafeBufferPointer(body)
                word.removeAll(keepingCapacity: true)
            }
        }
    }
    for scalar in text.unicodeScalars {
        if scalar.isASCII {
            accept(UInt8(truncatingIfNeeded: scalar.value))
        } else {
            for c in scalar.properties.lowercaseMapping.utf8 { accept(c) }
        }
    }
    accept(0x20)
}
