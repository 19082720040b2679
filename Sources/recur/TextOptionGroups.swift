import ArgumentParser
import Text

extension Normalization: ExpressibleByArgument {}
extension TokenizerOptions.Mode: ExpressibleByArgument {}
extension TokenizerOptions.CaseHandling: ExpressibleByArgument {}

/// The tokenizer options shared by `tokenize` and `detokenize` (detokenisation must use the
/// options the text was tokenized with).
struct TokenizerOptionGroup: ParsableArguments {
    @Option(help: "words: ICU word segmentation, punctuation split off, ￭ marks tokens that had no space before them. characters: every character a token, a space written ▁.")
    var mode: TokenizerOptions.Mode = .words

    @Option(help: "Unicode normalisation applied first: none, nfc (canonical, changes nothing visible) or nfkc (also folds compatibility forms such as ﬁ → fi, full-width → ASCII).")
    var normalization: Normalization = .nfc

    @Option(help: "keep: leave case alone. lowercase: lower-case everything (not reversible). markup: lower-case and put ⇧ (capitalised) or ⇪ (all caps) before changed tokens, so detokenize restores the case.")
    var caseHandling: TokenizerOptions.CaseHandling = .keep

    @Flag(help: "Make every digit a token of its own (2016 → 2 ￭0 ￭1 ￭6).")
    var splitDigits = false

    @Flag(help: "Split a word where the writing system changes (Latin, Cyrillic, Han, ...).")
    var splitOnScriptChange = false

    @Flag(help: "Also split punctuation inside words (don't → don ￭' ￭t); ICU keeps it by default.")
    var splitWordInternalPunctuation = false

    @Option(help: "Locale for ICU's word break rules, e.g. th or ja; empty for the root rules, which already segment Thai, Chinese and Japanese with dictionaries.")
    var locale = ""

    var options: TokenizerOptions {
        TokenizerOptions(
            mode: mode, normalization: normalization, caseHandling: caseHandling, splitDigits: splitDigits,
            splitOnScriptChange: splitOnScriptChange, splitWordInternalPunctuation: splitWordInternalPunctuation,
            locale: locale)
    }
}

/// Input and output paths, "-" for standard input and output.
struct InputOutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "File to read, one line at a time; - for standard input.")
    var input = "-"

    @Option(name: [.short, .long], help: "File to write, one line per input line; - for standard output.")
    var output = "-"
}
