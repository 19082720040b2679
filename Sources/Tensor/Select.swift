import _Kernels

/// Rows of `a` where `condition` is true and of `b` elsewhere; `a` and `b` share a shape
/// (B, …) and `condition` has B entries. A recurrent layer keeps a finished sentence's
/// state this way: `rowsWhere(active, then: updated, else: previous)`. The pullback routes
/// each row's gradient to the side it came from.
public func rowsWhere(_ condition: [Bool], then a: Tensor, else b: Tensor) -> Tensor {
    precondition(a.shape == b.shape, "rowsWhere: shapes \(a.shape) and \(b.shape) differ")
    let rows = a.rank == 0 ? 1 : a.shape[0]
    precondition(condition.count == rows, "rowsWhere: \(condition.count) conditions for \(rows) rows")
    let width = a.count / max(rows, 1)
    let y = Tensor(uninitialized: a.shape)
    for (r, takeA) in condition.enumerated() {
        (y.pointer + r * width).update(from: (takeA ? a.pointer : b.pointer) + r * width, count: width)
    }
    if let tape = Tape.recording(a, b) {
        let (gy, ga, gb) = (y.gradientSlot, a.gradientSlotIfRequired, b.gradientSlotIfRequired)
        tape.append(y) {
            guard let dy = gy.existing else { return }
            for (r, takeA) in condition.enumerated() {
                if let source = takeA ? ga : gb { rk_acc(width, 1, dy + r * width, source.buffer + r * width) }
            }
        }
    }
    return y
}
