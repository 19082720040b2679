import _Kernels

extension Tensor {
    /// Softmax over the last axis. Where `mask` (same shape, 1 keep / 0 drop) is 0 the
    /// probability is 0: attention over a padded source (Luong et al. 2015, §3.1).
    public func softmax(mask: Tensor? = nil) -> Tensor {
        normalize(mask: mask, forward: rk_softmax, pullback: rk_softmax_backward_acc)
    }

    /// log softmax over the last axis; masked positions get −∞ and no gradient.
    public func logSoftmax(mask: Tensor? = nil) -> Tensor {
        normalize(mask: mask, forward: rk_log_softmax, pullback: rk_log_softmax_backward_acc)
    }

    private func normalize(
        mask: Tensor?,
        forward: (Int, Int, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void,
        pullback: @escaping (Int, Int, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void
    ) -> Tensor {
        if let mask { precondition(mask.shape == shape, "mask \(mask.shape) for scores \(shape)") }
        let (rows, cols) = (rowCount, lastDimension)
        let y = Tensor(uninitialized: shape)
        let (x, m, out) = (pointer, mask?.pointer, y.pointer)
        Parallel.forRows(rows, elementsPerRow: cols * 8) { range in
            let o = range.lowerBound * cols
            forward(range.count, cols, x + o, m.map { $0 + o }, out + o)
        }
        if let tape = Tape.recording(self) {
            let gx = gradientSlot  // the pullback reads y, not x
            tape.append(y) {
                guard let dy = y.existingGrad else { return }
                let (dx, yp) = (gx.buffer, y.pointer)
                Parallel.forRows(rows, elementsPerRow: cols * 8) { range in
                    let o = range.lowerBound * cols
                    pullback(range.count, cols, yp + o, dy + o, dx + o)
                }
            }
        }
        return y
    }
}
