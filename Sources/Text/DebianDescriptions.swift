import Foundation

/// A summarization corpus from Debian's package descriptions: each binary package's long
/// description, flattened to one line, is the text, and its one-line synopsis is the
/// summary ("0 A.D. (pronounced "zero ey-dee") is a free, open-source, cross-platform
/// real-time strategy (RTS) game …" → "Real-time strategy game of ancient warfare").
///
/// It reads a directory of apt lists, as `apt-get update` leaves them: the descriptions from
/// the `*_Translation-en` files (`Package`, `Description-en`), and each binary package's
/// source package from the `*_Packages` files (`Source: name (version)`, or the package's
/// own name when there is no `Source` field). The splits are drawn by source package, so the
/// binaries built from one source (`0ad-data` and `0ad-data-common`, whose descriptions
/// share whole paragraphs) never straddle train, valid and test.
///
/// The same lists and options give byte-identical files.
public enum DebianDescriptions {
    public struct Options: Sendable, Equatable {
        /// Seeds the assignment of source packages to splits and the order of each split.
        public var seed: UInt64 = 1
        /// Long descriptions with fewer words are dropped: there is little to summarize.
        public var minWords = 15
        /// Shares of source packages (not of pairs) drawn into valid and test.
        public var validShare = 0.025
        public var testShare = 0.025

        public init() {}

        func validate() throws {
            guard minWords >= 0 else { throw TextError.invalidOption(name: "minWords", reason: "\(minWords) is negative; 0 keeps every description") }
            for (name, share) in [("validShare", validShare), ("testShare", testShare)] where !(share >= 0 && share < 1) {
                throw TextError.invalidOption(name: name, reason: "\(share) is not a share in [0, 1); 0.025 draws 2.5% of the source packages")
            }
            guard validShare + testShare < 1 else {
                throw TextError.invalidOption(name: "validShare + testShare", reason: "\(validShare + testShare) leaves nothing to train on; keep the sum below 1")
            }
        }
    }

    public enum Split: String, Sendable, CaseIterable { case train, valid, test }

    /// One pair and the packages it came from.
    public struct Pair: Sendable, Equatable {
        public var package: String
        public var source: String
        /// The long description on one line: continuation lines joined with spaces,
        /// paragraph breaks (" .") made spaces, runs of white space made one space.
        public var description: String
        public var synopsis: String

        public init(package: String, source: String, description: String, synopsis: String) {
            (self.package, self.source, self.description, self.synopsis) = (package, source, description, synopsis)
        }
    }

    /// What was read, what was kept where, and what was dropped for which reason.
    public struct Statistics: Sendable, Equatable {
        public var translationFiles = 0
        public var packagesFiles = 0
        /// Stanzas of the Translation-en files (one package may have several, one per suite).
        public var descriptions = 0
        /// Binary packages named in the Packages files.
        public var binaryPackages = 0
        public var pairs: [Split: Int] = [:]
        public var sourcePackages: [Split: Int] = [:]
        /// Dropped: the synopsis is empty.
        public var emptySynopsis = 0
        /// Dropped: the long description has fewer than `minWords` words.
        public var tooShort = 0
        /// Dropped: the package is in no Packages file (another architecture's, mostly), so
        /// its source package, and so its split, is unknown.
        public var unknownSource = 0
        /// Dropped: the long description is one an earlier pair has (by package name), most
        /// often the same package in two suites.
        public var duplicates = 0

        public init() {}
    }

    /// The three splits, each in a seeded random order, and how they were made.
    public struct Corpus: Sendable, Equatable {
        public var train: [Pair] = []
        public var valid: [Pair] = []
        public var test: [Pair] = []
        public var statistics = Statistics()

        public subscript(split: Split) -> [Pair] {
            switch split {
            case .train: train
            case .valid: valid
            case .test: test
            }
        }
    }

