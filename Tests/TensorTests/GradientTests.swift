import Testing

@testable import Tensor

/// Every op's pullback against finite differences.
@Suite struct GradientTests {
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matmulGradients(transposeA: Bool, transposeB: Bool) {
        let a = randomTensor(transposeA ? [4, 3] : [3, 4], seed: 1)
        let b = randomTensor(transposeB ? [5, 4] : [4, 5], seed: 2)
        expectGradientsMatchFiniteDifferences([a, b]) { matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) }
    }

    @Test func matmulOfSequenceGradients() {
        let x = randomTensor([2, 3, 4], seed: 3), w = randomTensor([4, 5], seed: 4)
        expectGradientsMatchFiniteDifferences([x, w]) { matmul($0[0], $0[1]) }
    }

    @Test func linearWithAndWithoutBias() {
        let x = randomTensor([2, 3, 4], seed: 5), w = randomTensor([6, 4], seed: 6), b = randomTensor([6], seed: 7)
        expectGradientsMatchFiniteDifferences([x, w, b]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        expectGradientsMatchFiniteDifferences([x, w]) { linear($0[0], weight: $0[1], bias: nil) }
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func batchedMatmulGradients(transposeA: Bool, transposeB: Bool) {
        let a = randomTensor(transposeA ? [2, 4, 3] : [2, 3, 4], seed: 8)
        let b = randomTensor(transposeB ? [2, 5, 4] : [2, 4, 5], seed: 9)
        expectGradientsMatchFiniteDifferences([a, b]) { batchedMatmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) }
    }

    @Test(arguments: [[3, 4], [4], [3, 1]])
    func addSubtractMultiply(rightShape: [Int]) {
        let a = randomTensor([3, 4], seed: 10), b = randomTensor(rightShape, seed: 11)
        expectGradientsMatchFiniteDifferences([a, b]) { $0[0] + $0[1] }
        expectGradientsMatchFiniteDifferences([a, b]) { $0[0] - $0[1] }
        expectGradientsMatchFiniteDifferences([a, b]) { $0[0] * $0[1] }
    }

    @Test func addBroadcastOverTheMiddleAxis() {
        let keys = randomTensor([2, 3, 4], seed: 42), query = randomTensor([2, 1, 4], seed: 43)
        expectGradientsMatchFiniteDifferences([keys, query]) { $0[0] + $0[1] }
    }

    @Test func scaleAndNegate() {
        let x = randomTensor([3, 4], seed: 12)
        expectGradientsMatchFiniteDifferences([x]) { $0[0] * 2.5 }
        expectGradientsMatchFiniteDifferences([x]) { -$0[0] }
    }

    @Test func elementwiseFunctions() {
        let x = randomTensor([5, 7], seed: 13, in: -3...3)
        expectGradientsMatchFiniteDifferences([x]) { $0[0].sigmoid() }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].tanh() }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].exp() }
        let positive = randomTensor([5, 7], seed: 14, in: 0.5...3)
        expectGradientsMatchFiniteDifferences([positive]) { $0[0].log() }
        // ReLU: keep inputs away from the kink at 0, where finite differences straddle it.
        let away = Tensor(randomTensor([5, 7], seed: 15).array.map { $0 < 0 ? $0 - 0.1 : $0 + 0.1 }, shape: [5, 7])
        expectGradientsMatchFiniteDifferences([away]) { $0[0].relu() }
    }

    @Test func softmaxAndLogSoftmax() {
        let x = randomTensor([4, 6], seed: 16, in: -2...2)
        let mask = Tensor((0..<24).map { $0 % 6 < 4 - $0 / 6 ? 1 : 0 }, shape: [4, 6])  // row r keeps 4 − r positions
        expectGradientsMatchFiniteDifferences([x]) { $0[0].softmax() }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].softmax(mask: mask) }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].logSoftmax() }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].logSoftmax(mask: mask) }
    }

    @Test func softmaxOverWideRows() {  // rows wider than a vector, with a tail
        let x = randomTensor([3, 37], seed: 17, in: -2...2)
        expectGradientsMatchFiniteDifferences([x]) { $0[0].softmax() }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].logSoftmax() }
    }

    @Test func sumAndMean() {
        let x = randomTensor([3, 5], seed: 18)
        expectGradientsMatchFiniteDifferences([x]) { $0[0].sum() }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].mean() }
    }

    @Test func viewsSlicesAndReshapes() {
        let x = randomTensor([4, 3, 5], seed: 19)
        expectGradientsMatchFiniteDifferences([x]) { $0[0][2] * $0[0][1] }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].slice(1..<3).reshaped([2, 15]) }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].slice(axis: 1, 1..<3) }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].slice(axis: -1, 2..<5) }
        expectGradientsMatchFiniteDifferences([x]) { concat($0[0].split(axis: 2, sizes: [1, 4]).reversed(), axis: 2) }
    }

    @Test(arguments: [0, 1, 2])
    func concatenation(axis: Int) {
        var shapeB = [2, 3, 4]
        shapeB[axis] = 5
        let a = randomTensor([2, 3, 4], seed: 20), b = randomTensor(shapeB, seed: 21)
        expectGradientsMatchFiniteDifferences([a, b]) { concat([$0[0], $0[1], $0[0]], axis: axis) }
    }

    @Test func stackAndTranspose() {
        let a = randomTensor([3, 4], seed: 22), b = randomTensor([3, 4], seed: 23)
        expectGradientsMatchFiniteDifferences([a, b]) { stack([$0[0], $0[1]]) }
        expectGradientsMatchFiniteDifferences([a]) { $0[0].transposed() }
        let sequence = randomTensor([5, 3, 2], seed: 24)
        expectGradientsMatchFiniteDifferences([sequence]) { $0[0].transposed() }
        let big = randomTensor([40, 33], seed: 25)  // more than one 32 × 32 tile
        expectGradientsMatchFiniteDifferences([big]) { $0[0].transposed() }
    }

    @Test func gatherRowsWithRepeatedIds() {
        let table = randomTensor([6, 4], seed: 26)
        expectGradientsMatchFiniteDifferences([table]) { $0[0].gatherRows([3, 0, 3, 5, 3]) }
    }

    @Test func dropoutWithAFixedSeed() {
        let x = randomTensor([8, 16], seed: 27)
        expectGradientsMatchFiniteDifferences([x]) { inputs in
            var generator = RandomGenerator(seed: 5)
            return inputs[0].dropout(rate: 0.3, generator: &generator)
        }
    }

    @Test func lstmCellGradients() {
        let gates = randomTensor([3, 4 * 5], seed: 28, in: -2...2), cell = randomTensor([3, 5], seed: 29)
        expectGradientsMatchFiniteDifferences([gates, cell]) { inputs in
            let (h, c) = lstmCell(gates: inputs[0], cell: inputs[1])
            return concat([h, c], axis: 1)
        }
        // Only h used downstream (c's gradient absent), and a hidden size with a vector tail.
        let wide = randomTensor([2, 4 * 11], seed: 30, in: -2...2), cell11 = randomTensor([2, 11], seed: 31)
        expectGradientsMatchFiniteDifferences([wide, cell11]) { lstmCell(gates: $0[0], cell: $0[1]).hidden }
    }

    @Test func gruCellGradients() {
        let gi = randomTensor([3, 3 * 5], seed: 32, in: -2...2), gh = randomTensor([3, 3 * 5], seed: 33, in: -2...2)
        let h = randomTensor([3, 5], seed: 34)
        expectGradientsMatchFiniteDifferences([gi, gh, h]) { gruCell(inputGates: $0[0], hiddenGates: $0[1], hidden: $0[2]) }
    }

    @Test(arguments: [(Float(0), Reduction.sum), (0.1, .sum), (0.2, .mean)])
    func crossEntropyGradients(smoothing: Float, reduction: Reduction) {
        let logits = randomTensor([5, 11], seed: 35, in: -3...3)
        expectGradientsMatchFiniteDifferences([logits]) {
            crossEntropy(logits: $0[0], targets: [4, 0, 10, 1, 7], ignoreIndex: 0,
                                labelSmoothing: smoothing, reduction: reduction).loss
        }
    }

    @Test func compositionReusesATensor() {  // x feeds several ops: gradients must add up
        let x = randomTensor([3, 4], seed: 36), w = randomTensor([4, 4], seed: 37)
        expectGradientsMatchFiniteDifferences([x, w]) { inputs in
            let h = matmul(inputs[0], inputs[1]).tanh()
            return (h * inputs[0] + h.sigmoid()).softmax()
        }
    }
}

@Suite struct SelectGradientTests {
    @Test func rowsWhereRoutesGradients() {
        let a = randomTensor([4, 3], seed: 40), b = randomTensor([4, 3], seed: 41)
        expectGradientsMatchFiniteDifferences([a, b]) { rowsWhere([true, false, false, true], then: $0[0], else: $0[1]) }
        #expect(rowsWhere([false, true], then: Tensor([1, 2], shape: [2, 1]), else: Tensor([3, 4], shape: [2, 1])).array == [3, 2])
    }
}
