import Foundation

/// Reads and writes the safetensors format (huggingface/safetensors): an 8-byte
/// little-endian header length, a JSON header mapping each name to its dtype, shape and
/// byte range, then the raw little-endian data. Python reads it with
/// `safetensors.numpy.load_file`, so weights move freely between Recur and PyTorch.
public enum SafeTensors {
    public struct FormatError: Error, CustomStringConvertible {
        public let description: String
    }

    /// What one entry of a file holds.
    public enum Payload {
        case float32(Tensor)
        /// Signed bytes of a shape (an int8-quantised weight).
        case int8([Int8], shape: [Int])
    }

    /// Serialises named float32 tensors, with optional string metadata.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) throws -> Data {
        try encode(payloads: tensors.map { ($0.name, .float32($0.tensor)) }, metadata: metadata)
    }

    /// Serialises named float32 and int8 entries, with optional string metadata.
    public static func encode(payloads: [(name: String, payload: Payload)], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, payload) in payloads {
            guard header[name] == nil else { throw FormatError(description: "tensor name '\(name)' appears twice") }
            let (dtype, shape, bytes): (String, [Int], Int) = switch payload {
            case .float32(let tensor): ("F32", tensor.shape, tensor.count * 4)
            case .int8(let values, let shape): ("I8", shape, values.count)
            }
            header[name] = ["dtype": dtype, "shape": shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }  // pad with spaces so the data is 8-byte aligned
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for (_, payload) in payloads {
            switch payload {
            case .float32(let tensor): data.append(UnsafeBufferPointer(start: tensor.pointer, count: tensor.count))
            case .int8(let values, _): values.withUnsafeBytes { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// The tensors (converted to float32; int8 values become their exact float values) and
    /// metadata of a safetensors file's contents.
    /// `source` names the file in errors.
    public static func decode(_ data: Data, source: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        try data.withUnsafeBytes { try decode(bytes: $0, source: source, mapping: nil) }
    }

    /// Decodes `bytes`. When they are a `mapping`, float32 tensors are not copied: each
    /// borrows its bytes in the mapping, which it keeps alive.
    static func decode(bytes data: UnsafeRawBufferPointer, source: String, mapping: MappedFile?) throws
        -> (tensors: [String: Tensor], metadata: [String: String])
    {
        func fail(_ what: String) -> FormatError { FormatError(description: "\(source): \(what)") }
        guard data.count >= 8 else { throw fail("too short for a safetensors file (\(data.count) bytes)") }
        let rawLength = UInt64(littleEndian: data.loadUnaligned(as: UInt64.self))
        guard let headerLength = Int(exactly: rawLength), headerLength > 0, headerLength <= data.count - 8 else {
            throw fail("header length \(rawLength) does not fit in \(data.count) bytes: not a safetensors file, or truncated")
        }
        guard let header = try? JSONSerialization.jsonObject(with: Data(data[8..<8 + headerLength])) as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        let base = 8 + headerLength
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = value as? [String: String] ?? [:]
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw fail("tensor '\(name)' has a malformed header entry") }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor '\(name)' has a negative dimension in shape \(shape)") }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw fail("tensor '\(name)' has an impossibly large shape \(shape)") }
                count = product
            }
            let width = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I8": 1][dtype]
            guard let width else { throw fail("tensor '\(name)' has dtype \(dtype); Recur reads F32, F64, F16, BF16 and I8") }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow, offsets[0] >= 0, offsets[1] - offsets[0] == bytes, offsets[1] <= data.count - base else {
                throw fail("tensor '\(name)' (\(dtype) \(shape)) has byte range \(offsets) that does not match its size or the file")
            }
            let start = data.baseAddress! + base + offsets[0]
            if let mapping, dtype == "F32", Int(bitPattern: start) % 4 == 0, UInt32(1).littleEndian == 1 {
                tensors[name] = Tensor(borrowing: UnsafeMutableRawPointer(mutating: start).assumingMemoryBound(to: Float.self),
                                       shape: shape, owner: mapping)
                continue
            }
            let tensor = Tensor(uninitialized: shape)
            for i in 0..<count {
                switch dtype {
                case "F32": tensor.pointer[i] = Float(bitPattern: UInt32(littleEndian: start.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                case "F64": tensor.pointer[i] = Float(Double(bitPattern: UInt64(littleEndian: start.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                case "F16": tensor.pointer[i] = Float(Float16(bitPattern: UInt16(littleEndian: start.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                case "I8": tensor.pointer[i] = Float(start.load(fromByteOffset: i, as: Int8.self))
                default: tensor.pointer[i] = Float(bitPattern: UInt32(UInt16(littleEndian: start.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                }
            }
            tensors[name] = tensor
        }
        return (tensors, metadata)
    }

    /// Writes `tensors` to `url` atomically: a temporary file beside it, flushed to disk,
    /// then renamed over the target, so a crash at any moment leaves either the old file or
    /// the new one, never half of one.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(try encode(tensors, metadata: metadata), to: url)
    }

    /// Writes float32 and int8 entries to `url` atomically.
    public static func write(payloads: [(name: String, payload: Payload)], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(try encode(payloads: payloads, metadata: metadata), to: url)
    }

    /// Reads a safetensors file by mapping it into memory: its float32 tensors are views of
    /// the mapping (copy-on-write, so writing to them never changes the file), and pages are
    /// read from disk when first touched. Other dtypes are converted into fresh tensors.
    public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let mapping = try MappedFile(path: url.path)
        return try decode(bytes: UnsafeRawBufferPointer(mapping.bytes), source: url.path, mapping: mapping)
    }
}

/// A file mapped into memory privately: reads come from the page cache, writes stay in this
/// process (copy-on-write). Unmapped when the last tensor borrowing from it goes away.
///
/// Replacing the file while it is mapped must go through a rename (as `AtomicFile` and every
/// Recur command do): overwriting or truncating it in place (`cp` over it) would change or
/// remove pages the process has not read yet (SIGBUS).
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer

    init(path: String) throws {
        func fail(_ what: String, _ code: Int32) -> SafeTensors.FormatError {
            SafeTensors.FormatError(description: "\(path): cannot \(what) (\(String(validatingCString: strerror(code)) ?? "error \(code)"))")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw fail("read", errno) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw fail("read", errno) }
        let size = Int(status.st_size)
        guard size > 0 else {  // mmap refuses empty files; the decoder reports them as too short
            bytes = UnsafeMutableRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw fail("map into memory", errno)
        }
        bytes = UnsafeMutableRawBufferPointer(start: address, count: size)
    }

    deinit { if let base = bytes.baseAddress { munmap(base, bytes.count) } }
}

/// Crash-safe file replacement: write a uniquely named temporary file in the same
/// directory, fsync it, rename it over the target, fsync the directory.
public enum AtomicFile {
    /// Replaces `url`'s contents with `data`, so that a crash leaves the old file or the new.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        var template = Array(directory.appendingPathComponent(".\(url.lastPathComponent).tmp-XXXXXX").path.utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw posixError("cannot create a temporary file in \(directory.path)", errno) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                if n > 0 { written += n } else if n < 0 && errno == EINTR { continue } else { failure = n < 0 ? errno : EIO; return }
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        fchmodIfPossible(temporary)
        guard failure == 0 else {
            unlink(temporary)
            throw posixError("cannot write \(temporary) (disk full?)", failure)
        }
        guard rename(temporary, url.path) == 0 else {
            let error = errno
            unlink(temporary)
            throw posixError("cannot move \(temporary) to \(url.path)", error)
        }
        let dirfd = open(directory.path, O_RDONLY)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }

    /// mkstemp makes files readable by the owner only; results are ordinary files.
    private static func fchmodIfPossible(_ path: String) { chmod(path, 0o644) }

    static func posixError(_ what: String, _ code: Int32) -> SafeTensors.FormatError {
        SafeTensors.FormatError(description: "\(what): \(String(cString: strerror(code)))")
    }
}
