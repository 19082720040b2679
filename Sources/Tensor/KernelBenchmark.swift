import CBLAS

/// Measures the engine on the reference model's shapes (../shared/reference/pytorch): matrix
/// products through the engine next to the same `cblas_sgemm` call made directly, and the
/// fused LSTM cell. `recur bench kernels` prints it.
public enum KernelBenchmark {
    /// One matrix product: op(A) is M×K, op(B) is K×N.
    public struct Shape: Sendable {
        public let name: String
        public let m: Int, k: Int, n: Int
        public let transposeA: Bool, transposeB: Bool
        var flops: Double { 2 * Double(m) * Double(k) * Double(n) }
    }

    /// The products of one training step of configuration A (E = H = 256) and B (512):
    /// the same list as the reference's gemm_bench.py.
    public static func referenceShapes(embedding e: Int, hidden h: Int, vocabulary v: Int = 8000) -> [Shape] {
        let d = 2 * h  // decoder size
        return [
            Shape(name: "enc input proj", m: 1280, k: e, n: 4 * h, transposeA: false, transposeB: true),
            Shape(name: "enc recurrent", m: 64, k: h, n: 4 * h, transposeA: false, transposeB: true),
            Shape(name: "dec LSTMCell in", m: 64, k: e + d, n: 4 * d, transposeA: false, transposeB: true),
            Shape(name: "dec recurrent", m: 64, k: d, n: 4 * d, transposeA: false, transposeB: true),
            Shape(name: "attn out", m: 64, k: 2 * d, n: d, transposeA: false, transposeB: true),
            Shape(name: "out proj fwd", m: 1344, k: d, n: v, transposeA: false, transposeB: true),
            Shape(name: "out proj dX", m: 1344, k: v, n: d, transposeA: false, transposeB: false),
            Shape(name: "out proj dW", m: v, k: 1344, n: d, transposeA: true, transposeB: false),
            Shape(name: "dec rec dX", m: 64, k: 4 * d, n: d, transposeA: false, transposeB: false),
            Shape(name: "dec rec dW", m: 4 * d, k: 64, n: d, transposeA: true, transposeB: false),
        ]
    }

    public struct ProductResult: Sendable, Codable {
        public let config: String, name: String, shape: String
        public let blasGFLOPs: Double, engineGFLOPs: Double
        /// The engine with bf16 products (`Engine.setMatrixPrecision(.bf16)`); nil where this
        /// machine or build has none.
        public let engineBF16GFLOPs: Double?
        /// How much slower the engine is than the bare BLAS call, in percent.
        public var overheadPercent: Double { (blasGFLOPs / engineGFLOPs - 1) * 100 }
    }

    public struct CellResult: Sendable, Codable {
        public let name: String
        public let batch: Int, hidden: Int, threads: Int
        public let forwardInferenceMicroseconds: Double
        public let forwardTrainingMicroseconds: Double
        public let backwardMicroseconds: Double
    }

    public struct Report: Sendable, Codable {
        public let threads: Int
        public let products: [ProductResult]
        public let cells: [CellResult]
        public let crossEntropyMicroseconds: Double
    }

    /// Runs every measurement with `threads` threads (cells also with one).
    public static func run(threads: Int) -> Report {
        Engine.setThreads(threads)
        var products: [ProductResult] = []
        for (config, e, h) in [("A", 256, 256), ("B", 512, 512)] {
            for shape in referenceShapes(embedding: e, hidden: h) { products.append(measure(shape, config: config)) }
        }
        var cells: [CellResult] = []
        for t in Set([1, threads]).sorted() {
            Engine.setThreads(t)
            cells.append(measureLSTM(batch: 64, hidden: 512, threads: t))
            cells.append(measureGRU(batch: 64, hidden: 512, threads: t))
        }
        Engine.setThreads(threads)
        return Report(threads: threads, products: products, cells: cells, crossEntropyMicroseconds: measureCrossEntropy())
    }

    /// The median time of `body` in seconds, over 5 batches of repetitions lasting ~0.1 s.
    static func medianSeconds(_ body: () -> Void) -> Double {
        body()  // warm up: pool buffers, caches, BLAS threads
        let clock = ContinuousClock()
        var repetitions = 1
        while true {
            let elapsed = clock.measure { for _ in 0..<repetitions { body() } }
            if elapsed >= .milliseconds(20) || repetitions >= 1 << 20 { break }
            repetitions *= 4
        }
        let samples = (0..<5).map { _ in
            let elapsed = clock.measure { for _ in 0..<repetitions { body() } }
            return elapsed.seconds
        }
        return samples.sorted()[2] / Double(repetitions)
    }

    static func measure(_ s: Shape, config: String) -> ProductResult {
        var g = RandomGenerator(seed: 1)
        let a = Tensor.parameter(s.transposeA ? [s.k, s.m] : [s.m, s.k], .uniform(1), generator: &g)
        let b = Tensor.parameter(s.transposeB ? [s.n, s.k] : [s.k, s.n], .uniform(1), generator: &g)
        let c = Tensor.zeros([s.m, s.n])
        // The bare call, with OpenBLAS's own threads (the engine keeps OpenBLAS at one and
        // splits products itself).
        openblas_set_num_threads(Int32(Engine.threadCount))
        let blas = medianSeconds {
            cblas_sgemm(CblasRowMajor, s.transposeA ? CblasTrans : CblasNoTrans, s.transposeB ? CblasTrans : CblasNoTrans,
                        Int32(s.m), Int32(s.n), Int32(s.k), 1, a.pointer, Int32(s.transposeA ? s.m : s.k),
                        b.pointer, Int32(s.transposeB ? s.k : s.n), 0, c.pointer, Int32(s.n))
        }
        openblas_set_num_threads(1)
        let engine = medianSeconds { _ = matmul(a, b, transposeA: s.transposeA, transposeB: s.transposeB) }
        var bf16: Double?
        if (try? Engine.setMatrixPrecision(.bf16)) != nil {
            bf16 = s.flops / medianSeconds { _ = matmul(a, b, transposeA: s.transposeA, transposeB: s.transposeB) } / 1e9
            try? Engine.setMatrixPrecision(.float32)
        }
        return ProductResult(config: config, name: s.name, shape: "[\(s.m)x\(s.k)]x[\(s.k)x\(s.n)]",
                             blasGFLOPs: s.flops / blas / 1e9, engineGFLOPs: s.flops / engine / 1e9, engineBF16GFLOPs: bf16)
    }

