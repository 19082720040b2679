import Tensor

extension RecurrentCell {
    /// Runs the cell over a padded, time-major sequence.
    ///
    /// Each sentence's state advances only over its own tokens: at step t a sentence of
    /// length L ≤ t keeps its state, and its output there is zero. Run `reversed`, a
    /// sentence's pass starts at its last real token, never at padding.
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
        let projected = projectInput(input)  // (T, B, G·H): the input side of every step at once
        var state = initial ?? zeroState(batch: batch)
        let zeros = Tensor.zeros([batch, hiddenSize])
        var outputs = [Tensor?](repeating: nil, count: steps)
        for t in reversed ? Array((0..<steps).reversed()) : Array(0..<steps) {
            let active = lengths.map { t < $0 }
            let next = step(projected: projected[t], state: state)
            if active.allSatisfy({ $0 }) {
                state = next
                outputs[t] = next.hidden
            } else {
                state = next.rowsWhere(active, else: state)
                outputs[t] = rowsWhere(active, then: next.hidden, else: zeros)
            }
        }
        return (stack(outputs.map { $0! }), state)
    }
}
