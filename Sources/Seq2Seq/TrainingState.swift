import NN
import Tensor

/// Everything besides weights and optimiser moments that a resumed run needs to continue
/// exactly as if it had never stopped.
public struct TrainingState: Sendable, Codable, Equatable {
    /// Updates taken.
    public var step = 0
    /// The epoch in progress (from 0) and how many of its batches are done.
    public var epoch = 0
    public var batchInEpoch = 0
    /// The dropout generator's state.
    public var dropoutState: [UInt64]
    /// The scheduled-sampling generator's state.
    public var samplingState: [UInt64]
    public var scheduler: LearningRateScheduler
    /// The best validation value so far, at which step, and validations since it improved.
    public var bestMetric: Double? = nil
    public var bestStep: Int? = nil
    public var validationsWithoutImprovement = 0
    /// Checkpoint directory names, oldest first.
    public var checkpoints: [String] = []

    public init(seed: UInt64, scheduler: LearningRateScheduler) {
        dropoutState = RandomGenerator(seed: seed &+ 0x5EED).state
        samplingState = RandomGenerator(seed: seed &+ 0x5A3B).state
        self.scheduler = scheduler
    }
}
