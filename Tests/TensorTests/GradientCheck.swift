import Testing

@testable import Tensor

func randomTensor(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
    Tensor.random(shape, seed: seed, in: range)
}

/// Expects `checkGradients` to find no mismatch.
func expectGradientsMatchFiniteDifferences(
    _ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor
) {
    let mismatches = checkGradients(inputs, f)
    #expect(mismatches.isEmpty, "\(mismatches.map(\.description).joined(separator: "; "))", sourceLocation: sourceLocation)
}

/// Expects two arrays to agree elementwise within `tolerance` (absolute + relative).
func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    let bad = zip(actual, expected).enumerated().first { abs($0.element.0 - $0.element.1) > tolerance * (1 + abs($0.element.1)) }
    #expect(bad == nil, "\(what): element \(bad?.offset ?? -1) is \(bad?.element.0 ?? 0), expected \(bad?.element.1 ?? 0)", sourceLocation: sourceLocation)
}
