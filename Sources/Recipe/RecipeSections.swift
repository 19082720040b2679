import Foundation
import NN
import Seq2Seq
import Text

/// A source/target file pair.
public struct FilePair: Sendable, Equatable, Codable {
    public var source: String
    public var target: String
}

/// A named test set.
public struct TestSet: Sendable, Equatable, Codable {
    public var name: String
    public var files: FilePair
}

/// `data`: where the corpus is and how to filter it.
public struct DataSection: Sendable, Equatable {
    /// Language codes (also the file suffixes when a file is given as a prefix).
    public var source = "src", target = "tgt"
    public var train: FilePair
    public var valid: FilePair?
    public var test: [TestSet] = []
    /// Drop training pairs longer than this many tokens (after BPE) on either side.
    public var maxLength: Int? = 100
    /// Drop training pairs whose length ratio exceeds this.
    public var maxLengthRatio: Double? = nil
    public var removeDuplicates = false
    public var emptyLines: EmptyLinePolicy = .skip
    /// Cut sources to their first this many tokens (after BPE), in training and when the
    /// model is used: summarization's long documents (See et al. 2017 keep 400).
    public var truncateSource: Int? = nil

    init(_ r: SectionReader, base: URL) throws {
        source = try r.string("source", default: source)
        target = try r.string("target", default: target)
        guard let train = try Self.files(r, "train", base: base, languages: (source, target)) else {
            throw r.invalid("train", "the training data is required: `train: path/prefix` (files prefix.\(source), prefix.\(target)) or `train: {source: FILE, target: FILE}`")
        }
        self.train = train
        valid = try Self.files(r, "valid", base: base, languages: (source, target))
        test = try Self.testSets(r, base: base, languages: (source, target))
        maxLength = try r.optionalInt("maxLength", range: 1...100_000) ?? (r.has("maxLength") ? nil : maxLength)
        maxLengthRatio = try r.optionalDouble("maxLengthRatio", range: 1...1000)
        removeDuplicates = try r.bool("removeDuplicates", default: removeDuplicates)
        emptyLines = try r.choice("emptyLines", default: emptyLines)
        truncateSource = try r.optionalInt("truncateSource", range: 1...100_000)
        try r.finish()
    }

    /// `key: prefix` (prefix.src, prefix.tgt) or `key: {source: FILE, target: FILE}`, paths
    /// relative to the recipe's directory.
    static func files(_ r: SectionReader, _ key: String, base: URL, languages: (String, String)) throws -> FilePair? {
        guard let node = r.node(key), !SectionReader.isNull(node) else { return nil }
        if case .scalar(let prefix) = node {
            return FilePair(source: resolve(prefix.string + "." + languages.0, base), target: resolve(prefix.string + "." + languages.1, base))
        }
        let pair = try SectionReader(file: r.file, path: r.qualified(key), node: node, overridden: r.overridden)
        guard let source = try pair.optionalString("source"), let target = try pair.optionalString("target") else {
            throw r.invalid(key, "needs both `source` and `target` files")
        }
        try pair.finish()
        return FilePair(source: resolve(source, base), target: resolve(target, base))
    }

    /// `test: {name: prefix-or-files, …}`.
    static func testSets(_ r: SectionReader, base: URL, languages: (String, String)) throws -> [TestSet] {
        guard let node = r.node("test"), !SectionReader.isNull(node) else { return [] }
        guard case .mapping(let mapping) = node else { throw r.invalid("test", "expected a mapping of test-set names to files") }
        let tests = try SectionReader(file: r.file, path: r.qualified("test"), node: node, overridden: r.overridden)
        let sets = try mapping.compactMap { key, _ -> TestSet? in
            guard let name = key.string else { return nil }
            return try files(tests, name, base: base, languages: languages).map { TestSet(name: name, files: $0) }
        }
        try tests.finish()
        return sets
    }

    static func resolve(_ path: String, _ base: URL) -> String {
        path.hasPrefix("/") ? path : base.appendingPathComponent(path).standardizedFileURL.path
    }
}

/// `text`: tokenisation, subwords and vocabularies.
public struct TextSection: Sendable, Equatable {
    public var tokenizer = TokenizerOptions()
    /// BPE merge operations (0: no subwords).
    public var bpeMerges = 8000
    public var bpeMinFrequency = 2
    /// Learn one set of merges on both languages together.
    public var jointBPE = true
    /// BPE-dropout rate for training data (Provilkov et al. 2020); 0 for none.
    public var bpeDropout = 0.0
    /// One vocabulary for both sides.
    public var sharedVocabulary = false
    public var vocabularyMinFrequency = 1
    public var vocabularyMaxSize: Int? = nil

