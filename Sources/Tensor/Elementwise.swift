import _Kernels

// Elementwise functions. Each saves its output (the pullbacks of σ, tanh, ReLU and exp are
// cheapest in terms of y) and splits large tensors across the engine's threads.

/// Signature shared by the map kernels: (n, x, y).
private typealias MapKernel = (Int, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void
/// Signature shared by their pullbacks: (n, y, dy, dx), accumulating into dx.
private typealias MapPullback = (Int, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void

/// Runs `kernel` over n elements in chunks on the engine's threads.
@inline(__always)
private func chunked(_ n: Int, _ kernel: (Int, Int) -> Void) {
    let chunk = 4096
    Parallel.forRows((n + chunk - 1) / chunk, elementsPerRow: chunk) { blocks in
        let start = blocks.lowerBound * chunk, end = min(n, blocks.upperBound * chunk)
        if end > start { kernel(start, end - start) }
    }
}

extension Tensor {
    private func map(_ kernel: MapKernel, pullback: @escaping MapPullback) -> Tensor {
        let y = Tensor(uninitialized: shape)
        let (x, out) = (pointer, y.pointer)
        chunked(count) { start, n in kernel(n, x + start, out + start) }
        if let tape = Tape.recording(self) {
            let (gx, count) = (gradientSlot, count)  // the pullback reads y, not x
            tape.append(y) {
                guard let dy = y.existingGrad else { return }
                let dx = gx.buffer, yp = y.pointer
                chunked(count) { start, n in pullback(n, yp + start, dy + start, dx + start) }
            }
        }
        return y
    }

    /// σ(x) = 1 / (1 + e^{−x}).
    public func sigmoid() -> Tensor { map(rk_sigmoid, pullback: rk_sigmoid_backward_acc) }

    /// tanh(x).
    public func tanh() -> Tensor { map(rk_tanh, pullback: rk_tanh_backward_acc) }

    /// max(x, 0).
    public func relu() -> Tensor { map(rk_relu, pullback: rk_relu_backward_acc) }

    /// e^x.
    public func exp() -> Tensor { map(rk_exp, pullback: { n, y, dy, dx in rk_mul_acc(n, dy, y, dx) }) }

    /// The natural logarithm (−∞ at 0, NaN below).
    public func log() -> Tensor {
        let y = Tensor(uninitialized: shape)
        rk_log(count, pointer, y.pointer)
        if let tape = Tape.recording(self) {
            let gy = y.gradientSlot
            tape.append(y) {
                guard let dy = gy.existing else { return }
                rk_div_acc(self.count, dy, self.pointer, self.gradBuffer)  // dx += dy / x
            }
        }
        return y
    }
}

/// min(a, b) elementwise, for tensors of one shape; the gradient goes to the smaller
/// (to `a` on ties), as the coverage loss Σ min(a_t, c_t) needs (See et al. 2017, eq. 12).
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.shape == b.shape, "minimum of shapes \(a.shape) and \(b.shape)")
    let y = Tensor(uninitialized: a.shape)
    let (ap, bp, yp) = (a.pointer, b.pointer, y.pointer)
    for i in 0..<a.count { yp[i] = Swift.min(ap[i], bp[i]) }
    if let tape = Tape.recording(a, b) {
        let gy = y.gradientSlot
        tape.append(y) {
            guard let dy = gy.existing else { return }
            let da = a.requiresGrad ? a.gradBuffer : nil, db = b.requiresGrad ? b.gradBuffer : nil
            for i in 0..<a.count {
                if a.pointer[i] <= b.pointer[i] { da?[i] += dy[i] } else { db?[i] += dy[i] }
            }
        }
    }
    return y
}
