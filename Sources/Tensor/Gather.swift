import _Kernels

extension Tensor {
    /// Rows `indices` of this V × E matrix: an embedding lookup, (N) ids → (N, E).
    /// The pullback scatter-adds each row's gradient back into row `indices[i]`, so ids that
    /// repeat accumulate. Rows gathered for `paddingIndex` get no gradient, so a padding
    /// embedding stays as initialised (PyTorch's `padding_idx`). A parameter's gradient is
    /// held by the rows reached (`RowGradient`) until something needs it as one buffer.
    public func gatherRows(_ indices: [Int32], paddingIndex: Int32? = nil) -> Tensor {
        precondition(rank == 2, "gatherRows needs a matrix, got shape \(shape)")
        let (rows, width) = (shape[0], shape[1])
        let y = Tensor(uninitialized: [indices.count, width])
        for (i, index) in indices.enumerated() {
            precondition(index >= 0 && Int(index) < rows, "id \(index) out of range for \(rows) rows (is the vocabulary right?)")
            (y.pointer + i * width).update(from: pointer + Int(index) * width, count: width)
        }
        if let tape = Tape.recording(self) {
            let (gy, gw) = (y.gradientSlot, gradientSlot)
            let byRows = isParameter && root == nil
            tape.append(y) {
                guard let dy = gy.existing else { return }
                if byRows, let rows = gw.cell.heldByRows(width: width) {
                    rows.accumulate(dy, at: indices, skipping: paddingIndex)
                    return
                }
                let dw = gw.buffer
                for (i, index) in indices.enumerated() where index != paddingIndex {
                    rk_acc(width, 1, dy + i * width, dw + Int(index) * width)
                }
            }
        }
        return y
    }
}
