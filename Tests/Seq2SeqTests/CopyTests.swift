import Foundation
import NN
import Testing
import Text

@testable import Seq2Seq
@testable import Tensor

/// The tiny pairs of ModelGradientTests with unknown words (source id 1) that the targets
/// copy: in the target vocabulary of 9, each source's unknown words are ids 9, 10, …
let tinyCopyPairs = SentencePairs(sources: [[4, 1, 6], [7, 1], [5, 1, 1, 7]], targets: [[9, 5], [8, 9, 4, 5], [10]],
                                  copySources: [[4, 9, 6], [7, 9], [5, 9, 10, 7]])

/// Pointer-generator (See et al. 2017, §2.2) and coverage (§2.3).
@Suite struct CopyTests {
    static let configurations: [(String, ModelConfig)] = [
        ("pointer-generator with coverage", tinyConfig { $0.attention = .bahdanau; $0.pointerGenerator = true; $0.coverage = true }),
        ("pointer-generator, general attention, 2 layers", tinyConfig { $0.pointerGenerator = true; $0.decoderLayers = 2 }),
        ("coverage without copying", tinyConfig { $0.attention = .bahdanau; $0.coverage = true }),
    ]

    @Test(arguments: configurations)
    func wholeModelGradients(name: String, config: ModelConfig) {
        let model = Seq2SeqModel(config, seed: 5)
        let pairs = config.pointerGenerator ? tinyCopyPairs : tinyPairs
        let batch = TrainingBatch(pairs)
        let mismatches = checkGradients(model.parameters.map(\.tensor)) { _ in
            var noDropout: RandomGenerator? = nil
            // No label smoothing with copying: it would give mass to other sentences' unknown words.
            return model.loss(batch, labelSmoothing: config.pointerGenerator ? 0 : 0.1, coverageLossWeight: 0.7, reduction: .sum,
                              dropout: &noDropout).loss
        }
        let names = Dictionary(uniqueKeysWithValues: model.parameters.enumerated().map { ($0.offset, $0.element.name) })
        #expect(mismatches.isEmpty, "\(name): \(mismatches.map { "\(names[$0.input]!): \($0)" }.joined(separator: "; "))")
    }

    /// The coverage loss is λ Σ_t Σ_s min(a_t,s, c_t,s): the difference between two weights.
    @Test func coverageLossByHand() {
        let model = Seq2SeqModel(tinyConfig { $0.attention = .bahdanau; $0.coverage = true }, seed: 6)
        let batch = TrainingBatch(SentencePairs(sources: [[4, 5, 6]], targets: [[6, 5]]))
        var noDropout: RandomGenerator? = nil
        let plain = model.loss(batch, coverageLossWeight: 0, reduction: .sum, dropout: &noDropout).loss.scalar
        let weighted = model.loss(batch, coverageLossWeight: 2, reduction: .sum, dropout: &noDropout).loss.scalar
        // The same sums by hand from the attention of each step.
        let encoded = model.encode(batch.source)
        var state = model.decoder.initialState(encoded)
        var overlap: Float = 0
        for token in batch.targetInputs {
            let step = model.decoder.step(model.decoder.embed([token]), state: state, encoded: encoded, dropout: &noDropout)
            overlap += zip(step.weights.array, state.coverage!.array).map { min($0, $1) }.reduce(0, +)
            #expect(zip(step.state.coverage!.array, zip(state.coverage!.array, step.weights.array)).allSatisfy { abs($0 - ($1.0 + $1.1)) < 1e-6 })
            state = step.state
        }
        #expect(overlap > 0.1)
        #expect(abs((weighted - plain) - 2 * overlap) < 1e-4)
    }

    @Test func copySourceNumbersUnknownWordsInOrder() {
        let vocabulary = try! Vocabulary(parsing: "<pad> 0\n<unk> 0\n<s> 0\n</s> 0\nthe 5\ncat 3\n")
        let copy = CopySource(["the", "Zyx", "cat", "Zyx", "Qor"], targetVocabulary: vocabulary)
        #expect(copy.ids == [4, 6, 5, 6, 7])
        #expect(copy.unknownWords == ["Zyx", "Qor"])
        #expect(copy.encodeTarget(["Qor", "the", "Wub"], vocabulary: vocabulary) == [7, 4, 1])
        #expect(copy.decode([7, 4, 6, 1], vocabulary: vocabulary) == ["Qor", "the", "Zyx", "<unk>"])
    }

