import _Kernels

/// A weight matrix W (N, K) in int8 for inference: one scale per output row (symmetric, the
/// row's largest magnitude maps to 127), so that x·Wᵀ runs as int8 dot products with x
/// quantised per row at run time (`rk_gemm_u8s8_nt`; AVX512-VNNI where the CPU has it).
///
/// A parameter tensor carries one in `Tensor.quantized`; `linear` then uses it whenever no
/// tape records (decoding), and the FP32 values everywhere else (training, gathers).
public final class QuantizedMatrix: @unchecked Sendable {
    /// N and K.
    public let rows: Int, columns: Int
    /// K rounded up to 64, and N to 16 (one packed block); zeros beyond.
    let paddedColumns: Int, paddedRows: Int
    /// paddedRows × paddedColumns values in [-127, 127], packed for the kernel
    /// (`rk_int8_packed_index`: 16 rows × 4 inputs per 64 bytes).
    let packed: UnsafeMutablePointer<Int8>
    /// Per row: the scale (value × scale ≈ weight) and Σ_k value.
    let scales: [Float], sums: [Int32]

    /// Quantises a (N, K) weight.
    public convenience init(_ weight: Tensor) {
        precondition(weight.rank == 2, "QuantizedMatrix: a weight matrix, got shape \(weight.shape)")
        let (n, k) = (weight.shape[0], weight.shape[1])
        var scales = [Float](repeating: 1, count: n)
        var values = [Int8](repeating: 0, count: n * k)
        for r in 0..<n {
            let row = UnsafeBufferPointer(start: weight.pointer + r * k, count: k)
            let largest = row.reduce(0) { max($0, abs($1)) }
            scales[r] = largest > 0 ? largest / 127 : 1
            for c in 0..<k { values[r * k + c] = Int8((row[c] / scales[r]).rounded().clamped(-127, 127)) }
        }
        self.init(values: values, scales: scales, rows: n, columns: k)
    }

    /// A matrix of given int8 values (row-major, N × K) and row scales.
    public init(values: [Int8], scales: [Float], rows: Int, columns: Int) {
        precondition(values.count == rows * columns && scales.count == rows, "QuantizedMatrix: \(values.count) values, \(scales.count) scales for \(rows) × \(columns)")
        let paddedColumns = (columns + 63) / 64 * 64, paddedRows = (rows + 15) / 16 * 16
        (self.rows, self.columns, self.paddedColumns, self.paddedRows) = (rows, columns, paddedColumns, paddedRows)
        let packed = UnsafeMutableRawPointer.allocate(byteCount: paddedRows * paddedColumns, alignment: 64)
            .bindMemory(to: Int8.self, capacity: paddedRows * paddedColumns)
        packed.initialize(repeating: 0, count: paddedRows * paddedColumns)
        for r in 0..<rows {
            for c in 0..<columns { packed[rk_int8_packed_index(r, c, paddedColumns)] = values[r * columns + c] }
        }
        self.packed = packed
        self.scales = scales + [Float](repeating: 1, count: paddedRows - rows)
        sums = (0..<paddedRows).map { r in r < rows ? values[r * columns..<(r + 1) * columns].reduce(Int32(0)) { $0 + Int32($1) } : 0 }
    }

    deinit { packed.deallocate() }

    /// Whether this CPU runs the int8 products fast (AVX512-VNNI); elsewhere a portable
    /// scalar loop computes the same numbers many times slower.
    public static var hasFastKernels: Bool { rk_int8_fast() != 0 }

    /// The int8 values, row-major (N × K).
    public var int8Values: [Int8] {
        (0..<rows).flatMap { r in (0..<columns).map { c in packed[rk_int8_packed_index(r, c, paddedColumns)] } }
    }

    /// The matrix of rows `ids` (a shortlist's output layer), without quantising again.
    public func selectingRows(_ ids: [Int32]) -> QuantizedMatrix {
        var selected = [Int8](repeating: 0, count: ids.count * columns)
        for (i, id) in ids.enumerated() {
            precondition(id >= 0 && Int(id) < rows, "row \(id) out of range for \(rows) rows")
            for c in 0..<columns { selected[i * columns + c] = packed[rk_int8_packed_index(Int(id), c, paddedColumns)] }
        }
        return QuantizedMatrix(values: selected, scales: ids.map { scales[Int($0)] }, rows: ids.count, columns: columns)
    }

    /// Row scales (N).
    public var rowScales: [Float] { Array(scales.prefix(rows)) }

    /// The FP32 matrix the int8 values stand for (value × scale), (N, K).
    public func dequantized() -> Tensor {
        let t = Tensor(uninitialized: [rows, columns])
        for r in 0..<rows {
            for c in 0..<columns { t.pointer[r * columns + c] = Float(packed[rk_int8_packed_index(r, c, paddedColumns)]) * scales[r] }
        }
        return t
    }

    /// x·Wᵀ + bias for x (…, K): (…, N). Records nothing.
    public func linear(_ x: Tensor, bias: Tensor?) -> Tensor {
        precondition(x.lastDimension == columns, "quantized linear: input \(x.shape) does not fit weight (\(rows), \(columns))")
        if let bias { precondition(bias.shape == [rows], "quantized linear: bias \(bias.shape) for \(rows) outputs") }
        let m = x.rowCount
        let y = Tensor(uninitialized: Array(x.shape.dropLast()) + [rows])
        guard m > 0 else { return y }
        // Scratch from the buffer pool (a decoder step allocates nothing): m row scales, then
        // the quantised rows, m × paddedColumns bytes.
        let scratch = Tensor(uninitialized: [m + (m * paddedColumns + 3) / 4])
        let sx = scratch.pointer
        UnsafeMutableRawPointer(scratch.pointer + m).withMemoryRebound(to: UInt8.self, capacity: m * paddedColumns) { quantized in
            rk_quantize_rows_u8(m, columns, paddedColumns, x.pointer, columns, quantized, sx)
            // The int8 kernel runs 4 multiply-adds an instruction: splitting pays from 4 times the work.
            Workers.forRowBlocks(rows, work: m * rows * columns, minimumWork: 4 * Engine.minimumSplitProduct) { block in
                scales.withUnsafeBufferPointer { sw in
                    sums.withUnsafeBufferPointer { sums in
                        rk_gemm_u8s8_nt(m, block.count, paddedColumns, quantized, sx, packed + block.lowerBound * paddedColumns,  // whole blocks of 16
                                        sw.baseAddress! + block.lowerBound, sums.baseAddress! + block.lowerBound,
                                        bias.map { $0.pointer + block.lowerBound }, y.pointer + block.lowerBound, rows)
                    }
                }
            }
        }
        return y
    }
}

private extension Float {
    func clamped(_ low: Float, _ high: Float) -> Float { Swift.min(Swift.max(self, low), high) }
}
