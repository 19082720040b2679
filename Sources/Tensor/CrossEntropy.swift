import _Kernels

/// How a loss over tokens is reduced to a scalar.
public enum Reduction: Sendable {
    /// The sum over real (not ignored) tokens.
    case sum
    /// The mean over real tokens (0 when there are none).
    case mean
}

/// Cross-entropy of `logits` (N, V) against `targets` (N ids), with label smoothing, as
/// one fused op: log-softmax, the negative log-likelihood and the smoothing term in one pass
/// over each row. The pullback adds softmax − target distribution straight into the logits'
/// gradient from each row's saved log-sum-exp: no N × V buffer is held between the passes
/// (the largest activation of a seq2seq step), and when nothing else reads the logits the
/// gradient is written over them.
///
/// With smoothing ε the target distribution is (1 − ε)·onehot(t) + ε/V (Szegedy et al. 2016,
/// §7; PyTorch's `CrossEntropyLoss(label_smoothing:)`). Rows whose target is `ignoreIndex`
/// (padding) count for nothing.
///
/// - Returns: the loss as a scalar, and the number of tokens that counted.
public func crossEntropy(
    logits: Tensor, targets: [Int32], ignoreIndex: Int32 = 0, labelSmoothing: Float = 0,
    reduction: Reduction = .sum
) -> (loss: Tensor, tokens: Int) {
    let (rows, vocab) = (logits.rowCount, logits.lastDimension)
    precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows of logits \(logits.shape)")
    precondition((0..<1).contains(labelSmoothing), "label smoothing \(labelSmoothing) must be in [0, 1)")
    for t in targets where t != ignoreIndex {
        precondition(t >= 0 && Int(t) < vocab, "target id \(t) out of range for \(vocab) classes")
    }
    let tape = Tape.recording(logits)
    var losses = [Float](repeating: 0, count: rows)
    var logSumExp = [Float](repeating: 0, count: tape == nil ? 0 : rows)
    losses.withUnsafeMutableBufferPointer { lossPointer in
        logSumExp.withUnsafeMutableBufferPointer { lsePointer in
            // An empty array's buffer may still have an address: say "none" outright.
            let (out, lse) = (UnsafeSendableBox(lossPointer.baseAddress!), UnsafeSendableBox(tape == nil ? nil : lsePointer.baseAddress))
            targets.withUnsafeBufferPointer { targetPointer in
                Parallel.forRows(rows, elementsPerRow: vocab * 4) { range in
                    let o = range.lowerBound
                    rk_cross_entropy(range.count, vocab, logits.pointer + o * vocab, targetPointer.baseAddress! + o,
                                     ignoreIndex, labelSmoothing, out.value + o, lse.value.map { $0 + o })
                }
            }
        }
    }
    let tokens = targets.reduce(0) { $0 + ($1 == ignoreIndex ? 0 : 1) }
    let total = losses.reduce(0.0) { $0 + Double($1) }
    let scale: Float = reduction == .mean ? 1 / Float(max(tokens, 1)) : 1
    let loss = Tensor(scalar: Float(total) * scale)
    if let tape {
        let gloss = loss.gradientSlot
        // The pullback's only reference to the logits, so that it can tell whether it is their
        // last reader; it keeps them (values, or the gradient written over them) until it ends.
        var held: Tensor? = logits
        tape.append(loss) {
            guard let dy = gloss.existing else { return }
            // When this pullback alone still holds the logits (a linear layer's output, whose own
            // pullback keeps only a gradient slot), their gradient takes over their memory,
            // overwriting the values as it reads them: no second N × V buffer at the peak.
            let overwrite = isKnownUniquelyReferenced(&held) && held!.canTakeValuesAsGradient
            let values = held!.pointer
            let (dlogits, factor) = (UnsafeSendableBox(overwrite ? held!.takeValuesAsGradient() : held!.gradBuffer), dy[0] * scale)
            targets.withUnsafeBufferPointer { targetPointer in
                logSumExp.withUnsafeBufferPointer { lse in
                    let (t, l, x) = (UnsafeSendableBox(targetPointer.baseAddress!), UnsafeSendableBox(lse.baseAddress!), UnsafeSendableBox(values))
                    Parallel.forRows(rows, elementsPerRow: vocab * 4) { range in
                        let o = range.lowerBound
                        rk_cross_entropy_backward(range.count, vocab, x.value + o * vocab, t.value + o, ignoreIndex, labelSmoothing,
                                                  l.value + o, factor, overwrite ? 1 : 0, dlogits.value + o * vocab)
                    }
                }
            }
        }
    }
    return (loss, tokens)
}
