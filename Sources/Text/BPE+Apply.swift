/// Splits tokens into subwords with learnt merges, as subword-nmt 0.3.8's `apply-bpe` does:
/// with the same codes file the segmentation of a text is identical.
///
/// Within a word the applicable merge that was learnt first is applied to all its
/// (non-overlapping, left to right) occurrences, then the next, until none applies. Every
/// subword but a word's last carries the separator (`@@`), so `"@@ "` → `""` undoes BPE.
///
/// Keeps a cache of segmented words (a class, not `Sendable`: one per thread).
public final class BPE {
    /// The separator appended to every subword that is not the end of its word.
    public let separator: String
    /// The codes applied.
    public let codes: BPECodes

    /// Symbol id of a single code point, and of a code point followed by `</w>`.
    private let characterIDs: CharacterIDs
    private let finalCharacterIDs: CharacterIDs
    /// (left, right) → (rank, merged symbol); the first of duplicate merges wins.
    private let mergeTable: MergeTable
    private var cache: [ExactString: [String]] = [:]
    /// Segmentations rendered as bytes, keyed by token bytes (see `appendRendered`).
    let renderedCache = RenderedSegmentCache()

    /// Prepares `codes` for application.
    public init(codes: BPECodes, separator: String = "@@") {
        self.codes = codes
        self.separator = separator
        var symbols = ByteInterner(capacity: 2 * codes.merges.count)
        var mergeTable = MergeTable(capacity: codes.merges.count)
        var merged: [UInt8] = []
        for (rank, merge) in codes.merges.enumerated() {
            let key = BPELearner.key(symbols.id(merge.left), symbols.id(merge.right))
            merged.removeAll(keepingCapacity: true)
            merged.append(contentsOf: merge.left.utf8)
            merged.append(contentsOf: merge.right.utf8)
            mergeTable.insertIfAbsent(key, rank: Int32(rank), merged: merged.withUnsafeBufferPointer { symbols.id($0) })
        }
        // Single characters, and characters with the end-of-word mark, start every word.
        // Symbols come from Strings, so they are valid UTF-8: one scalar is one lead byte and
        // its continuation bytes.
        var characterIDs = CharacterIDs()
        var finalCharacterIDs = CharacterIDs()
        let endOfWord = Array(BPECodes.endOfWord.utf8)
        for id in 0..<symbols.count {
            var text = symbols[id]
            guard !text.isEmpty, text.count <= 4 + endOfWord.count else { continue }
            let isFinal = text.count > endOfWord.count && text.suffix(endOfWord.count).elementsEqual(endOfWord)
            if isFinal { text.removeLast(endOfWord.count) }
            guard let lead = text.first, text.count == Self.scalarWidth(lead) else { continue }
            let scalar = Array(text).withUnsafeBufferPointer { Self.decodeScalar($0, at: 0).0 }
            if isFinal { finalCharacterIDs[scalar] = Int32(id) } else { characterIDs[scalar] = Int32(id) }
        }
        self.mergeTable = mergeTable
        self.characterIDs = characterIDs
        self.finalCharacterIDs = finalCharacterIDs
    }

    /// A BPE with the same codes and tables (shared, not rebuilt) and empty caches: one for
    /// another thread.
    public init(sharingTablesWith other: BPE) {
        codes = other.codes
        separator = other.separator
        characterIDs = other.characterIDs
        finalCharacterIDs = other.finalCharacterIDs
        mergeTable = other.mergeTable
    }

    /// The subwords of one token, without separators.
    public func segment(_ token: String) -> [String] {
        if let cached = cache[ExactString(token)] { return cached }
        var unused = SplitMix64(seed: 0)
        let result = segment(token, dropout: 0, generator: &unused)
        cache[ExactString(token)] = result
        return result
    }

