/// How `Tokenizer` cuts lines into tokens. Every field has a default, so a recipe names only
/// what it changes (like nanoGPT's `GPTConfig`).
public struct TokenizerOptions: Sendable, Equatable, Codable {
    /// Words (ICU word segmentation) or single characters.
    public enum Mode: String, Sendable, Equatable, Codable, CaseIterable {
        /// UAX #29 word segmentation with ICU's dictionaries (Thai, Chinese, Japanese, ...),
        /// punctuation apart from words, joiner marks where there was no space.
        case words
        /// Every character (grapheme cluster) a token, a space written as `▁`; for
        /// character-level models.
        case characters
    }

    /// What happens to letter case.
    public enum CaseHandling: String, Sendable, Equatable, Codable, CaseIterable {
        /// Leave case alone.
        case keep
        /// Lower-case everything; detokenisation cannot restore the case.
        case lowercase
        /// Lower-case tokens, and put `⇧` (capitalised) or `⇪` (all caps) before a token whose
        /// case was changed, so detokenisation restores it. A token of mixed case ("iPhone")
        /// is kept as it is.
        case markup
    }

    /// Words or characters.
    public var mode: Mode = .words
    /// Unicode normalisation applied before anything else.
    public var normalization: Normalization = .nfc
    /// Letter case: keep, lower-case, or reversible case markup.
    public var caseHandling: CaseHandling = .keep
    /// Make every decimal digit a token of its own ("2016" → "2 ￭0 ￭1 ￭6"), so numbers need no
    /// vocabulary entries of their own.
    public var splitDigits: Bool = false
    /// Split a word where the script changes ("Gorbatschow-Горбачёв", "iPhone用").
    public var splitOnScriptChange: Bool = false
    /// Split punctuation inside words too ("don't" → "don ￭' ￭t", "3.14" → "3 ￭. ￭14"). ICU keeps
    /// apostrophes and decimal points inside words; punctuation between words is always split.
    public var splitWordInternalPunctuation: Bool = false
    /// Locale for ICU's word break rules ("" for root; e.g. "th", "ja").
    public var locale: String = ""

    public init(
        mode: Mode = .words, normalization: Normalization = .nfc, caseHandling: CaseHandling = .keep,
        splitDigits: Bool = false, splitOnScriptChange: Bool = false,
        splitWordInternalPunctuation: Bool = false, locale: String = ""
    ) {
        self.mode = mode
        self.normalization = normalization
        self.caseHandling = caseHandling
        self.splitDigits = splitDigits
        self.splitOnScriptChange = splitOnScriptChange
        self.splitWordInternalPunctuation = splitWordInternalPunctuation
        self.locale = locale
    }
}
