/// Token ↔ id mapping with the special tokens at fixed ids: `<pad>` 0, `<unk>` 1, `<s>` 2,
/// `</s>` 3. The other tokens follow by count descending, then by token (code point order),
/// so the same counts always give the same ids.
///
/// Saved as plain text, one token and its count a line ("der 12345"), specials first with
/// count 0; the line number (from 0) is the id.
public struct Vocabulary: Sendable, Equatable {
    /// Padding: fills batches up to their longest sequence; masked out of every loss.
    public static let pad = "<pad>"
    /// Unknown: stands for any token not in the vocabulary.
    public static let unknown = "<unk>"
    /// Begin of sequence: the first decoder input.
    public static let begin = "<s>"
    /// End of sequence: the decoder's last output.
    public static let end = "</s>"
    /// The special tokens in id order.
    public static let specials = [pad, unknown, begin, end]

    /// Id of `<pad>`.
    public static let padID: Int32 = 0
    /// Id of `<unk>`.
    public static let unknownID: Int32 = 1
    /// Id of `<s>`.
    public static let beginID: Int32 = 2
    /// Id of `</s>`.
    public static let endID: Int32 = 3

    /// Tokens in id order.
    public private(set) var tokens: [String]
    /// The count each token had when the vocabulary was built (0 for specials).
    public private(set) var counts: [Int]
    private var ids: [ExactString: Int32]

    /// Number of tokens, specials included (V).
    public var count: Int { tokens.count }

    /// Builds a vocabulary from counts: tokens seen at least `minFrequency` times, the most
    /// frequent first, at most `maxSize` entries in all (specials included; nil for no limit).
    /// A token spelled like a special token is not added twice.
    public init(counts: TokenCounts, minFrequency: Int = 1, maxSize: Int? = nil) {
        var entries = Self.specials.map { (token: $0, count: 0) }
        for entry in counts.sorted() where entry.count >= minFrequency && !Self.specials.contains(where: { sameBytes($0, entry.token) }) {
            if let maxSize, entries.count >= maxSize { break }
            entries.append(entry)
        }
        self.init(entries: entries)
    }

    private init(entries: [(token: String, count: Int)]) {
        tokens = entries.map(\.token)
        counts = entries.map(\.count)
        ids = Dictionary(entries.enumerated().map { (ExactString($1.token), Int32($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Reads a vocabulary file written by `serialized()` / `write(to:)`. The first four lines
    /// must be the special tokens.
    public init(parsing text: String, name: String = "<vocabulary>") throws {
        var entries: [(token: String, count: Int)] = []
        for (index, line) in text.splitLines().enumerated() {
            let line = line.strippingLineSpace()
            if line.isEmpty { continue }
            let parts = line.splitOnSpaces(omittingEmpty: false)
            guard parts.count == 2, !parts[0].isEmpty, let count = Int(parts[1]) else {
                throw TextError.invalidVocabularyLine(file: name, line: index + 1, text: String(line))
            }
            entries.append((String(parts[0]), count))
        }
        guard entries.count >= 4, entries.prefix(4).map(\.token) == Self.specials else {
            throw TextError.invalidVocabularyLine(
                file: name, line: 1, text: "(the first four tokens must be \(Self.specials.joined(separator: " ")))")
        }
        self.init(entries: entries)
    }

    /// Reads a vocabulary file.
    public init(contentsOf path: String) throws {
        try self.init(parsing: try readText(path), name: path)
    }

    /// The id of a token, or `<unk>`'s id.
    public func id(_ token: String) -> Int32 { ids[ExactString(token)] ?? Self.unknownID }

    /// Whether the token has an id of its own.
    public func contains(_ token: String) -> Bool { ids[ExactString(token)] != nil }

    /// The token of an id (`<unk>` for an id out of range).
    public func token(_ id: Int32) -> String {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : Self.unknown
    }

    /// Ids of a token sequence, optionally wrapped in `<s>` … `</s>`.
    public func encode(_ tokens: [String], addBegin: Bool = false, addEnd: Bool = false) -> [Int32] {
        var result: [Int32] = addBegin ? [Self.beginID] : []
        result.reserveCapacity(tokens.count + 2)
        for token in tokens { result.append(id(token)) }
        if addEnd { result.append(Self.endID) }
        return result
    }

    /// Tokens of an id sequence, stopping at `</s>` and leaving out `<pad>` and `<s>`.
    public func decode(_ ids: [Int32]) -> [String] {
        var result: [String] = []
        for id in ids {
            if id == Self.endID { break }
            if id == Self.padID || id == Self.beginID { continue }
            result.append(token(id))
        }
        return result
    }

    /// The file text: one "token count" a line, in id order.
    public func serialized() -> String {
        var text = ""
        for (token, count) in zip(tokens, counts) { text += "\(token) \(count)\n" }
        return text
    }

    /// Writes the vocabulary file.
    public func write(to path: String) throws { try writeText(serialized(), to: path) }
}
