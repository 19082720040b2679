import Foundation
import NN
import Tensor

/// A problem loading weights into a model, naming the tensor and what to do.
public struct WeightsError: Error, CustomStringConvertible {
    public let description: String
}

extension Seq2SeqModel {
    /// Puts `weights` (by Recur's parameter names) into the model. Every parameter must be
    /// there with its shape; `source` names the file in errors. With `adopting`, parameters
    /// take over the weights' memory (a mapped file's) instead of copying it; the weights
    /// must then be whole tensors used nowhere else.
    public func load(_ weights: [String: Tensor], source: String, adopting: Bool = false) throws {
        do {
            if adopting { try adoptNamedTensors(weights, into: parameters) } else { try copyNamedTensors(weights, into: parameters) }
            for (_, tensor) in parameters { tensor.quantized = nil }  // new values: an int8 form made from the old would be stale
        } catch .unexpected(let name) {
            throw WeightsError(description: "\(source): tensor '\(name)' is not a parameter of this model (was it saved with another configuration?)")
        } catch .missing(let name) {
            throw WeightsError(description: "\(source): parameter '\(name)' is missing")
        } catch .shape(let name, let saved, let expected) {
            throw WeightsError(description: "\(source): parameter '\(name)' has shape \(saved), the model expects \(expected): the configuration does not match the weights")
        }
    }

    /// Copies weights saved from ../shared/reference/pytorch/ref_s2s.py's `Seq2Seq`
    /// (`model.state_dict()`, PyTorch's names) into a model built with
    /// `ModelConfig.reference`: the two compute the same function.
    public func loadReference(_ weights: [String: Tensor], source: String) throws {
        var renamed: [String: Tensor] = [:]
        for (name, tensor) in weights {
            guard let recurName = Self.referenceNames[name] else {
                throw WeightsError(description: "\(source): '\(name)' is not a parameter of the reference model")
            }
            renamed[recurName] = tensor
        }
        try load(renamed, source: source)
    }

    /// PyTorch reference name → Recur name.
    static let referenceNames: [String: String] = {
        var names = [
            "src_emb.weight": "encoder.embedding.weight",
            "tgt_emb.weight": "decoder.embedding.weight",
            "bridge_h.weight": "encoder.bridgeHidden0.weight", "bridge_h.bias": "encoder.bridgeHidden0.bias",
            "bridge_c.weight": "encoder.bridgeCell0.weight", "bridge_c.bias": "encoder.bridgeCell0.bias",
            "attn_W.weight": "decoder.attention.memoryProjection.weight",
            "attn_out.weight": "decoder.attentionOutput.weight",
            "generator.weight": "decoder.output.weight", "generator.bias": "decoder.output.bias",
        ]
        let cellNames = [("weight_ih", "weightIH"), ("weight_hh", "weightHH"), ("bias_ih", "biasIH"), ("bias_hh", "biasHH")]
        for (torch, recur) in cellNames {
            names["encoder.\(torch)_l0"] = "encoder.rnn.layer0.forward.\(recur)"
            names["encoder.\(torch)_l0_reverse"] = "encoder.rnn.layer0.backward.\(recur)"
            names["decoder.\(torch)"] = "decoder.layer0.\(recur)"
        }
        return names
    }()
}
