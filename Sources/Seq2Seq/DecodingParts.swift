import Tensor

/// A batch of sentences decoded in contiguous parts, one per engine thread, each part's
/// products on its own thread.
///
/// Splitting each product of a decoder step across the cores wakes a second thread several
/// times a step, which costs as much as a small product; whole parts of the batch on separate
/// threads need no wake-up at all. A search gives each sentence the same result in any batch
/// (a tested property), so the parts change no output.
enum DecodingParts {
    /// A part gets at least this many decoder rows (sentences × beam): below it, splitting the
    /// products of one batch is the better use of the cores.
    static let minimumRows = 16

    /// `decode(range)`'s results for the ranges of a split of `0..<count`, in order; one call
    /// over `0..<count` when the batch is too small to split.
    static func decode<Result>(_ count: Int, rowsPerSentence: Int, _ decode: (Range<Int>) -> [Result]) -> [Result] {
        // In bf16 (a validation decode inside bf16 training) products round the shared weights
        // on first use in a step (`bf16Rounding`), which two parts must not do at once.
        guard Engine.matrixPrecision == .float32 else { return decode(0..<count) }
        let parts = min(Engine.threadCount, count * rowsPerSentence / minimumRows, count)
        guard parts > 1 else { return decode(0..<count) }
        var results = [[Result]](repeating: [], count: parts)
        results.withUnsafeMutableBufferPointer { slots in  // each part writes its own slot
            Engine.inParallelParts(parts) { part in slots[part] = decode(count * part / parts..<count * (part + 1) / parts) }
        }
        return results.flatMap { $0 }
    }
}
