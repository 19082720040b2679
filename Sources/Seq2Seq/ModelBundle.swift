import Foundation
import Tensor
import Text

/// Everything `translate` needs, in one directory:
///
///     model.safetensors   the weights (Python reads them with safetensors)
///     config.json         the model's shape, the tokenizer's options, the BPE separator
///     source.vocab        vocabularies, one token and its count a line
///     target.vocab
///     source.bpe          BPE merges for the source side (subword-nmt's format), if any
///     recipe.yaml         the recipe that trained it, when it came from one
///     shortlist.txt       a lexical shortlist for faster decoding (`recur shortlist`), if any
public struct ModelBundle {
    /// How the weights file stores weight matrices.
    public enum Quantization: String, Codable, Sendable {
        /// int8 values with one float32 scale per row (`NAME` and `NAME.scale`); decoded
        /// with int8 products (`recur quantize` writes these).
        case int8
    }

    /// What config.json holds.
    public struct Settings: Codable, Sendable, Equatable {
        public var model: ModelConfig
        public var tokenizer: TokenizerOptions
        public var bpeSeparator: String
        /// Sources were cut to this many tokens in training; translation cuts them the same.
        public var truncateSource: Int?
        /// nil: every weight in float32.
        public var quantization: Quantization?
        public var format = 1

        public init(model: ModelConfig, tokenizer: TokenizerOptions, bpeSeparator: String = "@@") {
            self.model = model
            self.tokenizer = tokenizer
            self.bpeSeparator = bpeSeparator
        }
    }

    public var settings: Settings
    public var sourceVocabulary: Vocabulary
    public var targetVocabulary: Vocabulary
    public var sourceBPE: BPECodes?
    public var recipe: String?
    /// The lexical shortlist (`shortlist.txt`), when one was built for this model.
    public var shortlist: LexicalShortlist?
    /// Why `shortlist.txt` could not be read, if it could not: only decoding that asks for
    /// the shortlist fails on it.
    public var shortlistProblem: String?

    public init(settings: Settings, sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary, sourceBPE: BPECodes?, recipe: String? = nil) {
        (self.settings, self.sourceVocabulary, self.targetVocabulary, self.sourceBPE, self.recipe) =
            (settings, sourceVocabulary, targetVocabulary, sourceBPE, recipe)
    }

    /// Writes the bundle with `model`'s weights into `directory` (created if needed). The
    /// weights go last, atomically, so a bundle with weights is always complete.
    public func save(_ model: Seq2SeqModel, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFile.write(try JSONEncoder.readable.encode(settings), to: directory.appendingPathComponent("config.json"))
        try AtomicFile.write(Data(sourceVocabulary.serialized().utf8), to: directory.appendingPathComponent("source.vocab"))
        try AtomicFile.write(Data(targetVocabulary.serialized().utf8), to: directory.appendingPathComponent("target.vocab"))
        let bpePath = directory.appendingPathComponent("source.bpe")
        if let sourceBPE { try AtomicFile.write(Data(sourceBPE.serialized().utf8), to: bpePath) } else { try? FileManager.default.removeItem(at: bpePath) }
        if let recipe { try AtomicFile.write(Data(recipe.utf8), to: directory.appendingPathComponent("recipe.yaml")) }
        let shortlistPath = directory.appendingPathComponent("shortlist.txt")
        if let shortlist { try AtomicFile.write(Data(shortlist.serialized().utf8), to: shortlistPath) } else { try? FileManager.default.removeItem(at: shortlistPath) }
        let weights = directory.appendingPathComponent("model.safetensors")
        guard settings.quantization == .int8 else {
            return try SafeTensors.write(model.parameters, metadata: ["format": "recur-1"], to: weights)
        }
        model.quantize()
        let payloads = model.parameters.flatMap { name, tensor -> [(name: String, payload: SafeTensors.Payload)] in
            guard let matrix = tensor.quantized else { return [(name, .float32(tensor))] }
            return [(name, .int8(matrix.int8Values, shape: tensor.shape)),
                    (name + ".scale", .float32(Tensor(matrix.rowScales, shape: [matrix.rows])))]
        }
        try SafeTensors.write(payloads: payloads, metadata: ["format": "recur-1", "quantization": "int8"], to: weights)
    }

