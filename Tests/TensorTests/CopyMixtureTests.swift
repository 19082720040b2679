import Foundation
import Testing

@testable import Tensor

/// The pointer-generator's mixture (See et al. 2017, eq. 9) and the coverage loss's minimum.
@Suite struct CopyMixtureTests {
    /// Two rows, V = 4, S = 3; row 0 copies an in-vocabulary word (2) and its one
    /// out-of-vocabulary word (id 4), row 1 two out-of-vocabulary words (4 and 5), one of
    /// them twice, and has a padded position.
    let sourceIDs: [Int32] = [2, 4, 2, 4, 5, 4]
    let mask = Tensor([1, 1, 1, 1, 1, 0], shape: [2, 3])

    @Test func valuesByHand() {
        let logits = Tensor([0, 1, 2, 3, 1, 1, 1, 1], shape: [2, 4])
        let attention = Tensor([0.5, 0.3, 0.2, 0.6, 0.4, 0], shape: [2, 3])
        let generation = Tensor([0.25, 0.5], shape: [2, 1])
        let y = copyMixture(logits: logits, attention: attention, generation: generation, sourceIDs: sourceIDs, extendedSize: 6)
        #expect(y.shape == [2, 6])
        let e = [0.0, 1, 2, 3].map { Foundation.exp($0) }, z = e.reduce(0, +)
        let row0 = [0.25 * e[0] / z, 0.25 * e[1] / z, 0.25 * e[2] / z + 0.75 * (0.5 + 0.2), 0.25 * e[3] / z, 0.75 * 0.3]
        let row1 = [0.125, 0.125, 0.125, 0.125, 0.5 * 0.6, 0.5 * 0.4]
        var values = y.array
        // Row 0's source has no word 5 (row 1's unknown word): impossible, −∞.
        #expect(values.remove(at: 5) == -.infinity)
        expectClose(values, (row0 + row1).map { Float(Foundation.log($0 + 1e-20)) }, tolerance: 1e-5, "log P")
        // A distribution: Σ_w P(w) = 1 in each row.
        for r in 0..<2 {
            let total = y.array[r * 6..<(r + 1) * 6].reduce(0.0) { $0 + Foundation.exp(Double($1)) }
            #expect(abs(total - 1) < 1e-5, "row \(r) sums to \(total)")
        }
    }

    @Test func gradientsOfLogitsAttentionAndGate() {
        let logits = randomTensor([2, 4], seed: 50, in: -2...2)
        let scores = randomTensor([2, 3], seed: 51), gate = randomTensor([2, 1], seed: 52)
        expectGradientsMatchFiniteDifferences([logits, scores, gate]) { x in
            copyMixture(logits: x[0], attention: x[1].softmax(mask: mask), generation: x[2].sigmoid(),
                        sourceIDs: sourceIDs, extendedSize: 6)
        }
    }

    /// The loss the model trains with: cross-entropy of the mixture's log-probabilities is
    /// their negative log-likelihood, because they already sum to one.
    @Test func crossEntropyOfTheMixtureGradients() {
        let logits = randomTensor([2, 4], seed: 53, in: -2...2)
        let scores = randomTensor([2, 3], seed: 54), gate = randomTensor([2, 1], seed: 55)
        expectGradientsMatchFiniteDifferences([logits, scores, gate]) { x in
            let logP = copyMixture(logits: x[0], attention: x[1].softmax(mask: mask), generation: x[2].sigmoid(),
                                   sourceIDs: sourceIDs, extendedSize: 6)
            return crossEntropy(logits: logP, targets: [4, 5], ignoreIndex: -1).loss
        }
        let logP = copyMixture(logits: logits, attention: scores.softmax(mask: mask), generation: gate.sigmoid(),
                               sourceIDs: sourceIDs, extendedSize: 6)
        let loss = crossEntropy(logits: logP, targets: [4, 5], ignoreIndex: -1).loss.scalar
        #expect(abs(loss - -(logP.array[4] + logP.array[11])) < 1e-5)
    }

    @Test func minimumRoutesTheGradientToTheSmaller() {
        let a = randomTensor([3, 4], seed: 56), b = randomTensor([3, 4], seed: 57)
        expectGradientsMatchFiniteDifferences([a, b]) { minimum($0[0], $0[1]) }
        #expect(minimum(Tensor([1, 5], shape: [2]), Tensor([3, 2], shape: [2])).array == [1, 2])
    }
}