    /// The corpus from the apt lists in `lists`.
    public static func make(lists: String, _ options: Options) throws -> Corpus {
        try options.validate()
        let (translations, packages) = try aptLists(in: lists)
        var sources: [String: String] = [:]
        for path in packages { try readSources(path, into: &sources) }
        var entries: [Entry] = []
        for path in translations { try readDescriptions(path, into: &entries) }
        var corpus = Corpus()
        (corpus.statistics.translationFiles, corpus.statistics.packagesFiles) = (translations.count, packages.count)
        (corpus.statistics.descriptions, corpus.statistics.binaryPackages) = (entries.count, sources.count)
        assemble(entries, sources: sources, options, into: &corpus)
        return corpus
    }

    /// Drops what cannot make a pair, then deals the rest into splits by source package. The
    /// entries are sorted first, so which of two repeated descriptions is kept does not
    /// depend on the files' order.
    static func assemble(_ entries: [Entry], sources: [String: String], _ options: Options, into corpus: inout Corpus) {
        var seen = Set<String>()
        var pairs: [Split: [Pair]] = [.train: [], .valid: [], .test: []]
        var sourcesBySplit: [Split: Set<String>] = [:]
        for entry in entries.sorted(by: Entry.precedes) {
            if entry.synopsis.isEmpty { corpus.statistics.emptySynopsis += 1; continue }
            if entry.words < options.minWords { corpus.statistics.tooShort += 1; continue }
            guard let source = sources[entry.package] else { corpus.statistics.unknownSource += 1; continue }
            guard seen.insert(entry.description).inserted else { corpus.statistics.duplicates += 1; continue }
            let split = split(ofSource: source, options)
            pairs[split]!.append(Pair(package: entry.package, source: source, description: entry.description, synopsis: entry.synopsis))
            sourcesBySplit[split, default: []].insert(source)
        }
        // Shuffled, so that the first lines of a split are a fair sample and one source's
        // near-identical descriptions do not come in a row.
        var generator = SplitMix64(seed: options.seed)
        for split in Split.allCases {
            generator.shuffle(&pairs[split]!)
            corpus.statistics.pairs[split] = pairs[split]!.count
            corpus.statistics.sourcePackages[split] = sourcesBySplit[split]?.count ?? 0
        }
        (corpus.train, corpus.valid, corpus.test) = (pairs[.train]!, pairs[.valid]!, pairs[.test]!)
    }

