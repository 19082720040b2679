import ArgumentParser
import Text

struct BPECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bpe",
        abstract: "Learn and apply byte pair encoding (codes compatible with subword-nmt 0.3).",
        subcommands: [BPELearnCommand.self, BPEApplyCommand.self])
}

struct BPELearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Learn BPE merges from tokenized text; the same merges as subword-nmt learn-bpe.",
        discussion: """
            Input is tokenized text (recur tokenize), tokens separated by spaces. Several \
            --input files are counted together: joint BPE for both languages of a corpus. For \
            separate codes, run once per language.
            Example: recur bpe learn -i train.tok.en -i train.tok.de --merges 8000 -o codes
            """)

    @Option(name: [.short, .long], help: "Tokenized text to learn from; repeat for joint BPE over several files; - for standard input.")
    var input: [String] = []

    @Option(name: [.short, .long], help: "Where to write the codes file; - for standard output.")
    var output = "-"

    @Option(name: [.customShort("s"), .customLong("merges"), .customLong("symbols")], help: "Number of merge operations to learn (subword-nmt's --symbols).")
    var merges = 10000

    @Option(help: "Stop when no pair of symbols occurs at least this often.")
    var minFrequency = 2

    func validate() throws {
        guard merges >= 0 else { throw ValidationError("--merges must be 0 or more") }
        guard minFrequency >= 1 else { throw ValidationError("--min-frequency must be at least 1") }
    }

    func run() throws {
        try TextStreams.learnBPE(
            inputs: input.isEmpty ? ["-"] : input, output: output,
            options: BPELearnOptions(merges: merges, minFrequency: minFrequency))
    }
}

struct BPEApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Split tokenized text into subwords; the same output as subword-nmt apply-bpe.",
        discussion: "Example: recur bpe apply -c codes -i train.tok.en -o train.bpe.en   (sub@@ word: @@ marks a word that continues)")

    @OptionGroup var files: InputOutputOptions

    @Option(name: [.short, .long], help: "The codes file (#version: 0.2, from recur bpe learn or subword-nmt learn-bpe).")
    var codes: String

    @Option(name: [.short, .long], help: "Appended to every subword but the last of its word.")
    var separator = "@@"

    @Option(help: "BPE-dropout probability (training data only): skip each merge with this probability, for varied segmentations. 0 turns it off.")
    var dropout = 0.0

    @Option(help: "Seed of the random generator used by --dropout; the same seed gives the same output.")
    var seed: UInt64 = 0

    func validate() throws {
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1)") }
        guard !separator.isEmpty, !separator.contains(" ") else {
            throw ValidationError("--separator must be non-empty and contain no space")
        }
    }

    func run() throws {
        try TextStreams.applyBPE(
            input: files.input, output: files.output, codes: try BPECodes(contentsOf: codes),
            separator: separator, dropout: dropout, seed: seed)
    }
}
