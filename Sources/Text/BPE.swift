import Foundation

/// Byte pair encoding merge operations (Sennrich, Haddow & Birch 2016, "Neural Machine
/// Translation of Rare Words with Subword Units", ACL, §3.2), in the codes file format of
/// subword-nmt 0.3 so that codes learnt by either tool work in the other:
///
///     #version: 0.2
///     e n</w>
///     e r
///
/// One merge a line, most frequent first. Version 0.2 marks the end of a word by appending
/// `</w>` to its last character, so a word-final "n" and a word-internal "n" are different
/// symbols.
public struct BPECodes: Sendable, Equatable {
    /// One merge: the symbols `left` and `right`, adjacent, become the symbol `left + right`.
    public struct Merge: Sendable, Hashable {
        public var left: String
        public var right: String
        public init(_ left: String, _ right: String) {
            self.left = left
            self.right = right
        }
    }

    /// The end-of-word mark of codes version 0.2.
    public static let endOfWord = "</w>"

    /// The merges, in the order they were learnt (which is the order they are applied).
    public var merges: [Merge]

    public init(merges: [Merge]) { self.merges = merges }

    /// Reads a codes file. `name` appears in error messages.
    public init(parsing text: String, name: String = "<codes>") throws {
        var text = text
        self = try text.withUTF8 { try BPECodes(parsing: $0, name: name) }
    }

    /// Reads a codes file from disk.
    public init(contentsOf path: String) throws {
        let bytes = try readBytes(path)
        self = try bytes.withUnsafeBufferPointer { try BPECodes(parsing: $0, name: path) }
    }

    /// Reads codes from UTF-8 bytes, a line at a time without building a String per line: every
    /// `recur tokenize --bpe-codes` run reads thousands of merges before its first line.
    init(parsing bytes: UnsafeBufferPointer<UInt8>, name: String) throws {
        // Line ranges split at "\n" (a final "\n" ends the last line), without trailing empty lines.
        var lines: [Range<Int>] = []
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lines.append(start..<end)
            start = end + 1
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        let text = { (range: Range<Int>) in String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        // subword-nmt: line.strip('\r\n ').
        let stripped = { (range: Range<Int>) -> Range<Int> in
            var lower = range.lowerBound, upper = range.upperBound
            let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x0D || byte == 0x0A }
            while lower < upper && isSpace(bytes[lower]) { lower += 1 }
            while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
            return lower..<upper
        }
        guard let header = lines.first, text(header).hasPrefix("#version:") else {
            throw TextError.unsupportedCodesVersion(file: name, version: "0.1 (no '#version:' header)")
        }
        // subword-nmt takes the last word and drops trailing ".0"s: "0.2" and "0.2.0" match.
        var version = String(Substring(text(stripped(header))).splitOnSpaces().last ?? "")
        while version.hasSuffix(".0") { version.removeLast(2) }
        guard version == "0.2" else { throw TextError.unsupportedCodesVersion(file: name, version: version) }
        var merges: [Merge] = []
        merges.reserveCapacity(lines.count - 1)
        for (index, line) in lines.enumerated().dropFirst() {
            // subword-nmt: line.strip('\r\n ').split(' '), which must give exactly two symbols.
            let symbols = stripped(line)
            var space = symbols.lowerBound
            while space < symbols.upperBound && bytes[space] != 0x20 { space += 1 }
            var second = space + 1
            while second < symbols.upperBound && bytes[second] != 0x20 { second += 1 }
            guard space < symbols.upperBound, second >= symbols.upperBound, symbols.count > 1 else {
                throw TextError.invalidCodesLine(file: name, line: index + 1, text: text(line))
            }
            merges.append(Merge(text(symbols.lowerBound..<space), text(space + 1..<symbols.upperBound)))
        }
        self.merges = merges
    }

    /// The codes file text, with subword-nmt's version header.
    public func serialized() -> String {
        var text = "#version: 0.2\n"
        for merge in merges { text += "\(merge.left) \(merge.right)\n" }
        return text
    }

    /// Writes the codes file.
    public func write(to path: String) throws {
        try writeText(serialized(), to: path)
    }
}

func readText(_ path: String) throws -> String {
    String(decoding: try readBytes(path), as: UTF8.self)
}

func readBytes(_ path: String) throws -> [UInt8] {
    let reader = try BlockReader(path: path)
    var bytes: [UInt8] = []
    while let block = try reader.nextBlock() { bytes += block.bytes }
    return bytes
}

func writeText(_ text: String, to path: String) throws {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    } catch {
        throw TextError.unwritable(file: path, reason: error.localizedDescription)
    }
}
