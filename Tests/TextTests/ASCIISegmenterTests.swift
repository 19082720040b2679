import Testing
@testable import Text

/// The ASCII fast path must place exactly the boundaries ICU places.
@Suite struct ASCIISegmenterTests {
    static let pieces = ["a", "b", "Z", "x", "1", "2", "0", ".", ",", ";", ":", "'", "\"", "_", " ", " ", "  ",
                         "\t", "\r", "\n", "\r\n", "\u{0B}", "\u{0C}", "-", "!", "?", "(", ")", "@", "#", "$",
                         "%", "&", "*", "/", "\\", "~", "`", "^", "|", "<", ">", "=", "+", "[", "]", "{", "}",
                         "ab", "12", "3.14", "1,000", "e.g.", "don't", "U.S.A.", "a_b", "x1"]

    @Test func agreesWithICU() throws {
        let breaker = try WordBreaker(locale: "")
        var generator = SplitMix64(seed: 11)
        var lines = try Fixtures.lines("sample.en")
        for _ in 0..<20000 {
            var line = ""
            for _ in 0..<(1 + generator.nextInt(below: 12)) { line += Self.pieces[generator.nextInt(below: Self.pieces.count)] }
            lines.append(line)
        }
        for line in lines where line.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = Array(line.utf8)
            let (icu, fast) = try bytes.withUnsafeBufferPointer { bytes in
                (try breaker.segments(bytes).map(\.0), ASCIIWordSegmenter.segments(bytes).map(\.0))
            }
            #expect(icu == fast, "\(line.debugDescription)")
        }
    }

    @Test func agreesWithICUOnAnyASCII() throws {
        let breaker = try WordBreaker(locale: "")
        var generator = SplitMix64(seed: 12)
        for _ in 0..<20000 {
            let bytes = (0..<(1 + generator.nextInt(below: 20))).map { _ in UInt8(generator.nextInt(below: 128)) }
            let (icu, fast) = try bytes.withUnsafeBufferPointer { bytes in
                (try breaker.segments(bytes).map(\.0), ASCIIWordSegmenter.segments(bytes).map(\.0))
            }
            #expect(icu == fast, "\(bytes)")
        }
    }
}
