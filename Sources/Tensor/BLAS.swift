import CBLAS
import Dispatch
import _Kernels

/// C ← α·op(A)·op(B) + β·C on row-major matrices, op(X) = X or Xᵀ by `transposeX`
/// (a flag to BLAS, never a copy). op(A) is M×K, op(B) is K×N, C is M×N; lda, ldb, ldc
/// are the row strides of A, B, C as stored. β is 0 (overwrite C) or 1 (accumulate).
///
/// OpenBLAS runs on one thread (see `Engine`); a product large enough to pay for it is
/// split here into one block of C per engine thread, along C's longer side, and the blocks
/// run through `Workers` (the caller and a helper thread). Small products stay on the calling
/// thread, and no BLAS thread spins between products.
///
/// With `Engine.matrixPrecision` at `.bf16`, products of more than a few rows and at least
/// `Engine.minimumBF16Product` multiply-adds run in bf16 (`bf16Gemm`); should oneDNN turn a
/// shape down, it runs in FP32.
@inline(__always)
func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, bRounded: UnsafePointer<UInt16>? = nil
) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if beta == 0 { for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) } }
        return
    }
    func block(rows: Range<Int>, columns: Range<Int>) {
        // op(A)'s rows r… start at A + r·lda, or A + r when A is stored transposed; op(B)'s
        // columns likewise.
        let aBlock = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
        let bBlock = transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound
        let cBlock = c + rows.lowerBound * ldc + columns.lowerBound
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(rows.count), Int32(columns.count), Int32(k), alpha, aBlock, Int32(lda), bBlock, Int32(ldb),
            beta, cBlock, Int32(ldc))
    }
    let threads = Engine.threadCount
    let work = m * n * k
    if Engine.runsInBF16(m: m, n: n, k: k) {
        bf16Gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                 b: b, ldb: ldb, bRounded: bRounded, beta: beta, c: c, ldc: ldc)
        return
    }
    if !transposeA && transposeB && alpha == 1 && m <= Engine.maximumSmallProductRows {
        // x·Wᵀ for a few rows (a decoder step over one sentence's beam): stream W once, no packing.
        let pieces = work >= Engine.minimumSplitProduct ? min(threads, max(1, n / 64)) : 1
        func run(_ columns: Range<Int>) {
            rk_gemm_nt_small(m, columns.count, k, a, lda, b + columns.lowerBound * ldb, ldb, nil, c + columns.lowerBound, ldc, beta == 1 ? 1 : 0)
        }
        if pieces == 1 { return run(0..<n) }
        Workers.run(pieces) { piece in run(n * piece / pieces..<n * (piece + 1) / pieces) }
        return
    }
    guard threads > 1, work >= Engine.minimumSplitProduct else {
        block(rows: 0..<m, columns: 0..<n)
        return
    }
    let splitRows = m >= n
    let length = splitRows ? m : n
    // Blocks of whole multiples of 16 keep BLAS's vector kernels on full panels.
    let pieces = min(threads, max(1, length / 16))
    Workers.run(pieces) { piece in
        let start = (length * piece / pieces) & ~15, end = piece == pieces - 1 ? length : (length * (piece + 1) / pieces) & ~15
        if splitRows { block(rows: start..<end, columns: 0..<n) } else { block(rows: 0..<m, columns: start..<end) }
    }
}

