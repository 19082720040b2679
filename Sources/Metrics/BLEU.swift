// Corpus BLEU exactly as sacreBLEU 2.x computes it (`sacrebleu/metrics/bleu.py`):
// clipped n-gram precisions summed over the corpus, the brevity penalty from the summed
// closest reference lengths, and the smoothing of Chen & Cherry (2014). Papineni et al.
// (2002) define the metric; sacreBLEU (Post, 2018) fixes the details that change numbers.

import Foundation

/// Corpus BLEU with sacreBLEU's defaults: 13a tokenisation, mixed case, exponential
/// smoothing, n-grams up to 4, several references allowed.
public struct BLEU: AdditiveMetric {
    /// How zero n-gram matches are smoothed (`smooth_method`, Chen & Cherry 2014).
    public enum Smoothing: Sendable, Equatable {
        /// No smoothing: one order with no match gives BLEU 0.
        case none
        /// Method 1: a zero count becomes `value` (sacreBLEU default 0.1).
        case floor(Double)
        /// Method 2: add `value` to counts and totals of orders above 1 (default 1).
        case addK(Double)
        /// Method 3, mteval-v13a's: the k-th order with no match gets precision
        /// 1 / (2^k · total). sacreBLEU's default.
        case exponential

        /// The text sacreBLEU prints after `smooth:` (`exp`, `floor[0.10]`, `add-k[1.00]`).
        public var signature: String {
            switch self {
            case .none: return "none"
            case .exponential: return "exp"
            case .floor(let v): return "floor[\(String(format: "%.2f", v))]"
            case .addK(let v): return "add-k[\(String(format: "%.2f", v))]"
            }
        }
    }

    public var tokenization: BLEUTokenization
    public var lowercase: Bool
    public var smoothing: Smoothing
    /// Highest n-gram order (sacreBLEU default 4).
    public var maxNgramOrder: Int
    /// Stop at the highest order with any hypothesis n-grams (for sentence-level BLEU).
    public var effectiveOrder: Bool

    public init(
        tokenization: BLEUTokenization = .thirteenA, lowercase: Bool = false,
        smoothing: Smoothing = .exponential, maxNgramOrder: Int = 4,
        effectiveOrder: Bool = false
    ) {
        precondition(maxNgramOrder >= 1, "BLEU needs n-gram orders from 1")
        self.tokenization = tokenization
        self.lowercase = lowercase
        self.smoothing = smoothing
        self.maxNgramOrder = maxNgramOrder
        self.effectiveOrder = effectiveOrder
    }

    public var name: String { "BLEU" }

    /// BLEU of a corpus. `references` holds one array per reference stream, each as long
    /// as `hypotheses`.
    public func corpusScore(hypotheses: [String], references: [[String]]) -> BLEUScore {
        score(totals: segmentStatistics(hypotheses: hypotheses, references: references).totals())
    }

    /// BLEU of one sentence against its references.
    public func sentenceScore(hypothesis: String, references: [String]) -> BLEUScore {
        corpusScore(hypotheses: [hypothesis], references: references.map { [$0] })
    }

    public func score(fromTotals totals: [Int]) -> Double { score(totals: totals).score }

    /// The score from column sums of `segmentStatistics` (`BLEU.compute_bleu`).
    public func score(totals: [Int]) -> BLEUScore {
        let n = maxNgramOrder
        var correct = totals[2..<(2 + n)].map(Double.init)
        var total = totals[(2 + n)..<(2 + 2 * n)].map(Double.init)
        let sysLen = totals[0], refLen = totals[1]

        var bp = 1.0
        if sysLen < refLen {
            bp = sysLen > 0 ? exp(1 - Double(refLen) / Double(sysLen)) : 0
        }
        var precisions = Array(repeating: 0.0, count: n)
        // No match at any order: 0, whatever the smoothing (sacreBLEU issue #141).
        if correct.allSatisfy({ $0 == 0 }) {
            return BLEUScore(
                score: 0, counts: correct, totals: total, precisions: precisions, bp: bp,
                sysLen: sysLen, refLen: refLen)
        }
        var smoothMteval = 1.0
        var effOrder = n
        for k in 0..<n {
            if case .addK(let v) = smoothing, k > 0 {
                correct[k] += v
                total[k] += v
            }
            if total[k] == 0 { break }
            if effectiveOrder { effOrder = k + 1 }
            if correct[k] == 0 {
                switch smoothing {
                case .exponential:
                    smoothMteval *= 2
                    precisions[k] = 100 / (smoothMteval * total[k])
                case .floor(let v):
                    precisions[k] = 100 * v / total[k]
                case .none, .addK:
                    break
                }
            } else {
                precisions[k] = 100 * correct[k] / total[k]
            }
        }
        // `my_log`: log 0 is taken as -9999999999, so an unmatched order zeroes the score.
        var logSum = 0.0
        for p in precisions[0..<effOrder] { logSum += p == 0 ? -9_999_999_999 : log(p) }
        return BLEUScore(
            score: bp * exp(logSum / Double(effOrder)), counts: correct, totals: total,
            precisions: precisions, bp: bp, sysLen: sysLen, refLen: refLen)
    }

    /// sacreBLEU's signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`.
    /// `version` names the sacreBLEU release whose behaviour this reproduces.
    public func signature(referenceCount: Int, version: String = sacreBLEUVersion) -> String {
        [
            "nrefs:\(referenceCount)", "case:\(lowercase ? "lc" : "mixed")",
            "eff:\(effectiveOrder ? "yes" : "no")", "tok:\(tokenization.signature)",
            "smooth:\(smoothing.signature)", "version:\(version)",
        ].joined(separator: "|")
    }

