import Foundation
import NN
import Tensor

/// Batched beam search (fairseq's scheme, as the reference's): each sentence keeps K live
/// hypotheses; each step scores the 2K best extensions, `</s>` among the top K finishes a
/// hypothesis, the best K others continue, and a sentence leaves the batch once it has K
/// finished hypotheses. With several models, their log-probabilities are averaged
/// (an ensemble).
///
/// One search is `expand` (score every extension), `prune` (keep the best), and `finalize`
/// (rank a sentence's finished hypotheses), repeated step by step.
public final class BeamSearch {
    public let models: [Seq2SeqModel]
    public let options: SearchOptions
    /// Restricts each batch's output words to its candidates (faster; see `LexicalShortlist`).
    public var shortlist: LexicalShortlist?

    public init(models: [Seq2SeqModel], options: SearchOptions) {
        precondition(!models.isEmpty, "beam search needs a model")
        precondition(Set(models.map(\.config.targetVocabularySize)).count == 1, "an ensemble's models must share a target vocabulary")
        precondition(Set(models.map(\.config.pointerGenerator)).count == 1, "an ensemble's models must all copy or none")
        precondition(options.beamSize >= 1 && options.nbest >= 1, "beam size and n-best must be at least 1")
        self.models = models
        self.options = options
    }

    /// A live hypothesis.
    struct Beam {
        var tokens: [Int32] = []
        var logProbability = 0.0
        var attention: [[Float]] = []
        var coverage: [Float] = []
        static let dead = Beam(logProbability: -.infinity)
    }

    /// An extension of beam `beam` by `token`, with its cumulative log-probability.
    struct Candidate {
        var score: Double
        var beam: Int
        var token: Int32
    }

    /// Per-model search state for the active rows (sentence a's beam b is row a·W + b: W = 1 at
    /// the first step, when every sentence has one live hypothesis, and K after).
    struct ModelState {
        var encoded: EncodedSource
        var decoder: DecoderState
    }

    /// Searches each source; returns up to `nbest` hypotheses per sentence, best first.
    /// `copySources` gives a pointer-generator each source as extended target ids
    /// (`CopySource.ids`); its hypotheses may then hold extended ids ≥ V. `forcedLengths`
    /// (for benchmarks with an untrained model, which never ends by itself) makes sentence i
    /// end after exactly `forcedLengths[i]` tokens.
    public func search(_ sources: [[Int32]], copySources: [[Int32]]? = nil, forcedLengths: [Int]? = nil) -> [[Hypothesis]] {
        // A shortlist's candidates and a pointer-generator's extended vocabulary come from the
        // whole batch: such batches stay whole.
        guard copySources == nil, shortlist == nil else { return searchBatch(sources, copySources: copySources, forcedLengths: forcedLengths) }
        return DecodingParts.decode(sources, forcedLengths: forcedLengths, rowsPerSentence: options.beamSize) { range in
            searchBatch(Array(sources[range]), copySources: nil, forcedLengths: forcedLengths.map { Array($0[range]) })
        }
    }

