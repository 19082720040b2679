import Tensor

/// Stacked recurrent layers, each one- or two-directional, over padded sequences: an
/// encoder's core. A bidirectional layer concatenates its forward and backward outputs
/// (T, B, 2H); dropout applies between layers (not after the last, as in PyTorch's
/// `nn.LSTM(dropout:)`), and a residual connection adds a layer's input to its output when
/// the sizes agree (Wu et al. 2016, §3.1, from the third layer on there; here every layer
/// after the first when `residual`).
public final class RecurrentStack: Layer {
    /// `layers[l][d]`: layer l, direction d (0 forwards, 1 backwards).
    public let layers: [[RecurrentCell]]
    public let hiddenSize: Int
    public let dropout: Float
    public let residual: Bool

    public var bidirectional: Bool { layers[0].count == 2 }
    /// Features per output position: H, or 2H when bidirectional.
    public var outputSize: Int { hiddenSize * layers[0].count }

    public init(kind: CellKind, inputSize: Int, hiddenSize: Int, layers count: Int, bidirectional: Bool,
                dropout: Float = 0, residual: Bool = false, initializer: Initializer = .uniform(0.1),
                recurrentInitializer: Initializer? = nil, generator: inout RandomGenerator) {
        precondition(count >= 1, "a recurrent stack needs at least one layer")
        let directions = bidirectional ? 2 : 1
        layers = (0..<count).map { l in
            (0..<directions).map { _ in
                RecurrentCell(kind: kind, inputSize: l == 0 ? inputSize : hiddenSize * directions, hiddenSize: hiddenSize,
                              initializer: initializer, recurrentInitializer: recurrentInitializer, generator: &generator)
            }
        }
        self.hiddenSize = hiddenSize
        self.dropout = dropout
        self.residual = residual
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        layers.enumerated().flatMap { l, cells in
            cells.enumerated().flatMap { d, cell in cell.parameters(prefixed: "layer\(l).\(d == 0 ? "forward" : "backward")") }
        }
    }

    /// - Parameters:
    ///   - input: (T, B, I).
    ///   - lengths: each sentence's length.
    ///   - generator: draws the dropout masks; nil when not training (no dropout).
    /// - Returns: the last layer's outputs (T, B, outputSize), and the final states,
    ///   `finals[l][d]`.
    public func callAsFunction(_ input: Tensor, lengths: [Int], generator: inout RandomGenerator?)
        -> (outputs: Tensor, finals: [[RecurrentState]])
    {
        var x = input
        var finals: [[RecurrentState]] = []
        for (l, cells) in layers.enumerated() {
            if l > 0, dropout > 0, generator != nil { x = x.dropout(rate: dropout, generator: &generator!) }
            let runs = cells.enumerated().map { d, cell in cell.run(x, lengths: lengths, reversed: d == 1) }
            let output = runs.count == 1 ? runs[0].outputs : concat(runs.map(\.outputs), axis: 2)  // (T, B, H) or (T, B, 2H)
            x = residual && l > 0 && output.shape == x.shape ? output + x : output
            finals.append(runs.map(\.final))
        }
        return (x, finals)
    }
}
