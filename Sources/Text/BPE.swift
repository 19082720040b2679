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
        var lines = text.splitLines()
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        var lineNumber = 1
        if let first = lines.first, first.hasPrefix("#version:") {
            // subword-nmt takes the last word and drops trailing ".0"s: "0.2" and "0.2.0" match.
            var version = String(first.strippingLineSpace().splitOnSpaces().last ?? "")
            while version.hasSuffix(".0") { version.removeLast(2) }
            guard version == "0.2" else { throw TextError.unsupportedCodesVersion(file: name, version: version) }
            lines.removeFirst()
            lineNumber += 1
        } else {
            throw TextError.unsupportedCodesVersion(file: name, version: "0.1 (no '#version:' header)")
        }
        var merges: [Merge] = []
        merges.reserveCapacity(lines.count)
        for line in lines {
            // subword-nmt: line.strip('\r\n ').split(' '), which must give exactly two symbols.
            let stripped = line.strippingLineSpace().utf8
            guard let space = stripped.firstIndex(of: 0x20),
                stripped[stripped.index(after: space)...].firstIndex(of: 0x20) == nil
            else {
                throw TextError.invalidCodesLine(file: name, line: lineNumber, text: String(line))
            }
            let left = String(Substring(stripped[..<space]))
            let right = String(Substring(stripped[stripped.index(after: space)...]))
            guard !left.isEmpty || !right.isEmpty else {
                throw TextError.invalidCodesLine(file: name, line: lineNumber, text: String(line))
            }
            merges.append(Merge(left, right))
            lineNumber += 1
        }
        self.merges = merges
    }

    /// Reads a codes file from disk.
    public init(contentsOf path: String) throws {
        try self.init(parsing: try readText(path), name: path)
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
    let reader = try BlockReader(path: path)
    var bytes: [UInt8] = []
    while let block = try reader.nextBlock() { bytes += block.bytes }
    return String(decoding: bytes, as: UTF8.self)
}

func writeText(_ text: String, to path: String) throws {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    } catch {
        throw TextError.unwritable(file: path, reason: error.localizedDescription)
    }
}
