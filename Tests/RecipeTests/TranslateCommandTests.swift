import Foundation
import Seq2Seq
import Tensor
import Testing

@testable import Recipe

/// Runs `recur` with `input` on stdin; returns its status, stdout and stderr.
func runRecur(_ arguments: [String], input: Data = Data()) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = try recurExecutable()
    process.arguments = arguments
    let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
    (process.standardInput, process.standardOutput, process.standardError) = (stdin, stdout, stderr)
    try process.run()
    stdin.fileHandleForWriting.write(input)
    try stdin.fileHandleForWriting.close()
    let out = stdout.fileHandleForReading.readDataToEndOfFile(), err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}

@Suite(.serialized) struct TranslateCommandTests {
    /// A model bundle trained on the tiny corpus (shared by the tests of this suite).
    static let bundle: Result<URL, Error> = Result {
        let experiment = try TinyExperiment(steps: 30)
        let runner = try ExperimentRunner(recipe: try Recipe.load(experiment.recipe.path), directory: experiment.directory.appendingPathComponent("run")) { _ in }
        try runner.run()
        return runner.bundleDirectory
    }

    @Test func badInputNeverStopsTheStream() throws {
        let model = try Self.bundle.get().path
        var input = Data("twenty-one\n\nseven\n".utf8)
        input += Data([0x66, 0xFF, 0x0A])  // "f", an invalid byte, newline
        input += Data((Array(repeating: "nine", count: 40).joined(separator: " ") + "\nfour\n").utf8)
        let result = try runRecur(["translate", "--model", model, "--beam-size", "2", "--batch-size", "2", "--max-source-tokens", "20"], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 7 && lines[6].isEmpty, "one output line per input line: \(lines)")
        #expect(lines[1].isEmpty, "an empty line gives an empty line")
        #expect(result.stderr.contains("<stdin>:4: invalid UTF-8; bad bytes replaced by U+FFFD"))
        #expect(result.stderr.contains("<stdin>:5: longer than 20 tokens; translated the first 20"))
    }

    @Test func outputMatchesTheLibraryAndJSONCarriesHypotheses() throws {
        let model = try Self.bundle.get().path
        let input = Data("three hundred\nMay 5, 2001\n".utf8)
        let text = try runRecur(["translate", "--model", model], input: input)
        let json = try runRecur(["translate", "--model", model, "--format", "json", "--nbest", "3"], input: input)
        #expect(text.status == 0 && json.status == 0)
        let objects = try json.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 2)
        #expect(objects.map { $0["translation"] as! String } == text.stdout.split(separator: "\n").map(String.init))
        for object in objects {
            let hypotheses = object["hypotheses"] as! [[String: Any]]
            #expect(hypotheses.count == 3)
            let scores = hypotheses.map { $0["score"] as! Double }
            #expect(scores == scores.sorted(by: >))
            let tokens = (hypotheses[0]["tokens"] as! [String]).count
            #expect((hypotheses[0]["alignment"] as! [Int]).count == tokens)
            #expect((hypotheses[0]["attention"] as! [[Double]]).count == tokens + 1)
        }
    }

    @Test func aMissingBundleIsAClearError() throws {
        let result = try runRecur(["translate", "--model", "/nonexistent/model"])
        #expect(result.status != 0)
        #expect(result.stderr == "error: /nonexistent/model: not a model bundle (no model.safetensors); pass the directory `recur run` wrote as RUN/model\n")
    }

    /// `recur quantize` writes an int8 bundle a quarter the size, which loads with int8
    /// products and translates; a damaged one is a clear error.
    @Test func quantizedBundle() throws {
        let model = try Self.bundle.get()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("recur-int8-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let quantize = try runRecur(["quantize", "--model", model.path, "--out", out.path])
        #expect(quantize.status == 0 && quantize.stdout.hasPrefix("quantized "), "\(quantize.stderr)")
        func size(_ directory: URL) throws -> Int {
            try directory.appendingPathComponent("model.safetensors").resourceValues(forKeys: [.fileSizeKey]).fileSize!
        }
        // A quarter, plus the scales and the header, which weigh more in a tiny model.
        let (int8Bytes, floatBytes) = (try size(out), try size(model))
        #expect(Double(int8Bytes) < 0.4 * Double(floatBytes), "int8 \(int8Bytes) bytes, float32 \(floatBytes)")

        let (float, fp32) = try ModelBundle.load(from: model), (quantized, int8) = try ModelBundle.load(from: out)
        #expect(quantized.settings.quantization == .int8 && float.settings.quantization == nil)
        #expect(int8.isQuantized && !fp32.isQuantized)
        for ((name, a), (_, b)) in zip(fp32.parameters, int8.parameters) {
            let scale = a.array.map(abs).max()!
            let worst = zip(a.array, b.array).map { abs($0 - $1) }.max()!
            #expect(worst <= scale / 127 * 0.51 + 1e-7, "\(name): int8 values off by \(worst) (largest \(scale))")
        }
        let translated = try runRecur(["translate", "--model", out.path], input: Data("three hundred\nMay 5, 2001\n".utf8))
        #expect(translated.status == 0 && translated.stdout.split(separator: "\n").count == 2, "\(translated.stderr)")

        let again = try runRecur(["quantize", "--model", out.path, "--out", out.path + "-again"])
        #expect(again.status != 0 && again.stderr.contains("is already quantized (int8)"))

        // Scales removed: the error names the weight and says what to do.
        var stored = try SafeTensors.read(out.appendingPathComponent("model.safetensors")).tensors
        stored["decoder.output.weight.scale"] = nil
        try SafeTensors.write(stored.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: out.appendingPathComponent("model.safetensors"))
        let damaged = try runRecur(["translate", "--model", out.path], input: Data("one\n".utf8))
        #expect(damaged.status != 0 && damaged.stderr.contains("int8 weight 'decoder.output.weight' or its scales 'decoder.output.weight.scale' are missing"), "\(damaged.stderr)")
    }

    /// `recur shortlist` writes a run's shortlist into its bundle, and `translate --shortlist`
    /// decodes with it.
    @Test func shortlistFromARun() throws {
        let model = try Self.bundle.get()
        let built = try runRecur(["shortlist", "--run", model.deletingLastPathComponent().path, "--frequent", "20", "--per-word", "5"])
        #expect(built.status == 0 && built.stdout.hasPrefix("shortlist: 20 frequent words"), "\(built.stderr)")
        defer { try? FileManager.default.removeItem(at: model.appendingPathComponent("shortlist.txt")) }
        let (bundle, _) = try ModelBundle.load(from: model)
        #expect(bundle.shortlist?.frequent.count == 20)
        let translated = try runRecur(["translate", "--model", model.path, "--shortlist"], input: Data("three hundred\nMay 5, 2001\n".utf8))
        #expect(translated.status == 0 && translated.stdout.split(separator: "\n").count == 2, "\(translated.stderr)")
    }
}
