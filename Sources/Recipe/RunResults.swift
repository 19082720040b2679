import Foundation
import Tensor

/// `results.json`: every metric on every test set, and a few sample translations.
public struct RunResults: Codable, Sendable, Equatable {
    public struct Sample: Codable, Sendable, Equatable {
        public var source: String, reference: String, hypothesis: String
    }
    public struct Test: Codable, Sendable, Equatable {
        public var name: String
        public var sentences: Int
        public var seconds: Double
        public var scores: [String: Double]
        public var samples: [Sample]
    }
    public var recipe: String
    public var tests: [Test] = []

    public init(recipe: String) { self.recipe = recipe }

    static func load(_ url: URL) throws -> RunResults { try JSONDecoder().decode(RunResults.self, from: Data(contentsOf: url)) }

    func save(_ url: URL) throws {
        try AtomicFile.write(try JSONEncoder.readable.encode(self), to: url)
    }
}
