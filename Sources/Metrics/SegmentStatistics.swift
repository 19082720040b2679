// Sufficient statistics per segment, the currency of corpus metrics and of bootstrap
// resampling (sacreBLEU's `_extract_corpus_statistics` returns the same rows).

/// One row of integers per segment, stored flat. BLEU's row is
/// `[hypLength, refLength, correct₁…correctₙ, total₁…totalₙ]`; chrF's is
/// `[hyp, ref, match]` for each n-gram order.
public struct SegmentStatistics: Sendable, Equatable {
    /// Integers per segment.
    public let width: Int
    /// Row-major values, `count × width`.
    public private(set) var values: [Int]

    /// Statistics of `count` segments, all zero.
    public init(width: Int, count: Int) {
        self.width = width
        self.values = Array(repeating: 0, count: width * count)
    }

    /// The number of segments.
    public var count: Int { width == 0 ? 0 : values.count / width }

    /// The row of segment `i`.
    public subscript(i: Int) -> ArraySlice<Int> {
        get { values[(i * width)..<((i + 1) * width)] }
        set { values.replaceSubrange((i * width)..<((i + 1) * width), with: newValue) }
    }

    /// The column sums: the corpus statistics.
    public func totals() -> [Int] {
        var sums = Array(repeating: 0, count: width)
        for row in 0..<count {
            for k in 0..<width { sums[k] += values[row * width + k] }
        }
        return sums
    }

    /// Column sums over the rows `indices` (with repetition): one bootstrap resample.
    public func totals<C: Collection>(over indices: C) -> [Int] where C.Element == Int {
        var sums = Array(repeating: 0, count: width)
        values.withUnsafeBufferPointer { v in
            sums.withUnsafeMutableBufferPointer { s in
                for row in indices {
                    let base = row * width
                    for k in 0..<width { s[k] += v[base + k] }
                }
            }
        }
        return sums
    }

    /// Appends the rows of `other` (same width).
    mutating func append(contentsOf other: SegmentStatistics) {
        precondition(other.width == width)
        values.append(contentsOf: other.values)
    }
}

/// A corpus metric computed from summed per-segment statistics: BLEU and chrF. Bootstrap
/// resampling needs only these two operations.
public protocol AdditiveMetric: Sendable {
    /// The metric's name as sacreBLEU prints it (`BLEU`, `chrF2`, `chrF2++`).
    var name: String { get }
    /// Per-segment statistics. `references` holds one array per reference stream, each as
    /// long as `hypotheses` (sacreBLEU's layout).
    func segmentStatistics(hypotheses: [String], references: [[String]]) -> SegmentStatistics
    /// The corpus score, 0–100, from column sums of segment statistics.
    func score(fromTotals totals: [Int]) -> Double
}
