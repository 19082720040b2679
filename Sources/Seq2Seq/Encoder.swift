import NN
import Tensor

/// What the encoder hands the decoder for a batch.
public struct EncodedSource {
    /// (B, S, Dm): the top layer's outputs, batch-major for attention.
    public var memory: Tensor
    /// (B, S, D): the memory-side part of the attention scores.
    public var keys: Tensor
    /// (B, S): 1 at real tokens.
    public var mask: Tensor
    /// Each decoder layer's initial state (B, D).
    public var initialStates: [RecurrentState]

    /// The same for the sentences at `rows` (a beam's or a shrinking batch's reordering).
    public func selecting(rows: [Int32]) -> EncodedSource {
        func rowsOf(_ t: Tensor) -> Tensor {  // (B, …) → (rows, …), through a (B, width) view
            let width = t.count / t.shape[0]
            return t.reshaped([t.shape[0], width]).gatherRows(rows).reshaped([rows.count] + t.shape.dropFirst())
        }
        return EncodedSource(memory: rowsOf(memory), keys: rowsOf(keys), mask: rowsOf(mask),
                             initialStates: initialStates.map { $0.gathering(rows) })
    }

    /// The first n sentences, as views.
    public func prefix(_ n: Int) -> EncodedSource {
        EncodedSource(memory: memory.slice(0..<n), keys: keys.slice(0..<n), mask: mask.slice(0..<n),
                      initialStates: initialStates.map { $0.prefix(n) })
    }
}

/// Source embeddings → stacked (bi)directional RNN → the bridge to the decoder's initial
/// state, and the attention keys.
public final class Encoder: Layer {
    public let embedding: Embedding
    public let rnn: RecurrentStack
    /// The learned bridge per decoder layer: h₀ = tanh(W_h·h + b_h), c₀ = W_c·c + b_c.
    public let bridgeHidden: [Linear], bridgeCell: [Linear]
    let config: ModelConfig

    init(_ config: ModelConfig, generator: inout RandomGenerator) {
        self.config = config
        let initializer = Initializer.uniform(config.initScale)
        embedding = Embedding(vocabularySize: config.sourceVocabularySize, size: config.embeddingSize,
                              initializer: initializer, generator: &generator)
        rnn = RecurrentStack(kind: config.encoderCell, inputSize: config.embeddingSize, hiddenSize: config.hiddenSize,
                             layers: config.encoderLayers, bidirectional: config.bidirectional, dropout: config.dropout,
                             residual: config.residual, initializer: initializer, generator: &generator)
        let learned = config.bridge == .learned
        let d = config.decoderSize
        bridgeHidden = learned ? (0..<config.decoderLayers).map { _ in
            Linear(inputSize: d, outputSize: d, initializer: initializer, generator: &generator)
        } : []
        bridgeCell = learned && config.decoderCell == .lstm ? (0..<config.decoderLayers).map { _ in
            Linear(inputSize: d, outputSize: d, initializer: initializer, generator: &generator)
        } : []
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        embedding.parameters(prefixed: "embedding") + rnn.parameters(prefixed: "rnn")
            + bridgeHidden.enumerated().flatMap { $1.parameters(prefixed: "bridgeHidden\($0)") }
            + bridgeCell.enumerated().flatMap { $1.parameters(prefixed: "bridgeCell\($0)") }
    }

    /// Encodes `source`; `dropout` draws masks when training (nil: no dropout).
    func callAsFunction(_ source: SourceBatch, attention: Attention, dropout: inout RandomGenerator?) -> EncodedSource {
        let (steps, batch) = (source.steps, source.batchSize)
        var embedded = embedding(source.ids).reshaped([steps, batch, config.embeddingSize])  // (S, B, E)
        if config.dropout > 0, dropout != nil { embedded = embedded.dropout(rate: config.dropout, generator: &dropout!) }
        let (outputs, finals) = rnn(embedded, lengths: source.lengths, generator: &dropout)
        let memory = outputs.transposed()  // (B, S, Dm)
        return EncodedSource(memory: memory, keys: attention.keys(for: memory), mask: source.mask,
                             initialStates: initialStates(finals, batch: batch))
    }

    /// The decoder's initial states: decoder layer l starts from encoder layer
    /// min(l, layers − 1), its directions concatenated.
    func initialStates(_ finals: [[RecurrentState]], batch: Int) -> [RecurrentState] {
        let d = config.decoderSize
        return (0..<config.decoderLayers).map { l in
            let directions = finals[min(l, finals.count - 1)]
            let hidden = directions.count == 1 ? directions[0].hidden : concat(directions.map(\.hidden), axis: 1)  // (B, D)
            let cell = directions[0].cell == nil ? nil : directions.count == 1 ? directions[0].cell! : concat(directions.map { $0.cell! }, axis: 1)
            switch config.bridge {
            case .zero:
                return RecurrentState(hidden: .zeros([batch, d]), cell: config.decoderCell == .lstm ? .zeros([batch, d]) : nil)
            case .last:
                return RecurrentState(hidden: hidden, cell: config.decoderCell == .lstm ? cell : nil)
            case .learned:
                let h0 = bridgeHidden[l](hidden).tanh()
                guard config.decoderCell == .lstm else { return RecurrentState(hidden: h0) }
                // A GRU/RNN encoder has no cell state: the LSTM decoder's cell starts from h.
                return RecurrentState(hidden: h0, cell: bridgeCell[l](cell ?? hidden))
            }
        }
    }
}