    /// The subwords of one token with BPE-dropout (Provilkov, Emelianenko & Voita 2020,
    /// "BPE-Dropout", ACL, §3): each applicable merge is skipped with probability `dropout`
    /// at every step, so a word gets varied segmentations during training. Not cached.
    public func segment(_ token: String, dropout: Double, generator: inout SplitMix64) -> [String] {
        var token = token
        return token.withUTF8 { bytes in
            var start = 0
            return subwordEnds(bytes, dropout: dropout, generator: &generator).map { end in
                defer { start = end }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
        }
    }

    /// Where the subwords of a token (UTF-8) end, as byte offsets: the segmentation itself.
    func subwordEnds(_ token: UnsafeBufferPointer<UInt8>, dropout: Double, generator: inout SplitMix64) -> [Int] {
        if dropout > 0 { return subwordEndsWithDropout(token, dropout: dropout, generator: &generator) }
        // Symbols as parallel arrays on the stack: id (-1 for a character no merge uses), end
        // offset, and the rank of the merge of each symbol with the one before it (Int32.max
        // for none). A step finds the lowest rank, applies that merge to all its occurrences
        // left to right, and looks up ranks again only next to the merged symbols.
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 3 * max(1, token.count)) { storage in
            let ids = storage.baseAddress!
            let ends = ids + token.count
            let ranks = ends + token.count
            ranks[0] = Int32.max  // no symbol before the first
            var count = 0
            var offset = 0
            while offset < token.count {
                let (scalar, width) = Self.decodeScalar(token, at: offset)
                offset += width
                ids[count] = offset == token.count ? finalCharacterIDs[scalar] : characterIDs[scalar]
                ends[count] = Int32(offset)
                if count > 0 { ranks[count] = rank(ids[count - 1], ids[count]) }
                count += 1
            }
            while count > 1 {
                var best = 1
                for position in 2..<max(2, count) where ranks[position] < ranks[best] { best = position }
                if ranks[best] == Int32.max { break }
                let left = ids[best - 1], right = ids[best]
                let merged = mergeTable[BPELearner.key(left, right)]!.merged
                var write = 0
                var read = 0
                var previousMerged = false
                while read < count {
                    let isMerge = read + 1 < count && ids[read] == left && ids[read + 1] == right
                    let oldRank = ranks[read]  // of (read - 1, read): still right if neither merged
                    if isMerge {
                        ids[write] = merged
                        ends[write] = ends[read + 1]
                        read += 2
                    } else {
                        ids[write] = ids[read]
                        ends[write] = ends[read]
                        read += 1
                    }
                    if write > 0 { ranks[write] = isMerge || previousMerged ? rank(ids[write - 1], ids[write]) : oldRank }
                    previousMerged = isMerge
                    write += 1
                }
                count = write
            }
            return (0..<count).map { Int(ends[$0]) }
        }
    }

    /// The rank of the merge of two adjacent symbols, Int32.max if they have none.
    private func rank(_ left: Int32, _ right: Int32) -> Int32 {
        guard left >= 0, right >= 0, let merge = mergeTable[BPELearner.key(left, right)] else { return Int32.max }
        return merge.rank
    }

    /// `subwordEnds` with BPE-dropout: every step draws anew which applicable pairs survive.
    private func subwordEndsWithDropout(
        _ token: UnsafeBufferPointer<UInt8>, dropout: Double, generator: inout SplitMix64
    ) -> [Int] {
        // Symbols as parallel arrays: id (-1 for a character no merge uses) and end offset.
        var ids: [Int32] = []
        var ends: [Int] = []
        ids.reserveCapacity(token.count)
        ends.reserveCapacity(token.count)
        var offset = 0
        while offset < token.count {
            let (scalar, width) = Self.decodeScalar(token, at: offset)
            offset += width
            ids.append(offset == token.count ? finalCharacterIDs[scalar] : characterIDs[scalar])
            ends.append(offset)
        }
        var count = ids.count
        // Which pairs (by their right position) survived this step's draw.
        var kept = [Bool](repeating: false, count: count)
        while count > 1 {
            // The earliest-learnt merge among adjacent pairs, skipping dropped ones ...
            var bestRank = Int32.max
            var best: (left: Int32, right: Int32, merged: Int32) = (-1, -1, -1)
            for position in 1..<count {
                let left = ids[position - 1], right = ids[position]
                guard left >= 0, right >= 0, let merge = mergeTable[BPELearner.key(left, right)] else {
                    kept[position] = false
                    continue
                }
                kept[position] = generator.nextUnit() > dropout
                if !kept[position] { continue }
                if merge.rank < bestRank {
                    bestRank = merge.rank
                    best = (left, right, merge.merged)
                }
            }
            if best.merged < 0 { break }
            // ... applied to all its surviving occurrences, left to right, in place.
            var write = 0
            var read = 0
            while read < count {
                if read + 1 < count && ids[read] == best.left && ids[read + 1] == best.right && kept[read + 1] {
                    ids[write] = best.merged
                    ends[write] = ends[read + 1]
                    read += 2
                } else {
                    ids[write] = ids[read]
                    ends[write] = ends[read]
                    read += 1
                }
                write += 1
            }
            count = write
        }
        return Array(ends[0..<count])
    }