/// `gemm` in bf16: both operands rounded once, in blocks of rows on the engine's threads, then
/// blocks of C's rows (dense blocks, which oneDNN's brgemm kernels take; blocks of columns
/// would not be) on the same threads. A block oneDNN turns down runs in FP32.
///
/// oneDNN compiles a kernel for every shape (tens of microseconds and some memory each), and
/// batches of sentences come in every length: so that the shapes stay few and the primitive
/// cache bounded, rows go in blocks of a multiple of 64 and powers of two (`bf16RowBlocks`),
/// and a weight gradient's K (the batch's tokens) is padded with zeros to a multiple of 64.
func bf16Gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, bRounded: UnsafePointer<UInt16>?, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    // A weight's gradient (Aᵀ·B, K = the batch's tokens) gets K padded with zeros to a
    // multiple of 64, so that its shapes are few.
    let padsDepth = transposeA && !transposeB && bRounded == nil
    let kPadded = padsDepth ? (k + 63) & ~63 : k
    // The rounded operands, in pool buffers for this product alone: the largest, a batch's
    // logits gradient (B: 21 MiB), takes the buffer that the decoder's packings have let go
    // (`SharedPackings`), where a buffer kept by the thread for its largest product would stay
    // resident for good.
    let aStorage = Storage(count: (m * kPadded + 1) / 2), bStorage = bRounded == nil ? Storage(count: (kPadded * n + 1) / 2) : nil
    defer { withExtendedLifetime((aStorage, bStorage)) {} }
    let a16 = UnsafeMutableRawPointer(aStorage.pointer).assumingMemoryBound(to: UInt16.self)
    let b16 = bStorage.map { UnsafeMutableRawPointer($0.pointer).assumingMemoryBound(to: UInt16.self) }
    let bValues = bRounded ?? UnsafePointer(b16!)
    if kPadded > k {
        (a16 + k * m).update(repeating: 0, count: (kPadded - k) * m)
        b16.map { ($0 + k * n).update(repeating: 0, count: (kPadded - k) * n) }
    }
    let split = Engine.threadCount > 1 && m * n * k >= Engine.minimumSplitProduct
    let pieces = split ? Engine.threadCount : 1
    // A and B as stored: (rows, columns, row stride); rounded, they are contiguous.
    let aStored = transposeA ? (k, m, lda) : (m, k, lda)
    let bStored = transposeB ? (n, k, ldb) : (k, n, ldb)
    let convert = UnsafeSendableBox { (piece: Int) in
        for (x, y, (rows, columns, ld)) in [(a, a16, aStored)] + (b16.map { [(b, $0, bStored)] } ?? []) {
            let start = rows * piece / pieces, end = rows * (piece + 1) / pieces
            rk_to_bf16_rows(end - start, columns, x + start * ld, ld, y + start * columns)
        }
    }
    // Each thread's share of the rows, in a few blocks run one after the other.
    let rowBlocks = bf16RowBlocks(m, pieces: pieces)
    let aRowStride = transposeA ? m : k, bRowStride = transposeB ? k : n
    let multiply = UnsafeSendableBox { (piece: Int) in
        for rows in rowBlocks[piece] {
            let cBlock = c + rows.lowerBound * ldc
            let aBlock = transposeA ? a16 + rows.lowerBound : a16 + rows.lowerBound * k
            if rk_bf16_matmul(transposeA ? 1 : 0, transposeB ? 1 : 0, rows.count, n, kPadded, alpha, aBlock, aRowStride,
                              bValues, bRowStride, beta, cBlock, ldc) == 0 {
                cblas_sgemm(
                    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(rows.count), Int32(n), Int32(k), alpha, transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda,
                    Int32(lda), b, Int32(ldb), beta, cBlock, Int32(ldc))
            }
        }
    }
    if pieces == 1 {
        convert.value(0)
        multiply.value(0)
    } else {
        Workers.run(pieces) { convert.value($0) }
        Workers.run(pieces) { multiply.value($0) }
    }
}

/// Blocks of `count` rows for bf16 products, for each of `pieces` threads: the rows shared out
/// in whole multiples of 16 (full tiles), each share one block of a multiple of 64 rows and
/// what is left in power-of-two blocks. Few blocks, since every call packs B anew (blocks of
/// 64 rows, tried, cost 20% of a step), and sizes from a small set.
func bf16RowBlocks(_ count: Int, pieces: Int) -> [[Range<Int>]] {
    (0..<pieces).map { piece in
        let start = piece == 0 ? 0 : (count * piece / pieces) & ~15
        let end = piece == pieces - 1 ? count : (count * (piece + 1) / pieces) & ~15
        let length = max(0, end - start), whole = length & ~63
        return (whole > 0 ? [start..<start + whole] : [])
            + powerOfTwoSlices(length - whole).map { start + whole + $0.lowerBound..<start + whole + $0.upperBound }
    }
}

/// 0..<count cut into slices whose lengths are distinct powers of two, largest first
/// (1344 → 1024, 256, 64).
func powerOfTwoSlices(_ count: Int) -> [Range<Int>] {
    var slices: [Range<Int>] = []
    var start = 0
    var bit = 1
    while bit * 2 <= count { bit *= 2 }
    while start < count {
        if count - start >= bit {
            slices.append(start..<start + bit)
            start += bit
        }
        bit /= 2
    }
    return slices
}
