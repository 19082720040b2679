import ArgumentParser
import Foundation
import Recipe

struct ShortlistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shortlist",
        abstract: "Build a lexical shortlist for a run's model: decoding then scores only each batch's likely output words.",
        discussion: """
            From the run's prepared training data: the most frequent target words, and for each source \
            word the target words that co-occur with it most (Dice coefficient). Written to RUN/model/shortlist.txt; \
            use it with `recur translate --shortlist`. Example: recur shortlist --run runs/multi30k-en-de
            """)

    @Option(name: .customLong("run"), help: "The run directory (`recur run`'s --out).")
    var runDirectory: String

    @Option(help: "The most frequent target words, always candidates.")
    var frequent = 500

    @Option(help: "Candidates each source word adds.")
    var perWord = 30

    func validate() throws {
        guard frequent >= 0, perWord >= 1 else { throw ValidationError("--frequent must be 0 or more and --per-word at least 1") }
    }

    func run() throws {
        do {
            let (shortlist, bundle) = try buildShortlist(run: URL(fileURLWithPath: runDirectory), frequentWords: frequent, perWord: perWord)
            print("shortlist: \(shortlist.frequent.count) frequent words, candidates for \(shortlist.associated.count) source words: \(bundle.path)/shortlist.txt")
        } catch { throw fail(error) }
    }
}