    /// An int8 file's weights: each matrix as the float32 values it stands for (for lookups
    /// such as embeddings) and as a `QuantizedMatrix` (for products).
    static func dequantize(_ stored: [String: Tensor], model: Seq2SeqModel, source: String) throws
        -> (weights: [String: Tensor], matrices: [String: QuantizedMatrix])
    {
        var weights = stored, matrices: [String: QuantizedMatrix] = [:]
        for (name, parameter) in model.parameters where parameter.rank == 2 {
            guard let values = stored[name], let scales = weights.removeValue(forKey: name + ".scale") else {
                throw WeightsError(description: "\(source): int8 weight '\(name)' or its scales '\(name).scale' are missing; quantize the float32 bundle again with `recur quantize`")
            }
            guard values.shape == parameter.shape, scales.shape == [parameter.shape[0]] else {
                throw WeightsError(description: "\(source): int8 weight '\(name)' has shape \(values.shape) with scales \(scales.shape); the model expects \(parameter.shape)")
            }
            let matrix = QuantizedMatrix(values: values.array.map { Int8(clamping: Int($0)) }, scales: scales.array,
                                         rows: parameter.shape[0], columns: parameter.shape[1])
            matrices[name] = matrix
            weights[name] = matrix.dequantized()
        }
        return (weights, matrices)
    }

    /// A bundle's config.json alone (what the model is, without loading it).
    public static func readSettings(from directory: URL) throws -> Settings {
        do {
            return try JSONDecoder().decode(Settings.self, from: Data(contentsOf: directory.appendingPathComponent("config.json")))
        } catch {
            throw WeightsError(description: "\(directory.path)/config.json: cannot read the model settings (\(error))")
        }
    }

    /// Reads a bundle and builds its model, whose parameters are the weights file mapped into
    /// memory (no copy).
    public static func load(from directory: URL) throws -> (bundle: ModelBundle, model: Seq2SeqModel) {
        let path = directory.path
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors").path) else {
            throw WeightsError(description: "\(path): not a model bundle (no model.safetensors); pass the directory `recur run` wrote as RUN/model")
        }
        let settings = try readSettings(from: directory)
        let bpePath = directory.appendingPathComponent("source.bpe").path
        var bundle = ModelBundle(
            settings: settings,
            sourceVocabulary: try Vocabulary(contentsOf: directory.appendingPathComponent("source.vocab").path),
            targetVocabulary: try Vocabulary(contentsOf: directory.appendingPathComponent("target.vocab").path),
            sourceBPE: FileManager.default.fileExists(atPath: bpePath) ? try BPECodes(contentsOf: bpePath) : nil,
            recipe: try? String(contentsOf: directory.appendingPathComponent("recipe.yaml"), encoding: .utf8))
        if let problem = settings.model.problems.first { throw WeightsError(description: "\(path)/config.json: \(problem)") }
        guard settings.format == 1 else {
            throw WeightsError(description: "\(path)/config.json: bundle format \(settings.format) is newer than this Recur reads (1); update Recur")
        }
        let shortlistURL = directory.appendingPathComponent("shortlist.txt")
        if let text = try? String(contentsOf: shortlistURL, encoding: .utf8) {
            do {
                bundle.shortlist = try LexicalShortlist(parsing: text, name: shortlistURL.path, targetVocabularySize: settings.model.targetVocabularySize)
            } catch {
                bundle.shortlistProblem = "\(error)"
            }
        }
        for (file, vocabulary, size) in [("source.vocab", bundle.sourceVocabulary, settings.model.sourceVocabularySize),
                                         ("target.vocab", bundle.targetVocabulary, settings.model.targetVocabularySize)] where vocabulary.count != size {
            throw WeightsError(description: "\(path)/\(file) has \(vocabulary.count) tokens but config.json says \(size): the files come from different models")
        }
        let model = Seq2SeqModel(settings.model, seed: 0)
        let weightsPath = directory.appendingPathComponent("model.safetensors")
        var weights = try SafeTensors.read(weightsPath).tensors
        var matrices: [String: QuantizedMatrix] = [:]
        if settings.quantization == .int8 {
            (weights, matrices) = try dequantize(weights, model: model, source: weightsPath.path)
        }
        try model.load(weights, source: weightsPath.path, adopting: true)
        for (name, tensor) in model.parameters { tensor.quantized = matrices[name] }
        BufferPool.current.trim()  // the freshly initialised parameters, now replaced, go back to the system
        return (bundle, model)
    }
}
