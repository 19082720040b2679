import Tensor

/// How attention scores a query h_t against each memory position h_s.
public enum AttentionKind: String, Sendable, Codable, CaseIterable {
    /// score = h_tᵀ h_s (Luong et al. 2015, §3.1 "dot"); query and memory sizes must agree.
    case dot
    /// score = h_tᵀ W_a h_s (Luong et al. 2015, §3.1 "general").
    case general
    /// score = vᵀ tanh(W_q h_t + W_k h_s) (Bahdanau et al. 2015, §3.1, additive).
    case bahdanau
}

/// Global attention over an encoder's memory, masked over source padding.
///
/// The part of every score that depends only on the memory (W_a h_s, or W_k h_s) is
/// computed once per sentence by `keys(for:)`; each decoder step then costs one batched
/// product for the scores and one for the context.
public final class Attention: Layer {
    public let kind: AttentionKind
    public let querySize: Int, memorySize: Int
    /// general: W_a (Dq × Dm); bahdanau: W_k (A × Dm). No bias, as in the reference.
    public let memoryProjection: Linear?
    /// bahdanau: W_q (A × Dq).
    public let queryProjection: Linear?
    /// bahdanau: v, (A).
    public let scoreVector: Tensor?
    /// With coverage: w_c (A), the weight of each position's coverage inside the tanh.
    public let coverageWeight: Tensor?

    /// - Parameter coverage: scores also read the coverage vector, the sum of past steps'
    ///   attention (See et al. 2017, §2.3, eq. 11); additive (bahdanau) attention only.
    public init(kind: AttentionKind, querySize: Int, memorySize: Int, coverage: Bool = false, initializer: Initializer = .uniform(0.1),
                generator: inout RandomGenerator) {
        precondition(!coverage || kind == .bahdanau, "coverage needs additive (bahdanau) attention, got \(kind)")
        self.kind = kind
        self.querySize = querySize
        self.memorySize = memorySize
        switch kind {
        case .dot:
            precondition(querySize == memorySize, "dot attention needs equal query and memory sizes, got \(querySize) and \(memorySize)")
            (memoryProjection, queryProjection, scoreVector) = (nil, nil, nil)
        case .general:
            memoryProjection = Linear(inputSize: memorySize, outputSize: querySize, bias: false, initializer: initializer, generator: &generator)
            (queryProjection, scoreVector) = (nil, nil)
        case .bahdanau:
            memoryProjection = Linear(inputSize: memorySize, outputSize: querySize, bias: false, initializer: initializer, generator: &generator)
            queryProjection = Linear(inputSize: querySize, outputSize: querySize, bias: false, initializer: initializer, generator: &generator)
            scoreVector = Tensor.parameter([querySize], initializer, generator: &generator)
        }
        coverageWeight = coverage ? Tensor.parameter([querySize], initializer, generator: &generator) : nil
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        (memoryProjection?.parameters(prefixed: "memoryProjection") ?? [])
            + (queryProjection?.parameters(prefixed: "queryProjection") ?? [])
            + (scoreVector.map { [("scoreVector", $0)] } ?? [])
            + (coverageWeight.map { [("coverageWeight", $0)] } ?? [])
    }

    /// The memory-side part of the scores, (B, S, Dm) → (B, S, Dq): h_s, W_a h_s or W_k h_s.
    public func keys(for memory: Tensor) -> Tensor {
        memoryProjection.map { $0(memory) } ?? memory
    }

    /// Attends from `query` (n, Dq) over the first n sentences' memory.
    ///
    /// - Parameters:
    ///   - keys: `keys(for: memory)` of those sentences, (n, S, Dq).
    ///   - memory: (n, S, Dm).
    ///   - mask: (n, S), 1 at real source tokens and 0 at padding.
    ///   - coverage: (n, S), the sum of the previous steps' weights; required exactly when
    ///     the attention was built with coverage.
    /// - Returns: the context Σ_s a_s h_s (n, Dm) and the weights a (n, S).
    public func callAsFunction(query: Tensor, keys: Tensor, memory: Tensor, mask: Tensor, coverage: Tensor? = nil) -> (context: Tensor, weights: Tensor) {
        precondition((coverage != nil) == (coverageWeight != nil), "attention built \(coverageWeight == nil ? "without" : "with") coverage was called \(coverage == nil ? "without" : "with") it")
        let (n, steps) = (memory.shape[0], memory.shape[1])
        let scores: Tensor  // (n, S)
        switch kind {
        case .dot, .general:
            scores = batchedMatmul(keys, query.reshaped([n, querySize, 1])).reshaped([n, steps])
        case .bahdanau:
            let projected = queryProjection!(query).reshaped([n, 1, querySize])
            var hidden = keys + projected  // (n, S, A)
            if let coverage, let coverageWeight {  // + w_c c_s: (n·S, 1) × (1, A)
                hidden = hidden + matmul(coverage.reshaped([n * steps, 1]), coverageWeight.reshaped([1, querySize])).reshaped([n, steps, querySize])
            }
            hidden = hidden.tanh()
            scores = matmul(hidden, scoreVector!.reshaped([querySize, 1])).reshaped([n, steps])
        }
        let weights = scores.softmax(mask: mask)
        let context = batchedMatmul(weights.reshaped([n, 1, steps]), memory).reshaped([n, memorySize])
        return (context, weights)
    }
}
