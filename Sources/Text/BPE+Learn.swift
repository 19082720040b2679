/// Options of BPE learning, with subword-nmt's defaults.
public struct BPELearnOptions: Sendable, Equatable, Codable {
    /// How many merges to learn (subword-nmt's `--symbols`).
    public var merges: Int = 10000
    /// Stop early when no pair of symbols occurs at least this often (`--min-frequency`).
    public var minFrequency: Int = 2

    public init(merges: Int = 10000, minFrequency: Int = 2) {
        self.merges = merges
        self.minFrequency = minFrequency
    }
}

extension BPECodes {
    /// Learns merges from token counts, exactly as subword-nmt 0.3.8's `learn-bpe` does: the
    /// same merges in the same order for the same counts. For joint BPE pass the sum of both
    /// languages' counts (`TokenCounts.merging`).
    ///
    /// The most frequent pair wins; ties go to the greater pair (comparing left symbols, then
    /// right, by code point), which is what Python's `max(stats, key=(freq, pair))` picks.
    /// subword-nmt also prunes its pair statistics with a moving threshold; the pruning is
    /// mostly a speed device but can change which pair wins after a merge re-creates a pruned
    /// pair, so it is reproduced step by step (see `PairStatistics`).
    public static func learn(from counts: TokenCounts, options: BPELearnOptions = BPELearnOptions()) -> BPECodes {
        var learner = BPELearner(counts: counts)
        return BPECodes(merges: learner.run(options))
    }
}

/// The state of one learning run: words as symbol-id sequences, pair statistics, and the
/// index from each pair to the words that contain it (subword-nmt's `indices`).
struct BPELearner {
    private var symbols = SymbolTable()
    private var words: [[Int32]] = []
    private var frequencies: [Int] = []
    /// Pair → count, pruned below `threshold` (subword-nmt's `stats`).
    private var stats: [UInt64: Int] = [:]
    /// Pair → count of pruned pairs (subword-nmt's `big_stats`).
    private var bigStats: [UInt64: Int] = [:]
    /// Pair → (word index → occurrences).
    private var indices: [UInt64: [Int32: Int32]] = [:]

    init(counts: TokenCounts) {
        for (token, frequency) in counts.entries {
            let scalars = Array(token.unicodeScalars)
            guard !scalars.isEmpty else { continue }
            var word = scalars.dropLast().map { symbols.id(String($0)) }
            word.append(symbols.id(String(scalars.last!) + BPECodes.endOfWord))
            words.append(word)
            frequencies.append(frequency)
        }
        for (index, word) in words.enumerated() {
            for position in word.indices.dropFirst() {
                let pair = Self.key(word[position - 1], word[position])
                stats[pair, default: 0] += frequencies[index]
                indices[pair, default: [:]][Int32(index), default: 0] += 1
            }
        }
        bigStats = stats
    }

    mutating func run(_ options: BPELearnOptions) -> [BPECodes.Merge] {
        var merges: [BPECodes.Merge] = []
        guard let initialMax = stats.values.max() else { return merges }
        var threshold = Double(initialMax) / 10
        var best: UInt64 = 0
        for i in 0..<max(options.merges, 0) {
            if !stats.isEmpty { best = mostFrequent() }
            // The best pair may have been pruned: go back to the full statistics.
            if stats.isEmpty || (i > 0 && Double(stats[best] ?? 0) < threshold) {
                prune(threshold)
                stats = bigStats
                guard !stats.isEmpty else { break }
                best = mostFrequent()
                threshold = Double(stats[best]! * i) / (Double(i) + 10000.0)
                prune(threshold)
            }
            if (stats[best] ?? 0) < options.minFrequency { break }
            let (left, right) = Self.split(best)
            merges.append(BPECodes.Merge(symbols.text(left), symbols.text(right)))
            let changes = replace(best)
            update(best, changes)
            stats[best] = 0
            if i % 100 == 0 { prune(threshold) }
        }
        return merges
    }

    /// The pair with the highest count; ties to the greater pair, as Python's `max`.
    private func mostFrequent() -> UInt64 {
        var best: UInt64 = 0
        var bestCount = Int.min
        for (pair, count) in stats where count > bestCount || (count == bestCount && symbols.isGreater(pair, best)) {
            best = pair
            bestCount = count
        }
        return best
    }

