/// How examples are grouped into batches.
public struct BatchingOptions: Sendable, Equatable, Codable {
    /// The size limit of one batch.
    public enum Budget: Sendable, Equatable, Codable {
        /// At most this many padded tokens: B × max(S, T) ≤ n (fairseq's `--max-tokens`), so
        /// batches of short sentences hold more of them.
        case tokens(Int)
        /// At most this many sentences (B ≤ n).
        case sentences(Int)
    }

    /// The size limit of one batch.
    public var budget: Budget = .tokens(4096)
    /// Group sentences of similar length, so a batch holds little padding.
    public var bucketByLength: Bool = true
    /// Shuffle the examples (before bucketing, so equal lengths mix) and the batch order.
    public var shuffle: Bool = true

    public init(budget: Budget = .tokens(4096), bucketByLength: Bool = true, shuffle: Bool = true) {
        self.budget = budget
        self.bucketByLength = bucketByLength
        self.shuffle = shuffle
    }
}

/// A batch of B examples, padded: plain row-major arrays (no tensor type, so Text does not
/// depend on the model layer, which turns them into tensors).
public struct Batch: Sendable, Equatable {
    /// Number of examples (B).
    public var size: Int
    /// Longest source in the batch (S).
    public var sourceLength: Int
    /// Target steps (T): the longest target plus one (for `<s>` in the input, `</s>` in the output).
    public var targetLength: Int
    /// Source ids, (B, S), padded with `<pad>`.
    public var source: [Int32]
    /// 1 where `source` holds a token, 0 for padding, (B, S).
    public var sourceMask: [Float]
    /// Decoder inputs `<s> y1 … yn`, (B, T), padded.
    public var targetInput: [Int32]
    /// Decoder outputs `y1 … yn </s>`, (B, T), padded: what the model should predict.
    public var targetOutput: [Int32]
    /// 1 where `targetOutput` holds a token, 0 for padding, (B, T).
    public var targetMask: [Float]
    /// Unpadded source lengths, (B).
    public var sourceLengths: [Int]
    /// Unpadded target lengths including `</s>`, (B).
    public var targetLengths: [Int]
    /// The corpus line of each example, (B).
    public var lines: [Int]

    /// Pads `examples` into one batch.
    public init(_ examples: [Example]) {
        size = examples.count
        sourceLength = examples.map(\.source.count).max() ?? 0
        targetLength = (examples.map(\.target.count).max() ?? 0) + 1
        source = Array(repeating: Vocabulary.padID, count: size * sourceLength)
        sourceMask = Array(repeating: 0, count: size * sourceLength)
        targetInput = Array(repeating: Vocabulary.padID, count: size * targetLength)
        targetOutput = targetInput
        targetMask = Array(repeating: 0, count: size * targetLength)
        sourceLengths = examples.map(\.source.count)
        targetLengths = examples.map { $0.target.count + 1 }
        lines = examples.map(\.line)
        for (b, example) in examples.enumerated() {
            let sourceRow = b * sourceLength
            for (s, id) in example.source.enumerated() {
                source[sourceRow + s] = id
                sourceMask[sourceRow + s] = 1
            }
            let targetRow = b * targetLength
            targetInput[targetRow] = Vocabulary.beginID
            for (t, id) in example.target.enumerated() {
                targetInput[targetRow + t + 1] = id
                targetOutput[targetRow + t] = id
            }
            targetOutput[targetRow + example.target.count] = Vocabulary.endID
            for t in 0...example.target.count { targetMask[targetRow + t] = 1 }
        }
    }

    /// Padded token slots of the bigger side: B × max(S, T), what a token budget limits.
    public var paddedTokens: Int { size * max(sourceLength, targetLength) }
}

extension BatchingOptions {
    /// Groups `examples` into batches. The same examples, options and seed give the same
    /// batches in the same order. An example longer than a token budget on its own gets a
    /// batch of its own rather than being dropped (filter lengths first to avoid that).
    public func batches(_ examples: [Example], generator: inout SplitMix64) throws -> [Batch] {
        try groups(examples, generator: &generator).map(Batch.init)
    }

    /// The examples of each batch, unpadded: the grouping `batches` pads (for a model layer
    /// that builds its own layout).
    public func groups(_ examples: [Example], generator: inout SplitMix64) throws -> [[Example]] {
        switch budget {
        case .tokens(let n) where n <= 0, .sentences(let n) where n <= 0:
            throw TextError.invalidOption(name: "batch budget", reason: "\(n) must be positive")
        default: break
        }
        var order = Array(examples.indices)
        if shuffle { generator.shuffle(&order) }
        if bucketByLength {
            // Stable, so shuffled order survives among equal lengths.
            order = order.enumerated().sorted { a, b in
                let x = examples[a.element], y = examples[b.element]
                if x.source.count != y.source.count { return x.source.count < y.source.count }
                if x.target.count != y.target.count { return x.target.count < y.target.count }
                return a.offset < b.offset
            }.map(\.element)
        }
        var groups: [[Example]] = []
        var current: [Example] = []
        var longest = 0
        for index in order {
            let example = examples[index]
            let length = max(example.source.count, example.target.count + 1)
            let fits: Bool
            switch budget {
            case .tokens(let n): fits = (current.count + 1) * max(longest, length) <= n
            case .sentences(let n): fits = current.count < n
            }
            if !fits && !current.isEmpty {
                groups.append(current)
                current = []
                longest = 0
            }
            current.append(example)
            longest = max(longest, length)
        }
        if !current.isEmpty { groups.append(current) }
        if shuffle { generator.shuffle(&groups) }
        return groups
    }
}
