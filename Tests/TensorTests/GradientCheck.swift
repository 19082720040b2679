import Testing

@testable import Tensor

/// A tensor of `shape` with values uniform in [low, high), from a fixed seed.
func randomTensor(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    let count = shape.reduce(1, *)
    return Tensor((0..<count).map { _ in generator.uniform(range.lowerBound, range.upperBound) }, shape: shape)
}

/// Checks the tape's gradients of L = Σ g ⊙ f(inputs), for a fixed random g, against
/// central finite differences, element by element. Output elements that are not finite
/// (masked log-probabilities) are left out of L.
///
/// Float32 central differences with ε = 1e-2 are accurate to about 1e-3 here, so the
/// tolerance (2e-3 + 1e-2 relative) separates rounding from a wrong formula, which is off
/// by O(1).
func expectGradientsMatchFiniteDifferences(
    _ inputs: [Tensor], epsilon: Float = 1e-2, absolute: Float = 2e-3, relative: Float = 1e-2,
    sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor
) {
    for x in inputs {
        x.requiresGrad = true
        x.releaseGrad()
    }
    let tape = Tape()
    let output = tape.record { f(inputs) }
    let upstream = randomTensor(output.shape, seed: 99)
    for i in 0..<output.count where !output.pointer[i].isFinite { upstream.pointer[i] = 0 }
    tape.backward(output, gradient: upstream)

    func objective() -> Double {
        let y = f(inputs)
        var total = 0.0
        for i in 0..<y.count where y.pointer[i].isFinite { total += Double(upstream.pointer[i]) * Double(y.pointer[i]) }
        return total
    }

    for (n, x) in inputs.enumerated() {
        let analytic = x.grad?.array ?? [Float](repeating: 0, count: x.count)
        var worst: (index: Int, analytic: Float, numeric: Float, excess: Float)?
        for i in 0..<x.count {
            let saved = x.pointer[i]
            x.pointer[i] = saved + epsilon
            let plus = objective()
            x.pointer[i] = saved - epsilon
            let minus = objective()
            x.pointer[i] = saved
            let numeric = Float((plus - minus) / Double(2 * epsilon))
            let allowed = absolute + relative * max(abs(numeric), abs(analytic[i]))
            let excess = abs(numeric - analytic[i]) - allowed
            if excess > 0, excess > (worst?.excess ?? 0) { worst = (i, analytic[i], numeric, excess) }
        }
        #expect(worst == nil, "input \(n) \(x.shape): element \(worst?.index ?? -1) has gradient \(worst?.analytic ?? 0), finite differences give \(worst?.numeric ?? 0)", sourceLocation: sourceLocation)
    }
}

/// Expects two arrays to agree elementwise within `tolerance` (absolute + relative).
func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    let bad = zip(actual, expected).enumerated().first { abs($0.element.0 - $0.element.1) > tolerance * (1 + abs($0.element.1)) }
    #expect(bad == nil, "\(what): element \(bad?.offset ?? -1) is \(bad?.element.0 ?? 0), expected \(bad?.element.1 ?? 0)", sourceLocation: sourceLocation)
}
