import ArgumentParser
import Foundation
import Seq2Seq
import Tensor

/// The options `translate` and `summarize` share. Each search option left out takes the
/// command's own default, so one set of flags serves both.
struct DecodingArguments: ParsableArguments {
    @Option(help: "The model bundle directory (RUN/model from `recur run`).")
    var model: String

    @Option(help: "Input file (default: standard input).")
    var input: String?

    @Option(help: "Beam size (1: greedy). Default: translate 5, summarize 4.")
    var beamSize: Int?

    @Option(help: "Hypotheses per sentence in JSON output (at most the beam size).")
    var nbest = 1

    @Option(help: "Sentences decoded together.")
    var batchSize = 32

    @Option(help: "Length normalisation: none, average (log P / |y|^α) or gnmt. Default: average.")
    var lengthNormalization: LengthNormalization?

    @Option(help: "α of the length normalisation. Default: 1.")
    var lengthPenalty: Double?

    @Option(help: "β of the GNMT coverage penalty (0: none). Default: 0.")
    var coveragePenalty: Double?

    @Option(help: "At least this many output tokens. Default: 0.")
    var minLength: Int?

    @Option(help: "At most this many output tokens per source token (plus 10). Default: translate 2, summarize 1.")
    var maxLengthRatio: Double?

    @Option(help: "At most this many output tokens in all. Default: translate 250, summarize 100.")
    var maxLength: Int?

    @Option(help: "Forbid repeating n-grams of this size (0: allow). Default: translate 0, summarize 3.")
    var blockRepeatedNgrams: Int?

    @Option(help: "Source tokens beyond this are cut off, with a warning (default: the bundle's truncateSource, else \(Translator.defaultMaxSourceTokens)).")
    var maxSourceTokens: Int?

    @Option(help: "Output format: text (the best output) or json (hypotheses, scores, tokens, alignments).")
    var format: TranslationStream.Format = .text

    @Option(help: "Write an attention heatmap (SVG) per sentence into this directory.")
    var attentionSvg: String?

    @Option(help: "Threads for matrix products and kernels.")
    var threads = 2

    @Flag(help: "Score only each batch's likely output words, from the bundle's shortlist.txt (`recur shortlist`): faster, at a small cost in quality.")
    var shortlist = false

    func validate() throws {
        guard (beamSize ?? 1) >= 1, batchSize >= 1, threads >= 1, (maxSourceTokens ?? 1) >= 1, (maxLength ?? 1) >= 1 else {
            throw ValidationError("--beam-size, --batch-size, --threads, --max-length and --max-source-tokens must be at least 1")
        }
        guard nbest >= 1, beamSize.map({ nbest <= $0 }) ?? true else { throw ValidationError("--nbest must be between 1 and --beam-size") }
        guard (maxLengthRatio ?? 1) > 0 else { throw ValidationError("--max-length-ratio must be positive") }
        guard (lengthPenalty ?? 0) >= 0, (coveragePenalty ?? 0) >= 0, (blockRepeatedNgrams ?? 0) >= 0, (minLength ?? 0) >= 0 else {
            throw ValidationError("--length-penalty, --coverage-penalty, --block-repeated-ngrams and --min-length must not be negative")
        }
    }

    /// `defaults` with the options given on the command line.
    func searchOptions(_ defaults: SearchOptions) -> SearchOptions {
        var options = defaults
        options.beamSize = beamSize ?? defaults.beamSize
        options.nbest = nbest
        options.lengthNormalization = lengthNormalization ?? defaults.lengthNormalization
        options.lengthPenalty = lengthPenalty ?? defaults.lengthPenalty
        options.coveragePenalty = coveragePenalty ?? defaults.coveragePenalty
        options.minLength = minLength ?? defaults.minLength
        options.maxLengthRatio = maxLengthRatio ?? defaults.maxLengthRatio
        options.maxLength = maxLength ?? defaults.maxLength
        options.blockRepeatedNgrams = blockRepeatedNgrams ?? defaults.blockRepeatedNgrams
        return options
    }

    /// Loads the bundle and decodes the input to standard output.
    func run(command: String, defaults: SearchOptions) throws {
        func warn(_ line: String) { FileHandle.standardError.write(Data(("recur \(command): " + line + "\n").utf8)) }
        do {
            let start = ContinuousClock.now
            Engine.setThreads(threads)
            let (bundle, loaded) = try ModelBundle.load(from: URL(fileURLWithPath: model))
            if bundle.settings.quantization == .int8 && !QuantizedMatrix.hasFastKernels {
                warn("\(model) is an int8 bundle, and this CPU lacks AVX512-VNNI: its products run on a slow portable path; the float32 bundle will be faster here")
            }
            loaded.packForDecoding()
            let translator = try Translator(model: loaded, bundle: bundle)
            if shortlist {
                guard let list = bundle.shortlist else {
                    throw ValidationError(bundle.shortlistProblem ?? "\(model) has no shortlist.txt; build one with `recur shortlist --run RUN`")
                }
                guard !loaded.config.pointerGenerator else { throw ValidationError("--shortlist does not combine with a pointer-generator, which extends the vocabulary") }
                translator.shortlist = list
            }
            let options = searchOptions(defaults)
            guard options.nbest <= options.beamSize else {
                throw ValidationError("--nbest \(options.nbest) exceeds the beam size \(options.beamSize)")
            }
            var stream = TranslationStream(options: options)
            (stream.batchSize, stream.maxSourceTokens) = (batchSize, maxSourceTokens)
            stream.format = format
            stream.attentionDirectory = attentionSvg.map { URL(fileURLWithPath: $0) }
            let loadTime = ContinuousClock.now - start
            warn("loaded \(model) in \(loadTime.formatted(.units(allowed: [.milliseconds])))")
            try stream.run(translator, input: input, started: start, warn: warn)
        } catch { throw fail(error) }
    }
}

struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate raw text with a model bundle, one sentence a line.",
        discussion: """
            Reads standard input (or --input) and writes one line per input line, in order, as each \
            batch is done. An empty line gives an empty line; invalid UTF-8 and over-long lines are \
            translated as well as they can be, with a warning on standard error.
            """)

    @OptionGroup var decoding: DecodingArguments

    func run() throws { try decoding.run(command: "translate", defaults: SearchOptions()) }
}

struct SummarizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize",
        abstract: "Summarize raw text with a model bundle, one document a line.",
        discussion: """
            `recur translate` with summarization defaults: a beam of 4, no repeated trigrams, outputs \
            at most as long as the source (plus 10) and 100 tokens. Every option of translate works here.
            """)

    @OptionGroup var decoding: DecodingArguments

    /// See et al. (2017) decode with a beam of 4; blocking repeated trigrams is Paulus et al.'s (2018).
    static var defaults: SearchOptions {
        var options = SearchOptions()
        (options.beamSize, options.blockRepeatedNgrams, options.maxLengthRatio, options.maxLength) = (4, 3, 1, 100)
        return options
    }

    func run() throws { try decoding.run(command: "summarize", defaults: Self.defaults) }
}

extension LengthNormalization: ExpressibleByArgument {}
extension TranslationStream.Format: ExpressibleByArgument {}
