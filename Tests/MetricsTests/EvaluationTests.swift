import Foundation
import Testing

@testable import Metrics

/// A scratch directory with the files a test writes.
struct TempFiles {
    let directory: URL

    init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("recur-metrics-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ lines: [String]) -> String {
        let url = directory.appendingPathComponent(name)
        try! (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func write(_ name: String, bytes: [UInt8]) -> String {
        let url = directory.appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url.path
    }
}

@Suite struct EvaluationTests {
    let c = Fixtures.sacreBLEU.cases.first { $0.name == "multi30k-en-3refs" }!

    @Test func textReportPrintsSacreBLEULines() throws {
        let files = TempFiles()
        let hyp = files.write("hyp.txt", c.hypotheses)
        let refs = c.references.enumerated().map { files.write("ref\($0.offset).txt", $0.element) }
        let report = try evaluate(
            EvaluationRequest(hypothesisPath: hyp, referencePaths: refs, metrics: [.bleu, .chrf, .rouge]))
        let lines = report.text().split(separator: "\n").map(String.init)
        #expect(lines[0] == c.bleu[0].formatted)
        let chrF = c.chrf[0]
        #expect(lines[1] == "chrF2|\(chrF.signature) = \(String(format: "%.1f", chrF.score))")
        #expect(lines.count == 5)
        #expect(report.segments == c.hypotheses.count)
        #expect(report.rouge?["rouge1"] != nil)
    }

    @Test func jsonReportDecodes() throws {
        let files = TempFiles()
        let hyp = files.write("hyp.txt", c.hypotheses)
        let ref = files.write("ref.txt", c.references[0])
        let report = try evaluate(EvaluationRequest(hypothesisPath: hyp, referencePaths: [ref]))
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: Data(report.json().utf8))
        #expect(decoded == report)
    }

    @Test func lineCountMismatchNamesBothFilesAndCounts() {
        let files = TempFiles()
        let hyp = files.write("hyp.txt", ["a", "b", "c"])
        let ref = files.write("ref.txt", ["a", "b"])
        #expect {
            try evaluate(EvaluationRequest(hypothesisPath: hyp, referencePaths: [ref]))
        } throws: { error in
            let message = (error as? MetricsInputError)?.description ?? ""
            return message.contains("\(hyp) has 3 lines") && message.contains("\(ref) has 2")
        }
    }

    @Test func invalidUTF8NamesFileAndLine() {
        let files = TempFiles()
        let hyp = files.write("hyp.txt", bytes: Array("ok\nbad \u{e9}".utf8.dropLast(1)) + [0xFF, 0x0A])
        #expect(throws: MetricsInputError("\(hyp):2: invalid UTF-8 at byte 5 of the line; re-encode the file as UTF-8 (e.g. iconv -t UTF-8)")) {
            try readLines(path: hyp)
        }
    }

    @Test func linesAreSplitOnNewlineAndRightStripped() throws {
        let files = TempFiles()
        let path = files.write("x.txt", bytes: Array("a b \r\n\n c\u{a0}\n".utf8))
        #expect(try readLines(path: path) == ["a b", "", " c"])
    }

    @Test func missingReferenceIsAnError() {
        #expect(throws: MetricsInputError.self) {
            try evaluate(EvaluationRequest(hypothesisPath: "/nonexistent/hyp", referencePaths: ["/nonexistent/ref"]))
        }
    }
}

/// Runs the `recur` executable built next to this test bundle and checks what it prints.
@Suite struct EvaluateCommandTests {
    static let recur: URL? = {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [products, products.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("recur")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }()

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = Self.recur!
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self),
                String(decoding: stderr, as: UTF8.self))
    }

    @Test(.enabled(if: recur != nil, "the recur executable is built by `swift build`"))
    func evaluatePrintsBLEUAndChrF() throws {
        let c = Fixtures.sacreBLEU.cases.first { $0.name == "edge-cases" }!
        let files = TempFiles()
        let hyp = files.write("hyp.txt", c.hypotheses)
        let ref = files.write("ref.txt", c.references[0])
        let result = try run(["evaluate", "--hyp", hyp, "--ref", ref])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix(c.bleu[0].formatted + "\n"))
    }

    @Test(.enabled(if: recur != nil, "the recur executable is built by `swift build`"))
    func evaluateRejectsMismatchedFiles() throws {
        let files = TempFiles()
        let hyp = files.write("hyp.txt", ["a", "b"])
        let ref = files.write("ref.txt", ["a"])
        let result = try run(["evaluate", "--hyp", hyp, "--ref", ref])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(hyp) has 2 lines but \(ref) has 1"))
    }
}
