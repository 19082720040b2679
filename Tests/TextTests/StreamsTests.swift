import Foundation
import Testing
@testable import Text

/// The whole-file paths (parallel, byte-level) must give what the line-by-line API gives.
@Suite struct StreamsTests {
    static func corpus() throws -> [String] {
        // Enough lines (> 64 KiB) to be cut into one part per core.
        var lines = RandomText.lines(count: 4000, seed: 5)
        // ASCII lines with every kind of ASCII whitespace and punctuation (the one-pass path).
        var generator = SplitMix64(seed: 6)
        let pieces = ASCIISegmenterTests.pieces.filter { !$0.contains("\n") } + ["\u{7F}", "\u{01}", "   "]
        for _ in 0..<4000 {
            lines.append((0..<generator.nextInt(below: 14)).map { _ in pieces[generator.nextInt(below: pieces.count)] }.joined())
        }
        for _ in 0..<4 { lines += try Fixtures.lines("sample.en") + Fixtures.lines("sample.de") }
        return lines
    }

    @Test(arguments: [TokenizerOptions(), TokenizerOptions(normalization: .none),
                      TokenizerOptions(caseHandling: .markup, splitDigits: true), TokenizerOptions(mode: .characters)])
    func tokenizeFileEqualsLineByLine(options: TokenizerOptions) throws {
        let directory = try TemporaryDirectory()
        let lines = try Self.corpus()
        let input = try directory.file("in.txt", lines.joined(separator: "\n") + "\n")
        let output = directory.url.appendingPathComponent("out.txt").path
        let codes = try BPECodes(parsing: try Fixtures.text("codes.8000"))
        for bpeCodes in [codes, nil] {
            try TextStreams.tokenize(input: input, output: output, options: options, bpe: bpeCodes)
            let tokenizer = try Tokenizer(options)
            let bpe = bpeCodes.map { BPE(codes: $0) }
            let expected = try lines.map { line in
                let tokens = try tokenizer.tokenize(line)
                return (bpe?.apply(tokens) ?? tokens).joined(separator: " ")
            }
            let written = try String(contentsOfFile: output, encoding: .utf8)
            let writtenLines = written.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(Substring($0)) }
            #expect(writtenLines.count == expected.count + 1)
            for (line, (got, want)) in zip(lines, zip(writtenLines, expected)) where !sameBytes(got, want) {
                Issue.record("\(line.debugDescription): file path \(got.debugDescription), API \(want.debugDescription)")
                break
            }
        }
    }

    /// Codes read from a file (on a thread of their own, while the input is read) segment as
    /// parsed codes do; a bad codes file stops the command before the output is touched, and a
    /// shorter output replaces a longer one whole.
    @Test func tokenizeWithACodesFile() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.file("in.txt", try Fixtures.text("sample.en"))
        let codesText = try Fixtures.text("codes.8000")
        let codesPath = try directory.file("codes", codesText)
        let expectedPath = directory.url.appendingPathComponent("expected.txt").path
        let output = directory.url.appendingPathComponent("out.txt").path
        try TextStreams.tokenize(input: input, output: expectedPath, options: TokenizerOptions(), bpe: try BPECodes(parsing: codesText))
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        let previous = String(repeating: "an earlier, longer output\n", count: 2 * expected.utf8.count / 26)
        try previous.write(toFile: output, atomically: false, encoding: .utf8)

        let badCodes = try directory.file("bad-codes", "#version: 0.2\nt h\na b c\n")
        #expect(throws: TextError.invalidCodesLine(file: badCodes, line: 3, text: "a b c")) {
            try TextStreams.tokenize(input: input, output: output, options: TokenizerOptions(), bpeCodes: badCodes)
        }
        #expect(try String(contentsOfFile: output, encoding: .utf8) == previous)

        try TextStreams.tokenize(input: input, output: output, options: TokenizerOptions(), bpeCodes: codesPath)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == expected)
        #expect(expected.contains("@@ "))

        // Writing over the input is refused before anything is read or written.
        #expect(throws: TextError.outputIsInput(input: output, output: output)) {
            try TextStreams.tokenize(input: output, output: output, options: TokenizerOptions(), bpeCodes: codesPath)
        }
        #expect(try String(contentsOfFile: output, encoding: .utf8) == expected)
    }

    @Test func applyBPEFileEqualsApplyLine() throws {
        let directory = try TemporaryDirectory()
        let tokenizer = try Tokenizer()
        let lines = try Self.corpus().map(tokenizer.tokenizeLine) + ["  a  b \r", "   "]
        let input = try directory.file("in.txt", lines.joined(separator: "\n"))  // no final "\n"
        let output = directory.url.appendingPathComponent("out.txt").path
        let codes = try BPECodes(parsing: try Fixtures.text("codes.8000"))
        try TextStreams.applyBPE(input: input, output: output, codes: codes)
        let bpe = BPE(codes: codes)
        let expected = lines.map(bpe.applyLine).joined(separator: "\n") + "\n"
        #expect(sameBytes(try String(contentsOfFile: output, encoding: .utf8), expected))
    }

    @Test func invalidUTF8InALaterPartNamesTheRightLine() throws {
        let directory = try TemporaryDirectory()
        var bytes: [UInt8] = []
        for index in 0..<20000 { bytes += Array("line number \(index + 1)\n".utf8) }
        bytes += [0x61, 0x62, 0xFF, 0x0A]  // line 20001, byte 3
        let input = try directory.file("bad.txt", bytes)
        #expect(throws: TextError.invalidUTF8(file: input, line: 20001, byte: 3)) {
            try TextStreams.tokenize(input: input, output: directory.url.appendingPathComponent("o").path,
                                     options: TokenizerOptions())
        }
    }

    @Test func vocabularyAndLearningFromFiles() throws {
        let directory = try TemporaryDirectory()
        let english = try directory.file("en", try Fixtures.text("sample.tok.en"))
        let german = try directory.file("de", try Fixtures.text("sample.tok.de"))
        let codesPath = directory.url.appendingPathComponent("codes").path
        try TextStreams.learnBPE(inputs: [english, german], output: codesPath, options: BPELearnOptions(merges: 500))
        #expect(try String(contentsOfFile: codesPath, encoding: .utf8) == (try Fixtures.text("learn.codes.500")))
        let vocabularyPath = directory.url.appendingPathComponent("vocab").path
        try TextStreams.buildVocabulary(inputs: [english, german], output: vocabularyPath, minFrequency: 2, maxSize: 100)
        let vocabulary = try Vocabulary(contentsOf: vocabularyPath)
        #expect(vocabulary.count == 100)
        #expect(vocabulary.tokens[4] == "￭.")
    }
}

@Suite struct TokenCounterTests {
    /// Counting from bytes gives what `TokenCounts.add(tokenLine:)` gives, which follows
    /// subword-nmt's `line.strip('\r\n ').split(' ')`.
    @Test func countsLikeTokenCounts() {
        let lines = ["a b  a", " x \r \r", "\r a\r\r b ", "", "   ", "é e\u{301} é"]
        var counter = TokenCounter()
        var counts = TokenCounts()
        for line in lines {
            Array(line.utf8).withUnsafeBufferPointer { counter.add(line: $0) }
            counts.add(tokenLine: line)
        }
        #expect(counter.tokenCounts() == counts)
        #expect(counts["\r"] == 0 && counts["x"] == 1 && counts["a\r\r"] == 1 && counts["a"] == 2 && counts["é"] == 2)
    }
}
