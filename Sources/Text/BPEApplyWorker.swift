/// Segments lines of space-separated tokens for `TextStreams.applyBPE`, writing bytes, with
/// subword-nmt's `process_line` rules: leading and trailing spaces, CRs and LFs are kept,
/// runs of spaces between tokens become one.
final class BPEApplyWorker: LineWorker {
    private let bpe: BPE
    private let dropout: Double
    private var generator: SplitMix64

    /// With `dropout` > 0 the generator's sequence decides which merges are skipped, so all
    /// lines must go through one worker, in order, for the output to depend on the seed only.
    init(bpe: BPE, dropout: Double = 0, seed: UInt64 = 0) {
        self.bpe = bpe
        self.dropout = dropout
        generator = SplitMix64(seed: seed)
    }

    func process(_ line: UnsafeBufferPointer<UInt8>, into output: ByteSink) throws {
        let isEdge: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }
        var start = 0
        while start < line.count && isEdge(line[start]) { start += 1 }
        output.append(UnsafeBufferPointer(rebasing: line[0..<start]))
        if start == line.count { return }
        var end = line.count
        while isEdge(line[end - 1]) { end -= 1 }
        var first = true
        var tokenStart = start
        for index in start...end where index == end || line[index] == 0x20 {
            if index > tokenStart {
                if !first { output.append(0x20) }
                first = false
                appendSubwords(UnsafeBufferPointer(rebasing: line[tokenStart..<index]), to: output)
            }
            tokenStart = index + 1
        }
        output.append(UnsafeBufferPointer(rebasing: line[end..<line.count]))
    }

    private func appendSubwords(_ token: UnsafeBufferPointer<UInt8>, to output: ByteSink) {
        guard dropout > 0 else { return bpe.appendRendered(token, to: output) }
        let subwords = bpe.segment(String(decoding: token, as: UTF8.self), dropout: dropout, generator: &generator)
        output.append(subwords.joined(separator: bpe.separator + " "))
    }
}
