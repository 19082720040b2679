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
        try AtomicFile.write(try JSONEncoder.readable.encode(state), to: partial.appendingPathComponent("state.json"))
        let final = directory.appendingPathComponent(name)
        if fm.fileExists(atPath: final.path) {
            // Saving the same step again (a resumed run): move the old one aside first, so
            // that `latest` never names a directory that is missing mid-way.
            let old = directory.appendingPathComponent(".\(name).old")
            try? fm.removeItem(at: old)
            try fm.moveItem(at: final, to: old)
            try fm.moveItem(at: partial, to: final)
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: partial, to: final)
        }
        try AtomicFile.write(Data((name + "\n").utf8), to: directory.appendingPathComponent("latest"))
    }

    /// The name of the latest complete checkpoint in `directory`, if any: the one `latest`
    /// names, or, should that be missing, the newest complete `step-*` directory.
    public static func latest(in directory: URL) -> String? {
        let fm = FileManager.default
        func complete(_ name: String) -> Bool {
            fm.fileExists(atPath: directory.appendingPathComponent(name).appendingPathComponent("state.json").path)
        }
        if let text = try? String(contentsOf: directory.appendingPathComponent("latest"), encoding: .utf8) {
            let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !name.isEmpty && complete(name) { return name }
        }
        let names = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix("step-") && complete($0) }.sorted().last
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
        let state: TrainingState
        do {
            state = try JSONDecoder().decode(TrainingState.self, from: Data(contentsOf: statePath))
        } catch {
            throw LoadError(description: "\(statePath.path): cannot read the training state (\(error.localizedDescription))")
        }
        for generator in [state.dropoutState, state.samplingState] where generator.count != 4 || generator.allSatisfy({ $0 == 0 }) {
            throw LoadError(description: "\(statePath.path): a random generator state is damaged (\(generator)); the checkpoint cannot resume exactly")
        }
        return state
    }

    /// Deletes a checkpoint directory.
    public static func remove(_ name: String, in directory: URL) {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
    }
}
