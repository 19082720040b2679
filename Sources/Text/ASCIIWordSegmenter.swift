/// UAX #29 word boundaries for ASCII text, as ICU's root rules place them, without calling
/// ICU: most lines of most corpora are ASCII, and for them this is several times faster than
/// ICU's break iterator (which reads its rules through a state table and UText). Tests check
/// that it agrees with ICU on every boundary of many random ASCII lines.
///
/// ASCII word-break classes (UAX #29 table 3; ICU's root rules leave ":" out of MidLetter):
/// letters and "@", digits, "." (MidNumLet), "'" (Single_Quote), "," ";" (MidNum), "_"
/// (ExtendNumLet), " " (WSegSpace), CR, LF, VT and FF (Newline); everything else is Other.
enum ASCIIWordSegmenter {
    private enum Class: UInt8 {
        case other, letter, digit, midNumLet, singleQuote, midNum, extendNumLet, space, cr, lf, newline
    }

    private static let classes: [Class] = (0..<256).map { byte -> Class in
        switch UInt8(byte) {
        // ICU's root rules count "@" as a letter, to keep e-mail addresses whole.
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "@"):
            return .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .digit
        case UInt8(ascii: "."): return .midNumLet
        case UInt8(ascii: "'"): return .singleQuote
        case UInt8(ascii: ","), UInt8(ascii: ";"): return .midNum
        case UInt8(ascii: "_"): return .extendNumLet
        case 0x20: return .space
        case 0x0D: return .cr
        case 0x0A: return .lf
        case 0x0B, 0x0C: return .newline
        default: return .other
        }
    }

    /// The class table as a raw pointer, made once and never written after: the segmenter
    /// reads it for every byte.
    nonisolated(unsafe) private static let classTable: UnsafePointer<Class> = {
        let table = UnsafeMutablePointer<Class>.allocate(capacity: 256)
        table.initialize(from: classes, count: 256)
        return UnsafePointer(table)
    }()

    /// Segments of an all-ASCII line: (byte range, kind), covering it without gaps. The kind
    /// is that of the segment's first character (ICU's rule statuses differ for a few mixed
    /// segments; the tokenizer only needs kinds for splits that go through ICU anyway).
    static func segments(_ bytes: UnsafeBufferPointer<UInt8>) -> [(Range<Int>, WordKind)] {
        guard let base = bytes.baseAddress else { return [] }
        var result: [(Range<Int>, WordKind)] = []
        result.reserveCapacity(bytes.count / 3)
        var start = 0
        while start < bytes.count {
            let end = segmentEnd(base, count: bytes.count, from: start)
            result.append((start..<end, kind(classTable[Int(base[start])])))
            start = end
        }
        return result
    }

    /// Where the segment that starts at `start` (< `count`) ends: the next boundary.
    @inline(__always)
    static func segmentEnd(_ base: UnsafePointer<UInt8>, count: Int, from start: Int) -> Int {
        let table = classTable
        @inline(__always) func at(_ index: Int) -> Class {
            index >= 0 && index < count ? table[Int(base[index])] : .other
        }
        var left = table[Int(base[start])]
        var index = start + 1
        while index < count {
            let right = table[Int(base[index])]
            // Runs of letters and digits, and of spaces, never break inside (WB5, WB8-10, WB3d).
            let sameRun = left == right ? (left == .letter || left == .digit || left == .space)
                : ((left == .letter && right == .digit) || (left == .digit && right == .letter))
            if !sameRun && isBreak(at(index - 2), left, right, at(index + 1)) { return index }
            left = right
            index += 1
        }
        return count
    }

    private static func kind(_ first: Class) -> WordKind {
        first == .letter ? .letters : first == .digit ? .number : .other
    }

    /// Whether there is a boundary between `left` and `right`; `before` precedes `left`,
    /// `after` follows `right` (rules WB3–WB13b that apply to ASCII).
    private static func isBreak(_ before: Class, _ left: Class, _ right: Class, _ after: Class) -> Bool {
        if left == .cr && right == .lf { return false }  // WB3
        if left == .cr || left == .lf || left == .newline { return true }  // WB3a
        if right == .cr || right == .lf || right == .newline { return true }  // WB3b
        if left == .space && right == .space { return false }  // WB3d
        let leftWord = left == .letter || left == .digit
        let rightWord = right == .letter || right == .digit
        if leftWord && rightWord { return false }  // WB5, WB8, WB9, WB10
        let rightMid = right == .midNumLet || right == .singleQuote
        let leftMid = left == .midNumLet || left == .singleQuote
        if left == .letter && rightMid && after == .letter { return false }  // WB6
        if before == .letter && leftMid && right == .letter { return false }  // WB7
        if before == .digit && (leftMid || left == .midNum) && right == .digit { return false }  // WB11
        if left == .digit && (rightMid || right == .midNum) && after == .digit { return false }  // WB12
        if (leftWord || left == .extendNumLet) && right == .extendNumLet { return false }  // WB13a
        if left == .extendNumLet && rightWord { return false }  // WB13b
        return true  // WB999
    }
}
