import _ICUShim

/// Calls one of the shim's "write into a buffer, return the size needed" functions and
/// returns its result as a String, retrying once with a larger buffer when needed.
func icuString(
    _ operation: String, _ body: (UnsafeMutablePointer<CChar>, Int32) -> Int32
) throws -> String {
    var capacity: Int32 = 256
    for _ in 0..<2 {
        var buffer = [CChar](repeating: 0, count: Int(capacity) + 1)
        let needed = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, capacity) }
        if needed < 0 { throw TextError.icu(operation: operation, code: icuErrorName(needed)) }
        if needed < capacity {
            return String(decoding: buffer[0..<Int(needed)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        capacity = needed + 1
    }
    throw TextError.icu(operation: operation, code: "buffer size changed between calls")
}

func icuErrorName(_ negatedCode: Int32) -> String {
    String(cString: recur_icu_error_name(-negatedCode))
}

/// ICU's word kinds, as reported by the break iterator's rule status for a segment.
enum WordKind {
    case other  // spaces, punctuation, symbols
    case number
    case letters  // letters, kana, ideographs

    init(ruleStatus: Int32) {
        switch ruleStatus {
        case 100..<200: self = .number
        case 200..<500: self = .letters
        default: self = .other
        }
    }
}

/// One reusable ICU word break iterator (UAX #29 with dictionaries for Thai, CJK, ...).
/// Opening an iterator costs much more than segmenting a line, so one is kept per tokenizer.
final class WordBreaker {
    private let handle: OpaquePointer
    private var offsets = [Int32](repeating: 0, count: 256)
    private var statuses = [Int32](repeating: 0, count: 256)

    init(locale: String) throws {
        var error: Int32 = 0
        guard let handle = recur_icu_word_breaker_open(locale, &error) else {
            throw TextError.icu(operation: "word break iterator for locale \"\(locale)\"", code: icuErrorName(error))
        }
        self.handle = handle
    }

    deinit { recur_icu_word_breaker_close(handle) }

    /// The segments of `bytes` as (byte range, kind), covering it without gaps.
    func segments(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [(Range<Int>, WordKind)] {
        guard bytes.count > 0 else { return [] }
        var count = call(bytes)
        if count > offsets.count {
            offsets = [Int32](repeating: 0, count: Int(count))
            statuses = offsets
            count = call(bytes)
        }
        if count < 0 { throw TextError.icu(operation: "word segmentation", code: icuErrorName(count)) }
        var result: [(Range<Int>, WordKind)] = []
        result.reserveCapacity(Int(count))
        for index in 1..<Int(count) {
            result.append((Int(offsets[index - 1])..<Int(offsets[index]), WordKind(ruleStatus: statuses[index])))
        }
        return result
    }

    private func call(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let capacity = Int32(offsets.count)
        return bytes.withMemoryRebound(to: CChar.self) { text in
            recur_icu_word_breaker_boundaries(
                handle, text.baseAddress, Int32(text.count), &offsets, &statuses, capacity)
        }
    }
}
