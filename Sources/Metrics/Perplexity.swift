// Perplexity of a language or translation model on a test set: the exponential of the
// mean negative log-likelihood per token (Jelinek et al., 1977), with natural logarithms
// as cross-entropy losses produce them.

import Foundation

/// `exp(totalNegLogLikelihood / tokenCount)`, the perplexity of a model that assigned the
/// test set a summed negative log-likelihood (in nats) over `tokenCount` target tokens.
/// Returns `nil` for an empty test set, where perplexity is undefined.
public func perplexity(totalNegLogLikelihood: Double, tokenCount: Int) -> Double? {
    guard tokenCount > 0 else { return nil }
    return exp(totalNegLogLikelihood / Double(tokenCount))
}
