/// How often each token occurs: the input of BPE learning and of the vocabulary builder.
public struct TokenCounts: Sendable, Equatable {
    /// Count of each token.
    public private(set) var counts: [String: Int] = [:]

    public init() {}

    /// Counts from a dictionary of counts.
    public init(_ counts: [String: Int]) { self.counts = counts }

    /// Number of distinct tokens.
    public var count: Int { counts.count }

    /// Count of one token (0 if unseen).
    public subscript(token: String) -> Int { counts[token] ?? 0 }

    /// Adds `count` occurrences of a token.
    public mutating func add(_ token: String, count: Int = 1) {
        counts[token, default: 0] += count
    }

    /// Adds the tokens of a line of space-separated tokens. Splits on U+0020 only and skips
    /// empty strings, as subword-nmt's `learn-bpe` does (`line.strip('\r\n ').split(' ')`).
    public mutating func add(tokenLine line: String) {
        for token in line.splitOnSpaces() {
            var token = token
            // A Windows line end leaves "\r" on the last token; subword-nmt strips it.
            while token.utf8.last == 0x0D || token.utf8.last == 0x0A { token = token.dropLast() }
            if !token.isEmpty { counts[String(token), default: 0] += 1 }
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
        counts.map { (token: $0.key, count: $0.value) }.sorted {
            $0.count != $1.count ? $0.count > $1.count : $0.token.utf8.lexicographicallyPrecedes($1.token.utf8)
        }
    }
}
