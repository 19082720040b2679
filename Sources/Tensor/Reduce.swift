import _Kernels

extension Tensor {
    /// The sum of all elements, a scalar.
    public func sum() -> Tensor {
        let y = Tensor(scalar: Float(rk_sum(count, pointer)))
        if let tape = Tape.recording(self) {
            let (gy, gx, count) = (y.gradientSlot, gradientSlot, count)
            tape.append(y) {
                guard let dy = gy.existing else { return }
                let dx = gx.buffer, g = dy[0]
                for i in 0..<count { dx[i] += g }
            }
        }
        return y
    }

    /// The mean of all elements, a scalar.
    public func mean() -> Tensor { sum() * (1 / Float(max(count, 1))) }
}