    /// `search` of one batch, on the calling thread (its products split across the engine's).
    func searchBatch(_ sources: [[Int32]], copySources: [[Int32]]?, forcedLengths: [Int]?) -> [[Hypothesis]] {
        Tape.withoutRecording {
            guard !sources.isEmpty else { return [] }
            let k = options.beamSize
            var states = models.map { model -> ModelState in
                let encoded = model.encode(SourceBatch(sources))  // (B, S, D)
                return ModelState(encoded: encoded, decoder: model.decoder.initialState(encoded))
            }
            // With a shortlist, every model scores only the batch's candidates (position c is id ids[c]).
            let outputs = shortlist.map { list in
                let ids = list.candidates(for: sources)
                return models.map { $0.decoder.restrictedOutput(ids) }
            }
            var active = Array(sources.indices)
            var beams = sources.map { _ in [Beam()] }  // the first step's one live hypothesis a sentence, <s>
            var finished = [[Hypothesis]](repeating: [], count: sources.count)
            var step = 0
            let extendedSize = copySources.map { CopyRows.extendedSize($0.joined(), vocabularySize: models[0].config.targetVocabularySize) }
            while !active.isEmpty {
                let width = beams[0].count  // rows a sentence: 1 at the first step, K after (`prune` keeps K)
                let copy = copySources.map {
                    CopyRows($0, sentences: active.flatMap { Array(repeating: $0, count: width) }, width: states[0].encoded.memory.shape[1],
                             extendedSize: extendedSize!)
                }
                let (logProbabilities, attention) = expand(&states, beams: beams, copy: copy, outputs: outputs)
                let vocabulary = logProbabilities.shape[1]
                var keepRows: [Int32] = [], keepSentences: [Int32] = [], nextBeams: [[Beam]] = []
                for (a, sentence) in active.enumerated() {
                    let sourceLength = sources[sentence].count
                    let forced = forcedLengths?[sentence]
                    let candidates = bestExtensions(beams[a], rows: a * width, logProbabilities: logProbabilities.pointer, vocabulary: vocabulary,
                                                    ids: outputs?[0].ids, step: step, minimum: forced ?? options.minLength,
                                                    limit: forced ?? options.lengthLimit(sourceLength))
                    let (continuing, done) = prune(candidates, beams: beams[a], attention: attention, firstRow: a * width,
                                                   sourceLength: sourceLength, step: step, finished: &finished[sentence])
                    guard !done else { continue }
                    keepSentences.append(Int32(a))
                    keepRows += continuing.map { Int32(a * width + $0.row) }  // K rows a sentence from here on
                    nextBeams.append(continuing.map(\.beam))
                }
                active = keepSentences.map { active[Int($0)] }
                beams = nextBeams
                for m in states.indices {
                    states[m].decoder = states[m].decoder.selecting(rows: keepRows)
                    if keepSentences.count * k < states[m].encoded.memory.shape[0] || width < k {
                        // A sentence's rows of the encoding are identical: its first, K times.
                        states[m].encoded = states[m].encoded.selecting(rows: keepSentences.flatMap { a in Array(repeating: a * Int32(width), count: k) })
                    }
                }
                step += 1
            }
            return finished.map { finalize($0) }
        }
    }

    // MARK: Steps

    /// Runs every model one step on all active rows; returns the (ensemble-averaged)
    /// log-probabilities (R, V), or (R, V + K) over a pointer-generator's extended
    /// vocabulary, and attention weights (R, S).
    func expand(_ states: inout [ModelState], beams: [[Beam]], copy: CopyRows?, outputs: [RestrictedOutput]? = nil) -> (Tensor, Tensor) {
        let inputs = beams.flatMap { $0.map { $0.tokens.last ?? SpecialToken.beginning } }
        var logProbabilities: Tensor?, attention: Tensor?
        for (m, model) in models.enumerated() {
            let step = model.decoder.step(tokens: inputs, state: states[m].decoder, encoded: states[m].encoded)
            states[m].decoder = step.state
            let logp = model.decoder.logProbabilities(step, copy: copy, output: outputs?[m])
            logProbabilities = logProbabilities.map { $0 + logp } ?? logp
            attention = attention.map { $0 + step.weights } ?? step.weights
        }
        if models.count > 1 {
            let scale = 1 / Float(models.count)
            return (logProbabilities! * scale, attention! * scale)
        }
        return (logProbabilities!, attention!)
    }

