import Testing
@testable import Text

@Suite struct BPETests {
    @Test("apply equals subword-nmt apply-bpe on the committed fixtures", arguments: ["en", "de"])
    func applyMatchesSubwordNMT(language: String) throws {
        let bpe = BPE(codes: try BPECodes(parsing: try Fixtures.text("codes.8000")))
        let input = try Fixtures.lines("sample.tok.\(language)")
        let expected = try Fixtures.lines("sample.bpe.\(language)")
        #expect(input.count == 300 && expected.count == 300)
        for (line, reference) in zip(input, expected) {
            #expect(bpe.applyLine(line) == reference)
        }
        // Token-level API gives the same subwords.
        for (line, reference) in zip(input, expected) {
            let tokens = line.split(separator: " ").map(String.init)
            #expect(bpe.apply(tokens).joined(separator: " ") == reference)
        }
    }

    @Test func learnMatchesSubwordNMT() throws {
        var counts = TokenCounts()
        for line in try Fixtures.lines("sample.tok.en") + Fixtures.lines("sample.tok.de") {
            counts.add(tokenLine: line)
        }
        let learnt = BPECodes.learn(from: counts, options: BPELearnOptions(merges: 500, minFrequency: 2))
        let reference = try BPECodes(parsing: try Fixtures.text("learn.codes.500"))
        #expect(learnt.merges.count == reference.merges.count)
        #expect(learnt == reference)
        #expect(learnt.serialized() == (try Fixtures.text("learn.codes.500")))
    }

    @Test func learnStopsAtMinFrequency() {
        let counts = TokenCounts(["low": 5, "lower": 2, "newest": 6, "widest": 3])
        let codes = BPECodes.learn(from: counts, options: BPELearnOptions(merges: 1000, minFrequency: 2))
        // "e s" and "s t</w>" both occur 9 times: the greater pair wins, as in subword-nmt.
        #expect(Array(codes.merges.prefix(2)) == [BPECodes.Merge("s", "t</w>"), BPECodes.Merge("e", "st</w>")])
        #expect(codes.merges.count < 1000)
        let bpe = BPE(codes: codes)
        #expect(bpe.segment("newest") == ["newest"])
        #expect(bpe.segment("lowest").joined() == "lowest")
    }

    @Test func codesFileRoundTrip() throws {
        let codes = BPECodes(merges: [.init("e", "n</w>"), .init("t", "h"), .init("th", "e</w>")])
        #expect(codes.serialized() == "#version: 0.2\ne n</w>\nt h\nth e</w>\n")
        #expect(try BPECodes(parsing: codes.serialized()) == codes)
        #expect(try BPECodes(parsing: "#version: 0.2\r\ne n</w>\r\n") == BPECodes(merges: [.init("e", "n</w>")]))
    }

    @Test func codesFileErrors() {
        #expect(throws: TextError.invalidCodesLine(file: "codes", line: 3, text: "a b c")) {
            try BPECodes(parsing: "#version: 0.2\nt h\na b c\n", name: "codes")
        }
        #expect(throws: TextError.unsupportedCodesVersion(file: "codes", version: "0.1 (no '#version:' header)")) {
            try BPECodes(parsing: "t h\n", name: "codes")
        }
        #expect(throws: TextError.unsupportedCodesVersion(file: "codes", version: "0.3")) {
            try BPECodes(parsing: "#version: 0.3\nt h\n", name: "codes")
        }
        // subword-nmt splits on single spaces: two spaces make three symbols; a lone symbol or an
        // empty line in the middle is one.
        for (text, line, bad) in [("#version: 0.2\nt  h\n", 2, "t  h"), ("#version: 0.2\nt h\nx\n", 3, "x"),
                                  ("#version: 0.2\n\nt h\n", 2, "")] {
            #expect(throws: TextError.invalidCodesLine(file: "codes", line: line, text: bad)) {
                try BPECodes(parsing: text, name: "codes")
            }
        }
    }

    /// Expected values from subword-nmt 0.3.8 apply-bpe with the same two merges.
    @Test func separatorsAndUnknownCharacters() {
        let bpe = BPE(codes: BPECodes(merges: [.init("t", "h"), .init("th", "e</w>")]))
        #expect(bpe.apply(["the", "ther", "x", "€th"]) == ["the", "th@@", "e@@", "r", "x", "€@@", "t@@", "h"])
        #expect(bpe.removeSeparators("th@@ e@@ r x") == "ther x")
        #expect(bpe.applyLine("  the  ther \n") == "  the th@@ e@@ r \n")
    }

    @Test func dropoutIsSeededAndReversible() throws {
        let bpe = BPE(codes: try BPECodes(parsing: try Fixtures.text("codes.8000")))
        let tokens = try Fixtures.lines("sample.tok.en").prefix(50).flatMap { $0.split(separator: " ").map(String.init) }
        var a = SplitMix64(seed: 1), b = SplitMix64(seed: 1), c = SplitMix64(seed: 2)
        let first = bpe.apply(tokens, dropout: 0.3, generator: &a)
        #expect(first == bpe.apply(tokens, dropout: 0.3, generator: &b))
        #expect(first != bpe.apply(tokens, dropout: 0.3, generator: &c))
        #expect(first.count > bpe.apply(tokens).count)
        #expect(bpe.removeSeparators(first.joined(separator: " ")) == tokens.joined(separator: " "))
        var zero = SplitMix64(seed: 5)
        #expect(bpe.apply(tokens, dropout: 0, generator: &zero) == bpe.apply(tokens))
        // A dropout too small to drop anything takes the dropout code path to the same result
        // as the one without (which updates merge ranks incrementally).
        var tiny = SplitMix64(seed: 6)
        #expect(bpe.apply(tokens, dropout: 1e-12, generator: &tiny) == bpe.apply(tokens))
    }
}
