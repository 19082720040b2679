// The tokenisations sacreBLEU's BLEU applies before counting word n-grams
// (sacreBLEU 2.x, `sacrebleu/tokenizers/`). Each is a short list of regular-expression
// substitutions; they are translated here into scans with the exact semantics of Python's
// `re.sub`: the leftmost match wins, matches do not overlap, and scanning resumes after the
// end of the previous match.

/// A tokenisation sacreBLEU's BLEU can apply (`--tokenize`).
public enum BLEUTokenization: String, Sendable, CaseIterable, Codable {
    /// mteval-v13a.pl, sacreBLEU's default (`tokenizer_13a.py`, `tokenizer_re.py`).
    case thirteenA = "13a"
    /// mteval-v14.pl's international tokenisation on Unicode categories
    /// (`tokenizer_intl.py`).
    case intl
    /// Every non-whitespace character is a token (`tokenizer_char.py`).
    case char
    /// Whitespace splitting only (`tokenizer_none.py`).
    case none

    /// The name sacreBLEU prints in the signature (`tok:13a`).
    public var signature: String { rawValue }

    /// Tokenises one line and returns its tokens, as `line.split()` would after
    /// sacreBLEU's tokenizer.
    public func tokens(_ line: String) -> [String] {
        var buffer: [UInt8] = [], scratch: [UInt8] = []
        tokenize(Substring(line), into: &buffer, scratch: &scratch)
        var result: [String] = []
        buffer.withUnsafeBufferPointer { b in
            forEachPythonToken(in: b) { r in
                result.append(String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self))
            }
        }
        return result
    }

    /// Writes the tokenised line to `out` as UTF-8 with tokens separated by whitespace.
    /// The caller splits it with Python's whitespace rule (`forEachPythonToken`).
    /// `scratch` is working space, passed in so that a loop over lines allocates nothing.
    func tokenize(_ line: Substring, into out: inout [UInt8], scratch: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        switch self {
        case .none:
            out.append(contentsOf: line.utf8)
        case .char:
            // `" ".join(char for char in line)`: every code point becomes a token, and
            // whitespace code points vanish in the later split.
            for scalar in line.unicodeScalars {
                out.append(contentsOf: UTF8.encode(scalar)!)
                out.append(0x20)
            }
        case .thirteenA:
            tokenize13a(line, into: &out, scratch: &scratch)
        case .intl:
            tokenizeIntl(line, into: &out)
        }
    }
}

// MARK: - 13a

/// `Tokenizer13a.__call__` followed by `TokenizerRegexp.__call__`.
///
/// The patterns involve ASCII only, so they run on UTF-8 bytes: every byte of a multi-byte
/// character is ≥ 0x80, which the byte scans treat exactly as the regular expressions treat
/// the whole character (not a digit, not `.` or `,`, not in the punctuation set).
private func tokenize13a(_ line: Substring, into out: inout [UInt8], scratch: inout [UInt8]) {
    // `f' {line} '`, then r'([\{-\~\[-\` -\&\(-\+\:-\@\/])' → r' \1 ', into `scratch`.
    scratch.removeAll(keepingCapacity: true)
    scratch.append(0x20)
    var text = line
    text.withUTF8 { bytes in
        if bytes.contains(where: { $0 == UInt8(ascii: "<") || $0 == 0x0A || $0 == UInt8(ascii: "&") }) {
            padPunctuation(mtevalCleaned(line), into: &scratch)
        } else {
            padPunctuation(bytes, into: &scratch)
        }
    }
    scratch.append(0x20)
    // Period and comma, unless preceded by a digit: r'([^0-9])([\.,])' → r'\1 \2 '.
    substitutePairs(scratch, into: &out, { !isDigit($0) }, isPeriodOrComma, style: .spaceAfterEach)
    // Period and comma, unless followed by a digit: r'([\.,])([^0-9])' → r' \1 \2'.
    substitutePairs(out, into: &scratch, isPeriodOrComma, { !isDigit($0) }, style: .spaceBeforeEach)
    // Dash after a digit: r'([0-9])(-)' → r'\1 \2 '.
    substitutePairs(scratch, into: &out, isDigit, { $0 == UInt8(ascii: "-") }, style: .spaceAfterEach)
}

/// The language-independent part of mteval-v13a: drop `<skipped>`, join hyphenated line
/// breaks, and undo the four XML escapes, in this order. Only called when the line has a
/// `<`, `&` or newline, so the common line skips it.
private func mtevalCleaned(_ line: Substring) -> [UInt8] {
    var text = Array(line.utf8)
    replaceAll(&text, "<skipped>", "")
    replaceAll(&text, "-\n", "")
    replaceAll(&text, "\n", " ")
    if text.contains(UInt8(ascii: "&")) {
        replaceAll(&text, "&quot;", "\"")
        replaceAll(&text, "&amp;", "&")
        replaceAll(&text, "&lt;", "<")
        replaceAll(&text, "&gt;", ">")
    }
    return text
}

@inline(__always)
private func padPunctuation<S: Sequence<UInt8>>(_ text: S, into out: inout [UInt8]) {
    for c in text {
        if isMtevalPunctuation(c) {
            out.append(0x20); out.append(c); out.append(0x20)
        } else {
            out.append(c)
        }
    }
}