    /// The 2K best extensions of a sentence's beams, best first. At the length limit only
    /// `</s>` may follow; before `minimum` tokens it may not; padding and `<s>` never.
    /// Column v of the log-probabilities is token v, or `ids[v]` over a shortlist (whose
    /// special ids sit at their own positions).
    func bestExtensions(_ beams: [Beam], rows firstRow: Int, logProbabilities: UnsafePointer<Float>, vocabulary: Int,
                        ids: [Int32]? = nil, step: Int, minimum: Int, limit: Int) -> [Candidate] {
        let keep = 2 * options.beamSize
        var best: [Candidate] = []
        best.reserveCapacity(keep + 1)
        func offer(_ candidate: Candidate) {
            guard candidate.score > -.infinity, best.count < keep || candidate.score > best[best.count - 1].score else { return }
            let position = best.firstIndex { $0.score < candidate.score } ?? best.count
            best.insert(candidate, at: position)
            if best.count > keep { best.removeLast() }
        }
        let end = Int(SpecialToken.end)
        for (b, beam) in beams.enumerated() where beam.logProbability > -.infinity {
            let row = logProbabilities + (firstRow + b) * vocabulary
            if step >= limit {  // forced end; a model that puts no mass on </s> still ends here
                let p = row[end].isFinite ? Double(row[end]) : 0
                offer(Candidate(score: beam.logProbability + p, beam: b, token: SpecialToken.end))
                continue
            }
            let blocked = blockedTokens(beam.tokens)
            // Only values that can enter the list are worth a Candidate: compare first.
            for v in 0..<vocabulary {
                let score = beam.logProbability + Double(row[v])
                if best.count == keep && score <= best[keep - 1].score { continue }
                if v == Int(SpecialToken.padding) || v == Int(SpecialToken.beginning) { continue }
                if v == end && step < minimum { continue }
                let token = ids?[v] ?? Int32(v)
                if !blocked.isEmpty && blocked.contains(token) { continue }
                offer(Candidate(score: score, beam: b, token: token))
            }
        }
        return best
    }

    /// Tokens that would repeat an n-gram of `tokens` (n = `blockRepeatedNgrams`).
    func blockedTokens(_ tokens: [Int32]) -> Set<Int32> {
        let n = options.blockRepeatedNgrams
        guard n > 0, tokens.count >= n else { return [] }
        let prefix = tokens.suffix(n - 1)
        var blocked: Set<Int32> = []
        for start in 0...(tokens.count - n) where tokens[start..<start + n - 1].elementsEqual(prefix) {
            blocked.insert(tokens[start + n - 1])
        }
        return blocked
    }

    /// Moves `</s>` extensions among the top K to `finished` and keeps the K best others.
    /// Returns the continuing beams with the row each came from, and whether the sentence
    /// is done (K finished hypotheses, or nothing left to extend).
    func prune(_ candidates: [Candidate], beams: [Beam], attention: Tensor, firstRow: Int, sourceLength: Int, step: Int,
               finished: inout [Hypothesis]) -> (continuing: [(beam: Beam, row: Int)], done: Bool) {
        let k = options.beamSize, width = attention.shape[1]
        func extended(_ c: Candidate) -> Beam {
            var beam = beams[c.beam]
            let weights = Array(UnsafeBufferPointer(start: attention.pointer + (firstRow + c.beam) * width, count: sourceLength))
            beam.tokens.append(c.token)
            beam.logProbability = c.score
            beam.attention.append(weights)
            beam.coverage = beam.coverage.isEmpty ? weights : zip(beam.coverage, weights).map(+)
            return beam
        }
        var continuing: [(beam: Beam, row: Int)] = []
        for (rank, candidate) in candidates.enumerated() {
            if candidate.token == SpecialToken.end {
                if rank < k {
                    let beam = extended(candidate)
                    finished.append(Hypothesis(tokens: Array(beam.tokens.dropLast()), score: score(beam), logProbability: beam.logProbability,
                                               attention: beam.attention))
                }
            } else if continuing.count < k {
                continuing.append((extended(candidate), candidate.beam))
            }
        }
        let done = finished.count >= k || continuing.isEmpty
        while !done && continuing.count < k { continuing.append((Beam.dead, continuing[0].row)) }
        return (continuing, done)
    }

    /// The ranking score of a finished beam: normalised log-probability plus coverage penalty.
    func score(_ beam: Beam) -> Double {
        var score = options.normalize(beam.logProbability, length: beam.tokens.count)
        if options.coveragePenalty > 0 {
            score += options.coveragePenalty * beam.coverage.reduce(0.0) { $0 + Foundation.log(Double(min(max($1, 1e-10), 1))) }
        }
        return score
    }

    /// A sentence's `nbest` best finished hypotheses.
    func finalize(_ hypotheses: [Hypothesis]) -> [Hypothesis] {
        Array(hypotheses.sorted { $0.score > $1.score }.prefix(options.nbest))
    }
}
