import Testing

@testable import Tensor

/// FP32 products with a weight packed once: the same numbers as BLAS's, for every tile shape.
@Suite struct PackedMatrixTests {
    /// Rows 1–8 and beyond (tiles of 8 and their remainders), outputs in whole and partial
    /// blocks of 16 and 32, odd depths; with and without bias; split across threads or not.
    @Test(arguments: [(1, 5, 7), (5, 16, 64), (8, 33, 13), (9, 130, 100), (64, 47, 300), (70, 512, 129)])
    func productMatchesBLAS(m: Int, n: Int, k: Int) {
        let x = randomTensor([m, k], seed: 70, in: -2...2), w = randomTensor([n, k], seed: 71, in: -0.5...0.5)
        let bias = randomTensor([n], seed: 72)
        let packed = PackedMatrix(w)
        for b in [bias, nil] {
            let y = packed.linear(x, bias: b)
            #expect(y.shape == [m, n])
            // Only the order of the sums differs from BLAS's.
            expectClose(y.array, linear(x, weight: w, bias: b).array, tolerance: 2e-5 * Float(k).squareRoot(), "packed product")
        }
    }

    /// The layout: weight (r, c) sits in its block of 16 rows, with the 16 rows' weights of
    /// input c together; rows past N are zero.
    @Test func layout() {
        let w = Tensor((0..<(18 * 3)).map(Float.init), shape: [18, 3])
        let packed = PackedMatrix(w)
        #expect(packed.panels[0] == 0 && packed.panels[1] == 3 && packed.panels[16] == 1)  // (0,0), (1,0), (0,1)
        #expect(packed.panels[3 * 16] == w.pointer[16 * 3])  // block 1 starts with row 16, input 0
        #expect(packed.panels[3 * 16 + 2] == 0)  // row 18 does not exist
    }

    /// `linear` uses the packed form while nothing records, until the values are written
    /// (`valuesWritten`, as an optimiser step or a load calls it).
    @Test func linearUsesThePackingUntilValuesAreWritten() {
        var g = RandomGenerator(seed: 5)
        let w = Tensor.parameter([20, 6], .uniform(0.5), generator: &g), x = randomTensor([3, 6], seed: 6)
        let before = matmul(x, w, transposeB: true).array
        w.packed = PackedMatrix(w)
        w.pointer[0] += 1  // written without saying so: the packing still holds the old values
        expectClose(linear(x, weight: w, bias: nil).array, before, "packed")
        let tape = Tape()
        let recorded = tape.record { linear(x, weight: w, bias: nil) }  // training reads the values
        expectClose(recorded.array, matmul(x, w, transposeB: true).array, "recorded")
        w.valuesWritten()
        #expect(w.packed == nil)
        expectClose(linear(x, weight: w, bias: nil).array, matmul(x, w, transposeB: true).array, "after valuesWritten")
    }

    /// Wᵀ packed (`transposed`, as a backward pass packs it for dX = dY·W): x·W for W (K, N)
    /// stored as it is.
    @Test(arguments: [(1, 5, 7), (8, 33, 13), (64, 47, 300), (70, 130, 100)])
    func transposedPackingMatchesBLAS(m: Int, n: Int, k: Int) {
        let x = randomTensor([m, k], seed: 73, in: -2...2), w = randomTensor([k, n], seed: 74, in: -0.5...0.5)
        let y = PackedMatrix(w, transposed: true).linear(x, bias: nil)
        #expect(y.shape == [m, n])
        expectClose(y.array, matmul(x, w).array, tolerance: 2e-5 * Float(k).squareRoot(), "x·W packed as Wᵀ")
    }

