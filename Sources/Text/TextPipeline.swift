/// The text pipeline end to end, as the model and recipe layers use it: raw parallel files
/// in, `Example`s (token ids) out; model output ids in, text out. Each step is also usable
/// on its own (Tokenizer, BPE, Vocabulary, ParallelCorpusReader, CorpusFilterOptions,
/// BatchingOptions).
public struct TextPipeline {
    /// Source side: tokenizer, optional BPE, vocabulary.
    public var source: Side
    /// Target side.
    public var target: Side
    /// Filters applied to the prepared examples.
    public var filter: CorpusFilterOptions
    /// What to do with empty lines.
    public var emptyLines: EmptyLinePolicy

    /// One language's processing.
    public struct Side {
        public var tokenizer: Tokenizer
        public var bpe: BPE?
        public var vocabulary: Vocabulary
        public init(tokenizer: Tokenizer, bpe: BPE?, vocabulary: Vocabulary) {
            self.tokenizer = tokenizer
            self.bpe = bpe
            self.vocabulary = vocabulary
        }

        /// The subword tokens of a line.
        public func tokens(_ line: String) throws -> [String] {
            let tokens = try tokenizer.tokenize(line)
            return bpe.map { $0.apply(tokens) } ?? tokens
        }

        /// The subword tokens of a line with BPE-dropout (training only).
        public func tokens(_ line: String, dropout: Double, generator: inout SplitMix64) throws -> [String] {
            let tokens = try tokenizer.tokenize(line)
            return bpe.map { $0.apply(tokens, dropout: dropout, generator: &generator) } ?? tokens
        }

        /// The ids of a line (no `<s>`/`</s>`).
        public func ids(_ line: String) throws -> [Int32] { vocabulary.encode(try tokens(line)) }

        /// The text of model output ids: stops at `</s>`, drops `<pad>`/`<s>`, joins subwords,
        /// detokenizes.
        public func text(_ ids: [Int32]) -> String {
            let tokens = vocabulary.decode(ids)
            guard let bpe else { return tokenizer.detokenize(tokens) }
            return tokenizer.detokenizeLine(bpe.removeSeparators(tokens.joined(separator: " ")))
        }
    }

    /// What `prepare` met, for the log.
    public struct Report: Sendable, Equatable {
        public var corpus: CorpusReport
        public var filter: FilterReport
        /// Pairs dropped as exact duplicates of raw text.
        public var duplicates: Int
    }

    public init(source: Side, target: Side, filter: CorpusFilterOptions = CorpusFilterOptions(),
                emptyLines: EmptyLinePolicy = .skip) {
        self.source = source
        self.target = target
        self.filter = filter
        self.emptyLines = emptyLines
    }

    /// Reads a parallel corpus and turns it into examples: empty lines, duplicates, length
    /// and ratio filters applied; errors name file and line.
    public func prepare(sourceFile: String, targetFile: String) throws -> (examples: [Example], report: Report) {
        let reader = try ParallelCorpusReader(source: sourceFile, target: targetFile, emptyLines: emptyLines)
        let (pairs, duplicates) = filter.removingDuplicates(try reader.readAll())
        let examples = try pairs.map {
            Example(source: try source.ids($0.source), target: try target.ids($0.target), line: $0.line)
        }
        var lengthFilter = filter
        lengthFilter.removeDuplicates = false  // done above, on the raw text
        let (kept, filterReport) = lengthFilter.apply(to: examples)
        return (kept, Report(corpus: reader.report, filter: filterReport, duplicates: duplicates))
    }
}
