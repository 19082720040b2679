import Testing
@testable import Text

@Suite struct TextPipelineTests {
    @Test func prepareAndDecode() throws {
        let directory = try TemporaryDirectory()
        let english = try Fixtures.lines("sample.en")
        let german = try Fixtures.lines("sample.de")
        let source = try directory.file("s.en", (english + ["", english[0]]).joined(separator: "\n") + "\n")
        let target = try directory.file("t.de", (german + ["x", german[0]]).joined(separator: "\n") + "\n")
        let codes = try BPECodes(parsing: try Fixtures.text("codes.8000"))
        func side(_ lines: [String]) throws -> TextPipeline.Side {
            let tokenizer = try Tokenizer()
            let bpe = BPE(codes: codes)
            var counts = TokenCounts()
            for line in lines { for token in bpe.apply(try tokenizer.tokenize(line)) { counts.add(token) } }
            return TextPipeline.Side(tokenizer: tokenizer, bpe: bpe, vocabulary: Vocabulary(counts: counts))
        }
        let pipeline = TextPipeline(source: try side(english), target: try side(german),
                                    filter: CorpusFilterOptions(maxLength: 40, removeDuplicates: true))
        let (examples, report) = try pipeline.prepare(sourceFile: source, targetFile: target)
        #expect(report.corpus == CorpusReport(lines: 302, skippedEmpty: 1, pairs: 301))
        #expect(report.duplicates == 1)
        #expect(examples.count == 300 - report.filter.tooLong)
        // Every token is in the vocabulary, so ids decode back to the normalised line.
        for example in examples {
            #expect(sameBytes(pipeline.target.text(example.target + [Vocabulary.endID, 0]), german[example.line - 1]))
            #expect(sameBytes(pipeline.source.text(example.source), english[example.line - 1]))
        }
    }
}
