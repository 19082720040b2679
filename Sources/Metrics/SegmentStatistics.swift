// Sufficient statistics per segment, the currency of corpus metrics and of bootstrap
// resampling (sacreBLEU's `_extract_corpus_statistics` returns the same rows).

import Dispatch
import Foundation

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

/// Runs `body` over `count` items split into contiguous chunks on both cores, and returns
/// the chunk results in order. Metrics parallelise over segments this way; each chunk has
/// its own scratch state, so no locking is needed.
func inChunks<T: Sendable>(
    count: Int, minimumChunk: Int = 2048, _ body: @Sendable (Range<Int>) -> T
) -> [T] {
    let chunks = max(1, min(2, count / minimumChunk))
    if chunks == 1 { return [body(0..<count)] }
    let results = ResultBox<T>(count: chunks)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = count * c / chunks
        let hi = count * (c + 1) / chunks
        results.set(c, body(lo..<hi))
    }
    return results.values.map { $0! }
}

/// Per-chunk results written from `concurrentPerform`; each index is written once, by one
/// worker, before the results are read.
private final class ResultBox<T>: @unchecked Sendable {
    var values: [T?]
    let lock = NSLock()
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { lock.lock(); values[i] = v; lock.unlock() }
}
