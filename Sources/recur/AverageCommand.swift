import ArgumentParser
import Foundation
import Seq2Seq

struct AverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average the weights of several checkpoints into a model bundle.",
        discussion: "Example: recur average runs/x/train/checkpoints/step-000* --bundle runs/x/model --out runs/x/averaged")

    @Argument(help: "Checkpoint directories (or .safetensors weight files) of one model.")
    var checkpoints: [String]

    @Option(help: "A bundle of the same model, for its configuration, vocabularies and tokenizer.")
    var bundle: String

    @Option(help: "Where to write the averaged bundle.")
    var out: String

    func validate() throws {
        guard checkpoints.count >= 2 else { throw ValidationError("give at least two checkpoints to average") }
    }

    func run() throws {
        do {
            try CheckpointAveraging.averageIntoBundle(checkpoints.map { URL(fileURLWithPath: $0) }, bundle: URL(fileURLWithPath: bundle),
                                                      output: URL(fileURLWithPath: out))
            print("averaged \(checkpoints.count) checkpoints into \(out)")
        } catch { throw fail(error) }
    }
}
