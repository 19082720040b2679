import _Kernels

/// A weight matrix W (N, K) packed once for products x·Wᵀ (`rk_gemm_nt_packed`, or in bf16
/// `rk_gemm_bf16_packed`), for decoding and for a training step's recurrent loops (`StepPacks`).
/// BLAS packs W into its own layout on every call, which for a decoder step's few rows costs a
/// third as much as the product; packed once, W is only read.
///
/// For decoding, a parameter carries one in `Tensor.packed` (`Seq2SeqModel.packForDecoding`);
/// `linear` uses it when no tape records, and the FP32 values everywhere else. Whatever writes
/// a parameter's values (an optimiser step, a load) calls `valuesWritten()`, which drops it.
public final class PackedMatrix: @unchecked Sendable {
    /// N and K.
    public let rows: Int, columns: Int
    /// float32: `rk_packed_nt_count(N, K)` floats, blocks of 16 rows, each input's 16 weights
    /// together. bf16: `rk_packed_bf16_count(N, K)` 32-bit words, the same by pairs of inputs
    /// rounded to bf16 (`rk_gemm_bf16_packed`).
    let precision: MatrixPrecision
    let panels: UnsafeMutablePointer<Float>
    /// The pool buffer `panels` lies in, for a training step's packing (kept alive by it).
    let storage: Storage?

    /// Where a packing's panels live.
    enum Placement {
        /// An allocation of its own (a model's packing, for decoding).
        case own
        /// A buffer of the tensors' pool, for a packing that lives a few milliseconds
        /// (`StepPacks`): `storage` from `offset` on, which may hold other packings too.
        case pool(Storage, offset: Int)
    }

    /// Floats (bf16: 32-bit words) that W (N, K) packed for x·Wᵀ takes; a multiple of 16, so
    /// that packings placed one after another in a buffer all start 64-byte aligned.
    static func count(rows: Int, columns: Int, precision: MatrixPrecision) -> Int {
        precision == .bf16 ? rk_packed_bf16_count(rows, columns) : rk_packed_nt_count(rows, columns)
    }

    /// Packs a (N, K) weight W, for x·Wᵀ; or, `transposed`, a (K, N) weight W as Wᵀ, for x·W
    /// (a backward pass's dX = dY·W), in its own memory. In bf16, products round x and W to
    /// bf16 and sum in FP32, as a bf16 training step's products do.
    public convenience init(_ weight: Tensor, transposed: Bool = false, precision: MatrixPrecision = .float32) {
        self.init(weight, transposed: transposed, precision: precision, placement: .own)
    }

    /// Packs W (or Wᵀ) where `placement` says; a pool placement must have room for `count`.
    init(_ weight: Tensor, transposed: Bool, precision: MatrixPrecision, placement: Placement) {
        precondition(weight.rank == 2, "PackedMatrix: a weight matrix, got shape \(weight.shape)")
        (rows, columns) = transposed ? (weight.shape[1], weight.shape[0]) : (weight.shape[0], weight.shape[1])
        self.precision = precision
        let count = Self.count(rows: rows, columns: columns, precision: precision)
        if case .pool(let buffer, let offset) = placement {
            precondition(offset % 16 == 0 && offset + count <= buffer.capacity,
                         "PackedMatrix: \(count) floats at \(offset) do not fit a buffer of \(buffer.capacity)")
            storage = buffer
            panels = buffer.pointer + offset
        } else {
            storage = nil
            panels = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
                .bindMemory(to: Float.self, capacity: count)
        }
        switch (precision, transposed) {
        case (.float32, false): rk_pack_nt(rows, columns, weight.pointer, columns, panels)
        case (.float32, true): rk_pack_tn(rows, columns, weight.pointer, rows, panels)
        case (.bf16, false):
            var row = [UInt16](repeating: 0, count: columns + 1)
            rk_pack_bf16_nt(rows, columns, weight.pointer, columns, words, &row)
        case (.bf16, true):
            var scratch = [UInt16](repeating: 0, count: 2 * rows)
            rk_pack_bf16_tn(rows, columns, weight.pointer, rows, words, &scratch)
        }
    }

