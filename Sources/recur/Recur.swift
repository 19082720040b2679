import ArgumentParser

@main
struct Recur: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recur",
        abstract: "Recurrent sequence-to-sequence models: train, translate, summarize.",
        subcommands: [EvaluateCommand.self])
}
