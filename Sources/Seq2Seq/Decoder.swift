import NN
import Tensor

/// The decoder's state between steps.
public struct DecoderState {
    /// Each layer's recurrent state, (n, D).
    public var layers: [RecurrentState]
    /// The previous attentional vector h̃ (n, D), fed back with the next input (Luong
    /// et al. 2015, §3.3); zeros at the first step.
    public var feed: Tensor
    /// With coverage: c = Σ of the previous steps' attention (n, S); zeros at the first step.
    public var coverage: Tensor?

    /// The first n sentences' state, as views.
    public func prefix(_ n: Int) -> DecoderState {
        DecoderState(layers: layers.map { $0.prefix(n) },
                     feed: feed.slice(0..<n), coverage: coverage?.slice(0..<n))
    }

    /// The state of the sentences (or hypotheses) at `rows`.
    public func selecting(rows: [Int32]) -> DecoderState {
        DecoderState(layers: layers.map { $0.gathering(rows) },
                     feed: feed.gatherRows(rows), coverage: coverage?.gatherRows(rows))
    }
}

/// The output layer cut to a shortlist's candidates for one search: row c scores target id
/// `ids[c]`. The special ids come first, so a candidate's position is its id below 4.
public struct RestrictedOutput {
    /// The candidates' target ids, ascending.
    public let ids: [Int32]
    /// (C, D), with an int8 form when the model's output layer has one.
    let weight: Tensor
    /// (C).
    let bias: Tensor
}

/// What one decoder step produces.
public struct DecoderStep {
    /// h̃ (n, D), with dropout when training.
    public var attentional: Tensor
    /// The state after this step (with coverage, including this step's attention).
    public var state: DecoderState
    /// The attention weights a (n, S).
    public var weights: Tensor
    /// The pointer-generator's p_gen (n, 1).
    public var generation: Tensor?
}

/// The source words each output row may copy: R × S extended ids (`CopySource.ids`, padded
/// with 0), and the width of the extended vocabulary, V + the most unknown words of a row.
public struct CopyRows {
    /// R × S extended ids, row-major.
    public var ids: [Int32]
    /// V + the most unknown words of any row.
    public var extendedSize: Int

    public init(ids: [Int32], extendedSize: Int) {
        (self.ids, self.extendedSize) = (ids, extendedSize)
    }

    /// Row r copies from `copySources[sentences[r]]`, padded to `width` (S). A search
    /// computes `extendedSize` once, for all its sentences, so it stays fixed step to step.
    init(_ copySources: [[Int32]], sentences: [Int], width: Int, extendedSize: Int) {
        var ids = [Int32](repeating: SpecialToken.padding, count: sentences.count * width)
        for (r, sentence) in sentences.enumerated() {
            for (s, id) in copySources[sentence].prefix(width).enumerated() { ids[r * width + s] = id }
        }
        self.init(ids: ids, extendedSize: extendedSize)
    }

    /// The width of the vocabulary that `ids` (extended ids) need: V, or the largest id + 1.
    static func extendedSize<Ids: Sequence<Int32>>(_ ids: Ids, vocabularySize: Int) -> Int {
        max(vocabularySize, Int(ids.max() ?? 0) + 1)
    }
}

/// Target embeddings → stacked recurrent cells with input feeding → attention → the
/// attentional vector h̃ = tanh(W_c [c_t; h_t]) (Luong et al. 2015, eq. 5) → output logits.
public final class Decoder: Layer {
    public let embedding: Embedding
    public let cells: [RecurrentCell]
    public let attention: Attention
    /// W_c, D × 2D, no bias.
    public let attentionOutput: Linear
    /// The output layer's V × D weight: its own, or the target embedding's when tied.
    public let outputWeight: Tensor
    public let outputBias: Tensor
    /// The pointer-generator's gate: p_gen = σ(w·[context; top hidden; input] + b)
    /// (See et al. 2017, eq. 8), (2D + E) → 1.
    public let generationGate: Linear?
    let config: ModelConfig
    /// For decoding: the target embedding folded into the first layer's input projection
    /// (`foldEmbedding`), used while current.
    private(set) var folded: FoldedEmbedding?

