import Testing
@testable import Text

@Suite struct TokenizerTests {
    static let roundTripOptions: [TokenizerOptions] = [
        TokenizerOptions(),
        TokenizerOptions(normalization: .none),
        TokenizerOptions(normalization: .nfkc, caseHandling: .markup),
        TokenizerOptions(caseHandling: .markup, splitDigits: true, splitOnScriptChange: true,
                         splitWordInternalPunctuation: true),
        TokenizerOptions(mode: .characters),
        TokenizerOptions(mode: .characters, normalization: .none, caseHandling: .markup),
        TokenizerOptions(locale: "th"),
    ]

    @Test("detokenize(tokenize(x)) == normalize(x), byte for byte", arguments: roundTripOptions)
    func roundTrip(options: TokenizerOptions) throws {
        let tokenizer = try Tokenizer(options)
        let lines = RandomText.lines(count: 3000, seed: 42) + (try Fixtures.lines("sample.en"))
            + (try Fixtures.lines("sample.de")) + ["", " ", "  \t ", "a", "￭", "％", "Hello, world!"]
        for line in lines {
            let expected = try options.normalization.apply(line)
            let tokenLine = try tokenizer.tokenizeLine(line)
            let tokens = tokenLine.utf8.split(separator: 0x20, omittingEmptySubsequences: false)
            #expect(!tokens.contains { $0.isEmpty } || tokenLine.isEmpty, "empty token in \(tokenLine)")
            let restored = tokenizer.detokenizeLine(tokenLine)
            #expect(sameBytes(restored, expected), "\(line.debugDescription) → \(tokenLine.debugDescription) → \(restored.debugDescription)")
        }
    }

    @Test func tokensNeverContainWhitespace() throws {
        let tokenizer = try Tokenizer()
        for line in RandomText.lines(count: 1000, seed: 7) {
            for token in try tokenizer.tokenize(line) {
                #expect(!token.isEmpty)
                #expect(!token.unicodeScalars.contains { $0.properties.isWhitespace }, "\(token.debugDescription)")
            }
        }
    }

    @Test func lowercaseIsRoundTripOfLowercasedText() throws {
        let tokenizer = try Tokenizer(TokenizerOptions(caseHandling: .lowercase))
        for line in RandomText.lines(count: 500, seed: 3) {
            let tokens = try tokenizer.tokenize(line)
            #expect(sameBytes(tokenizer.detokenize(tokens), try Normalization.nfc.apply(line).lowercased()))
        }
    }

    @Test func wordsAndPunctuation() throws {
        let tokenizer = try Tokenizer()
        #expect(try tokenizer.tokenizeLine("Hello, world!") == "Hello ￭, world ￭!")
        #expect(try tokenizer.tokenizeLine("Two young, White males (aged 3.5) don't.")
            == "Two young ￭, White males ( ￭aged 3.5 ￭) don't ￭.")
        #expect(try tokenizer.tokenizeLine(" a\tb  c ") == "％20％ ￭a ￭％9％ ￭b ￭％20％％20％ ￭c ￭％20％")
        #expect(try tokenizer.tokenizeLine("") == "")
    }

    @Test func dictionaryScripts() throws {
        let tokenizer = try Tokenizer()
        #expect(try tokenizer.tokenizeLine("ภาษาไทยง่ายนิดเดียว") == "ภาษา ￭ไทย ￭ง่าย ￭นิด ￭เดียว")
        #expect(try tokenizer.tokenizeLine("東京は日本の首都です。") == "東京 ￭は ￭日本 ￭の ￭首都 ￭です ￭。")
    }

    @Test func splitOptions() throws {
        let digits = try Tokenizer(TokenizerOptions(splitDigits: true))
        #expect(try digits.tokenizeLine("in 2016") == "in 2 ￭0 ￭1 ￭6")
        let punctuation = try Tokenizer(TokenizerOptions(splitWordInternalPunctuation: true))
        #expect(try punctuation.tokenizeLine("don't 3.14") == "don ￭' ￭t 3 ￭. ￭14")
        let scripts = try Tokenizer(TokenizerOptions(splitOnScriptChange: true))
        #expect(try scripts.tokenizeLine("abcабв") == "abc ￭абв")
        #expect(try scripts.tokenizeLine("e\u{301}x") == "éx")  // marks are not a script change
    }

    @Test func caseMarkup() throws {
        let tokenizer = try Tokenizer(TokenizerOptions(caseHandling: .markup))
        #expect(try tokenizer.tokenizeLine("Hello NATO iPhone") == "⇧ hello ⇪ nato iPhone")
        #expect(tokenizer.detokenizeLine("⇧ hello ⇪ nato iPhone") == "Hello NATO iPhone")
    }

    @Test func normalization() throws {
        #expect(sameBytes(try Normalization.nfc.apply("e\u{301}"), "\u{E9}"))
        #expect(sameBytes(try Normalization.nfkc.apply("ﬁ①"), "fi1"))
        #expect(sameBytes(try Normalization.none.apply("e\u{301}"), "e\u{301}"))
    }

    @Test func characterMode() throws {
        let tokenizer = try Tokenizer(TokenizerOptions(mode: .characters))
        #expect(try tokenizer.tokenizeLine("Ab c👍🏽") == "A b ▁ c 👍🏽")
        #expect(tokenizer.detokenizeLine("A b ▁ c 👍🏽") == "Ab c👍🏽")
    }

    @Test func matchesCommittedTokenization() throws {
        let tokenizer = try Tokenizer()
        for language in ["en", "de"] {
            let raw = try Fixtures.lines("sample.\(language)")
            let expected = try Fixtures.lines("sample.tok.\(language)")
            #expect(try raw.map(tokenizer.tokenizeLine) == expected)
        }
    }
}
