import Tensor

/// Token ids that every vocabulary reserves (Text's vocabulary builder puts them first).
public enum SpecialToken {
    public static let padding: Int32 = 0
    public static let unknown: Int32 = 1
    public static let beginning: Int32 = 2
    public static let end: Int32 = 3
}

/// Source and target sentences as token ids (without `<s>` and `</s>`), ready to pad.
public struct SentencePairs: Sendable {
    public var sources: [[Int32]]
    /// Target ids; for a pointer-generator, in the extended vocabulary of `copySources`.
    public var targets: [[Int32]]
    /// For a pointer-generator: each source's tokens as extended target ids (`CopySource.ids`).
    public var copySources: [[Int32]]?

    public init(sources: [[Int32]], targets: [[Int32]], copySources: [[Int32]]? = nil) {
        precondition(sources.count == targets.count, "\(sources.count) sources for \(targets.count) targets")
        precondition(copySources.map { zip($0, sources).allSatisfy { $0.count == $1.count } && $0.count == sources.count } ?? true,
                     "copy sources must match the sources token for token")
        self.sources = sources
        self.targets = targets
        self.copySources = copySources
    }

    public var count: Int { sources.count }
    /// Target tokens the loss counts: each target's tokens and its `</s>`.
    public var targetTokenCount: Int { targets.reduce(0) { $0 + $1.count + 1 } }
}

/// A source batch padded time-major, as the encoder reads it.
public struct SourceBatch {
    /// B lengths.
    public let lengths: [Int]
    /// S × B ids, row t holding every sentence's token t (padding after a sentence ends).
    public let ids: [Int32]
    /// (B, S): 1 at real tokens, 0 at padding.
    public let mask: Tensor

    public var batchSize: Int { lengths.count }
    public var steps: Int { lengths.max() ?? 0 }

    public init(_ sentences: [[Int32]]) {
        lengths = sentences.map(\.count)
        let (steps, batch) = (lengths.max() ?? 0, sentences.count)
        var ids = [Int32](repeating: SpecialToken.padding, count: steps * batch)
        var mask = [Float](repeating: 0, count: batch * steps)
        for (b, sentence) in sentences.enumerated() {
            for (t, id) in sentence.enumerated() {
                ids[t * batch + b] = id
                mask[b * steps + t] = 1
            }
        }
        self.ids = ids
        self.mask = Tensor(mask, shape: [batch, steps])
    }
}

/// A training batch in the decoder's packed layout: sentences sorted by target length,
/// longest first, so that at step t the sentences that still have a target token are the
/// first n_t, and each step works on prefix views of the states (PyTorch's PackedSequence
/// layout; no work on padding).
public struct TrainingBatch {
    public let source: SourceBatch
    /// Decoder inputs: T × B ids, `<s>` then the target (time-major, padded).
    public let targetInputs: [Int32]
    /// n_t for t in 0..<T: how many sentences have a target token at step t.
    public let activeCounts: [Int]
    /// The gold next tokens in packed order: step 0's n_0 tokens, then step 1's n_1, …
    public let packedTargets: [Int32]
    /// The order of the original sentences in the batch (sorted position → original index).
    public let order: [Int]
    /// For a pointer-generator: B × S extended ids of the source words, batch-major in sorted
    /// order (0 at padding), so the first n_t sentences' rows are a prefix.
    public let copyIDs: [Int32]?

    public var batchSize: Int { order.count }
    public var targetTokenCount: Int { packedTargets.count }

    /// - Parameters: beginning, end: the ids of `<s>` and `</s>` (the PyTorch reference
    ///   numbers them 1 and 2).
    public init(_ pairs: SentencePairs, beginning: Int32 = SpecialToken.beginning, end: Int32 = SpecialToken.end) {
        let order = pairs.targets.indices.sorted { (pairs.targets[$0].count, $1) > (pairs.targets[$1].count, $0) }
        self.order = order
        let targets = order.map { pairs.targets[$0] }
        let source = SourceBatch(order.map { pairs.sources[$0] })
        self.source = source
        let batch = order.count
        copyIDs = pairs.copySources.map { copies in
            let width = source.steps  // S
            var ids = [Int32](repeating: SpecialToken.padding, count: batch * width)
            for (b, i) in order.enumerated() { for (s, id) in copies[i].enumerated() { ids[b * width + s] = id } }
            return ids
        }
        let steps = (targets.map(\.count).max() ?? 0) + 1  // with </s>
        var inputs = [Int32](repeating: SpecialToken.padding, count: steps * batch)
        var counts = [Int](repeating: 0, count: steps)
        var packed: [Int32] = []
        packed.reserveCapacity(pairs.targetTokenCount)
        for t in 0..<steps {
            for (b, target) in targets.enumerated() where t <= target.count {
                inputs[t * batch + b] = t == 0 ? beginning : target[t - 1]  // may be an extended id: the decoder reads it as <unk>
                packed.append(t < target.count ? target[t] : end)
                counts[t] += 1
            }
        }
        targetInputs = inputs
        activeCounts = counts
        packedTargets = packed
    }
}
