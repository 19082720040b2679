import _Kernels

// The fused recurrent cell updates: one kernel pass per step forward and one backward,
// instead of a dozen elementwise ops. The matrix products that make the gates stay
// outside (`linear`), where BLAS does them for the whole sequence or batch at once.

/// The gradient at `slot`, or scratch of `count` zeros for a gradient nobody asked for (a
/// kernel writes every output).
private func gradientOrScratch(_ slot: GradientSlot?, count: Int) -> (UnsafeMutablePointer<Float>, Tensor?) {
    if let slot { return (slot.buffer, nil) }
    let scratch = Tensor.zeros([count])
    return (scratch.pointer, scratch)
}

/// One LSTM step (Hochreiter & Schmidhuber 1997, with PyTorch's gate order i, f, g, o):
///
///     c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g)
///     h' = σ(o) ⊙ tanh(c')
///
/// - Parameters:
///   - gates: (B, 4H) pre-activations x·W_ihᵀ + h·W_hhᵀ + b.
///   - cell: (B, H) previous cell state c.
/// - Returns: the new hidden state h' and cell state c', both (B, H).
public func lstmCell(gates: Tensor, cell: Tensor) -> (hidden: Tensor, cell: Tensor) {
    let (batch, hidden) = (cell.rowCount, cell.lastDimension)
    precondition(gates.shape == [batch, 4 * hidden], "lstmCell: gates \(gates.shape) for cell \(cell.shape): need (B, 4H)")
    let h = Tensor(uninitialized: [batch, hidden]), c = Tensor(uninitialized: [batch, hidden])
    let tape = Tape.recording(gates, cell)
    let acts = tape == nil ? nil : Tensor(uninitialized: [batch, 4 * hidden])
    Parallel.forRows(batch, elementsPerRow: 8 * hidden) { rows in
        let (r, n) = (rows.lowerBound, rows.count)
        rk_lstm_forward(n, hidden, gates.pointer + r * 4 * hidden, cell.pointer + r * hidden,
                        h.pointer + r * hidden, c.pointer + r * hidden,
                        acts.map { $0.pointer + r * 4 * hidden })
    }
    if let tape, let acts {
        h.requiresGrad = true  // h and c share one pullback, recorded with c
        // Saved: the activations, c and c' (the next step keeps c' anyway); not the gates.
        let (gh, gc, ggates, gcell) = (h.gradientSlot, c.gradientSlot, gates.gradientSlotIfRequired, cell.gradientSlotIfRequired)
        tape.append(c) {
            let (dh, dc) = (gh.existing, gc.existing)
            guard dh != nil || dc != nil else { return }
            let (dgates, scratchGates) = gradientOrScratch(ggates, count: batch * 4 * hidden)
            let (dcell, scratchCell) = gradientOrScratch(gcell, count: batch * hidden)
            Parallel.forRows(batch, elementsPerRow: 8 * hidden) { rows in
                let (r, n) = (rows.lowerBound, rows.count)
                rk_lstm_backward_acc(n, hidden, acts.pointer + r * 4 * hidden, cell.pointer + r * hidden,
                                     c.pointer + r * hidden, dh.map { $0 + r * hidden }, dc.map { $0 + r * hidden },
                                     dgates + r * 4 * hidden, dcell + r * hidden)
            }
            withExtendedLifetime((scratchGates, scratchCell)) {}
        }
    }
    return (h, c)
}

/// One GRU step (Cho et al. 2014, PyTorch's form with gate order r, z, n):
///
///     r = σ(gi_r + gh_r),  z = σ(gi_z + gh_z)
///     n = tanh(gi_n + r ⊙ gh_n)
///     h' = (1 − z) ⊙ n + z ⊙ h
///
/// - Parameters:
///   - inputGates: (B, 3H) x·W_ihᵀ + b_ih.
///   - hiddenGates: (B, 3H) h·W_hhᵀ + b_hh (kept apart: r multiplies only its n part).
///   - hidden: (B, H) previous state h.
/// - Returns: the new state h', (B, H).
public func gruCell(inputGates gi: Tensor, hiddenGates gh: Tensor, hidden: Tensor) -> Tensor {
    let (batch, size) = (hidden.rowCount, hidden.lastDimension)
    precondition(gi.shape == [batch, 3 * size] && gh.shape == gi.shape,
                 "gruCell: gates \(gi.shape), \(gh.shape) for state \(hidden.shape): need (B, 3H)")
    let h = Tensor(uninitialized: [batch, size])
    let tape = Tape.recording(gi, gh, hidden)
    let acts = tape == nil ? nil : Tensor(uninitialized: [batch, 4 * size])
    Parallel.forRows(batch, elementsPerRow: 8 * size) { rows in
        let (r, n) = (rows.lowerBound, rows.count)
        rk_gru_forward(n, size, gi.pointer + r * 3 * size, gh.pointer + r * 3 * size, hidden.pointer + r * size,
                       h.pointer + r * size, acts.map { $0.pointer + r * 4 * size })
    }
    if let tape, let acts {
        // Saved: the activations and h (the previous state's values); not the gate inputs.
        let (gOut, gInput, gHidden) = (h.gradientSlot, gi.gradientSlotIfRequired, gh.gradientSlotIfRequired)
        tape.append(h) {
            guard let dh = gOut.existing else { return }
            let dgi = gInput?.buffer
            let dgh = gHidden?.buffer
            let dprev = hidden.requiresGrad ? hidden.gradBuffer : nil
            Parallel.forRows(batch, elementsPerRow: 8 * size) { rows in
                let (r, n) = (rows.lowerBound, rows.count)
                rk_gru_backward_acc(n, size, acts.pointer + r * 4 * size, hidden.pointer + r * size, dh + r * size,
                                    dgi.map { $0 + r * 3 * size }, dgh.map { $0 + r * 3 * size }, dprev.map { $0 + r * size })
            }
        }
    }
    return h
}
