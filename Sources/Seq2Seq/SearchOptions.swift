import Foundation

/// How a hypothesis's score is normalised by its length.
public enum LengthNormalization: String, Sendable, Codable, CaseIterable {
    /// The raw log-probability (favours short outputs).
    case none
    /// log P / |y|^α, |y| counting `</s>` (the reference's; plain average at α = 1).
    case average
    /// log P / ((5 + |y|) / 6)^α (Wu et al. 2016, §7).
    case gnmt
}

/// Settings of beam and greedy search.
public struct SearchOptions: Sendable, Equatable {
    public var beamSize = 5
    public var lengthNormalization: LengthNormalization = .average
    /// α of the length normalisation.
    public var lengthPenalty = 1.0
    /// β of GNMT's coverage penalty, β·Σ_i log(min(Σ_t a_t,i, 1)) (Wu et al. 2016, §7); 0 for none.
    public var coveragePenalty = 0.0
    /// Hypotheses returned per sentence, best first (at most `beamSize`).
    public var nbest = 1
    /// At least this many tokens before `</s>`…
    public var minLength = 0
    /// …and at most ratio × source length + 10, capped at `maxLength`.
    public var maxLengthRatio = 2.0
    public var maxLength = 250
    /// Forbid repeating any n-gram of this size within a hypothesis (0: allow).
    public var blockRepeatedNgrams = 0

    public init() {}

    /// The most tokens for a source of `n` tokens.
    public func lengthLimit(_ n: Int) -> Int { min(maxLength, Int(maxLengthRatio * Double(n)) + 10) }

    /// The length-normalised score of a hypothesis of `length` tokens (with `</s>`).
    public func normalize(_ logProbability: Double, length: Int) -> Double {
        switch lengthNormalization {
        case .none: logProbability
        case .average: logProbability / pow(Double(length), lengthPenalty)
        case .gnmt: logProbability / pow((5 + Double(length)) / 6, lengthPenalty)
        }
    }
}
