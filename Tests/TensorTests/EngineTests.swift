import Dispatch
import Foundation
import Testing

@testable import Tensor

/// The random generator, initialisers and buffer pool.
@Suite struct EngineTests {
    @Test func generatorIsSeededAndRestorable() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
        var c = RandomGenerator(state: a.state)
        #expect(a.next() == c.next())
        #expect(RandomGenerator(seed: 1).state != RandomGenerator(seed: 2).state)
    }

    @Test func generatorDistributions() {
        var g = RandomGenerator(seed: 7)
        let n = 100_000
        let uniform = (0..<n).map { _ in Double(g.nextFloat()) }
        let normal = (0..<n).map { _ in Double(g.normal()) }
        let mean = normal.reduce(0, +) / Double(n)
        let variance = normal.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        #expect(uniform.allSatisfy { (0..<1).contains($0) })
        #expect(abs(uniform.reduce(0, +) / Double(n) - 0.5) < 0.005)
        #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.02, "normal mean \(mean), variance \(variance)")
    }

    /// Q·Qᵀ (or Qᵀ·Q) is the identity to float precision.
    func expectOrthonormal(_ q: Tensor, rowsOrthonormal: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        let gram = rowsOrthonormal ? matmul(q, q, transposeB: true) : matmul(q, q, transposeA: true)
        let n = gram.shape[0]
        let worst = (0..<n * n).map { abs(gram.array[$0] - ($0 / n == $0 % n ? 1 : 0)) }.max()!
        #expect(worst < 1e-5, "Gram matrix differs from I by \(worst)", sourceLocation: sourceLocation)
    }

    @Test func orthogonalInitialisation() {
        var g = RandomGenerator(seed: 1)
        expectOrthonormal(Tensor.parameter([6, 10], .orthogonal(), generator: &g), rowsOrthonormal: true)
        expectOrthonormal(Tensor.parameter([40, 8], .orthogonal(), generator: &g), rowsOrthonormal: false)
        let recurrent = Tensor.parameter([4 * 8, 8], .orthogonal(blockRows: 8), generator: &g)  // an LSTM's W_hh
        for gate in 0..<4 { expectOrthonormal(recurrent.slice(gate * 8..<(gate + 1) * 8).copy(), rowsOrthonormal: true) }
    }

    @Test func glorotAndUniformBounds() {
        var g = RandomGenerator(seed: 2)
        let w = Tensor.parameter([30, 50], .glorot, generator: &g)
        let bound = (6.0 / 80.0).squareRoot()
        #expect(w.array.allSatisfy { abs(Double($0)) <= bound })
        #expect(w.array.map { abs(Double($0)) }.max()! > 0.9 * bound)
        #expect(w.requiresGrad)
        #expect(Tensor.parameter([100], .uniform(0.1), generator: &g).array.allSatisfy { abs($0) <= 0.1 })
    }

    @Test func sizeClassesRoundUpByAtMostAQuarter() {
        for n in [1, 64, 65, 100, 1000, 4097, 123_457, 1 << 20] {
            let size = BufferPool.sizeClass(n)
            #expect(size >= n && (n <= 64 || Double(size) <= 1.25 * Double(n) + 1), "size class \(size) for \(n)")
        }
    }

    /// A request whose size class has no free buffer takes a cached one up to twice its size
    /// (so batches of varying shapes share buffers), and no larger.
    @Test func aLargerCachedBufferServesWithinTwice() {
        let pool = BufferPool()
        pool.use {
            _ = Tensor(uninitialized: [1000])  // freed at once into the class of 1024
            let before = pool.systemAllocations
            #expect(pool.cachedBytes == 1024 * 4)
            _ = Tensor(uninitialized: [700])  // class 768: takes the 1024 buffer
            #expect(pool.systemAllocations == before)
            _ = Tensor(uninitialized: [400])  // class 448: 1024 is more than twice, so a new one
            #expect(pool.systemAllocations == before + 1)
        }
        pool.trim()
    }

    /// A recording keeps the values its pullbacks read and no others: an LSTM step's
    /// recurrent product, input projection and gate sum go as soon as the cell has run (their
    /// pullbacks hold only gradient slots); its output stays, since tanh's pullback reads it.
    @Test func recordingKeepsOnlyTheValuesPullbacksRead() {
        var g = RandomGenerator(seed: 5)
        let wIH = Tensor.parameter([16, 3], .glorot, generator: &g), wHH = Tensor.parameter([16, 4], .glorot, generator: &g)
        let bias = Tensor.parameter([16], .uniform(0.1), generator: &g)
        let (x, h0, c0) = (Tensor.random([2, 3], seed: 1), Tensor.random([2, 4], seed: 2), Tensor.random([2, 4], seed: 3))
        weak var projected: Tensor?, recurrent: Tensor?, gates: Tensor?, squashed: Tensor?
        let tape = Tape()
        let loss = tape.record { () -> Tensor in
            let p = linear(x, weight: wIH, bias: bias), r = linear(h0, weight: wHH, bias: nil)
            let sum = p + r
            let t = lstmCell(gates: sum, cell: c0).hidden.tanh()
            (projected, recurrent, gates, squashed) = (p, r, sum, t)
            return (t * 2).sum()
        }
        #expect(projected == nil && recurrent == nil && gates == nil, "values no pullback reads outlive the forward pass")
        #expect(squashed != nil, "tanh's pullback reads its output")
        tape.backward(loss)
        #expect(squashed == nil)
        // The gradients still arrive: W_ih's is dgates·x, nonzero for this input.
        #expect(wIH.grad.map { $0.array.contains { $0 != 0 } } == true)
        #expect(bias.grad != nil && wHH.grad != nil)
    }

    /// Making a large buffer returns cached large ones of at least half its size to the
    /// system (the new one serves their requests), so a batch's logits, whose size class
    /// changes with the batch, leave no idle buffer behind.
    @Test func aNewLargeBufferReplacesSmallerCachedOnes() {
        let pool = BufferPool()
        pool.use {
            _ = Tensor(uninitialized: [300_000])  // class 327,680, cached
            #expect(pool.cachedBytes == BufferPool.sizeClass(300_000) * 4)
            _ = Tensor(uninitialized: [500_000])  // class 524,288: made, and the smaller one freed
            #expect(pool.cachedBytes == BufferPool.sizeClass(500_000) * 4)
            _ = Tensor(uninitialized: [300_000])  // served by the larger buffer, within twice its size
            #expect(pool.systemAllocations == 2)
            _ = Tensor(uninitialized: [1_000])  // small buffers are left alone
            _ = Tensor(uninitialized: [2_000])
            #expect(pool.cachedBytes == (BufferPool.sizeClass(500_000) + 1024 + 2048) * 4)
        }
        pool.trim()
    }

    /// A parameter's gradient, kept for good, takes a buffer of its own size class, never a
    /// larger cached one.
    @Test func aParameterGradientTakesItsOwnSizeClass() {
        let pool = BufferPool()
        pool.use {
            var g = RandomGenerator(seed: 1)
            let parameter = Tensor.parameter([700], .zeros, generator: &g)
            let activation = Tensor(uninitialized: [700])
            _ = Tensor(uninitialized: [1000])  // a 1024 buffer, cached
            let before = pool.systemAllocations
            _ = parameter.gradBuffer  // class 768: not the cached 1024
            #expect(pool.systemAllocations == before + 1 && pool.cachedBytes == 1024 * 4)
            _ = activation.gradBuffer  // an activation's gradient may take it
            #expect(pool.systemAllocations == before + 1 && pool.cachedBytes == 0)
        }
        pool.trim()
    }

    /// When the cross-entropy's pullback is the last reader of the logits, their gradient is
    /// written over them (one N × V buffer fewer); the gradients are the same either way, rows
    /// of padding included.
    @Test func crossEntropyGradientTakesOverTheLogits() {
        var g = RandomGenerator(seed: 4)
        let weight = Tensor.parameter([9, 5], .glorot, generator: &g), x = Tensor.random([4, 5], seed: 8)
        func gradient(keepingLogits: Bool, asView: Bool = false) -> (grad: [Float], allocations: Int) {
            let pool = BufferPool()
            defer { pool.trim() }
            return pool.use {
                weight.releaseGrad()
                var kept: Tensor?
                let tape = Tape()
                let loss = tape.record { () -> Tensor in
                    let product = linear(x, weight: weight, bias: nil)
                    let logits = asView ? product.reshaped([2, 2, 9]).reshaped([4, 9]) : product  // a view: not taken over
                    if keepingLogits { kept = logits }
                    return crossEntropy(logits: logits, targets: [3, 0, 8, 1], ignoreIndex: 0, labelSmoothing: 0.1).loss
                }
                tape.backward(loss)
                withExtendedLifetime(kept) {}
                return (weight.grad!.array, pool.systemAllocations)
            }
        }
        let (donated, kept) = (gradient(keepingLogits: false), gradient(keepingLogits: true))
        #expect(donated.grad == kept.grad)
        #expect(donated.grad.contains { $0 != 0 })
        #expect(donated.allocations == kept.allocations - 1)
        let view = gradient(keepingLogits: false, asView: true)
        #expect(view.grad == kept.grad)
    }

    /// `Workers.run` runs every piece exactly once before it returns: pieces posted back to
    /// back (the helper spinning), after pauses (the helper asleep, to be woken), and from
    /// several threads at once (one gets the helper, the others GCD).
    @Test func workersRunEveryPieceOnce() {
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 8 * 2)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: 16)
        let box = UnsafeSendableBox(counts)
        DispatchQueue.concurrentPerform(iterations: 8) { caller in
            for round in 0..<300 {
                if round % 50 == 0 { usleep(300) }  // longer than the helper spins
                Workers.run(2) { piece in box.value[caller * 2 + piece] += 1 }
            }
        }
        #expect((0..<16).allSatisfy { counts[$0] == 300 }, "pieces run: \((0..<16).map { counts[$0] })")
    }

    /// After a warm-up step, a training step takes every buffer from the pool.
    @Test func trainingStepAllocatesNothingInSteadyState() {
        let pool = BufferPool()
        pool.use {
            var g = RandomGenerator(seed: 3)
            let embedding = Tensor.parameter([50, 16], .uniform(0.1), generator: &g)
            let wIH = Tensor.parameter([64, 16], .glorot, generator: &g), wHH = Tensor.parameter([64, 16], .orthogonal(blockRows: 16), generator: &g)
            let bias = Tensor.parameter([64], .zeros, generator: &g), output = Tensor.parameter([50, 16], .glorot, generator: &g)
            func step() {
                let tape = Tape()
                let loss = tape.record {
                    var (h, c) = (Tensor.zeros([4, 16]), Tensor.zeros([4, 16]))
                    var outputs: [Tensor] = []
                    for t in 0..<6 {
                        let x = embedding.gatherRows((0..<4).map { Int32((t * 7 + $0) % 50) })
                        (h, c) = lstmCell(gates: linear(x, weight: wIH, bias: bias) + linear(h, weight: wHH, bias: nil), cell: c)
                        outputs.append(h)
                    }
                    let logits = linear(stack(outputs).reshaped([-1, 16]), weight: output, bias: nil)
                    return crossEntropy(logits: logits.logSoftmax(), targets: (0..<24).map { Int32($0 % 50) }).loss
                }
                tape.backward(loss)
            }
            step()
            step()
            let warm = pool.systemAllocations
            for _ in 0..<3 { step() }
            #expect(pool.systemAllocations == warm, "steady-state steps allocated \(pool.systemAllocations - warm) new buffers")
            #expect(warm > 0)
        }
    }
}