    /// subword-nmt's `prune_stats`: moves pairs below `threshold` to `bigStats`. A pair with a
    /// negative count there only holds a change since it was pruned, so it is added; a
    /// non-negative one replaces the stored count.
    private mutating func prune(_ threshold: Double) {
        for (pair, count) in stats where Double(count) < threshold {
            stats[pair] = nil
            if count < 0 { bigStats[pair, default: 0] += count } else { bigStats[pair] = count }
        }
    }

    /// Merges every occurrence of `pair` (left to right, not overlapping) in the words that
    /// contain it; returns (word index, new word, old word, frequency) of each changed word.
    private mutating func replace(_ pair: UInt64) -> [(Int32, [Int32], [Int32], Int)] {
        let (left, right) = Self.split(pair)
        let merged = symbols.id(symbols.text(left) + symbols.text(right))
        var changes: [(Int32, [Int32], [Int32], Int)] = []
        for (index, occurrences) in indices[pair] ?? [:] where occurrences >= 1 {
            let old = words[Int(index)]
            var word: [Int32] = []
            word.reserveCapacity(old.count)
            var position = 0
            while position < old.count {
                if position + 1 < old.count && old[position] == left && old[position + 1] == right {
                    word.append(merged)
                    position += 2
                } else {
                    word.append(old[position])
                    position += 1
                }
            }
            words[Int(index)] = word
            changes.append((index, word, old, frequencies[Int(index)]))
        }
        return changes
    }

    /// subword-nmt's `update_pair_statistics`: after merging A B into AB, only pairs next to
    /// the merged occurrences change. Reproduced line for line, including its rule for
    /// "A B C B C", so that counts (and hence ties) evolve identically.
    private mutating func update(_ pair: UInt64, _ changes: [(Int32, [Int32], [Int32], Int)]) {
        stats[pair] = 0
        indices[pair] = [:]
        let (first, second) = Self.split(pair)
        let merged = symbols.id(symbols.text(first) + symbols.text(second))
        for (index, word, old, frequency) in changes {
            var i = 0
            while i < old.count, let found = old[i...].firstIndex(of: first) {
                i = found
                if i < old.count - 1 && old[i + 1] == second {
                    if i > 0 { change(Self.key(old[i - 1], old[i]), index, -frequency, -1) }
                    if i < old.count - 2 {
                        // In "A B C B C" the count of "C B" was already reduced above.
                        if old[i + 2] != first || i >= old.count - 3 || old[i + 3] != second {
                            change(Self.key(old[i + 1], old[i + 2]), index, -frequency, -1)
                        }
                    }
                    i += 2
                } else {
                    i += 1
                }
            }
            i = 0
            while i < word.count, let found = word[i...].firstIndex(of: merged) {
                i = found
                if i > 0 { change(Self.key(word[i - 1], word[i]), index, frequency, 1) }
                // In "A BC BC" the pair "BC BC" was counted by the step above.
                if i < word.count - 1 && word[i + 1] != merged {
                    change(Self.key(word[i], word[i + 1]), index, frequency, 1)
                }
                i += 1
            }
        }
    }

    private mutating func change(_ pair: UInt64, _ word: Int32, _ frequency: Int, _ occurrences: Int32) {
        stats[pair, default: 0] += frequency
        indices[pair, default: [:]][word, default: 0] += occurrences
    }

    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    static func split(_ pair: UInt64) -> (Int32, Int32) {
        (Int32(bitPattern: UInt32(pair >> 32)), Int32(bitPattern: UInt32(pair & 0xFFFF_FFFF)))
    }
}

/// Symbols interned as ids; equal strings get equal ids, as Python compares strings.
struct SymbolTable {
    private var ids: [ExactString: Int32] = [:]
    private var texts: [String] = []
    private var bytes: [[UInt8]] = []

    mutating func id(_ text: String) -> Int32 {
        if let id = ids[ExactString(text)] { return id }
        let id = Int32(texts.count)
        ids[ExactString(text)] = id
        texts.append(text)
        bytes.append(Array(text.utf8))
        return id
    }

    func text(_ id: Int32) -> String { texts[Int(id)] }

    /// Python's tuple comparison of two pairs of strings: UTF-8 byte order is code point order.
    func isGreater(_ a: UInt64, _ b: UInt64) -> Bool {
        let (a0, a1) = BPELearner.split(a)
        let (b0, b1) = BPELearner.split(b)
        if a0 != b0 { return bytes[Int(b0)].lexicographicallyPrecedes(bytes[Int(a0)]) }
        if a1 != b1 { return bytes[Int(b1)].lexicographicallyPrecedes(bytes[Int(a1)]) }
        return false
    }
}