    init(_ config: ModelConfig, generator: inout RandomGenerator) {
        self.config = config
        let initializer = Initializer.uniform(config.initScale)
        let (e, d, v) = (config.embeddingSize, config.decoderSize, config.targetVocabularySize)
        embedding = Embedding(vocabularySize: v, size: e, initializer: initializer, generator: &generator)
        cells = (0..<config.decoderLayers).map { l in
            RecurrentCell(kind: config.decoderCell, inputSize: l > 0 ? d : config.inputFeeding ? e + d : e, hiddenSize: d,
                          initializer: initializer, generator: &generator)
        }
        attention = Attention(kind: config.attention, querySize: d, memorySize: d, coverage: config.coverage, initializer: initializer,
                              generator: &generator)
        attentionOutput = Linear(inputSize: 2 * d, outputSize: d, bias: false, initializer: initializer, generator: &generator)
        outputWeight = config.tieTargetEmbeddings ? embedding.weight : Tensor.parameter([v, d], initializer, generator: &generator)
        outputBias = Tensor.parameter([v], initializer, generator: &generator)
        generationGate = config.pointerGenerator
            ? Linear(inputSize: 2 * d + e, outputSize: 1, initializer: initializer, generator: &generator) : nil
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        embedding.parameters(prefixed: "embedding")
            + cells.enumerated().flatMap { $1.parameters(prefixed: "layer\($0)") }
            + attention.parameters(prefixed: "attention") + attentionOutput.parameters(prefixed: "attentionOutput")
            + (config.tieTargetEmbeddings ? [] : [("output.weight", outputWeight)]) + [("output.bias", outputBias)]
            + (generationGate?.parameters(prefixed: "generationGate") ?? [])
    }

    /// The weights of a training step's per-step products (`step`), each once: a loop packs
    /// them all into one buffer (`Tape.packingWeights(sharing:)`).
    var stepWeights: [Tensor] {
        cells.flatMap { [$0.weightIH, $0.weightHH] }
            + [attention.queryProjection?.weight, attentionOutput.weight, generationGate?.weight].compactMap { $0 }
    }

    /// The state before the first step.
    func initialState(_ encoded: EncodedSource) -> DecoderState {
        let (n, steps) = (encoded.memory.shape[0], encoded.memory.shape[1])
        return DecoderState(layers: encoded.initialStates, feed: .zeros([n, config.decoderSize]),
                            coverage: config.coverage ? .zeros([n, steps]) : nil)
    }

    /// Embeddings (n, E) of previous output tokens; a copied word (an extended id ≥ V) is
    /// read as `<unk>` (See et al. 2017, §2.2).
    func embed(_ tokens: [Int32]) -> Tensor { embedding(known(tokens)) }

    /// `tokens` with copied words (extended ids ≥ V) as `<unk>`.
    private func known(_ tokens: [Int32]) -> [Int32] {
        let v = Int32(config.targetVocabularySize)
        return tokens.contains { $0 >= v } ? tokens.map { $0 >= v ? SpecialToken.unknown : $0 } : tokens
    }

    /// Folds the target embedding into the first layer's input projection for decoding
    /// (`FoldedEmbedding`), if the table is small enough and W_ih has no int8 form, replacing
    /// any fold made before. Returns whether it did.
    @discardableResult
    func foldEmbedding() -> Bool {
        folded = FoldedEmbedding(embedding: embedding.weight, cell: cells[0])
        return folded != nil
    }

    /// One decoding step (no tape, no dropout) for n sentences from their previous tokens:
    /// the first layer's input from the folded embedding when there is one.
    func step(tokens: [Int32], state: DecoderState, encoded: EncodedSource) -> DecoderStep {
        var noDropout: RandomGenerator? = nil
        guard let folded, folded.isCurrent, !Tape.isRecording else {
            return step(embed(tokens), state: state, encoded: encoded, dropout: &noDropout)
        }
        let tokens = known(tokens)
        return step(generationGate == nil ? nil : embedding(tokens), firstProjection: folded.project(tokens, feed: state.feed),
                    state: state, encoded: encoded, dropout: &noDropout)
    }

    /// One step for n sentences.
    ///
    /// - Parameters:
    ///   - embedded: (n, E) embeddings of the previous tokens.
    ///   - encoded: the same n sentences' encoder output.
    func step(_ embedded: Tensor, state: DecoderState, encoded: EncodedSource, dropout: inout RandomGenerator?) -> DecoderStep {
        step(embedded, firstProjection: nil, state: state, encoded: encoded, dropout: &dropout)
    }

