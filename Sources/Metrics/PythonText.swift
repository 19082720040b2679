// The few pieces of Python's `str` behaviour that sacreBLEU and rouge-score lean on.
//
// Both reference tools are Python: they split on `str.split()` whitespace, strip with
// `str.rstrip()`, lowercase with `str.lower()` and index strings by code point. Swift's
// `Character` is a grapheme cluster and `lowercased()` has no final-sigma rule, so matching
// their numbers means working on Unicode scalars with Python's own definitions.

/// Python's `str.isspace()`: bidirectional class WS, B or S, or general category Zs
/// (CPython `Objects/unicodectype.c`, `_PyUnicode_IsWhitespace`).
@inline(__always)
func isPythonWhitespace(_ v: UInt32) -> Bool {
    if v < 0x80 {
        // \t \n \v \f \r, the four information separators 0x1C–0x1F, and space.
        return (v >= 0x09 && v <= 0x0D) || (v >= 0x1C && v <= 0x20)
    }
    switch v {
    case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
        return true
    default:
        return false
    }
}

/// Python's `str.rstrip()` without arguments.
func pythonRStrip(_ s: Substring) -> Substring {
    let scalars = s.unicodeScalars
    var end = scalars.endIndex
    while end > scalars.startIndex {
        let before = scalars.index(before: end)
        if !isPythonWhitespace(scalars[before].value) { break }
        end = before
    }
    return Substring(scalars[scalars.startIndex..<end])
}

/// Python's `str.split()` without arguments: runs of whitespace separate, and no empty
/// pieces are produced.
func pythonSplit(_ s: Substring) -> [Substring] {
    var pieces: [Substring] = []
    let scalars = s.unicodeScalars
    var start: Substring.UnicodeScalarView.Index? = nil
    var i = scalars.startIndex
    while i < scalars.endIndex {
        if isPythonWhitespace(scalars[i].value) {
            if let st = start {
                pieces.append(Substring(scalars[st..<i]))
                start = nil
            }
        } else if start == nil {
            start = i
        }
        i = scalars.index(after: i)
    }
    if let st = start { pieces.append(Substring(scalars[st..<scalars.endIndex])) }
    return pieces
}

/// Python's `str.lower()`: full lowercase mappings, plus the one context-dependent rule
/// Python applies, capital sigma at the end of a word becoming final sigma "ς"
/// (CPython `handle_capital_sigma`). Swift's `lowercased()` always gives "σ".
func pythonLowercased<S: StringProtocol>(_ s: S) -> String {
    if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() }
    let scalars = Array(s.unicodeScalars)
    var out = String.UnicodeScalarView()
    for (i, scalar) in scalars.enumerated() {
        if scalar.value == 0x03A3 {
            out.append(Unicode.Scalar(isFinalSigma(scalars, at: i) ? 0x03C2 : 0x03C3)!)
        } else {
            out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }
    return String(out)
}

/// `\p{cased}\p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased})`, as CPython tests it.
private func isFinalSigma(_ scalars: [Unicode.Scalar], at i: Int) -> Bool {
    var j = i - 1
    while j >= 0 && scalars[j].properties.isCaseIgnorable { j -= 1 }
    guard j >= 0 && scalars[j].properties.isCased else { return false }
    j = i + 1
    while j < scalars.count && scalars[j].properties.isCaseIgnorable { j += 1 }
    return j == scalars.count || !scalars[j].properties.isCased
}

/// The code points of `s` with Python whitespace removed: the string chrF takes its
/// character n-grams from (`''.join(line.split())` in sacreBLEU's `helpers.py`).
func codePointsWithoutWhitespace(_ s: Substring, into buffer: inout [UInt32]) {
    buffer.removeAll(keepingCapacity: true)
    for scalar in s.unicodeScalars where !isPythonWhitespace(scalar.value) {
        buffer.append(scalar.value)
    }
}

/// Splits UTF-8 bytes on Python whitespace, calling `body` with the byte range of each
/// token. Works on bytes so the tokenizers' hot path never builds a `String`.
@inline(__always)
func forEachPythonToken(
    in bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void
) {
    var start = -1
    var i = 0
    let n = bytes.count
    while i < n {
        let (isSpace, width) = pythonWhitespaceAt(bytes, i)
        if isSpace {
            if start >= 0 { body(start..<i); start = -1 }
        } else if start < 0 {
            start = i
        }
        i += width
    }
    if start >= 0 { body(start..<n) }
}

/// Whether the UTF-8 sequence at `i` is Python whitespace, and how many bytes it spans.
@inline(__always)
func pythonWhitespaceAt(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Bool, Int) {
    let c = b[i]
    if c < 0x80 { return (isPythonWhitespace(UInt32(c)), 1) }
    if c < 0xE0 {
        guard i + 1 < b.count else { return (false, 1) }
        let v = (UInt32(c & 0x1F) << 6) | UInt32(b[i + 1] & 0x3F)
        return (isPythonWhitespace(v), 2)
    }
    if c < 0xF0 {
        guard i + 2 < b.count else { return (false, 1) }
        let v = (UInt32(c & 0x0F) << 12) | (UInt32(b[i + 1] & 0x3F) << 6)
            | UInt32(b[i + 2] & 0x3F)
        return (isPythonWhitespace(v), 3)
    }
    return (false, 4)
}
