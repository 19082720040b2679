import Foundation
import _ICUShim

/// The quick start's parallel corpus, made with ICU alone: numbers spelled out by ICU's
/// rule-based number format in English and in a target language ("four thousand two
/// hundred thirty-seven" → "cuatro mil doscientos treinta y siete"), and dates in each
/// language's long format ("March 3, 2025" → "3 de marzo de 2025"). Seeded, so the same
/// options give the same files, and split so that no item appears in two splits.
public enum QuickstartCorpus {
    public struct Options: Sendable, Equatable {
        public var seed: UInt64 = 1
        /// ICU locale of the target side: es, de or fr (or any locale ICU spells out).
        public var targetLanguage = "es"
        public var trainSize = 20000
        public var validSize = 500
        public var testSize = 500
        /// Share of dates among the items (the rest are numbers).
        public var dateShare = 0.3

        public init() {}
    }

    /// A number spelled out in `locale` ("en": 42 → "forty-two"), without the soft hyphens
    /// (U+00AD, invisible hyphenation hints) ICU puts in some Spanish forms.
    public static func spellOut(_ number: Int, locale: String) throws -> String {
        try icuString("spell-out") { recur_icu_spellout(locale, Int64(number), $0, $1) }.replacingOccurrences(of: "\u{AD}", with: "")
    }

    /// A date (days since 1970-01-01) in `locale`'s long format.
    public static func longDate(daysSince1970 days: Int, locale: String) throws -> String {
        try icuString("date format") { recur_icu_format_date(locale, Double(days) * 86_400_000, 1, $0, $1) }
    }

    /// The pairs of each split: (English, target language).
    public static func generate(_ options: Options) throws -> (train: [(String, String)], valid: [(String, String)], test: [(String, String)]) {
        var generator = SplitMix64(seed: options.seed)
        let total = options.trainSize + options.validSize + options.testSize
        var seen = Set<String>()
        var pairs: [(String, String)] = []
        var attempts = 0
        while pairs.count < total {
            attempts += 1
            guard attempts < total * 20 else {
                throw TextError.invalidOption(name: "corpus size", reason: "\(total) distinct items are more than the generator can draw; ask for fewer")
            }
            let pair: (String, String)
            if generator.nextUnit() < options.dateShare {
                let day = generator.nextInt(below: 200 * 365) - 70 * 365  // 1900 to 2099
                pair = (try longDate(daysSince1970: day, locale: "en"), try longDate(daysSince1970: day, locale: options.targetLanguage))
            } else {
                // Sizes spread evenly over magnitudes: as many two-digit as six-digit numbers.
                let digits = 1 + generator.nextInt(below: 6)
                let low = digits == 1 ? 0 : Int(pow(10, Double(digits - 1)))
                let number = low + generator.nextInt(below: Int(pow(10, Double(digits))) - low)
                pair = (try spellOut(number, locale: "en"), try spellOut(number, locale: options.targetLanguage))
            }
            if seen.insert(pair.0).inserted { pairs.append(pair) }
        }
        // Items are distinct, so consecutive slices share none.
        let validEnd = options.trainSize + options.validSize
        return (Array(pairs[..<options.trainSize]), Array(pairs[options.trainSize..<validEnd]), Array(pairs[validEnd...]))
    }

    /// Writes train/valid/test.{en,TARGET} into `directory`.
    public static func write(to directory: URL, _ options: Options) throws {
        let splits = try generate(options)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, pairs) in [("train", splits.train), ("valid", splits.valid), ("test", splits.test)] {
            for (suffix, side) in [("en", pairs.map(\.0)), (options.targetLanguage, pairs.map(\.1))] {
                try (side.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("\(name).\(suffix)"), atomically: true, encoding: .utf8)
            }
        }
    }
}
