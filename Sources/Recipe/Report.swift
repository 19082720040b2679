import Foundation
import Tensor

/// `report.md`: what a person needs to understand a run at a glance: learning curves (SVG,
/// beside it), the test results, and sample translations.
enum Report {
    static func write(recipe: Recipe, results: RunResults, run: URL) throws {
        let log = run.appendingPathComponent("train/train.jsonl")
        var steps: [(step: Double, loss: Double)] = []
        var validations: [(step: Double, metrics: [String: Double])] = []
        if let text = try? String(contentsOf: log, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let step = (object["step"] as? NSNumber)?.doubleValue else { continue }
                if object["kind"] as? String == "step", let loss = (object["loss"] as? NSNumber)?.doubleValue {
                    steps.append((step, loss))
                } else if object["kind"] as? String == "validation" {
                    var metrics: [String: Double] = [:]
                    for key in ["loss", "perplexity", "bleu"] { metrics[key] = (object[key] as? NSNumber)?.doubleValue }
                    validations.append((step, metrics))
                }
            }
        }
        // A resumed run repeats the steps after its last checkpoint: the last record of a step counts.
        steps = Dictionary(steps.map { ($0.step, $0) }, uniquingKeysWith: { $1 }).values.sorted { $0.step < $1.step }
        validations = Dictionary(validations.map { ($0.step, $0) }, uniquingKeysWith: { $1 }).values.sorted { $0.step < $1.step }
        var md = ["# \(recipe.name)", "", "Recipe: `\(recipe.path)` (resolved copy: `recipe.yaml`).", ""]
        md += ["## Results", "", "| test set | sentences | " + metricNames(results).joined(separator: " | ") + " | decoding time |",
               "|---|---|" + String(repeating: "---|", count: metricNames(results).count) + "---|"]
        for test in results.tests {
            md.append("| \(test.name) | \(test.sentences) | " + metricNames(results).map { test.scores[$0].map { String(format: "%.2f", $0) } ?? "–" }.joined(separator: " | ")
                      + " | \(String(format: "%.1f", test.seconds)) s |")
        }
        md += ["", "BLEU is sacreBLEU's default (13a tokenisation, cased); bleuLowercase the same on lowercased text.", ""]

        md += ["## Learning curves", ""]
        var curves: [(String, [(Double, Double)])] = []
        if !steps.isEmpty { curves.append(("training loss", smooth(steps.map { ($0.step, $0.loss) }))) }
        for key in ["loss", "perplexity", "bleu"] {
            let points = validations.compactMap { v in v.metrics[key].map { (v.step, $0) } }
            if !points.isEmpty { curves.append(("validation \(key)", points)) }
        }
        for (title, points) in curves {
            let file = title.replacingOccurrences(of: " ", with: "-") + ".svg"
            try AtomicFile.write(Data(svg(title: title, points: points).utf8), to: run.appendingPathComponent(file))
            md.append("![\(title)](\(file))")
        }
        if curves.isEmpty { md.append("(no training log)") }

        for test in results.tests where !test.samples.isEmpty {
            md += ["", "## Samples: \(test.name)", ""]
            for (i, sample) in test.samples.enumerated() {
                md += ["- source: \(sample.source)", "  - reference: \(sample.reference)", "  - output: \(sample.hypothesis)"]
                let heatmap = "attention/\(test.name)-\(i + 1).svg"
                if i < 3, FileManager.default.fileExists(atPath: run.appendingPathComponent(heatmap).path) {
                    md += ["", "  ![attention, \(test.name) sentence \(i + 1)](\(heatmap))", ""]
                }
            }
        }
        try AtomicFile.write(Data((md.joined(separator: "\n") + "\n").utf8), to: run.appendingPathComponent("report.md"))
    }

    static func metricNames(_ results: RunResults) -> [String] {
        Array(Set(results.tests.flatMap(\.scores.keys))).sorted()
    }

    /// A moving average over ~1% of the points, so the training loss curve is readable.
    static func smooth(_ points: [(Double, Double)]) -> [(Double, Double)] {
        let window = max(1, points.count / 100)
        guard window > 1 else { return points }
        return stride(from: 0, to: points.count, by: window).map { start in
            let slice = points[start..<min(start + window, points.count)]
            return (slice.last!.0, slice.map(\.1).reduce(0, +) / Double(slice.count))
        }
    }

    /// A line chart, 640 × 320, with labelled axes.
    static func svg(title: String, points: [(Double, Double)]) -> String {
        let (width, height, margin) = (640.0, 320.0, 50.0)
        let xs = points.map(\.0), ys = points.map(\.1)
        let (x0, x1) = (xs.min()!, max(xs.max()!, xs.min()! + 1))
        var (y0, y1) = (ys.min()!, ys.max()!)
        if y1 - y0 < 1e-9 { (y0, y1) = (y0 - 1, y1 + 1) }
        func px(_ x: Double) -> Double { margin + (x - x0) / (x1 - x0) * (width - 2 * margin) }
        func py(_ y: Double) -> Double { height - margin - (y - y0) / (y1 - y0) * (height - 2 * margin) }
        let path = points.map { String(format: "%.1f,%.1f", px($0.0), py($0.1)) }.joined(separator: " ")
        let dots = points.count <= 60 ? points.map { String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"/>", px($0.0), py($0.1)) }.joined() : ""
        func label(_ v: Double) -> String { abs(v) >= 100 ? String(format: "%.0f", v) : String(format: "%.3g", v) }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="20" text-anchor="middle" font-size="14">\(title)</text>
            <line x1="\(margin)" y1="\(height - margin)" x2="\(width - margin)" y2="\(height - margin)" stroke="black"/>
            <line x1="\(margin)" y1="\(margin)" x2="\(margin)" y2="\(height - margin)" stroke="black"/>
            <text x="\(margin)" y="\(height - margin + 18)" text-anchor="middle">\(label(x0))</text>
            <text x="\(width - margin)" y="\(height - margin + 18)" text-anchor="middle">\(label(x1))</text>
            <text x="\(width / 2)" y="\(height - 10)" text-anchor="middle">step</text>
            <text x="\(margin - 6)" y="\(height - margin)" text-anchor="end">\(label(y0))</text>
            <text x="\(margin - 6)" y="\(margin + 4)" text-anchor="end">\(label(y1))</text>
            <polyline fill="none" stroke="#1f77b4" stroke-width="2" points="\(path)"/>\(dots)
            </svg>
            """
    }
}
