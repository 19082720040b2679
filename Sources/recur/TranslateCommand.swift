import ArgumentParser
import Foundation
import Seq2Seq
import Tensor
import Text

struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate raw text with a model bundle, one sentence a line.",
        discussion: "Reads stdin (or --input) and writes one line per input line, in order, as each batch is done.")

    @Option(help: "The model bundle directory (RUN/model from `recur run`).")
    var model: String

    @Option(help: "Input file (default: standard input).")
    var input: String?

    @Option(help: "Sentences decoded together.")
    var batchSize: Int = 32

    @Option(help: "Threads for BLAS and the engine's kernels.")
    var threads: Int = 2

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        do {
            Engine.setThreads(threads)
            let (bundle, loaded) = try ModelBundle.load(from: URL(fileURLWithPath: model))
            let translator = try Translator(model: loaded, bundle: bundle)
            let reader = try LineReader(path: input ?? "/dev/stdin")
            var batch: [String] = []
            func flush() throws {
                let lines = try translator.translateGreedy(batch, batchSize: batchSize)
                FileHandle.standardOutput.write(Data(lines.map { $0 + "\n" }.joined().utf8))  // unbuffered: works in a pipe
                batch.removeAll()
            }
            while let line = try reader.next() {
                batch.append(line)
                if batch.count == batchSize { try flush() }
            }
            try flush()
        } catch { throw fail(error) }
    }
}
