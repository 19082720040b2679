import Foundation
import NN
import Tensor

/// The reference's training benchmark (../shared/reference/pytorch/README.md), run on
/// Recur: random ids in [4, V), source and target lengths uniform in [10, 30], batches of
/// 64 consecutive pairs, 3 warm-up steps and 20 timed steps of forward + backward + clip +
/// Adam, median of 3 repeats.
public enum TrainingBenchmark {
    public struct Result: Sendable, Codable {
        public let config: String
        public let embeddingSize: Int, hiddenSize: Int, vocabularySize: Int, threads: Int
        public let parameters: Int
        /// Target tokens (with `</s>`) per second, each repeat.
        public let tokensPerSecondRepeats: [Double]
        public var tokensPerSecond: Double { tokensPerSecondRepeats.sorted()[tokensPerSecondRepeats.count / 2] }
        /// Matrix-product GFLOP/s at the median, counted as the reference counts them.
        public let gigaflops: Double
        public let lastLoss: Float
        /// Peak resident memory of the process (VmHWM), MiB.
        public let peakResidentMiB: Double
    }

    /// Random sentence pairs as the reference draws them (its generator is PyTorch's; the
    /// distribution is the same).
    public static func syntheticPairs(_ count: Int, vocabulary: Int, seed: UInt64) -> SentencePairs {
        var g = RandomGenerator(seed: seed)
        func sentence() -> [Int32] {
            (0..<(10 + Int(g.next() % 21))).map { _ in Int32(4 + Int(g.next() % UInt64(vocabulary - 4))) }
        }
        let sources = (0..<count).map { _ in sentence() }
        return SentencePairs(sources: sources, targets: (0..<count).map { _ in sentence() })
    }

    /// Matrix-product FLOPs of one training step (3 × forward), the reference's `train_flops`.
    static func flops(_ batch: TrainingBatch, embedding e: Int, hidden h: Int, vocabulary v: Int) -> Double {
        let d = 2 * h
        let sourceTokens = Double(batch.source.lengths.reduce(0, +)), targetTokens = Double(batch.targetTokenCount)
        let s = Double(batch.source.steps), b = Double(batch.batchSize)
        let (E, H, D, V) = (Double(e), Double(h), Double(d), Double(v))
        let encoder = sourceTokens * 2 * (2 * 4 * H * (E + H))
        let bridge = b * 2 * (2 * D * D)
        let keys = b * s * 2 * D * D
        let decoder = targetTokens * (2 * 4 * D * (E + D) + 2 * 4 * D * D + 2 * 2 * s * D + 2 * 2 * D * D + 2 * D * V)
        return 3 * (encoder + bridge + keys + decoder)
    }

    public static func run(config name: String, embeddingSize: Int, hiddenSize: Int, vocabularySize: Int = 8000,
                           threads: Int, steps: Int = 20, warmup: Int = 3, repeats: Int = 3,
                           precision: MatrixPrecision = .float32) throws -> Result {
        Engine.setThreads(threads)
        let previousPrecision = Engine.matrixPrecision
        try Engine.setMatrixPrecision(precision)
        defer { try? Engine.setMatrixPrecision(previousPrecision) }
        let config = ModelConfig.reference(embeddingSize: embeddingSize, hiddenSize: hiddenSize, vocabularySize: vocabularySize)
        let model = Seq2SeqModel(config, seed: 0)
        let optimizer = Adam(parameters: model.parameters)
        let parameters = model.parameters.map(\.tensor)
        let pairs = syntheticPairs((warmup + steps) * 64, vocabulary: vocabularySize, seed: 1)
        let batches = (0..<warmup + steps).map { i in
            TrainingBatch(SentencePairs(sources: Array(pairs.sources[i * 64..<(i + 1) * 64]),
                                        targets: Array(pairs.targets[i * 64..<(i + 1) * 64])))
        }
        var lastLoss: Float = 0
        func step(_ batch: TrainingBatch) {
            let tape = Tape()
            var noDropout: RandomGenerator? = nil
            let (loss, _) = tape.record { model.loss(batch, dropout: &noDropout) }
            lastLoss = loss.scalar
            tape.backward(loss)
            clipGradientNorm(parameters, maxNorm: 5)
            optimizer.step(learningRate: 1e-3)
        }
        batches.prefix(warmup).forEach(step)
        let timed = Array(batches.dropFirst(warmup))
        let tokens = Double(timed.reduce(0) { $0 + $1.targetTokenCount })
        let totalFlops = timed.reduce(0.0) { $0 + flops($1, embedding: embeddingSize, hidden: hiddenSize, vocabulary: vocabularySize) }
        let clock = ContinuousClock()
        let rates = (0..<repeats).map { _ in
            let elapsed = clock.measure { timed.forEach(step) }
            return tokens / elapsed.seconds
        }
        let median = rates.sorted()[rates.count / 2]
        return Result(config: name, embeddingSize: embeddingSize, hiddenSize: hiddenSize, vocabularySize: vocabularySize,
                      threads: threads, parameters: model.parameterCount, tokensPerSecondRepeats: rates,
                      gigaflops: median * totalFlops / tokens / 1e9, lastLoss: lastLoss, peakResidentMiB: peakResidentMiB())
    }

    /// VmHWM from /proc/self/status, in MiB (0 where there is none).
    public static func peakResidentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }
}
