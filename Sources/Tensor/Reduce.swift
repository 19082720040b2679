import _Kernels

extension Tensor {
    /// The sum of all elements, a scalar.
    public func sum() -> Tensor {
        let y = Tensor(scalar: Float(rk_sum(count, pointer)))
        if let tape = Tape.recording(self) {
            tape.append(y) {
                guard let dy = y.existingGrad else { return }
                let dx = self.gradBuffer, g = dy[0]
                for i in 0..<self.count { dx[i] += g }
            }
        }
        return y
    }

    /// The mean of all elements, a scalar.
    public func mean() -> Tensor { sum() * (1 / Float(max(count, 1))) }

    /// Σ x² over all elements, in double precision (for gradient norms; records nothing).
    public func sumOfSquares() -> Double { rk_sum_squares(count, pointer) }
}