    deinit { if storage == nil { panels.deallocate() } }

    /// The panels as bf16 pairs.
    private var words: UnsafeMutablePointer<UInt32> { UnsafeMutableRawPointer(panels).assumingMemoryBound(to: UInt32.self) }

    /// Whether this CPU runs the packed products fast (AVX-512); elsewhere a portable loop
    /// computes the same numbers slower than BLAS, and models are not packed.
    public static var hasFastKernels: Bool { rk_packed_fast() != 0 }

    /// Whether this CPU runs the bf16 packed products fast (AVX512_BF16).
    public static var hasFastBF16Kernels: Bool { rk_packed_bf16_fast() != 0 }

    /// x·Wᵀ + bias for x (…, K): (…, N). Records nothing.
    public func linear(_ x: Tensor, bias: Tensor?) -> Tensor {
        precondition(x.lastDimension == columns, "packed linear: input \(x.shape) does not fit weight (\(rows), \(columns))")
        if let bias { precondition(bias.shape == [rows], "packed linear: bias \(bias.shape) for \(rows) outputs") }
        let y = Tensor(uninitialized: Array(x.shape.dropLast()) + [rows])
        product(x.pointer, rows: x.rowCount, bias: bias?.pointer, into: y.pointer, accumulate: false)
        return y
    }

    /// y += x·Wᵀ for x (m, K) and y (m, N), both dense. Records nothing.
    public func accumulate(_ x: Tensor, into y: Tensor) {
        precondition(x.rank == 2 && x.shape[1] == columns && y.shape == [x.shape[0], rows],
                     "packed accumulate: input \(x.shape) and output \(y.shape) do not fit weight (\(rows), \(columns))")
        product(x.pointer, rows: x.rowCount, bias: nil, into: y.pointer, accumulate: true)
    }

    /// y (m, N) (+)= x·Wᵀ + bias for x (m, K), both dense.
    func product(_ x: UnsafePointer<Float>, rows m: Int, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                 accumulate: Bool) {
        guard m > 0 else { return }
        if precision == .bf16 { return productBF16(x, rows: m, bias: bias, into: y, accumulate: accumulate) }
        // x in tiles of 8 rows, each input's 8 values together, once for all threads (pool scratch).
        let xt = Tensor(uninitialized: [rk_packed_rows_count(m, columns)])
        rk_pack_rows(m, columns, x, columns, xt.pointer)
        Workers.forRowBlocks(rows, work: m * rows * columns, minimumWork: Engine.minimumSplitProduct) { block in
            rk_gemm_nt_packed(m, block.count, columns, xt.pointer, panels + block.lowerBound * columns,
                              bias.map { $0 + block.lowerBound }, y + block.lowerBound, rows, accumulate ? 1 : 0)
        }
    }

    private func productBF16(_ x: UnsafePointer<Float>, rows m: Int, bias: UnsafePointer<Float>?,
                             into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        // x rounded and packed by pairs, in tiles of 8 rows (pool scratch, as 32-bit words).
        // A row's rounding (columns + 1 halves) is pool scratch too: this runs every time step.
        let xt = Tensor(uninitialized: [rk_packed_bf16_rows_count(m, columns)]), row = Tensor(uninitialized: [columns / 2 + 1])
        let xWords = UnsafeMutableRawPointer(xt.pointer).assumingMemoryBound(to: UInt32.self)
        rk_pack_bf16_rows(m, columns, x, columns, xWords, UnsafeMutableRawPointer(row.pointer).assumingMemoryBound(to: UInt16.self))
        let pairs = (columns + 1) / 2
        Workers.forRowBlocks(rows, work: m * rows * columns, minimumWork: 2 * Engine.minimumSplitProduct) { block in
            rk_gemm_bf16_packed(m, block.count, columns, xWords, words + block.lowerBound * pairs,
                                bias.map { $0 + block.lowerBound }, y + block.lowerBound, rows, accumulate ? 1 : 0)
        }
    }
}
