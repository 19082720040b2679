import _Kernels

// Addition, subtraction and multiplication, with the broadcasting seq2seq models need:
//   same shape       a (…, C) ∘ b (…, C)
//   row broadcast    a (…, C) ∘ b (C)          a bias, a per-feature scale
//   column broadcast a (…, C) ∘ b (…, 1)       a per-row mask or weight
//   (addition only)  a (P, Q, C) + b (P, 1, C)  a query added to every key (additive attention)

enum Broadcast {
    case same, row, column, middle

    init(_ a: Tensor, _ b: Tensor, op: String) {
        if b.shape == a.shape {
            self = .same
        } else if b.shape == [a.lastDimension] || b.shape == [1, a.lastDimension] {
            self = .row
        } else if b.shape == Array(a.shape.dropLast()) + [1] {
            self = .column
        } else if a.rank == 3, b.shape == [a.shape[0], 1, a.shape[2]], op == "+" {
            self = .middle
        } else {
            preconditionFailure("\(op): cannot broadcast \(b.shape) onto \(a.shape): use the same shape, (\(a.lastDimension)) for rows or (…, 1) for columns")
        }
    }
}

/// Splits a rows × cols kernel across the engine's threads.
@inline(__always)
private func overRows(_ rows: Int, _ cols: Int, _ kernel: (Int, Int) -> Void) {
    Parallel.forRows(rows, elementsPerRow: cols) { range in kernel(range.lowerBound, range.count) }
}

/// a + b, with b the same shape as a or broadcast over its rows or columns.
public func + (a: Tensor, b: Tensor) -> Tensor {
    let kind = Broadcast(a, b, op: "+")
    let (rows, cols) = (a.rowCount, a.lastDimension)
    let y = Tensor(uninitialized: a.shape)
    let (ap, bp, yp) = (a.pointer, b.pointer, y.pointer)
    overRows(rows, cols) { r, n in
        switch kind {
        case .same: rk_add(n * cols, ap + r * cols, bp + r * cols, yp + r * cols)
        case .row: rk_add_row(n, cols, ap + r * cols, bp, yp + r * cols)
        case .column: rk_add_col(n, cols, ap + r * cols, bp + r, yp + r * cols)
        case .middle: break
        }
    }
    if kind == .middle {  // b (P, 1, C) onto each of the Q rows of block p
        let (q, block) = (a.shape[1], a.shape[1] * cols)
        for p in 0..<a.shape[0] { rk_add_row(q, cols, ap + p * block, bp + p * cols, yp + p * block) }
    }
    if let tape = Tape.recording(a, b) {
        // Only gradients flow back: neither operand's values are kept.
        let (gy, ga, gb, count, shape) = (y.gradientSlot, a.gradientSlotIfRequired, b.gradientSlotIfRequired, a.count, a.shape)
        tape.append(y) {
            guard let dy = gy.existing else { return }
            if let ga { rk_acc(count, 1, dy, ga.buffer) }
            if let gb {
                switch kind {
                case .same: rk_acc(count, 1, dy, gb.buffer)
                case .row: rk_colsum_acc(rows, cols, dy, gb.buffer)
                case .column: rk_rowsum_acc(rows, cols, dy, gb.buffer)
                case .middle:
                    let (q, block, db) = (shape[1], shape[1] * cols, gb.buffer)
                    for p in 0..<shape[0] { rk_colsum_acc(q, cols, dy + p * block, db + p * cols) }
                }
            }
        }
    }
    return y
}

/// a − b, with b the same shape as a or broadcast over its rows or columns.
public func - (a: Tensor, b: Tensor) -> Tensor {
    guard Broadcast(a, b, op: "-") == .same else { return a + b * -1 }
    let y = Tensor(uninitialized: a.shape)
    let (ap, bp, yp, cols) = (a.pointer, b.pointer, y.pointer, a.lastDimension)
    overRows(a.rowCount, cols) { r, n in rk_sub(n * cols, ap + r * cols, bp + r * cols, yp + r * cols) }
    if let tape = Tape.recording(a, b) {
        let (gy, ga, gb, count) = (y.gradientSlot, a.gradientSlotIfRequired, b.gradientSlotIfRequired, a.count)
        tape.append(y) {
            guard let dy = gy.existing else { return }
            if let ga { rk_acc(count, 1, dy, ga.buffer) }
            if let gb { rk_acc(count, -1, dy, gb.buffer) }
        }
    }
    return y
}

/// a ⊙ b (elementwise), with b the same shape as a or broadcast over its rows or columns.
public func * (a: Tensor, b: Tensor) -> Tensor {
    let kind = Broadcast(a, b, op: "*")
    let (rows, cols) = (a.rowCount, a.lastDimension)
    let y = Tensor(uninitialized: a.shape)
    let (ap, bp, yp) = (a.pointer, b.pointer, y.pointer)
    overRows(rows, cols) { r, n in
        switch kind {
        case .same: rk_mul(n * cols, ap + r * cols, bp + r * cols, yp + r * cols)
        case .row: rk_mul_row(n, cols, ap + r * cols, bp, yp + r * cols)
        case .column: rk_mul_col(n, cols, ap + r * cols, bp + r, yp + r * cols)
        case .middle: preconditionFailure("unreachable: (P, 1, C) broadcasting is for addition")
        }
    }
    if let tape = Tape.recording(a, b) {
        let gy = y.gradientSlot
        tape.append(y) {
            guard let dy = gy.existing else { return }
            if a.requiresGrad {
                let da = a.gradBuffer
                switch kind {
                case .same: rk_mul_acc(a.count, dy, b.pointer, da)
                case .row: rk_mul_row_acc(rows, cols, dy, b.pointer, da)
                case .column: rk_mul_col_acc(rows, cols, dy, b.pointer, da)
                case .middle: break
                }
            }
            if b.requiresGrad {
                let db = b.gradBuffer
                switch kind {
                case .same: rk_mul_acc(b.count, dy, a.pointer, db)
                case .row: rk_colsum_mul_acc(rows, cols, dy, a.pointer, db)
                case .column: rk_rowdot_acc(rows, cols, dy, a.pointer, db)
                case .middle: break
                }
            }
        }
    }
    return y
}

/// α·x.
public func * (x: Tensor, alpha: Float) -> Tensor {
    let y = Tensor(uninitialized: x.shape)
    rk_scale(x.count, alpha, x.pointer, y.pointer)
    if let tape = Tape.recording(x) {
        let (gy, gx, count) = (y.gradientSlot, x.gradientSlot, x.count)
        tape.append(y) {
            guard let dy = gy.existing else { return }
            rk_acc(count, alpha, dy, gx.buffer)
        }
    }
    return y
}

/// α·x.
public func * (alpha: Float, x: Tensor) -> Tensor { x * alpha }

/// −x.
public prefix func - (x: Tensor) -> Tensor { x * -1 }
