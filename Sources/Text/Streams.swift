import Foundation

/// Whole-file operations behind the command line: each reads lines (checked as UTF-8, errors
/// naming file and line), transforms them one by one and writes one line per line read.
/// "-" names standard input or output.
public enum TextStreams {
    /// Tokenizes each line; with `bpe`, also splits the tokens into subwords.
    public static func tokenize(
        input: String, output: String, options: TokenizerOptions, bpe: BPE? = nil
    ) throws {
        let tokenizer = try Tokenizer(options)
        let reader = try LineReader(path: input)
        let writer = try LineWriter(path: output)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 17)
        // Word mode on lines that need no normalisation or case change goes through the
        // byte-level path: tokens as slices of the line, BPE looked up by bytes.
        let bytePath = options.mode == .words && options.caseHandling != .lowercase
        while let _ = try reader.withNextLine({ bytes in
            if bytePath && (options.normalization == .none || bytes.allSatisfy { $0 < 0x80 }) {
                try appendTokens(of: bytes, tokenizer: tokenizer, bpe: bpe, to: &buffer)
            } else {
                var tokens = try tokenizer.tokenize(String(decoding: bytes, as: UTF8.self))
                if let bpe { tokens = bpe.apply(tokens) }
                buffer.append(contentsOf: tokens.joined(separator: " ").utf8)
            }
            buffer.append(0x0A)
            if buffer.count >= 1 << 16 {
                writer.write(bytes: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }) {}
        writer.write(bytes: buffer)
        writer.flush()
    }

    private static let joinerBytes = Array(String(TokenMarks.joiner).utf8)

    /// Tokens (and subwords) of one line appended to `output` as they are written.
    private static func appendTokens(
        of bytes: UnsafeBufferPointer<UInt8>, tokenizer: Tokenizer, bpe: BPE?, to output: inout [UInt8]
    ) throws {
        var first = true
        var scratch: [UInt8] = []
        try tokenizer.cutWords(bytes) { token in
            if !first { output.append(0x20) }
            first = false
            switch token {
            case .slice(let slice, let glued):
                guard let bpe else {
                    if glued { output.append(contentsOf: joinerBytes) }
                    output.append(contentsOf: slice)
                    return
                }
                if glued {
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(contentsOf: joinerBytes)
                    scratch.append(contentsOf: slice)
                    scratch.withUnsafeBufferPointer { bpe.appendRendered($0, to: &output) }
                } else {
                    bpe.appendRendered(slice, to: &output)
                }
            case .built(let text):
                guard let bpe else { return output.append(contentsOf: text.utf8) }
                var text = text
                text.withUTF8 { bpe.appendRendered($0, to: &output) }
            }
        }
    }

    /// Puts tokenized lines back into text; with `bpeSeparator`, first joins subwords that
    /// end in it to the next one.
    public static func detokenize(
        input: String, output: String, options: TokenizerOptions, bpeSeparator: String? = nil
    ) throws {
        let tokenizer = try Tokenizer(options)
        let reader = try LineReader(path: input)
        let writer = try LineWriter(path: output)
        while var line = try reader.next() {
            if let bpeSeparator { line = removeBPESeparators(line, separator: bpeSeparator) }
            writer.write(tokenizer.detokenizeLine(line))
        }
        writer.flush()
    }

    /// Segments space-separated tokens with BPE, line by line exactly as subword-nmt's
    /// `apply-bpe` does; with `dropout` > 0 each merge is skipped with that probability.
    public static func applyBPE(
        input: String, output: String, codes: BPECodes, separator: String = "@@",
        dropout: Double = 0, seed: UInt64 = 0
    ) throws {
        let bpe = BPE(codes: codes, separator: separator)
        let reader = try LineReader(path: input)
        let writer = try LineWriter(path: output)
        var generator = SplitMix64(seed: seed)
        while let line = try reader.next() {
            if dropout > 0 {
                let tokens = line.splitOnSpaces().map(String.init)
                writer.write(bpe.apply(tokens, dropout: dropout, generator: &generator).joined(separator: " "))
            } else {
                writer.write(bpe.applyLine(line))
            }
        }
        writer.flush()
    }

    /// Counts the space-separated tokens of files (summed over all of them).
    public static func countTokens(inputs: [String]) throws -> TokenCounts {
        var counts = TokenCounts()
        for input in inputs {
            let reader = try LineReader(path: input)
            while let line = try reader.next() { counts.add(tokenLine: line) }
        }
        return counts
    }

    /// Learns BPE codes from the tokens of `inputs` (jointly, when there are several) and
    /// writes the codes file.
    public static func learnBPE(inputs: [String], output: String, options: BPELearnOptions) throws {
        let codes = BPECodes.learn(from: try countTokens(inputs: inputs), options: options)
        let writer = try LineWriter(path: output)
        writer.write("#version: 0.2")
        for merge in codes.merges { writer.write("\(merge.left) \(merge.right)") }
        writer.flush()
    }

    /// Builds a vocabulary from the tokens of `inputs` (shared, when there are several) and
    /// writes it, one "token count" a line.
    public static func buildVocabulary(
        inputs: [String], output: String, minFrequency: Int, maxSize: Int?
    ) throws {
        let vocabulary = Vocabulary(counts: try countTokens(inputs: inputs), minFrequency: minFrequency, maxSize: maxSize)
        let writer = try LineWriter(path: output)
        for (token, count) in zip(vocabulary.tokens, vocabulary.counts) { writer.write("\(token) \(count)") }
        writer.flush()
    }

    /// `line` with BPE undone: "sub@@ word" → "subword".
    public static func removeBPESeparators(_ line: String, separator: String = "@@") -> String {
        var result = line.replacingOccurrences(of: separator + " ", with: "")
        if result.hasSuffix(separator) { result.removeLast(separator.count) }
        return result
    }
}
