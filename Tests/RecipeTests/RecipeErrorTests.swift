import Foundation
import Testing

@testable import Recipe

/// Parses recipe text (data paths resolve against /data).
func parse(_ yaml: String, overrides: [String] = []) throws -> Recipe {
    try Recipe.parse(yaml, file: "r.yaml", base: URL(fileURLWithPath: "/data"), overrides: overrides)
}

/// The error message parsing gives, or "no error".
func message(_ yaml: String, overrides: [String] = []) -> String {
    do {
        _ = try parse(yaml, overrides: overrides)
        return "no error"
    } catch {
        return "\(error)"
    }
}

let minimal = "data:\n  train: corpus/train\n"

@Suite struct RecipeErrorTests {
    @Test func minimalRecipeTakesEveryDefault() throws {
        let recipe = try parse(minimal)
        #expect(recipe.data.train == FilePair(source: "/data/corpus/train.src", target: "/data/corpus/train.tgt"))
        #expect(recipe.model.config.hiddenSize == 256 && recipe.training.config.learningRate == 1e-3)
        #expect(recipe.decoding.search.beamSize == 5 && recipe.evaluation.metrics == [.bleu, .chrf])
        #expect(recipe.name == "r")
    }

    /// Each mistake a person makes, and the message that tells them where and what to do.
    @Test(arguments: [
        ("data:\n  train: x\nmodel:\n  hidenSize: 3\n", "r.yaml:4:3: model.hidenSize: unknown key; did you mean 'hiddenSize'?"),
        ("data:\n  train: x\ntrainig:\n  seed: 1\n", "r.yaml:3:1: trainig: unknown key; did you mean 'training'?"),
        ("data:\n  train: x\nmodel:\n  hiddenSize: big\n", "r.yaml:4:15: model.hiddenSize: expected a whole number, found 'big'"),
        ("data:\n  train: x\nmodel:\n  dropout: 1.5\n", "r.yaml:4:12: model.dropout: 1.5 is out of range [0.0, 0.99]"),
        ("data:\n  train: x\nmodel:\n  attention: genral\n", "r.yaml:4:14: model.attention: 'genral' is not one of dot, general, bahdanau; did you mean 'general'?"),
        ("data:\n  train: x\nmodel:\n  bidirectional: maybe\n", "r.yaml:4:18: model.bidirectional: expected true or false, found 'maybe'"),
        ("data:\n  source: en\n", "r.yaml:2:3: data.train: the training data is required: `train: path/prefix` (files prefix.en, prefix.tgt) or `train: {source: FILE, target: FILE}`"),
        ("data:\n  train: {source: a}\n", "r.yaml:2:10: data.train: needs both `source` and `target` files"),
        ("data:\n  train: x\ndecoding:\n  beamSize: 2\n  nbest: 3\n", "r.yaml:5:10: decoding.nbest: n-best 3 exceeds beamSize 2"),
        ("data:\n  train: x\nmodel:\n  tieTargetEmbeddings: true\n", "r.yaml:4:3: model: tieTargetEmbeddings needs embeddingSize (256) equal to the decoder size (512 = hiddenSize × directions)"),
        ("data:\n  train: x\nmodel:\n  pointerGenerator: true\ntraining:\n  labelSmoothing: 0.1\n", "r.yaml:6:19: training.labelSmoothing: label smoothing would spread probability over other sentences' unknown words, which a pointer-generator's extended vocabulary rules out; set labelSmoothing: 0"),
        ("data:\n  train: x\nmodel:\n  coverage: true\n", "r.yaml:4:3: model: coverage enters additive attention's scores (See et al. 2017, eq. 11), so it needs attention 'bahdanau', got 'general'"),
        ("data:\n  train: x\ntraining:\n  maxEpochs: null\n", "r.yaml:4:3: training: set maxSteps or maxEpochs, or training never ends"),
        ("data:\n  train: x\nevaluation:\n  metrics: [bleu, meteor]\n", "r.yaml:4:12: evaluation.metrics: 'meteor' is not one of bleu, chrf, rouge"),
        ("data:\n  train: x\ntraining:\n  precision: fp16\n", "r.yaml:4:14: training.precision: 'fp16' is not one of float32, bf16"),
        ("data: [1, 2]\n", "r.yaml:1:7: data: expected a mapping of keys to values, found a list"),
        ("data:\n  train: x\n  train: y\n", "r.yaml: not valid YAML: Parser: expected all keys to be unique but found the following duplicated key(s): 'train'."),
        ("data:\n  train: x\n model: {\n", "r.yaml: not valid YAML"),
    ])
    func errorMessage(yaml: String, expected: String) {
        let got = message(yaml)
        #expect(expected.hasPrefix("r.yaml: not valid YAML") ? got.hasPrefix(expected) : got == expected, "got: \(got)")
    }

