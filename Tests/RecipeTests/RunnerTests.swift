import Foundation
import Testing
import Text

@testable import Recipe

/// A tiny corpus and recipe in a fresh directory.
struct TinyExperiment {
    let directory: URL
    let recipe: URL

    init(steps: Int = 60) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-run-\(UUID().uuidString)")
        var options = QuickstartCorpus.Options()
        (options.trainSize, options.validSize, options.testSize) = (400, 30, 30)
        try QuickstartCorpus.write(to: directory.appendingPathComponent("corpus"), options)
        recipe = directory.appendingPathComponent("tiny.yaml")
        try """
            name: tiny
            data: {source: en, target: es, train: corpus/train, valid: corpus/valid, test: {test: corpus/test}}
            text: {bpeMerges: 50}
            model: {embeddingSize: 16, hiddenSize: 16}
            training: {maxSteps: \(steps), validateEvery: 10, batchSentences: 16, threads: 2}
            decoding: {beamSize: 2}
            evaluation: {validationBleuSentences: 10, samples: 2}
            """.write(to: recipe, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// The `recur` executable built beside the tests (`make test` builds it first).
func recurExecutable() throws -> URL {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("recur") }
    return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                        "build the recur executable first: swift build -c release -Xswiftc -enable-testing --product recur")
}

/// Each step's loss in a run's log (the last record of a step, which a resumed run repeats).
func stepLosses(_ run: URL) throws -> [Int: Double] {
    let text = try String(contentsOf: run.appendingPathComponent("train/train.jsonl"), encoding: .utf8)
    var losses: [Int: Double] = [:]
    for line in text.split(separator: "\n") {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        if object["kind"] as? String == "step" { losses[object["step"] as! Int] = object["loss"] as? Double }
    }
    return losses
}

@Suite(.serialized) struct RunnerTests {
    @Test func finishedStagesAreSkippedAndChangesRerunWhatTheyAffect() throws {
        let experiment = try TinyExperiment(steps: 20)
        defer { experiment.remove() }
        let run = experiment.directory.appendingPathComponent("run")
        func runOnce(_ overrides: [String] = []) throws -> (results: RunResults, log: [String]) {
            var log: [String] = []
            let runner = try ExperimentRunner(recipe: try Recipe.load(experiment.recipe.path, overrides: overrides), directory: run) { log.append($0) }
            return (try runner.run(), log)
        }
        let first = try runOnce()
        #expect(first.results.tests.map(\.name) == ["test"])
        let perplexity = try #require(first.results.tests[0].scores["perplexity"])
        #expect(perplexity > 1 && perplexity < 300, "test perplexity \(perplexity) for a vocabulary of about 80")
        for file in ["recipe.yaml", "data/train.ids", "model/model.safetensors", "results.json", "report.md", "eval/test.hyp", "training-loss.svg"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file) is missing")
        }
        let again = try runOnce()
        #expect(again.log.filter { $0.hasSuffix("up to date") } == ["prepare: up to date", "train: up to date", "evaluate: up to date"])
        #expect(again.results == first.results)
        // A decoding change reruns evaluation only; a model change reruns training too.
        let beam = try runOnce(["decoding.beamSize=1"])
        #expect(beam.log.contains("prepare: up to date") && beam.log.contains("train: up to date") && !beam.log.contains("evaluate: up to date"))
        let model = try runOnce(["model.hiddenSize=8"])
        #expect(model.log.contains("prepare: up to date") && !model.log.contains("train: up to date"))
    }

    /// Killed (SIGKILL, no chance to save) in the middle of training, the run continues from
    /// its last checkpoint when started again, and ends with the same losses and scores as a
    /// run that was never interrupted.
    @Test func killedTrainingContinuesToTheSameResult() throws {
        let recur = try recurExecutable()
        let experiment = try TinyExperiment(steps: 60)
        defer { experiment.remove() }
        func start(_ out: URL) throws -> Process {
            let process = Process()
            process.executableURL = recur
            process.arguments = ["run", experiment.recipe.path, "--out", out.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let straight = experiment.directory.appendingPathComponent("straight"), killed = experiment.directory.appendingPathComponent("killed")
        let reference = try start(straight)
        reference.waitUntilExit()
        #expect(reference.terminationStatus == 0)

        let victim = try start(killed)
        let latest = killed.appendingPathComponent("train/checkpoints/latest")
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: latest.path) && victim.isRunning && Date() < deadline { usleep(2000) }
        #expect(victim.isRunning, "the run finished before it could be killed")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        let resumed = try start(killed)
        resumed.waitUntilExit()
        #expect(resumed.terminationStatus == 0)

        let (a, b) = (try stepLosses(straight), try stepLosses(killed))
        #expect(a.count == 60 && a == b)
        let results = { (run: URL) in try RunResults.load(run.appendingPathComponent("results.json")) }
        #expect(try results(straight).tests.map(\.scores) == results(killed).tests.map(\.scores))
    }

    /// Ctrl-C (SIGINT) saves a checkpoint at the current step and exits saying how to
    /// continue; running again finishes the training.
    @Test func interruptSavesACheckpointAndTheRunContinues() throws {
        let recur = try recurExecutable()
        let experiment = try TinyExperiment(steps: 400)
        defer { experiment.remove() }
        let run = experiment.directory.appendingPathComponent("run")
        let process = Process()
        process.executableURL = recur
        process.arguments = ["run", experiment.recipe.path, "--out", run.path]
        let errors = Pipe()
        (process.standardOutput, process.standardError) = (FileHandle.nullDevice, errors)
        try process.run()
        let latest = run.appendingPathComponent("train/checkpoints/latest")
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: latest.path) && process.isRunning && Date() < deadline { usleep(2000) }
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        let interrupted = try #require(stderr.split(separator: "\n").first { $0.hasPrefix("error: training interrupted at step ") })
        let step = try #require(Int(interrupted.split(separator: " ")[5].dropLast()))  // "12;"
        #expect(interrupted.hasSuffix("; run the same command again to continue"))
        #expect(try String(contentsOf: latest, encoding: .utf8) == String(format: "step-%08d\n", step))
        let again = try runRecur(["run", experiment.recipe.path, "--out", run.path])
        #expect(again.status == 0)
        #expect(again.stderr.contains("resumed from step-"))
        #expect(try stepLosses(run).count == 400)
    }
}
