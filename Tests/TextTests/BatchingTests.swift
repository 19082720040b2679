import Testing
@testable import Text

@Suite struct BatchingTests {
    static func examples(count: Int, seed: UInt64) -> [Example] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { line in
            let s = 1 + generator.nextInt(below: 40), t = 1 + generator.nextInt(below: 40)
            return Example(
                source: (0..<s).map { _ in Int32(4 + generator.nextInt(below: 100)) },
                target: (0..<t).map { _ in Int32(4 + generator.nextInt(below: 100)) }, line: line + 1)
        }
    }

    @Test func tokenBudgetIsRespectedAndEveryExampleAppearsOnce() throws {
        let examples = Self.examples(count: 1000, seed: 1)
        var generator = SplitMix64(seed: 9)
        let batches = try BatchingOptions(budget: .tokens(500)).batches(examples, generator: &generator)
        #expect(batches.allSatisfy { $0.paddedTokens <= 500 })
        #expect(batches.flatMap(\.lines).sorted() == Array(1...1000))
    }

    @Test func sentenceBudget() throws {
        var generator = SplitMix64(seed: 9)
        let batches = try BatchingOptions(budget: .sentences(32), bucketByLength: false, shuffle: false)
            .batches(Self.examples(count: 100, seed: 2), generator: &generator)
        #expect(batches.map(\.size) == [32, 32, 32, 4])
        #expect(batches[0].lines == Array(1...32))
    }

    @Test func sameSeedSameBatches() throws {
        let examples = Self.examples(count: 300, seed: 3)
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7), c = SplitMix64(seed: 8)
        let options = BatchingOptions(budget: .tokens(400))
        let first = try options.batches(examples, generator: &a)
        #expect(first == (try options.batches(examples, generator: &b)))
        #expect(first != (try options.batches(examples, generator: &c)))
    }

    @Test func bucketingReducesPadding() throws {
        let examples = Self.examples(count: 1000, seed: 4)
        func padding(_ bucket: Bool) throws -> Float {
            var generator = SplitMix64(seed: 1)
            let batches = try BatchingOptions(budget: .sentences(16), bucketByLength: bucket).batches(examples, generator: &generator)
            return batches.map { Float($0.sourceMask.count) - $0.sourceMask.reduce(0, +) }.reduce(0, +)
        }
        #expect(try padding(true) < padding(false) / 4)
    }

    @Test func paddingAndMasks() {
        let batch = Batch([Example(source: [7, 8, 9], target: [10], line: 1), Example(source: [5], target: [11, 12], line: 2)])
        #expect(batch.size == 2 && batch.sourceLength == 3 && batch.targetLength == 3)
        #expect(batch.source == [7, 8, 9, 5, 0, 0])
        #expect(batch.sourceMask == [1, 1, 1, 1, 0, 0])
        #expect(batch.targetInput == [2, 10, 0, 2, 11, 12])
        #expect(batch.targetOutput == [10, 3, 0, 11, 12, 3])
        #expect(batch.targetMask == [1, 1, 0, 1, 1, 1])
        #expect(batch.targetLengths == [2, 3])
    }

    @Test func invalidBudget() {
        var generator = SplitMix64(seed: 1)
        #expect(throws: TextError.invalidOption(name: "batch budget", reason: "0 must be positive")) {
            try BatchingOptions(budget: .tokens(0)).batches([], generator: &generator)
        }
    }

    @Test func splitMixIsStable() {
        // Reference values of SplitMix64 with seed 0 (Vigna's splitmix64.c).
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}
