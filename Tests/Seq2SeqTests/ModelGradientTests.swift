import NN
import Testing

@testable import Seq2Seq
@testable import Tensor

/// Three pairs of different lengths over a vocabulary of 9 (ids 4… are words).
let tinyPairs = SentencePairs(sources: [[4, 5, 6], [7, 8], [5, 5, 6, 7]], targets: [[6, 5], [8, 7, 4, 5], [4]])

func tinyConfig(_ change: (inout ModelConfig) -> Void = { _ in }) -> ModelConfig {
    var config = ModelConfig(sourceVocabularySize: 9, targetVocabularySize: 9)
    config.embeddingSize = 4
    config.hiddenSize = 3
    config.initScale = 0.5
    change(&config)
    return config
}

@Suite struct ModelGradientTests {
    static let configurations: [(String, ModelConfig)] = [
        ("reference (LSTM, general, learned bridge)", tinyConfig()),
        ("dot attention, GRU, zero bridge", tinyConfig { $0.attention = .dot; $0.encoderCell = .gru; $0.decoderCell = .gru; $0.bridge = .zero }),
        ("Bahdanau, 2+2 layers, no input feeding", tinyConfig { $0.attention = .bahdanau; $0.encoderLayers = 2; $0.decoderLayers = 2; $0.inputFeeding = false }),
        ("unidirectional RNN encoder, last bridge, tied embeddings", tinyConfig {
            $0.bidirectional = false; $0.hiddenSize = 4; $0.encoderCell = .rnnTanh; $0.decoderCell = .rnnTanh
            $0.bridge = .last; $0.tieTargetEmbeddings = true
        }),
    ]

    @Test(arguments: configurations)
    func wholeModelGradients(name: String, config: ModelConfig) {
        let model = Seq2SeqModel(config, seed: 1)
        let batch = TrainingBatch(tinyPairs)
        let parameters = model.parameters.map(\.tensor)
        let mismatches = checkGradients(parameters) { _ in
            var noDropout: RandomGenerator? = nil
            return model.loss(batch, labelSmoothing: 0.1, reduction: .sum, dropout: &noDropout).loss
        }
        let names = Dictionary(uniqueKeysWithValues: model.parameters.enumerated().map { ($0.offset, $0.element.name) })
        #expect(mismatches.isEmpty, "\(name): \(mismatches.map { "\(names[$0.input]!): \($0)" }.joined(separator: "; "))")
    }

    @Test func dropoutGradients() {
        let model = Seq2SeqModel(tinyConfig { $0.dropout = 0.3; $0.decoderLayers = 2 }, seed: 2)
        let batch = TrainingBatch(tinyPairs)
        let mismatches = checkGradients(model.parameters.map(\.tensor)) { _ in
            var dropout: RandomGenerator? = RandomGenerator(seed: 3)
            return model.loss(batch, reduction: .sum, dropout: &dropout).loss
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    /// The packed layout: a batch's loss is the sum of its sentences' losses alone.
    @Test func batchLossIsTheSumOfSentenceLosses() {
        let model = Seq2SeqModel(tinyConfig(), seed: 4)
        var noDropout: RandomGenerator? = nil
        let together = model.loss(TrainingBatch(tinyPairs), reduction: .sum, dropout: &noDropout)
        var alone: Float = 0
        for i in 0..<tinyPairs.count {
            let single = SentencePairs(sources: [tinyPairs.sources[i]], targets: [tinyPairs.targets[i]])
            alone += model.loss(TrainingBatch(single), reduction: .sum, dropout: &noDropout).loss.scalar
        }
        #expect(together.tokens == tinyPairs.targetTokenCount)
        #expect(abs(together.loss.scalar - alone) < 1e-4 * abs(alone))
    }

    @Test func packedBatchLayout() {
        let batch = TrainingBatch(tinyPairs)
        #expect(batch.order == [1, 0, 2])  // targets of 4, 2 and 1 tokens, plus </s> (id 3)
        #expect(batch.activeCounts == [3, 3, 2, 1, 1])
        #expect(batch.packedTargets == [8, 6, 4, 7, 5, 3, 4, 3, 5, 3])
        #expect(Array(batch.targetInputs[0..<3]) == [2, 2, 2] && Array(batch.targetInputs[3..<6]) == [8, 6, 4])
        #expect(batch.targetTokenCount == tinyPairs.targetTokenCount)
    }
}
