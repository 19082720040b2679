import Foundation
import NN
import Synchronization
import Tensor

/// Set by SIGINT (Ctrl-C): the trainer finishes its step, checkpoints and returns.
private let interruptRequested = Atomic<Bool>(false)

/// What a training run produced.
public struct TrainingSummary: Sendable {
    public var steps: Int
    public var epochs: Int
    public var bestMetric: Double?
    public var bestCheckpoint: String?
    public var interrupted: Bool
    public var stoppedEarly: Bool
}

/// Trains a model: batches from the caller, Adam or SGD with clipping and a schedule,
/// validation every N updates with early stopping, and checkpoints that a new run in the
/// same directory resumes from, step for step.
///
/// The caller supplies the batches of each epoch as a function of the epoch number, so the
/// data order is reproducible without saving it: resuming at (epoch, batch) replays it.
public final class Trainer {
    public let model: Seq2SeqModel
    public let config: TrainingConfig
    public let optimizer: any Optimizer
    /// Checkpoints go to `directory/checkpoints`; nil trains without them.
    public let directory: URL?
    public let log: TrainingLog
    public private(set) var state: TrainingState

    /// Extra validation metrics (BLEU, say) computed by a higher layer from the model;
    /// `loss` and `perplexity` the trainer computes itself.
    public var extraMetrics: ((Seq2SeqModel) throws -> [String: Double])?

    public init(model: Seq2SeqModel, config: TrainingConfig, directory: URL?, log: TrainingLog) {
        precondition(config.problems.isEmpty, config.problems.joined(separator: "; "))
        self.model = model
        self.config = config
        self.directory = directory
        self.log = log
        switch config.optimizer {
        case .adam:
            optimizer = Adam(parameters: model.parameters, beta1: Float(config.beta1), beta2: Float(config.beta2),
                             weightDecay: Float(config.weightDecay))
        case .sgd:
            optimizer = SGD(parameters: model.parameters, momentum: Float(config.momentum), weightDecay: Float(config.weightDecay))
        }
        state = TrainingState(seed: config.seed,
                              scheduler: LearningRateScheduler(base: config.learningRate, schedule: config.schedule, warmupSteps: config.warmupSteps))
    }

    var checkpointDirectory: URL? { directory?.appendingPathComponent("checkpoints") }

    /// Continues from the latest checkpoint, if there is one; returns whether there was.
    @discardableResult
    public func resumeIfPossible() throws -> Bool {
        guard let checkpoints = checkpointDirectory, let name = Checkpoint.latest(in: checkpoints) else { return false }
        state = try Checkpoint.load(into: model, optimizer: optimizer, from: checkpoints, name: name)
        log.message("resumed from \(name): step \(state.step), epoch \(state.epoch + 1), batch \(state.batchInEpoch)")
        return true
    }

