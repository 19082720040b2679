import _Kernels

// Matrix products through BLAS. Transposes are flags to `cblas_sgemm`, never copies, and
// every pullback accumulates straight into the gradient with β = 1.
//
// For C = op(A)·op(B), with dC the gradient of C:
//   A·B:    dA += dC·Bᵀ    dB += Aᵀ·dC
//   A·Bᵀ:   dA += dC·B     dB += dCᵀ·A
//   Aᵀ·B:   dA += B·dCᵀ    dB += A·dC
//   Aᵀ·Bᵀ:  dA += Bᵀ·dCᵀ   dB += dCᵀ·Aᵀ

/// Shapes of one product: op(A) is M×K, op(B) is K×N.
private struct Product {
    let m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool
    var lda: Int { transposeA ? m : k }
    var ldb: Int { transposeB ? k : n }

    /// C (+)= op(A)·op(B). `bRounded`: B already rounded to bf16 (a weight's, for bf16 products).
    func forward(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, beta: Float,
                 bRounded: UnsafePointer<UInt16>? = nil) {
        gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
             a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: n, bRounded: bRounded)
    }

    /// dA += ∂/∂A of ⟨dC, op(A)·op(B)⟩.
    func gradientA(_ dc: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ da: UnsafeMutablePointer<Float>,
                   bRounded: UnsafePointer<UInt16>? = nil) {
        if transposeA {  // dA (K×M) += op(B)·dCᵀ
            gemm(transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                 a: b, lda: ldb, b: dc, ldb: n, beta: 1, c: da, ldc: m)
        } else {  // dA (M×K) += dC·op(B)ᵀ
            gemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                 a: dc, lda: n, b: b, ldb: ldb, beta: 1, c: da, ldc: k, bRounded: bRounded)
        }
    }

    /// dB += ∂/∂B of ⟨dC, op(A)·op(B)⟩.
    func gradientB(_ dc: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ db: UnsafeMutablePointer<Float>) {
        if transposeB {  // dB (N×K) += dCᵀ·op(A)
            gemm(transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
                 a: dc, lda: n, b: a, ldb: lda, beta: 1, c: db, ldc: k)
        } else {  // dB (K×N) += op(A)ᵀ·dC
            gemm(transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
                 a: a, lda: lda, b: dc, ldb: n, beta: 1, c: db, ldc: n)
        }
    }
}

/// The matrix product op(a)·op(b).
///
/// `a` is (…, M, K), read as a matrix of M = count / K rows (so a (T, B, E) sequence
/// multiplies as one (T·B) × E matrix), or K × M when `transposeA`. `b` is K × N, or N × K
/// when `transposeB`. The result is (…, M, N).
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(b.rank == 2, "matmul: b must be a matrix, got shape \(b.shape)")
    precondition(!transposeA || a.rank == 2, "matmul: a transposed must be a matrix, got shape \(a.shape)")
    let k = transposeA ? a.shape[0] : a.lastDimension
    let m = transposeA ? a.lastDimension : a.rowCount
    let n = transposeB ? b.shape[0] : b.shape[1]
    precondition((transposeB ? b.shape[1] : b.shape[0]) == k,
                 "matmul: inner dimensions differ: a \(a.shape)\(transposeA ? "ᵀ" : ""), b \(b.shape)\(transposeB ? "ᵀ" : "")")
    let product = Product(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
    let c = Tensor(uninitialized: transposeA ? [m, n] : Array(a.shape.dropLast()) + [n])
    product.forward(a.pointer, b.pointer, c.pointer, beta: 0)
    if let tape = Tape.recording(a, b) {
        // dA reads b's values and dB reads a's: each is kept only when the other needs a gradient.
        let (gc, ga, gb) = (c.gradientSlot, a.gradientSlotIfRequired, b.gradientSlotIfRequired)
        let (aKept, bKept) = (gb == nil ? nil : a, ga == nil ? nil : b)
        tape.append(c) {
            guard let dc = gc.existing else { return }
            if let ga, let bKept { product.gradientA(dc, bKept.pointer, ga.buffer) }
            if let gb, let aKept { product.gradientB(dc, aKept.pointer, gb.buffer) }
        }
    }
    return c
}

