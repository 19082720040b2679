// chrF (Popović, 2015, "chrF: character n-gram F-score for automatic MT evaluation") and
// chrF++ (Popović, 2017, adding word unigrams and bigrams), exactly as sacreBLEU 2.x
// computes them (`sacrebleu/metrics/chrf.py`): character n-grams over code points with
// whitespace removed, precision and recall averaged over the orders that occur, then
// F_β with β = 2 weighting recall twice as much as precision.

import Foundation

/// chrF with sacreBLEU's defaults; `ChrF(wordOrder: 2)` is chrF++.
public struct ChrF: AdditiveMetric {
    /// Character n-gram orders 1…`charOrder` (6 in chrF).
    public var charOrder: Int
    /// Word n-gram orders 1…`wordOrder` (0 for chrF, 2 for chrF++).
    public var wordOrder: Int
    /// Recall is weighted β times as much as precision.
    public var beta: Int
    public var lowercase: Bool
    /// Keep whitespace inside character n-grams.
    public var whitespace: Bool
    /// chrF++.py's ε-smoothing instead of sacreBLEU's effective-order averaging.
    public var epsSmoothing: Bool

    public init(
        charOrder: Int = 6, wordOrder: Int = 0, beta: Int = 2, lowercase: Bool = false,
        whitespace: Bool = false, epsSmoothing: Bool = false
    ) {
        precondition(charOrder >= 1, "chrF needs character orders from 1")
        precondition(wordOrder >= 0, "chrF word order cannot be negative")
        self.charOrder = charOrder
        self.wordOrder = wordOrder
        self.beta = beta
        self.lowercase = lowercase
        self.whitespace = whitespace
        self.epsSmoothing = epsSmoothing
    }

    /// chrF++: character 6-grams and word bigrams.
    public static let chrFPlusPlus = ChrF(wordOrder: 2)

    /// `chrF2`, `chrF2++` (`CHRFScore`: one `+` per word order).
    public var name: String { "chrF\(beta)" + String(repeating: "+", count: wordOrder) }

    /// chrF of a corpus, 0–100. `references` holds one array per reference stream.
    public func corpusScore(hypotheses: [String], references: [[String]]) -> Double {
        score(fromTotals: segmentStatistics(hypotheses: hypotheses, references: references).totals())
    }

    /// chrF of one sentence against its references.
    public func sentenceScore(hypothesis: String, references: [String]) -> Double {
        corpusScore(hypotheses: [hypothesis], references: references.map { [$0] })
    }

    /// sacreBLEU's signature, e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0`.
    public func signature(referenceCount: Int, version: String = sacreBLEUVersion) -> String {
        [
            "nrefs:\(referenceCount)", "case:\(lowercase ? "lc" : "mixed")",
            "eff:\(epsSmoothing ? "no" : "yes")", "nc:\(charOrder)", "nw:\(wordOrder)",
            "space:\(whitespace ? "yes" : "no")", "version:\(version)",
        ].joined(separator: "|")
    }

    /// `CHRF._compute_f_score`, operation for operation so that rounding agrees.
    public func score(fromTotals stats: [Int]) -> Double {
        let eps = 1e-16
        let factor = Double(beta * beta)
        var score = 0.0
        var effectiveOrder = 0
        var avgPrec = 0.0, avgRec = 0.0
        for i in 0..<(charOrder + wordOrder) {
            let nHyp = stats[3 * i], nRef = stats[3 * i + 1], nMatch = stats[3 * i + 2]
            let prec = nHyp > 0 ? Double(nMatch) / Double(nHyp) : eps
            let rec = nRef > 0 ? Double(nMatch) / Double(nRef) : eps
            let denom = factor * prec + rec
            score += denom > 0 ? (1 + factor) * prec * rec / denom : eps
            if nHyp > 0 && nRef > 0 {
                avgPrec += prec
                avgRec += rec
                effectiveOrder += 1
            }
        }
        if epsSmoothing { return 100 * score / Double(charOrder + wordOrder) }
        if effectiveOrder == 0 {
            avgPrec = 0; avgRec = 0
        } else {
            avgPrec /= Double(effectiveOrder)
            avgRec /= Double(effectiveOrder)
        }
        guard avgPrec + avgRec != 0 else { return 0 }
        return 100 * ((1 + factor) * avgPrec * avgRec / (factor * avgPrec + avgRec))
    }

    public func segmentStatistics(hypotheses: [String], references: [[String]])
        -> SegmentStatistics
    {
        for stream in references {
            precondition(stream.count == hypotheses.count, "reference stream length differs")
        }
        let config = self
        return SegmentStatistics.computed(
            count: hypotheses.count, width: 3 * (charOrder + wordOrder),
            makeState: { ChrFCounter(config) },
            row: { counter, i, row in
                row = counter.statistics(
                    hypothesis: hypotheses[i], references: references.map { $0[i] })
            })
    }
}