    /// Trains until `maxSteps` or `maxEpochs`, early stopping, or Ctrl-C.
    ///
    /// - Parameters:
    ///   - batchesOfEpoch: the batches of epoch e (from 0), the same every time it is asked.
    ///   - validation: validation batches (nil: no validation).
    public func train(batchesOfEpoch: (Int) throws -> [SentencePairs], validation: [SentencePairs]?) throws -> TrainingSummary {
        Engine.setThreads(config.threads)
        let previousPrecision = Engine.matrixPrecision
        try Engine.setMatrixPrecision(config.precision)
        defer { try? Engine.setMatrixPrecision(previousPrecision) }
        let restoreInterruptHandler = Self.catchInterrupts()
        defer { restoreInterruptHandler() }

        var dropout: RandomGenerator? = model.config.dropout > 0 ? RandomGenerator(state: state.dropoutState) : nil
        var sampler = RandomGenerator(state: state.samplingState)
        var progress = ProgressMeter()
        // A resumed run that had already stopped early stays stopped.
        var stoppedEarly = config.patience.map { validation != nil && state.validationsWithoutImprovement >= $0 } ?? false
        var interrupted = false
        epochs: while !stoppedEarly {
            if let maxEpochs = config.maxEpochs, state.epoch >= maxEpochs { break }
            let batches = try batchesOfEpoch(state.epoch)
            guard !batches.isEmpty else { throw TrainingError(description: "epoch \(state.epoch + 1) has no batches: is the training data empty?") }
            while state.batchInEpoch < batches.count {
                if let maxSteps = config.maxSteps, state.step >= maxSteps { break epochs }
                let group = batches[state.batchInEpoch..<min(state.batchInEpoch + config.gradientAccumulation, batches.count)]
                let update = self.update(group.map { TrainingBatch($0) }, dropout: &dropout, sampler: &sampler)
                log.record(["kind": "step", "step": state.step, "epoch": state.epoch + 1, "loss": update.loss, "tokens": update.tokens,
                            "gradNorm": Double(update.norm), "learningRate": update.rate])
                if let line = progress.line(update, state: state, batchesPerEpoch: batches.count, eta: eta(batches.count)) { log.progress(line) }
                // Validation first: an interrupted run must not skip the validation (and its
                // effect on early stopping and the schedule) that this step was due.
                if state.step % config.validateEvery == 0, try validateOrSave(validation) { stoppedEarly = true; break epochs }
                if interruptRequested.load(ordering: .relaxed) {
                    log.message("interrupted at step \(state.step): saving a checkpoint")
                    try saveCheckpoint()
                    interrupted = true
                    break epochs
                }
            }
            if state.batchInEpoch >= batches.count {
                (state.epoch, state.batchInEpoch) = (state.epoch + 1, 0)
                // The end of an epoch validates too, unless this step just did.
                if state.step % config.validateEvery != 0, try validateOrSave(validation) { stoppedEarly = true }
            }
        }
        if !interrupted, let checkpoints = checkpointDirectory, Checkpoint.latest(in: checkpoints) != Self.checkpointName(state.step) {
            try saveCheckpoint()
        }
        return TrainingSummary(steps: state.step, epochs: state.epoch, bestMetric: state.bestMetric,
                               bestCheckpoint: state.bestStep.map(Self.checkpointName), interrupted: interrupted, stoppedEarly: stoppedEarly)
    }

    /// What one update did.
    struct Update {
        var loss: Double, tokens: Int, norm: Float, rate: Double
    }

    /// One optimiser update from a group of batches (gradient accumulation), the loss
    /// weighted per target token across the group; advances the step and the data position.
    func update(_ group: [TrainingBatch], dropout: inout RandomGenerator?, sampler: inout RandomGenerator) -> Update {
        let tokens = group.reduce(0) { $0 + $1.targetTokenCount }
        var lossSum = 0.0
        for batch in group {
            let tape = Tape()
            let (loss, _) = tape.record {
                model.loss(batch, labelSmoothing: Float(config.labelSmoothing), coverageLossWeight: Float(config.coverageLossWeight),
                           reduction: .sum, dropout: &dropout,
                           sampling: config.scheduledSampling, sampler: &sampler)
            }
            lossSum += Double(loss.scalar)
            tape.backward(loss, gradient: Tensor(scalar: 1 / Float(tokens)))
        }
        let norm = clipGradientNorm(model.parameters.map(\.tensor), maxNorm: Float(config.clipNorm))
        let rate = state.scheduler.rate(step: state.step + 1)
        optimizer.step(learningRate: Float(rate))
        state.step += 1
        state.batchInEpoch += group.count
        if let dropout { state.dropoutState = dropout.state }
        state.samplingState = sampler.state
        return Update(loss: lossSum / Double(tokens), tokens: tokens, norm: norm, rate: rate)
    }

    /// Validates (which checkpoints), or without validation data just checkpoints; returns
    /// whether early stopping says to stop.
    func validateOrSave(_ validation: [SentencePairs]?) throws -> Bool {
        guard let validation else {
            try saveCheckpoint()
            return false
        }
        return try validate(validation)
    }

    /// Installs the SIGINT handler that asks training to stop after the current step;
    /// returns what restores the previous one.
    static func catchInterrupts() -> () -> Void {
        interruptRequested.store(false, ordering: .relaxed)
        let previous = signal(SIGINT) { _ in interruptRequested.store(true, ordering: .relaxed) }
        // A launcher may hand us SIGINT blocked (a child inherits its parent thread's mask),
        // and then Ctrl-C would never arrive.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
        return { signal(SIGINT, previous) }
    }