    /// The number of bytes of the UTF-8 sequence that `lead` starts.
    static func scalarWidth(_ lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// The code point at `offset` of valid UTF-8, and its width in bytes.
    static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> (Unicode.Scalar, Int) {
        let lead = UInt32(bytes[offset])
        let value: UInt32
        let width: Int
        switch lead {
        case 0..<0x80: return (Unicode.Scalar(UInt8(lead)), 1)
        case 0xC0..<0xE0:
            value = (lead & 0x1F) << 6 | UInt32(bytes[offset + 1] & 0x3F)
            width = 2
        case 0xE0..<0xF0:
            value = (lead & 0x0F) << 12 | UInt32(bytes[offset + 1] & 0x3F) << 6 | UInt32(bytes[offset + 2] & 0x3F)
            width = 3
        default:
            value = (lead & 0x07) << 18 | UInt32(bytes[offset + 1] & 0x3F) << 12
                | UInt32(bytes[offset + 2] & 0x3F) << 6 | UInt32(bytes[offset + 3] & 0x3F)
            width = 4
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", width)
    }

    /// The subword tokens of a token sequence, separators attached.
    public func apply(_ tokens: [String]) -> [String] {
        var output: [String] = []
        output.reserveCapacity(tokens.count * 2)
        for token in tokens where !token.isEmpty { appendSubwords(segment(token), to: &output) }
        return output
    }

    /// The subword tokens of a token sequence with BPE-dropout.
    public func apply(_ tokens: [String], dropout: Double, generator: inout SplitMix64) -> [String] {
        var output: [String] = []
        for token in tokens where !token.isEmpty {
            appendSubwords(segment(token, dropout: dropout, generator: &generator), to: &output)
        }
        return output
    }

    private func appendSubwords(_ subwords: [String], to output: inout [String]) {
        for subword in subwords.dropLast() { output.append(subword + separator) }
        if let last = subwords.last { output.append(last) }
    }

    /// One line of space-separated tokens segmented as subword-nmt's `process_line` does:
    /// leading and trailing spaces, CRs and LFs kept, runs of spaces between tokens collapsed.
    public func applyLine(_ line: String) -> String {
        let isEdge: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }
        let bytes = line.utf8
        let leading = bytes.prefix(while: isEdge).count
        if leading == bytes.count { return line }
        let trailing = bytes.reversed().prefix(while: isEdge).count
        let body = line.utf8.dropFirst(leading).dropLast(trailing)
        var output = String(decoding: bytes.prefix(leading), as: UTF8.self)
        var first = true
        for token in Substring(body).splitOnSpaces() {
            let subwords = segment(String(token))
            for (index, subword) in subwords.enumerated() {
                if !first { output += " " }
                first = false
                output += subword
                if index < subwords.count - 1 { output += separator }
            }
        }
        output += String(decoding: bytes.suffix(trailing), as: UTF8.self)
        return output
    }

    /// Undoes BPE on a line: "sub@@ word" → "subword".
    public func removeSeparators(_ line: String) -> String {
        TextStreams.removeBPESeparators(line, separator: separator)
    }
}

/// Symbol ids of single code points: an array for the first 0x3000 (Latin, Greek, Cyrillic,
/// Arabic, Indic, ...), a dictionary beyond. -1 for a code point that no merge uses.
struct CharacterIDs {
    private var direct = [Int32](repeating: -1, count: 0x3000)
    private var others: [UInt32: Int32] = [:]

    subscript(scalar: Unicode.Scalar) -> Int32 {
        get {
            scalar.value < 0x3000 ? direct[Int(scalar.value)] : others[scalar.value] ?? -1
        }
        set {
            if scalar.value < 0x3000 { direct[Int(scalar.value)] = newValue } else { others[scalar.value] = newValue }
        }
    }
}

/// Merges by symbol pair: open addressing with a multiplicative hash, which costs a few
/// nanoseconds where `Dictionary`'s seeded SipHash costs tens (segmentation does one lookup
/// per adjacent pair per step).
struct MergeTable {
    private static let empty = UInt64.max
    private var keys: [UInt64]
    private var values: [(rank: Int32, merged: Int32)]
    private var count = 0

    /// An empty table with room for `capacity` merges before it grows.
    init(capacity: Int = 1 << 9) {
        var slotCount = 1 << 10
        while slotCount < 2 * capacity + 2 { slotCount *= 2 }
        keys = [UInt64](repeating: MergeTable.empty, count: slotCount)
        values = [(rank: Int32, merged: Int32)](repeating: (0, 0), count: slotCount)
    }

    subscript(key: UInt64) -> (rank: Int32, merged: Int32)? {
        let mask = keys.count - 1
        var slot = Self.slot(key, mask)
        while true {
            let stored = keys[slot]
            if stored == key { return values[slot] }
            if stored == Self.empty { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// Adds a merge unless the pair already has one (an earlier merge wins, as in subword-nmt).
    mutating func insertIfAbsent(_ key: UInt64, rank: Int32, merged: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        let mask = keys.count - 1
        var slot = Self.slot(key, mask)
        while keys[slot] != Self.empty {
            if keys[slot] == key { return }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        values[slot] = (rank, merged)
        count += 1
    }

    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    private mutating func grow() {
        let old = zip(keys, values).filter { $0.0 != Self.empty }
        keys = [UInt64](repeating: Self.empty, count: keys.count * 2)
        values = [(rank: Int32, merged: Int32)](repeating: (0, 0), count: keys.count)
        count = 0
        for (key, value) in old { insertIfAbsent(key, rank: value.rank, merged: value.merged) }
    }
}
