import Foundation
import NN
import Testing
import Text

@testable import Seq2Seq
@testable import Tensor

@Suite struct TrainerTests {
    /// A fresh run directory.
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recur-trainer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func smallModel() -> Seq2SeqModel {
        var config = ModelConfig(sourceVocabularySize: 20, targetVocabularySize: 20)
        config.embeddingSize = 8
        config.hiddenSize = 8
        config.dropout = 0.2  // so resuming must restore the dropout generator too
        return Seq2SeqModel(config, seed: 5)
    }

    /// Four batches an epoch, reshuffled each epoch as a function of the epoch alone.
    func batches(epoch: Int) -> [SentencePairs] {
        var g = RandomGenerator(seed: 100 + UInt64(epoch))
        return (0..<4).map { _ in reversalPairs(8, generator: &g) }
    }

    func trainingConfig(maxSteps: Int) -> TrainingConfig {
        var config = TrainingConfig()
        config.maxSteps = maxSteps
        config.maxEpochs = nil
        config.validateEvery = 3
        config.keepCheckpoints = 2
        config.scheduledSampling = 0.2
        return config
    }

    /// Each step's loss from a run directory's log, by step.
    func stepLosses(_ directory: URL) throws -> [Int: Double] {
        let text = try String(contentsOf: directory.appendingPathComponent("train.jsonl"), encoding: .utf8)
        var losses: [Int: Double] = [:]
        for line in text.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            if object["kind"] as? String == "step" { losses[object["step"] as! Int] = object["loss"] as? Double }
        }
        return losses
    }

    func run(_ directory: URL, maxSteps: Int, validation: [SentencePairs]) throws -> TrainingSummary {
        let log = try TrainingLog(url: directory.appendingPathComponent("train.jsonl"))
        log.quiet = true
        let trainer = Trainer(model: smallModel(), config: trainingConfig(maxSteps: maxSteps), directory: directory, log: log)
        try trainer.resumeIfPossible()
        return try trainer.train(batchesOfEpoch: batches(epoch:), validation: validation)
    }

    /// A run stopped at step 7 and resumed gives the same loss at every step as one that ran
    /// through: weights, Adam's moments, the dropout and sampling generators, the schedule
    /// and the position in the data all come back.
    @Test func resumingReproducesTheUninterruptedRun() throws {
        var g = RandomGenerator(seed: 9)
        let validation = [reversalPairs(8, generator: &g)]
        let straight = try temporaryDirectory(), resumed = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: straight); try? FileManager.default.removeItem(at: resumed) }
        _ = try run(straight, maxSteps: 14, validation: validation)
        _ = try run(resumed, maxSteps: 7, validation: validation)
        let summary = try run(resumed, maxSteps: 14, validation: validation)
        #expect(summary.steps == 14)
        let (a, b) = (try stepLosses(straight), try stepLosses(resumed))
        #expect(a.count == 14 && b.count == 14)
        for step in 1...14 { #expect(a[step] == b[step], "step \(step): \(a[step] ?? -1) straight, \(b[step] ?? -1) resumed") }
    }

    @Test func checkpointsArePrunedAndAHalfWrittenOneIsIgnored() throws {
        var g = RandomGenerator(seed: 10)
        let validation = [reversalPairs(8, generator: &g)]
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try run(directory, maxSteps: 12, validation: validation)
        let checkpoints = directory.appendingPathComponent("checkpoints")
        let names = try FileManager.default.contentsOfDirectory(atPath: checkpoints.path).filter { $0.hasPrefix("step-") }.sorted()
        #expect(names.contains("step-00000012") && names.count <= 3, "\(names)")  // the last 2, and the best
        #expect(Checkpoint.latest(in: checkpoints) == "step-00000012")
        // A crash while writing the next checkpoint leaves a .partial directory: ignored.
        try FileManager.default.createDirectory(at: checkpoints.appendingPathComponent(".step-00000015.partial"), withIntermediateDirectories: true)
        let model = smallModel()
        let state = try Checkpoint.load(into: model, optimizer: Adam(parameters: model.parameters), from: checkpoints, name: Checkpoint.latest(in: checkpoints)!)
        #expect(state.step == 12)
    }

    @Test func earlyStoppingWithPatience() throws {
        var g = RandomGenerator(seed: 11)
        let validation = [reversalPairs(8, generator: &g)]
        let log = try TrainingLog(url: nil)
        log.quiet = true
        var config = trainingConfig(maxSteps: 1000)
        config.validateEvery = 1
        config.learningRate = 1  // diverges, so validation stops improving
        config.patience = 2
        let trainer = Trainer(model: smallModel(), config: config, directory: nil, log: log)
        let summary = try trainer.train(batchesOfEpoch: batches(epoch:), validation: validation)
        #expect(summary.stoppedEarly && summary.steps < 1000)
        #expect(trainer.state.validationsWithoutImprovement == 2)
    }
}

@Suite struct AveragingTests {
    @Test func averageIsTheElementwiseMean() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-average-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = (0..<3).map { directory.appendingPathComponent("\($0).safetensors") }
        for (i, file) in files.enumerated() {
            try SafeTensors.write([("w", Tensor([Float(i), 2 * Float(i)], shape: [2])), ("b", Tensor(scalar: 3))], to: file)
        }
        let mean = try CheckpointAveraging.average(files)
        #expect(mean["w"]!.array == [1, 2] && mean["b"]!.scalar == 3)
        try SafeTensors.write([("w", Tensor([1, 2, 3], shape: [3])), ("b", Tensor(scalar: 3))], to: files[2])
        #expect(throws: WeightsError.self) { try CheckpointAveraging.average(files) }
    }
}

@Suite struct BundleTests {
    @Test func aBundleWhoseFilesDisagreeIsRejected() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-bundle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = ModelConfig(sourceVocabularySize: 6, targetVocabularySize: 6)
        (config.embeddingSize, config.hiddenSize) = (4, 3)
        var counts = TokenCounts()
        for word in ["a", "b"] { counts.add(word) }
        let vocabulary = Vocabulary(counts: counts)  // 4 specials + 2 words = 6
        let bundle = ModelBundle(settings: .init(model: config, tokenizer: TokenizerOptions()), sourceVocabulary: vocabulary,
                                 targetVocabulary: vocabulary, sourceBPE: nil)
        try bundle.save(Seq2SeqModel(config, seed: 1), to: directory)
        _ = try ModelBundle.load(from: directory)
        counts.add("c")
        try Vocabulary(counts: counts).write(to: directory.appendingPathComponent("target.vocab").path)
        #expect {
            try ModelBundle.load(from: directory)
        } throws: { error in
            "\(error)" == "\(directory.path)/target.vocab has 7 tokens but config.json says 6: the files come from different models"
        }
    }
}