@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
@inline(__always) private func isPeriodOrComma(_ c: UInt8) -> Bool { c == 0x2E || c == 0x2C }

/// The class `[\{-\~\[-\` -\&\(-\+\:-\@\/]`: `{|}~`, `[\]^_\``, space to `&`, `()*+`,
/// `:;<=>?@` and `/`. Apostrophe, comma, hyphen and period are deliberately absent.
@inline(__always) private func isMtevalPunctuation(_ c: UInt8) -> Bool {
    switch c {
    case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
    default: return false
    }
}

/// Python's `str.replace(old, new)` on UTF-8 bytes (equal to the code point version for
/// ASCII patterns): left to right, non-overlapping.
private func replaceAll(_ text: inout [UInt8], _ old: StaticString, _ new: StaticString) {
    let o = UnsafeBufferPointer(start: old.utf8Start, count: old.utf8CodeUnitCount)
    guard let first = o.first, text.contains(first) else { return }
    let n = UnsafeBufferPointer(start: new.utf8Start, count: new.utf8CodeUnitCount)
    var result: [UInt8] = []
    result.reserveCapacity(text.count)
    var i = 0
    var changed = false
    while i < text.count {
        if text[i] == first, i + o.count <= text.count,
            (0..<o.count).allSatisfy({ text[i + $0] == o[$0] })
        {
            result.append(contentsOf: n)
            i += o.count
            changed = true
        } else {
            result.append(text[i])
            i += 1
        }
    }
    if changed { text = result }
}

// MARK: - intl

/// `TokenizerV14International.__call__`: three substitutions on Unicode general
/// categories, with the `regex` module's `\p{N}`, `\p{P}` and `\p{S}`.
private func tokenizeIntl(_ line: Substring, into out: inout [UInt8]) {
    let scalars = line.unicodeScalars.map(\.value)
    // r'(\P{N})(\p{P})' → r'\1 \2 ': punctuation preceded by a non-digit.
    var a: [UInt32] = [], b: [UInt32] = []
    substitutePairs(scalars, into: &a, { !isNumber($0) }, isPunctuation, style: .spaceAfterEach)
    // r'(\p{P})(\P{N})' → r' \1 \2': punctuation followed by a non-digit.
    substitutePairs(a, into: &b, isPunctuation, { !isNumber($0) }, style: .spaceBeforeEach)
    // r'(\p{S})' → r' \1 ': every symbol.
    for v in b {
        if isSymbol(v) {
            out.append(0x20)
            out.append(contentsOf: UTF8.encode(Unicode.Scalar(v)!)!)
            out.append(0x20)
        } else {
            out.append(contentsOf: UTF8.encode(Unicode.Scalar(v)!)!)
        }
    }
}

private func category(_ v: UInt32) -> Unicode.GeneralCategory {
    Unicode.Scalar(v)?.properties.generalCategory ?? .unassigned
}

/// `\p{N}`: Nd, Nl, No.
private func isNumber(_ v: UInt32) -> Bool {
    if v < 0x80 { return v >= 0x30 && v <= 0x39 }
    switch category(v) {
    case .decimalNumber, .letterNumber, .otherNumber: return true
    default: return false
    }
}

/// `\p{P}`: Pc, Pd, Ps, Pe, Pi, Pf, Po.
private func isPunctuation(_ v: UInt32) -> Bool {
    switch category(v) {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
        .initialPunctuation, .finalPunctuation, .otherPunctuation:
        return true
    default: return false
    }
}

/// `\p{S}`: Sm, Sc, Sk, So.
private func isSymbol(_ v: UInt32) -> Bool {
    switch category(v) {
    case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: return true
    default: return false
    }
}

// MARK: - Two-unit substitutions

/// Where the replacement puts spaces around the two matched units.
private enum PairStyle {
    /// `\1 \2 `
    case spaceAfterEach
    /// ` \1 \2`
    case spaceBeforeEach
}

/// `re.sub` of a two-unit pattern `(first)(second)`: scan left to right; on a match emit
/// the replacement and resume after the second unit, otherwise emit one unit and move on.
@inline(__always)
private func substitutePairs<U: FixedWidthInteger>(
    _ input: [U], into out: inout [U], _ first: (U) -> Bool, _ second: (U) -> Bool,
    style: PairStyle
) {
    // A match turns 2 units into 4, so the output is at most twice the input.
    out = [U](unsafeUninitializedCapacity: 2 * input.count) { o, written in
        let space = U(0x20)
        var w = 0
        input.withUnsafeBufferPointer { x in
            var i = 0
            let n = x.count
            while i < n {
                if i + 1 < n && first(x[i]) && second(x[i + 1]) {
                    switch style {
                    case .spaceAfterEach:
                        o[w] = x[i]; o[w + 1] = space; o[w + 2] = x[i + 1]; o[w + 3] = space
                    case .spaceBeforeEach:
                        o[w] = space; o[w + 1] = x[i]; o[w + 2] = space; o[w + 3] = x[i + 1]
                    }
                    w += 4
                    i += 2
                } else {
                    o[w] = x[i]
                    w += 1
                    i += 1
                }
            }
        }
        written = w
    }
}
