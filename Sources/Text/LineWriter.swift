#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes lines to a file or standard output through C stdio's buffer (one `write` system
/// call per few kilobytes, not per line).
public final class LineWriter {
    /// The file's name (or "<stdout>"), used in errors.
    public let name: String
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool

    /// Creates or truncates `path`; "-" means standard output.
    public init(path: String) throws {
        if path == "-" {
            guard let output = fdopen(1, "wb") else {
                throw TextError.unwritable(file: "<stdout>", reason: String(cString: strerror(errno)))
            }
            name = "<stdout>"
            file = output
            ownsFile = false
        } else {
            guard let opened = fopen(path, "wb") else {
                throw TextError.unwritable(file: path, reason: String(cString: strerror(errno)))
            }
            name = path
            file = opened
            ownsFile = true
        }
    }

    deinit {
        fflush(file)
        if ownsFile { fclose(file) }
    }

    /// Writes `line` and a "\n".
    public func write(_ line: String) {
        var line = line
        line.withUTF8 { bytes in _ = fwrite(bytes.baseAddress, 1, bytes.count, file) }
        fputc(0x0A, file)
    }

    /// Writes bytes as they are (the caller supplies the "\n"s).
    public func write(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, file) }
    }

    /// Writes bytes as they are.
    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        _ = fwrite(bytes.baseAddress, 1, bytes.count, file)
    }

    /// Flushes buffered output.
    public func flush() { fflush(file) }
}
