import Tensor

/// A lookup table from token ids to vectors: (N) ids → (N, E).
public final class Embedding: Layer {
    /// V × E.
    public let weight: Tensor
    /// The id whose vector stays zero and takes no gradient (`<pad>`), if any.
    public let paddingIndex: Int32?

    public init(vocabularySize: Int, size: Int, paddingIndex: Int32? = 0, initializer: Initializer = .uniform(0.1),
                generator: inout RandomGenerator) {
        weight = Tensor.parameter([vocabularySize, size], initializer, generator: &generator)
        self.paddingIndex = paddingIndex
        if let paddingIndex { (weight.pointer + Int(paddingIndex) * size).update(repeating: 0, count: size) }
    }

    public var parameters: [(name: String, tensor: Tensor)] { [("weight", weight)] }

    /// The vectors of `ids`, (N, E).
    public func callAsFunction(_ ids: [Int32]) -> Tensor { weight.gatherRows(ids, paddingIndex: paddingIndex) }
}
