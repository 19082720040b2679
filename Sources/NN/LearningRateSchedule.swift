import Foundation

/// How the learning rate changes over training, after an optional linear warm-up.
public enum LearningRateSchedule: Sendable, Codable, Equatable {
    /// The base rate throughout.
    case constant
    /// × `factor` every `every` steps.
    case stepDecay(every: Int, factor: Double)
    /// × `factor`^(step / `every`), smoothly.
    case exponential(every: Int, factor: Double)
    /// × `factor` when the validation loss has not improved for more than `patience`
    /// validations in a row (PyTorch's `ReduceLROnPlateau`), down to `minimum`.
    case reduceOnPlateau(factor: Double, patience: Int, minimum: Double)
}

/// The learning rate at each step: a schedule, a warm-up, and for `reduceOnPlateau` what
/// the validations have said so far. It is `Codable`, so a checkpoint carries it.
public struct LearningRateScheduler: Sendable, Codable, Equatable {
    public let base: Double
    public let schedule: LearningRateSchedule
    /// Steps of linear warm-up from 0 to the base rate.
    public let warmupSteps: Int
    /// The plateau factor applied so far.
    public private(set) var plateauScale = 1.0
    /// The lowest validation loss seen (nil before the first; JSON has no infinity).
    public private(set) var bestValidationLoss: Double? = nil
    public private(set) var validationsWithoutImprovement = 0

    public init(base: Double, schedule: LearningRateSchedule = .constant, warmupSteps: Int = 0) {
        self.base = base
        self.schedule = schedule
        self.warmupSteps = warmupSteps
    }

    /// The rate for step `step` (counted from 1).
    public func rate(step: Int) -> Double {
        let warm = warmupSteps > 0 && step < warmupSteps ? Double(step) / Double(warmupSteps) : 1
        let decayed: Double
        switch schedule {
        case .constant: decayed = base
        case .stepDecay(let every, let factor): decayed = base * pow(factor, Double(step / max(every, 1)))
        case .exponential(let every, let factor): decayed = base * pow(factor, Double(step) / Double(max(every, 1)))
        case .reduceOnPlateau(_, _, let minimum): decayed = max(base * plateauScale, minimum)
        }
        return warm * decayed
    }

    /// Tells the scheduler a validation loss; only `reduceOnPlateau` listens.
    public mutating func observe(validationLoss loss: Double) {
        guard case .reduceOnPlateau(let factor, let patience, _) = schedule else { return }
        if loss < bestValidationLoss ?? .infinity {
            bestValidationLoss = loss
            validationsWithoutImprovement = 0
        } else {
            validationsWithoutImprovement += 1
            if validationsWithoutImprovement > patience {
                plateauScale *= factor
                validationsWithoutImprovement = 0
            }
        }
    }
}
