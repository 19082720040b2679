import _Kernels

/// A weight matrix rounded to bfloat16 for mixed-precision products (`Engine.matrixPrecision`),
/// with the parameter generation it was made in. A training step uses each weight in dozens of
/// products (a recurrent weight once per time step, forward and backward); rounding it once per
/// step instead of once per product saved 13% of a bf16 step.
final class BF16Form {
    let values: UnsafeMutablePointer<UInt16>
    let count: Int
    var generation: Int

    init(count: Int) {
        values = .allocate(capacity: count)
        self.count = count
        generation = -1
    }

    deinit { values.deallocate() }
}

extension Engine {
    /// Advances with every change to parameters; a bf16 rounding from an earlier generation is
    /// stale. Optimiser steps, loading weights and the start of every recorded forward pass
    /// advance it (the last so that no path that changes weights between two steps can leave
    /// a step with stale roundings).
    nonisolated(unsafe) static var parameterGeneration = 0

    /// Tells the engine that parameters may have changed (an optimiser's step, a load).
    public static func parametersChanged() { parameterGeneration &+= 1 }
}

extension Tensor {
    /// This matrix rounded to bf16 (row-major, as stored), rounded again if parameters have
    /// changed since. For weights only: an activation's buffer may hold other values while the
    /// generation stays the same.
    func bf16Rounding() -> UnsafePointer<UInt16> {
        if bf16Form?.count != count { bf16Form = BF16Form(count: count) }
        let form = bf16Form!
        if form.generation != Engine.parameterGeneration {
            rk_to_bf16(pointer, form.values, count)
            form.generation = Engine.parameterGeneration
        }
        return UnsafePointer(form.values)
    }
}
