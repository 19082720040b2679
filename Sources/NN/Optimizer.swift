import Foundation
import Tensor
import _Kernels

/// Updates parameters from their gradients. `step` applies one update and zeroes the
/// gradients; `state` and `restore` carry the optimiser's memory through checkpoints, so a
/// resumed run continues exactly.
public protocol Optimizer: AnyObject {
    /// The parameters it updates, by name.
    var parameters: [(name: String, tensor: Tensor)] { get }
    /// Applies one update with learning rate `learningRate`, then zeroes the gradients.
    func step(learningRate: Float)
    /// Updates taken so far.
    var stepCount: Int { get }
    /// The optimiser's tensors by name (moments, momentum buffers), for a checkpoint.
    var state: [(name: String, tensor: Tensor)] { get }
    /// Restores what `state` saved, and the step count.
    func restore(state: [String: Tensor], stepCount: Int) throws
}

public struct OptimizerStateError: Error, CustomStringConvertible {
    public let description: String
}

/// Copies saved optimiser state into `targets`, with messages that name the tensor.
func restoreTensors(_ targets: [(name: String, tensor: Tensor)], from saved: [String: Tensor]) throws {
    do {
        try copyNamedTensors(saved, into: targets)
    } catch .missing(let name) {
        throw OptimizerStateError(description: "optimiser state '\(name)' is missing from the checkpoint")
    } catch .shape(let name, let savedShape, let expected) {
        throw OptimizerStateError(description: "optimiser state '\(name)' has shape \(savedShape) in the checkpoint, \(expected) in the model")
    } catch .unexpected(let name) {
        throw OptimizerStateError(description: "optimiser state '\(name)' in the checkpoint belongs to no parameter (another optimiser or model?)")
    }
}

/// Adam (Kingma & Ba 2015) with decoupled weight decay (AdamW, Loshchilov & Hutter 2019).
public final class Adam: Optimizer {
    public let parameters: [(name: String, tensor: Tensor)]
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    private let moments: [(m: Tensor, v: Tensor)]
    public private(set) var stepCount = 0

    public init(parameters: [(name: String, tensor: Tensor)], beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        (self.beta1, self.beta2, self.epsilon, self.weightDecay) = (beta1, beta2, epsilon, weightDecay)
        moments = parameters.map { (Tensor.zeros($0.tensor.shape), Tensor.zeros($0.tensor.shape)) }
    }

    public func step(learningRate: Float) {
        stepCount += 1
        Engine.parametersChanged()
        parameters.forEach { $0.tensor.valuesWritten() }
        let bc1 = 1 - Float(pow(Double(beta1), Double(stepCount))), bc2 = 1 - Float(pow(Double(beta2), Double(stepCount)))
        for ((_, p), (m, v)) in zip(parameters, moments) {
            if let rows = p.gradientRows {
                // Row by row, a zero row standing in for each row the gradient does not hold:
                // the numbers of a dense update, without a dense gradient.
                let (width, zeros) = (rows.width, [Float](repeating: 0, count: rows.width))
                zeros.withUnsafeBufferPointer { zeroRow in
                    let zero = zeroRow.baseAddress!
                    Parallel.forRows(rows.rowCount, elementsPerRow: width) { range in
                        for r in range {
                            let o = r * width
                            rk_adam(width, p.pointer + o, rows.row(r) ?? zero, m.pointer + o, v.pointer + o, learningRate,
                                    beta1, beta2, epsilon, bc1, bc2, weightDecay)
                        }
                    }
                }
                p.zeroGrad()
                continue
            }
            guard let g = p.grad else { continue }
            // Memory-bound (seven streams of the parameter's size): both cores' share of the
            // bandwidth, and each half's gradient zeroed while it is in cache.
            Parallel.forRows(p.count, elementsPerRow: 1) { range in
                let o = range.lowerBound
                rk_adam(range.count, p.pointer + o, g.pointer + o, m.pointer + o, v.pointer + o, learningRate, beta1, beta2,
                        epsilon, bc1, bc2, weightDecay)
                (g.pointer + o).update(repeating: 0, count: range.count)
            }
        }
    }

    public var state: [(name: String, tensor: Tensor)] {
        zip(parameters, moments).flatMap { p, mv in [("m." + p.name, mv.m), ("v." + p.name, mv.v)] }
    }

    public func restore(state saved: [String: Tensor], stepCount: Int) throws {
        try restoreTensors(state, from: saved)
        self.stepCount = stepCount
    }
}

/// Stochastic gradient descent with optional momentum (PyTorch's form: buf = μ·buf + g,
/// w −= lr·buf) and coupled weight decay (g += wd·w). It reads every gradient as one buffer
/// (`grad`), so an embedding table's stops being held by rows at its first step.
public final class SGD: Optimizer {
    public let parameters: [(name: String, tensor: Tensor)]
    public let momentum: Float, weightDecay: Float
    private let buffers: [Tensor]
    public private(set) var stepCount = 0

    public init(parameters: [(name: String, tensor: Tensor)], momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        (self.momentum, self.weightDecay) = (momentum, weightDecay)
        buffers = momentum > 0 ? parameters.map { Tensor.zeros($0.tensor.shape) } : []
    }

    public func step(learningRate: Float) {
        stepCount += 1
        Engine.parametersChanged()
        parameters.forEach { $0.tensor.valuesWritten() }
        for (i, (_, p)) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            if weightDecay > 0 { rk_acc(p.count, weightDecay, p.pointer, g.pointer) }
            rk_sgd(p.count, p.pointer, g.pointer, buffers.isEmpty ? nil : buffers[i].pointer, learningRate, momentum)
            p.zeroGrad()
        }
    }

    public var state: [(name: String, tensor: Tensor)] {
        zip(parameters, buffers).map { ("momentum." + $0.name, $1) }
    }

    public func restore(state saved: [String: Tensor], stepCount: Int) throws {
        try restoreTensors(state, from: saved)
        self.stepCount = stepCount
    }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm` (Pascanu et al. 2013),
/// as PyTorch's `clip_grad_norm_`. Returns the norm before clipping (log it: a norm that
/// keeps hitting the limit says the learning rate is too high).
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    // Each gradient's values: of one held by rows, the rows held (the rest are zero).
    let gradients = parameters.compactMap { p in p.gradientRows.map(\.values) ?? p.grad.map(\.values) }
    let norm = Float(gradients.reduce(0.0) { $0 + rk_sum_squares($1.count, $1.baseAddress) }.squareRoot())
    if maxNorm > 0, norm > maxNorm {
        let scale = maxNorm / (norm + 1e-6)
        for g in gradients { rk_scale(g.count, scale, g.baseAddress, g.baseAddress) }
    }
    return norm
}

extension Tensor {
    /// The elements, as a buffer to change in place.
    fileprivate var values: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
