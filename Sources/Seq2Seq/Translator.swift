import Foundation
import Tensor
import Text

/// One translated line: its hypotheses, best first.
public struct Translation: Sendable, Equatable {
    public struct Candidate: Sendable, Equatable {
        /// The detokenised text.
        public var text: String
        /// Output subword tokens (without `</s>`).
        public var tokens: [String]
        public var score: Double
        public var logProbability: Double
        /// For each output token and `</s>`, attention over the source tokens.
        public var attention: [[Float]]
        /// For each output token, the source token it attended to most.
        public var alignment: [Int]
    }
    /// The source's subword tokens, as the model read them.
    public var sourceTokens: [String]
    public var candidates: [Candidate]
    /// The best candidate's text ("" for an empty line).
    public var text: String { candidates.first?.text ?? "" }
}

/// Raw text in, raw text out: the bundle's tokenizer, BPE and vocabularies around a
/// model's search.
public final class Translator {
    public let model: Seq2SeqModel
    public let bundle: ModelBundle
    let tokenizer: Tokenizer
    let bpe: BPE?
    /// Replace `<unk>` in outputs by the source token it attended to most (Luong et al. 2015b).
    public var replaceUnknown = true
    /// Source tokens beyond this are cut off: the bundle's `truncateSource` (what the model
    /// was trained on), else `defaultMaxSourceTokens`.
    public var maxSourceTokens: Int
    /// Restricts each batch's output words (faster decoding; see `LexicalShortlist`).
    public var shortlist: LexicalShortlist?

    public init(model: Seq2SeqModel, bundle: ModelBundle) throws {
        self.model = model
        self.bundle = bundle
        maxSourceTokens = bundle.settings.truncateSource ?? Self.defaultMaxSourceTokens
        tokenizer = try Tokenizer(bundle.settings.tokenizer)
        bpe = bundle.sourceBPE.map { BPE(codes: $0, separator: bundle.settings.bpeSeparator) }
    }

    /// The subword tokens of a raw line.
    public func sourceTokens(_ line: String) throws -> [String] {
        var tokens = try tokenizer.tokenize(line)
        if let bpe { tokens = bpe.apply(tokens) }
        return tokens
    }

    /// The text of output tokens: subwords joined and detokenised.
    public func detokenize(_ tokens: [String]) -> String {
        let line = TextStreams.removeBPESeparators(tokens.joined(separator: " "), separator: bundle.settings.bpeSeparator)
        return tokenizer.detokenizeLine(line)
    }

    /// Source tokens beyond this are cut off unless the bundle says otherwise (by `recur
    /// run`'s evaluation and by `recur translate` alike, so both give the same output).
    public static let defaultMaxSourceTokens = 250

    /// The copy sources of token lists, for a pointer-generator (nil for other models).
    func copySources(_ tokens: [[String]]) -> [CopySource]? {
        model.config.pointerGenerator ? tokens.map { CopySource($0, targetVocabulary: bundle.targetVocabulary) } : nil
    }

    /// The words of output ids, extended ids included.
    func words(_ ids: [Int32], copy: CopySource?) -> [String] {
        copy?.decode(ids, vocabulary: bundle.targetVocabulary) ?? bundle.targetVocabulary.decode(ids)
    }

    /// Translates lines with beam search (a beam of 1 is greedy, with scores and attention),
    /// `batchSize` at a time; an empty line gives an empty translation. Sources longer than
    /// `maxSourceTokens` (by default the translator's) are truncated (`truncated` is told
    /// which lines).
    public func translate(_ lines: [String], options: SearchOptions, batchSize: Int = 32, maxSourceTokens: Int? = nil,
                          truncated: (Int) -> Void = { _ in }) throws -> [Translation] {
        let maxSourceTokens = maxSourceTokens ?? self.maxSourceTokens
        var tokens = try lines.map(sourceTokens)
        for i in tokens.indices where tokens[i].count > maxSourceTokens {
            tokens[i] = Array(tokens[i].prefix(maxSourceTokens))
            truncated(i)
        }
        var results = tokens.map { Translation(sourceTokens: $0, candidates: []) }
        let nonEmpty = tokens.indices.filter { !tokens[$0].isEmpty }
        let search = BeamSearch(models: [model], options: options)
        search.shortlist = shortlist
        for start in stride(from: 0, to: nonEmpty.count, by: batchSize) {
            let rows = Array(nonEmpty[start..<min(start + batchSize, nonEmpty.count)])
            let copies = copySources(rows.map { tokens[$0] })
            let hypotheses = search.search(rows.map { bundle.sourceVocabulary.encode(tokens[$0]) }, copySources: copies?.map(\.ids))
            for (i, (row, list)) in zip(rows, hypotheses).enumerated() {
                results[row].candidates = list.map { candidate(for: $0, source: tokens[row], copy: copies?[i]) }
            }
        }
        return results
    }

    func candidate(for hypothesis: Hypothesis, source: [String], copy: CopySource?) -> Translation.Candidate {
        var words = words(hypothesis.tokens, copy: copy)
        let alignment = hypothesis.attention.isEmpty ? [] : hypothesis.alignment
        if replaceUnknown && !alignment.isEmpty {
            for (i, id) in hypothesis.tokens.enumerated() where id == SpecialToken.unknown && alignment[i] < source.count {
                words[i] = source[alignment[i]]
            }
        }
        return .init(text: detokenize(words), tokens: words, score: hypothesis.score, logProbability: hypothesis.logProbability,
                     attention: hypothesis.attention, alignment: alignment)
    }

    /// Greedy translations of lines, text only, with the length limits of `options`: the
    /// fast path for validation BLEU during training.
    public func translateGreedy(_ lines: [String], batchSize: Int = 64, options: SearchOptions = SearchOptions()) throws -> [String] {
        let tokens = try lines.map { Array(try sourceTokens($0).prefix(maxSourceTokens)) }
        var outputs = [String](repeating: "", count: lines.count)
        let nonEmpty = tokens.indices.filter { !tokens[$0].isEmpty }
        for start in stride(from: 0, to: nonEmpty.count, by: batchSize) {
            let rows = Array(nonEmpty[start..<min(start + batchSize, nonEmpty.count)])
            let copies = copySources(rows.map { tokens[$0] })
            let ids = model.greedy(rows.map { bundle.sourceVocabulary.encode(tokens[$0]) }, copySources: copies?.map(\.ids),
                                   maxLength: options.lengthLimit, shortlist: shortlist)
            for (i, (row, output)) in zip(rows, ids).enumerated() { outputs[row] = detokenize(words(output, copy: copies?[i])) }
        }
        return outputs
    }
}
