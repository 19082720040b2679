/// Filters that drop training pairs unlikely to help: too long, lengths too different
/// (often misaligned lines), exact duplicates. Every rule is off until set.
public struct CorpusFilterOptions: Sendable, Equatable, Codable {
    /// Drop a pair when either side has more tokens than this.
    public var maxLength: Int? = nil
    /// Drop a pair when the longer side has more than this many times the tokens of the
    /// shorter (both counted plus one, so an empty side does not divide by zero).
    public var maxLengthRatio: Double? = nil
    /// Keep only the first of identical (source, target) pairs.
    public var removeDuplicates: Bool = false

    public init(maxLength: Int? = nil, maxLengthRatio: Double? = nil, removeDuplicates: Bool = false) {
        self.maxLength = maxLength
        self.maxLengthRatio = maxLengthRatio
        self.removeDuplicates = removeDuplicates
    }
}

/// How many pairs each filter removed, for the log.
public struct FilterReport: Sendable, Equatable {
    public var kept = 0
    public var tooLong = 0
    public var badRatio = 0
    public var duplicates = 0
}

extension CorpusFilterOptions {
    /// The examples that pass the filters, in their original order. Lengths are counted in
    /// the examples' tokens (after BPE, if it was applied); duplicates compare token ids.
    public func apply(to examples: [Example]) -> (kept: [Example], report: FilterReport) {
        var report = FilterReport()
        var seen = Set<[[Int32]]>()
        var kept: [Example] = []
        kept.reserveCapacity(examples.count)
        for example in examples {
            let sourceLength = example.source.count
            let targetLength = example.target.count
            if let maxLength, sourceLength > maxLength || targetLength > maxLength {
                report.tooLong += 1
                continue
            }
            if let maxLengthRatio {
                let longer = Double(max(sourceLength, targetLength) + 1)
                let shorter = Double(min(sourceLength, targetLength) + 1)
                if longer / shorter > maxLengthRatio {
                    report.badRatio += 1
                    continue
                }
            }
            if removeDuplicates && !seen.insert([example.source, example.target]).inserted {
                report.duplicates += 1
                continue
            }
            kept.append(example)
        }
        report.kept = kept.count
        return (kept, report)
    }

    /// The pairs left after removing exact duplicates of raw text (when `removeDuplicates`);
    /// cheaper than deduplicating after tokenisation, and immune to `<unk>` collisions.
    public func removingDuplicates(_ pairs: [SentencePair]) -> (kept: [SentencePair], duplicates: Int) {
        guard removeDuplicates else { return (pairs, 0) }
        var seen = Set<[String]>()
        let kept = pairs.filter { seen.insert([$0.source, $0.target]).inserted }
        return (kept, pairs.count - kept.count)
    }
}
