#if canImport(Glibc)
import Glibc
#endif

/// A contiguous, row-major array of Float32 with a shape, and the node of reverse-mode
/// autodiff that produced it.
///
/// Tensors are values once built: ops never change their inputs (optimisers update
/// parameters in place, outside recording). A view (`self[t]`, `reshaped`) shares its
/// root's storage, and its gradient is the matching region of the root's gradient, so
/// slicing needs no copy forward and no pullback backward.
///
/// Gradients: a tensor with `requiresGrad` that an op reads while a `Tape` records gets its
/// gradient accumulated by `Tape.backward`. Parameters keep theirs across steps until
/// `zeroGrad()`. A gradient lives in a `GradientCell` apart from the values, so a recorded
/// pullback keeps the values only of the tensors its formula reads (see `GradientSlot`);
/// an intermediate tensor's gradient goes when the last pullback holding its slot has run.
public final class Tensor: @unchecked Sendable {
    /// Dimensions, outermost first; `[]` for a scalar.
    public let shape: [Int]
    /// Number of elements: the product of `shape`.
    public let count: Int
    /// Replaced only by `adoptStorage(of:)`, when a model takes over mapped weights.
    private(set) var storage: Storage
    /// Offset of this tensor's first element in `storage`.
    let offset: Int
    /// For a view, the tensor that owns the storage (never itself a view).
    let root: Tensor?
    /// Whether gradients flow to this tensor. Set it on parameters; ops set it on their
    /// outputs while a tape records.
    public var requiresGrad: Bool
    /// A model's parameter (`Tensor.parameter`): its gradient buffer is kept from step to step.
    var isParameter = false
    /// The gradient of a root tensor, made when first asked for.
    private var gradientCell: GradientCell?
    /// For a weight matrix: its int8 form, which `linear` uses outside training (set by a
    /// model's quantisation, see `QuantizedMatrix`).
    public var quantized: QuantizedMatrix?
    /// For a weight matrix: its FP32 values packed for `rk_gemm_nt_packed`, which `linear`
    /// uses outside training (see `PackedMatrix`); dropped by `valuesWritten()`.
    public var packed: PackedMatrix?
    /// How many times `valuesWritten()` has been called.
    public private(set) var writes = 0
    /// For a weight matrix in bf16 training: its rounding to bf16, made by `linear` and
    /// remade after parameters change (see `bf16Rounding`).
    var bf16Form: BF16Form?
    /// For a weight matrix in float32 training: its packings for one step's few-row products
    /// (see `StepPacks`).
    var stepPacks: StepPacks?

    /// A tensor with uninitialised contents (ops overwrite them).
    init(uninitialized shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = Storage(count: count)
        self.offset = 0
        self.root = nil
        self.requiresGrad = false
    }

    /// A view of `count(shape)` elements of `base` starting at `offset` elements into it.
    init(viewOf base: Tensor, shape: [Int], offset: Int) {
        let root = base.root ?? base
        self.shape = shape
        self.count = shape.reduce(1, *)
        precondition(base.offset + offset + count <= root.offset + root.count, "view out of range")
        self.storage = base.storage
        self.offset = base.offset + offset
        self.root = root
        self.requiresGrad = base.requiresGrad
    }

