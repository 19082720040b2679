import Yams

/// Reads one mapping of a recipe strictly: every key must be asked for, values must have
/// the asked type and range, and whatever is left over is an error naming the key, its line
/// and column, and the nearest valid key. Sections list their keys and defaults with it, so
/// a section's `init` is also its documentation.
public final class SectionReader {
    let file: String
    let path: String
    let node: Node?
    /// Key paths set by `--set`: errors about them point at the override, not the file.
    let overridden: Set<String>
    private var entries: [(key: String, keyNode: Node, value: Node)] = []
    private var asked: [String] = []

    /// - Parameters: node: the section's mapping, or nil when the section is absent (every
    ///   key then takes its default).
    init(file: String, path: String, node: Node?, overridden: Set<String> = []) throws {
        (self.file, self.path, self.node, self.overridden) = (file, path, node, overridden)
        guard let node else { return }
        guard case .mapping(let mapping) = node else {
            throw error(at: node, path: path, "expected a mapping of keys to values, found \(describe(node))")
        }
        for (key, value) in mapping {
            guard let name = key.string else { throw error(at: key, path: path, "keys must be plain words") }
            if entries.contains(where: { $0.key == name }) { throw error(at: key, path: qualified(name), "appears twice") }
            entries.append((name, key, value))
        }
    }

    func qualified(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func error(at node: Node?, path: String, _ message: String) -> RecipeError {
        if overridden.contains(path) { return RecipeError(file: "--set", path: path, message: message) }
        return RecipeError(file: file, line: node?.mark?.line, column: node?.mark?.column, path: path, message: message)
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The value node of `key`, marking the key as known.
    func node(_ key: String) -> Node? {
        asked.append(key)
        return entries.first { $0.key == key }?.value
    }

    /// Whether the recipe sets `key`, to null or a value (marking it known).
    public func has(_ key: String) -> Bool { node(key) != nil }

    /// Whether `node` is YAML's null (`~`, `null` or nothing).
    static func isNull(_ node: Node) -> Bool {
        if case .scalar(let s) = node { return s.style == .plain && ["~", "null", "Null", "NULL", ""].contains(s.string) }
        return false
    }

    /// Throws for the first key nobody asked for, suggesting the nearest known one.
    public func finish() throws {
        for entry in entries where !asked.contains(entry.key) {
            let hint = nearest(entry.key, among: asked).map { "; did you mean '\($0)'?" } ?? "; known keys: \(asked.joined(separator: ", "))"
            throw error(at: entry.keyNode, path: qualified(entry.key), "unknown key\(hint)")
        }
    }

    // MARK: Typed values

    private func scalar(_ key: String) throws -> (Node, String)? {
        guard let value = node(key) else { return nil }
        if case .scalar(let s) = value {
            return Self.isNull(value) ? nil : (value, s.string)
        }
        throw error(at: value, path: qualified(key), "expected a single value, found \(describe(value))")
    }

    public func string(_ key: String, default value: String) throws -> String {
        try scalar(key)?.1 ?? value
    }

    public func optionalString(_ key: String) throws -> String? { try scalar(key)?.1 }

    public func int(_ key: String, default value: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        try optionalInt(key, range: range) ?? value
    }

    public func optionalInt(_ key: String, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let (node, text) = try scalar(key) else { return nil }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            throw error(at: node, path: qualified(key), "expected a whole number, found '\(text)'")
        }
        guard range.contains(value) else { throw error(at: node, path: qualified(key), "\(value) is out of range \(describe(range))") }
        return value
    }

    public func double(_ key: String, default value: Double, range: ClosedRange<Double> = -.infinity...(.infinity)) throws -> Double {
        try optionalDouble(key, range: range) ?? value
    }

    public func optionalDouble(_ key: String, range: ClosedRange<Double> = -.infinity...(.infinity)) throws -> Double? {
        guard let (node, text) = try scalar(key) else { return nil }
        guard let number = Double(text.replacingOccurrences(of: "_", with: "")), number.isFinite else {
            throw error(at: node, path: qualified(key), "expected a number, found '\(text)'")
        }
        guard range.contains(number) else { throw error(at: node, path: qualified(key), "\(number) is out of range \(describe(range))") }
        return number
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let (node, text) = try scalar(key) else { return value }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(at: node, path: qualified(key), "expected true or false, found '\(text)'")
        }
    }

    /// One of an enumeration's raw values.
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, default value: T) throws -> T where T.RawValue == String {
        guard let (node, text) = try scalar(key) else { return value }
        guard let choice = T(rawValue: text) else {
            let options = T.allCases.map(\.rawValue)
            let hint = nearest(text, among: options).map { "; did you mean '\($0)'?" } ?? ""
            throw error(at: node, path: qualified(key), "'\(text)' is not one of \(options.joined(separator: ", "))\(hint)")
        }
        return choice
    }

    /// A list of strings (a YAML list, or one string).
    public func strings(_ key: String, default value: [String]) throws -> [String] {
        guard let list = node(key) else { return value }
        switch list {
        case .scalar(let s): return [s.string]
        case .sequence(let items):
            return try items.map { item in
                guard case .scalar(let s) = item else { throw error(at: item, path: qualified(key), "expected a list of single values") }
                return s.string
            }
        default: throw error(at: list, path: qualified(key), "expected a list, found \(describe(list))")
        }
    }

    /// A nested section.
    public func section(_ key: String) throws -> SectionReader {
        try SectionReader(file: file, path: qualified(key), node: node(key), overridden: overridden)
    }

    /// A list of nested sections.
    public func sections(_ key: String) throws -> [SectionReader] {
        guard let list = node(key) else { return [] }
        guard case .sequence(let items) = list else { throw error(at: list, path: qualified(key), "expected a list, found \(describe(list))") }
        return try items.enumerated().map { try SectionReader(file: file, path: qualified(key) + "[\($0.offset)]", node: $0.element, overridden: overridden) }
    }

    /// An error about `key`'s value, located at it (`""`: about the whole section).
    public func invalid(_ key: String, _ message: String) -> RecipeError {
        error(at: entries.first { $0.key == key }?.value ?? node, path: key.isEmpty ? path : qualified(key), message)
    }

    private func describe<T>(_ range: ClosedRange<T>) -> String {
        "[\(range.lowerBound), \(range.upperBound)]".replacingOccurrences(of: "\(Int.max)", with: "∞").replacingOccurrences(of: "inf", with: "∞")
    }
}
