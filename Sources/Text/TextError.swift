/// An error from the text pipeline, worded so a person can act on it: each names the file,
/// the line (1-based) and, where it helps, the byte or the count involved.
public enum TextError: Error, Equatable, CustomStringConvertible {
    /// A file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// A file could not be created or written.
    case unwritable(file: String, reason: String)
    /// A line is not valid UTF-8; `byte` is the 1-based offset of the first bad byte in the line.
    case invalidUTF8(file: String, line: Int, byte: Int)
    /// An empty line in a corpus read with the empty-line policy `fail`.
    case emptyLine(file: String, line: Int)
    /// Two files of a parallel corpus have different numbers of lines.
    case lineCountMismatch(source: String, sourceLines: Int, target: String, targetLines: Int)
    /// A line of a BPE codes file is not two symbols separated by one space.
    case invalidCodesLine(file: String, line: Int, text: String)
    /// A codes file of a version other than subword-nmt's 0.2.
    case unsupportedCodesVersion(file: String, version: String)
    /// A line of a vocabulary file is not "token count".
    case invalidVocabularyLine(file: String, line: Int, text: String)
    /// ICU reported an error.
    case icu(operation: String, code: String)
    /// An option value that cannot work (e.g. a zero batch budget).
    case invalidOption(name: String, reason: String)
    /// A line or stanza of a deb822 file (an apt list) that breaks the format; `reason` says
    /// what is wrong and what was expected.
    case malformedStanza(file: String, line: Int, reason: String)
    /// An apt list stored compressed (apt's `Acquire::GzipIndexes`), which is not read.
    case compressedAptList(file: String)
    /// A directory without apt lists of one kind (`Packages`, `Translation-en`).
    case missingAptLists(directory: String, kind: String)
    /// A command asked to write its output over its input.
    case outputIsInput(input: String, output: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .unwritable(let file, let reason):
            return "\(file): cannot write: \(reason)"
        case .invalidUTF8(let file, let line, let byte):
            return "\(file):\(line): invalid UTF-8 at byte \(byte); re-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)"
        case .emptyLine(let file, let line):
            return "\(file):\(line): empty line; remove it, or read with the empty-line policy skip or keep"
        case .lineCountMismatch(let source, let sourceLines, let target, let targetLines):
            return "\(source) has \(sourceLines) lines but \(target) has \(targetLines); a parallel corpus needs one target line per source line"
        case .invalidCodesLine(let file, let line, let text):
            return "\(file):\(line): invalid BPE codes line \"\(text)\"; expected two symbols separated by one space"
        case .unsupportedCodesVersion(let file, let version):
            return "\(file): BPE codes version \(version) is not supported; learn the codes again (subword-nmt ≥ 0.2 or recur bpe learn) to get '#version: 0.2'"
        case .invalidVocabularyLine(let file, let line, let text):
            return "\(file):\(line): invalid vocabulary line \"\(text)\"; expected a token, one space and a count"
        case .icu(let operation, let code):
            return "ICU \(operation) failed: \(code)"
        case .invalidOption(let name, let reason):
            return "invalid \(name): \(reason)"
        case .malformedStanza(let file, let line, let reason):
            return "\(file):\(line): \(reason)"
        case .compressedAptList(let file):
            return "\(file): compressed apt list; fetch the lists uncompressed (apt-get -o Acquire::GzipIndexes=false update, as corpora/debian-summaries.sh does) or decompress it first (lz4 -d, gunzip, xz -d)"
        case .outputIsInput(let input, let output):
            return "\(output) is the input \(input): the output would overwrite it while it is read; write to another file and rename it"
        case .missingAptLists(let directory, let kind):
            let option = kind == "Translation-en" ? "-o Acquire::Languages=en " : ""
            return "\(directory): no *_\(kind) files; fill the directory with apt-get -o Dir::State::Lists=\(directory) \(option)-o Acquire::GzipIndexes=false update (corpora/debian-summaries.sh does)"
        }
    }
}
