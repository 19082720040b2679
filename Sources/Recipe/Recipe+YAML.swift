import Foundation
import NN
import Seq2Seq

extension Recipe {
    /// The recipe with every default written out, as YAML: what `recur recipe show` prints
    /// and what a run directory and a model bundle keep.
    public var resolvedYAML: String {
        var lines = ["# Resolved recipe: every key with its value, defaults included.", "name: \(quoted(name))", "", "data:"]
        func add(_ key: String, _ value: Any?, indent: Int = 1) {
            let pad = String(repeating: "  ", count: indent)
            lines.append("\(pad)\(key): \(value.map { "\($0)" } ?? "null")")
        }
        add("source", quoted(data.source))
        add("target", quoted(data.target))
        func files(_ key: String, _ pair: FilePair?, indent: Int = 1) {
            guard let pair else { return add(key, nil, indent: indent) }
            lines.append(String(repeating: "  ", count: indent) + "\(key): {source: \(quoted(pair.source)), target: \(quoted(pair.target))}")
        }
        files("train", data.train)
        files("valid", data.valid)
        if data.test.isEmpty { add("test", "{}") } else {
            lines.append("  test:")
            for test in data.test { files(test.name, test.files, indent: 2) }
        }
        add("maxLength", data.maxLength)
        add("maxLengthRatio", data.maxLengthRatio)
        add("removeDuplicates", data.removeDuplicates)
        add("emptyLines", data.emptyLines.rawValue)
        add("truncateSource", data.truncateSource)

        lines += ["", "text:"]
        add("mode", text.tokenizer.mode.rawValue)
        add("normalization", text.tokenizer.normalization.rawValue)
        add("case", text.tokenizer.caseHandling.rawValue)
        add("splitDigits", text.tokenizer.splitDigits)
        add("splitOnScriptChange", text.tokenizer.splitOnScriptChange)
        add("bpeMerges", text.bpeMerges)
        add("bpeMinFrequency", text.bpeMinFrequency)
        add("jointBPE", text.jointBPE)
        add("bpeDropout", text.bpeDropout)
        add("sharedVocabulary", text.sharedVocabulary)
        add("vocabularyMinFrequency", text.vocabularyMinFrequency)
        add("vocabularyMaxSize", text.vocabularyMaxSize)

        let m = model.config
        lines += ["", "model:"]
        add("embeddingSize", m.embeddingSize)
        add("hiddenSize", m.hiddenSize)
        add("encoderLayers", m.encoderLayers)
        add("decoderLayers", m.decoderLayers)
        add("encoderCell", m.encoderCell.rawValue)
        add("decoderCell", m.decoderCell.rawValue)
        add("bidirectional", m.bidirectional)
        add("attention", m.attention.rawValue)
        add("inputFeeding", m.inputFeeding)
        add("bridge", m.bridge.rawValue)
        add("dropout", m.dropout)
        add("residual", m.residual)
        add("tieTargetEmbeddings", m.tieTargetEmbeddings)
        add("initScale", m.initScale)
        add("pointerGenerator", m.pointerGenerator)
        add("coverage", m.coverage)

        let t = training.config
        lines += ["", "training:"]
        add("optimizer", t.optimizer.rawValue)
        add("learningRate", t.learningRate)
        switch t.schedule {
        case .constant: add("schedule", "constant")
        case .stepDecay(let every, let factor): add("schedule", "step"); add("decayEvery", every); add("decayFactor", factor)
        case .exponential(let every, let factor): add("schedule", "exponential"); add("decayEvery", every); add("decayFactor", factor)
        case .reduceOnPlateau(let factor, let patience, let minimum):
            add("schedule", "plateau"); add("decayFactor", factor); add("plateauPatience", patience); add("minLearningRate", minimum)
        }
        add("warmupSteps", t.warmupSteps)
        add("beta1", t.beta1)
        add("beta2", t.beta2)
        add("momentum", t.momentum)
        add("weightDecay", t.weightDecay)
        add("clipNorm", t.clipNorm)
        add("labelSmoothing", t.labelSmoothing)
        add("batchTokens", t.batchTokens)
        add("batchSentences", t.batchSentences)
        add("gradientAccumulation", t.gradientAccumulation)
        add("maxSteps", t.maxSteps)
        add("maxEpochs", t.maxEpochs)
        add("validateEvery", t.validateEvery)
        add("earlyStoppingMetric", t.earlyStoppingMetric.rawValue)
        add("patience", t.patience)
        add("keepCheckpoints", t.keepCheckpoints)
        add("scheduledSampling", t.scheduledSampling)
        add("coverageLossWeight", t.coverageLossWeight)
        add("seed", t.seed)
        add("threads", t.threads)
        add("precision", t.precision.rawValue)

        lines += ["", "decoding:"]
        let d = decoding.search
        add("beamSize", d.beamSize)
        add("lengthNormalization", d.lengthNormalization.rawValue)
        add("lengthPenalty", d.lengthPenalty)
        add("coveragePenalty", d.coveragePenalty)
        add("minLength", d.minLength)
        add("maxLengthRatio", d.maxLengthRatio)
        add("maxLength", d.maxLength)
        add("blockRepeatedNgrams", d.blockRepeatedNgrams)
        add("nbest", d.nbest)
        add("batchSize", decoding.batchSize)

        lines += ["", "evaluation:"]
        add("metrics", "[" + evaluation.metrics.map(\.rawValue).joined(separator: ", ") + "]")
        add("validationBleuSentences", evaluation.validationBleuSentences)
        add("samples", evaluation.samples)
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A YAML scalar that reads back as the same string.
private func quoted(_ s: String) -> String {
    let plain = s.allSatisfy { $0.isLetter || $0.isNumber || "/._-".contains($0) } && !s.isEmpty
        && !["true", "false", "yes", "no", "on", "off", "null", "~"].contains(s.lowercased()) && Double(s) == nil
    return plain ? s : "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
