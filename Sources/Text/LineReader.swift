#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a text file (or standard input) line by line without loading it whole, checking
/// that each line is UTF-8 and naming file, line and byte when it is not.
///
/// A line is what lies between "\n"s; the "\n" is not part of it, a "\r" before it is
/// (pass `dropCarriageReturn` to drop it). A last line without "\n" is still a line.
public final class LineReader {
    /// The file's name as given (or "<stdin>"), used in errors.
    public let name: String
    /// 1-based number of the line returned last (0 before the first).
    public private(set) var lineNumber = 0
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private let dropCarriageReturn: Bool
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    /// Opens `path`; "-" means standard input.
    public init(path: String, dropCarriageReturn: Bool = false) throws {
        self.dropCarriageReturn = dropCarriageReturn
        if path == "-" {
            name = "<stdin>"
            guard let input = fdopen(0, "rb") else {
                throw TextError.unreadable(file: "<stdin>", reason: String(cString: strerror(errno)))
            }
            file = input
            ownsFile = false
        } else {
            guard let opened = fopen(path, "rb") else {
                throw TextError.unreadable(file: path, reason: String(cString: strerror(errno)))
            }
            name = path
            file = opened
            ownsFile = true
        }
    }

    deinit {
        free(buffer)
        if ownsFile { fclose(file) }
    }

    /// The next line, or nil at the end of the file.
    public func next() throws -> String? {
        try withNextLine { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of the next line (valid UTF-8, without "\n"), or returns
    /// nil at the end of the file. The bytes are only valid during the call: this spares
    /// building a String when a line is only passed through.
    public func withNextLine<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result? {
        let read = getline(&buffer, &capacity, file)
        if read < 0 { return nil }
        lineNumber += 1
        var count = read
        let bytes = UnsafeRawPointer(buffer!).assumingMemoryBound(to: UInt8.self)
        if count > 0 && bytes[count - 1] == 0x0A { count -= 1 }
        if dropCarriageReturn && count > 0 && bytes[count - 1] == 0x0D { count -= 1 }
        let line = UnsafeBufferPointer(start: bytes, count: count)
        if let bad = firstInvalidUTF8Byte(line) {
            throw TextError.invalidUTF8(file: name, line: lineNumber, byte: bad + 1)
        }
        return try body(line)
    }

    /// Reads the rest of the file; returns how many lines there were.
    public func skipToEnd() -> Int {
        while getline(&buffer, &capacity, file) >= 0 { lineNumber += 1 }
        return lineNumber
    }
}

/// The offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629:
/// no overlong forms, no surrogates, nothing above U+10FFFF), or nil if all are.
func firstInvalidUTF8Byte(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var index = 0
    let count = bytes.count
    // Most text is ASCII: skip it eight bytes at a time.
    if let base = bytes.baseAddress {
        let raw = UnsafeRawPointer(base)
        while index + 8 <= count && raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            index += 8
        }
    }
    while index < count {
        let lead = bytes[index]
        if lead < 0x80 {
            index += 1
            continue
        }
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return index
        }
        for k in 1..<length {
            guard index + k < count else { return index }
            let byte = bytes[index + k]
            let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            if byte < lo || byte > hi { return index }
        }
        index += length
    }
    return nil
}

/// All lines of a file (or "-" for standard input), checked as UTF-8.
public func readLines(_ path: String, dropCarriageReturn: Bool = false) throws -> [String] {
    let reader = try LineReader(path: path, dropCarriageReturn: dropCarriageReturn)
    var lines: [String] = []
    while let line = try reader.next() { lines.append(line) }
    return lines
}
