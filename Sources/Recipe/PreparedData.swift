import Foundation
import Seq2Seq
import Tensor
import Text

/// The prepare stage's output: vocabularies, BPE codes and the training and validation
/// data as token ids, in `RUN/data`.
struct PreparedData {
    var sourceVocabulary: Vocabulary
    var targetVocabulary: Vocabulary
    var sourceBPE: BPECodes?
    var targetBPE: BPECodes?
    var train: [Example]
    var valid: [Example]

    static func directory(_ run: URL) -> URL { run.appendingPathComponent("data") }

    /// Reads, tokenises, learns and applies BPE, builds vocabularies, encodes and filters.
    static func prepare(_ recipe: Recipe, log: (String) -> Void) throws -> PreparedData {
        let tokenizer = try Tokenizer(recipe.text.tokenizer)
        func read(_ files: FilePair, policy: EmptyLinePolicy) throws -> [SentencePair] {
            let reader = try ParallelCorpusReader(source: files.source, target: files.target, emptyLines: policy)
            let pairs = try reader.readAll()
            if reader.report.skippedEmpty > 0 {
                log("\(files.source): skipped \(reader.report.skippedEmpty) pairs with an empty side")
            }
            return pairs
        }
        func tokenize(_ pairs: [SentencePair]) throws -> (source: [[String]], target: [[String]]) {
            (try pairs.map { try tokenizer.tokenize($0.source) }, try pairs.map { try tokenizer.tokenize($0.target) })
        }
        let trainPairs = try read(recipe.data.train, policy: recipe.data.emptyLines)
        let validPairs = try recipe.data.valid.map { try read($0, policy: .skip) } ?? []
        var train = try tokenize(trainPairs), valid = try tokenize(validPairs)
        log("read \(trainPairs.count) training and \(validPairs.count) validation pairs")

        // Subwords: merges learnt on the training data, jointly or per side.
        var sourceBPE: BPECodes?, targetBPE: BPECodes?
        if recipe.text.bpeMerges > 0 {
            func counts(_ sentences: [[String]]) -> TokenCounts {
                var counts = TokenCounts()
                for sentence in sentences { for token in sentence { counts.add(token) } }
                return counts
            }
            let options = BPELearnOptions(merges: recipe.text.bpeMerges, minFrequency: recipe.text.bpeMinFrequency)
            if recipe.text.jointBPE {
                sourceBPE = BPECodes.learn(from: counts(train.source).merging(counts(train.target)), options: options)
                targetBPE = sourceBPE
            } else {
                sourceBPE = BPECodes.learn(from: counts(train.source), options: options)
                targetBPE = BPECodes.learn(from: counts(train.target), options: options)
            }
            let (s, t) = (BPE(codes: sourceBPE!), BPE(codes: targetBPE!))
            train = (train.source.map(s.apply), train.target.map(t.apply))
            valid = (valid.source.map(s.apply), valid.target.map(t.apply))
            log("learnt \(sourceBPE!.merges.count) BPE merges\(recipe.text.jointBPE ? " (joint)" : " per side")")
        }

        // Vocabularies from the training data.
        func counts(_ sides: [[String]]...) -> TokenCounts {
            var counts = TokenCounts()
            for side in sides { for sentence in side { for token in sentence { counts.add(token) } } }
            return counts
        }
        let (minimum, maximum) = (recipe.text.vocabularyMinFrequency, recipe.text.vocabularyMaxSize)
        let sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary
        if recipe.text.sharedVocabulary {
            sourceVocabulary = Vocabulary(counts: counts(train.source, train.target), minFrequency: minimum, maxSize: maximum)
            targetVocabulary = sourceVocabulary
        } else {
            sourceVocabulary = Vocabulary(counts: counts(train.source), minFrequency: minimum, maxSize: maximum)
            targetVocabulary = Vocabulary(counts: counts(train.target), minFrequency: minimum, maxSize: maximum)
        }
        log("vocabularies: \(sourceVocabulary.count) source, \(targetVocabulary.count) target tokens")

        func examples(_ sides: (source: [[String]], target: [[String]]), _ pairs: [SentencePair]) -> [Example] {
            zip(zip(sides.source, sides.target), pairs).map { tokens, pair in
                let source = recipe.data.truncateSource.map { Array(tokens.0.prefix($0)) } ?? tokens.0
                return Self.example(source: source, target: tokens.1, line: pair.line, copying: recipe.model.config.pointerGenerator,
                                    sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary)
            }
        }
        let filter = CorpusFilterOptions(maxLength: recipe.data.maxLength, maxLengthRatio: recipe.data.maxLengthRatio,
                                         removeDuplicates: recipe.data.removeDuplicates)
        let (kept, report) = filter.apply(to: examples(train, trainPairs))
        if report.kept < trainPairs.count {
            log("filters kept \(report.kept) of \(trainPairs.count) training pairs (too long \(report.tooLong), length ratio \(report.badRatio), duplicates \(report.duplicates))")
        }
        guard !kept.isEmpty else {
            throw RecipeError(file: recipe.path, path: "data", message: "no training pairs are left after reading and filtering \(recipe.data.train.source)")
        }
        return PreparedData(sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary, sourceBPE: sourceBPE,
                            targetBPE: targetBPE, train: kept, valid: examples(valid, validPairs).filter { !$0.source.isEmpty })
    }

