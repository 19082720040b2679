import Foundation
import Tensor

/// Averages the weights of several checkpoints of one model (Vaswani et al. 2017, §6.1;
/// Marian's `--average`): often a better model than any one of them.
public enum CheckpointAveraging {
    /// The element-wise mean of the weight files, which must hold the same tensors.
    public static func average(_ files: [URL]) throws -> [String: Tensor] {
        guard let first = files.first else { throw WeightsError(description: "average needs at least one checkpoint") }
        let sum = try SafeTensors.read(first).tensors
        for file in files.dropFirst() {
            let next = try SafeTensors.read(file).tensors
            guard Set(next.keys) == Set(sum.keys) else {
                let differing = Set(next.keys).symmetricDifference(sum.keys).sorted().prefix(3).joined(separator: ", ")
                throw WeightsError(description: "\(file.path): holds other tensors than \(first.path) (\(differing)): checkpoints of different models?")
            }
            for (name, tensor) in next {
                guard tensor.shape == sum[name]!.shape else {
                    throw WeightsError(description: "\(file.path): '\(name)' has shape \(tensor.shape), \(first.path) has \(sum[name]!.shape)")
                }
                let total = sum[name]!.pointer
                for i in 0..<tensor.count { total[i] += tensor.pointer[i] }
            }
        }
        let scale = 1 / Float(files.count)
        for tensor in sum.values { for i in 0..<tensor.count { tensor.pointer[i] *= scale } }
        return sum
    }

    /// Writes a bundle like `bundle` whose weights are the average of `checkpoints`
    /// (checkpoint directories holding model.safetensors, or weight files).
    public static func averageIntoBundle(_ checkpoints: [URL], bundle: URL, output: URL) throws {
        let files = checkpoints.map { $0.pathExtension == "safetensors" ? $0 : $0.appendingPathComponent("model.safetensors") }
        let weights = try average(files)
        let (loaded, model) = try ModelBundle.load(from: bundle)
        try model.load(weights, source: files[0].path)
        try loaded.save(model, to: output)
    }
}
