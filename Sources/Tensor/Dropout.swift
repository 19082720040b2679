import _Kernels

extension Tensor {
    /// Inverted dropout (Srivastava et al. 2014): each element is zeroed with probability
    /// `rate` and the rest scaled by 1 / (1 − rate), so inference needs no rescaling. The
    /// mask is drawn from `generator`, so a seed fixes it. Call only when training.
    public func dropout(rate: Float, generator: inout RandomGenerator) -> Tensor {
        precondition((0..<1).contains(rate), "dropout rate \(rate) must be in [0, 1)")
        guard rate > 0 else { return self }
        let mask = Tensor(uninitialized: shape)
        let keep = 1 / (1 - rate)
        for i in 0..<count { mask.pointer[i] = generator.nextFloat() < rate ? 0 : keep }
        let y = Tensor(uninitialized: shape)
        rk_mul(count, pointer, mask.pointer, y.pointer)
        if let tape = Tape.recording(self) {
            let (gy, gx, count) = (y.gradientSlot, gradientSlot, count)
            tape.append(y) {
                guard let dy = gy.existing else { return }
                rk_mul_acc(count, dy, mask.pointer, gx.buffer)
            }
        }
        return y
    }
}
