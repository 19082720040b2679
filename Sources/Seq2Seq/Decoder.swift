import NN
import Tensor

/// The decoder's state between steps.
public struct DecoderState {
    /// Each layer's recurrent state, (n, D).
    public var layers: [RecurrentState]
    /// The previous attentional vector h̃ (n, D), fed back with the next input (Luong
    /// et al. 2015, §3.3); zeros at the first step.
    public var feed: Tensor

    /// The first n sentences' state, as views.
    public func prefix(_ n: Int) -> DecoderState {
        DecoderState(layers: layers.map { RecurrentState(hidden: $0.hidden.slice(0..<n), cell: $0.cell?.slice(0..<n)) },
                     feed: feed.slice(0..<n))
    }

    /// The state of the sentences (or hypotheses) at `rows`.
    public func selecting(rows: [Int32]) -> DecoderState {
        DecoderState(layers: layers.map { RecurrentState(hidden: $0.hidden.gatherRows(rows), cell: $0.cell?.gatherRows(rows)) },
                     feed: feed.gatherRows(rows))
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
    let config: ModelConfig

    init(_ config: ModelConfig, generator: inout RandomGenerator) {
        self.config = config
        let initializer = Initializer.uniform(config.initScale)
        let (e, d, v) = (config.embeddingSize, config.decoderSize, config.targetVocabularySize)
        embedding = Embedding(vocabularySize: v, size: e, initializer: initializer, generator: &generator)
        cells = (0..<config.decoderLayers).map { l in
            RecurrentCell(kind: config.decoderCell, inputSize: l > 0 ? d : config.inputFeeding ? e + d : e, hiddenSize: d,
                          initializer: initializer, generator: &generator)
        }
        attention = Attention(kind: config.attention, querySize: d, memorySize: d, initializer: initializer, generator: &generator)
        attentionOutput = Linear(inputSize: 2 * d, outputSize: d, bias: false, initializer: initializer, generator: &generator)
        outputWeight = config.tieTargetEmbeddings ? embedding.weight : Tensor.parameter([v, d], initializer, generator: &generator)
        outputBias = Tensor.parameter([v], initializer, generator: &generator)
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        embedding.parameters(prefixed: "embedding")
            + cells.enumerated().flatMap { $1.parameters(prefixed: "layer\($0)") }
            + attention.parameters(prefixed: "attention") + attentionOutput.parameters(prefixed: "attentionOutput")
            + (config.tieTargetEmbeddings ? [] : [("output.weight", outputWeight)]) + [("output.bias", outputBias)]
    }

    /// The state before the first step.
    func initialState(_ encoded: EncodedSource) -> DecoderState {
        let n = encoded.memory.shape[0]
        return DecoderState(layers: encoded.initialStates, feed: .zeros([n, config.decoderSize]))
    }

    /// One step for n sentences.
    ///
    /// - Parameters:
    ///   - embedded: (n, E) embeddings of the previous tokens.
    ///   - encoded: the same n sentences' encoder output.
    /// - Returns: h̃ (n, D), the next state, and the attention weights (n, S).
    func step(_ embedded: Tensor, state: DecoderState, encoded: EncodedSource, dropout: inout RandomGenerator?)
        -> (attentional: Tensor, state: DecoderState, weights: Tensor)
    {
        var x = config.inputFeeding ? concat([embedded, state.feed], axis: 1) : embedded  // (n, E + D) or (n, E)
        var layers: [RecurrentState] = []
        for (l, cell) in cells.enumerated() {
            if l > 0, config.dropout > 0, dropout != nil { x = x.dropout(rate: config.dropout, generator: &dropout!) }
            let next = cell.step(projected: cell.projectInput(x), state: state.layers[l])
            layers.append(next)
            x = next.hidden
        }
        let (context, weights) = attention(query: x, keys: encoded.keys, memory: encoded.memory, mask: encoded.mask)
        var attentional = attentionOutput(concat([context, x], axis: 1)).tanh()  // (n, 2D) → (n, D)
        let feed = attentional
        if config.dropout > 0, dropout != nil { attentional = attentional.dropout(rate: config.dropout, generator: &dropout!) }
        return (attentional, DecoderState(layers: layers, feed: feed), weights)
    }

    /// Output logits (N, V) of attentional vectors (N, D).
    func logits(_ attentional: Tensor) -> Tensor { linear(attentional, weight: outputWeight, bias: outputBias) }
}
