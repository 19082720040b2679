import Testing
@testable import Text

@Suite struct VocabularyTests {
    static let counts = TokenCounts(["der": 5, "die": 5, "das": 2, "Haus": 9, "<unk>": 3, "x": 1])

    @Test func specialTokensHaveFixedIDs() {
        let vocabulary = Vocabulary(counts: Self.counts)
        #expect(Array(vocabulary.tokens.prefix(4)) == ["<pad>", "<unk>", "<s>", "</s>"])
        #expect(vocabulary.id("<pad>") == 0 && vocabulary.id("<unk>") == 1)
        #expect(vocabulary.id("<s>") == 2 && vocabulary.id("</s>") == 3)
    }

    @Test func orderIsCountDescendingThenToken() {
        let vocabulary = Vocabulary(counts: Self.counts)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "<s>", "</s>", "Haus", "der", "die", "das", "x"])
        #expect(vocabulary.id("nope") == Vocabulary.unknownID)
    }

    @Test func deterministicWhateverTheInsertionOrder() {
        var a = TokenCounts(), b = TokenCounts()
        let words = (0..<500).map { "w\($0 % 37)" }
        for word in words { a.add(word) }
        for word in words.reversed() { b.add(word) }
        #expect(Vocabulary(counts: a) == Vocabulary(counts: b))
        #expect(Vocabulary(counts: a).serialized() == Vocabulary(counts: b).serialized())
    }

    @Test func minFrequencyAndMaxSize() {
        #expect(Vocabulary(counts: Self.counts, minFrequency: 5).tokens.dropFirst(4) == ["Haus", "der", "die"])
        #expect(Vocabulary(counts: Self.counts, maxSize: 6).tokens == ["<pad>", "<unk>", "<s>", "</s>", "Haus", "der"])
    }

    @Test func sharedVocabularyCountsBothLanguages() {
        let english = TokenCounts(["the": 3, "Haus": 1])
        let german = TokenCounts(["Haus": 4])
        let shared = Vocabulary(counts: english.merging(german))
        #expect(shared.tokens.dropFirst(4) == ["Haus", "the"])
        #expect(shared.counts[4] == 5)
    }

    @Test func fileRoundTripAndErrors() throws {
        let vocabulary = Vocabulary(counts: Self.counts)
        #expect(vocabulary.serialized().hasPrefix("<pad> 0\n<unk> 0\n<s> 0\n</s> 0\nHaus 9\n"))
        #expect(try Vocabulary(parsing: vocabulary.serialized()) == vocabulary)
        #expect(throws: TextError.invalidVocabularyLine(file: "v", line: 5, text: "Haus")) {
            try Vocabulary(parsing: "<pad> 0\n<unk> 0\n<s> 0\n</s> 0\nHaus\n", name: "v")
        }
    }

    @Test func encodeAndDecode() {
        let vocabulary = Vocabulary(counts: Self.counts)
        let ids = vocabulary.encode(["der", "Haus", "zzz"], addBegin: true, addEnd: true)
        #expect(ids == [2, 5, 4, 1, 3])
        #expect(vocabulary.decode(ids + [0, 0]) == ["der", "Haus", "<unk>"])
    }
}

@Suite struct ExactTokenTests {
    /// "é" composed and decomposed are canonically equivalent (Swift's == says equal) but
    /// different tokens, as in subword-nmt.
    @Test func canonicallyEquivalentTokensStayApart() {
        let composed = "\u{E9}", decomposed = "e\u{301}"
        var counts = TokenCounts()
        counts.add(composed)
        counts.add(decomposed, count: 2)
        #expect(counts.count == 2 && counts[composed] == 1 && counts[decomposed] == 2)
        let vocabulary = Vocabulary(counts: counts)
        #expect(vocabulary.id(composed) != vocabulary.id(decomposed))
        let bpe = BPE(codes: BPECodes(merges: [.init("e", "\u{301}</w>")]))
        #expect(bpe.segment(composed) == [composed])
        #expect(bpe.segment(decomposed) == [decomposed])
        #expect(bpe.apply([composed, decomposed, composed]) == [composed, decomposed, composed])
    }
}
