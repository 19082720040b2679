import Testing

@testable import Tensor

/// An embedding table's gradient held by the rows its lookups reached (`RowGradient`).
@Suite struct RowGradientTests {
    /// A 6 × 4 parameter table (parameters' lookups keep their gradients by rows).
    func table(seed: UInt64) -> Tensor {
        let t = randomTensor([6, 4], seed: seed)
        (t.requiresGrad, t.isParameter) = (true, true)
        return t
    }

    @Test func holdsTheRowsReachedAndBecomesDenseWhenAsked() {
        let weight = table(seed: 1)
        let upstream = randomTensor([5, 4], seed: 2)
        let tape = Tape()
        let y = tape.record { weight.gatherRows([3, 0, 3, 5, 3], paddingIndex: 0) }
        tape.backward(y, gradient: upstream)

        let rows = try! #require(weight.gradientRows)
        #expect(rows.ids == [3, 5])  // first reached first; the padding id takes nothing
        #expect(rows.row(1) == nil && rows.row(0) == nil)
        let u = upstream.array
        let three: [Float] = (0..<4).map { (i: Int) -> Float in u[i] + u[8 + i] + u[16 + i] }
        let five = Array(u[12..<16])
        #expect(Array(UnsafeBufferPointer(start: rows.row(3), count: 4)) == three)
        #expect(Array(UnsafeBufferPointer(start: rows.row(5), count: 4)) == five)
        #expect(rows.values.count == 8)

        // Asked for as one buffer, it becomes one, and stays one.
        var dense = [Float](repeating: 0, count: 24)
        dense.replaceSubrange(12..<16, with: three)
        dense.replaceSubrange(20..<24, with: five)
        #expect(weight.grad!.array == dense)
        #expect(weight.gradientRows == nil)
        weight.zeroGrad()
        #expect(weight.grad!.array == [Float](repeating: 0, count: 24))
    }

    @Test func accumulatesOverBackwardPassesUntilZeroed() {
        let weight = table(seed: 3)
        for ids: [Int32] in [[0, 0], [1, 2], [2, 4]] {  // the first: padding only, no rows
            let tape = Tape()
            let y = tape.record { weight.gatherRows(ids, paddingIndex: 0) }
            tape.backward(y, gradient: Tensor.filled([2, 4], with: 1))
        }
        let rows = try! #require(weight.gradientRows)
        #expect(rows.ids == [1, 2, 4])
        #expect(Array(UnsafeBufferPointer(start: rows.row(2), count: 4)) == [2, 2, 2, 2])
        weight.zeroGrad()
        #expect(weight.gradientRows == nil && weight.grad == nil)
    }

    @Test func matchesFiniteDifferences() {
        let weight = table(seed: 4)
        expectGradientsMatchFiniteDifferences([weight]) { $0[0].gatherRows([3, 0, 3, 5, 3]) }
    }

    /// A table that is also a weight matrix (a tied output layer): whichever pullback runs
    /// first, the gradient is the sum of both.
    @Test func aTiedTableGetsBothGradients() {
        let x = randomTensor([3, 4], seed: 5)
        // The lookup recorded last: backward reaches it first (rows), then the product's
        // pullback makes the gradient one buffer holding them.
        expectGradientsMatchFiniteDifferences([table(seed: 6)]) { inputs in
            let logits = linear(x, weight: inputs[0], bias: nil)  // (3, 6)
            return concat([logits, inputs[0].gatherRows([2, 2, 5])], axis: 1)
        }
        // The lookup feeding the product: the product's pullback makes the gradient one
        // buffer first, and the lookup adds into it.
        expectGradientsMatchFiniteDifferences([table(seed: 7)]) { inputs in
            linear(inputs[0].gatherRows([1, 4, 1]), weight: inputs[0], bias: nil)
        }
    }
}
