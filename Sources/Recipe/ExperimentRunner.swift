import Foundation
import Metrics
import NN
import Seq2Seq
import Tensor
import Text

/// Carries out a recipe in a run directory, stage by stage:
///
///     RUN/recipe.yaml        the resolved recipe (every default written out)
///     RUN/data/              prepare: vocabularies, BPE codes, training data as ids
///     RUN/train/             train: checkpoints/, train.jsonl (every step and validation)
///     RUN/model/             the model bundle `recur translate --model` reads
///     RUN/eval/              evaluate: each test set's translations
///     RUN/results.json       every metric on every test set
///     RUN/report.md          learning curves, results and sample translations
///
/// Each stage is skipped when what it reads is unchanged (`stages.json`), and an
/// interrupted training continues from its last checkpoint.
public final class ExperimentRunner {
    public let recipe: Recipe
    public let directory: URL
    let log: (String) -> Void
    var stages: StageCache

    public init(recipe: Recipe, directory: URL, log: @escaping (String) -> Void) throws {
        self.recipe = recipe
        self.directory = directory
        self.log = log
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        stages = StageCache(directory: directory)
    }

    public var bundleDirectory: URL { directory.appendingPathComponent("model") }

    /// Runs every stage that is not already done; returns the results.
    @discardableResult
    public func run() throws -> RunResults {
        try AtomicFile.write(Data(recipe.resolvedYAML.utf8), to: directory.appendingPathComponent("recipe.yaml"))
        // Each key holds only what its stage reads: test sets do not change the prepared data,
        // and threads or training limits do not invalidate a training.
        let d = recipe.data
        let prepareKey = StageCache.key([d.source, d.target, String(describing: d.train), String(describing: d.valid),
                                         String(describing: (d.maxLength, d.maxLengthRatio, d.removeDuplicates, d.emptyLines)),
                                         String(describing: recipe.text),
                                         StageCache.fingerprint([d.train.source, d.train.target] + (d.valid.map { [$0.source, $0.target] } ?? []))]
                                        // Added only when set, so runs prepared before these options existed stay valid.
                                        + (d.truncateSource.map { ["truncateSource \($0)"] } ?? [])
                                        + (recipe.model.config.pointerGenerator ? ["copy sources"] : []))
        let data = try prepare(key: prepareKey)
        var training = recipe.training.config
        let limits = "steps \(training.maxSteps.map(String.init) ?? "-") epochs \(training.maxEpochs.map(String.init) ?? "-")"
        (training.threads, training.maxSteps, training.maxEpochs) = (0, nil, nil)
        let trainKey = StageCache.key([prepareKey, Self.describeWithoutNewDefaults(recipe.model), Self.describeWithoutNewDefaults(training),
                                       String(recipe.evaluation.validationBleuSentences)])
        try train(data, key: trainKey, limits: limits)
        let evaluateKey = StageCache.key([trainKey, limits, String(describing: recipe.decoding), String(describing: recipe.evaluation),
                                          String(describing: recipe.data.test),
                                          StageCache.fingerprint(recipe.data.test.flatMap { [$0.files.source, $0.files.target] })])
        let results = try evaluate(key: evaluateKey)
        try Report.write(recipe: recipe, results: results, run: directory)
        log("report: \(directory.appendingPathComponent("report.md").path)")
        return results
    }

    /// A section's description for a stage key, without the fields added after runs already
    /// existed (copying, coverage, precision) while they hold their defaults: so those runs' keys, and
    /// their trainings, stay valid.
    static func describeWithoutNewDefaults(_ value: Any) -> String {
        var text = String(describing: value)
        for added in [", pointerGenerator: false", ", coverage: false", ", coverageLossWeight: 1.0",
                      ", precision: Tensor.MatrixPrecision.float32"] {
            text = text.replacingOccurrences(of: added, with: "")
        }
        return text
    }

    // MARK: Stages

    func prepare(key: String) throws -> PreparedData {
        let dataDirectory = PreparedData.directory(directory)
        if stages.isDone("prepare", key: key) {
            log("prepare: up to date")
            return try PreparedData.load(from: dataDirectory)
        }
        log("prepare: tokenising, learning BPE, building vocabularies")
        try stages.mark("prepare", key: key, done: false)
        let data = try PreparedData.prepare(recipe, log: { self.log("prepare: " + $0) })
        try data.save(to: dataDirectory)
        try stages.mark("prepare", key: key, done: true)
        return data
    }

