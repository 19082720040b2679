import ArgumentParser
import Foundation
import Text

struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus", abstract: "Generate corpora.", subcommands: [Quickstart.self])

    struct Quickstart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The quick start's corpus: numbers and dates, English and another language, made with ICU.",
            discussion: "Writes train, valid and test splits (no item in two of them) as DIR/SPLIT.en and DIR/SPLIT.LANG.")

        @Option(help: "Output directory.") var out: String
        @Option(help: "Target language (an ICU locale that spells numbers out: es, de, fr, …).") var language = "es"
        @Option(help: "Random seed.") var seed: UInt64 = 1
        @Option(help: "Training pairs.") var train = 20000
        @Option(help: "Validation pairs.") var valid = 500
        @Option(help: "Test pairs.") var test = 500

        func validate() throws {
            guard train >= 1, valid >= 0, test >= 0 else { throw ValidationError("split sizes must not be negative, and train at least 1") }
        }

        func run() throws {
            var options = QuickstartCorpus.Options()
            (options.seed, options.targetLanguage, options.trainSize, options.validSize, options.testSize) = (seed, language, train, valid, test)
            do { try QuickstartCorpus.write(to: URL(fileURLWithPath: out), options) } catch { throw fail(error) }
            print("wrote \(train) + \(valid) + \(test) pairs (en–\(language)) to \(out)")
        }
    }
}
