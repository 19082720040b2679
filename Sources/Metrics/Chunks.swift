// Splits per-segment work across the machine's two cores. Segments are independent, so
// contiguous chunks, each with its own scratch state, need no locking; results come back in
// order so that statistics rows stay aligned with the input lines.

import Dispatch
import Foundation

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

extension SegmentStatistics {
    /// The statistics of `count` segments of `width` integers each, computed in chunks on
    /// both cores: every chunk makes its own scratch `State` and fills one row per segment.
    static func computed<State>(
        count: Int, width: Int, makeState: @Sendable () -> State,
        row: @Sendable (inout State, _ segment: Int, _ row: inout [Int]) -> Void
    ) -> SegmentStatistics {
        let parts = inChunks(count: count) { range -> SegmentStatistics in
            var state = makeState()
            var stats = SegmentStatistics(width: width, count: range.count)
            var values = Array(repeating: 0, count: width)
            for (r, i) in range.enumerated() {
                row(&state, i, &values)
                stats[r] = values[...]
            }
            return stats
        }
        var all = parts[0]
        for part in parts.dropFirst() { all.append(contentsOf: part) }
        return all
    }
}
