import Tensor

extension RecurrentCell {
    /// Runs the cell over a padded, time-major sequence.
    ///
    /// Each sentence's state advances only over its own tokens: at step t a sentence of
    /// length L ≤ t keeps its state, and its output there is zero. Run `reversed`, a
    /// sentence's pass starts at its last real token, never at padding.
    ///
    /// Padding costs nothing (as PyTorch's packed sequences): the sentences are taken longest
    /// first, so that those still running at a step are a prefix of the batch, and only their
    /// rows are projected and stepped.
    ///
    /// - Parameters:
    ///   - input: (T, B, I).
    ///   - lengths: B lengths, each ≤ T.
    ///   - initial: the starting state; zero when nil.
    /// - Returns: the outputs (T, B, H), and each sentence's final state (B, H): after its
    ///   last token forwards, after its first token when `reversed`.
    public func run(_ input: Tensor, lengths: [Int], reversed: Bool = false, initial: RecurrentState? = nil)
        -> (outputs: Tensor, final: RecurrentState)
    {
        precondition(input.rank == 3 && input.shape[2] == inputSize, "recurrent input \(input.shape) for input size \(inputSize): need (T, B, \(inputSize))")
        let (steps, batch) = (input.shape[0], input.shape[1])
        precondition(lengths.count == batch && lengths.allSatisfy { (0...steps).contains($0) },
                     "\(lengths.count) lengths (each at most \(steps)) for a batch of \(batch)")
        let packing = SequencePacking(lengths: lengths, steps: steps)
        // (N, G·H): the input side of every real step at once, N = Σ lengths, step t's rows first.
        let projected = projectInput(input.reshaped([steps * batch, inputSize]).gatherRows(packing.inputRows))
        let start = packing.sorted(initial ?? zeroState(batch: batch))  // (B, H), longest sentence first
        var state = reversed ? start.prefix(0) : start
        var finished: [RecurrentState] = []  // forwards: the rows that stopped, latest first
        var outputs = [Tensor](repeating: Tensor.zeros([0, hiddenSize]), count: steps)
        Tape.packingWeights {  // one product with W_hh a step: packed once for the loop
            for t in reversed ? Array((0..<steps).reversed()) : Array(0..<steps) {
                let active = packing.running[t]
                let rows = state.hidden.shape[0]
                if active < rows {  // forwards, sentences end: their states are final
                    finished.append(state.rows(active..<rows))
                    state = state.prefix(active)
                } else if active > rows {  // backwards, sentences begin, from their initial state
                    state = RecurrentState.joined([state, start.rows(rows..<active)])
                }
                guard active > 0 else { continue }
                let offset = packing.offsets[t]
                state = step(projected: projected.slice(offset..<offset + active), state: state)
                outputs[t] = state.hidden  // (n_t, H)
            }
        }
        let final = reversed
            ? RecurrentState.joined([state, start.rows(state.hidden.shape[0]..<batch)])
            : RecurrentState.joined([state] + finished.reversed())
        // Outputs back in the batch's order and shape, zeros at padding.
        let packed = concat(outputs.filter { $0.shape[0] > 0 } + [Tensor.zeros([1, hiddenSize])], axis: 0)  // (N + 1, H)
        return (packed.gatherRows(packing.outputRows).reshaped([steps, batch, hiddenSize]), packing.unsorted(final))
    }
}

/// Where each real step of a padded batch goes when the sentences are taken longest first.
struct SequencePacking {
    /// The batch's sentences, longest first (ties in batch order).
    let order: [Int32]
    /// Sentences still running at step t: with `order`, they are its first `running[t]`.
    let running: [Int]
    /// Where step t's rows start among the N real steps.
    let offsets: [Int]
    /// For each of the N real steps, its row in the (T·B) padded input.
    let inputRows: [Int32]
    /// For each of the T·B padded positions, its row among the N real steps, or N (a zero row).
    let outputRows: [Int32]
    /// Position of each sentence in `order`.
    let rank: [Int32]

    init(lengths: [Int], steps: Int) {
        let batch = lengths.count
        let order = (0..<batch).sorted { (lengths[$0], -$0) > (lengths[$1], -$1) }
        var rank = [Int32](repeating: 0, count: batch)
        for (r, b) in order.enumerated() { rank[b] = Int32(r) }
        let running = (0..<steps).map { t in lengths.reduce(0) { $0 + ($1 > t ? 1 : 0) } }
        var offsets = [Int](repeating: 0, count: steps)
        for t in stride(from: 1, to: steps, by: 1) { offsets[t] = offsets[t - 1] + running[t - 1] }
        let total = running.reduce(0, +)
        var inputRows: [Int32] = [], outputRows = [Int32](repeating: Int32(total), count: steps * batch)
        inputRows.reserveCapacity(total)
        for t in 0..<steps {
            for r in 0..<running[t] {
                inputRows.append(Int32(t * batch + order[r]))
                outputRows[t * batch + order[r]] = Int32(offsets[t] + r)
            }
        }
        (self.order, self.running, self.offsets, self.inputRows, self.outputRows, self.rank)
            = (order.map(Int32.init), running, offsets, inputRows, outputRows, rank)
    }

    /// A state's rows in `order`.
    func sorted(_ state: RecurrentState) -> RecurrentState { state.gathering(order) }

    /// A state in `order` back in the batch's order.
    func unsorted(_ state: RecurrentState) -> RecurrentState { state.gathering(rank) }
}
