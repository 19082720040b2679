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
/// rounded to bf16, in `rk_gemm_bf16_packed`).
///
/// A weight gradient stays in BLAS, but not one product a step: dW += dYᵀ·x over a step's 64
/// rows is a product of depth 64 that reads and writes all of dW (OpenBLAS: 168 against 205
/// GFLOP/s at depth 256 on configuration B's decoder shapes; oneDNN's bf16, with dW cold, 100
/// against 164). So the steps' dY and x rows are gathered (`PendingGradient`) and multiplied
/// together once `gradientRows` rows are in, and when backward leaves the loop.
///
/// A packing lives no longer than it serves: W's until its loop ends, Wᵀ's until backward
/// has gone back through the loop, in a buffer of the tensors' pool (the decoder's all in one,
/// `SharedPackings`). So no packing is stale (weights change between steps, never inside a
/// loop or a backward pass), and none is alive at the end of the forward pass, where the
/// output layer's logits are: they take the buffer the decoder's packings had, and its Wᵀ
/// packings take it back once the logits' gradient is freed.
final class StepPacks {
    private(set) var packing: PackedMatrix?
    private var transposed = false
    /// The weight-gradient terms gathered and not yet added to the gradient.
    private(set) var pending: PendingGradient?
    /// Whether the scope lists this weight (while it holds a packing or gathered terms).
    private var listed = false

    /// Products with at most this many rows use packed weights.
    static let maximumRows = 256

    /// Rows of dY and x gathered before their weight-gradient product runs: OpenBLAS makes
    /// 190 GFLOP/s of depth 128 against 205 of 256 (B's decoder shapes), for half the buffers
    /// (B's training peak: 7 MiB of them instead of 14).
    static let gradientRows = 128

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
        let made = PackedMatrix(weight, transposed: wanted, precision: Engine.matrixPrecision,
                                placement: scope.placement(for: weight, transposed: wanted))
        enlist(in: scope)
        (packing, transposed) = (made, wanted)
        return made
    }

    private func enlist(in scope: PackScope) {
        if !listed { scope.packed.append(self) }
        listed = true
    }

    /// dW += dYᵀ·x for one step's `rows` rows (dY: rows × N; x: rows × K, the concatenation
    /// of `x`'s parts, each a pointer and its width), gathered with the steps before it; the
    /// product runs once `gradientRows` rows are in, and at the latest when backward has gone
    /// back through the loop (`PackScope.release`).
    func accumulateGradient(dy: UnsafePointer<Float>, x: [(UnsafePointer<Float>, Int)], rows: Int, outputs: Int,
                            into gradient: GradientSlot, scope: PackScope) {
        if let gathered = pending, gathered.rows + rows > gathered.capacity {
            gathered.flush()
            if rows > gathered.capacity { pending = nil }
        }
        if pending == nil {
            let inputs = x.map(\.1).reduce(0, +)
            pending = PendingGradient(capacity: max(Self.gradientRows, rows), outputs: outputs, inputs: inputs, gradient: gradient)
            enlist(in: scope)
        }
        pending!.append(dy: dy, x: x, rows: rows)
    }

    /// Lets go of W's packing (a loop has ended), or of every packing after adding any
    /// gathered gradient terms (`everything`: backward has gone back through a loop, or has
    /// ended); true when nothing is left.
    fileprivate func release(everything: Bool) -> Bool {
        if everything {
            pending?.flush()
            (pending, packing) = (nil, nil)
        } else if packing != nil && !transposed {
            packing = nil
        }
        listed = packing != nil || pending != nil
        return !listed
    }

    /// Forgets everything without adding gathered gradient terms (a recording dropped).
    fileprivate func discard() { (pending, packing, listed) = (nil, nil, false) }
}

/// Rows of dY (rows × N) and x (rows × K) of a loop's steps, in pool buffers, waiting for
/// their product dW += dYᵀ·x.
final class PendingGradient {
    let capacity: Int, outputs: Int, inputs: Int
    private(set) var rows = 0
    private let gradient: GradientSlot
    private let dy: Storage, x: Storage

    init(capacity: Int, outputs: Int, inputs: Int, gradient: GradientSlot) {
        (self.capacity, self.outputs, self.inputs, self.gradient) = (capacity, outputs, inputs, gradient)
        (dy, x) = (Storage(count: capacity * outputs), Storage(count: capacity * inputs))
    }

    func append(dy rowsOfDY: UnsafePointer<Float>, x parts: [(UnsafePointer<Float>, Int)], rows count: Int) {
        precondition(rows + count <= capacity, "PendingGradient: \(rows) + \(count) rows over \(capacity)")
        (dy.pointer + rows * outputs).update(from: rowsOfDY, count: count * outputs)
        joinBlocks(parts, rows: count, into: x.pointer + rows * inputs, rowLength: inputs)
        rows += count
    }

    /// dW (N × K) += dYᵀ·x over the rows gathered; then none are.
    func flush() {
        guard rows > 0 else { return }
        gemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: rows, a: dy.pointer, lda: outputs,
             b: x.pointer, ldb: inputs, beta: 1, c: gradient.buffer, ldc: inputs)
        rows = 0
    }
}

