import CBLAS
import Dispatch
import _Kernels

/// C ← α·op(A)·op(B) + β·C on row-major matrices, op(X) = X or Xᵀ by `transposeX`
/// (a flag to BLAS, never a copy). op(A) is M×K, op(B) is K×N, C is M×N; lda, ldb, ldc
/// are the row strides of A, B, C as stored. β is 0 (overwrite C) or 1 (accumulate).
///
/// OpenBLAS runs on one thread (see `Engine`); a product large enough to pay for it is
/// split here into one block of C per engine thread, along C's longer side, and the blocks
/// run on GCD's threads. Small products (a decoder step's) stay on the calling thread, with
/// no wake-up latency, and no BLAS thread spins between products.
@inline(__always)
func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
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
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(rows.count), Int32(columns.count), Int32(k), alpha, aBlock, Int32(lda), bBlock, Int32(ldb),
            beta, c + rows.lowerBound * ldc + columns.lowerBound, Int32(ldc))
    }
    let threads = Engine.threadCount
    let work = m * n * k
    if !transposeA && transposeB && alpha == 1 && m <= Engine.maximumSmallProductRows {
        // x·Wᵀ for a few rows (a decoder step over one sentence's beam): stream W once, no packing.
        let pieces = work >= Engine.minimumSplitProduct ? min(threads, max(1, n / 64)) : 1
        let run = UnsafeSendableBox { (columns: Range<Int>) in
            rk_gemm_nt_small(m, columns.count, k, a, lda, b + columns.lowerBound * ldb, ldb, nil, c + columns.lowerBound, ldc, beta == 1 ? 1 : 0)
        }
        if pieces == 1 { return run.value(0..<n) }
        DispatchQueue.concurrentPerform(iterations: pieces) { piece in run.value(n * piece / pieces..<n * (piece + 1) / pieces) }
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
    let box = UnsafeSendableBox(block)
    DispatchQueue.concurrentPerform(iterations: pieces) { piece in
        let start = (length * piece / pieces) & ~15, end = piece == pieces - 1 ? length : (length * (piece + 1) / pieces) & ~15
        if splitRows { box.value(start..<end, 0..<n) } else { box.value(0..<m, start..<end) }
    }
}
