import ArgumentParser
import Foundation
import Recipe

/// Prints an error a person can act on and exits with failure, instead of a stack trace.
func fail(_ error: Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    return ExitCode.failure
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Carry out a recipe: prepare the data, train, evaluate, write a report.",
        discussion: """
            Stages that are already done are skipped (keyed by a hash of what they read), and an \
            interrupted training continues from its last checkpoint: run the same command again.
            """)

    @Argument(help: "The recipe file (YAML).")
    var recipe: String

    @Option(help: "The run directory (default: runs/NAME, NAME from the recipe).")
    var out: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a recipe key, e.g. --set training.learningRate=0.0005 (repeatable).", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    func run() throws {
        do {
            let recipe = try Recipe.load(self.recipe, overrides: overrides)
            try recipe.checkFilesExist()
            let directory = URL(fileURLWithPath: out ?? "runs/\(recipe.name)")
            let runner = try ExperimentRunner(recipe: recipe, directory: directory) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            let results = try runner.run()
            for test in results.tests {
                print("\(test.name): " + test.scores.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", $0.value))" }.joined(separator: ", "))
            }
            print("model: \(runner.bundleDirectory.path)")
        } catch {
            throw fail(error)
        }
    }
}

struct RecipeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipe", abstract: "Check or show a recipe.", subcommands: [Check.self, Show.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a recipe: unknown keys, wrong types and out-of-range values are errors.")
        @Argument(help: "The recipe file.") var recipe: String
        @Option(name: .customLong("set"), help: ArgumentHelp("Override a key (repeatable).", valueName: "KEY=VALUE"))
        var overrides: [String] = []

        func run() throws {
            do {
                let loaded = try Recipe.load(recipe, overrides: overrides)
                try loaded.checkFilesExist()
                print("\(recipe): ok (\(loaded.name))")
            } catch { throw fail(error) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the resolved recipe, every default written out.")
        @Argument(help: "The recipe file.") var recipe: String
        @Option(name: .customLong("set"), help: ArgumentHelp("Override a key (repeatable).", valueName: "KEY=VALUE"))
        var overrides: [String] = []

        func run() throws {
            do { print(try Recipe.load(recipe, overrides: overrides).resolvedYAML, terminator: "") } catch { throw fail(error) }
        }
    }
}
