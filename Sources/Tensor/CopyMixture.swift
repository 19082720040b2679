import _Kernels

/// The pointer-generator's output distribution (See, Liu and Manning 2017, §2.2, eq. 9),
/// as log-probabilities over a vocabulary extended with each row's source words:
///
///     P(w) = p_gen · softmax(logits)_w + (1 − p_gen) · Σ_{s : src_s = w} a_s
///
/// One fused op: the softmax, the scatter of attention onto source words, the mixture and
/// the logarithm in one pass per row; the pullback is hand-written beside it.
///
/// Words outside the vocabulary (ids ≥ V) get probability only from copying: an extended id
/// that none of a row's source positions carries (another sentence's unknown word, in a
/// batch) has log P = −∞, so no search can choose it. Elsewhere the log is taken of
/// P + 1e-20, which keeps a vanishing vocabulary probability finite (about −46).
///
/// - Parameters:
///   - logits: (N, V) the generator's scores.
///   - attention: (N, S) attention weights over source positions (0 at padding).
///   - generation: (N, 1) p_gen, in (0, 1).
///   - sourceIDs: N × S ids, row-major: the extended-vocabulary id of the word at each
///     source position (V + i for the row's i-th out-of-vocabulary word; any valid id at
///     padding, where the weight is 0).
///   - extendedSize: the width of the output, V + the most out-of-vocabulary words of a row.
/// - Returns: (N, extendedSize) log P.
public func copyMixture(logits: Tensor, attention: Tensor, generation: Tensor, sourceIDs: [Int32], extendedSize: Int) -> Tensor {
    let (rows, v, s) = (logits.rowCount, logits.lastDimension, attention.lastDimension)
    precondition(attention.rowCount == rows && generation.count == rows,
                  "copyMixture: logits \(logits.shape), attention \(attention.shape), generation \(generation.shape) disagree on rows")
    precondition(sourceIDs.count == rows * s, "copyMixture: \(sourceIDs.count) source ids for \(rows) × \(s) positions")
    precondition(extendedSize >= v, "copyMixture: extended size \(extendedSize) below the vocabulary's \(v)")
    precondition(sourceIDs.allSatisfy { $0 >= 0 && Int($0) < extendedSize }, "copyMixture: a source id is outside 0..<\(extendedSize)")
    let floor: Float = 1e-20
    let probabilities = Tensor(uninitialized: [rows, v])  // softmax(logits), kept for the pullback
    let mixture = Tensor(uninitialized: [rows, extendedSize])  // P, kept for the pullback
    let y = Tensor(uninitialized: [rows, extendedSize])
    let ids = UnsafeSendableBox(sourceIDs)
    Parallel.forRows(rows, elementsPerRow: extendedSize * 8) { range in
        rk_softmax(range.count, v, logits.pointer + range.lowerBound * v, nil, probabilities.pointer + range.lowerBound * v)
        for r in range {
            let (q, p, a, gate) = (probabilities.pointer + r * v, mixture.pointer + r * extendedSize, attention.pointer + r * s, generation.pointer[r])
            rk_scale(v, gate, q, p)
            (p + v).update(repeating: 0, count: extendedSize - v)
            for j in 0..<s { p[Int(ids.value[r * s + j])] += (1 - gate) * a[j] }
            let out = y.pointer + r * extendedSize
            for w in 0..<extendedSize { out[w] = p[w] + floor }
        }
        let o = range.lowerBound * extendedSize
        rk_log(range.count * extendedSize, y.pointer + o, y.pointer + o)
        guard extendedSize > v else { return }
        var carried = [Bool](repeating: false, count: extendedSize - v)
        for r in range {  // extended ids the row's source does not have
            for w in carried.indices { carried[w] = false }
            for j in 0..<s where ids.value[r * s + j] >= v { carried[Int(ids.value[r * s + j]) - v] = true }
            for (w, isCarried) in carried.enumerated() where !isCarried { y.pointer[r * extendedSize + v + w] = -.infinity }
        }
    }
    guard let tape = Tape.recording([logits, attention, generation]) else { return y }
    // Saved: the softmax, the mixture, the attention and p_gen; not the logits or the output.
    let (gy, glogits) = (y.gradientSlot, logits.gradientSlotIfRequired)
    tape.append(y) {
        guard let dy = gy.existing else { return }
        // u_w = ∂L/∂P_w = dy_w / (P_w + floor); then
        // ∂L/∂p_gen = Σ_{w<V} u_w q_w − Σ_s u_{src_s} a_s, ∂L/∂a_s = (1 − p_gen) u_{src_s},
        // ∂L/∂q_w = p_gen u_w, which the softmax's pullback turns into ∂L/∂logits.
        let dlogits = glogits?.buffer
        let dattention = attention.requiresGrad ? attention.gradBuffer : nil
        let dgeneration = generation.requiresGrad ? generation.gradBuffer : nil
        let (ids, pp, qp, ap, gp) = (UnsafeSendableBox(sourceIDs), mixture.pointer, probabilities.pointer, attention.pointer, generation.pointer)
        Parallel.forRows(rows, elementsPerRow: extendedSize * 8) { range in
            var u = [Float](repeating: 0, count: extendedSize)
            for r in range {
                let (g, p, q, a, gate) = (dy + r * extendedSize, pp + r * extendedSize, qp + r * v, ap + r * s, gp[r])
                for w in 0..<extendedSize { u[w] = g[w] / (p[w] + floor) }
                var copied = 0.0  // Σ_s u_{src_s} a_s
                for j in 0..<s {
                    let uw = u[Int(ids.value[r * s + j])]
                    copied += Double(uw * a[j])
                    dattention?[r * s + j] += (1 - gate) * uw
                }
                var generated = 0.0  // Σ_{w<V} u_w q_w
                for w in 0..<v { generated += Double(u[w] * q[w]) }
                dgeneration?[r] += Float(generated - copied)
                if let dlogits {  // softmax pullback of ∂L/∂q = p_gen·u
                    let (d, mean) = (dlogits + r * v, Float(generated))
                    for w in 0..<v { d[w] += gate * q[w] * (u[w] - mean) }
                }
            }
        }
    }
    return y
}
