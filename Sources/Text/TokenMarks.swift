/// The characters that make tokenisation reversible, and the escaping that keeps them
/// unambiguous when the text itself contains them.
///
/// A token never contains whitespace (tokens are written separated by spaces, and BPE splits
/// on spaces), so whitespace inside a token is escaped, as are literal occurrences of the
/// marks. An escape is `％`, the code point in lower-case hex, `％`: `％9％` is a tab. Lower
/// case keeps escapes unchanged by lower-casing and by case markup.
public enum TokenMarks {
    /// Prefix of a token that was glued to the previous one (no space between them in the
    /// text), as in OpenNMT Tokenizer's joiner annotation: "Hello ￭, world ￭!".
    public static let joiner: Unicode.Scalar = "\u{FFED}"  // ￭ HALFWIDTH BLACK SQUARE
    /// A space in character mode, as in SentencePiece.
    public static let space: Unicode.Scalar = "\u{2581}"  // ▁ LOWER ONE EIGHTH BLOCK
    /// Case markup: the next token was capitalised ("Hello" → "⇧ hello").
    public static let capitalized: Unicode.Scalar = "\u{21E7}"  // ⇧ UPWARDS WHITE ARROW
    /// Case markup: the next token was all upper case ("NATO" → "⇪ nato").
    public static let uppercased: Unicode.Scalar = "\u{21EA}"  // ⇪ UP ARROW FROM BAR
    /// Starts and ends an escaped code point.
    public static let escape: Unicode.Scalar = "\u{FF05}"  // ％ FULLWIDTH PERCENT SIGN

    /// The capitalisation marker as a token.
    public static let capitalizedToken = String(capitalized)
    /// The all-caps marker as a token.
    public static let uppercasedToken = String(uppercased)
    /// The character-mode space as a token.
    public static let spaceToken = String(space)

    static func isReserved(_ scalar: Unicode.Scalar) -> Bool {
        scalar == joiner || scalar == space || scalar == capitalized || scalar == uppercased
            || scalar == escape
    }

    /// Whether a scalar must be escaped inside a token: the marks, and anything that would
    /// split a token or a line (whitespace, line and paragraph separators, controls).
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value <= 0x20 || scalar.value == 0x7F }
        if isReserved(scalar) { return true }
        let properties = scalar.properties
        return properties.isWhitespace || properties.generalCategory == .control
            || properties.generalCategory == .lineSeparator
            || properties.generalCategory == .paragraphSeparator
    }

    /// Appends `scalars` to `token`, escaping what needs it.
    static func appendEscaped<S: Sequence<Unicode.Scalar>>(_ scalars: S, to token: inout String) {
        for scalar in scalars {
            if needsEscape(scalar) {
                token.unicodeScalars.append(escape)
                token += String(scalar.value, radix: 16)
                token.unicodeScalars.append(escape)
            } else {
                token.unicodeScalars.append(scalar)
            }
        }
    }

    /// `text` with escapes replaced by the code points they stand for. A malformed escape is
    /// kept as written (a model can produce anything).
    static func unescape(_ text: Substring) -> String {
        guard text.unicodeScalars.contains(escape) else { return String(text) }
        var result = ""
        var scalars = text.unicodeScalars[...]
        while let index = scalars.firstIndex(of: escape) {
            result.unicodeScalars.append(contentsOf: scalars[..<index])
            let rest = scalars[scalars.index(after: index)...]
            if let end = rest.firstIndex(of: escape),
                let value = UInt32(String(rest[..<end]), radix: 16),
                let scalar = Unicode.Scalar(value)
            {
                result.unicodeScalars.append(scalar)
                scalars = rest[rest.index(after: end)...]
            } else {
                result.unicodeScalars.append(escape)
                scalars = rest
            }
        }
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }
}
