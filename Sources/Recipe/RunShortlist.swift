import Foundation
import Seq2Seq
import Tensor

/// Builds a lexical shortlist from a run's prepared training data (`RUN/data/train.ids`, the
/// exact ids the model was trained on) and stores it in the run's model bundle, where
/// `recur translate --shortlist` finds it.
public func buildShortlist(run: URL, frequentWords: Int, perWord: Int) throws -> (shortlist: LexicalShortlist, bundle: URL) {
    let bundle = run.appendingPathComponent("model")
    guard FileManager.default.fileExists(atPath: bundle.appendingPathComponent("config.json").path) else {
        throw RecipeError(file: run.path, path: "", message: "no model bundle in \(bundle.path): run `recur run` to the end first")
    }
    guard try !ModelBundle.readSettings(from: bundle).model.pointerGenerator else {
        throw RecipeError(file: run.path, path: "", message: "the model is a pointer-generator, whose output vocabulary grows with each source's unknown words; a shortlist does not apply")
    }
    let data = try PreparedData.load(from: PreparedData.directory(run))
    let shortlist = LexicalShortlist.build(sources: data.train.map(\.source), targets: data.train.map(\.target),
                                           frequentWords: frequentWords, perWord: perWord)
    try AtomicFile.write(Data(shortlist.serialized().utf8), to: bundle.appendingPathComponent("shortlist.txt"))
    return (shortlist, bundle)
}
