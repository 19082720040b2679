/// Tokenizes (and optionally BPE-segments) lines for `TextStreams.tokenize`, writing bytes.
///
/// Word mode on lines that need no normalisation or case change goes through the byte path:
/// tokens are slices of the line and BPE looks them up by their bytes, so most tokens cost
/// no String at all. Other lines take the String path; both give the same output.
final class TokenizeWorker: LineWorker {
    private let tokenizer: Tokenizer
    private let bpe: BPE?
    private let bytePath: Bool
    private let normalizes: Bool
    private var scratch: [UInt8] = []
    private static let joinerBytes = Array(String(TokenMarks.joiner).utf8)

    init(options: TokenizerOptions, bpe: BPE?) throws {
        tokenizer = try Tokenizer(options)
        self.bpe = bpe
        bytePath = options.mode == .words && options.caseHandling != .lowercase
        normalizes = options.normalization != .none
    }

    func process(_ line: UnsafeBufferPointer<UInt8>, into output: ByteSink) throws {
        if bytePath && (!normalizes || line.allSatisfy { $0 < 0x80 }) {
            try appendTokens(of: line, to: output)
        } else {
            var tokens = try tokenizer.tokenize(String(decoding: line, as: UTF8.self))
            if let bpe { tokens = bpe.apply(tokens) }
            output.append(tokens.joined(separator: " "))
        }
    }

    private func appendTokens(of line: UnsafeBufferPointer<UInt8>, to output: ByteSink) throws {
        var first = true
        try tokenizer.cutWords(line) { token in
            if !first { output.append(0x20) }
            first = false
            switch token {
            case .slice(let slice, let glued):
                guard let bpe else {
                    if glued { output.append(Self.joinerBytes) }
                    return output.append(slice)
                }
                if glued {
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(contentsOf: Self.joinerBytes)
                    scratch.append(contentsOf: slice)
                    scratch.withUnsafeBufferPointer { bpe.appendRendered($0, to: output) }
                } else {
                    bpe.appendRendered(slice, to: output)
                }
            case .built(let text):
                guard let bpe else { return output.append(text) }
                var text = text
                text.withUTF8 { bpe.appendRendered($0, to: output) }
            }
        }
    }
}