/// A fully connected layer's affine map, x·Wᵀ + bias, in one BLAS call: the bias is
/// broadcast into the output first and the product accumulates onto it.
///
/// `x` is (…, I), `weight` is O × I (PyTorch's layout), `bias` is (O); the result is (…, O).
/// A weight with an int8 form (`quantized`) uses it when nothing records a gradient, and one
/// packed for decoding (`packed`) likewise. While a tape records, a recurrent loop's products
/// of few rows run on the weight packed for the loop (`StepPacks`, `Tape.packingWeights`).
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(weight.rank == 2 && weight.shape[1] == x.lastDimension,
                 "linear: input \(x.shape) does not fit weight \(weight.shape) (out × in)")
    if let quantized = weight.quantized, Tape.recording(x, weight, bias ?? weight) == nil {
        return quantized.linear(x, bias: bias)
    }
    if let packed = weight.packed, Tape.recording(x, weight, bias ?? weight) == nil {
        return packed.linear(x, bias: bias)
    }
    return affine(x, parts: nil, weight: weight, bias: bias)
}

/// `linear` of the concatenation of `parts` (each (N, Iₚ), Σ Iₚ = I) along their last axis,
/// as a decoder's input feeding ([embedding; h̃]) and attention output ([context; h]) take it.
/// Inside a recurrent loop the concatenation is made for the forward product and then let
/// go: backward reads the parts, which other ops keep anyway, so a step keeps no copy of
/// them (configuration B: 14 KiB a target token, 18 MiB a batch). Elsewhere it is
/// `linear(concat(parts))`.
public func linear(concatenating parts: [Tensor], weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(parts.allSatisfy { $0.rank == 2 && $0.shape[0] == parts[0].shape[0] },
                 "linear: parts \(parts.map(\.shape)) are not matrices of one row count")
    if parts.count == 1 { return linear(parts[0], weight: weight, bias: bias) }
    guard let tape = Tape.recording(parts + [weight] + (bias.map { [$0] } ?? [])),
          StepPacks.apply(to: weight, rows: parts[0].shape[0], tape: tape)
    else { return linear(concat(parts, axis: 1), weight: weight, bias: bias) }
    precondition(weight.rank == 2 && weight.shape[1] == parts.map { $0.shape[1] }.reduce(0, +),
                 "linear: parts \(parts.map(\.shape)) do not fit weight \(weight.shape) (out × in)")
    return affine(Tape.withoutRecording { concat(parts, axis: 1) }, parts: parts, weight: weight, bias: bias)
}

