#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file (or standard input) in blocks of whole lines, a few megabytes each: the unit
/// that `ParallelLines` shares out between cores while the file streams through.
final class BlockReader {
    /// The file's name as given (or "<stdin>"), used in errors.
    let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var carry: [UInt8] = []
    private var nextLine = 1
    private var atEnd = false

    /// Opens `path`; "-" means standard input.
    init(path: String) throws {
        if path == "-" {
            name = "<stdin>"
            descriptor = 0
            ownsDescriptor = false
        } else {
            let opened = open(path, O_RDONLY)
            guard opened >= 0 else { throw TextError.unreadable(file: path, reason: String(cString: strerror(errno))) }
            name = path
            descriptor = opened
            ownsDescriptor = true
        }
    }

    deinit { if ownsDescriptor { close(descriptor) } }

    /// The next block of whole lines (the input's last line may lack its "\n") with the
    /// 1-based number of its first line, or nil at the end.
    func nextBlock(size: Int = 1 << 22) throws -> (bytes: [UInt8], firstLine: Int)? {
        var buffer = carry
        carry = []
        var searchFrom = 0
        while true {
            if !atEnd && buffer.count < size { try fill(&buffer, upTo: size) }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                return finish(buffer)
            }
            // Cut after the last "\n"; a line longer than the block makes the block grow.
            if let last = buffer[searchFrom...].lastIndex(of: 0x0A) {
                carry = Array(buffer[(last + 1)...])
                buffer.removeSubrange((last + 1)...)
                return finish(buffer)
            }
            searchFrom = buffer.count
            try fill(&buffer, upTo: buffer.count + size)
        }
    }

    private func finish(_ block: [UInt8]) -> (bytes: [UInt8], firstLine: Int) {
        let first = nextLine
        nextLine += block.withUnsafeBufferPointer(Self.lineCount)
        return (block, first)
    }

    /// Lines in `bytes`: one per "\n", plus a last line without one.
    static func lineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        guard let base = bytes.baseAddress else { return 0 }
        var position = base
        let end = base + bytes.count
        while position < end, let found = memchr(position, 0x0A, end - position) {
            count += 1
            position = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
        }
        if let last = bytes.last, last != 0x0A { count += 1 }
        return count
    }

    /// Reads until `buffer` holds `target` bytes or the input ends. Reads straight into the
    /// array's uninitialised tail: zero-filling megabytes first would cost more than reading.
    private func fill(_ buffer: inout [UInt8], upTo target: Int) throws {
        let existing = buffer
        var failure: Int32 = 0
        buffer = [UInt8](unsafeUninitializedCapacity: max(target, existing.count)) { storage, count in
            _ = storage.initialize(from: existing)
            count = existing.count
            while count < target {
                let read = Glibc.read(descriptor, storage.baseAddress! + count, target - count)
                if read < 0 && errno == EINTR { continue }
                if read < 0 { failure = errno }
                if read <= 0 { break }
                count += read
            }
        }
        if failure != 0 { throw TextError.unreadable(file: name, reason: String(cString: strerror(failure))) }
        if buffer.count < target { atEnd = true }
    }
}
