import ArgumentParser
import Foundation
import Seq2Seq
import Tensor

struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate raw text with a model bundle, one sentence a line.",
        discussion: """
            Reads standard input (or --input) and writes one line per input line, in order, as each \
            batch is done. An empty line gives an empty line; invalid UTF-8 and over-long lines are \
            translated as well as they can be, with a warning on standard error.
            """)

    @Option(help: "The model bundle directory (RUN/model from `recur run`).")
    var model: String

    @Option(help: "Input file (default: standard input).")
    var input: String?

    @Option(help: "Beam size (1: greedy).")
    var beamSize = 5

    @Option(help: "Hypotheses per sentence in JSON output (at most the beam size).")
    var nbest = 1

    @Option(help: "Sentences decoded together.")
    var batchSize = 32

    @Option(help: "Length normalisation: none, average (log P / |y|^α) or gnmt.")
    var lengthNormalization: LengthNormalization = .average

    @Option(help: "α of the length normalisation.")
    var lengthPenalty = 1.0

    @Option(help: "β of the GNMT coverage penalty (0: none).")
    var coveragePenalty = 0.0

    @Option(help: "At most this many output tokens per source token (plus 10).")
    var maxLengthRatio = 2.0

    @Option(help: "Forbid repeating n-grams of this size (0: allow).")
    var blockRepeatedNgrams = 0

    @Option(help: "Source tokens beyond this are cut off, with a warning.")
    var maxSourceTokens = Translator.defaultMaxSourceTokens

    @Option(help: "Output format: text (the best translation) or json (hypotheses, scores, tokens, alignments).")
    var format: TranslationStream.Format = .text

    @Option(help: "Write an attention heatmap (SVG) per sentence into this directory.")
    var attentionSvg: String?

    @Option(help: "Threads for matrix products and kernels.")
    var threads = 2

    func validate() throws {
        guard beamSize >= 1, batchSize >= 1, threads >= 1, maxSourceTokens >= 1 else {
            throw ValidationError("--beam-size, --batch-size, --threads and --max-source-tokens must be at least 1")
        }
        guard (1...beamSize).contains(nbest) else { throw ValidationError("--nbest must be between 1 and --beam-size (\(beamSize))") }
        guard maxLengthRatio > 0 else { throw ValidationError("--max-length-ratio must be positive, got \(maxLengthRatio)") }
        guard lengthPenalty >= 0, coveragePenalty >= 0, blockRepeatedNgrams >= 0 else {
            throw ValidationError("--length-penalty, --coverage-penalty and --block-repeated-ngrams must not be negative")
        }
    }

    func run() throws {
        do {
            let start = ContinuousClock.now
            Engine.setThreads(threads)
            let (bundle, loaded) = try ModelBundle.load(from: URL(fileURLWithPath: model))
            let translator = try Translator(model: loaded, bundle: bundle)
            var options = SearchOptions()
            (options.beamSize, options.nbest, options.lengthPenalty, options.coveragePenalty) = (beamSize, nbest, lengthPenalty, coveragePenalty)
            (options.maxLengthRatio, options.blockRepeatedNgrams) = (maxLengthRatio, blockRepeatedNgrams)
            options.lengthNormalization = lengthNormalization
            var stream = TranslationStream(options: options)
            (stream.batchSize, stream.maxSourceTokens) = (batchSize, maxSourceTokens)
            stream.format = format
            stream.attentionDirectory = attentionSvg.map { URL(fileURLWithPath: $0) }
            let loadTime = ContinuousClock.now - start
            warn("loaded \(model) in \(loadTime.formatted(.units(allowed: [.milliseconds])))")
            try stream.run(translator, input: input, started: start, warn: warn)
        } catch { throw fail(error) }
    }

    func warn(_ line: String) { FileHandle.standardError.write(Data(("recur translate: " + line + "\n").utf8)) }
}

extension LengthNormalization: ExpressibleByArgument {}
extension TranslationStream.Format: ExpressibleByArgument {}
