// Reads a hypothesis or reference file the way the sacreBLEU command line does: UTF-8,
// split on "\n" only (`open(..., newline="\n")`), each line stripped of trailing
// whitespace (`line.rstrip()`). Errors name the file and line.

import Foundation

/// An input problem a person can fix: it names the file (and line) and what to do.
public struct MetricsInputError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The lines of a UTF-8 text file, each with trailing whitespace removed.
public func readLines(path: String) throws -> [String] {
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw MetricsInputError("\(path): cannot read the file (\(error.localizedDescription)); check the path")
    }
    var lines: [String] = []
    var lineNumber = 0
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
        let bytes = raw.bindMemory(to: UInt8.self)
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
            guard let line = String(validating: slice, as: UTF8.self) else {
                let offset = firstInvalidUTF8Offset(slice)
                throw MetricsInputError(
                    "\(path):\(lineNumber): invalid UTF-8 at byte \(offset + 1) of the line; "
                        + "re-encode the file as UTF-8 (e.g. iconv -t UTF-8)")
            }
            lines.append(String(pythonRStrip(Substring(line))))
            start = end + 1
        }
    }
    return lines
}

/// The offset of the first byte that does not begin a valid UTF-8 sequence.
private func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var i = 0
    while i < bytes.count {
        var end = i + 1
        while end <= min(bytes.count, i + 4) {
            if String(validating: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self) != nil {
                break
            }
            end += 1
        }
        if end > min(bytes.count, i + 4) { return i }
        i = end
    }
    return bytes.count
}
