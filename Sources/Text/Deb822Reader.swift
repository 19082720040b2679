/// Reads deb822 stanzas, the format of Debian's control files and of apt's list files
/// (`…_Packages`, `…_i18n_Translation-en`): "Field: value" lines, continuation lines that
/// start with a space or a tab, stanzas separated by empty lines (Debian Policy §5.1).
///
/// Only the fields asked for are kept (a Packages file has some twenty per stanza and
/// `DebianDescriptions` needs two); every line is still checked, and a line that breaks the
/// format is an error naming file and line.
final class Deb822Reader {
    /// One field: its first line's value and its continuation lines, each without the one
    /// leading space or tab that marks it as a continuation.
    struct Field: Equatable {
        /// 1-based line of "Field: value".
        var line: Int
        /// The text after the colon, without surrounding spaces and tabs.
        var value: String
        var continuation: [String] = []
    }

    /// The kept fields of one stanza, by lowercased name (field names are case-insensitive).
    struct Stanza: Equatable {
        /// 1-based line of the stanza's first field.
        var line: Int
        var fields: [String: Field] = [:]

        subscript(name: String) -> Field? { fields[name.lowercased()] }
    }

    /// The file's name as given, used in errors.
    var name: String { reader.name }
    private let reader: LineReader
    private let kept: Set<[UInt8]>

    /// Opens `path`, keeping the fields named in `fields` (any case).
    init(path: String, fields: Set<String>) throws {
        reader = try LineReader(path: path, dropCarriageReturn: true)
        kept = Set(fields.map { Array($0.lowercased().utf8) })
    }

    /// The next stanza, or nil at the end of the file.
    func next() throws -> Stanza? {
        var stanza: Stanza?
        // The kept field that continuation lines belong to; nil after a field not kept.
        var current: String?
        var inField = false
        while true {
            let done = try reader.withNextLine { bytes -> Bool in
                let number = reader.lineNumber
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return stanza != nil }
                if bytes[0] == 0x20 || bytes[0] == 0x09 {
                    guard inField else {
                        throw TextError.malformedStanza(
                            file: name, line: number,
                            reason: "continuation line (it starts with a space) before any field; a stanza starts with a \"Field: value\" line (is this an apt list file?)")
                    }
                    if let current { stanza!.fields[current]!.continuation.append(String(decoding: bytes.dropFirst(), as: UTF8.self)) }
                    return false
                }
                if bytes[0] == 0x23 { return false }  // "#": a comment line
                guard let colon = bytes.firstIndex(of: 0x3A), colon > 0 else {
                    throw TextError.malformedStanza(
                        file: name, line: number,
                        reason: "expected \"Field: value\" or a continuation line starting with a space; is this an apt list file?")
                }
                if stanza == nil { stanza = Stanza(line: number) }
                inField = true
                let fieldName = bytes[..<colon].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
                guard kept.contains(fieldName) else {
                    current = nil
                    return false
                }
                let key = String(decoding: fieldName, as: UTF8.self)
                let value = String(decoding: bytes[(colon + 1)...], as: UTF8.self).trimmingSpacesAndTabs()
                stanza!.fields[key] = Field(line: number, value: value)
                current = key
                return false
            }
            if done ?? true { return stanza }
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpacesAndTabs() -> String {
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        let whole = Substring(self)
        let start = whole.utf8.firstIndex { !isBlank($0) } ?? whole.utf8.endIndex
        let end = whole.utf8.lastIndex { !isBlank($0) }.map { whole.utf8.index(after: $0) } ?? start
        return String(Substring(whole.utf8[start..<Swift.max(start, end)]))
    }
}
