import Foundation

/// Whole-file operations behind the command line: each reads lines (checked as UTF-8, errors
/// naming file and line), transforms them one by one and writes one line per line read.
/// "-" names standard input or output.
public enum TextStreams {
    /// Tokenizes each line; with `bpe`, also splits the tokens into subwords. Runs on all
    /// cores; the output is the same as on one.
    public static func tokenize(
        input: String, output: String, options: TokenizerOptions, bpe codes: BPECodes? = nil,
        separator: String = "@@"
    ) throws {
        let codes = UncheckedSendable(codes)
        try tokenize(input: input, output: output, options: options, separator: separator) { codes.value }
    }

    /// Tokenizes as above with the BPE codes in file `bpeCodes` (subword-nmt's format), which
    /// are read and prepared on a second thread while the input is read.
    public static func tokenize(
        input: String, output: String, options: TokenizerOptions, bpeCodes path: String?, separator: String = "@@"
    ) throws {
        try tokenize(input: input, output: output, options: options, separator: separator) {
            try path.map { try BPECodes(contentsOf: $0) }
        }
    }

    private static func tokenize(
        input: String, output: String, options: TokenizerOptions, separator: String,
        codes: @escaping @Sendable () throws -> BPECodes?
    ) throws {
        try ParallelLines.map(
            input: input, output: output, workerCount: ProcessInfo.processInfo.activeProcessorCount,
            prepare: { UncheckedSendable(try codes().map { BPE(codes: $0, separator: separator) }) }
        ) { _, prototype in
            try TokenizeWorker(options: options, bpe: prototype.value.map(BPE.init(sharingTablesWith:)))
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
    /// `apply-bpe` does; with `dropout` > 0 each merge is skipped with that probability
    /// (sequentially then, so that the output depends on the seed only).
    public static func applyBPE(
        input: String, output: String, codes: BPECodes, separator: String = "@@",
        dropout: Double = 0, seed: UInt64 = 0
    ) throws {
        let prototype = UncheckedSendable(BPE(codes: codes, separator: separator))
        let workers = dropout > 0 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        try ParallelLines.map(input: input, output: output, workerCount: workers) { _ in
            BPEApplyWorker(bpe: BPE(sharingTablesWith: prototype.value), dropout: dropout, seed: seed)
        }
    }

    /// Counts the space-separated tokens of files (summed over all of them).
    public static func countTokens(inputs: [String]) throws -> TokenCounts {
        var counter = TokenCounter()
        for input in inputs {
            let reader = try LineReader(path: input)
            while try reader.withNextLine({ counter.add(line: $0) }) != nil {}
        }
        return counter.tokenCounts()
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

/// Hands a value to other threads that only read its immutable parts (a `BPE`'s tables).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
