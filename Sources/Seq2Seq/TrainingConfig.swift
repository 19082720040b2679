import NN
import Tensor

/// Which optimiser to train with.
public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
    case adam, sgd
}

/// The metric early stopping and "best checkpoint" watch.
public enum ValidationMetric: String, Sendable, Codable, CaseIterable {
    case loss, perplexity, bleu

    /// Whether a larger value is better.
    public var higherIsBetter: Bool { self == .bleu }
}

/// How to train: everything about the optimisation, nothing about the model's shape. A
/// recipe's `training` section decodes into this.
public struct TrainingConfig: Sendable, Codable, Equatable {
    public var optimizer: OptimizerKind = .adam
    public var learningRate = 1e-3
    public var schedule: LearningRateSchedule = .constant
    public var warmupSteps = 0
    public var beta1 = 0.9, beta2 = 0.999
    public var momentum = 0.0
    public var weightDecay = 0.0
    /// Clip the global gradient norm to this (0: no clipping).
    public var clipNorm = 5.0
    public var labelSmoothing = 0.1
    /// Padded tokens per batch (B × max(S, T)), as fairseq's `--max-tokens`.
    public var batchTokens = 4096
    /// Sentences per batch instead of a token budget, when set.
    public var batchSentences: Int? = nil
    /// Batches whose gradients add up before each update.
    public var gradientAccumulation = 1
    /// Stop after this many updates…
    public var maxSteps: Int? = nil
    /// …or this many passes over the data (whichever comes first).
    public var maxEpochs: Int? = 10
    /// Validate (and checkpoint) every this many updates, and at the end of each epoch.
    public var validateEvery = 1000
    public var earlyStoppingMetric: ValidationMetric = .loss
    /// Stop when the metric has not improved for this many validations (nil: never).
    public var patience: Int? = nil
    /// Keep this many recent checkpoints (the best is kept as well).
    public var keepCheckpoints = 3
    /// Probability of feeding the model's own previous prediction instead of the gold token
    /// (Bengio et al. 2015); 0 for plain teacher forcing.
    public var scheduledSampling = 0.0
    /// λ, the weight of the coverage loss (See et al. 2017, eq. 13) for a model with coverage.
    public var coverageLossWeight = 1.0
    public var seed: UInt64 = 1
    public var threads = 2
    /// Matrix products in FP32, or in bf16 with FP32 accumulation (mixed precision: master
    /// weights, gradients and the optimiser stay FP32).
    public var precision: MatrixPrecision = .float32

    public init() {}

    /// Problems that make the configuration unusable, each naming the field.
    public var problems: [String] {
        var problems: [String] = []
        if !(learningRate > 0) { problems.append("learningRate must be positive, got \(learningRate)") }
        if !(0..<1).contains(labelSmoothing) { problems.append("labelSmoothing must be in [0, 1), got \(labelSmoothing)") }
        if !(0...1).contains(scheduledSampling) { problems.append("scheduledSampling must be in [0, 1], got \(scheduledSampling)") }
        for (name, value) in [("batchTokens", batchTokens), ("gradientAccumulation", gradientAccumulation),
                              ("validateEvery", validateEvery), ("keepCheckpoints", keepCheckpoints), ("threads", threads)] where value < 1 {
            problems.append("\(name) must be at least 1, got \(value)")
        }
        if let batchSentences, batchSentences < 1 { problems.append("batchSentences must be at least 1, got \(batchSentences)") }
        if maxSteps == nil && maxEpochs == nil { problems.append("set maxSteps or maxEpochs, or training never ends") }
        if coverageLossWeight < 0 { problems.append("coverageLossWeight must be 0 or positive, got \(coverageLossWeight)") }
        if clipNorm < 0 { problems.append("clipNorm must be 0 (off) or positive, got \(clipNorm)") }
        return problems
    }
}
