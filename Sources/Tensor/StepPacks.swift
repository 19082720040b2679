/// A weight packed for the products a training step makes one time step at a time: a
/// recurrent layer's h·W_hhᵀ, a decoder's input and attention products, each over the batch's
/// 64 rows or fewer, dozens of times a step, forward and backward.
///
/// BLAS packs W into its own layout on every call, and for so few rows that packing cost
/// OpenBLAS a fifth of a float32 training step (`perf`: sgemm_incopy and sgemm_itcopy 16%,
/// sgemm_kernel 73%, configuration B). Inside a recurrent loop (`Tape.packingWeights`), a
/// weight's first product packs W for the forward products x·Wᵀ (`PackedMatrix`), and in
/// backward the first product through it packs Wᵀ for dX = dY·W (a plain copy of 16-float
/// groups); both run in the decoder's packed kernel (in bf16 training, by pairs of inputs
/// rounded to bf16, in `rk_gemm_bf16_packed`). A weight gradient stays in BLAS: there the
/// small operands are the ones packed.
///
/// A packing lives no longer than it serves: W's until its loop ends, Wᵀ's until backward
/// has gone back through the loop, each in a buffer of the tensors' pool. So no packing is
/// stale (weights change between steps, never inside a loop or a backward pass), and none is
/// alive at the end of the forward pass, where the output layer's logits are; the decoder's
/// Wᵀ packings are made just after the logits' gradient is freed, and mostly take its memory.
final class StepPacks {
    private(set) var packing: PackedMatrix?
    private var transposed = false

    /// Products with at most this many rows use packed weights.
    static let maximumRows = 256

    /// Whether `linear` runs a product of `rows` rows on `weight` packed, recording on `tape`.
    static func apply(to weight: Tensor, rows: Int, tape: Tape) -> Bool {
        tape.packScope.depth > 0 && rows <= maximumRows && weight.isParameter
            && (Engine.matrixPrecision == .float32 ? PackedMatrix.hasFastKernels : PackedMatrix.hasFastBF16Kernels)
    }

    /// W (N, K) packed for x·Wᵀ.
    func forward(of weight: Tensor, scope: PackScope) -> PackedMatrix { packed(weight, transposed: false, scope: scope) }

    /// Wᵀ packed for dY·W.
    func transposed(of weight: Tensor, scope: PackScope) -> PackedMatrix { packed(weight, transposed: true, scope: scope) }

    private func packed(_ weight: Tensor, transposed wanted: Bool, scope: PackScope) -> PackedMatrix {
        if let packing, transposed == wanted { return packing }
        let made = PackedMatrix(weight, transposed: wanted, pooled: true, precision: Engine.matrixPrecision)
        if packing == nil { scope.packed.append(self) }
        (packing, transposed) = (made, wanted)
        return made
    }

    fileprivate func release(transposedToo: Bool) -> Bool {
        guard packing != nil, !transposed || transposedToo else { return false }
        packing = nil
        return true
    }
}

/// The step packings a tape has made, and whether a recurrent loop is running.
final class PackScope {
    fileprivate(set) var depth = 0
    fileprivate var packed: [StepPacks] = []

    /// Releases the forward packings (a loop has ended), or every packing (backward has gone
    /// back through a loop, or has ended).
    func release(transposedToo: Bool) {
        packed.removeAll { $0.release(transposedToo: transposedToo) }
    }
}

extension Tape {
    /// Runs a recurrent loop whose few-row products may use packed weights (`StepPacks`)
    /// while this thread's tape records; its forward packings are released when it returns.
    public static func packingWeights<Result>(_ body: () throws -> Result) rethrows -> Result {
        guard let tape = current else { return try body() }
        let scope = tape.packScope
        // Backward reaches this mark once it has gone back through the loop.
        tape.appendMark { scope.release(transposedToo: true) }
        scope.depth += 1
        defer {
            scope.depth -= 1
            if scope.depth == 0 { scope.release(transposedToo: false) }
        }
        return try body()
    }
}

extension Tensor {
    /// This weight's step packing, made when first asked for.
    var stepPacking: StepPacks {
        if let stepPacks { return stepPacks }
        let packs = StepPacks()
        stepPacks = packs
        return packs
    }
}
