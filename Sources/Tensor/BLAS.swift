import CBLAS

/// C ← α·op(A)·op(B) + β·C on row-major matrices, op(X) = X or Xᵀ by `transposeX`
/// (a flag to BLAS, never a copy). op(A) is M×K, op(B) is K×N, C is M×N; lda, ldb, ldc
/// are the row strides of A, B, C as stored. β is 0 (overwrite C) or 1 (accumulate).
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
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
