import ArgumentParser
import Foundation
import Tensor

/// `recur bench …`: measurements that print figures (speed targets live here, not in tests).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Recur's speed.",
        subcommands: [BenchKernels.self])
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct BenchKernels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Matrix products (engine vs raw cblas_sgemm) and fused cells on the reference model's shapes.")

    @Option(help: "Threads for BLAS and the engine's kernels.")
    var threads: Int = 2

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        let report = KernelBenchmark.run(threads: threads)
        switch format {
        case .json: print(try jsonString(report))
        case .text: print(KernelBenchmark.table(report))
        }
    }
}

/// Pretty-printed JSON with sorted keys.
func jsonString<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