    private var etaStart: (step: Int, time: ContinuousClock.Instant)?
    /// " ETA 12m" from the steps done since the first call, when a step limit is known.
    private func eta(_ batchesPerEpoch: Int) -> String {
        let now = ContinuousClock.now
        guard let start = etaStart else { etaStart = (state.step, now); return "" }
        var remaining: [Int] = []
        if let maxSteps = config.maxSteps { remaining.append(maxSteps - state.step) }
        if let maxEpochs = config.maxEpochs {
            remaining.append((maxEpochs - state.epoch) * batchesPerEpoch / config.gradientAccumulation - state.batchInEpoch / config.gradientAccumulation)
        }
        guard let left = remaining.min(), state.step > start.step else { return "" }
        let elapsed = now - start.time
        let perStep = elapsed.seconds / Double(state.step - start.step)
        let total = Int(perStep * Double(max(left, 0)))
        return total >= 3600 ? " ETA \(total / 3600)h\(total % 3600 / 60)m" : " ETA \(total / 60)m\(total % 60)s"
    }

    static func checkpointName(_ step: Int) -> String { String(format: "step-%08d", step) }

    /// Validation loss and perplexity (teacher-forced, no smoothing, no dropout) and the extra
    /// metrics; updates early stopping and checkpoints. Returns whether to stop.
    func validate(_ batches: [SentencePairs]) throws -> Bool {
        let (total, tokens) = model.negativeLogLikelihood(of: batches)
        let loss = total / Double(max(tokens, 1))
        var metrics: [String: Double] = ["loss": loss, "perplexity": Foundation.exp(loss)]
        if let extraMetrics { metrics.merge(try extraMetrics(model)) { $1 } }
        state.scheduler.observe(validationLoss: loss)

        let watched = config.earlyStoppingMetric
        guard let value = metrics[watched.rawValue] else {
            throw TrainingError(description: "early stopping watches '\(watched.rawValue)', which validation does not compute (is BLEU evaluation configured?)")
        }
        let improved = state.bestMetric.map { watched.higherIsBetter ? value > $0 : value < $0 } ?? true
        if improved {
            (state.bestMetric, state.bestStep, state.validationsWithoutImprovement) = (value, state.step, 0)
        } else {
            state.validationsWithoutImprovement += 1
        }
        var record: [String: Any] = ["kind": "validation", "step": state.step, "epoch": state.epoch + (state.batchInEpoch == 0 ? 0 : 1)]
        for (k, v) in metrics { record[k] = v }
        log.record(record)
        let shown = metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.3f", $0.value))" }.joined(separator: ", ")
        log.message("validation at step \(state.step): \(shown)\(improved ? " (best)" : "")")
        try saveCheckpoint()
        if let patience = config.patience, state.validationsWithoutImprovement >= patience {
            log.message("stopping early: \(watched.rawValue) has not improved for \(patience) validations (best \(state.bestMetric!) at step \(state.bestStep!))")
            return true
        }
        return false
    }

    /// Writes a checkpoint of the current step and prunes old ones (keeping the best).
    func saveCheckpoint() throws {
        guard let checkpoints = checkpointDirectory else { return }
        let name = Self.checkpointName(state.step)
        if state.checkpoints.last != name { state.checkpoints.append(name) }
        let best = state.bestStep.map(Self.checkpointName)
        var kept = state.checkpoints
        while kept.count > config.keepCheckpoints, let old = kept.first(where: { $0 != best && $0 != name }) {
            kept.removeAll { $0 == old }
        }
        let removed = state.checkpoints.filter { !kept.contains($0) }
        state.checkpoints = kept
        try Checkpoint.save(model: model, optimizer: optimizer, state: state, in: checkpoints, name: name)
        removed.forEach { Checkpoint.remove($0, in: checkpoints) }
    }
}

public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
}

/// The live progress line: at most one a second, with the tokens/s since the last one.
struct ProgressMeter {
    private var windowStart = ContinuousClock.now
    private var windowTokens = 0

    mutating func line(_ update: Trainer.Update, state: TrainingState, batchesPerEpoch: Int, eta: @autoclosure () -> String) -> String? {
        windowTokens += update.tokens
        let seconds = (ContinuousClock.now - windowStart).seconds
        guard seconds >= 1 || state.step == 1 else { return nil }
        defer { (windowStart, windowTokens) = (ContinuousClock.now, 0) }
        let f = { (format: String, value: Double) in String(format: format, value) }
        return "step \(state.step) epoch \(state.epoch + 1) (\(state.batchInEpoch)/\(batchesPerEpoch)) loss \(f("%.3f", update.loss)) "
            + "ppl \(f("%.1f", Foundation.exp(min(update.loss, 50)))) \(f("%.0f", Double(windowTokens) / max(seconds, 1e-9))) tok/s "
            + "|g| \(f("%.2f", Double(update.norm))) lr \(f("%.2e", update.rate))\(eta())"
    }
}
