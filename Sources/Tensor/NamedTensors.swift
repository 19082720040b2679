/// Why saved tensors do not fit the tensors they should fill.
public enum NamedTensorMismatch: Error, Equatable {
    /// A target has no saved value.
    case missing(name: String)
    /// A saved value's shape differs from its target's.
    case shape(name: String, saved: [Int], expected: [Int])
    /// A saved value has no target (when extras are not allowed).
    case unexpected(name: String)
}

/// Copies `saved` values into `targets` by name: weights into a model, moments into an
/// optimiser. Every target must have a saved value of its shape; nothing is written unless
/// all fit.
public func copyNamedTensors(_ saved: [String: Tensor], into targets: [(name: String, tensor: Tensor)],
                             allowingExtra: Bool = false) throws(NamedTensorMismatch) {
    if !allowingExtra {
        let names = Set(targets.map(\.name))
        if let extra = saved.keys.sorted().first(where: { !names.contains($0) }) { throw .unexpected(name: extra) }
    }
    for (name, tensor) in targets {
        guard let value = saved[name] else { throw .missing(name: name) }
        guard value.shape == tensor.shape else { throw .shape(name: name, saved: value.shape, expected: tensor.shape) }
    }
    for (name, tensor) in targets {
        tensor.pointer.update(from: saved[name]!.pointer, count: tensor.count)
        tensor.valuesWritten()
    }
    Engine.parametersChanged()
}

/// Like `copyNamedTensors`, but each target takes over its saved value's memory instead of
/// copying it: loading a model from a memory-mapped file costs no copy, and pages of weights
/// are read from disk only when first used (and shared with other processes mapping the
/// file). Saved values must not be views.
public func adoptNamedTensors(_ saved: [String: Tensor], into targets: [(name: String, tensor: Tensor)]) throws(NamedTensorMismatch) {
    let names = Set(targets.map(\.name))
    if let extra = saved.keys.sorted().first(where: { !names.contains($0) }) { throw .unexpected(name: extra) }
    for (name, tensor) in targets {
        guard let value = saved[name] else { throw .missing(name: name) }
        guard value.shape == tensor.shape else { throw .shape(name: name, saved: value.shape, expected: tensor.shape) }
    }
    // A tied weight appears under one name and is one tensor: adopting once serves both.
    for (name, tensor) in targets { tensor.adoptStorage(of: saved[name]!) }
}