    public func segmentStatistics(hypotheses: [String], references: [[String]])
        -> SegmentStatistics
    {
        for stream in references {
            precondition(stream.count == hypotheses.count, "reference stream length differs")
        }
        let config = self
        return SegmentStatistics.computed(
            count: hypotheses.count, width: 2 + 2 * maxNgramOrder,
            makeState: { BLEUCounter(config) },
            row: { counter, i, row in
                counter.statistics(
                    hypothesis: hypotheses[i], references: references.map { $0[i] }, into: &row)
            })
    }
}

/// The sacreBLEU release whose behaviour this module reproduces and whose version its
/// signatures carry.
public let sacreBLEUVersion = "2.6.0"

/// A BLEU score with the details sacreBLEU prints (`BLEUScore`).
public struct BLEUScore: Sendable, Equatable {
    /// 0–100.
    public var score: Double
    /// Clipped matches per order (after add-k smoothing, as sacreBLEU reports them).
    public var counts: [Double]
    /// Hypothesis n-grams per order.
    public var totals: [Double]
    /// Precision per order, in percent.
    public var precisions: [Double]
    /// Brevity penalty.
    public var bp: Double
    public var sysLen: Int
    public var refLen: Int

    /// Hypothesis length over reference length.
    public var ratio: Double { refLen > 0 ? Double(sysLen) / Double(refLen) : 0 }

    /// `BLEU = 34.1 65.3/40.1/27.0/18.9 (BP = 1.000 ratio = 1.000 hyp_len = 123 ref_len = 123)`,
    /// with `BLEU|signature` when a signature is given (`Score.format`).
    public func formatted(width: Int = 1, signature: String? = nil) -> String {
        let head = signature.map { "BLEU|\($0)" } ?? "BLEU"
        return "\(head) = \(fixed(score, width)) \(verbose)"
    }

    /// The part after the score: precisions, BP, ratio and lengths.
    public var verbose: String {
        let prec = precisions.map { fixed($0, 1) }.joined(separator: "/")
        return "\(prec) (BP = \(fixed(bp, 3)) ratio = \(fixed(ratio, 3)) hyp_len = \(sysLen) ref_len = \(refLen))"
    }
}

/// Python's `f"{x:.{width}f}"`: both round the exact binary value half to even.
func fixed(_ x: Double, _ width: Int) -> String { String(format: "%.\(width)f", x) }

/// Per-segment BLEU counting with reusable scratch buffers
/// (`_extract_reference_info` and `_compute_segment_statistics`).
private struct BLEUCounter {
    let config: BLEU
    var interner = TokenInterner()
    var text: [UInt8] = []
    var scratch: [UInt8] = []
    var hypIDs: [UInt32] = []
    var refIDs: [UInt32] = []
    var matcher = NGramMatcher()
    var matches: [Int]

    init(_ config: BLEU) {
        self.config = config
        matches = Array(repeating: 0, count: config.maxNgramOrder)
    }

    /// `_preprocess_segment` then `line.split()`: the token ids of a segment.
    static func tokenIDs(
        _ line: String, _ config: BLEU, _ interner: inout TokenInterner, _ text: inout [UInt8],
        _ scratch: inout [UInt8], into ids: inout [UInt32]
    ) {
        let cased = config.lowercase ? pythonLowercased(line) : line
        config.tokenization.tokenize(pythonRStrip(Substring(cased)), into: &text, scratch: &scratch)
        ids.removeAll(keepingCapacity: true)
        text.withUnsafeBufferPointer { b in
            forEachPythonToken(in: b) { r in
                ids.append(interner.id(of: UnsafeBufferPointer(rebasing: b[r])))
            }
        }
    }

    /// `[hypLength, closestRefLength, correct₁…, total₁…]`; a hypothesis n-gram's count
    /// is clipped by its highest count in any one reference.
    mutating func statistics(hypothesis: String, references: [String], into row: inout [Int]) {
        let n = config.maxNgramOrder
        Self.tokenIDs(hypothesis, config, &interner, &text, &scratch, into: &hypIDs)
        matcher.reset(hypothesis: hypIDs)
        var refLengths: [Int] = []
        for r in references {
            Self.tokenIDs(r, config, &interner, &text, &scratch, into: &refIDs)
            refLengths.append(refIDs.count)
            matcher.addReference(refIDs)
        }
        matcher.clippedMatches(maxOrder: n, into: &matches)
        let hypLen = hypIDs.count
        row[0] = hypLen
        row[1] = closestReferenceLength(hypLen, refLengths)
        for k in 0..<n {
            row[2 + k] = matches[k]
            row[2 + n + k] = max(0, hypLen - k)
        }
    }
}

/// The reference length closest to the hypothesis length, the shorter one on a tie
/// (`BLEU._get_closest_ref_len`).
func closestReferenceLength(_ hypLen: Int, _ refLengths: [Int]) -> Int {
    var best = -1, bestDiff = -1
    for len in refLengths {
        let diff = abs(hypLen - len)
        if bestDiff == -1 || diff < bestDiff {
            bestDiff = diff; best = len
        } else if diff == bestDiff && len < best {
            best = len
        }
    }
    return best
}
