import ArgumentParser
import Foundation
import Seq2Seq
import Tensor

/// `recur bench …`: measurements that print figures (speed targets live here, not in tests).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Recur's speed.",
        subcommands: [BenchKernels.self, BenchTrain.self, BenchDecode.self])
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
    String(decoding: try JSONEncoder.readable.encode(value), as: UTF8.self)
}

/// The reference model's two benchmark configurations.
enum ReferenceConfig: String, ExpressibleByArgument, CaseIterable {
    case a, b
    var sizes: (embedding: Int, hidden: Int) { self == .a ? (256, 256) : (512, 512) }
}

/// The options both reference benchmarks take.
struct ReferenceBenchOptions: ParsableArguments {
    @Option(help: "Reference configuration: a (E = H = 256) or b (E = H = 512).")
    var config: ReferenceConfig = .a

    @Option(help: "Threads for matrix products and kernels.")
    var threads: Int = 2

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }
}

struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "The reference model's training benchmark: target tokens/s and peak memory.",
        discussion: "Same shapes, lengths and batch composition as ../shared/reference/pytorch/ref_s2s.py bench --what train. Run the reference beside it and compare ratios (scripts/bench_vs_reference.sh does both).")

    @OptionGroup var options: ReferenceBenchOptions

    @Option(help: "Timed steps per repeat.")
    var steps: Int = 20

    @Flag(help: "Matrix products in bf16 with FP32 accumulation (mixed precision, as `precision: bf16` in a recipe's training section).")
    var bf16 = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps)") }
    }

    func run() throws {
        let (e, h) = options.config.sizes
        let result = try TrainingBenchmark.run(config: options.config.rawValue.uppercased(), embeddingSize: e, hiddenSize: h,
                                               threads: options.threads, steps: steps, precision: bf16 ? .bf16 : .float32)
        switch options.format {
        case .json: print(try jsonString(result))
        case .text:
            let repeats = result.tokensPerSecondRepeats.map { String(Int($0.rounded())) }.joined(separator: ", ")
            print("""
                config \(result.config): E=\(e) H=\(h) V=\(result.vocabularySize), \(result.parameters) parameters, \(options.threads) threads\(bf16 ? ", bf16 products" : "")
                train: \(Int(result.tokensPerSecond.rounded())) target tokens/s (median of \(repeats)) = \((result.gigaflops * 10).rounded() / 10) GFLOP/s
                last loss \(result.lastLoss), peak resident memory \(Int(result.peakResidentMiB.rounded())) MiB
                """)
        }
    }
}

struct BenchDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "The reference model's decoding benchmarks: greedy (batch 64), beam 5 (batch 32 and 1), sentences/s.",
        discussion: "Same model, test set shape and forced output lengths as ../shared/reference/pytorch/ref_s2s.py bench. Run the reference beside it and compare ratios (scripts/bench_vs_reference.sh does both).")

    @OptionGroup var options: ReferenceBenchOptions

    @Flag(help: "Decode with int8 products (weights quantised per row, activations per row at run time), as a bundle from `recur quantize` does.")
    var int8 = false

    func run() throws {
        let (e, h) = options.config.sizes
        let result = DecodingBenchmark.run(config: options.config.rawValue.uppercased(), embeddingSize: e, hiddenSize: h, threads: options.threads,
                                           int8: int8)
        switch options.format {
        case .json: print(try jsonString(result))
        case .text:
            print("config \(result.config): E=\(e) H=\(h) V=8000, \(options.threads) threads\(int8 ? ", int8" : "")")
            for m in result.measurements {
                let repeats = m.sentencesPerSecondRepeats.map { String(format: "%.1f", $0) }.joined(separator: ", ")
                print("\(m.mode) batch \(m.batchSize): \(String(format: "%.1f", m.sentencesPerSecond)) sentences/s (median of \(repeats); \(m.sentences) sentences)")
            }
        }
    }
}
