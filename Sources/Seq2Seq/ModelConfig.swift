import NN

/// How the decoder's initial state is made from the encoder's final states.
public enum BridgeKind: String, Sendable, Codable, CaseIterable {
    /// Zeros.
    case zero
    /// The encoder's final states as they are (forward and backward concatenated).
    case last
    /// h₀ = tanh(W_h [h_fwd; h_bwd] + b_h), c₀ = W_c [c_fwd; c_bwd] + b_c: the reference model's.
    case learned
}

/// The shape of a model: everything needed to build it, and nothing about training. A
/// recipe's `model` section decodes into this; the bundle stores it beside the weights.
public struct ModelConfig: Sendable, Codable, Equatable {
    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    /// E, both embeddings.
    public var embeddingSize = 256
    /// H, the encoder's hidden size per direction. The decoder's is D = H × directions.
    public var hiddenSize = 256
    public var encoderLayers = 1
    public var decoderLayers = 1
    public var encoderCell: CellKind = .lstm
    public var decoderCell: CellKind = .lstm
    public var bidirectional = true
    public var attention: AttentionKind = .general
    /// Luong input feeding: the previous attentional vector h̃ joins the decoder's input.
    public var inputFeeding = true
    public var bridge: BridgeKind = .learned
    /// Dropout on embeddings, between recurrent layers and on h̃ (training only).
    public var dropout: Float = 0
    /// Residual connections between stacked recurrent layers.
    public var residual = false
    /// Share the target embedding matrix with the output layer (Press & Wolf 2017); needs
    /// embeddingSize == decoder size.
    public var tieTargetEmbeddings = false
    /// Parameters start uniform in ±initScale (the reference: 0.1).
    public var initScale: Float = 0.1
    /// Copy attention (See, Liu and Manning 2017, §2.2): a gate p_gen mixes the vocabulary
    /// distribution with the attention over source positions, over a vocabulary extended
    /// with each source's unknown words, so those can be copied.
    public var pointerGenerator = false
    /// Coverage (See et al. 2017, §2.3): attention scores read the sum of past attention,
    /// which the coverage loss uses to discourage attending twice; needs bahdanau attention.
    public var coverage = false

    public init(sourceVocabularySize: Int, targetVocabularySize: Int) {
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
    }

    /// D, the decoder's hidden size.
    public var decoderSize: Int { hiddenSize * (bidirectional ? 2 : 1) }

    /// The reference model of ../shared/reference/pytorch at embedding size E and hidden size H.
    public static func reference(embeddingSize: Int, hiddenSize: Int, vocabularySize: Int = 8000) -> ModelConfig {
        var config = ModelConfig(sourceVocabularySize: vocabularySize, targetVocabularySize: vocabularySize)
        config.embeddingSize = embeddingSize
        config.hiddenSize = hiddenSize
        return config
    }

    /// Problems that make the configuration unbuildable, each a sentence naming the field.
    public var problems: [String] {
        var problems: [String] = []
        for (name, value) in [("sourceVocabularySize", sourceVocabularySize), ("targetVocabularySize", targetVocabularySize),
                              ("embeddingSize", embeddingSize), ("hiddenSize", hiddenSize),
                              ("encoderLayers", encoderLayers), ("decoderLayers", decoderLayers)] where value < 1 {
            problems.append("\(name) must be at least 1, got \(value)")
        }
        if !(0..<1).contains(dropout) { problems.append("dropout must be in [0, 1), got \(dropout)") }
        if tieTargetEmbeddings && embeddingSize != decoderSize {
            problems.append("tieTargetEmbeddings needs embeddingSize (\(embeddingSize)) equal to the decoder size (\(decoderSize) = hiddenSize × directions)")
        }
        if coverage && attention != .bahdanau {
            problems.append("coverage enters additive attention's scores (See et al. 2017, eq. 11), so it needs attention 'bahdanau', got '\(attention.rawValue)'")
        }
        if bridge == .last && encoderCell != decoderCell {
            problems.append("bridge 'last' passes encoder states to the decoder as they are, so encoderCell and decoderCell must match (got \(encoderCell.rawValue) and \(decoderCell.rawValue)); use 'learned' or 'zero'")
        }
        return problems
    }
}

extension ModelConfig {
    enum CodingKeys: String, CodingKey {
        case sourceVocabularySize, targetVocabularySize, embeddingSize, hiddenSize, encoderLayers, decoderLayers, encoderCell,
             decoderCell, bidirectional, attention, inputFeeding, bridge, dropout, residual, tieTargetEmbeddings, initScale,
             pointerGenerator, coverage
    }

    /// Reads config.json; keys added after the first bundles (`pointerGenerator`,
    /// `coverage`) default to off, so older bundles still load.
    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(sourceVocabularySize: try c.decode(Int.self, forKey: .sourceVocabularySize),
                  targetVocabularySize: try c.decode(Int.self, forKey: .targetVocabularySize))
        embeddingSize = try c.decode(Int.self, forKey: .embeddingSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        encoderLayers = try c.decode(Int.self, forKey: .encoderLayers)
        decoderLayers = try c.decode(Int.self, forKey: .decoderLayers)
        encoderCell = try c.decode(CellKind.self, forKey: .encoderCell)
        decoderCell = try c.decode(CellKind.self, forKey: .decoderCell)
        bidirectional = try c.decode(Bool.self, forKey: .bidirectional)
        attention = try c.decode(AttentionKind.self, forKey: .attention)
        inputFeeding = try c.decode(Bool.self, forKey: .inputFeeding)
        bridge = try c.decode(BridgeKind.self, forKey: .bridge)
        dropout = try c.decode(Float.self, forKey: .dropout)
        residual = try c.decode(Bool.self, forKey: .residual)
        tieTargetEmbeddings = try c.decode(Bool.self, forKey: .tieTargetEmbeddings)
        initScale = try c.decode(Float.self, forKey: .initScale)
        pointerGenerator = try c.decodeIfPresent(Bool.self, forKey: .pointerGenerator) ?? false
        coverage = try c.decodeIfPresent(Bool.self, forKey: .coverage) ?? false
    }
}
