/// The worst disagreement between a gradient from the tape and finite differences, for one
/// input of a gradient check.
public struct GradientMismatch: CustomStringConvertible, Sendable {
    public let input: Int, shape: [Int], element: Int
    public let analytic: Float, numeric: Float

    public var description: String {
        "input \(input) \(shape): element \(element) has gradient \(analytic), finite differences give \(numeric)"
    }
}

extension Tensor {
    /// A tensor of `shape` with values uniform in `range`, from a fixed seed.
    public static func random(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        let count = shape.reduce(1, *)
        return Tensor((0..<count).map { _ in generator.uniform(range.lowerBound, range.upperBound) }, shape: shape)
    }
}

/// Compares the tape's gradients of L = Σ g ⊙ f(inputs), for a fixed random g, with central
/// finite differences, element by element; returns the worst mismatch of each input that
/// has one (so an empty result means every gradient agrees). Output elements that are not
/// finite (masked log-probabilities) are left out of L. Use it to test any new op or layer.
///
/// Float32 central differences with ε = 1e-2 are accurate to about 1e-3, so the default
/// tolerance (2e-3 + 1e-2 relative) separates rounding from a wrong formula, which is off by
/// O(1). `f` must be deterministic: draw dropout masks from a generator made inside it.
public func checkGradients(
    _ inputs: [Tensor], epsilon: Float = 1e-2, absolute: Float = 2e-3, relative: Float = 1e-2,
    _ f: ([Tensor]) -> Tensor
) -> [GradientMismatch] {
    for x in inputs {
        x.requiresGrad = true
        if x.root == nil { x.releaseGrad() }
    }
    let tape = Tape()
    let output = tape.record { f(inputs) }
    let upstream = Tensor.random(output.shape, seed: 99)
    for i in 0..<output.count where !output.pointer[i].isFinite { upstream.pointer[i] = 0 }
    tape.backward(output, gradient: upstream)

    func objective() -> Double {
        let y = f(inputs)
        var total = 0.0
        for i in 0..<y.count where y.pointer[i].isFinite { total += Double(upstream.pointer[i]) * Double(y.pointer[i]) }
        return total
    }

    var mismatches: [GradientMismatch] = []
    for (n, x) in inputs.enumerated() {
        let analytic = x.grad?.array ?? [Float](repeating: 0, count: x.count)
        var worst: (mismatch: GradientMismatch, excess: Float)?
        for i in 0..<x.count {
            let saved = x.pointer[i]
            // Each change of a value is a change of parameters (bf16 roundings are remade).
            x.pointer[i] = saved + epsilon
            Engine.parametersChanged()
            let plus = objective()
            x.pointer[i] = saved - epsilon
            Engine.parametersChanged()
            let minus = objective()
            x.pointer[i] = saved
            Engine.parametersChanged()
            let numeric = Float((plus - minus) / Double(2 * epsilon))
            let excess = abs(numeric - analytic[i]) - (absolute + relative * max(abs(numeric), abs(analytic[i])))
            if excess > 0, excess > (worst?.excess ?? 0) {
                worst = (GradientMismatch(input: n, shape: x.shape, element: i, analytic: analytic[i], numeric: numeric), excess)
            }
        }
        if let worst { mismatches.append(worst.mismatch) }
    }
    return mismatches
}