    init(_ r: SectionReader) throws {
        tokenizer.mode = try r.choice("mode", default: tokenizer.mode)
        tokenizer.normalization = try r.choice("normalization", default: tokenizer.normalization)
        tokenizer.caseHandling = try r.choice("case", default: tokenizer.caseHandling)
        tokenizer.splitDigits = try r.bool("splitDigits", default: tokenizer.splitDigits)
        tokenizer.splitOnScriptChange = try r.bool("splitOnScriptChange", default: tokenizer.splitOnScriptChange)
        bpeMerges = try r.int("bpeMerges", default: bpeMerges, range: 0...1_000_000)
        bpeMinFrequency = try r.int("bpeMinFrequency", default: bpeMinFrequency, range: 1...1_000_000)
        jointBPE = try r.bool("jointBPE", default: jointBPE)
        bpeDropout = try r.double("bpeDropout", default: bpeDropout, range: 0...0.99)
        sharedVocabulary = try r.bool("sharedVocabulary", default: sharedVocabulary)
        vocabularyMinFrequency = try r.int("vocabularyMinFrequency", default: vocabularyMinFrequency, range: 1...1_000_000)
        vocabularyMaxSize = try r.optionalInt("vocabularyMaxSize", range: 5...10_000_000)
        try r.finish()
    }
}

/// `model`: the network's shape (vocabulary sizes come from the data).
public struct ModelSection: Sendable, Equatable {
    public var config = ModelConfig(sourceVocabularySize: 0, targetVocabularySize: 0)

    init(_ r: SectionReader) throws {
        config.embeddingSize = try r.int("embeddingSize", default: config.embeddingSize, range: 1...65536)
        config.hiddenSize = try r.int("hiddenSize", default: config.hiddenSize, range: 1...65536)
        config.encoderLayers = try r.int("encoderLayers", default: config.encoderLayers, range: 1...64)
        config.decoderLayers = try r.int("decoderLayers", default: config.decoderLayers, range: 1...64)
        config.encoderCell = try r.choice("encoderCell", default: config.encoderCell)
        config.decoderCell = try r.choice("decoderCell", default: config.encoderCell == .gru ? .gru : config.decoderCell)
        config.bidirectional = try r.bool("bidirectional", default: config.bidirectional)
        config.attention = try r.choice("attention", default: config.attention)
        config.inputFeeding = try r.bool("inputFeeding", default: config.inputFeeding)
        config.bridge = try r.choice("bridge", default: config.bridge)
        config.dropout = Float(try r.double("dropout", default: Double(config.dropout), range: 0...0.99))
        config.residual = try r.bool("residual", default: config.residual)
        config.tieTargetEmbeddings = try r.bool("tieTargetEmbeddings", default: config.tieTargetEmbeddings)
        config.initScale = Float(try r.double("initScale", default: Double(config.initScale), range: 0.0001...10))
        config.pointerGenerator = try r.bool("pointerGenerator", default: config.pointerGenerator)
        config.coverage = try r.bool("coverage", default: config.coverage)
        var check = config
        (check.sourceVocabularySize, check.targetVocabularySize) = (1, 1)
        if let problem = check.problems.first { throw r.invalid("", problem) }
        try r.finish()
    }
}

/// `training`: the optimisation (see `TrainingConfig` for each key's meaning).
public struct TrainingSection: Sendable, Equatable {
    public var config = TrainingConfig()

    /// Schedules by name, with the keys each reads.
    public enum ScheduleName: String, CaseIterable { case constant, step, exponential, plateau }

