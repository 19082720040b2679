import Tensor

/// Something with trainable parameters. Layers list their parameters by hand, with
/// dotted names (`weight`, `forward.weightIH`), in a fixed order: optimisers, checkpoints
/// and gradient clipping all walk this list.
public protocol Layer: AnyObject {
    /// The parameters, named relative to this layer.
    var parameters: [(name: String, tensor: Tensor)] { get }
}

extension Layer {
    /// The parameters with `prefix.` before each name (for a parent layer's list).
    public func parameters(prefixed prefix: String) -> [(name: String, tensor: Tensor)] {
        parameters.map { (prefix + "." + $0.name, $0.tensor) }
    }

    /// The number of trainable values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.tensor.count } }
}
