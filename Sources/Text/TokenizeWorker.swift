/// Tokenizes (and optionally BPE-segments) lines for `TextStreams.tokenize`, writing bytes.
///
/// Three paths, one output: ASCII lines with the default word options go through
/// `appendASCIITokens` (one pass, no Strings); other word-mode lines that need no
/// normalisation or case change go through `Tokenizer.cutWords` with tokens as slices of the
/// line and BPE looked up by bytes; the rest take the String API.
final class TokenizeWorker: LineWorker {
    let tokenizer: Tokenizer
    let bpe: BPE?
    private let bytePath: Bool
    private let asciiPath: Bool
    private let normalizes: Bool

    init(options: TokenizerOptions, bpe: BPE?) throws {
        tokenizer = try Tokenizer(options)
        self.bpe = bpe
        bytePath = options.mode == .words && options.caseHandling != .lowercase
        asciiPath = options.mode == .words && options.caseHandling == .keep && !options.splitDigits
            && !options.splitOnScriptChange && !options.splitWordInternalPunctuation
        normalizes = options.normalization != .none
    }

    func process(_ line: UnsafeBufferPointer<UInt8>, into output: ByteSink) throws {
        let ascii = isASCII(line)
        if asciiPath && ascii {
            appendASCIITokens(of: line, to: output)
        } else if bytePath && (!normalizes || ascii) {
            let sink = TokenSink(output: output, bpe: bpe)
            try tokenizer.cutWords(line) { token in
                switch token {
                case .slice(let slice, let glued):
                    sink.appendToken(slice, glued: glued)
                case .built(var text):
                    text.withUTF8 { sink.appendToken($0, glued: false) }
                }
            }
        } else {
            var tokens = try tokenizer.tokenize(String(decoding: line, as: UTF8.self))
            if let bpe { tokens = bpe.apply(tokens) }
            output.append(tokens.joined(separator: " "))
        }
    }
}

/// Whether all bytes are ASCII, eight at a time.
func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var index = 0
    while index + 8 <= bytes.count {
        if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
        index += 8
    }
    while index < bytes.count {
        if base[index] >= 0x80 { return false }
        index += 1
    }
    return true
}