/// The step packings and gathered gradients a tape has made, and whether a recurrent loop is
/// running.
final class PackScope {
    fileprivate(set) var depth = 0
    fileprivate var packed: [StepPacks] = []
    /// The weights whose packings share a buffer with the rest of their loop's
    /// (`Tape.packingWeights(sharing:)`).
    fileprivate var sharing: [ObjectIdentifier: SharedPackings] = [:]

    /// Where `weight` packed (for x·Wᵀ, or `transposed` for dY·W) goes: into its loop's
    /// shared buffer, or a pool buffer of its own.
    func placement(for weight: Tensor, transposed: Bool) -> PackedMatrix.Placement {
        let count = SharedPackings.count(weight, transposed: transposed)
        if let placement = sharing[ObjectIdentifier(weight)]?.place(count, transposed: transposed) { return placement }
        return .pool(Storage(count: count), offset: 0)
    }

    /// Releases the forward packings (a loop has ended), or every packing after adding the
    /// gathered gradient terms (`everything`: backward has gone back through a loop, or has
    /// ended).
    func release(everything: Bool) {
        packed.removeAll { $0.release(everything: everything) }
        sharing.values.forEach { $0.release(everything: everything) }
    }

    /// Drops every packing and gathered gradient term (a recording forgotten).
    func discard() {
        packed.forEach { $0.discard() }
        packed.removeAll()
        sharing = [:]
    }
}

/// One pool buffer for the packings of all a loop's weights, where each would otherwise take
/// a buffer of its own: one for W (the forward loop's), one for Wᵀ (backward's).
///
/// What it is for is the buffers' size classes. Configuration B's decoder packs W_ih, W_hh
/// and W_c (24, 16 and 8 MiB) for its loop, lets them go when the loop ends, and then makes
/// its logits (N × V, ~43 MiB): in three buffers, the packings' memory sat idle in the pool
/// beside the logits' at the step's busiest moment (a pool serves a request with one buffer
/// of its size class or up to twice it, never with several). In one 48 MiB buffer, it is
/// the buffer that the logits then take, and that the transposed packings take after them in
/// backward.
final class SharedPackings {
    /// The weights' shapes (N, K).
    private let shapes: [(rows: Int, columns: Int)]
    /// The buffer for the packings of W (`false`) or Wᵀ (`true`), and how much of it is taken.
    private var buffers: [Bool: (storage: Storage, used: Int)] = [:]

    init(_ weights: [Tensor]) { shapes = weights.map { ($0.shape[0], $0.shape[1]) } }

    /// Floats that `weight` packed takes in the engine's precision.
    static func count(_ weight: Tensor, transposed: Bool) -> Int {
        count(rows: weight.shape[0], columns: weight.shape[1], transposed: transposed)
    }

    private static func count(rows: Int, columns: Int, transposed: Bool) -> Int {
        transposed ? PackedMatrix.count(rows: columns, columns: rows, precision: Engine.matrixPrecision)
            : PackedMatrix.count(rows: rows, columns: columns, precision: Engine.matrixPrecision)
    }

    /// The next `count` floats of the buffer for W (or Wᵀ), made for all the weights at the
    /// first packing; nil if it has no room left (a weight packed twice).
    func place(_ count: Int, transposed: Bool) -> PackedMatrix.Placement? {
        if buffers[transposed] == nil {
            let total = shapes.reduce(0) { $0 + Self.count(rows: $1.rows, columns: $1.columns, transposed: transposed) }
            buffers[transposed] = (Storage(count: total), 0)
        }
        guard let (storage, used) = buffers[transposed], used + count <= storage.capacity else { return nil }
        buffers[transposed]!.used = used + count
        return .pool(storage, offset: used)
    }

    /// Lets go of the buffer for W (the packings in it are released: a loop has ended), or of
    /// both (`everything`). Each stays alive while a packing in it does.
    fileprivate func release(everything: Bool) {
        if everything { buffers = [:] } else { buffers[false] = nil }
    }
}

extension Tape {
    /// Runs a recurrent loop whose few-row products may use packed weights (`StepPacks`)
    /// while this thread's tape records; its forward packings are released when it returns.
    /// The packings of `sharing` (the weights of the loop's products, each listed once) go in
    /// one buffer (`SharedPackings`); any other weight's in a buffer of its own.
    public static func packingWeights<Result>(sharing weights: [Tensor] = [], _ body: () throws -> Result) rethrows -> Result {
        guard let tape = current else { return try body() }
        let scope = tape.packScope
        if !weights.isEmpty {
            var seen = Set<ObjectIdentifier>()
            let distinct = weights.filter { seen.insert(ObjectIdentifier($0)).inserted }
            let shared = SharedPackings(distinct)
            for weight in distinct { scope.sharing[ObjectIdentifier(weight)] = shared }
        }
        // Backward reaches this mark once it has gone back through the loop.
        tape.appendMark { scope.release(everything: true) }
        scope.depth += 1
        defer {
            scope.depth -= 1
            if scope.depth == 0 { scope.release(everything: false) }
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
