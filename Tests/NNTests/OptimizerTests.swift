import Foundation
import Testing

@testable import NN
@testable import Tensor

@Suite struct OptimizerTests {
    /// A parameter with a given value and gradient.
    func parameter(_ values: [Float], gradient: [Float]) -> Tensor {
        let p = Tensor(values, shape: [values.count])
        p.requiresGrad = true
        let tape = Tape()
        let y = tape.record { (p * Tensor(gradient, shape: [gradient.count])).sum() }
        tape.backward(y)
        return p
    }

    /// A step writes the parameters, so decoding's packed forms of them go (`valuesWritten`).
    @Test func aStepDropsPackedForms() {
        var g = RandomGenerator(seed: 2)
        let (w, v) = (Tensor.parameter([4, 3], .uniform(0.5), generator: &g), Tensor.parameter([4, 3], .uniform(0.5), generator: &g))
        for (optimizer, p) in [(SGD(parameters: [("w", w)]) as any Optimizer, w), (Adam(parameters: [("v", v)]), v)] {
            p.packed = PackedMatrix(p)
            p.gradBuffer[0] = 1
            optimizer.step(learningRate: 0.1)
            #expect(p.packed == nil)
        }
    }

    @Test func adamMatchesItsFormula() {
        let p = parameter([1, -2], gradient: [0.5, -0.1])
        let adam = Adam(parameters: [("p", p)], weightDecay: 0.01)
        adam.step(learningRate: 0.1)
        // Step 1: m̂ = g, v̂ = g², so the update is lr·(g/(|g| + ε) + wd·w).
        let expected: [Float] = [1 - 0.1 * (0.5 / (0.5 + 1e-8) + 0.01 * 1), -2 - 0.1 * (-0.1 / (0.1 + 1e-8) + 0.01 * -2)]
        #expect(zip(p.array, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(p.array) vs \(expected)")
        #expect(p.grad!.array == [0, 0])  // zeroed after the step
        #expect(adam.stepCount == 1 && adam.state.map(\.name) == ["m.p", "v.p"])
    }

    @Test func sgdWithMomentum() {
        let p = parameter([1], gradient: [2])
        let sgd = SGD(parameters: [("p", p)], momentum: 0.9)
        sgd.step(learningRate: 0.1)  // buf = 2, w = 1 − 0.2
        p.grad!.pointer[0] = 2
        sgd.step(learningRate: 0.1)  // buf = 0.9·2 + 2 = 3.8, w = 0.8 − 0.38
        #expect(abs(p.scalar - 0.42) < 1e-6)
    }

    @Test func restoringStateContinuesExactly() throws {
        let a = parameter([1, 2, 3], gradient: [0.3, -0.2, 0.1]), b = parameter([1, 2, 3], gradient: [0.3, -0.2, 0.1])
        let first = Adam(parameters: [("w", a)])
        first.step(learningRate: 0.01)
        let second = Adam(parameters: [("w", b)])
        b.pointer.update(from: a.pointer, count: 3)
        b.zeroGrad()  // as after the first optimiser's step
        try second.restore(state: Dictionary(uniqueKeysWithValues: first.state.map { ($0.name, $0.tensor.copy()) }), stepCount: 1)
        for optimizer in [first, second] {
            let p = optimizer.parameters[0].tensor
            let tape = Tape()
            let y = tape.record { (p * p).sum() }
            tape.backward(y)
            optimizer.step(learningRate: 0.01)
        }
        #expect(a.array == b.array)
        #expect(throws: OptimizerStateError.self) { try second.restore(state: [:], stepCount: 1) }
    }

    @Test func clippingScalesToTheMaximumNorm() {
        let p = parameter([0, 0], gradient: [3, 4])
        #expect(clipGradientNorm([p], maxNorm: 1) == 5)
        #expect(zip(p.grad!.array, [0.6, 0.8]).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(abs(clipGradientNorm([p], maxNorm: 10) - 1) < 1e-5)  // under the limit: untouched
    }

    /// An embedding table's gradient held by rows (`RowGradient`) is clipped and updated to
    /// exactly the numbers of the same gradient as one buffer: rows not reached still move
    /// (Adam's moments decay, weight decay applies).
    @Test func adamAndClippingOnRowsMatchTheDenseGradient() {
        var g = RandomGenerator(seed: 8)
        let byRows = Tensor.parameter([7, 20], .uniform(0.5), generator: &g)  // 20: not a multiple of the vector width
        let dense = byRows.copy()
        (dense.requiresGrad, dense.isParameter) = (true, true)
        let (first, second) = (Adam(parameters: [("e", byRows)], weightDecay: 0.01), Adam(parameters: [("e", dense)], weightDecay: 0.01))
        for (step, ids) in [[1, 3, 1], [0, 6], [3, 3, 5]].map({ $0.map(Int32.init) }).enumerated() {
            var norms: [Float] = []
            for (p, optimizer) in [(byRows, first), (dense, second)] {
                let tape = Tape()
                let y = tape.record { (p.gatherRows(ids) * Tensor.random([ids.count, 20], seed: UInt64(step), in: -3...3)).sum() }
                tape.backward(y)
                if p === dense { _ = p.grad }  // one buffer from here on
                #expect((p.gradientRows != nil) == (p === byRows))
                norms.append(clipGradientNorm([p], maxNorm: 2))
                optimizer.step(learningRate: 0.1)
            }
            #expect(abs(norms[0] - norms[1]) <= 1e-5 * norms[1] && norms[1] > 2, "step \(step): norms \(norms)")
            #expect(byRows.array == dense.array, "step \(step)")
        }
        #expect(byRows.gradientRows == nil && byRows.grad == nil)  // the step let the rows go
    }

    @Test func schedules() {
        let warm = LearningRateScheduler(base: 1, schedule: .constant, warmupSteps: 4)
        #expect([1, 2, 4, 10].map { warm.rate(step: $0) } == [0.25, 0.5, 1, 1])
        let steps = LearningRateScheduler(base: 1, schedule: .stepDecay(every: 10, factor: 0.5))
        #expect([9, 10, 25].map { steps.rate(step: $0) } == [1, 0.5, 0.25])
        var plateau = LearningRateScheduler(base: 1, schedule: .reduceOnPlateau(factor: 0.5, patience: 1, minimum: 0.2))
        for loss in [3.0, 2.0, 2.5, 2.4] { plateau.observe(validationLoss: loss) }  // two without improvement > patience 1
        #expect(plateau.rate(step: 100) == 0.5)
        for loss in [2.2, 2.1, 2.3, 2.3, 2.3, 2.3] { plateau.observe(validationLoss: loss) }
        #expect(plateau.rate(step: 200) == 0.2)  // floored at the minimum
    }
}