    func train(_ data: PreparedData, key: String, limits: String) throws {
        if stages.isDone("train", key: key, detail: limits) {
            log("train: up to date")
            return
        }
        let trainDirectory = directory.appendingPathComponent("train")
        if !stages.canContinue("train", key: key) {
            try? FileManager.default.removeItem(at: trainDirectory)  // a changed recipe starts afresh
        }
        try FileManager.default.createDirectory(at: trainDirectory, withIntermediateDirectories: true)
        try stages.mark("train", key: key, detail: limits, done: false)

        var modelConfig = recipe.model.config
        modelConfig.sourceVocabularySize = data.sourceVocabulary.count
        modelConfig.targetVocabularySize = data.targetVocabulary.count
        let model = Seq2SeqModel(modelConfig, seed: recipe.training.config.seed)
        log("train: \(model.parameterCount) parameters; logging to \(trainDirectory.appendingPathComponent("train.jsonl").path)")
        let trainer = Trainer(model: model, config: recipe.training.config, directory: trainDirectory,
                              log: try TrainingLog(url: trainDirectory.appendingPathComponent("train.jsonl")))
        try trainer.resumeIfPossible()
        let bundle = makeBundle(data, modelConfig: modelConfig)
        if recipe.evaluation.validationBleuSentences > 0, let valid = recipe.data.valid {
            let references = try readLines(valid.target)
            let sources = try readLines(valid.source)
            let count = min(recipe.evaluation.validationBleuSentences, sources.count)
            let translator = try Translator(model: model, bundle: bundle)
            trainer.extraMetrics = { _ in
                let hypotheses = try translator.translateGreedy(Array(sources.prefix(count)), options: self.recipe.decoding.search)
                let bleu = BLEU().corpusScore(hypotheses: hypotheses, references: [Array(references.prefix(count))])
                return ["bleu": bleu.score]
            }
        }
        let batching = BatchingOptions(budget: recipe.training.config.batchSentences.map { .sentences($0) } ?? .tokens(recipe.training.config.batchTokens))
        let seed = recipe.training.config.seed
        let validation = try batching.batchesWithoutShuffling(data.valid)
        let summary = try trainer.train(batchesOfEpoch: { epoch in
            var generator = SplitMix64(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9)
            return try batching.groups(data.train, generator: &generator).map(SentencePairs.init)
        }, validation: validation.isEmpty ? nil : validation)
        if summary.interrupted {
            throw RunInterrupted(description: "training interrupted at step \(summary.steps); run the same command again to continue")
        }
        // The bundle holds the best checkpoint's weights (the last when there was no validation).
        let checkpoints = trainDirectory.appendingPathComponent("checkpoints")
        if let best = summary.bestCheckpoint {
            let weights = checkpoints.appendingPathComponent(best).appendingPathComponent("model.safetensors")
            try model.load(try SafeTensors.read(weights).tensors, source: weights.path)
            log("train: done after \(summary.steps) steps; best \(recipe.training.config.earlyStoppingMetric.rawValue) \(summary.bestMetric.map { String(format: "%.3f", $0) } ?? "-") at \(best)")
        }
        try bundle.save(model, to: bundleDirectory)
        try stages.mark("train", key: key, detail: limits, done: true)
    }

    func makeBundle(_ data: PreparedData, modelConfig: ModelConfig) -> ModelBundle {
        var settings = ModelBundle.Settings(model: modelConfig, tokenizer: recipe.text.tokenizer)
        settings.truncateSource = recipe.data.truncateSource
        return ModelBundle(settings: settings,
                    sourceVocabulary: data.sourceVocabulary, targetVocabulary: data.targetVocabulary,
                    sourceBPE: data.sourceBPE, recipe: recipe.resolvedYAML)
    }

