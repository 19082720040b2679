import NN
import Testing

@testable import Seq2Seq
@testable import Tensor

@Suite struct FoldedEmbeddingTests {
    /// Decoder shapes the fold must handle: input feeding or not, one layer or two, the cells,
    /// a pointer-generator (whose gate still reads the embedding).
    static let shapes: [(cell: CellKind, inputFeeding: Bool, layers: Int, pointerGenerator: Bool)] = [
        (.lstm, true, 1, false), (.gru, false, 2, false), (.rnnTanh, true, 2, true),
    ]

    /// Decoding steps with the target embedding folded into the first input projection give
    /// what the products give (within 1e-5), a copied word (id ≥ V) read as `<unk>` by both;
    /// a write to the embedding makes the fold stale, and steps then read the new weights.
    @Test(arguments: shapes.indices) func foldedStepsMatchTheProduct(shape: Int) {
        let (cell, inputFeeding, layers, pointerGenerator) = Self.shapes[shape]
        var config = ModelConfig(sourceVocabularySize: 20, targetVocabularySize: 20)
        (config.embeddingSize, config.hiddenSize, config.decoderLayers) = (12, 10, layers)
        (config.decoderCell, config.inputFeeding, config.pointerGenerator) = (cell, inputFeeding, pointerGenerator)
        let (plain, folded) = (Seq2SeqModel(config, seed: 5), Seq2SeqModel(config, seed: 5))
        #expect(folded.decoder.foldEmbedding() && folded.decoder.folded!.isCurrent)
        #expect((folded.decoder.folded!.feed != nil) == inputFeeding)
        let sources = testSources(5, seed: 8)
        let tokens: [[Int32]] = [[1, 1, 1, 1, 1], [4, 9, 23, 3, 19], [7, 7, 12, 5, 21]]

        func steps(_ model: Seq2SeqModel) -> [Tensor] {
            Tape.withoutRecording {
                let encoded = model.encode(SourceBatch(sources))
                var state = model.decoder.initialState(encoded), outputs: [Tensor] = []
                for previous in tokens {
                    let step = model.decoder.step(tokens: previous, state: state, encoded: encoded)
                    state = step.state
                    outputs += [step.attentional, step.weights, state.layers[0].hidden] + (step.generation.map { [$0] } ?? [])
                }
                return outputs
            }
        }
        func largestDifference() -> Float {
            zip(steps(plain), steps(folded)).map { a, b in
                zip(a.array, b.array).map { abs($0 - $1) }.max()!
            }.max()!
        }
        #expect(largestDifference() < 1e-5)

        for model in [plain, folded] {
            let weight = model.decoder.embedding.weight
            for v in 0..<weight.count { weight.pointer[v] += 0.5 }
            weight.valuesWritten()
        }
        #expect(!folded.decoder.folded!.isCurrent)
        #expect(largestDifference() < 1e-5)
    }

    /// A table beyond `maximumBytes` is not made (nothing is computed to find out).
    @Test func largeTablesAreNotMade() {
        var g = RandomGenerator(seed: 1)
        let cell = RecurrentCell(kind: .lstm, inputSize: 1, hiddenSize: 256, generator: &g)  // G·H = 1024
        #expect(FoldedEmbedding(embedding: .zeros([70_000, 1]), cell: cell) == nil)  // 70,000 × 1024 floats: 273 MiB
        #expect(FoldedEmbedding(embedding: .zeros([1_000, 1]), cell: cell) != nil)
    }
}