    /// Fields added after runs existed leave the stage keys while they hold their defaults,
    /// so those runs' finished stages stay valid; set, they enter the key.
    @Test func stageKeysLeaveOutNewFieldsAtTheirDefaults() throws {
        let plain = try parse(minimal)
        let model = ExperimentRunner.describeWithoutNewDefaults(plain.model)
        let training = ExperimentRunner.describeWithoutNewDefaults(plain.training)
        for field in ["pointerGenerator", "coverage", "coverageLossWeight", "precision"] {
            #expect(!model.contains(field) && !training.contains(field), "\(field) in a default key")
        }
        let bf16 = try parse(minimal, overrides: ["training.precision=bf16"])
        #expect(ExperimentRunner.describeWithoutNewDefaults(bf16.training).contains("bf16"))
    }

    @Test func overridesAreParsedAndLocated() throws {
        let recipe = try parse(minimal, overrides: ["training.learningRate=0.0005", "model.attention=dot", "evaluation.metrics=[bleu]",
                                                    "decoding.beamSize=1", "name=tuned"])
        #expect(recipe.training.config.learningRate == 0.0005)
        #expect(recipe.model.config.attention == .dot && recipe.evaluation.metrics == [.bleu])
        #expect(recipe.decoding.search.beamSize == 1 && recipe.name == "tuned")
        #expect(message(minimal, overrides: ["training.learningRat=0.1"]) == "--set: training.learningRat: unknown key; did you mean 'learningRate'?")
        #expect(message(minimal, overrides: ["model.hiddenSize=-3"]) == "--set: model.hiddenSize: -3 is out of range [1, 65536]")
        #expect(message(minimal, overrides: ["learningRate"]) == "--set: learningRate: expected KEY=VALUE, e.g. training.learningRate=0.0005")
    }

    /// What `recipe show` prints reads back as the same recipe.
    @Test func resolvedRecipeRoundTrips() throws {
        let recipe = try parse("""
            name: round trip
            data:
              source: en
              target: de
              train: {source: a/train.en, target: a/train.de}
              test: {t1: a/t1, t2: a/t2}
              maxLength: null
              truncateSource: 40
            text: {bpeMerges: 100, case: markup}
            model: {encoderCell: gru, attention: bahdanau, dropout: 0.2, pointerGenerator: true, coverage: true}
            training: {schedule: plateau, decayFactor: 0.3, maxSteps: 100, coverageLossWeight: 0.5, labelSmoothing: 0}
            decoding: {lengthNormalization: gnmt, lengthPenalty: 0.6}
            """)
        let again = try Recipe.parse(recipe.resolvedYAML, file: "resolved.yaml", base: URL(fileURLWithPath: "/elsewhere"))
        #expect(again.data == recipe.data, "\(again.data) vs \(recipe.data)")
        #expect(again.text == recipe.text && again.model == recipe.model)
        #expect(again.training == recipe.training && again.decoding == recipe.decoding && again.evaluation == recipe.evaluation)
        #expect(again.name == "round trip")
    }
}
