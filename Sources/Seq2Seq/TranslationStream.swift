import Foundation
import Text

/// `recur translate`'s loop: reads lines, translates them a batch at a time, and writes each
/// batch as soon as it is done, so it works at the end of a pipe. Bad input never stops it:
/// an empty line gives an empty line, invalid UTF-8 is decoded with replacement characters,
/// and an over-long line is truncated; each with a warning naming the line.
public struct TranslationStream {
    public enum Format: String, Sendable, CaseIterable, Codable {
        /// The best translation, one line per input line.
        case text
        /// One JSON object per line: hypotheses with scores, tokens and alignments.
        case json
    }

    public var options: SearchOptions
    public var batchSize = 32
    public var format: Format = .text
    /// Source tokens beyond this are cut off (nil: the translator's own limit).
    public var maxSourceTokens: Int?
    /// Where to write an attention heatmap per sentence (SVG), if anywhere.
    public var attentionDirectory: URL?

    public init(options: SearchOptions) { self.options = options }

    /// Translates `input` (a path; nil: standard input) to standard output. `started` is
    /// when the command started: the time to the first output line is reported from it.
    public func run(_ translator: Translator, input: String?, started: ContinuousClock.Instant = .now, warn: (String) -> Void) throws {
        let name = input ?? "<stdin>"
        guard let file = input.map({ fopen($0, "r") }) ?? fdopen(dup(STDIN_FILENO), "r") else {
            throw TextError.unreadable(file: name, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        if let attentionDirectory { try FileManager.default.createDirectory(at: attentionDirectory, withIntermediateDirectories: true) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var batch: [String] = []
        var lineNumber = 0, firstLineOfBatch = 1
        func flush() throws {
            guard !batch.isEmpty else { return }
            let maxSourceTokens = self.maxSourceTokens ?? translator.maxSourceTokens
            // A bundle trained on truncated sources (summarization) expects truncation: no warning.
            let expected = self.maxSourceTokens == nil && translator.bundle.settings.truncateSource != nil
            let results = try translator.translate(batch, options: options, batchSize: batchSize, maxSourceTokens: maxSourceTokens) { i in
                if expected { return }
                warn("\(name):\(firstLineOfBatch + i): longer than \(maxSourceTokens) tokens; translated the first \(maxSourceTokens)")
            }
            var out = ""
            for (i, result) in results.enumerated() {
                out += format == .text ? result.text + "\n" : try jsonLine(result) + "\n"
                if let attentionDirectory {
                    try AttentionHeatmap.write(result, to: attentionDirectory.appendingPathComponent("\(firstLineOfBatch + i).svg"))
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
            if firstLineOfBatch == 1 { warn("first output after \(Int(((ContinuousClock.now - started).seconds * 1000).rounded())) ms") }
            batch.removeAll()
            firstLineOfBatch = lineNumber + 1
        }
        while true {
            let read = getline(&buffer, &capacity, file)
            if read < 0 { break }
            lineNumber += 1
            var count = read
            buffer!.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                while count > 0 && (bytes[count - 1] == 0x0A || bytes[count - 1] == 0x0D) { count -= 1 }
            }
            let bytes = UnsafeRawBufferPointer(start: buffer, count: count)
            if let line = String(validating: bytes, as: UTF8.self) {
                batch.append(line)
            } else {
                warn("\(name):\(lineNumber): invalid UTF-8; bad bytes replaced by U+FFFD")
                batch.append(String(decoding: bytes, as: UTF8.self))
            }
            if batch.count == batchSize { try flush() }
        }
        try flush()
    }

    func jsonLine(_ translation: Translation) throws -> String {
        let object: [String: Any] = [
            "translation": translation.text,
            "sourceTokens": translation.sourceTokens,
            "hypotheses": translation.candidates.map { c in
                ["text": c.text, "tokens": c.tokens, "score": c.score, "logProbability": c.logProbability,
                 "alignment": c.alignment, "attention": c.attention.map { $0.map { (Double($0) * 1e4).rounded() / 1e4 } }] as [String: Any]
            },
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// An attention matrix as an SVG heatmap: source tokens across, output tokens down.
public enum AttentionHeatmap {
    /// Writes the best candidate's heatmap, if it has attention weights.
    public static func write(_ translation: Translation, to url: URL) throws {
        guard let best = translation.candidates.first, !best.attention.isEmpty else { return }
        let svg = self.svg(source: translation.sourceTokens, output: best.tokens + ["</s>"], weights: best.attention)
        try svg.write(to: url, atomically: true, encoding: .utf8)
    }

    public static func svg(source: [String], output: [String], weights: [[Float]]) -> String {
        let cell = 22.0, left = 10 + 8.0 * Double(output.map(\.count).max() ?? 4), top = 10 + 8.0 * Double(source.map(\.count).max() ?? 4)
        let width = left + cell * Double(source.count) + 10, height = top + cell * Double(output.count) + 10
        func escape(_ s: String) -> String {
            // The tokenizer's joiner ￭ is missing from common fonts; a middle dot reads the same.
            s.replacingOccurrences(of: "\u{FFED}", with: "·").replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
        for (j, token) in source.enumerated() {
            let x = left + cell * (Double(j) + 0.6), y = top - 4
            svg += "<text transform=\"translate(\(x),\(y)) rotate(-60)\">\(escape(token))</text>"
        }
        for (i, token) in output.enumerated() {
            svg += "<text x=\"\(left - 4)\" y=\"\(top + cell * (Double(i) + 0.7))\" text-anchor=\"end\">\(escape(token))</text>"
            for (j, weight) in (i < weights.count ? weights[i] : []).prefix(source.count).enumerated() {
                let shade = Int(255 * (1 - Double(min(max(weight, 0), 1))))
                svg += "<rect x=\"\(left + cell * Double(j))\" y=\"\(top + cell * Double(i))\" width=\"\(cell)\" height=\"\(cell)\" fill=\"rgb(\(shade),\(shade),255)\"><title>\(String(format: "%.3f", weight))</title></rect>"
            }
        }
        return svg + "</svg>\n"
    }
}
