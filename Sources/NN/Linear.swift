import Tensor

/// An affine map y = x·Wᵀ + b: (…, I) → (…, O), with W stored O × I as in PyTorch.
public final class Linear: Layer {
    /// O × I.
    public let weight: Tensor
    /// (O), or nil for a map without bias.
    public let bias: Tensor?

    public init(inputSize: Int, outputSize: Int, bias: Bool = true, initializer: Initializer = .uniform(0.1),
                generator: inout RandomGenerator) {
        weight = Tensor.parameter([outputSize, inputSize], initializer, generator: &generator)
        self.bias = bias ? Tensor.parameter([outputSize], initializer, generator: &generator) : nil
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    public func callAsFunction(_ x: Tensor) -> Tensor { linear(x, weight: weight, bias: bias) }

    /// The map of the concatenation of `parts` (each (N, Iₚ)) along their last axis
    /// (`linear(concatenating:)`: inside a recurrent loop, the concatenation is not kept).
    public func callAsFunction(concatenating parts: [Tensor]) -> Tensor { linear(concatenating: parts, weight: weight, bias: bias) }
}
