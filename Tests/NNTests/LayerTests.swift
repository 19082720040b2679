import Testing

@testable import NN
@testable import Tensor

func expectNoMismatch(_ mismatches: [GradientMismatch], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(mismatches.isEmpty, "\(mismatches.map(\.description).joined(separator: "; "))", sourceLocation: sourceLocation)
}

/// The parameters of `layer` as the inputs of a gradient check.
func tensors(_ layer: some Layer) -> [Tensor] { layer.parameters.map(\.tensor) }

@Suite struct RecurrentTests {
    static let lengths = [4, 2, 3]  // padded to T = 4

    @Test(arguments: CellKind.allCases, [false, true])
    func sequenceGradients(kind: CellKind, reversed: Bool) {
        var g = RandomGenerator(seed: 1)
        let cell = RecurrentCell(kind: kind, inputSize: 3, hiddenSize: 5, initializer: .uniform(0.5), generator: &g)
        let x = Tensor.random([4, 3, 3], seed: 2)
        expectNoMismatch(checkGradients([x] + tensors(cell)) { inputs in
            let (outputs, final) = cell.run(inputs[0], lengths: Self.lengths, reversed: reversed)
            return concat([outputs.reshaped([-1, 5]), final.hidden] + (final.cell.map { [$0] } ?? []), axis: 0)
        })
    }

    /// A sentence of no tokens keeps its initial state, and gradients reach the initial states
    /// (the run takes sentences longest first: this batch is in another order).
    @Test(arguments: [false, true])
    func emptySentenceAndInitialState(reversed: Bool) {
        var g = RandomGenerator(seed: 12)
        let cell = RecurrentCell(kind: .lstm, inputSize: 3, hiddenSize: 5, initializer: .uniform(0.5), generator: &g)
        let x = Tensor.random([4, 3, 3], seed: 13), h0 = Tensor.random([3, 5], seed: 14), c0 = Tensor.random([3, 5], seed: 15)
        let lengths = [2, 0, 4]
        let (outputs, final) = cell.run(x, lengths: lengths, reversed: reversed, initial: RecurrentState(hidden: h0, cell: c0))
        #expect(Array(final.hidden.array[5..<10]) == Array(h0.array[5..<10]) && Array(final.cell!.array[5..<10]) == Array(c0.array[5..<10]))
        #expect((0..<4).allSatisfy { t in outputs[t].array[5..<10].allSatisfy { $0 == 0 } })
        expectNoMismatch(checkGradients([x, h0, c0] + tensors(cell)) { inputs in
            let (outputs, final) = cell.run(inputs[0], lengths: lengths, reversed: reversed, initial: RecurrentState(hidden: inputs[1], cell: inputs[2]))
            return concat([outputs.reshaped([-1, 5]), final.hidden, final.cell!], axis: 0)
        })
    }

    /// A sentence's outputs and final state are the same alone as inside a padded batch, in
    /// both directions: padding never leaks into a state.
    @Test(arguments: CellKind.allCases)
    func paddingDoesNotLeak(kind: CellKind) {
        var g = RandomGenerator(seed: 3)
        let stack = RecurrentStack(kind: kind, inputSize: 3, hiddenSize: 4, layers: 2, bidirectional: true,
                                   initializer: .uniform(0.5), generator: &g)
        let x = Tensor.random([4, 3, 3], seed: 4)
        var noDropout: RandomGenerator? = nil
        let batch = stack(x, lengths: Self.lengths, generator: &noDropout)
        for (b, length) in Self.lengths.enumerated() {
            let alone = Tensor.zeros([length, 1, 3])
            for t in 0..<length { alone[t].pointer.update(from: x[t].pointer + b * 3, count: 3) }
            let single = stack(alone, lengths: [length], generator: &noDropout)
            for t in 0..<4 {
                let inBatch = Array(batch.outputs[t].array[b * 8..<(b + 1) * 8])
                let expected = t < length ? single.outputs[t].array : [Float](repeating: 0, count: 8)
                #expect(zip(inBatch, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "sentence \(b) step \(t): \(inBatch) vs \(expected)")
            }
            for (l, directions) in batch.finals.enumerated() {
                for (d, state) in directions.enumerated() {
                    let inBatch = Array(state.hidden.array[b * 4..<(b + 1) * 4])
                    #expect(zip(inBatch, single.finals[l][d].hidden.array).allSatisfy { abs($0 - $1) < 1e-6 }, "final state, layer \(l) direction \(d)")
                }
            }
        }
    }

    @Test func stackGradientsWithDropoutAndResidual() {
        var g = RandomGenerator(seed: 5)
        let stack = RecurrentStack(kind: .lstm, inputSize: 3, hiddenSize: 3, layers: 2, bidirectional: false,
                                   dropout: 0.2, residual: true, initializer: .uniform(0.5), generator: &g)
        let x = Tensor.random([3, 2, 3], seed: 6)
        expectNoMismatch(checkGradients([x] + tensors(stack)) { inputs in
            var dropout: RandomGenerator? = RandomGenerator(seed: 7)
            return stack(inputs[0], lengths: [3, 2], generator: &dropout).outputs
        })
    }
}

@Suite struct AttentionTests {
    @Test(arguments: AttentionKind.allCases)
    func gradientsAndMasking(kind: AttentionKind) {
        var g = RandomGenerator(seed: 8)
        let attention = Attention(kind: kind, querySize: 4, memorySize: 4, initializer: .uniform(0.5), generator: &g)
        let memory = Tensor.random([2, 3, 4], seed: 9), query = Tensor.random([2, 4], seed: 10)
        let mask = Tensor([1, 1, 1, 1, 1, 0], shape: [2, 3])  // the second sentence has 2 tokens
        expectNoMismatch(checkGradients([memory, query] + tensors(attention)) { inputs in
            let (context, weights) = attention(query: inputs[1], keys: attention.keys(for: inputs[0]), memory: inputs[0], mask: mask)
            return concat([context, weights], axis: 1)
        })
        let weights = attention(query: query, keys: attention.keys(for: memory), memory: memory, mask: mask).weights.array
        #expect(abs(weights[0..<3].reduce(0, +) - 1) < 1e-6 && abs(weights[3..<6].reduce(0, +) - 1) < 1e-6)
        #expect(weights[5] == 0)
    }
}

@Suite struct EmbeddingTests {
    @Test func paddingRowStaysZeroAndTakesNoGradient() {
        var g = RandomGenerator(seed: 11)
        let embedding = Embedding(vocabularySize: 5, size: 3, paddingIndex: 0, generator: &g)
        #expect(Array(embedding.weight.array[0..<3]) == [0, 0, 0])
        let tape = Tape()
        let y = tape.record { embedding([0, 2, 0, 2]).sum() }
        tape.backward(y)
        #expect(embedding.weight.grad!.array == [0, 0, 0, 0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0])
    }
}