    /// An example of tokens; for a model that copies, with its copy source, and the target
    /// in the source's extended vocabulary.
    static func example(source: [String], target: [String], line: Int, copying: Bool,
                        sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary) -> Example {
        guard copying else {
            return Example(source: sourceVocabulary.encode(source), target: targetVocabulary.encode(target), line: line)
        }
        let copy = CopySource(source, targetVocabulary: targetVocabulary)
        return Example(source: sourceVocabulary.encode(source), target: copy.encodeTarget(target, vocabulary: targetVocabulary),
                       line: line, copySource: copy.ids)
    }

    // MARK: Files

    func save(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func write(_ text: String, _ name: String) throws { try AtomicFile.write(Data(text.utf8), to: directory.appendingPathComponent(name)) }
        try write(sourceVocabulary.serialized(), "source.vocab")
        try write(targetVocabulary.serialized(), "target.vocab")
        if let sourceBPE { try write(sourceBPE.serialized(), "source.bpe") }
        if let targetBPE { try write(targetBPE.serialized(), "target.bpe") }
        try write(Self.serialize(train), "train.ids")
        try write(Self.serialize(valid), "valid.ids")
    }

    static func load(from directory: URL) throws -> PreparedData {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func optionalCodes(_ name: String) throws -> BPECodes? {
            FileManager.default.fileExists(atPath: path(name)) ? try BPECodes(contentsOf: path(name)) : nil
        }
        return PreparedData(
            sourceVocabulary: try Vocabulary(contentsOf: path("source.vocab")), targetVocabulary: try Vocabulary(contentsOf: path("target.vocab")),
            sourceBPE: try optionalCodes("source.bpe"), targetBPE: try optionalCodes("target.bpe"),
            train: try deserialize(path("train.ids")), valid: try deserialize(path("valid.ids")))
    }

    /// One example a line: `line<TAB>source ids<TAB>target ids`, and `<TAB>copy source ids`
    /// for a model that copies.
    static func serialize(_ examples: [Example]) -> String {
        func ids(_ ids: [Int32]) -> String { ids.map(String.init).joined(separator: " ") }
        return examples.map { e in
            "\(e.line)\t" + ids(e.source) + "\t" + ids(e.target) + (e.copySource.map { "\t" + ids($0) } ?? "")
        }.joined(separator: "\n") + (examples.isEmpty ? "" : "\n")
    }

    static func deserialize(_ path: String) throws -> [Example] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { number, line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 || fields.count == 4, let corpusLine = Int(fields[0]) else {
                throw RecipeError(file: path, line: number + 1, path: "", message: "malformed prepared data; delete the run's data directory to prepare it again")
            }
            func ids(_ field: Substring) -> [Int32] { field.split(separator: " ").compactMap { Int32($0) } }
            return Example(source: ids(fields[1]), target: ids(fields[2]), line: corpusLine, copySource: fields.count == 4 ? ids(fields[3]) : nil)
        }
    }
}