    /// One step, with the first layer's input projection given (`firstProjection`, (n, G·H))
    /// or made from `embedded` (n, E); `embedded` may be nil only when given and without a
    /// pointer-generator.
    private func step(_ embedded: Tensor?, firstProjection: Tensor?, state: DecoderState, encoded: EncodedSource,
                      dropout: inout RandomGenerator?) -> DecoderStep {
        // The first layer's input: [embedding; h̃ of the step before] (n, E + D), or the embedding.
        var projected = firstProjection ?? cells[0].projectInput(concatenating: config.inputFeeding ? [embedded!, state.feed] : [embedded!])
        var layers: [RecurrentState] = []
        for (l, cell) in cells.enumerated() {
            if l > 0 {
                var x = layers[l - 1].hidden
                if config.dropout > 0, dropout != nil { x = x.dropout(rate: config.dropout, generator: &dropout!) }
                projected = cell.projectInput(x)
            }
            layers.append(cell.step(projected: projected, state: state.layers[l]))
        }
        let query = layers[layers.count - 1].hidden  // the top layer's h_t (n, D)
        let (context, weights) = attention(query: query, keys: encoded.keys, memory: encoded.memory, mask: encoded.mask, coverage: state.coverage)
        var attentional = attentionOutput(concatenating: [context, query]).tanh()  // [c_t; h_t] (n, 2D) → (n, D)
        let feed = attentional
        if config.dropout > 0, dropout != nil { attentional = attentional.dropout(rate: config.dropout, generator: &dropout!) }
        let generation = generationGate.map { $0(concat([context, query, embedded!], axis: 1)).sigmoid() }  // (n, 2D + E) → (n, 1)
        return DecoderStep(attentional: attentional, state: DecoderState(layers: layers, feed: feed, coverage: state.coverage.map { $0 + weights }),
                           weights: weights, generation: generation)
    }

    /// Output logits (N, V) of attentional vectors (N, D), or (N, C) over a shortlist's
    /// candidates.
    func logits(_ attentional: Tensor, output: RestrictedOutput? = nil) -> Tensor {
        guard let output else { return linear(attentional, weight: outputWeight, bias: outputBias) }
        return linear(attentional, weight: output.weight, bias: output.bias)
    }

    /// The output layer cut to `ids` (ascending, the special ids first), for one search.
    public func restrictedOutput(_ ids: [Int32]) -> RestrictedOutput {
        let weight = Tape.withoutRecording { outputWeight.gatherRows(ids) }  // (C, D)
        weight.quantized = outputWeight.quantized?.selectingRows(ids)
        if outputWeight.packed != nil, weight.quantized == nil { weight.packed = PackedMatrix(weight) }
        return RestrictedOutput(ids: ids, weight: weight, bias: Tensor(ids.map { outputBias.pointer[Int($0)] }, shape: [ids.count]))
    }

    /// What the loss and the searches read, for N rows of h̃ (N, D) with their attention
    /// weights (N, S) and p_gen (N, 1): logits (N, V) for a plain model; for a
    /// pointer-generator, log-probabilities over the extended vocabulary (N, V + K), whose
    /// cross-entropy is their negative log-likelihood since they sum to one.
    func scores(_ attentional: Tensor, weights: Tensor, generation: Tensor?, copy: CopyRows?, output: RestrictedOutput? = nil) -> Tensor {
        precondition((copy != nil) == config.pointerGenerator, config.pointerGenerator ? "a pointer-generator needs the source words it may copy" : "only a pointer-generator copies")
        precondition(output == nil || copy == nil, "a shortlist restricts the vocabulary that copying extends: use one or the other")
        guard let generation, let copy else { return logits(attentional, output: output) }
        return copyMixture(logits: logits(attentional), attention: weights, generation: generation, sourceIDs: copy.ids,
                           extendedSize: copy.extendedSize)
    }

    /// Log-probabilities of the next token for one step's rows: (n, V), (n, V + K) with
    /// copying, or (n, C) over a shortlist's candidates.
    func logProbabilities(_ step: DecoderStep, copy: CopyRows?, output: RestrictedOutput? = nil) -> Tensor {
        let scores = self.scores(step.attentional, weights: step.weights, generation: step.generation, copy: copy, output: output)
        return config.pointerGenerator ? scores : scores.logSoftmax()
    }
}