/// `string.punctuation`, the characters chrF++ splits off words (`CHRF._PUNCTS`).
@inline(__always)
private func isASCIIPunctuation(_ v: UInt32) -> Bool {
    switch v {
    case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
    default: return false
    }
}

/// One side of a sentence pair: its code points (whitespace removed unless kept) and the
/// ids of its chrF++ words.
private struct ChrFSide {
    var codePoints: [UInt32] = []
    var wordIDs: [UInt32] = []
}

/// Per-segment chrF counting with reusable scratch buffers
/// (`_extract_reference_info` and `_compute_segment_statistics`).
private struct ChrFCounter {
    let config: ChrF
    var interner = TokenInterner()
    var hyp = ChrFSide()
    var ref = ChrFSide()
    var matcher = NGramMatcher()
    var charMatches: [Int]
    var wordMatches: [Int]

    init(_ config: ChrF) {
        self.config = config
        charMatches = Array(repeating: 0, count: config.charOrder)
        wordMatches = Array(repeating: 0, count: config.wordOrder)
    }

    static func extract(
        _ line: String, _ config: ChrF, _ interner: inout TokenInterner, into side: inout ChrFSide
    ) {
        let text = config.lowercase ? pythonLowercased(line) : line
        if config.whitespace {
            side.codePoints.removeAll(keepingCapacity: true)
            side.codePoints.append(contentsOf: text.unicodeScalars.lazy.map(\.value))
        } else {
            codePointsWithoutWhitespace(Substring(text), into: &side.codePoints)
        }
        guard config.wordOrder > 0 else { return }
        side.wordIDs.removeAll(keepingCapacity: true)
        for word in chrFWords(Substring(text)) {
            var w = word
            side.wordIDs.append(w.withUTF8 { interner.id(of: $0) })
        }
    }

    /// `[hyp, ref, match]` per order for the reference with the best F-score; the first
    /// reference wins a tie.
    mutating func statistics(hypothesis: String, references: [String]) -> [Int] {
        Self.extract(hypothesis, config, &interner, into: &hyp)
        var best: [Int] = []
        var bestScore = -1.0
        for r in references {
            Self.extract(r, config, &interner, into: &ref)
            let stats = matchStatistics()
            let f = config.score(fromTotals: stats)
            if f > bestScore {
                bestScore = f
                best = stats
            }
        }
        return best.isEmpty ? Array(repeating: 0, count: 3 * (config.charOrder + config.wordOrder)) : best
    }

    /// `CHRF._get_match_statistics` for every order: the hypothesis count is 0 when the
    /// reference has no n-gram of that order ("don't count hits if no reference exists").
    private mutating func matchStatistics() -> [Int] {
        let nc = config.charOrder, nw = config.wordOrder
        var stats = Array(repeating: 0, count: 3 * (nc + nw))
        func fill(_ base: Int, _ orders: Int, _ hypLen: Int, _ refLen: Int, _ matches: [Int]) {
            for k in 0..<orders {
                let refCount = max(0, refLen - k)
                stats[3 * (base + k)] = refCount > 0 ? max(0, hypLen - k) : 0
                stats[3 * (base + k) + 1] = refCount
                stats[3 * (base + k) + 2] = matches[k]
            }
        }
        matcher.reset(hypothesis: hyp.codePoints)
        matcher.addReference(ref.codePoints)
        matcher.clippedMatches(maxOrder: nc, into: &charMatches)
        fill(0, nc, hyp.codePoints.count, ref.codePoints.count, charMatches)
        if nw > 0 {
            matcher.reset(hypothesis: hyp.wordIDs)
            matcher.addReference(ref.wordIDs)
            matcher.clippedMatches(maxOrder: nw, into: &wordMatches)
            fill(nc, nw, hyp.wordIDs.count, ref.wordIDs.count, wordMatches)
        }
        return stats
    }
}

/// `CHRF._remove_punctuation`: a word longer than one character loses one trailing
/// punctuation mark, or else one leading one, as a separate word. Only one: `(hi)`
/// becomes `(hi` and `)` (sacreBLEU issue #124).
func chrFWords(_ text: Substring) -> [Substring] {
    var words: [Substring] = []
    for word in pythonSplit(text) {
        let scalars = word.unicodeScalars
        if scalars.count > 1, let last = scalars.last, isASCIIPunctuation(last.value) {
            let cut = scalars.index(before: scalars.endIndex)
            words.append(Substring(scalars[scalars.startIndex..<cut]))
            words.append(Substring(scalars[cut...]))
        } else if scalars.count > 1, let first = scalars.first, isASCIIPunctuation(first.value) {
            let cut = scalars.index(after: scalars.startIndex)
            words.append(Substring(scalars[..<cut]))
            words.append(Substring(scalars[cut...]))
        } else {
            words.append(word)
        }
    }
    return words
}
