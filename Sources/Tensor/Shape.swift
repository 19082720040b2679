import _Kernels

// Views, reshapes, slices, concatenation and transposition.
//
// Views (`t[i]`, `slice(_:)` along the first axis, `reshaped`) share storage and need no
// pullback: their gradient is a region of their root's gradient. Slices along inner axes
// and concatenation copy, and copy their gradient back.

extension Tensor {
    /// Element `index` along the first axis, as a view: step t of a (T, B, H) sequence is
    /// its (B, H) state.
    public subscript(index: Int) -> Tensor {
        precondition(rank >= 1 && (0..<shape[0]).contains(index), "index \(index) out of range for shape \(shape)")
        let inner = Array(shape.dropFirst())
        return Tensor(viewOf: self, shape: inner, offset: index * inner.reduce(1, *))
    }

    /// Rows `range` along the first axis, as a view.
    public func slice(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "slice \(range) out of range for shape \(shape)")
        let innerCount = count / max(shape[0], 1)
        return Tensor(viewOf: self, shape: [range.count] + shape.dropFirst(), offset: range.lowerBound * innerCount)
    }

    /// The same elements in another shape, as a view. One dimension may be −1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        return Tensor(viewOf: self, shape: resolved, offset: 0)
    }

    func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition((0..<rank).contains(a), "axis \(axis) out of range for shape \(shape)")
        return a
    }

    /// Elements `range` along `axis`. A view when nothing lies outside that axis, a copy
    /// otherwise.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "slice \(range) out of range for axis \(axis) of \(shape)")
        if shape[..<axis].allSatisfy({ $0 == 1 }) {
            let innerCount = shape[(axis + 1)...].reduce(1, *)
            var newShape = shape
            newShape[axis] = range.count
            return Tensor(viewOf: self, shape: newShape, offset: range.lowerBound * innerCount)
        }
        var newShape = shape
        newShape[axis] = range.count
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let (sourceBlock, block, start) = (shape[axis] * inner, range.count * inner, range.lowerBound * inner)
        let y = Tensor(uninitialized: newShape)
        for o in 0..<outer { (y.pointer + o * block).update(from: pointer + o * sourceBlock + start, count: block) }
        if let tape = Tape.recording(self) {
            let (gy, gx) = (y.gradientSlot, gradientSlot)
            tape.append(y) {
                guard let dy = gy.existing else { return }
                let dx = gx.buffer
                for o in 0..<outer { rk_acc(block, 1, dy + o * block, dx + o * sourceBlock + start) }
            }
        }
        return y
    }

    /// Pieces of the given sizes along `axis` (they must add up to its length).
    public func split(axis: Int, sizes: [Int]) -> [Tensor] {
        let a = normalizedAxis(axis)
        precondition(sizes.reduce(0, +) == shape[a], "split sizes \(sizes) do not add up to \(shape[a]) (axis \(axis) of \(shape))")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: a, start..<start + size)
        }
    }

    /// Swaps the first two axes: (P, Q, …) → (Q, P, …), a copy. A matrix's transpose; a
    /// (T, B, H) sequence becomes (B, T, H).
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed needs at least two axes, got \(shape)")
        let (p, q) = (shape[0], shape[1])
        let inner = count / max(p * q, 1)
        var newShape = shape
        newShape.swapAt(0, 1)
        let y = Tensor(uninitialized: newShape)
        swapLeadingAxes(p, q, inner, from: pointer, to: y.pointer, accumulate: false)
        if let tape = Tape.recording(self) {
            let (gy, gx) = (y.gradientSlot, gradientSlot)
            tape.append(y) {
                guard let dy = gy.existing else { return }
                swapLeadingAxes(q, p, inner, from: dy, to: gx.buffer, accumulate: true)
            }
        }
        return y
    }
}

/// (P, Q, inner) → (Q, P, inner), copying or accumulating. Tiles of 32 × 32 keep both
/// sides in cache when `inner` is 1.
private func swapLeadingAxes(_ p: Int, _ q: Int, _ inner: Int, from x: UnsafePointer<Float>,
                             to y: UnsafeMutablePointer<Float>, accumulate: Bool) {
    let tile = 32
    for i0 in stride(from: 0, to: p, by: tile) {
        for j0 in stride(from: 0, to: q, by: tile) {
            for i in i0..<min(i0 + tile, p) {
                for j in j0..<min(j0 + tile, q) {
                    let source = x + (i * q + j) * inner, target = y + (j * p + i) * inner
                    if accumulate { rk_acc(inner, 1, source, target) } else { target.update(from: source, count: inner) }
                }
            }
        }
    }
}

/// The tensors joined along `axis`; all other dimensions must agree.
public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat of no tensors")
    let first = tensors[0]
    let a = first.normalizedAxis(axis)
    for t in tensors {
        precondition(t.rank == first.rank && t.shape.enumerated().allSatisfy { $0.offset == a || $0.element == first.shape[$0.offset] },
                     "concat along axis \(axis): shape \(t.shape) does not fit \(first.shape)")
    }
    var shape = first.shape
    shape[a] = tensors.map { $0.shape[a] }.reduce(0, +)
    let outer = first.shape[..<a].reduce(1, *), inner = first.shape[(a + 1)...].reduce(1, *)
    let blocks = tensors.map { $0.shape[a] * inner }
    let row = shape[a] * inner
    let y = Tensor(uninitialized: shape)
    joinBlocks(zip(tensors, blocks).map { (UnsafePointer($0.pointer), $1) }, rows: outer, into: y.pointer, rowLength: row)
    if let tape = Tape.recording(tensors) {
        let (gy, slots) = (y.gradientSlot, tensors.map(\.gradientSlotIfRequired))
        tape.append(y) {
            guard let dy = gy.existing else { return }
            addBlocks(of: dy, rows: outer, rowLength: row, to: zip(slots, blocks).map { ($0?.buffer, $1) })
        }
    }
    return y
}

/// Rows of `rows` × Σ widths at `y` (rows `rowLength` apart), each the parts' rows side by
/// side: part p (`rows` × its width, contiguous) fills its block of columns. Concatenation's
/// copy, also a loop's gathered weight-gradient rows' (`PendingGradient`).
func joinBlocks(_ parts: [(UnsafePointer<Float>, Int)], rows: Int, into y: UnsafeMutablePointer<Float>, rowLength: Int) {
    var start = 0
    for (part, width) in parts {
        for o in 0..<rows { (y + o * rowLength + start).update(from: part + o * width, count: width) }
        start += width
    }
}

/// The reverse of `joinBlocks`, accumulating: each part (nil: none wanted) += its block of
/// columns of `dy`'s rows. Concatenation's gradient, also that of a product over parts.
func addBlocks(of dy: UnsafePointer<Float>, rows: Int, rowLength: Int, to parts: [(UnsafeMutablePointer<Float>?, Int)]) {
    var start = 0
    for (part, width) in parts {
        if let part { for o in 0..<rows { rk_acc(width, 1, dy + o * rowLength + start, part + o * width) } }
        start += width
    }
}

/// The tensors (all of one shape S) stacked along a new first axis: (N, S…). Collects a
/// decoder's per-step outputs into a sequence.
public func stack(_ tensors: [Tensor]) -> Tensor {
    precondition(!tensors.isEmpty, "stack of no tensors")
    return concat(tensors.map { $0.reshaped([1] + $0.shape) }, axis: 0)
}
