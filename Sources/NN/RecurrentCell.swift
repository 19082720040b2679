import Tensor

/// The recurrent cells Recur offers.
public enum CellKind: String, Sendable, Codable, CaseIterable {
    case lstm, gru
    /// Elman RNN, h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh).
    case rnnTanh
    /// Elman RNN with ReLU in place of tanh.
    case rnnRelu

    /// Gate blocks in the weight matrices: 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n).
    public var gateCount: Int {
        switch self {
        case .lstm: 4
        case .gru: 3
        case .rnnTanh, .rnnRelu: 1
        }
    }
}

/// A recurrent layer's state: the hidden state h (B, H), and for an LSTM the cell c (B, H).
public struct RecurrentState {
    public var hidden: Tensor
    public var cell: Tensor?

    public init(hidden: Tensor, cell: Tensor? = nil) {
        self.hidden = hidden
        self.cell = cell
    }

    /// Rows `range`, as views.
    public func rows(_ range: Range<Int>) -> RecurrentState {
        RecurrentState(hidden: hidden.slice(range), cell: cell?.slice(range))
    }

    /// The first n rows, as views.
    public func prefix(_ n: Int) -> RecurrentState { rows(0..<n) }

    /// Rows `indices`, copied (a beam's reordering, a batch's sorting).
    public func gathering(_ indices: [Int32]) -> RecurrentState {
        RecurrentState(hidden: hidden.gatherRows(indices), cell: cell?.gatherRows(indices))
    }

    /// The states' rows one after another.
    static func joined(_ states: [RecurrentState]) -> RecurrentState {
        let parts = states.filter { $0.hidden.shape[0] > 0 }
        guard parts.count != 1 else { return parts[0] }
        guard !parts.isEmpty else { return states[0] }
        return RecurrentState(hidden: concat(parts.map(\.hidden), axis: 0),
                              cell: parts[0].cell == nil ? nil : concat(parts.map { $0.cell! }, axis: 0))
    }
}

/// One LSTM, GRU or RNN cell, with PyTorch's parameter layout (`weight_ih`, `weight_hh`,
/// `bias_ih`, `bias_hh`; gates stacked in PyTorch's order), so weights move between the two
/// unchanged.
///
/// The input side of the gates does not depend on the previous state, so a sequence layer
/// computes it for all steps in one matrix product (`projectInput`) and each step adds only
/// the recurrent product (`step`).
public final class RecurrentCell: Layer {
    public let kind: CellKind
    public let inputSize: Int, hiddenSize: Int
    /// G·H × I.
    public let weightIH: Tensor
    /// G·H × H.
    public let weightHH: Tensor
    /// (G·H) each.
    public let biasIH: Tensor, biasHH: Tensor

    /// - Parameter recurrentInitializer: for `weightHH`; nil uses `initializer`.
    public init(kind: CellKind, inputSize: Int, hiddenSize: Int, initializer: Initializer = .uniform(0.1),
                recurrentInitializer: Initializer? = nil, generator: inout RandomGenerator) {
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let gates = kind.gateCount * hiddenSize
        weightIH = Tensor.parameter([gates, inputSize], initializer, generator: &generator)
        weightHH = Tensor.parameter([gates, hiddenSize], recurrentInitializer ?? initializer, generator: &generator)
        biasIH = Tensor.parameter([gates], initializer, generator: &generator)
        biasHH = Tensor.parameter([gates], initializer, generator: &generator)
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        [("weightIH", weightIH), ("weightHH", weightHH), ("biasIH", biasIH), ("biasHH", biasHH)]
    }

    /// The input side of the gates, x·W_ihᵀ + b_ih: (…, I) → (…, G·H).
    public func projectInput(_ x: Tensor) -> Tensor { linear(x, weight: weightIH, bias: biasIH) }

    /// `projectInput` of the concatenation of `parts` (each (B, Iₚ)), which a loop does not
    /// keep (`linear(concatenating:)`).
    public func projectInput(concatenating parts: [Tensor]) -> Tensor { linear(concatenating: parts, weight: weightIH, bias: biasIH) }

    /// The zero state for a batch of `batch`.
    public func zeroState(batch: Int) -> RecurrentState {
        RecurrentState(hidden: Tensor.zeros([batch, hiddenSize]), cell: kind == .lstm ? Tensor.zeros([batch, hiddenSize]) : nil)
    }

    /// One step: `projected` (B, G·H) is `projectInput(x_t)`.
    public func step(projected: Tensor, state: RecurrentState) -> RecurrentState {
        let recurrent = linear(state.hidden, weight: weightHH, bias: biasHH)  // (B, G·H)
        switch kind {
        case .lstm:
            let (h, c) = lstmCell(gates: projected + recurrent, cell: state.cell!)
            return RecurrentState(hidden: h, cell: c)
        case .gru:
            return RecurrentState(hidden: gruCell(inputGates: projected, hiddenGates: recurrent, hidden: state.hidden))
        case .rnnTanh:
            return RecurrentState(hidden: (projected + recurrent).tanh())
        case .rnnRelu:
            return RecurrentState(hidden: (projected + recurrent).relu())
        }
    }
}

