/// A problem with a recipe, located and explained: `quickstart.yaml:12:5: training.learningRat:
/// unknown key; did you mean 'learningRate'?`.
public struct RecipeError: Error, CustomStringConvertible, Equatable {
    /// The file (or `--set` for a command-line override).
    public let file: String
    /// 1-based line and column, when known.
    public let line: Int?, column: Int?
    /// The dotted key path, e.g. `training.learningRate`.
    public let path: String
    public let message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, path: String, message: String) {
        (self.file, self.line, self.column, self.path, self.message) = (file, line, column, path, message)
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        return "\(location): \(path.isEmpty ? "" : path + ": ")\(message)"
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely
/// misspelling (at most a third of its length, and at least 1, edits away).
func nearest(_ word: String, among candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
    let lowered = Array(word.lowercased())
    let scored = candidates.map { ($0, distance(lowered, Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= Swift.max(1, word.count / 3) ? best.0 : nil
}