    static func measureLSTM(batch: Int, hidden: Int, threads: Int) -> CellResult {
        var g = RandomGenerator(seed: 2)
        let gates = Tensor.parameter([batch, 4 * hidden], .uniform(2), generator: &g)
        let cell = Tensor.parameter([batch, hidden], .uniform(1), generator: &g)
        let inference = medianSeconds { _ = lstmCell(gates: gates, cell: cell) }
        let tape = Tape()
        let training = medianSeconds { _ = tape.record { lstmCell(gates: gates, cell: cell) }; tape.reset() }
        let upstream = Tensor.filled([batch, 2 * hidden], with: 0.5)
        let backward = medianSeconds {
            let (h, c) = tape.record { lstmCell(gates: gates, cell: cell) }
            h.gradBuffer.update(from: upstream.pointer, count: h.count)
            c.gradBuffer.update(from: upstream.pointer + h.count, count: c.count)
            tape.runPullbacks()
        } - training
        return CellResult(name: "LSTM", batch: batch, hidden: hidden, threads: threads,
                          forwardInferenceMicroseconds: inference * 1e6, forwardTrainingMicroseconds: training * 1e6,
                          backwardMicroseconds: backward * 1e6)
    }

    static func measureGRU(batch: Int, hidden: Int, threads: Int) -> CellResult {
        var g = RandomGenerator(seed: 3)
        let gi = Tensor.parameter([batch, 3 * hidden], .uniform(2), generator: &g)
        let gh = Tensor.parameter([batch, 3 * hidden], .uniform(2), generator: &g)
        let h0 = Tensor.parameter([batch, hidden], .uniform(1), generator: &g)
        let inference = medianSeconds { _ = gruCell(inputGates: gi, hiddenGates: gh, hidden: h0) }
        let tape = Tape()
        let training = medianSeconds { _ = tape.record { gruCell(inputGates: gi, hiddenGates: gh, hidden: h0) }; tape.reset() }
        let backward = medianSeconds {
            let h = tape.record { gruCell(inputGates: gi, hiddenGates: gh, hidden: h0) }
            h.gradBuffer.update(repeating: 0.5, count: h.count)
            tape.runPullbacks()
        } - training
        return CellResult(name: "GRU", batch: batch, hidden: hidden, threads: threads,
                          forwardInferenceMicroseconds: inference * 1e6, forwardTrainingMicroseconds: training * 1e6,
                          backwardMicroseconds: backward * 1e6)
    }

    /// Cross-entropy with its gradient over the reference's output layer: 1344 × 8000.
    static func measureCrossEntropy() -> Double {
        var g = RandomGenerator(seed: 4)
        let logits = Tensor.parameter([1344, 8000], .uniform(3), generator: &g)
        let targets = (0..<1344).map { Int32(3 + $0 % 7990) }
        let tape = Tape()
        return medianSeconds { _ = tape.record { crossEntropy(logits: logits, targets: targets, labelSmoothing: 0.1) }; tape.reset() } * 1e6
    }
}

extension KernelBenchmark {
    /// The report as a plain-text table.
    public static func table(_ r: Report) -> String {
        func f(_ x: Double, _ digits: Int = 1) -> String {
            let scale = (0..<digits).reduce(1.0) { p, _ in p * 10 }
            return String((x * scale).rounded() / scale)
        }
        func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
        var lines = ["Matrix products, \(r.threads) threads (GFLOP/s; overhead = engine time / BLAS time − 1)", ""]
        lines.append(pad("config", 7) + pad("product", 17) + pad("shape", 26) + pad("BLAS", 8) + pad("engine", 8) + pad("overhead", 10) + "engine bf16")
        for p in r.products {
            lines.append(pad(p.config, 7) + pad(p.name, 17) + pad(p.shape, 26) + pad(f(p.blasGFLOPs), 8)
                         + pad(f(p.engineGFLOPs), 8) + pad(f(p.overheadPercent) + "%", 10) + (p.engineBF16GFLOPs.map { f($0) } ?? "-"))
        }
        lines += ["", "Fused cells (µs per step)", ""]
        lines.append(pad("cell", 6) + pad("B×H", 10) + pad("threads", 9) + pad("fwd (infer)", 13) + pad("fwd (train)", 13) + "backward")
        for c in r.cells {
            lines.append(pad(c.name, 6) + pad("\(c.batch)×\(c.hidden)", 10) + pad("\(c.threads)", 9)
                         + pad(f(c.forwardInferenceMicroseconds), 13) + pad(f(c.forwardTrainingMicroseconds), 13) + f(c.backwardMicroseconds))
        }
        lines += ["", "Cross-entropy with label smoothing and its gradient, 1344 × 8000: \(f(r.crossEntropyMicroseconds, 0)) µs"]
        return lines.joined(separator: "\n")
    }
}
