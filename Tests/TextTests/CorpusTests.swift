import Testing
@testable import Text

@Suite struct CorpusTests {
    @Test func readsPairsAndSkipsEmptyLines() throws {
        let directory = try TemporaryDirectory()
        let source = try directory.file("train.en", "a b\n\nc\r\nd\n")
        let target = try directory.file("train.de", "A B\nX\nC\r\n \n")
        let reader = try ParallelCorpusReader(source: source, target: target)
        let pairs = try reader.readAll()
        #expect(pairs == [SentencePair(source: "a b", target: "A B", line: 1), SentencePair(source: "c", target: "C", line: 3)])
        #expect(reader.report == CorpusReport(lines: 4, skippedEmpty: 2, pairs: 2))
        let kept = try ParallelCorpusReader(source: source, target: target, emptyLines: .keep).readAll()
        #expect(kept.count == 4)
    }

    @Test func emptyLineFailurePolicyNamesFileAndLine() throws {
        let directory = try TemporaryDirectory()
        let source = try directory.file("s.en", "a\nb\n")
        let target = try directory.file("t.de", "A\n\n")
        let reader = try ParallelCorpusReader(source: source, target: target, emptyLines: .fail)
        #expect(throws: TextError.emptyLine(file: target, line: 2)) { try reader.readAll() }
        #expect(TextError.emptyLine(file: "t.de", line: 2).description.hasPrefix("t.de:2: empty line"))
    }

    @Test func lineCountMismatchNamesBothFilesAndCounts() throws {
        let directory = try TemporaryDirectory()
        let source = try directory.file("train.en", "a\nb\nc\n")
        let target = try directory.file("train.de", "A\nB\nC\nD\nE")
        let error = TextError.lineCountMismatch(source: source, sourceLines: 3, target: target, targetLines: 5)
        #expect(throws: error) { try ParallelCorpusReader(source: source, target: target).readAll() }
        #expect(throws: TextError.lineCountMismatch(source: target, sourceLines: 5, target: source, targetLines: 3)) {
            try ParallelCorpusReader(source: target, target: source).readAll()
        }
        #expect(error.description == "\(source) has 3 lines but \(target) has 5; a parallel corpus needs one target line per source line")
    }

    @Test func invalidUTF8NamesFileLineAndByte() throws {
        let directory = try TemporaryDirectory()
        let source = try directory.file("train.en", "ok\nok\nok\n")
        // Line 3: "Grüße" in Latin-1: ü is 0xFC at byte 3.
        let target = try directory.file("train.de", Array("gut\ngut\n".utf8) + [0x47, 0x72, 0xFC, 0xDF, 0x65, 0x0A])
        let error = TextError.invalidUTF8(file: target, line: 3, byte: 3)
        #expect(throws: error) { try ParallelCorpusReader(source: source, target: target).readAll() }
        #expect(error.description.hasPrefix("\(target):3: invalid UTF-8 at byte 3"))
    }

    @Test func utf8Validation() {
        func check(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBufferPointer(firstInvalidUTF8Byte) }
        #expect(check(Array("aé日👍".utf8)) == nil)
        #expect(check([0x61, 0xC0, 0xAF]) == 1)  // overlong "/"
        #expect(check([0xED, 0xA0, 0x80]) == 0)  // surrogate
        #expect(check([0x61, 0x62, 0xE6, 0x97]) == 2)  // truncated
        #expect(check([0xF4, 0x90, 0x80, 0x80]) == 0)  // above U+10FFFF
    }

    @Test func missingFileIsNamed() {
        #expect(throws: TextError.unreadable(file: "/nonexistent/train.en", reason: "No such file or directory")) {
            try ParallelCorpusReader(source: "/nonexistent/train.en", target: "/nonexistent/train.de")
        }
    }

    @Test func filters() {
        let examples = [
            Example(source: [4, 5], target: [6], line: 1),
            Example(source: Array(repeating: 4, count: 9), target: [6], line: 2),  // ratio 10/2
            Example(source: [4, 5], target: [6], line: 3),  // duplicate of line 1
            Example(source: Array(repeating: 4, count: 30), target: Array(repeating: 5, count: 30), line: 4),
        ]
        let options = CorpusFilterOptions(maxLength: 20, maxLengthRatio: 3, removeDuplicates: true)
        let (kept, report) = options.apply(to: examples)
        #expect(kept.map(\.line) == [1])
        #expect(report == FilterReport(kept: 1, tooLong: 1, badRatio: 1, duplicates: 1))
        #expect(CorpusFilterOptions().apply(to: examples).kept.count == 4)
        let pairs = [SentencePair(source: "a", target: "b", line: 1), SentencePair(source: "a", target: "b", line: 2)]
        #expect(options.removingDuplicates(pairs).duplicates == 1)
    }
}
