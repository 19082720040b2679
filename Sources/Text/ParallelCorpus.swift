/// What to do with a pair where either side is an empty (or all-space) line.
public enum EmptyLinePolicy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Leave the pair out and count it in the report (the default).
    case skip
    /// Keep it (e.g. to keep test sets aligned with their references).
    case keep
    /// Stop with an error naming file and line.
    case fail
}

/// One line pair of a parallel corpus.
public struct SentencePair: Sendable, Equatable, Hashable {
    /// Source sentence.
    public var source: String
    /// Target sentence.
    public var target: String
    /// 1-based line number in both files.
    public var line: Int

    public init(source: String, target: String, line: Int) {
        self.source = source
        self.target = target
        self.line = line
    }
}

/// What reading a corpus met, for the log.
public struct CorpusReport: Sendable, Equatable {
    /// Lines in each file.
    public var lines = 0
    /// Pairs skipped because a side was empty.
    public var skippedEmpty = 0
    /// Pairs returned.
    public var pairs = 0
}

/// Streams a parallel corpus: two files with one sentence a line, line n of one the
/// translation of line n of the other. Checks that both are UTF-8 and have as many lines.
public final class ParallelCorpusReader {
    /// The policy for empty lines.
    public let emptyLines: EmptyLinePolicy
    /// Counts so far; complete once `next()` has returned nil.
    public private(set) var report = CorpusReport()
    private let source: LineReader
    private let target: LineReader

    /// Opens both files. A "\r" before "\n" is dropped (files written on Windows).
    public init(source: String, target: String, emptyLines: EmptyLinePolicy = .skip) throws {
        self.source = try LineReader(path: source, dropCarriageReturn: true)
        self.target = try LineReader(path: target, dropCarriageReturn: true)
        self.emptyLines = emptyLines
    }

    /// The next pair, or nil at the end of both files.
    public func next() throws -> SentencePair? {
        while true {
            let sourceLine = try source.next()
            let targetLine = try target.next()
            switch (sourceLine, targetLine) {
            case (nil, nil):
                return nil
            case (let sourceLine?, let targetLine?):
                report.lines += 1
                if isBlank(sourceLine) || isBlank(targetLine) {
                    switch emptyLines {
                    case .skip:
                        report.skippedEmpty += 1
                        continue
                    case .fail:
                        throw TextError.emptyLine(
                            file: isBlank(sourceLine) ? source.name : target.name, line: report.lines)
                    case .keep:
                        break
                    }
                }
                report.pairs += 1
                return SentencePair(source: sourceLine, target: targetLine, line: report.lines)
            default:
                // One file ended: count the rest of the other so the error gives both totals.
                let sourceLines = sourceLine == nil ? source.lineNumber : source.skipToEnd()
                let targetLines = targetLine == nil ? target.lineNumber : target.skipToEnd()
                throw TextError.lineCountMismatch(
                    source: source.name, sourceLines: sourceLines, target: target.name, targetLines: targetLines)
            }
        }
    }

    /// Every remaining pair.
    public func readAll() throws -> [SentencePair] {
        var pairs: [SentencePair] = []
        while let pair = try next() { pairs.append(pair) }
        return pairs
    }

    private func isBlank(_ line: String) -> Bool {
        line.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}
