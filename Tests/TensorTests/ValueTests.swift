import Foundation
import Testing

@testable import Tensor

/// Forward values of ops against numbers computed by hand or in double precision.
@Suite struct ValueTests {
    @Test func matmulOfKnownMatrices() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]), b = Tensor([7, 8, 9, 10, 11, 12], shape: [3, 2])
        #expect(matmul(a, b).array == [58, 64, 139, 154])
        #expect(matmul(a, a, transposeB: true).array == [14, 32, 32, 77])
        #expect(matmul(a, a, transposeA: true).shape == [3, 3])
        #expect(linear(a, weight: Tensor([1, 0, 0, 0, 0, 1], shape: [2, 3]), bias: Tensor([10, 20], shape: [2])).array == [11, 23, 14, 26])
    }

    @Test func vectorisedFunctionsAgreeWithLibm() {
        let xs = stride(from: -20.0 as Float, through: 20, by: 0.0137).map { $0 }
        let x = Tensor(xs, shape: [xs.count])
        let (e, t, s) = (x.exp().array, x.tanh().array, x.sigmoid().array)
        for (i, v) in xs.enumerated() {
            let (de, dt, ds) = (Foundation.exp(Double(v)), Foundation.tanh(Double(v)), 1 / (1 + Foundation.exp(-Double(v))))
            #expect(abs(Double(e[i]) - de) <= 3e-7 * de, "exp(\(v)) = \(e[i]), libm \(de)")
            #expect(abs(Double(t[i]) - dt) <= 3e-7 * max(abs(dt), 1e-30) + 1e-12, "tanh(\(v)) = \(t[i]), libm \(dt)")
            #expect(abs(Double(s[i]) - ds) <= 3e-7 * ds, "σ(\(v)) = \(s[i]), libm \(ds)")
        }
        let tiny = Tensor([1e-6, -3e-5, 0], shape: [3]).tanh().array  // the odd polynomial keeps relative accuracy
        #expect(tiny == [1e-6, -3e-5, 0])
    }

    @Test func maskedSoftmax() {
        let x = Tensor([1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 4])
        let mask = Tensor([1, 1, 0, 0, 0, 0, 0, 0], shape: [2, 4])
        let p = x.softmax(mask: mask).array
        let e = 1 / (1 + Float(Foundation.exp(1.0)))
        expectClose(p, [e, 1 - e, 0, 0, 0, 0, 0, 0], tolerance: 1e-6, "softmax")
        let logp = x.logSoftmax(mask: mask).array
        #expect(logp[2] == -.infinity && logp[4] == -.infinity)
        expectClose(Array(logp[0..<2]), [Foundation.log(e), Foundation.log(1 - e)], tolerance: 1e-6, "log-softmax")
    }

    @Test func crossEntropyWithSmoothingAndPadding() {
        let logits: [Float] = [0.5, -1, 2, 0.1, 3, -2, 0.7, 0.2, 1.5, -0.5, 0, 0.9]
        let targets: [Int32] = [2, 0, 1]  // the middle row is padding (id 0)
        let (loss, tokens) = crossEntropy(logits: Tensor(logits, shape: [3, 4]), targets: targets, labelSmoothing: 0.1)
        var expected = 0.0
        for row in [0, 2] {
            let z = logits[row * 4..<row * 4 + 4].map(Double.init)
            let lse = Foundation.log(z.map { Foundation.exp($0) }.reduce(0, +))
            let nll = lse - z[Int(targets[row])], smooth = lse - z.reduce(0, +) / 4
            expected += 0.9 * nll + 0.1 * smooth
        }
        #expect(tokens == 2)
        #expect(abs(Double(loss.scalar) - expected) < 1e-5)
        let mean = crossEntropy(logits: Tensor(logits, shape: [3, 4]), targets: targets, labelSmoothing: 0.1, reduction: .mean)
        #expect(abs(Double(mean.loss.scalar) - expected / 2) < 1e-5)
    }

    @Test func viewsShareStorageAndGradients() {
        let x = Tensor((0..<12).map(Float.init), shape: [3, 4])
        x.requiresGrad = true
        #expect(x[1].array == [4, 5, 6, 7])
        #expect(x.slice(1..<3).reshaped([-1]).array == (4..<12).map(Float.init))
        let tape = Tape()
        let y = tape.record { (x[2] * 3).sum() }
        tape.backward(y)
        #expect(x.grad!.array == [0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 3])
    }

    @Test func inferenceRecordsNothing() {
        let w = randomTensor([4, 4], seed: 1)
        w.requiresGrad = true
        let y = matmul(w, w).tanh()  // no tape recording
        #expect(!y.requiresGrad)
        let tape = Tape()
        let z = tape.record { Tape.withoutRecording { matmul(w, w) } + matmul(w, w) }
        #expect(tape.count == 2)  // the product and the sum; the paused product is not on the tape
        #expect(z.requiresGrad)
        tape.reset()
        #expect(tape.count == 0)
    }

    @Test func concatSplitAndTransposeValues() {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2]), b = Tensor([5, 6], shape: [2, 1])
        let ab = concat([a, b], axis: 1)
        #expect(ab.array == [1, 2, 5, 3, 4, 6])
        #expect(ab.split(axis: 1, sizes: [2, 1]).map(\.array) == [[1, 2, 3, 4], [5, 6]])
        #expect(ab.transposed().array == [1, 3, 2, 4, 5, 6])
        #expect(stack([a[0], a[1]]).array == a.array)
    }

    @Test func gatherRowsReadsRows() {
        let table = Tensor((0..<6).map(Float.init), shape: [3, 2])
        #expect(table.gatherRows([2, 0, 2]).array == [4, 5, 0, 1, 4, 5])
    }

    @Test func dropoutScalesKeptElementsAndIsSeeded() {
        let x = Tensor.filled([1000], with: 1)
        var g1 = RandomGenerator(seed: 3), g2 = RandomGenerator(seed: 3)
        let y1 = x.dropout(rate: 0.25, generator: &g1).array, y2 = x.dropout(rate: 0.25, generator: &g2).array
        #expect(y1 == y2)
        #expect(Set(y1) == [0, 1 / 0.75])
        let dropped = y1.filter { $0 == 0 }.count
        #expect((200...300).contains(dropped), "dropped \(dropped) of 1000 at rate 0.25")
    }

    @Test func kernelsSplitAcrossThreadsGiveTheSameResult() {
        let x = randomTensor([300, 1000], seed: 2, in: -4...4)  // large enough to be split
        let previous = Engine.threads  // the engine's own chunking only: BLAS keeps its threads
        defer { Engine.threads = previous }
        Engine.threads = 1
        let one = [x.tanh().array, x.softmax().array, (x * x).array]
        Engine.threads = 2
        let two = [x.tanh().array, x.softmax().array, (x * x).array]
        #expect(one == two)
    }
}

/// The few-rows product path against BLAS, with and without bias and accumulation.
@Suite struct SmallProductTests {
    @Test(arguments: [1, 2, 5, 8], [(7, 13), (64, 40), (300, 96)])
    func smallProductsMatchBLAS(rows: Int, shape: (n: Int, k: Int)) {
        let x = Tensor.random([rows, shape.k], seed: 1), w = Tensor.random([shape.n, shape.k], seed: 2), b = Tensor.random([shape.n], seed: 3)
        let y = linear(x, weight: w, bias: b).array
        var expected = [Float](repeating: 0, count: rows * shape.n)
        for i in 0..<rows {
            for j in 0..<shape.n {
                var sum = Double(b.pointer[j])
                for kk in 0..<shape.k { sum += Double(x.pointer[i * shape.k + kk]) * Double(w.pointer[j * shape.k + kk]) }
                expected[i * shape.n + j] = Float(sum)
            }
        }
        expectClose(y, expected, tolerance: 1e-5, "rows \(rows), \(shape)")
        expectGradientsMatchFiniteDifferences([x.copy(), w.copy()]) { linear($0[0], weight: $0[1], bias: nil) }
    }
}
