import Foundation
import NN
import Testing

@testable import Seq2Seq
@testable import Tensor

/// Recur's model against ../shared/reference/pytorch/ref_s2s.py: with the same weights
/// (safetensors written by PyTorch) the loss and every gradient agree to 1e-4 relative.
/// Fixtures/make_reference_fixture.py wrote the fixtures.
@Suite struct ReferenceModelTests {
    struct Fixture: Decodable {
        struct Sizes: Decodable { let vocabulary: Int, embedding: Int, hidden: Int }
        let sizes: Sizes
        let sources: [[Int32]], targets: [[Int32]]
        let loss: Double, tokens: Int
        let gradients: [String: [Double]]
    }

    @Test func lossAndGradientsMatchPyTorch() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: directory.appendingPathComponent("reference_batch.json")))
        let weights = try SafeTensors.read(directory.appendingPathComponent("reference_weights.safetensors"))
        let config = ModelConfig.reference(embeddingSize: fixture.sizes.embedding, hiddenSize: fixture.sizes.hidden,
                                           vocabularySize: fixture.sizes.vocabulary)
        let model = Seq2SeqModel(config, seed: 0)
        try model.loadReference(weights.tensors, source: "reference_weights.safetensors")

        // The reference numbers <s> 1 and </s> 2.
        let batch = TrainingBatch(SentencePairs(sources: fixture.sources, targets: fixture.targets), beginning: 1, end: 2)
        let tape = Tape()
        var noDropout: RandomGenerator? = nil
        let (loss, tokens) = tape.record { model.loss(batch, dropout: &noDropout) }
        #expect(tokens == fixture.tokens)
        #expect(abs(Double(loss.scalar) - fixture.loss) <= 1e-4 * fixture.loss, "loss \(loss.scalar), PyTorch \(fixture.loss)")
        tape.backward(loss)

        let byRecurName = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.tensor) })
        #expect(fixture.gradients.count == model.parameters.count)
        for (torchName, expected) in fixture.gradients {
            let name = try #require(Seq2SeqModel.referenceNames[torchName])
            let actual = try #require(byRecurName[name]?.grad).array
            let scale = max(expected.map(abs).max()!, 1e-6)
            let worst = zip(actual, expected).map { abs(Double($0) - $1) / scale }.max()!
            #expect(worst <= 1e-4, "\(torchName): gradient differs by \(worst) relative to its largest element")
        }
    }

    @Test func loadingRejectsAWrongConfiguration() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let weights = try SafeTensors.read(directory.appendingPathComponent("reference_weights.safetensors"))
        let model = Seq2SeqModel(.reference(embeddingSize: 6, hiddenSize: 7, vocabularySize: 13), seed: 0)
        #expect {
            try model.loadReference(weights.tensors, source: "w.safetensors")
        } throws: { error in
            "\(error)" == "w.safetensors: parameter 'encoder.rnn.layer0.forward.weightIH' has shape [20, 6], the model expects [28, 6]: the configuration does not match the weights"
        }
    }
}