    /// In training, a recurrent loop's products (`Tape.packingWeights`) run on the weight
    /// packed (`StepPacks`: W forward, Wᵀ for dX): outputs and gradients are the unpacked
    /// products' (`matmul` never packs). W's packing goes when the loop ends, Wᵀ's when backward
    /// has gone back through it; the next step packs the new values.
    @Test func stepPackedProductsMatchUnpacked() {
        var g = RandomGenerator(seed: 9)
        let w = Tensor.parameter([40, 24], .uniform(0.5), generator: &g)
        let upstream = (0..<3).map { randomTensor([5, 40], seed: 90 + UInt64($0)) }
        for step in 0..<2 {
            let xs = (0..<3).map { i in
                let x = randomTensor([5, 24], seed: 80 + UInt64(i))
                x.requiresGrad = true
                return x
            }
            func pass(packed: Bool) -> (outputs: [[Float]], dx: [[Float]], dw: [Float]) {
                w.zeroGrad()
                xs.forEach { $0.zeroGrad() }
                let tape = Tape()
                let ys = tape.record {
                    Tape.packingWeights { () -> [Tensor] in
                        let ys = xs.map { packed ? linear($0, weight: w, bias: nil) : matmul($0, w, transposeB: true) }
                        if packed && PackedMatrix.hasFastKernels { #expect(w.stepPacks?.packing != nil, "packed inside the loop") }
                        return ys
                    }
                }
                #expect(w.stepPacks?.packing == nil, "W's packing released when the loop ends")
                let all = tape.record { concat(ys, axis: 0) }
                tape.backward(all, gradient: concat(upstream, axis: 0))
                #expect(w.stepPacks?.packing == nil, "Wᵀ's packing released when backward ends")
                return (ys.map(\.array), xs.map { $0.grad!.array }, w.grad!.array)
            }
            let packed = pass(packed: true)
            let plain = pass(packed: false)
            for i in 0..<3 {
                expectClose(packed.outputs[i], plain.outputs[i], "step \(step), product \(i)")
                expectClose(packed.dx[i], plain.dx[i], "step \(step), dx \(i)")
            }
            expectClose(packed.dw, plain.dw, "step \(step), dW")
            w.pointer[3] += 0.25  // as an optimiser step writes the values
        }
    }

    /// A loop's weight gradient gathers its steps' dY and x rows and multiplies them together,
    /// `StepPacks.gradientRows` rows at a time: with more rows than that, of steps of varying
    /// size (sentences leave a batch), dW is still the sum over every step, and nothing is left
    /// gathered once backward has gone back through the loop.
    @Test func gatheredWeightGradientsSumEveryStep() {
        var g = RandomGenerator(seed: 10)
        let w = Tensor.parameter([48, 20], .uniform(0.5), generator: &g)
        let rows = [64, 64, 64, 50, 40, 64, 7]
        #expect(rows.reduce(0, +) > StepPacks.gradientRows, "more rows than one gathering holds")
        let xs = rows.enumerated().map { i, r in randomTensor([r, 20], seed: 100 + UInt64(i)) }
        let upstream = rows.enumerated().map { i, r in randomTensor([r, 48], seed: 200 + UInt64(i)) }
        func dW(packed: Bool) -> [Float] {
            w.zeroGrad()
            let tape = Tape()
            let ys = tape.record {
                Tape.packingWeights { xs.map { packed ? linear($0, weight: w, bias: nil) : matmul($0, w, transposeB: true) } }
            }
            let all = tape.record { concat(ys, axis: 0) }
            tape.backward(all, gradient: concat(upstream, axis: 0))
            #expect(w.stepPacks?.pending == nil, "nothing left gathered after backward")
            return w.grad!.array
        }
        // Σ over steps of dYᵀ·x, summed here in double precision.
        var expected = [Double](repeating: 0, count: 48 * 20)
        for (x, dy) in zip(xs, upstream) {
            let (xv, dyv) = (x.array, dy.array)
            for r in 0..<x.shape[0] {
                for o in 0..<48 { for i in 0..<20 { expected[o * 20 + i] += Double(dyv[r * 48 + o]) * Double(xv[r * 20 + i]) } }
            }
        }
        expectClose(dW(packed: true), expected.map { Float($0) }, tolerance: 1e-5, "dW gathered")
        expectClose(dW(packed: false), expected.map { Float($0) }, tolerance: 1e-5, "dW step by step")
    }

    /// A loop's weights listed in `Tape.packingWeights(sharing:)` are packed into one pool
    /// buffer (W's for the loop, Wᵀ's for backward), each at its own place: the outputs and
    /// gradients are those of weights packed each in its own buffer, to the bit.
    @Test func sharedPackingsMatchPackingsOfTheirOwn() {
        var g = RandomGenerator(seed: 12)
        let (w1, w2) = (Tensor.parameter([40, 24], .uniform(0.5), generator: &g), Tensor.parameter([17, 40], .uniform(0.5), generator: &g))
        let xs = (0..<3).map { randomTensor([5, 24], seed: 120 + UInt64($0)) }
        xs.forEach { $0.requiresGrad = true }
        let upstream = randomTensor([15, 17], seed: 123)
        func pass(sharing: Bool) -> [[Float]] {
            ([w1, w2] + xs).forEach { $0.zeroGrad() }
            let tape = Tape()
            let ys = tape.record {
                Tape.packingWeights(sharing: sharing ? [w1, w2, w1] : []) { () -> [Tensor] in
                    let ys = xs.map { linear(linear($0, weight: w1, bias: nil).tanh(), weight: w2, bias: nil) }
                    if PackedMatrix.hasFastKernels {
                        let (p1, p2) = (w1.stepPacks?.packing?.storage, w2.stepPacks?.packing?.storage)
                        #expect(p1 != nil && p2 != nil && (p1 === p2) == sharing, "one buffer for both exactly when shared")
                    }
                    return ys
                }
            }
            let all = tape.record { concat(ys, axis: 0) }
            tape.backward(all, gradient: upstream)
            #expect(w1.stepPacks?.packing == nil && w2.stepPacks?.packing == nil, "packings released when backward ends")
            return [all.array, w1.grad!.array, w2.grad!.array] + xs.map { $0.grad!.array }
        }
        let (shared, own) = (pass(sharing: true), pass(sharing: false))
        for (i, what) in ["outputs", "dW1", "dW2", "dx 0", "dx 1", "dx 2"].enumerated() { #expect(shared[i] == own[i], "\(what)") }
    }

    /// `linear(concatenating:)` inside a loop (its concatenation made for the forward product
    /// only; backward reads the parts) gives `linear(concat(parts))`'s outputs and gradients:
    /// each part's, the weight's and the bias's.
    @Test func linearOfPartsMatchesLinearOfConcatenation() {
        var g = RandomGenerator(seed: 11)
        let w = Tensor.parameter([40, 36], .uniform(0.5), generator: &g)
        let b = Tensor.parameter([40], .uniform(0.5), generator: &g)
        let parts = [randomTensor([6, 16], seed: 110), randomTensor([6, 4], seed: 111), randomTensor([6, 16], seed: 112)]
        parts.forEach { $0.requiresGrad = true }
        let upstream = randomTensor([6, 40], seed: 113)
        func pass(ofParts: Bool) -> [[Float]] {
            ([w, b] + parts).forEach { $0.zeroGrad() }
            let tape = Tape()
            let y = tape.record {
                Tape.packingWeights {
                    ofParts ? linear(concatenating: parts, weight: w, bias: b) : linear(concat(parts, axis: 1), weight: w, bias: b)
                }
            }
            tape.backward(y, gradient: upstream)
            return [y.array, w.grad!.array, b.grad!.array] + parts.map { $0.grad!.array }
        }
        let (ofParts, whole) = (pass(ofParts: true), pass(ofParts: false))
        for (i, what) in ["output", "dW", "dbias", "dpart 0", "dpart 1", "dpart 2"].enumerated() {
            expectClose(ofParts[i], whole[i], what)
        }
    }
}
