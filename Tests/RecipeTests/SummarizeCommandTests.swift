import Foundation
import Testing
import Text

@testable import Recipe

/// A corpus only copying solves: each "document" is filler words with one made-up name
/// ("… called Kavoru …"), its "summary" the name. Every name occurs once, so with
/// `vocabularyMinFrequency: 2` no name is in the vocabulary: the model must copy it.
struct NamingExperiment {
    let directory: URL
    let recipe: URL
    static let fillers = ["the", "tool", "reads", "files", "and", "writes", "reports", "for", "small", "servers", "with", "a", "fast", "library"]

    static func name(_ generator: inout SplitMix64) -> String {
        let consonants = Array("bdfgklmnprstvz"), vowels = Array("aeiou")
        var name = ""
        for i in 0..<3 {
            name.append(consonants[Int(generator.next() % UInt64(consonants.count))])
            name.append(vowels[Int(generator.next() % UInt64(vowels.count))])
            if i == 0 { name = name.uppercased() }
        }
        return name
    }

    /// `count` lines of (document, name).
    static func pairs(_ count: Int, seed: UInt64) -> [(String, String)] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            var words = (0..<(4 + Int(generator.next() % 6))).map { _ in fillers[Int(generator.next() % UInt64(fillers.count))] }
            let name = Self.name(&generator)
            words.insert(contentsOf: ["called", name], at: Int(generator.next() % UInt64(words.count + 1)))
            return (words.joined(separator: " "), name)
        }
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-summarize-\(UUID().uuidString)")
        let corpus = directory.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for (split, count, seed) in [("train", 800, UInt64(1)), ("valid", 30, 2), ("test", 40, 3)] {
            let pairs = Self.pairs(count, seed: seed)
            try (pairs.map(\.0).joined(separator: "\n") + "\n").write(to: corpus.appendingPathComponent("\(split).doc"), atomically: true, encoding: .utf8)
            try (pairs.map(\.1).joined(separator: "\n") + "\n").write(to: corpus.appendingPathComponent("\(split).sum"), atomically: true, encoding: .utf8)
        }
        recipe = directory.appendingPathComponent("naming.yaml")
        try """
            name: naming
            data: {source: doc, target: sum, train: corpus/train, valid: corpus/valid, test: {test: corpus/test}, truncateSource: 12}
            text: {bpeMerges: 0, sharedVocabulary: true, vocabularyMinFrequency: 2}
            model: {embeddingSize: 16, hiddenSize: 16, attention: bahdanau, pointerGenerator: true, coverage: true}
            training: {maxSteps: 250, learningRate: 0.005, validateEvery: 250, batchSentences: 32, labelSmoothing: 0, threads: 2}
            decoding: {beamSize: 3, blockRepeatedNgrams: 3}
            evaluation: {metrics: [rouge], validationBleuSentences: 0, samples: 2}
            """.write(to: recipe, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

@Suite(.serialized) struct SummarizeCommandTests {
    /// `recur run` trains a pointer-generator with coverage end to end, and `recur summarize`
    /// (like `translate`) copies names the vocabulary has never seen.
    @Test func aPointerGeneratorRecipeCopiesUnseenNames() throws {
        let experiment = try NamingExperiment()
        defer { experiment.remove() }
        let runner = try ExperimentRunner(recipe: try Recipe.load(experiment.recipe.path), directory: experiment.directory.appendingPathComponent("run")) { _ in }
        let results = try runner.run()
        let rouge1 = try #require(results.tests.first?.scores["rouge1"])
        #expect(rouge1 > 90, "ROUGE-1 \(rouge1) on names only copying can produce")
        let settings = try String(contentsOf: runner.bundleDirectory.appendingPathComponent("config.json"), encoding: .utf8)
        #expect(settings.contains("\"pointerGenerator\" : true") && settings.contains("\"truncateSource\" : 12"))

        let documents = ["the tool called Vodika reads files", "called Zunefe a fast library for small servers", "and writes reports called Misaro"]
        let input = Data((documents.joined(separator: "\n") + "\n").utf8)
        for command in ["summarize", "translate"] {
            let result = try runRecur([command, "--model", runner.bundleDirectory.path], input: input)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "Vodika\nZunefe\nMisaro\n", "recur \(command)")
        }
    }

    /// Mixed precision end to end, in a process of its own (the precision is an engine-wide
    /// setting): the same experiment trained with bf16 products copies as well.
    @Test func bf16TrainingCopiesAsWell() throws {
        let experiment = try NamingExperiment()
        defer { experiment.remove() }
        let run = experiment.directory.appendingPathComponent("run-bf16")
        let result = try runRecur(["run", experiment.recipe.path, "--out", run.path, "--set", "training.precision=bf16"])
        #expect(result.status == 0, "\(result.stderr)")
        let results = try RunResults.load(run.appendingPathComponent("results.json"))
        let rouge1 = try #require(results.tests.first?.scores["rouge1"])
        #expect(rouge1 > 90, "ROUGE-1 \(rouge1) with bf16 products")
        #expect(try String(contentsOf: run.appendingPathComponent("recipe.yaml"), encoding: .utf8).contains("precision: bf16"))
    }
}