    /// Writes SPLIT.description and SPLIT.synopsis for train, valid and test into
    /// `directory` (created if missing), one pair a line, each file replaced atomically.
    public static func write(_ corpus: Corpus, to directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TextError.unwritable(file: directory.path, reason: error.localizedDescription)
        }
        for split in Split.allCases {
            for (suffix, lines) in [("description", corpus[split].map(\.description)), ("synopsis", corpus[split].map(\.synopsis))] {
                let url = directory.appendingPathComponent("\(split.rawValue).\(suffix)")
                do {
                    try lines.map { $0 + "\n" }.joined().write(to: url, atomically: true, encoding: .utf8)
                } catch {
                    throw TextError.unwritable(file: url.path, reason: error.localizedDescription)
                }
            }
        }
    }

    /// Makes the corpus from the apt lists in `lists` and writes it into `directory`.
    @discardableResult
    public static func write(lists: String, to directory: URL, _ options: Options) throws -> Statistics {
        let corpus = try make(lists: lists, options)
        try write(corpus, to: directory)
        return corpus.statistics
    }

    /// The split of a source package: a stable hash of the seed and the name (FNV-1a, then
    /// SplitMix64's output function, since FNV-1a's top bits hardly depend on the last
    /// bytes) read as a number in [0, 1). Not Swift's `Hasher`, which is seeded anew in
    /// every process.
    static func split(ofSource source: String, _ options: Options) -> Split {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in withUnsafeBytes(of: options.seed.littleEndian, Array.init) + Array(source.utf8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        var mixer = SplitMix64(seed: hash)
        let u = mixer.nextUnit()
        return u < options.testShare ? .test : u < options.testShare + options.validShare ? .valid : .train
    }

    /// Lines of text on one line: words (runs of anything but Unicode white space, which
    /// includes U+2028 and NEL, so no line break survives) joined by single spaces. A line
    /// "." is a deb822 paragraph break and is left out.
    static func flatten(_ lines: [String]) -> (text: String, words: Int) {
        var words: [String] = []
        for line in lines where line.trimmingSpacesAndTabs() != "." {
            for word in line.unicodeScalars.split(whereSeparator: \.properties.isWhitespace) {
                words.append(String(String.UnicodeScalarView(word)))
            }
        }
        return (words.joined(separator: " "), words.count)
    }

    /// One Translation-en stanza, flattened.
    struct Entry {
        var package: String
        var synopsis: String
        var description: String
        var words: Int

        /// Byte order by package, then description, then synopsis: the same on every
        /// machine, whatever the files' order.
        static func precedes(_ a: Entry, _ b: Entry) -> Bool {
            for (x, y) in [(a.package, b.package), (a.description, b.description), (a.synopsis, b.synopsis)] where !x.utf8.elementsEqual(y.utf8) {
                return x.utf8.lexicographicallyPrecedes(y.utf8)
            }
            return false
        }
    }

    /// The Translation-en and Packages files in `directory`, sorted by name; compressed ones
    /// are an error rather than silently left out.
    static func aptLists(in directory: String) throws -> (translations: [String], packages: [String]) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } } catch {
            throw TextError.unreadable(file: directory, reason: "not a readable directory of apt lists (\(error.localizedDescription))")
        }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        var translations: [String] = [], packages: [String] = []
        for name in names {
            if name.hasSuffix("_Translation-en") { translations.append(base + name) }
            else if name.hasSuffix("_Packages") { packages.append(base + name) }
            else if name.contains("_Translation-en.") || name.contains("_Packages.") { throw TextError.compressedAptList(file: base + name) }
        }
        if translations.isEmpty { throw TextError.missingAptLists(directory: directory, kind: "Translation-en") }
        if packages.isEmpty { throw TextError.missingAptLists(directory: directory, kind: "Packages") }
        return (translations, packages)
    }

    /// Adds each binary package's source package. A package listed with two sources (a
    /// binary that moved between suites) goes with the first by name, whatever the file order.
    static func readSources(_ path: String, into sources: inout [String: String]) throws {
        let reader = try Deb822Reader(path: path, fields: ["Package", "Source"])
        while let stanza = try reader.next() {
            guard let package = stanza["Package"]?.value, !package.isEmpty else {
                throw TextError.malformedStanza(file: reader.name, line: stanza.line, reason: "stanza without a Package field; every stanza of a Packages file names its package")
            }
            // "Source: name (version)" when the source's version differs from the binary's.
            let source = stanza["Source"]?.value.split(separator: " ").first.map(String.init) ?? package
            if let known = sources[package], known.utf8.lexicographicallyPrecedes(source.utf8) { continue }
            sources[package] = source
        }
    }

    /// Adds the descriptions of one Translation-en file.
    static func readDescriptions(_ path: String, into entries: inout [Entry]) throws {
        let reader = try Deb822Reader(path: path, fields: ["Package", "Description-en"])
        while let stanza = try reader.next() {
            guard let package = stanza["Package"]?.value, !package.isEmpty else {
                throw TextError.malformedStanza(file: reader.name, line: stanza.line, reason: "stanza without a Package field; every stanza of a Translation-en file names its package")
            }
            guard let field = stanza["Description-en"] else {
                throw TextError.malformedStanza(file: reader.name, line: stanza.line, reason: "stanza of package \(package) without a Description-en field; is this a Translation-en file?")
            }
            let long = flatten(field.continuation)
            entries.append(Entry(package: package, synopsis: flatten([field.value]).text, description: long.text, words: long.words))
        }
    }
}
