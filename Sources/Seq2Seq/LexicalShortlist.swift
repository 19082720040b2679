import Foundation

/// The output words a batch may produce, as Marian's lexical shortlists: the most frequent
/// target words, and for each source word the target words most associated with it in the
/// training data. Decoding then scores only the candidates of its batch, which makes the
/// output layer (V × D, the largest product of a decoder step) several times smaller.
///
/// Association is the Dice coefficient of sentence co-occurrence, 2·c(s, t) / (c(s) + c(t))
/// (Dice 1945; a common choice for lexical tables without word alignment).
///
/// The file (`shortlist.txt` in a bundle): a line `frequent ID…`, then one line `SOURCE_ID:
/// ID…` per source word with candidates.
public struct LexicalShortlist: Sendable, Equatable {
    /// Target ids every batch may produce.
    public var frequent: [Int32]
    /// Source id → its most associated target ids.
    public var associated: [Int32: [Int32]]

    public init(frequent: [Int32], associated: [Int32: [Int32]]) {
        self.frequent = frequent
        self.associated = associated
    }

    /// Counts co-occurrences in `pairs` (source and target ids, without `<s>`/`</s>`).
    ///
    /// - Parameters:
    ///   - frequentWords: how many of the most frequent target words are always candidates.
    ///   - perWord: candidates each source word adds.
    public static func build(sources: [[Int32]], targets: [[Int32]], frequentWords: Int = 500, perWord: Int = 30) -> LexicalShortlist {
        precondition(sources.count == targets.count, "\(sources.count) sources for \(targets.count) targets")
        var sourceCounts: [Int32: Int] = [:], targetCounts: [Int32: Int] = [:], tokenCounts: [Int32: Int] = [:]
        var together: [UInt64: Int] = [:]
        for (source, target) in zip(sources, targets) {
            for t in target { tokenCounts[t, default: 0] += 1 }
            let (s, t) = (Set(source), Set(target))
            for a in s { sourceCounts[a, default: 0] += 1 }
            for b in t { targetCounts[b, default: 0] += 1 }
            for a in s { for b in t { together[UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)), default: 0] += 1 } }
        }
        let frequent = tokenCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(frequentWords).map(\.key).sorted()
        var scored: [Int32: [(Double, Int32)]] = [:]
        for (key, count) in together {
            let (a, b) = (Int32(bitPattern: UInt32(key >> 32)), Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)))
            scored[a, default: []].append((2 * Double(count) / Double(sourceCounts[a]! + targetCounts[b]!), b))
        }
        let associated = scored.mapValues { list in
            list.sorted { ($0.0, $1.1) > ($1.0, $0.1) }.prefix(perWord).map(\.1).sorted()
        }
        return LexicalShortlist(frequent: frequent, associated: associated)
    }

    /// The candidates of a batch: the special ids 0–3 first (so their positions equal their
    /// ids), then the frequent words and every source word's associates, ascending.
    public func candidates(for sources: [[Int32]]) -> [Int32] {
        var set = Set(frequent)
        for sentence in sources { for id in sentence { set.formUnion(associated[id] ?? []) } }
        for special in 0...SpecialToken.end { set.remove(special) }
        return Array(0...SpecialToken.end) + set.sorted()
    }

    // MARK: The file

    /// The file's text.
    public func serialized() -> String {
        var text = "frequent " + frequent.map(String.init).joined(separator: " ") + "\n"
        for key in associated.keys.sorted() { text += "\(key): " + associated[key]!.map(String.init).joined(separator: " ") + "\n" }
        return text
    }

    /// Reads a shortlist file; `name` appears in errors, with the line.
    public init(parsing text: String, name: String, targetVocabularySize: Int) throws {
        func fail(_ line: Int, _ what: String) -> WeightsError {
            WeightsError(description: "\(name):\(line): \(what); build it again with `recur shortlist`")
        }
        func ids(_ field: Substring, line: Int) throws -> [Int32] {
            try field.split(separator: " ").map { word in
                guard let id = Int32(word), id >= 0, Int(id) < targetVocabularySize else {
                    throw fail(line, "'\(word)' is not a target id below \(targetVocabularySize)")
                }
                return id
            }
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
        guard let first = lines.first, first.hasPrefix("frequent") else { throw fail(1, "expected a first line 'frequent ID…'") }
        frequent = try ids(first.dropFirst("frequent".count), line: 1)
        associated = [:]
        for (number, line) in lines.enumerated().dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let source = Int32(parts[0]) else { throw fail(number + 1, "expected 'SOURCE_ID: ID…'") }
            associated[source] = try ids(parts[1], line: number + 1)
        }
    }
}
