import Foundation
import NN
import Tensor

/// A checkpoint directory: `model.safetensors` (weights), `optimizer.safetensors`
/// (moments) and `state.json` (step, epoch, position, generators, schedule, early stopping).
///
/// It is written as `.NAME.partial` and renamed into place when complete, and
/// `checkpoints/latest` (one line, the name) is replaced atomically afterwards, so a crash
/// or kill at any moment leaves the last complete checkpoint loadable.
public enum Checkpoint {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Saves into `directory/name` and points `directory/latest` at it.
    public static func save(model: Seq2SeqModel, optimizer: any Optimizer, state: TrainingState,
                            in directory: URL, name: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let partial = directory.appendingPathComponent(".\(name).partial")
        try? fm.removeItem(at: partial)
        try fm.createDirectory(at: partial, withIntermediateDirectories: true)
        try SafeTensors.write(model.parameters, to: partial.appendingPathComponent("model.safetensors"))
        try SafeTensors.write(optimizer.state, metadata: ["stepCount": String(optimizer.stepCount)],
                              to: partial.appendingPathComponent("optimizer.safetensors"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(state), to: partial.appendingPathComponent("state.json"))
        let final = directory.appendingPathComponent(name)
        try? fm.removeItem(at: final)
        try fm.moveItem(at: partial, to: final)
        try AtomicFile.write(Data((name + "\n").utf8), to: directory.appendingPathComponent("latest"))
    }

    /// The name of the latest complete checkpoint in `directory`, if any.
    public static func latest(in directory: URL) -> String? {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("latest"), encoding: .utf8) else { return nil }
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }

    /// Restores the weights and optimiser of checkpoint `directory/name`; returns its state.
    public static func load(into model: Seq2SeqModel, optimizer: any Optimizer, from directory: URL, name: String) throws -> TrainingState {
        let path = directory.appendingPathComponent(name)
        try model.load(try SafeTensors.read(path.appendingPathComponent("model.safetensors")).tensors,
                       source: path.appendingPathComponent("model.safetensors").path)
        let saved = try SafeTensors.read(path.appendingPathComponent("optimizer.safetensors"))
        guard let steps = saved.metadata["stepCount"].flatMap(Int.init) else {
            throw LoadError(description: "\(path.path)/optimizer.safetensors: no stepCount in its metadata; the checkpoint is damaged")
        }
        do { try optimizer.restore(state: saved.tensors, stepCount: steps) } catch {
            throw LoadError(description: "\(path.path)/optimizer.safetensors: \(error) (was it written with another optimiser?)")
        }
        let statePath = path.appendingPathComponent("state.json")
        do {
            return try JSONDecoder().decode(TrainingState.self, from: Data(contentsOf: statePath))
        } catch {
            throw LoadError(description: "\(statePath.path): cannot read the training state (\(error.localizedDescription))")
        }
    }

    /// Deletes a checkpoint directory.
    public static func remove(_ name: String, in directory: URL) {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
    }
}