/// x·Wᵀ + bias, recorded: the product through BLAS, or on W packed for a loop. `parts`: x is
/// their concatenation, made for this product alone; backward reads them instead.
private func affine(_ x: Tensor, parts: [Tensor]?, weight: Tensor, bias: Tensor?) -> Tensor {
    let product = Product(m: x.rowCount, n: weight.shape[0], k: x.lastDimension, transposeA: false, transposeB: true)
    let y = Tensor(uninitialized: Array(x.shape.dropLast()) + [product.n])
    if let bias {
        precondition(bias.shape == [product.n], "linear: bias \(bias.shape) for \(product.n) outputs")
        for row in 0..<product.m { (y.pointer + row * product.n).update(from: bias.pointer, count: product.n) }
    }
    // In bf16 training the weight is rounded once per step, not once per product (only
    // products that `gemm` runs in bf16 use it).
    let rounded = { Engine.runsInBF16(m: product.m, n: product.n, k: product.k) ? weight.bf16Rounding() : nil }
    let inputs = parts ?? [x]
    // With parts, `linear(concatenating:)` has found the tape recording.
    let tape = parts == nil ? Tape.recording(x, weight, bias ?? weight) : Tape.current
    // A recurrent loop's few-row products (one time step's) run on the weight packed once for
    // the loop, and their dX on Wᵀ packed once for backward (`StepPacks`).
    let stepPacked = tape.map { StepPacks.apply(to: weight, rows: product.m, tape: $0) } ?? false
    precondition(parts == nil || stepPacked, "linear: parts outside a loop's packed products")
    if let tape, stepPacked {
        weight.stepPacking.forward(of: weight, scope: tape.packScope).product(x.pointer, rows: product.m, bias: nil, into: y.pointer, accumulate: bias != nil)
    } else {
        product.forward(x.pointer, weight.pointer, y.pointer, beta: bias == nil ? 0 : 1, bRounded: rounded())
    }
    if let tape {
        // dx reads the weight and dW reads x: x (or its parts) is kept only when the weight
        // needs a gradient.
        let (gy, gw, gbias) = (y.gradientSlot, weight.gradientSlotIfRequired, bias?.gradientSlotIfRequired)
        let (inputSlots, widths) = (inputs.map(\.gradientSlotIfRequired), inputs.map(\.lastDimension))
        let kept = gw == nil ? [] : inputs
        let scope = tape.packScope
        tape.append(y) {
            guard let dy = gy.existing else { return }
            if stepPacked, inputSlots.contains(where: { $0 != nil }) {
                let transposed = weight.stepPacking.transposed(of: weight, scope: scope)
                if let gx = inputSlots[0], inputs.count == 1 {
                    transposed.product(dy, rows: product.m, bias: nil, into: gx.buffer, accumulate: true)
                } else {
                    // dX (M × K) whole, then each part's columns added to its gradient.
                    let dx = Storage(count: product.m * product.k)
                    transposed.product(dy, rows: product.m, bias: nil, into: dx.pointer, accumulate: false)
                    addBlocks(of: dx.pointer, rows: product.m, rowLength: product.k, to: zip(inputSlots, widths).map { ($0?.buffer, $1) })
                }
            } else if let gx = inputSlots[0] {
                product.gradientA(dy, weight.pointer, gx.buffer, bRounded: rounded())
            }
            if let gw, stepPacked {
                weight.stepPacking.accumulateGradient(dy: dy, x: kept.map { (UnsafePointer($0.pointer), $0.lastDimension) }, rows: product.m,
                                                      outputs: product.n, into: gw, scope: scope)
            } else if let gw {
                product.gradientB(dy, kept[0].pointer, gw.buffer)
            }
            if let gbias { rk_colsum_acc(product.m, product.n, dy, gbias.buffer) }
        }
    }
    return y
}

/// Batched matrix product: for each i, op(a[i])·op(b[i]).
///
/// `a` is (Bt, M, K) (or (Bt, K, M) when `transposeA`), `b` is (Bt, K, N) (or (Bt, N, K));
/// the result is (Bt, M, N). Attention uses it for scores and contexts.
public func batchedMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0],
                 "batchedMatmul: needs (Bt, ·, ·) tensors with equal Bt, got \(a.shape) and \(b.shape)")
    let batch = a.shape[0]
    let k = transposeA ? a.shape[1] : a.shape[2]
    let m = transposeA ? a.shape[2] : a.shape[1]
    let n = transposeB ? b.shape[1] : b.shape[2]
    precondition((transposeB ? b.shape[2] : b.shape[1]) == k, "batchedMatmul: inner dimensions differ: \(a.shape), \(b.shape)")
    let product = Product(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
    let (aSize, bSize, cSize) = (m * k, k * n, m * n)
    let c = Tensor(uninitialized: [batch, m, n])
    for i in 0..<batch {
        let (ai, bi, ci) = (a.pointer + i * aSize, b.pointer + i * bSize, c.pointer + i * cSize)
        // Attention's products are a matrix times a vector, per sentence: a loop beats a BLAS call.
        if !transposeA && !transposeB && n == 1 {
            rk_matvec(m, k, ai, bi, ci)
        } else if !transposeA && !transposeB && m == 1 {
            rk_vecmat(k, n, ai, bi, ci)
        } else {
            product.forward(ai, bi, ci, beta: 0)
        }
    }
    if let tape = Tape.recording(a, b) {
        let (gc, ga, gb) = (c.gradientSlot, a.gradientSlotIfRequired, b.gradientSlotIfRequired)
        let (aKept, bKept) = (gb == nil ? nil : a, ga == nil ? nil : b)
        tape.append(c) {
            guard let dc = gc.existing else { return }
            for i in 0..<batch {
                if let ga, let bKept { product.gradientA(dc + i * cSize, bKept.pointer + i * bSize, ga.buffer + i * aSize) }
                if let gb, let aKept { product.gradientB(dc + i * cSize, aKept.pointer + i * aSize, gb.buffer + i * bSize) }
            }
        }
    }
    return c
}
