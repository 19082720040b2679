import NN
import Testing

@testable import Seq2Seq
@testable import Tensor

/// A small model trained briefly on the reversal task: good enough to have preferences,
/// poor enough that search matters.
let partlyTrained: Seq2SeqModel = {
    var config = ModelConfig(sourceVocabularySize: 20, targetVocabularySize: 20)
    config.embeddingSize = 16
    config.hiddenSize = 16
    let model = Seq2SeqModel(config, seed: 3)
    trainOnReversals(model, steps: 60, batchSize: 32, seed: 4) { _ in 3e-3 }
    return model
}()

func testSources(_ count: Int, seed: UInt64) -> [[Int32]] {
    var g = RandomGenerator(seed: seed)
    return reversalPairs(count, generator: &g).sources
}

@Suite struct BeamSearchTests {
    @Test func beamOfOneIsGreedy() {
        let sources = testSources(40, seed: 5)
        var options = SearchOptions()
        options.beamSize = 1
        let beam = BeamSearch(models: [partlyTrained], options: options).search(sources).map { $0[0].tokens }
        #expect(beam == partlyTrained.greedy(sources, maxLength: options.lengthLimit))
    }

    /// The long-standing complaint about other toolkits: a sentence's translation changes
    /// with its batch. Here it does not (scores within 1e-4).
    @Test func sameResultAloneAndInABatchOf64() {
        let sources = testSources(64, seed: 6)
        let search = BeamSearch(models: [partlyTrained], options: SearchOptions())
        let batched = search.search(sources)
        for i in [0, 17, 40, 63] {
            let alone = search.search([sources[i]])[0][0]
            #expect(alone.tokens == batched[i][0].tokens, "sentence \(i)")
            #expect(abs(alone.score - batched[i][0].score) < 1e-4, "sentence \(i): \(alone.score) vs \(batched[i][0].score)")
        }
    }

    /// Decoding with weights packed for FP32 products (`packForDecoding`) gives what the BLAS
    /// path gives: the same outputs, scores within 1e-4; the embedding tables stay unpacked,
    /// and the target embedding is folded into the decoder's first input projection, whose
    /// weight is then not packed.
    @Test(.enabled(if: PackedMatrix.hasFastKernels)) func packedWeightsDecodeAsBLASDoes() {
        var config = ModelConfig(sourceVocabularySize: 20, targetVocabularySize: 30)
        (config.embeddingSize, config.hiddenSize) = (24, 20)
        let model = Seq2SeqModel(config, seed: 11)
        let sources = testSources(70, seed: 9)
        var options = SearchOptions()
        options.nbest = 3
        let search = BeamSearch(models: [model], options: options)
        let plain = search.search(sources), plainGreedy = model.greedy(sources, maxLength: options.lengthLimit)
        #expect(model.packForDecoding() > 0)
        let packed = search.search(sources), packedGreedy = model.greedy(sources, maxLength: options.lengthLimit)
        #expect(model.encoder.embedding.weight.packed == nil && model.decoder.outputWeight.packed != nil)
        #expect(model.decoder.folded?.isCurrent == true && model.decoder.cells[0].weightIH.packed == nil)
        #expect(packedGreedy == plainGreedy)
        for (a, b) in zip(plain, packed) {
            #expect(a.map(\.tokens) == b.map(\.tokens))
            #expect(zip(a, b).allSatisfy { abs($0.score - $1.score) < 1e-4 })
        }
    }