    /// Bundles written before these options existed still load, without copying.
    @Test func olderConfigWithoutTheNewKeysDecodes() throws {
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(tinyConfig())) as! [String: Any]
        object["pointerGenerator"] = nil
        object["coverage"] = nil
        let config = try JSONDecoder().decode(ModelConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(config == tinyConfig())
    }

}

/// A task only copying solves: a source of filler words (ids 4..<11) holds two names the
/// vocabulary lacks (source id `<unk>`) and a marker (11) before one of them; the target is
/// the marked name. In the extended vocabulary (V = 12) the names are 12 and 13 in order of
/// appearance. `copying: false` gives the plain model's view, where the target is `<unk>`.
func markedNamePairs(_ count: Int, copying: Bool, generator: inout RandomGenerator) -> SentencePairs {
    var sources: [[Int32]] = [], copies: [[Int32]] = [], targets: [[Int32]] = []
    for _ in 0..<count {
        var items: [[Int32]] = (0..<(2 + Int(generator.next() % 5))).map { _ in [Int32(4 + generator.next() % 7)] }
        let markFirst = generator.next() % 2 == 0
        items.insert([-1], at: Int(generator.next() % UInt64(items.count + 1)))  // the first name to appear
        items.insert([-2], at: Int(generator.next() % UInt64(items.count + 1)))
        let source = items.flatMap { $0 }
        let order = source.filter { $0 < 0 }  // the names, in order of appearance
        let marked = markFirst ? order[0] : order[1]
        let copy = source.map { $0 >= 0 ? $0 : 12 + Int32(order.firstIndex(of: $0)!) }
        var withMarker: [Int32] = [], copyWithMarker: [Int32] = []
        for (id, copied) in zip(source, copy) {
            if id == marked { withMarker.append(11); copyWithMarker.append(11) }
            withMarker.append(id < 0 ? SpecialToken.unknown : id)
            copyWithMarker.append(copied)
        }
        sources.append(withMarker)
        copies.append(copyWithMarker)
        targets.append([copying ? copy[source.firstIndex(of: marked)!] : SpecialToken.unknown])
    }
    return SentencePairs(sources: sources, targets: targets, copySources: copying ? copies : nil)
}

@Suite struct CopyLearningTests {
    func train(copying: Bool) -> Seq2SeqModel {
        var config = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 12)
        (config.embeddingSize, config.hiddenSize, config.attention) = (16, 16, .bahdanau)
        config.pointerGenerator = copying
        let model = Seq2SeqModel(config, seed: 3)
        let optimizer = Adam(parameters: model.parameters)
        var data = RandomGenerator(seed: 21)
        var noDropout: RandomGenerator? = nil
        for _ in 0..<300 {
            let batch = TrainingBatch(markedNamePairs(32, copying: copying, generator: &data))
            let tape = Tape()
            let loss = tape.record { model.loss(batch, dropout: &noDropout).loss }
            tape.backward(loss)
            clipGradientNorm(model.parameters.map(\.tensor), maxNorm: 5)
            optimizer.step(learningRate: 5e-3)
        }
        return model
    }

    @Test func pointerGeneratorCopiesUnknownWordsThePlainModelCannot() {
        var data = RandomGenerator(seed: 22)
        let test = markedNamePairs(200, copying: true, generator: &data)
        let pointer = train(copying: true)
        let greedy = pointer.greedy(test.sources, copySources: test.copySources)
        let copied = zip(greedy, test.targets).filter { $0 == $1 }.count
        #expect(copied >= 190, "greedy copied \(copied)/200; e.g. \(test.copySources![0]) → \(greedy[0])")
        let beam = BeamSearch(models: [pointer], options: SearchOptions()).search(test.sources, copySources: test.copySources)
        let beamCopied = zip(beam, test.targets).filter { $0.first?.tokens == $1 }.count
        #expect(beamCopied >= 190, "beam search copied \(beamCopied)/200")

        let plain = train(copying: false)
        let outputs = plain.greedy(test.sources)
        #expect(outputs.allSatisfy { $0 == [SpecialToken.unknown] }, "the plain model learns <unk>: \(outputs.prefix(3))")
        #expect(zip(outputs, test.targets).allSatisfy { $0 != $1 })
    }
}
