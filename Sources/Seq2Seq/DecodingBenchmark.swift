import Foundation
import Tensor

/// The reference's decoding benchmarks (../shared/reference/pytorch/README.md) on Recur:
/// an untrained model of configuration A or B, a 512-sentence fixed-seed test set decoded
/// in input order, each output forced to its pair's target length (so the work per step is
/// a trained model's); greedy with batches of 64, beam 5 with batches of 32 (128
/// sentences) and of 1 (32 sentences); median of 3 repeats after a warm-up.
public enum DecodingBenchmark {
    public struct Measurement: Sendable, Codable {
        public let mode: String
        public let batchSize: Int, sentences: Int
        public let sentencesPerSecondRepeats: [Double]
        public var sentencesPerSecond: Double { sentencesPerSecondRepeats.sorted()[sentencesPerSecondRepeats.count / 2] }
    }

    public struct Result: Sendable, Codable {
        public let config: String, threads: Int
        public let measurements: [Measurement]
    }

    /// - Parameter int8: decode with int8 products (`Seq2SeqModel.quantize`).
    public static func run(config name: String, embeddingSize: Int, hiddenSize: Int, vocabularySize: Int = 8000,
                           threads: Int, repeats: Int = 3, int8: Bool = false) -> Result {
        Engine.setThreads(threads)
        let model = Seq2SeqModel(.reference(embeddingSize: embeddingSize, hiddenSize: hiddenSize, vocabularySize: vocabularySize), seed: 0)
        if int8 { model.quantize() } else { model.packForDecoding() }
        let test = TrainingBenchmark.syntheticPairs(512, vocabulary: vocabularySize, seed: 7)
        let lengths = test.targets.map(\.count)
        var options = SearchOptions()
        options.beamSize = 5
        func measure(_ mode: String, batchSize: Int, sentences: Int, _ decode: ([[Int32]], [Int]) -> [[Int32]]) -> Measurement {
            func once() -> Double {
                let start = ContinuousClock.now
                for first in stride(from: 0, to: sentences, by: batchSize) {
                    let range = first..<min(first + batchSize, sentences)
                    let outputs = decode(Array(test.sources[range]), Array(lengths[range]))
                    precondition(outputs.map(\.count) == Array(lengths[range]), "forced lengths not respected")
                }
                let elapsed = ContinuousClock.now - start
                return Double(sentences) / elapsed.seconds
            }
            _ = once()  // warm-up
            return Measurement(mode: mode, batchSize: batchSize, sentences: sentences, sentencesPerSecondRepeats: (0..<repeats).map { _ in once() })
        }
        let beam = BeamSearch(models: [model], options: options)
        return Result(config: name, threads: threads, measurements: [
            measure("greedy", batchSize: 64, sentences: 512) { model.greedy($0, forcedLengths: $1) },
            measure("beam5", batchSize: 32, sentences: 128) { beam.search($0, forcedLengths: $1).map { $0[0].tokens } },
            measure("beam5", batchSize: 1, sentences: 32) { beam.search($0, forcedLengths: $1).map { $0[0].tokens } },
        ])
    }
}
