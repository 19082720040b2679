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
    /// over `0..<count` when the batch is too small to split. The ranges are cut where their
    /// `work` (an estimate per sentence) is even, since a part that finishes first leaves its
    /// core idle until the other does: by count, two halves of 16 random sentences differ by
    /// several per cent.
    static func decode<Result>(_ count: Int, rowsPerSentence: Int, work: (Int) -> Int, _ decode: (Range<Int>) -> [Result]) -> [Result] {
        // In bf16 (a validation decode inside bf16 training) products round the shared weights
        // on first use in a step (`bf16Rounding`), which two parts must not do at once.
        guard Engine.matrixPrecision == .float32 else { return decode(0..<count) }
        let parts = min(Engine.threadCount, count * rowsPerSentence / minimumRows, count)
        guard parts > 1 else { return decode(0..<count) }
        let ranges = evenSplit((0..<count).map(work), parts: parts)
        var results = [[Result]](repeating: [], count: parts)
        results.withUnsafeMutableBufferPointer { slots in  // each part writes its own slot
            Engine.inParallelParts(parts) { part in slots[part] = decode(ranges[part]) }
        }
        return results.flatMap { $0 }
    }

    /// `decode` of the sentences `sources`, with each sentence's work estimated from its source
    /// and its forced output length, if any (`work(sourceLength:outputLength:rowsPerSentence:)`).
    static func decode<Result>(_ sources: [[Int32]], forcedLengths: [Int]?, rowsPerSentence: Int,
                               _ decode: (Range<Int>) -> [Result]) -> [Result] {
        self.decode(sources.count, rowsPerSentence: rowsPerSentence, work: { i in
            work(sourceLength: sources[i].count, outputLength: forcedLengths?[i], rowsPerSentence: rowsPerSentence)
        }, decode)
    }

    /// Estimated work of decoding a sentence: its decoder rows over its output's length (the
    /// forced length, else the source's as a proxy), plus the encoder's over the source.
    static func work(sourceLength: Int, outputLength: Int?, rowsPerSentence: Int) -> Int {
        4 * rowsPerSentence * (outputLength ?? sourceLength) + sourceLength
    }

    /// `parts` contiguous, non-empty ranges of `work.indices` whose sums of `work` are as even
    /// as whole items allow: each cut where the sum before it is closest to its share.
    static func evenSplit(_ work: [Int], parts: Int) -> [Range<Int>] {
        precondition(parts >= 1 && parts <= work.count, "evenSplit: \(parts) parts of \(work.count) items")
        var prefix = [0]  // prefix[i]: the work of items 0..<i
        for w in work { prefix.append(prefix.last! + w) }
        let total = Double(prefix.last!)
        var bounds = [0]
        for part in 1..<parts {
            let share = total * Double(part) / Double(parts)
            // At least one item for this part and for each after it.
            let cuts = (bounds.last! + 1)...(work.count - (parts - part))
            bounds.append(cuts.min { abs(Double(prefix[$0]) - share) < abs(Double(prefix[$1]) - share) }!)
        }
        bounds.append(work.count)
        return (0..<parts).map { bounds[$0]..<bounds[$0 + 1] }
    }
}
