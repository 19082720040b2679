/// One output of a search.
public struct Hypothesis: Sendable, Equatable {
    /// Output ids, without `</s>`.
    public var tokens: [Int32]
    /// The length-normalised score (with the coverage penalty) the search ranked by.
    public var score: Double
    /// Σ log p of the tokens and `</s>`.
    public var logProbability: Double
    /// Attention weights over the source for each output token and `</s>`: (T + 1) × S.
    public var attention: [[Float]]

    /// The hard alignment: for each output token, the source position it attended to most.
    public var alignment: [Int] {
        attention.dropLast().map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
    }
}
