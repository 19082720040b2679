import ArgumentParser
import Text

struct VocabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vocab",
        abstract: "Build a vocabulary from tokenized text.",
        discussion: """
            Writes one "token count" a line; the line number from 0 is the id. The special \
            tokens <pad> <unk> <s> </s> come first with ids 0 to 3, then tokens by count \
            descending and then by token, so the same input gives the same ids. Several --input \
            files make one shared vocabulary; run once per language for separate ones.
            Example: recur vocab -i train.bpe.en -i train.bpe.de -o vocab.shared
            """)

    @Option(name: [.short, .long], help: "Tokenized (or BPE-segmented) text; repeat to count several files together; - for standard input.")
    var input: [String] = []

    @Option(name: [.short, .long], help: "Where to write the vocabulary; - for standard output.")
    var output = "-"

    @Option(help: "Leave out tokens seen fewer times than this.")
    var minFrequency = 1

    @Option(help: "Keep at most this many entries, special tokens included (the most frequent win).")
    var maxSize: Int?

    func validate() throws {
        guard minFrequency >= 1 else { throw ValidationError("--min-frequency must be at least 1") }
        if let maxSize, maxSize < 4 { throw ValidationError("--max-size must be at least 4 (the special tokens)") }
    }

    func run() throws {
        try TextStreams.buildVocabulary(
            inputs: input.isEmpty ? ["-"] : input, output: output, minFrequency: minFrequency, maxSize: maxSize)
    }
}