    /// A batch decoded in parts, one per engine thread (`DecodingParts`), gives what the whole
    /// batch gives on one thread; each part's products stay on its own thread.
    @Test func partsGiveTheWholeBatchResult() {
        let sources = testSources(48, seed: 12)
        let search = BeamSearch(models: [partlyTrained], options: SearchOptions())
        let whole = search.searchBatch(sources, copySources: nil, forcedLengths: nil), parts = search.search(sources)
        for (a, b) in zip(whole, parts) {
            #expect(a.map(\.tokens) == b.map(\.tokens))
            #expect(zip(a, b).allSatisfy { abs($0.score - $1.score) < 1e-4 })
        }
        let limit = SearchOptions().lengthLimit
        #expect(partlyTrained.greedy(sources, maxLength: limit)
                == partlyTrained.greedyBatch(sources, copySources: nil, maxLength: limit, forcedLengths: nil, shortlist: nil))
        let split = DecodingParts.decode(10, rowsPerSentence: 5, work: { _ in 1 }) { range in [(range, Engine.threadCount)] }
        #expect(split.map(\.0).flatMap { Array($0) } == Array(0..<10))
        #expect(split.count == min(Engine.threadCount, 3) && split.allSatisfy { split.count == 1 || $0.1 == 1 })
    }

    /// The parts are cut where their work is even, each part keeping at least one sentence.
    @Test func partsAreCutWhereWorkIsEven() {
        #expect(DecodingParts.evenSplit([1, 1, 1, 1], parts: 2) == [0..<2, 2..<4])
        #expect(DecodingParts.evenSplit([5, 1, 1, 1, 1, 1], parts: 2) == [0..<1, 1..<6])
        #expect(DecodingParts.evenSplit([1, 1, 1, 1, 1, 5], parts: 2) == [0..<5, 5..<6])
        #expect(DecodingParts.evenSplit([9, 9, 1], parts: 3) == [0..<1, 1..<2, 2..<3])
        #expect(DecodingParts.evenSplit([100, 1, 1], parts: 2) == [0..<1, 1..<3])
        #expect(DecodingParts.evenSplit([3, 1, 1, 1, 3, 3], parts: 3) == [0..<2, 2..<5, 5..<6])
        #expect(DecodingParts.evenSplit([7], parts: 1) == [0..<1])
        // Decoder rows dominate: a long output weighs more than a long source.
        #expect(DecodingParts.work(sourceLength: 10, outputLength: 30, rowsPerSentence: 5)
                > DecodingParts.work(sourceLength: 30, outputLength: 10, rowsPerSentence: 5))
    }

    /// With a beam as wide as the space of outputs, beam search finds the output that
    /// exhaustive search over every sequence (scored by teacher forcing) finds.
    @Test func wideBeamFindsTheExhaustiveBest() {
        var config = ModelConfig(sourceVocabularySize: 7, targetVocabularySize: 7)  // <unk> and words 4, 5, 6
        (config.embeddingSize, config.hiddenSize, config.initScale) = (6, 5, 1.5)
        var options = SearchOptions()
        (options.maxLength, options.beamSize) = (3, 4 * 4 * 4 + 4 * 4 + 4 + 1)
        let words: [Int32] = [1, 4, 5, 6]
        var outputs: [[Int32]] = [[]]
        for length in 1...3 { outputs += outputs.filter { $0.count == length - 1 }.flatMap { prefix in words.map { prefix + [$0] } } }
        for seed in UInt64(1)...4 {
            let model = Seq2SeqModel(config, seed: seed)
            let source: [Int32] = [4, 6, 5]
            var noDropout: RandomGenerator? = nil
            let scored = outputs.map { output -> (output: [Int32], score: Double) in
                let negative = model.loss(TrainingBatch(SentencePairs(sources: [source], targets: [output])), reduction: .sum, dropout: &noDropout).loss.scalar
                return (output, options.normalize(-Double(negative), length: output.count + 1))
            }
            let best = scored.max { $0.score < $1.score }!
            let found = BeamSearch(models: [model], options: options).search([source])[0][0]
            #expect(found.tokens == best.output, "seed \(seed): beam \(found.tokens) (\(found.score)), exhaustive \(best.output) (\(best.score))")
            #expect(abs(found.score - best.score) < 1e-4)
        }
    }

    @Test func nbestIsSortedAndDistinct() {
        var options = SearchOptions()
        options.nbest = 5
        let hypotheses = BeamSearch(models: [partlyTrained], options: options).search(testSources(3, seed: 7))
        for list in hypotheses {
            #expect(list.count == 5)
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.score >= $1.score })
            #expect(Set(list.map(\.tokens)).count == list.count)
            #expect(list.allSatisfy { $0.attention.count == $0.tokens.count + 1 })
        }
    }

    @Test func repeatedBigramsAreBlocked() {
        var options = SearchOptions()
        options.blockRepeatedNgrams = 2
        options.maxLengthRatio = 4
        for hypothesis in BeamSearch(models: [partlyTrained], options: options).search(testSources(20, seed: 8)).map({ $0[0] }) {
            let bigrams = zip(hypothesis.tokens, hypothesis.tokens.dropFirst()).map { [$0, $1] }
            #expect(Set(bigrams).count == bigrams.count, "\(hypothesis.tokens) repeats a bigram")
        }
    }

    @Test func ensembleOfTwoCopiesEqualsOneModel() {
        let sources = testSources(8, seed: 9)
        let single = BeamSearch(models: [partlyTrained], options: SearchOptions()).search(sources)
        let ensemble = BeamSearch(models: [partlyTrained, partlyTrained], options: SearchOptions()).search(sources)
        #expect(single.map { $0[0].tokens } == ensemble.map { $0[0].tokens })
    }

    @Test func beamSearchLearnsTheReversal() {
        let pairs = { () -> SentencePairs in var g = RandomGenerator(seed: 10); return reversalPairs(100, generator: &g) }()
        let outputs = BeamSearch(models: [partlyTrained], options: SearchOptions()).search(pairs.sources).map { $0[0].tokens }
        let greedy = partlyTrained.greedy(pairs.sources)
        let (beamRight, greedyRight) = (zip(outputs, pairs.targets).filter { $0 == $1 }.count, zip(greedy, pairs.targets).filter { $0 == $1 }.count)
        #expect(beamRight >= greedyRight, "beam \(beamRight), greedy \(greedyRight) of 100")
    }
}
