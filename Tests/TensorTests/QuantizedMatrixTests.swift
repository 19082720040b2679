import Foundation
import Testing

@testable import Tensor

/// int8 products: exactly the arithmetic of the quantised values, and close to FP32.
@Suite struct QuantizedMatrixTests {
    /// y = sx·sw·Σ qx·qw + bias, computed here in integers from the same quantisation rules
    /// (activations: round half to even, as the kernel's rint; weights: the matrix's own).
    func exactProduct(_ x: Tensor, _ q: QuantizedMatrix, bias: Tensor?) -> [Float] {
        let (m, k, n) = (x.rowCount, q.columns, q.rows)
        let values = q.int8Values, scales = q.rowScales
        var y = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            let row = Array(UnsafeBufferPointer(start: x.pointer + i * k, count: k))
            let largest = row.reduce(0) { max($0, abs($1)) }
            let scale: Float = largest > 0 ? largest / 127 : 1
            let qx = row.map { Int(($0 * (1 / scale)).rounded(.toNearestOrEven)) }
            for j in 0..<n {
                let dot = (0..<k).reduce(0) { $0 + qx[$1] * Int(values[j * k + $1]) }
                y[i * n + j] = scale * scales[j] * Float(dot) + (bias?.pointer[j] ?? 0)
            }
        }
        return y
    }

    @Test(arguments: [(1, 5, 7), (3, 8, 64), (5, 130, 100), (64, 9, 300), (70, 67, 129)])
    func productIsTheQuantisedArithmetic(m: Int, n: Int, k: Int) {
        let x = randomTensor([m, k], seed: 60, in: -2...2), w = randomTensor([n, k], seed: 61, in: -0.5...0.5)
        let bias = randomTensor([n], seed: 62)
        let q = QuantizedMatrix(w)
        let y = q.linear(x, bias: bias)
        #expect(y.shape == [m, n])
        expectClose(y.array, exactProduct(x, q, bias: bias), tolerance: 1e-5, "int8 product")
        // Against FP32: the error of 8-bit weights and activations, a fraction of a percent of
        // the typical output.
        let reference = linear(x, weight: w, bias: bias).array
        let typical = (reference.map { $0 * $0 }.reduce(0, +) / Float(reference.count)).squareRoot()
        let worst = zip(y.array, reference).map { abs($0 - $1) }.max()!
        #expect(worst < 0.03 * typical + 1e-4, "int8 differs from FP32 by \(worst) at typical magnitude \(typical)")
    }

    @Test func quantisedWeightsRoundTripAndLinearUsesThemOnlyOutsideTraining() throws {
        let w = randomTensor([6, 10], seed: 63)
        let q = QuantizedMatrix(w)
        #expect(q.int8Values.allSatisfy { $0 >= -127 && $0 <= 127 } && (q.int8Values.contains(127) || q.int8Values.contains(-127)))
        expectClose(q.dequantized().array, w.array, tolerance: 0.01, "dequantised weights")
        let again = QuantizedMatrix(values: q.int8Values, scales: q.rowScales, rows: 6, columns: 10)
        #expect(again.int8Values == q.int8Values && again.rowScales == q.rowScales)

        let x = randomTensor([2, 10], seed: 64)
        let fp32 = linear(x, weight: w, bias: nil).array
        w.quantized = q
        let int8 = linear(x, weight: w, bias: nil).array
        #expect(int8 == q.linear(x, bias: nil).array && int8 != fp32, "inference uses the int8 form")
        // While a tape records (training), the FP32 weights and their gradients are used.
        w.requiresGrad = true
        let tape = Tape()
        let recorded = tape.record { linear(x, weight: w, bias: nil) }
        #expect(recorded.array == fp32)
    }
}

/// Attention's per-sentence products (a matrix times a vector) take a loop, not BLAS: the
/// same numbers either way.
@Suite struct SmallBatchedProductTests {
    @Test(arguments: [(3, 30, 1), (3, 1, 30), (2, 7, 1), (2, 1, 9), (1, 1, 1)])
    func matchesTheGeneralProduct(batch: Int, m: Int, n: Int) {
        let k = 37
        let a = randomTensor([batch, m, k], seed: 70), b = randomTensor([batch, k, n], seed: 71)
        let fast = batchedMatmul(a, b).array
        // The same product through matmul, one sentence at a time (BLAS).
        let reference = (0..<batch).flatMap { i in
            matmul(a.slice(i..<i + 1).reshaped([m, k]), b.slice(i..<i + 1).reshaped([k, n])).array
        }
        expectClose(fast, reference, tolerance: 1e-5, "batched \(m)×\(k)·\(k)×\(n)")
    }
}

@Suite struct QuantizedRowSelectionTests {
    /// A shortlist's output layer: the chosen rows' int8 values and scales, unchanged, and
    /// their products equal to the full matrix's columns.
    @Test func selectedRowsKeepTheirValuesAndProducts() {
        let w = randomTensor([40, 70], seed: 80)
        let q = QuantizedMatrix(w)
        let ids: [Int32] = [0, 1, 2, 3, 9, 17, 39]
        let selected = q.selectingRows(ids)
        let values = q.int8Values
        #expect(selected.int8Values == ids.flatMap { values[Int($0) * 70..<(Int($0) + 1) * 70] })
        #expect(selected.rowScales == ids.map { q.rowScales[Int($0)] })
        let x = randomTensor([5, 70], seed: 81)
        let full = q.linear(x, bias: nil).array, part = selected.linear(x, bias: nil).array
        for r in 0..<5 {
            for (c, id) in ids.enumerated() { #expect(part[r * ids.count + c] == full[r * 40 + Int(id)]) }
        }
    }
}
