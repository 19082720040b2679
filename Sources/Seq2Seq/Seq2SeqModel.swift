import NN
import Tensor

/// An attentional encoder–decoder (Bahdanau et al. 2015; Luong et al. 2015).
public final class Seq2SeqModel: Layer {
    public let config: ModelConfig
    public let encoder: Encoder
    public let decoder: Decoder

    /// A model with fresh parameters drawn from `seed`.
    public init(_ config: ModelConfig, seed: UInt64) {
        precondition(config.problems.isEmpty, config.problems.joined(separator: "; "))
        self.config = config
        var generator = RandomGenerator(seed: seed)
        encoder = Encoder(config, generator: &generator)
        decoder = Decoder(config, generator: &generator)
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        encoder.parameters(prefixed: "encoder") + decoder.parameters(prefixed: "decoder")
    }

    /// Encodes a batch of sources (no dropout).
    public func encode(_ source: SourceBatch) -> EncodedSource {
        var noDropout: RandomGenerator? = nil
        return encoder(source, attention: decoder.attention, dropout: &noDropout)
    }

    /// The teacher-forced cross-entropy of a batch: decoder step t reads the gold token
    /// t − 1 and predicts token t, for the n_t sentences that still have one.
    ///
    /// - Parameters:
    ///   - labelSmoothing: ε of the smoothed target distribution.
    ///   - reduction: `.mean` per target token (the reference's) or `.sum`.
    ///   - dropout: draws dropout masks when training; nil for none.
    /// - Returns: the loss (a scalar) and the number of target tokens.
    public func loss(_ batch: TrainingBatch, labelSmoothing: Float = 0, reduction: Reduction = .mean,
                     dropout: inout RandomGenerator?) -> (loss: Tensor, tokens: Int)
    {
        let encoded = encoder(batch.source, attention: decoder.attention, dropout: &dropout)
        var embedded = decoder.embedding(batch.targetInputs)  // (T·B, E), time-major
        if config.dropout > 0, dropout != nil { embedded = embedded.dropout(rate: config.dropout, generator: &dropout!) }
        embedded = embedded.reshaped([batch.activeCounts.count, batch.batchSize, config.embeddingSize])
        var state = decoder.initialState(encoded)
        var outputs: [Tensor] = []
        var n = batch.batchSize
        for (t, active) in batch.activeCounts.enumerated() {
            if active < n { state = state.prefix(active) }
            n = active
            let step = decoder.step(embedded[t].slice(0..<n), state: state, encoded: encoded.prefix(n), dropout: &dropout)
            outputs.append(step.attentional)
            state = step.state
        }
        let logits = decoder.logits(concat(outputs, axis: 0))  // (N, V), packed order
        return crossEntropy(logits: logits, targets: batch.packedTargets, ignoreIndex: -1,
                            labelSmoothing: labelSmoothing, reduction: reduction)
    }
}