    /// A tensor over `count(shape)` floats at `pointer`, inside memory `owner` keeps valid
    /// (a memory-mapped file): no copy.
    init(borrowing pointer: UnsafeMutablePointer<Float>, shape: [Int], owner: AnyObject) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = Storage(borrowing: pointer, count: count, owner: owner)
        self.offset = 0
        self.root = nil
        self.requiresGrad = false
    }

    /// Makes this tensor use `other`'s memory from now on, without copying: how a model
    /// takes over the weights of a memory-mapped file. Both must be whole tensors (not
    /// views) of one shape, and nothing may hold a view of this one.
    func adoptStorage(of other: Tensor) {
        precondition(root == nil && other.root == nil && offset == 0 && other.offset == 0 && shape == other.shape,
                     "adoptStorage: \(shape) from \(other.shape) (views cannot adopt)")
        storage = other.storage
        valuesWritten()
        Engine.parametersChanged()
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.pointer.update(repeating: 0, count: t.count)
        return t
    }

    /// A tensor with every element `value`.
    public static func filled(_ shape: [Int], with value: Float) -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.pointer.update(repeating: value, count: t.count)
        return t
    }

    /// A tensor holding `values` (row-major) in `shape`.
    public convenience init(_ values: [Float], shape: [Int]) {
        self.init(uninitialized: shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape) (\(count) elements)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    /// A scalar tensor (shape `[]`).
    public convenience init(scalar: Float) { self.init([scalar], shape: []) }

    /// The elements, row-major. Safe to read and write while no op is running on this tensor.
    public var pointer: UnsafeMutablePointer<Float> { storage.pointer + offset }

    /// The elements as an array (a copy).
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// The value of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor of shape \(shape)")
        return pointer[0]
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The last dimension (1 for a scalar).
    var lastDimension: Int { shape.last ?? 1 }

    /// The number of rows when the tensor is read as a matrix of `lastDimension` columns.
    var rowCount: Int { lastDimension == 0 ? 0 : count / lastDimension }

    /// A copy that shares nothing with this tensor and records nothing.
    public func copy() -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.pointer.update(from: pointer, count: count)
        return t
    }

    // MARK: Gradients

    /// The gradient, if one has been allocated (a view shares its root's). One held by rows
    /// (`gradientRows`, an embedding table's) becomes one buffer from here on.
    public var grad: Tensor? {
        let root = self.root ?? self
        if root.gradientCell?.rows != nil { _ = root.gradientCell!.buffer }
        guard let g = existingGrad else { return nil }
        return Tensor(gradientOf: root, view: self, pointer: g)
    }

    private init(gradientOf root: Tensor, view: Tensor, pointer: UnsafeMutablePointer<Float>) {
        let storage = root.gradientCell!.storage!
        self.shape = view.shape
        self.count = view.count
        self.storage = storage
        self.offset = pointer - storage.pointer
        self.root = nil
        self.requiresGrad = false
    }

    /// Where this tensor's gradient accumulates, for a pullback to hold instead of the tensor.
    var gradientSlot: GradientSlot {
        guard let root else { return GradientSlot(cell: rootGradientCell, offset: 0) }
        return GradientSlot(cell: root.rootGradientCell, offset: offset - root.offset)
    }

    /// `gradientSlot` when gradients flow to this tensor, else nil.
    var gradientSlotIfRequired: GradientSlot? { requiresGrad ? gradientSlot : nil }

    private var rootGradientCell: GradientCell {
        if let gradientCell { return gradientCell }
        let cell = GradientCell(count: count, exactSize: isParameter)
        gradientCell = cell
        return cell
    }

    /// The gradient buffer if it exists, without allocating it.
    var existingGrad: UnsafeMutablePointer<Float>? {
        if let root { return root.existingGrad.map { $0 + (offset - root.offset) } }
        return gradientCell?.storage?.pointer
    }

    /// The gradient buffer, allocated and zeroed on first use.
    var gradBuffer: UnsafeMutablePointer<Float> { gradientSlot.buffer }

    /// Whether `takeValuesAsGradient()` may be called: a whole tensor without a gradient yet,
    /// whose values live in a buffer of its own that nothing else shares.
    var canTakeValuesAsGradient: Bool {
        // The storage must be this tensor's alone: no view of it, no tensor that adopted it.
        root == nil && offset == 0 && existingGrad == nil && storage.owner == nil && isKnownUniquelyReferenced(&storage)
    }

    /// Makes the value buffer the gradient buffer, for a pullback that is the last reader of
    /// the values and overwrites them with the gradient (the cross-entropy's, over its logits).
    /// Returns that buffer; the values are the caller's to overwrite.
    func takeValuesAsGradient() -> UnsafeMutablePointer<Float> {
        precondition(canTakeValuesAsGradient, "takeValuesAsGradient: a view, a borrowed buffer or a gradient already there")
        rootGradientCell.storage = storage
        return storage.pointer
    }

    /// Says the values were just written (an optimiser step, a load): a packing made from the
    /// old values for decoding (`packed`) goes, and `writes` counts one more, so whatever else
    /// was made from them can tell it is stale.
    public func valuesWritten() {
        packed = nil
        writes += 1
    }

    /// The gradient while it is held by rows (an embedding table's, see `RowGradient`): what
    /// an optimiser reads instead of `grad`, which would make it one buffer.
    public var gradientRows: RowGradient? { root == nil ? gradientCell?.rows : nil }

    /// Sets the gradient to zero (keeping its buffer; a gradient held by rows holds none).
    public func zeroGrad() {
        precondition(root == nil || root!.gradientCell?.rows == nil, "zeroGrad on a view of a gradient held by rows")
        if gradientCell?.rows != nil { gradientCell!.release() }
        if let g = existingGrad { g.update(repeating: 0, count: count) }
    }

    /// Drops the gradient buffer.
    public func releaseGrad() {
        precondition(root == nil, "releaseGrad on a view: release its root's")
        gradientCell?.release()
    }
}

/// The gradient of a root tensor, held apart from the tensor so that a pullback can keep the
/// one without the other (see `GradientSlot`).
final class GradientCell {
    /// Elements: the root tensor's count.
    let count: Int
    /// Whether the buffer is of its own size class: a parameter's gradient lives for good and
    /// should not keep a larger buffer that the pool offered once.
    let exactSize: Bool
    /// Allocated (zeroed) when first needed.
    var storage: Storage?
    /// The gradient while only some rows have received any (an embedding table's, see
    /// `RowGradient`); never there together with `storage`.
    private(set) var rows: RowGradient?

    init(count: Int, exactSize: Bool) { (self.count, self.exactSize) = (count, exactSize) }

    /// The buffer, allocated and zeroed on first use (holding the rows, if they were held).
    var buffer: UnsafeMutablePointer<Float> {
        if let storage { return storage.pointer }
        let g = Storage(count: count, exactSize: exactSize)
        g.pointer.update(repeating: 0, count: count)
        rows?.scatter(into: g.pointer)
        (storage, rows) = (g, nil)
        return g.pointer
    }

    /// The gradient held by rows of `width` elements, made when first asked for; nil once
    /// it is one buffer.
    func heldByRows(width: Int) -> RowGradient? {
        guard storage == nil else { return nil }
        if let rows { return rows }
        let made = RowGradient(rowCount: count / width, width: width)
        rows = made
        return made
    }

    /// Drops the gradient, in either form.
    func release() { (storage, rows) = (nil, nil) }
}

/// Where a tensor's gradient accumulates (a view's: its region of its root's), without the
/// tensor. A pullback that reads or adds to gradients but not values holds slots, not
/// tensors, so values nobody needs go back to the pool as soon as the forward pass drops
/// them: an LSTM step's gate sums and recurrent products live only until its cell has run,
/// as PyTorch's autograd saves only the tensors a backward formula reads.
struct GradientSlot {
    let cell: GradientCell
    /// Elements into the root's gradient.
    let offset: Int

    /// The gradient if one has been allocated.
    var existing: UnsafeMutablePointer<Float>? { cell.storage.map { $0.pointer + offset } }

    /// The gradient, allocated and zeroed on first use.
    var buffer: UnsafeMutablePointer<Float> { cell.buffer + offset }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = array.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(shown)\(count > 8 ? ", …" : "")]"
    }
}
