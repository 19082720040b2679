import Text

/// A source sentence as the copy mechanism sees it (See, Liu and Manning 2017, §2.2): each
/// source token's id in the target vocabulary extended with the source's own unknown
/// words, which are numbered V, V + 1, … in order of first appearance.
///
///     target vocabulary: <pad> <unk> <s> </s> the cat      (V = 6)
///     source tokens:     the Zyx cat Zyx Qor
///     ids:               4   6   5   6   7      unknownWords: [Zyx, Qor]
public struct CopySource: Sendable, Equatable {
    /// The extended id of each source token.
    public var ids: [Int32]
    /// The source's words that the target vocabulary lacks; word i has id V + i.
    public var unknownWords: [String]
    /// V, the target vocabulary's size.
    public var vocabularySize: Int

    public init(_ tokens: [String], targetVocabulary: Vocabulary) {
        vocabularySize = targetVocabulary.count
        var unknownWords: [String] = [], numbers: [String: Int32] = [:]
        ids = tokens.map { token in
            if targetVocabulary.contains(token) { return targetVocabulary.id(token) }
            if let id = numbers[token] { return id }
            let id = Int32(targetVocabulary.count + unknownWords.count)
            numbers[token] = id
            unknownWords.append(token)
            return id
        }
        self.unknownWords = unknownWords
    }

    /// Target tokens as extended ids: a word the vocabulary lacks gets the source's id for
    /// it when the source has it (so the model learns to copy it), else `<unk>`.
    public func encodeTarget(_ tokens: [String], vocabulary: Vocabulary) -> [Int32] {
        tokens.map { token in
            if vocabulary.contains(token) { return vocabulary.id(token) }
            guard let i = unknownWords.firstIndex(of: token) else { return Vocabulary.unknownID }
            return Int32(vocabularySize + i)
        }
    }

    /// The words of extended ids; an extended id this source does not have (another
    /// sentence's, in a batch) reads as `<unk>`.
    public func decode(_ ids: [Int32], vocabulary: Vocabulary) -> [String] {
        ids.map { id in
            let i = Int(id) - vocabularySize
            return i < 0 ? vocabulary.token(id) : i < unknownWords.count ? unknownWords[i] : Vocabulary.unknown
        }
    }
}
