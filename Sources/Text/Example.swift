/// One training example: a source and a target sentence as token ids (no `<s>`/`</s>`; the
/// batcher adds them to the target), and the corpus line it came from.
public struct Example: Sendable, Equatable, Hashable {
    /// Source token ids (S).
    public var source: [Int32]
    /// Target token ids (T - 1: the batcher adds `<s>` in front and `</s>` at the end).
    public var target: [Int32]
    /// 1-based corpus line, for messages.
    public var line: Int
    /// For a model that copies: each source token's id in the target vocabulary extended
    /// with this source's unknown words (and `target` is in that extended vocabulary).
    public var copySource: [Int32]?

    public init(source: [Int32], target: [Int32], line: Int = 0, copySource: [Int32]? = nil) {
        self.source = source
        self.target = target
        self.line = line
        self.copySource = copySource
    }
}
