import NN
import Tensor

/// An attentional encoder–decoder (Bahdanau et al. 2015; Luong et al. 2015).
///
/// Its layers hold only constant references to parameter tensors, so several threads may
/// decode with one model at once; train it from one thread at a time.
public final class Seq2SeqModel: Layer, @unchecked Sendable {
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
    /// t − 1 and predicts token t, for the n_t sentences that still have one. With coverage,
    /// plus λ Σ_t Σ_s min(a_t,s, c_t,s) (See et al. 2017, eq. 13), reduced the same way.
    ///
    /// - Parameters:
    ///   - labelSmoothing: ε of the smoothed target distribution.
    ///   - coverageLossWeight: λ (See et al.: 1); used only by a model with coverage.
    ///   - reduction: `.mean` per target token (the reference's) or `.sum`.
    ///   - dropout: draws dropout masks when training; nil for none.
    ///   - sampling: scheduled sampling (Bengio et al. 2015): with this probability a
    ///     sentence's input at step t > 0 is the model's own best guess at step t − 1
    ///     rather than the gold token; drawn from `sampler`.
    /// - Returns: the loss (a scalar) and the number of target tokens.
    public func loss(_ batch: TrainingBatch, labelSmoothing: Float = 0, coverageLossWeight: Float = 1, reduction: Reduction = .mean,
                     dropout: inout RandomGenerator?, sampling: Double = 0, sampler: inout RandomGenerator) -> (loss: Tensor, tokens: Int)
    {
        precondition((batch.copyIDs != nil) == config.pointerGenerator,
                     config.pointerGenerator ? "a pointer-generator trains on batches with copy sources" : "copy sources given to a model without a pointer-generator")
        let encoded = encoder(batch.source, attention: decoder.attention, dropout: &dropout)
        let (width, sourceSteps) = (batch.batchSize, batch.source.steps)
        let extendedSize = batch.copyIDs.map { CopyRows.extendedSize($0, vocabularySize: config.targetVocabularySize) } ?? config.targetVocabularySize
        /// The copy rows of the first n sentences: a prefix of the batch-major ids.
        func copyRows(_ n: Int) -> CopyRows? { batch.copyIDs.map { CopyRows(ids: Array($0[0..<n * sourceSteps]), extendedSize: extendedSize) } }
        var state = decoder.initialState(encoded)
        var outputs: [Tensor] = []  // h̃ per step, or scores per step when sampling
        var weights: [Tensor] = [], generations: [Tensor] = [], overlaps: [Tensor] = []  // weights and p_gen: copying only
        var guesses: [Int32] = []
        var n = width
        Tape.packingWeights(sharing: decoder.stepWeights) {  // each step's products with the decoder's weights: packed once for the loop
            for (t, active) in batch.activeCounts.enumerated() {
                if active < n { state = state.prefix(active) }
                n = active
                var inputs = Array(batch.targetInputs[t * width..<t * width + n])
                if sampling > 0, t > 0 {
                    for r in 0..<n where Double(sampler.nextFloat()) < sampling { inputs[r] = guesses[r] }
                }
                var embedded = decoder.embed(inputs)  // (n, E)
                if config.dropout > 0, dropout != nil { embedded = embedded.dropout(rate: config.dropout, generator: &dropout!) }
                let step = decoder.step(embedded, state: state, encoded: encoded.prefix(n), dropout: &dropout)
                if let coverage = state.coverage, coverageLossWeight > 0 { overlaps.append(minimum(step.weights, coverage)) }  // (n, S)
                state = step.state
                if sampling > 0 {
                    let scores = decoder.scores(step.attentional, weights: step.weights, generation: step.generation, copy: copyRows(n))
                    guesses = argmaxRows(scores)
                    outputs.append(scores)
                } else {
                    outputs.append(step.attentional)
                    if let generation = step.generation {
                        weights.append(step.weights)
                        generations.append(generation)
                    }
                }
            }
        }
        let joined = concat(outputs, axis: 0)  // (N, D) h̃, or (N, V′) scores when sampling; N = Σ n_t, packed order
        let scores: Tensor
        if sampling > 0 {
            scores = joined
        } else if let ids = batch.copyIDs {  // the packed rows' copy ids: step t's rows are the first n_t sentences'
            let copy = CopyRows(ids: batch.activeCounts.flatMap { ids[0..<$0 * sourceSteps] }, extendedSize: extendedSize)
            scores = decoder.scores(joined, weights: concat(weights, axis: 0), generation: concat(generations, axis: 0), copy: copy)
        } else {
            scores = decoder.logits(joined)
        }
        let (crossEntropy, tokens) = crossEntropy(logits: scores, targets: batch.packedTargets, ignoreIndex: -1,
                                                  labelSmoothing: labelSmoothing, reduction: reduction)
        guard !overlaps.isEmpty else { return (crossEntropy, tokens) }
        let scale = coverageLossWeight / (reduction == .mean ? Float(max(tokens, 1)) : 1)
        return (crossEntropy + concat(overlaps, axis: 0).sum() * scale, tokens)
    }

    /// The teacher-forced loss without scheduled sampling.
    public func loss(_ batch: TrainingBatch, labelSmoothing: Float = 0, coverageLossWeight: Float = 1, reduction: Reduction = .mean,
                     dropout: inout RandomGenerator?) -> (loss: Tensor, tokens: Int)
    {
        var unused = RandomGenerator(seed: 0)
        return loss(batch, labelSmoothing: labelSmoothing, coverageLossWeight: coverageLossWeight, reduction: reduction,
                    dropout: &dropout, sampling: 0, sampler: &unused)
    }

    /// Σ −log p of every target token (and `</s>`) of `batches`, teacher-forced, without
    /// smoothing, dropout or recording, and the number of tokens: validation loss and
    /// test-set perplexity.
    public func negativeLogLikelihood(of batches: [SentencePairs]) -> (total: Double, tokens: Int) {
        Tape.withoutRecording {
            var noDropout: RandomGenerator? = nil
            return batches.reduce((0.0, 0)) { sum, pairs in
                let (loss, tokens) = self.loss(TrainingBatch(pairs), coverageLossWeight: 0, reduction: .sum, dropout: &noDropout)
                return (sum.0 + Double(loss.scalar), sum.1 + tokens)
            }
        }
    }
}
