import NN
import Tensor

extension Seq2SeqModel {
    /// Greedy decoding of a batch: each step takes the most probable token; a sentence
    /// leaves the batch when it emits `</s>` or reaches its maximum length.
    ///
    /// - Parameters:
    ///   - sources: token ids, without `<s>`/`</s>`.
    ///   - copySources: for a pointer-generator, each source as extended target ids
    ///     (`CopySource.ids`); outputs may then hold extended ids ≥ V.
    ///   - maxLength: the most tokens to emit for a source of the given length.
    ///   - forcedLengths: makes sentence i end after exactly `forcedLengths[i]` tokens
    ///     (benchmarks with an untrained model, which never ends by itself).
    ///   - shortlist: scores only the batch's candidate words.
    /// - Returns: each sentence's output ids, without `</s>`.
    public func greedy(_ sources: [[Int32]], copySources: [[Int32]]? = nil, maxLength: (Int) -> Int = { 2 * $0 + 10 },
                       forcedLengths: [Int]? = nil, shortlist: LexicalShortlist? = nil) -> [[Int32]] {
        // As in beam search, batches with a shortlist or copying stay whole (see `DecodingParts`).
        guard copySources == nil, shortlist == nil else {
            return greedyBatch(sources, copySources: copySources, maxLength: maxLength, forcedLengths: forcedLengths, shortlist: shortlist)
        }
        return DecodingParts.decode(sources, forcedLengths: forcedLengths, rowsPerSentence: 1) { range in
            greedyBatch(Array(sources[range]), copySources: nil, maxLength: maxLength, forcedLengths: forcedLengths.map { Array($0[range]) },
                        shortlist: nil)
        }
    }

    /// `greedy` of one batch, on the calling thread (its products split across the engine's).
    func greedyBatch(_ sources: [[Int32]], copySources: [[Int32]]?, maxLength: (Int) -> Int, forcedLengths: [Int]?,
                     shortlist: LexicalShortlist?) -> [[Int32]] {
        Tape.withoutRecording {
            guard !sources.isEmpty else { return [] }
            var encoded = encode(SourceBatch(sources))
            let output = shortlist.map { decoder.restrictedOutput($0.candidates(for: sources)) }
            let extendedSize = copySources.map { CopyRows.extendedSize($0.joined(), vocabularySize: config.targetVocabularySize) }
            var state = decoder.initialState(encoded)
            var rows = Array(sources.indices)  // original index of each active row
            var previous = [Int32](repeating: SpecialToken.beginning, count: sources.count)
            var outputs = [[Int32]](repeating: [], count: sources.count)
            let caps = forcedLengths ?? sources.map { maxLength($0.count) }
            var t = 0
            while !rows.isEmpty {
                let step = decoder.step(tokens: previous, state: state, encoded: encoded)
                let copy = copySources.map { CopyRows($0, sentences: rows, width: encoded.memory.shape[1], extendedSize: extendedSize!) }
                let scores = decoder.scores(step.attentional, weights: step.weights, generation: step.generation, copy: copy, output: output)
                let best = argmaxRows(scores, allowingEnd: forcedLengths == nil).map { output?.ids[Int($0)] ?? $0 }
                var keep: [Int32] = []
                previous = []
                for (r, guess) in best.enumerated() {
                    let sentence = rows[r]
                    // At its cap a sentence ends (the reference's rule: `</s>` forced at step cap).
                    let token = t >= caps[sentence] ? SpecialToken.end : guess
                    guard token != SpecialToken.end else { continue }
                    outputs[sentence].append(token)
                    keep.append(Int32(r))
                    previous.append(token)
                }
                if keep.count == rows.count {
                    state = step.state
                } else if !keep.isEmpty {
                    state = step.state.selecting(rows: keep)
                    encoded = encoded.selecting(rows: keep)
                }
                rows = keep.map { rows[Int($0)] }
                t += 1
            }
            return outputs
        }
    }
}

/// The index of each row's largest value, never a padding or `<s>` id (the model must not
/// emit those), nor `</s>` unless `allowingEnd`.
func argmaxRows(_ logits: Tensor, allowingEnd: Bool = true) -> [Int32] {
    let (rows, vocabulary) = (logits.shape[0], logits.shape[1])
    let (unknown, end) = (Int(SpecialToken.unknown), Int(SpecialToken.end))
    return (0..<rows).map { r in
        let row = logits.pointer + r * vocabulary
        var best = unknown, value = row[unknown]
        if allowingEnd && row[end] > value { (best, value) = (end, row[end]) }
        for v in (end + 1)..<vocabulary where row[v] > value { (best, value) = (v, row[v]) }
        return Int32(best)
    }
}
