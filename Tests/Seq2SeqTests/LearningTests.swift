import NN
import Testing

@testable import Seq2Seq
@testable import Tensor

/// Random sequences of 3–8 words (ids 4..<20) and their reversals.
func reversalPairs(_ count: Int, generator: inout RandomGenerator) -> SentencePairs {
    let sources = (0..<count).map { _ in
        (0..<(3 + Int(generator.next() % 6))).map { _ in Int32(4 + generator.next() % 16) }
    }
    return SentencePairs(sources: sources, targets: sources.map { Array($0.reversed()) })
}

/// Trains `model` on batches of reversal pairs with Adam and clipping, `learningRate(step)`
/// at each step.
func trainOnReversals(_ model: Seq2SeqModel, steps: Int, batchSize: Int, seed: UInt64, learningRate: (Int) -> Float) {
    let optimizer = Adam(parameters: model.parameters)
    var data = RandomGenerator(seed: seed)
    var noDropout: RandomGenerator? = nil
    for step in 0..<steps {
        let batch = TrainingBatch(reversalPairs(batchSize, generator: &data))
        let tape = Tape()
        let loss = tape.record { model.loss(batch, dropout: &noDropout).loss }
        tape.backward(loss)
        clipGradientNorm(model.parameters.map(\.tensor), maxNorm: 5)
        optimizer.step(learningRate: learningRate(step))
    }
}

@Suite struct LearningTests {
    /// The reference model (small) learns to reverse sequences: the self-test of
    /// ../shared/reference/pytorch/ref_s2s.py, which reaches > 90% there.
    @Test func learnsToReverseSequences() {
        var config = ModelConfig(sourceVocabularySize: 20, targetVocabularySize: 20)
        config.embeddingSize = 32
        config.hiddenSize = 32
        let model = Seq2SeqModel(config, seed: 0)
        trainOnReversals(model, steps: 600, batchSize: 64, seed: 11) { $0 < 400 ? 3e-3 : 1e-3 }
        var data = RandomGenerator(seed: 12)
        let test = reversalPairs(200, generator: &data)
        let outputs = model.greedy(test.sources)
        let exact = zip(outputs, test.targets).filter { $0 == $1 }.count
        // Rounding differences in any kernel change the trajectory: allow one miss in a hundred.
        #expect(exact >= 198, "exact match \(exact)/200; e.g. \(test.sources[0]) → \(outputs[0])")
    }
}

@Suite struct QuantizedDecodingTests {
    /// The reversal model decodes (almost) as well with int8 products as with FP32.
    @Test func int8GreedyMatchesFP32() {
        var config = ModelConfig(sourceVocabularySize: 20, targetVocabularySize: 20)
        (config.embeddingSize, config.hiddenSize) = (32, 32)
        let model = Seq2SeqModel(config, seed: 0)
        trainOnReversals(model, steps: 600, batchSize: 64, seed: 11) { $0 < 400 ? 3e-3 : 1e-3 }
        var data = RandomGenerator(seed: 13)
        let test = reversalPairs(200, generator: &data)
        let fp32 = model.greedy(test.sources)
        #expect(model.quantize() == model.parameters.filter { $0.tensor.rank == 2 }.count && model.isQuantized)
        let int8 = model.greedy(test.sources)
        let same = zip(fp32, int8).filter { $0 == $1 }.count
        let exact = zip(int8, test.targets).filter { $0 == $1 }.count
        #expect(same >= 196 && exact >= 196, "int8 agrees with FP32 on \(same)/200, reverses \(exact)/200")
    }
}