    func evaluate(key: String) throws -> RunResults {
        let resultsURL = directory.appendingPathComponent("results.json")
        if stages.isDone("evaluate", key: key), let results = try? RunResults.load(resultsURL) {
            log("evaluate: up to date")
            return results
        }
        try stages.mark("evaluate", key: key, done: false)
        let (bundle, model) = try ModelBundle.load(from: bundleDirectory)
        model.packForDecoding()
        let translator = try Translator(model: model, bundle: bundle)
        let data = try PreparedData.load(from: PreparedData.directory(directory))
        let evalDirectory = directory.appendingPathComponent("eval")
        try FileManager.default.createDirectory(at: evalDirectory, withIntermediateDirectories: true)
        var results = RunResults(recipe: recipe.name)
        for test in recipe.data.test {
            let sources = try readLines(test.files.source), references = try readLines(test.files.target)
            guard sources.count == references.count else {
                throw RecipeError(file: recipe.path, path: "data.test.\(test.name)",
                                  message: "\(test.files.source) has \(sources.count) lines but \(test.files.target) has \(references.count)")
            }
            let clock = ContinuousClock()
            var translations: [Translation] = []
            let elapsed = try clock.measure {
                translations = try translator.translate(sources, options: recipe.decoding.search, batchSize: recipe.decoding.batchSize)
            }
            let hypotheses = translations.map(\.text)
            try writeHeatmaps(translations.prefix(recipe.evaluation.samples), test: test.name)
            try AtomicFile.write(Data((hypotheses.joined(separator: "\n") + "\n").utf8), to: evalDirectory.appendingPathComponent("\(test.name).hyp"))
            var scores: [String: Double] = [:]
            scores["perplexity"] = try testPerplexity(model, translator: translator, data: data, sources: sources, references: references)
            for metric in recipe.evaluation.metrics {
                switch metric {
                case .bleu:
                    scores["bleu"] = BLEU().corpusScore(hypotheses: hypotheses, references: [references]).score
                    scores["bleuLowercase"] = BLEU(lowercase: true).corpusScore(hypotheses: hypotheses, references: [references]).score
                case .chrf:
                    scores["chrf"] = ChrF().corpusScore(hypotheses: hypotheses, references: [references])
                case .rouge:
                    let rouge = Rouge().corpusScore(predictions: hypotheses, references: [references])
                    for (kind, score) in rouge { scores[kind.rawValue] = score.fmeasure * 100 }
                }
            }
            let seconds = elapsed.seconds
            let samples = (0..<min(recipe.evaluation.samples, sources.count)).map {
                RunResults.Sample(source: sources[$0], reference: references[$0], hypothesis: hypotheses[$0])
            }
            results.tests.append(.init(name: test.name, sentences: sources.count, seconds: seconds, scores: scores, samples: samples))
            let shown = scores.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", $0.value))" }.joined(separator: ", ")
            log("evaluate: \(test.name): \(shown) (\(sources.count) sentences in \(String(format: "%.1f", seconds)) s)")
        }
        try results.save(resultsURL)
        try stages.mark("evaluate", key: key, done: true)
        return results
    }

    /// The model's perplexity on a test set: teacher-forced, no label smoothing, with the
    /// run's own BPE and vocabularies on both sides.
    func testPerplexity(_ model: Seq2SeqModel, translator: Translator, data: PreparedData, sources: [String], references: [String]) throws -> Double? {
        let targetBPE = data.targetBPE.map { BPE(codes: $0) }
        let tokenizer = try Tokenizer(recipe.text.tokenizer)
        var examples: [Example] = []
        for (source, reference) in zip(sources, references) {
            let sourceTokens = Array(try translator.sourceTokens(source).prefix(translator.maxSourceTokens))
            var targetTokens = try tokenizer.tokenize(reference)
            if let targetBPE { targetTokens = targetBPE.apply(targetTokens) }
            guard !sourceTokens.isEmpty else { continue }
            examples.append(PreparedData.example(source: sourceTokens, target: targetTokens, line: 0, copying: model.config.pointerGenerator,
                                                 sourceVocabulary: data.sourceVocabulary, targetVocabulary: data.targetVocabulary))
        }
        let batches = stride(from: 0, to: examples.count, by: 64).map { SentencePairs(Array(examples[$0..<min($0 + 64, examples.count)])) }
        let (total, tokens) = model.negativeLogLikelihood(of: batches)
        return perplexity(totalNegLogLikelihood: total, tokenCount: tokens)
    }

    /// Attention heatmaps of the first translations, as RUN/attention/TEST-N.svg.
    func writeHeatmaps(_ translations: ArraySlice<Translation>, test: String) throws {
        let directory = self.directory.appendingPathComponent("attention")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (i, translation) in translations.enumerated() {
            try AttentionHeatmap.write(translation, to: directory.appendingPathComponent("\(test)-\(i + 1).svg"))
        }
    }

    func readLines(_ path: String) throws -> [String] {
        try Text.readLines(path)
    }
}

/// Training was interrupted (Ctrl-C); the run continues where it stopped next time.
public struct RunInterrupted: Error, CustomStringConvertible {
    public let description: String
}

extension SentencePairs {
    /// A batch's examples as sentence pairs.
    init(_ examples: [Example]) {
        let copying = examples.first?.copySource != nil
        self.init(sources: examples.map(\.source), targets: examples.map(\.target),
                  copySources: copying ? examples.map { $0.copySource ?? [] } : nil)
    }
}

extension BatchingOptions {
    /// Batches in corpus order (for validation).
    func batchesWithoutShuffling(_ examples: [Example]) throws -> [SentencePairs] {
        var options = self
        options.shuffle = false
        var unused = SplitMix64(seed: 0)
        return try options.groups(examples, generator: &unused).map(SentencePairs.init)
    }
}
