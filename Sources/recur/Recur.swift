import ArgumentParser

@main
struct Recur: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recur",
        abstract: "Recurrent sequence-to-sequence models: train, translate, summarize.",
        subcommands: [
            RunCommand.self, TranslateCommand.self, SummarizeCommand.self, AverageCommand.self, QuantizeCommand.self, ShortlistCommand.self, RecipeCommand.self, CorpusCommand.self,
            TokenizeCommand.self, DetokenizeCommand.self, BPECommand.self, VocabCommand.self,
            EvaluateCommand.self, Bench.self,
        ])
}
