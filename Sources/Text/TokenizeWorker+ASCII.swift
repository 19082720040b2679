extension TokenizeWorker {
    /// Escapes of the ASCII whitespace and control bytes ("\t" → "％9％"), by byte.
    static let asciiEscapes: [[UInt8]] = (0..<128).map { byte in
        var token = ""
        TokenMarks.appendEscaped([Unicode.Scalar(UInt8(byte))], to: &token)
        return Array(token.utf8)
    }

    /// Tokens (and subwords) of an ASCII line with the default word options (no case markup,
    /// no splits), in one pass over its bytes: segments found one after the other, gaps kept
    /// as byte ranges, BPE looked up by bytes; no arrays, closures or Strings per token. The
    /// same rules as `Tokenizer.cutWords`, which tests check against it on many lines.
    func appendASCIITokens(of line: UnsafeBufferPointer<UInt8>, to output: ByteSink) {
        guard let base = line.baseAddress else { return }
        // Locals, not properties, in the loop: each property access of a class costs a
        // retain or an exclusivity check.
        let sink = TokenSink(output: output, bpe: bpe)
        let count = line.count
        var gapStart = 0  // whitespace since the last token: base[gapStart..<start]
        var emitted = false
        var start = 0
        while start < count {
            let end = ASCIIWordSegmenter.segmentEnd(base, count: count, from: start)
            let first = base[start]
            // On an ASCII line a segment is whitespace exactly when it starts with a space or
            // a control (runs of spaces, CR LF, single controls).
            if first > 0x20 && first != 0x7F {
                let gap = UnsafeBufferPointer(start: base + gapStart, count: start - gapStart)
                let glued: Bool
                if gap.isEmpty {
                    glued = emitted
                } else if emitted && gap.count == 1 && gap[0] == 0x20 {
                    glued = false  // one space between tokens is implied
                } else {
                    sink.appendGap(gap, glued: emitted)
                    glued = true
                }
                sink.appendToken(UnsafeBufferPointer(start: base + start, count: end - start), glued: glued)
                emitted = true
                gapStart = end
            }
            start = end
        }
        if gapStart < count {
            sink.appendGap(UnsafeBufferPointer(start: base + gapStart, count: count - gapStart), glued: emitted)
        }
    }
}

/// Writes the tokens of one line: a space before every token but the first, the joiner,
/// subwords through the BPE cache when there is a BPE.
struct TokenSink {
    let output: ByteSink
    let bpe: BPE?
    let lineStart: Int
    private static let joinerBytes = Array(String(TokenMarks.joiner).utf8)
    private let joiner = TokenSink.joinerBytes

    init(output: ByteSink, bpe: BPE?) {
        self.output = output
        self.bpe = bpe
        lineStart = output.count
    }

    /// A whitespace gap as one token of escapes.
    func appendGap(_ gap: UnsafeBufferPointer<UInt8>, glued: Bool) {
        var token: [UInt8] = glued ? joiner : []
        for byte in gap { token.append(contentsOf: TokenizeWorker.asciiEscapes[Int(byte)]) }
        token.withUnsafeBufferPointer { appendToken($0, glued: false) }
    }

    /// One token (after a joiner when glued), as subwords when there is a BPE.
    func appendToken(_ token: UnsafeBufferPointer<UInt8>, glued: Bool) {
        if output.count > lineStart { output.append(0x20) }
        guard let bpe else {
            if glued { output.append(joiner) }
            return output.append(token)
        }
        guard glued else { return bpe.appendRendered(token, to: output) }
        // The cache key is the token as written, joiner included: assembled on the stack.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: joiner.count + token.count) { key in
            joiner.withUnsafeBufferPointer { _ = key.initialize(from: $0) }
            _ = UnsafeMutableBufferPointer(rebasing: key[joiner.count...]).initialize(from: token)
            bpe.appendRendered(UnsafeBufferPointer(key), to: output)
        }
    }
}
