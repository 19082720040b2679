import ArgumentParser
import Text

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Split text into tokens, reversibly (recur detokenize undoes it).",
        discussion: """
            Reads one sentence a line and writes its tokens separated by spaces. A token that \
            followed the previous one without a space starts with ￭; other whitespace becomes an \
            escaped token (％9％ is a tab), so detokenize gives back the normalised line exactly.
            Example: echo 'Hello, world!' | recur tokenize   →   Hello ￭, world ￭!
            """)

    @OptionGroup var files: InputOutputOptions
    @OptionGroup var tokenizer: TokenizerOptionGroup

    @Option(help: "A BPE codes file (subword-nmt format) to split the tokens into subwords, as recur bpe apply would.")
    var bpeCodes: String?

    @Option(help: "The separator ending every subword but a word's last (with --bpe-codes).")
    var bpeSeparator = "@@"

    func run() throws {
        try TextStreams.tokenize(
            input: files.input, output: files.output, options: tokenizer.options,
            bpeCodes: bpeCodes, separator: bpeSeparator)
    }
}

struct DetokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detokenize",
        abstract: "Join tokens made by recur tokenize back into text.",
        discussion: """
            Joiners (￭), escapes (％9％) and case markers (⇧ ⇪) are undone whatever options the \
            text was tokenized with; only --mode must match.
            Example: echo 'Hello ￭, world ￭!' | recur detokenize
            """)

    @OptionGroup var files: InputOutputOptions

    @Option(help: "The --mode the text was tokenized with: words (tokens joined by spaces unless marked ￭) or characters (tokens concatenated, ▁ a space).")
    var mode: TokenizerOptions.Mode = .words

    @Flag(help: "Undo BPE first: join every subword ending in --bpe-separator to the next.")
    var removeBPE = false

    @Option(help: "The BPE separator removed by --remove-bpe.")
    var bpeSeparator = "@@"

    func run() throws {
        try TextStreams.detokenize(
            input: files.input, output: files.output, options: TokenizerOptions(mode: mode),
            bpeSeparator: removeBPE ? bpeSeparator : nil)
    }
}
