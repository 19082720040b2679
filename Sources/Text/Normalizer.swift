import _ICUShim

/// Unicode normalisation applied to every line before anything else (UAX #15).
public enum Normalization: String, Sendable, CaseIterable, Codable {
    /// Leave the text as it is.
    case none
    /// Canonical composition: "e" + U+0301 becomes "é"; what the text means is unchanged.
    case nfc
    /// Compatibility composition: also folds look-alikes ("ﬁ" → "fi", "①" → "1", full-width
    /// forms → ASCII). Loses distinctions, gains sharing between spellings.
    case nfkc

    /// `text` in this normal form.
    public func apply(_ text: String) throws -> String {
        if self == .none { return text }
        // ASCII is already in every normal form; most lines of most corpora are ASCII.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        let form: Int32 = self == .nfc ? 0 : 1
        var source = text
        return try source.withUTF8 { bytes in
            try bytes.withMemoryRebound(to: CChar.self) { input in
                try icuString("normalisation (\(rawValue))") { out, capacity in
                    recur_icu_normalize(form, input.baseAddress, Int32(input.count), out, capacity)
                }
            }
        }
    }
}
