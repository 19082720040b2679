import CBLAS

#if canImport(Glibc)
import Glibc
#endif

/// How a parameter's initial values are drawn. Shapes are read PyTorch's way: a weight is
/// out × in, so fan-in is the last dimension and fan-out the first.
public enum Initializer: Sendable, Equatable {
    case zeros
    case constant(Float)
    /// Uniform in [−a, a] (PyTorch's RNN and linear default, a = 1/√hidden; OpenNMT-py's
    /// `param_init` 0.1).
    case uniform(Float)
    /// Normal with mean 0 and the given standard deviation.
    case normal(Float)
    /// Glorot/Xavier uniform: ±√(6 / (fanIn + fanOut)) (Glorot & Bengio 2010).
    case glorot
    /// A random orthogonal matrix (Saxe et al. 2014) times `gain`, drawn for each square
    /// block of `blockRows` rows when given: for an LSTM's (4H, H) recurrent weight, each
    /// gate's H × H block is orthogonal.
    case orthogonal(gain: Float = 1, blockRows: Int? = nil)
}

extension Tensor {
    /// A parameter (a tensor that requires gradients) of `shape`, initialised by `initializer`
    /// with numbers from `generator`.
    public static func parameter(_ shape: [Int], _ initializer: Initializer, generator: inout RandomGenerator) -> Tensor {
        let t = Tensor.zeros(shape)
        t.initialize(initializer, generator: &generator)
        t.requiresGrad = true
        t.isParameter = true
        return t
    }

    /// Overwrites the values by `initializer`.
    public func initialize(_ initializer: Initializer, generator: inout RandomGenerator) {
        let p = pointer
        switch initializer {
        case .zeros: p.update(repeating: 0, count: count)
        case .constant(let value): p.update(repeating: value, count: count)
        case .uniform(let a): for i in 0..<count { p[i] = generator.uniform(-a, a) }
        case .normal(let std): for i in 0..<count { p[i] = std * generator.normal() }
        case .glorot:
            let fanIn = rank > 1 ? lastDimension : count, fanOut = rank > 1 ? shape[0] : count
            let a = (6 / Float(fanIn + fanOut)).squareRoot()
            for i in 0..<count { p[i] = generator.uniform(-a, a) }
        case .orthogonal(let gain, let blockRows):
            precondition(rank == 2, "orthogonal initialisation needs a matrix, got shape \(shape)")
            let (rows, cols) = (shape[0], shape[1])
            let block = blockRows ?? rows
            precondition(rows % block == 0, "orthogonal blocks of \(block) rows do not tile \(rows) rows")
            for start in stride(from: 0, to: rows, by: block) {
                let q = randomOrthogonal(rows: block, cols: cols, generator: &generator)
                for i in 0..<block * cols { p[start * cols + i] = gain * q[i] }
            }
        }
    }
}

/// A rows × cols matrix with orthonormal rows (rows ≤ cols) or columns (rows > cols):
/// Gram–Schmidt, run twice for stability (CGS2), on a Gaussian matrix. That is the Q of its
/// QR factorisation with a positive diagonal in R, which is uniformly (Haar) distributed.
func randomOrthogonal(rows: Int, cols: Int, generator: inout RandomGenerator) -> [Float] {
    let (n, m) = (min(rows, cols), max(rows, cols))  // n orthonormal vectors of length m
    var q = (0..<n * m).map { _ in generator.normal() }
    var coefficients = [Float](repeating: 0, count: n)
    q.withUnsafeMutableBufferPointer { q in
        let base = q.baseAddress!
        for j in 0..<n {
            let v = base + j * m
            for _ in 0..<2 where j > 0 {  // v −= Q_{<j}ᵀ (Q_{<j} v)
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(j), Int32(m), 1, base, Int32(m), v, 1, 0, &coefficients, 1)
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(j), Int32(m), -1, base, Int32(m), coefficients, 1, 1, v, 1)
            }
            let norm = cblas_snrm2(Int32(m), v, 1)
            cblas_sscal(Int32(m), 1 / norm, v, 1)
        }
    }
    guard rows > cols else { return q }
    var transposed = [Float](repeating: 0, count: rows * cols)  // the vectors become columns
    for i in 0..<n { for k in 0..<m { transposed[k * cols + i] = q[i * m + k] } }
    return transposed
}
