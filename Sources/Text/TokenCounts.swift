/// How often each token occurs: the input of BPE learning and of the vocabulary builder.
/// Tokens are told apart by their bytes (see `ExactString`), as subword-nmt does.
public struct TokenCounts: Sendable, Equatable {
    private var counts: [ExactString: Int] = [:]

    public init() {}

    /// Counts from a dictionary of counts.
    public init(_ counts: [String: Int]) {
        for (token, count) in counts { add(token, count: count) }
    }

    /// Number of distinct tokens.
    public var count: Int { counts.count }

    /// Every token with its count, in no particular order.
    public var entries: [(token: String, count: Int)] { counts.map { ($0.key.value, $0.value) } }

    /// Count of one token (0 if unseen).
    public subscript(token: String) -> Int { counts[ExactString(token)] ?? 0 }

    /// Adds `count` occurrences of a token.
    public mutating func add(_ token: String, count: Int = 1) {
        counts[ExactString(token), default: 0] += count
    }

    /// Adds the tokens of a line of space-separated tokens. Splits on U+0020 only and skips
    /// empty strings, as subword-nmt's `learn-bpe` does (`line.strip('\r\n ').split(' ')`).
    public mutating func add(tokenLine line: String) {
        for token in line.strippingLineSpace().splitOnSpaces() {
            counts[ExactString(String(token)), default: 0] += 1
        }
    }

    /// Adds every count of `other` (joint BPE and shared vocabularies count both languages).
    public mutating func add(_ other: TokenCounts) {
        counts.merge(other.counts, uniquingKeysWith: +)
    }

    /// The sum of this and `other`.
    public func merging(_ other: TokenCounts) -> TokenCounts {
        var result = self
        result.add(other)
        return result
    }

    /// Tokens by count descending, then by token (code point order): a deterministic order.
    public func sorted() -> [(token: String, count: Int)] {
        entries.sorted {
            $0.count != $1.count ? $0.count > $1.count : $0.token.utf8.lexicographicallyPrecedes($1.token.utf8)
        }
    }
}

/// Byte equality of two strings (Swift's `==` is canonical equivalence).
func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
