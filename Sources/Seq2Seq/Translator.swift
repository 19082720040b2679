import Foundation
import Tensor
import Text

/// Raw text in, raw text out: the bundle's tokenizer, BPE and vocabularies around a
/// model's search.
public final class Translator {
    public let model: Seq2SeqModel
    public let bundle: ModelBundle
    let tokenizer: Tokenizer
    let bpe: BPE?

    public init(model: Seq2SeqModel, bundle: ModelBundle) throws {
        self.model = model
        self.bundle = bundle
        tokenizer = try Tokenizer(bundle.settings.tokenizer)
        bpe = bundle.sourceBPE.map { BPE(codes: $0, separator: bundle.settings.bpeSeparator) }
    }

    /// Source ids of a raw line (tokenised, segmented, without `</s>`).
    public func encode(_ line: String) throws -> [Int32] {
        var tokens = try tokenizer.tokenize(line)
        if let bpe { tokens = bpe.apply(tokens) }
        return bundle.sourceVocabulary.encode(tokens)
    }

    /// The text of output ids: subwords joined and detokenised.
    public func decode(_ ids: [Int32]) -> String {
        var line = bundle.targetVocabulary.decode(ids).joined(separator: " ")
        line = TextStreams.removeBPESeparators(line, separator: bundle.settings.bpeSeparator)
        return tokenizer.detokenizeLine(line)
    }

    /// Translates lines greedily, `batchSize` at a time; an empty line gives an empty line.
    public func translateGreedy(_ lines: [String], batchSize: Int = 64, maxLength: @escaping (Int) -> Int = { 2 * $0 + 10 }) throws -> [String] {
        var outputs = [String](repeating: "", count: lines.count)
        let encoded = try lines.map(encode)
        let nonEmpty = encoded.indices.filter { !encoded[$0].isEmpty }
        for start in stride(from: 0, to: nonEmpty.count, by: batchSize) {
            let rows = Array(nonEmpty[start..<min(start + batchSize, nonEmpty.count)])
            let hypotheses = model.greedy(rows.map { encoded[$0] }, maxLength: maxLength)
            for (row, ids) in zip(rows, hypotheses) { outputs[row] = decode(ids) }
        }
        return outputs
    }
}
