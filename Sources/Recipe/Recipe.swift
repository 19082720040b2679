import Foundation
import Yams

/// An experiment: data, text processing, model, training, decoding and evaluation. Every
/// key has a default (see each section), unknown keys are errors, and `--set` overrides
/// apply before validation, so a misspelt override is caught the same way.
public struct Recipe: Sendable, Equatable {
    public var name: String
    public var data: DataSection
    public var text: TextSection
    public var model: ModelSection
    public var training: TrainingSection
    public var decoding: DecodingSection
    public var evaluation: EvaluationSection
    /// The recipe file it came from.
    public var path: String

    /// Reads and validates a recipe file, applying `overrides` (`training.learningRate=0.0005`).
    public static func load(_ path: String, overrides: [String] = []) throws -> Recipe {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw RecipeError(file: path, path: "", message: "cannot read the recipe (\(error.localizedDescription))")
        }
        return try parse(text, file: path, base: URL(fileURLWithPath: path).deletingLastPathComponent(), overrides: overrides)
    }

    /// Parses recipe text; relative data paths resolve against `base`.
    public static func parse(_ text: String, file: String, base: URL, overrides: [String] = []) throws -> Recipe {
        var root: Node
        do { root = try Yams.compose(yaml: text) ?? Node.mapping(.init([])) } catch let error as YamlError {
            throw RecipeError(file: file, path: "", message: "not valid YAML: \(error)")
        }
        for override in overrides { root = try apply(override, to: root) }
        let overridden = Set(overrides.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        let r = try SectionReader(file: file, path: "", node: root, overridden: overridden)
        let name = try r.string("name", default: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)
        let recipe = Recipe(
            name: name,
            data: try DataSection(r.section("data"), base: base),
            text: try TextSection(r.section("text")),
            model: try ModelSection(r.section("model")),
            training: try TrainingSection(r.section("training")),
            decoding: try DecodingSection(r.section("decoding")),
            evaluation: try EvaluationSection(r.section("evaluation")),
            path: file)
        try r.finish()
        try recipe.checkAcrossSections(r)
        return recipe
    }

    /// Sets `a.b.c=value` in the YAML tree (creating mappings on the way).
    static func apply(_ override: String, to root: Node) throws -> Node {
        guard let equals = override.firstIndex(of: "="), equals != override.startIndex else {
            throw RecipeError(file: "--set", path: override, message: "expected KEY=VALUE, e.g. training.learningRate=0.0005")
        }
        let keys = override[..<equals].split(separator: ".").map(String.init)
        let valueText = String(override[override.index(after: equals)...])
        let value: Node
        do { value = try Yams.compose(yaml: valueText) ?? Node("") } catch {
            throw RecipeError(file: "--set", path: keys.joined(separator: "."), message: "the value '\(valueText)' is not valid YAML")
        }
        func set(_ node: Node, _ keys: ArraySlice<String>) throws -> Node {
            guard let key = keys.first else { return value }
            var pairs: [(Node, Node)] = []
            if case .mapping(let mapping) = node { pairs = mapping.map { ($0.key, $0.value) } } else if node != Node("") {
                throw RecipeError(file: "--set", path: keys.joined(separator: "."), message: "cannot set a key inside a value that is not a mapping")
            }
            if let i = pairs.firstIndex(where: { $0.0.string == key }) {
                pairs[i].1 = try set(pairs[i].1, keys.dropFirst())
            } else {
                pairs.append((Node(key), try set(Node(""), keys.dropFirst())))
            }
            return .mapping(.init(pairs))
        }
        return try set(root, keys[...])
    }
}

extension Recipe {
    /// Throws for the first data file that does not exist, naming its key.
    public func checkFilesExist() throws {
        var files: [(String, FilePair)] = [("data.train", data.train)]
        if let valid = data.valid { files.append(("data.valid", valid)) }
        files += data.test.map { ("data.test.\($0.name)", $0.files) }
        for (key, pair) in files {
            for path in [pair.source, pair.target] where !FileManager.default.fileExists(atPath: path) {
                let hint = path.contains("/corpora/") ? " (corpora/ holds the scripts that make or link corpora: run the matching one first)" : ""
                throw RecipeError(file: self.path, path: key, message: "\(path) does not exist\(hint)")
            }
        }
    }
}

extension Recipe {
    /// Settings that are valid alone but not together, located at the key to change.
    func checkAcrossSections(_ r: SectionReader) throws {
        let training = try r.section("training")
        if self.training.config.patience != nil, data.valid == nil {
            throw training.invalid("patience", "early stopping needs validation data: set data.valid, or remove patience")
        }
        if self.training.config.earlyStoppingMetric == .bleu, data.valid == nil || evaluation.validationBleuSentences == 0 {
            throw training.invalid("earlyStoppingMetric", "watching bleu needs data.valid and evaluation.validationBleuSentences > 0; watch loss instead, or set those")
        }
        if model.config.pointerGenerator && self.training.config.labelSmoothing > 0 {
            throw training.invalid("labelSmoothing", "label smoothing would spread probability over other sentences' unknown words, which a pointer-generator's extended vocabulary rules out; set labelSmoothing: 0")
        }
        if text.bpeDropout > 0 {
            throw try r.section("text").invalid("bpeDropout", "BPE-dropout is not supported by the runner yet; set it to 0")
        }
    }
}
