#if canImport(Glibc)
import Glibc
#endif
import CBLAS
import Dispatch
import _Kernels

/// How many cores the engine uses. OpenBLAS itself runs single-threaded; the engine splits
/// large matrix products and large elementwise kernels into blocks (see `Workers`).
public enum Engine {
    /// Sets the number of threads for matrix products and kernels. A start-up setting.
    public static func setThreads(_ count: Int) {
        precondition(count >= 1, "thread count must be at least 1")
        checkCPU()
        threads = count
        singleThreadedBLAS()
    }

    /// Threads in use: 1 on a thread working on one part of `inParallelParts`.
    public static var threadCount: Int { pthread_getspecific(partKey) == nil ? threads : 1 }

    /// Runs `body(part)` for each part in `0..<parts` at once, each on its own thread with the
    /// engine's kernels kept on that thread: parallelism by whole pieces of work (a batch of
    /// sentences decoded in halves), with no thread to wake for every product.
    public static func inParallelParts(_ parts: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let previous = pthread_getspecific(partKey)
                pthread_setspecific(partKey, UnsafeRawPointer(bitPattern: 1))
                defer { pthread_setspecific(partKey, previous) }
                box.value(part)
            }
        }
    }

    /// Set (non-nil) on a thread while it works on one part of `inParallelParts`.
    private static let partKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Sets the precision of matrix products (`gemm`) from now on: a setting, made before work
    /// starts. `.bf16` rounds both operands to bfloat16 and accumulates in FP32 (through oneDNN);
    /// it throws, with what to install, where that cannot run. Products of at most
    /// `maximumSmallProductRows` rows (a decoder step over a beam) stay FP32.
    public static func setMatrixPrecision(_ precision: MatrixPrecision) throws {
        if precision == .bf16, let reason = rk_bf16_unavailable() {
            throw UnavailablePrecision(precision: precision, reason: String(cString: reason))
        }
        matrixPrecision = precision
        parametersChanged()
    }

    /// The precision of matrix products in use.
    nonisolated(unsafe) public private(set) static var matrixPrecision = MatrixPrecision.float32

    /// Products of at least this many multiply-adds (M·N·K) are split across threads: below
    /// it, waking a second thread costs more than it saves.
    static let minimumSplitProduct = 1 << 20

    /// Products below this many multiply-adds stay FP32 in bf16 training: attention's
    /// per-sentence products in backward (a 30 × 512 outer product, thousands a step) cost
    /// oneDNN's call and the operands' rounding many times their arithmetic.
    static let minimumBF16Product = 1 << 18

    /// Whether `gemm` runs an M×K by K×N product in bf16.
    static func runsInBF16(m: Int, n: Int, k: Int) -> Bool {
        matrixPrecision == .bf16 && m > maximumSmallProductRows && m * n * k >= minimumBF16Product
    }

    /// x·Wᵀ products with at most this many rows of x go to `rk_gemm_nt_small`, which reads
    /// W once without packing it (measured against OpenBLAS on the decoder's shapes: 1.1–5×
    /// faster up to 8 rows, even at 32, slower beyond).
    static let maximumSmallProductRows = 8

    // Written by `setThreads` (a setting, before work starts), read by every kernel call;
    // tests set it alone to compare split and unsplit kernels.
    nonisolated(unsafe) static var threads = initialThreads()

    private static func initialThreads() -> Int {
        singleThreadedBLAS()
        return max(1, Int(openblas_get_num_procs()))
    }

    /// OpenBLAS's own threads would spin between products and fight the engine's; one
    /// thread, set once (resizing it while another thread is in a product is unsafe).
    private static func singleThreadedBLAS() {
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
    }

    /// Stops with a clear message on a CPU that cannot run the kernels.
    public static func checkCPU() {
        if rk_cpu_supported() == 0 {
            fatalError("this CPU lacks AVX2/FMA, which Recur's kernels are compiled for (any x86-64 server CPU since 2015 has them)")
        }
    }
}

/// Elementwise work split across the engine's threads (kernels and optimisers).
public enum Parallel {
    /// Work below this many elements runs on one thread: splitting costs ~5 µs.
    static let minimumElements = 1 << 15

    /// Calls `body` on disjoint ranges covering `0..<rows`, on up to `Engine.threadCount`
    /// threads when `rows × elementsPerRow` is large enough to pay for it.
    public static func forRows(_ rows: Int, elementsPerRow: Int, _ body: (Range<Int>) -> Void) {
        let threads = min(Engine.threadCount, rows)
        guard threads > 1, rows * elementsPerRow >= minimumElements else {
            body(0..<rows)
            return
        }
        Workers.run(threads) { chunk in body(rows * chunk / threads..<rows * (chunk + 1) / threads) }
    }
}

struct UnsafeSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The precision of matrix products' operands; accumulation is FP32 either way.
public enum MatrixPrecision: String, Sendable, Codable, CaseIterable {
    case float32, bf16
}

/// A precision this machine or build cannot run, and why.
public struct UnavailablePrecision: Error, CustomStringConvertible {
    public let precision: MatrixPrecision
    public let reason: String
    public var description: String {
        "\(precision.rawValue) matrix products are not available: \(reason) (the setting is a recipe's training.precision, or recur bench train --\(precision.rawValue))"
    }
}
