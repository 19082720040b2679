import NN
import Tensor

extension Seq2SeqModel {
    /// Greedy decoding of a batch: each step takes the most probable token; a sentence
    /// leaves the batch when it emits `</s>` or reaches its maximum length.
    ///
    /// - Parameters:
    ///   - sources: token ids, without `<s>`/`</s>`.
    ///   - maxLength: the most tokens to emit for a source of the given length.
    /// - Returns: each sentence's output ids, without `</s>`.
    public func greedy(_ sources: [[Int32]], maxLength: (Int) -> Int = { 2 * $0 + 10 }) -> [[Int32]] {
        Tape.withoutRecording {
            guard !sources.isEmpty else { return [] }
            var encoded = encode(SourceBatch(sources))
            var state = decoder.initialState(encoded)
            var rows = Array(sources.indices)  // original index of each active row
            var previous = [Int32](repeating: SpecialToken.beginning, count: sources.count)
            var outputs = [[Int32]](repeating: [], count: sources.count)
            let caps = sources.map { maxLength($0.count) }
            var noDropout: RandomGenerator? = nil
            while !rows.isEmpty {
                let step = decoder.step(decoder.embedding(previous), state: state, encoded: encoded, dropout: &noDropout)
                let best = argmaxRows(decoder.logits(step.attentional))
                var keep: [Int32] = []
                previous = []
                for (r, token) in best.enumerated() {
                    let sentence = rows[r]
                    if token != SpecialToken.end { outputs[sentence].append(token) }
                    if token != SpecialToken.end && outputs[sentence].count < caps[sentence] {
                        keep.append(Int32(r))
                        previous.append(token)
                    }
                }
                if keep.count == rows.count {
                    state = step.state
                } else if !keep.isEmpty {
                    state = step.state.selecting(rows: keep)
                    encoded = encoded.selecting(rows: keep)
                }
                rows = keep.map { rows[Int($0)] }
            }
            return outputs
        }
    }
}

/// The index of each row's largest value, never a padding or `<s>` id (the model must not
/// emit those).
func argmaxRows(_ logits: Tensor) -> [Int32] {
    let (rows, vocabulary) = (logits.shape[0], logits.shape[1])
    return (0..<rows).map { r in
        let row = logits.pointer + r * vocabulary
        var best = Int(SpecialToken.unknown), value = row[best]
        for v in 0..<vocabulary where v != Int(SpecialToken.padding) && v != Int(SpecialToken.beginning) && row[v] > value {
            (best, value) = (v, row[v])
        }
        return Int32(best)
    }
}