    init(_ r: SectionReader) throws {
        var c = config
        c.optimizer = try r.choice("optimizer", default: c.optimizer)
        c.learningRate = try r.double("learningRate", default: c.learningRate, range: 1e-9...100)
        let schedule = try r.choice("schedule", default: ScheduleName.constant)
        let factor = try r.double("decayFactor", default: 0.5, range: 1e-6...1)
        let every = try r.int("decayEvery", default: 1000, range: 1...Int.max)
        let plateauPatience = try r.int("plateauPatience", default: 2, range: 0...1000)
        let minimum = try r.double("minLearningRate", default: 1e-6, range: 0...100)
        switch schedule {
        case .constant: c.schedule = .constant
        case .step: c.schedule = .stepDecay(every: every, factor: factor)
        case .exponential: c.schedule = .exponential(every: every, factor: factor)
        case .plateau: c.schedule = .reduceOnPlateau(factor: factor, patience: plateauPatience, minimum: minimum)
        }
        c.warmupSteps = try r.int("warmupSteps", default: c.warmupSteps, range: 0...Int.max)
        c.beta1 = try r.double("beta1", default: c.beta1, range: 0...0.999999)
        c.beta2 = try r.double("beta2", default: c.beta2, range: 0...0.999999)
        c.momentum = try r.double("momentum", default: c.momentum, range: 0...0.9999)
        c.weightDecay = try r.double("weightDecay", default: c.weightDecay, range: 0...10)
        c.clipNorm = try r.double("clipNorm", default: c.clipNorm, range: 0...1e6)
        c.labelSmoothing = try r.double("labelSmoothing", default: c.labelSmoothing, range: 0...0.99)
        c.batchTokens = try r.int("batchTokens", default: c.batchTokens, range: 1...10_000_000)
        c.batchSentences = try r.optionalInt("batchSentences", range: 1...1_000_000)
        c.gradientAccumulation = try r.int("gradientAccumulation", default: c.gradientAccumulation, range: 1...1024)
        c.maxSteps = try r.optionalInt("maxSteps", range: 1...Int.max)
        c.maxEpochs = try r.has("maxEpochs") ? r.optionalInt("maxEpochs", range: 1...100_000) : (c.maxSteps == nil ? c.maxEpochs : nil)
        c.validateEvery = try r.int("validateEvery", default: c.validateEvery, range: 1...Int.max)
        c.earlyStoppingMetric = try r.choice("earlyStoppingMetric", default: c.earlyStoppingMetric)
        c.patience = try r.optionalInt("patience", range: 1...10_000)
        c.keepCheckpoints = try r.int("keepCheckpoints", default: c.keepCheckpoints, range: 1...1000)
        c.scheduledSampling = try r.double("scheduledSampling", default: c.scheduledSampling, range: 0...1)
        c.coverageLossWeight = try r.double("coverageLossWeight", default: c.coverageLossWeight, range: 0...100)
        c.seed = UInt64(try r.int("seed", default: Int(c.seed), range: 0...Int.max))
        c.threads = try r.int("threads", default: c.threads, range: 1...256)
        c.precision = try r.choice("precision", default: c.precision)
        if let problem = c.problems.first { throw r.invalid("", problem) }
        config = c
        try r.finish()
    }
}

/// `decoding`: search settings for translation and evaluation (see `SearchOptions`).
public struct DecodingSection: Sendable, Equatable {
    public var search = SearchOptions()
    public var batchSize = 32

    init(_ r: SectionReader) throws {
        search.beamSize = try r.int("beamSize", default: search.beamSize, range: 1...256)
        search.lengthNormalization = try r.choice("lengthNormalization", default: search.lengthNormalization)
        search.lengthPenalty = try r.double("lengthPenalty", default: search.lengthPenalty, range: 0...10)
        search.coveragePenalty = try r.double("coveragePenalty", default: search.coveragePenalty, range: 0...10)
        search.minLength = try r.int("minLength", default: search.minLength, range: 0...100_000)
        search.maxLengthRatio = try r.double("maxLengthRatio", default: search.maxLengthRatio, range: 0...100)
        search.maxLength = try r.int("maxLength", default: search.maxLength, range: 1...100_000)
        search.blockRepeatedNgrams = try r.int("blockRepeatedNgrams", default: search.blockRepeatedNgrams, range: 0...100)
        search.nbest = try r.int("nbest", default: search.nbest, range: 1...256)
        if search.nbest > search.beamSize { throw r.invalid("nbest", "n-best \(search.nbest) exceeds beamSize \(search.beamSize)") }
        batchSize = try r.int("batchSize", default: batchSize, range: 1...100_000)
        try r.finish()
    }
}

/// `evaluation`: what the evaluate stage measures and shows.
public struct EvaluationSection: Sendable, Equatable {
    public enum Metric: String, Sendable, CaseIterable { case bleu, chrf, rouge }
    public var metrics: [Metric] = [.bleu, .chrf]
    /// Validation sentences decoded (greedily) for BLEU at each validation; 0 for none.
    public var validationBleuSentences = 500
    /// Example translations in the report.
    public var samples = 5

    init(_ r: SectionReader) throws {
        metrics = try r.strings("metrics", default: metrics.map(\.rawValue)).map { name in
            guard let metric = Metric(rawValue: name.lowercased()) else {
                throw r.invalid("metrics", "'\(name)' is not one of \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return metric
        }
        validationBleuSentences = try r.int("validationBleuSentences", default: validationBleuSentences, range: 0...1_000_000)
        samples = try r.int("samples", default: samples, range: 0...10_000)
        try r.finish()
    }
}
