import Foundation
import Testing
@testable import Text

/// apt lists written into a temporary directory, as `apt-get update` names them.
struct AptLists {
    let directory: TemporaryDirectory
    var path: String { directory.url.path }

    init(translations: [String] = [], packages: [String] = []) throws {
        directory = try TemporaryDirectory()
        for (index, text) in translations.enumerated() { _ = try directory.file("suite\(index)_main_i18n_Translation-en", text) }
        for (index, text) in packages.enumerated() { _ = try directory.file("suite\(index)_main_binary-amd64_Packages", text) }
    }
}

@Suite struct DebianDescriptionsTests {
    /// Drops (short, empty synopsis, no Packages entry, repeats), a versioned Source field,
    /// a continuation line in a field not kept, and the same package in a second suite.
    static let translation = """
        Package: alpha
        Description-md5: 01
        Description-en: first letter
         Alpha is the first letter.
         .
         It   comes before\tbravo.

        Package: alpha-copy
        Description-md5: 02
        Description-en: first letter (copy)
         Alpha is the first letter.
         .
         It comes before bravo.

        Package: alpha-data
        Description-md5: 03
        Description-en: first  letter (data)
         Alpha is the first letter.
         This package holds its data.

        Package: bravo-utils
        Description-md5: 04
        Description-en: bravo utilities
         Bravo utilities for
         testing the split.

        Package: delta
        Description-md5: 05
        Description-en: river mouth
         Delta is a river mouth
         with a triangle shape.

        Package: echo-tools
        Description-md5: 06
        Description-en: repeating tools
         Echo repeats what it hears.

        Package: foxtrot
        Description-md5: 07
        Description-en: a dance
         Foxtrot is a dance in no Packages file.

        Package: golf
        Description-md5: 08
        Description-en: a game
         Too short.

        Package: hotel
        Description-md5: 09
        Description-en: rooms
         Hotel rooms for the night.

        Package: india
        Description-md5: 10
        Description-en:
         India has an empty synopsis.

        Package: libhotel1
        Description-md5: 11
        Description-en: hotel library
         Hotel library for booking rooms.

        """
    static let securityTranslation = """
        Package: alpha
        Description-md5: 01
        Description-en: first letter
         Alpha is the first letter.
         .
         It comes before bravo.

        """
    static let packages = """
        Package: alpha
        Version: 1.0-1
        Tag: letter::first,
         letter::greek

        Package: alpha-copy
        Source: alpha
        Version: 1.0-1

        Package: alpha-data
        Source: alpha
        Version: 1.0-1

        Package: bravo-utils
        Source: bravo (1.0-1)
        Version: 1.0-1+b1

        Package: delta
        Version: 2

        Package: echo-tools
        Source: echo

        Package: golf

        Package: hotel

        Package: india

        Package: libhotel1
        Source: hotel

        """

    static func options(seed: UInt64 = 1, minWords: Int = 3, share: Double = 0.3) -> DebianDescriptions.Options {
        var options = DebianDescriptions.Options()
        (options.seed, options.minWords, options.validShare, options.testShare) = (seed, minWords, share, share)
        return options
    }

    /// Expected splits and order computed by an independent Python implementation
    /// (deb822 by splitting on blank lines, FNV-1a + SplitMix64, Fisher–Yates).
    @Test func exactSplitsStatisticsAndFiles() throws {
        let lists = try AptLists(translations: [Self.translation, Self.securityTranslation], packages: [Self.packages])
        let corpus = try DebianDescriptions.make(lists: lists.path, Self.options())
        #expect(corpus.train.map(\.package) == ["delta", "alpha", "echo-tools", "alpha-data"])
        #expect(corpus.valid == [DebianDescriptions.Pair(package: "bravo-utils", source: "bravo", description: "Bravo utilities for testing the split.", synopsis: "bravo utilities")])
        #expect(corpus.test.map(\.package) == ["hotel", "libhotel1"])
        #expect(corpus.train[1] == DebianDescriptions.Pair(package: "alpha", source: "alpha", description: "Alpha is the first letter. It comes before bravo.", synopsis: "first letter"))
        #expect(corpus.train[3].synopsis == "first letter (data)")

        var expected = DebianDescriptions.Statistics()
        (expected.translationFiles, expected.packagesFiles, expected.descriptions, expected.binaryPackages) = (2, 1, 12, 10)
        (expected.emptySynopsis, expected.tooShort, expected.unknownSource, expected.duplicates) = (1, 1, 1, 2)
        expected.pairs = [.train: 4, .valid: 1, .test: 2]
        expected.sourcePackages = [.train: 3, .valid: 1, .test: 1]
        #expect(corpus.statistics == expected)

        let out = try TemporaryDirectory()
        try DebianDescriptions.write(corpus, to: out.url)
        func file(_ name: String) throws -> String { try String(contentsOf: out.url.appendingPathComponent(name), encoding: .utf8) }
        #expect(try file("train.synopsis") == "river mouth\nfirst letter\nrepeating tools\nfirst letter (data)\n")
        #expect(try file("train.description") == """
            Delta is a river mouth with a triangle shape.
            Alpha is the first letter. It comes before bravo.
            Echo repeats what it hears.
            Alpha is the first letter. This package holds its data.

            """)
        #expect(try file("valid.description") == "Bravo utilities for testing the split.\n")
        #expect(try file("valid.synopsis") == "bravo utilities\n")
        #expect(try file("test.description") == "Hotel rooms for the night.\nHotel library for booking rooms.\n")
        #expect(try file("test.synopsis") == "rooms\nhotel library\n")
    }

    @Test func flattening() {
        let flat = DebianDescriptions.flatten(["  GNU  hello\tprints", ".", " . ", "a greeting.", "", "  verbatim  line", "a\u{2028}b\u{85}c\u{A0}d"])
        #expect(flat.text == "GNU hello prints a greeting. verbatim line a b c d")
        #expect(flat.words == 11)
        #expect(DebianDescriptions.flatten([]) == ("", 0))
    }

    @Test func sourceFieldWithVersionAndWithout() throws {
        let lists = try AptLists(packages: ["Package: b\nSource: src (1:2.0-1)\n\nPackage: own\nVersion: 1\n\r\nPackage: c\nSource: zzz\n", "Package: c\nSource: aaa\n"])
        var sources: [String: String] = [:]
        for suite in 0..<2 { try DebianDescriptions.readSources(lists.path + "/suite\(suite)_main_binary-amd64_Packages", into: &sources) }
        #expect(sources == ["b": "src", "own": "own", "c": "aaa"])
    }

    @Test func repeatedDescriptionsKeepTheFirstByPackageName() throws {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
        let translation = "Package: zeta\nDescription-en: last\n \(text)\n\nPackage: beta\nDescription-en: second\n \(text)\n\nPackage: alpha\nDescription-en: first\n \(text)\n"
        let lists = try AptLists(translations: [translation], packages: ["Package: zeta\n\nPackage: beta\n\nPackage: alpha\n"])
        let corpus = try DebianDescriptions.make(lists: lists.path, Self.options(minWords: 15, share: 0))
        #expect(corpus.train.map(\.package) == ["alpha"])
        #expect(corpus.statistics.duplicates == 2)
    }

    @Test func minWordsDropsShortDescriptions() throws {
        let words = (1...15).map { "w\($0)" }
        let translation = "Package: fourteen\nDescription-en: s\n \(words.dropLast().joined(separator: " "))\n\nPackage: fifteen\nDescription-en: s\n \(words[..<8].joined(separator: " "))\n .\n \(words[8...].joined(separator: " "))\n"
        let lists = try AptLists(translations: [translation], packages: ["Package: fourteen\n\nPackage: fifteen\n"])
        let byDefault = try DebianDescriptions.make(lists: lists.path, DebianDescriptions.Options())
        #expect((byDefault.train + byDefault.valid + byDefault.test).map(\.package) == ["fifteen"])
        #expect(byDefault.statistics.tooShort == 1)
        let all = try DebianDescriptions.make(lists: lists.path, Self.options(minWords: 14, share: 0))
        #expect(Set(all.train.map(\.package)) == ["fourteen", "fifteen"])
        #expect(all.statistics.tooShort == 0)
    }

    @Test func aSourcesBinariesShareOneSplit() throws {
        var translation = "", packages = ""
        for source in 0..<60 {
            for binary in 0..<3 {
                translation += "Package: bin\(source)-\(binary)\nDescription-en: synopsis \(source) \(binary)\n text of binary \(binary) of source \(source)\n\n"
                packages += "Package: bin\(source)-\(binary)\nSource: src\(source) (1.\(binary))\n\n"
            }
        }
        let lists = try AptLists(translations: [translation], packages: [packages])
        let corpus = try DebianDescriptions.make(lists: lists.path, Self.options(share: 0.2))
        var splitOfSource: [String: DebianDescriptions.Split] = [:]
        for split in DebianDescriptions.Split.allCases {
            #expect(!corpus[split].isEmpty, "\(split) is empty")
            for pair in corpus[split] {
                #expect(splitOfSource.updateValue(split, forKey: pair.source) ?? split == split, "\(pair.source) straddles splits")
                #expect(split == DebianDescriptions.split(ofSource: pair.source, Self.options(share: 0.2)))
            }
        }
        #expect(splitOfSource.count == 60)
        #expect(corpus.statistics.sourcePackages.values.reduce(0, +) == 60)
        #expect(corpus.statistics.pairs.values.reduce(0, +) == 180)
    }

    /// Pinned by an independent Python implementation of the hash.
    @Test func splitAssignmentIsAStableHash() {
        let options = DebianDescriptions.Options()
        #expect(["acorn", "adapterremoval", "alfa"].map { DebianDescriptions.split(ofSource: $0, options) } == [.valid, .valid, .valid])
        #expect(["abiword", "acct", "grub2"].map { DebianDescriptions.split(ofSource: $0, options) } == [.test, .test, .train])
        #expect(["0ad", "bash", "linux"].map { DebianDescriptions.split(ofSource: $0, options) } == [.train, .train, .train])
        var seedTwo = options
        seedTwo.seed = 2
        #expect(DebianDescriptions.split(ofSource: "grub2", seedTwo) == .test)
    }

    @Test func sameListsAndSeedGiveIdenticalFilesAndAnotherSeedDoesNot() throws {
        let lists = try AptLists(translations: [Self.translation, Self.securityTranslation], packages: [Self.packages])
        let (first, second) = (try TemporaryDirectory(), try TemporaryDirectory())
        let statistics = try DebianDescriptions.write(lists: lists.path, to: first.url, Self.options())
        #expect(try DebianDescriptions.write(lists: lists.path, to: second.url, Self.options()) == statistics)
        let names = ["train", "valid", "test"].flatMap { ["\($0).description", "\($0).synopsis"] }
        for name in names {
            let a = try Data(contentsOf: first.url.appendingPathComponent(name)), b = try Data(contentsOf: second.url.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between two runs")
        }
        let other = try DebianDescriptions.make(lists: lists.path, Self.options(seed: 7))
        #expect(other.train.map(\.package) != ["delta", "alpha", "echo-tools", "alpha-data"])
        #expect(Set(other.test.map(\.source)) == ["bravo", "delta", "echo", "hotel"])
    }

    @Test func malformedListsNameFileAndLine() throws {
        func error(translation: String, packages: String = "Package: a\n") throws -> TextError? {
            let lists = try AptLists(translations: [translation], packages: [packages])
            do { _ = try DebianDescriptions.make(lists: lists.path, DebianDescriptions.Options()) } catch let error as TextError { return error }
            return nil
        }
        let file = "suite0_main_i18n_Translation-en"
        let orphan = try #require(try error(translation: "\n continued\nPackage: a\nDescription-en: s\n"))
        #expect(orphan.description.hasSuffix("/\(file):2: continuation line (it starts with a space) before any field; a stanza starts with a \"Field: value\" line (is this an apt list file?)"))
        let noPackage = try #require(try error(translation: "Package: a\nDescription-en: s\n w\n\nDescription-md5: 0\nDescription-en: t\n x\n"))
        #expect(noPackage.description.hasSuffix("/\(file):5: stanza without a Package field; every stanza of a Translation-en file names its package"))
        let noColon = try #require(try error(translation: "Package: a\nnot a field\n"))
        #expect(noColon.description.hasSuffix("/\(file):2: expected \"Field: value\" or a continuation line starting with a space; is this an apt list file?"))
        let noDescription = try #require(try error(translation: "Package: a\nDescription-en: s\n w\n\nPackage: b\n"))
        #expect(noDescription.description.hasSuffix(":5: stanza of package b without a Description-en field; is this a Translation-en file?"))
        let packages = try #require(try error(translation: "Package: a\nDescription-en: s\n w\n", packages: "Package: a\n\nVersion: 1\n"))
        #expect(packages.description.hasSuffix("/suite0_main_binary-amd64_Packages:3: stanza without a Package field; every stanza of a Packages file names its package"))

        let latin1 = try AptLists(packages: ["Package: a\n"])
        let path = try latin1.directory.file(file, Array("Package: a\nDescription-en: caf".utf8) + [0xE9, 0x0A])
        #expect(throws: TextError.invalidUTF8(file: path, line: 2, byte: 20)) { try DebianDescriptions.make(lists: latin1.path, DebianDescriptions.Options()) }
    }

    @Test func compressedOrMissingListsSayWhichAptOption() throws {
        let compressed = try AptLists(translations: ["Package: a\nDescription-en: s\n w\n"], packages: ["Package: a\n"])
        _ = try compressed.directory.file("suite1_main_binary-amd64_Packages.lz4", [0x04, 0x22, 0x4D, 0x18])
        let path = compressed.path + "/suite1_main_binary-amd64_Packages.lz4"
        #expect(throws: TextError.compressedAptList(file: path)) { try DebianDescriptions.make(lists: compressed.path, DebianDescriptions.Options()) }
        #expect(TextError.compressedAptList(file: path).description.contains("apt-get -o Acquire::GzipIndexes=false update"))

        let noTranslations = try AptLists(packages: ["Package: a\n"])
        let missing = TextError.missingAptLists(directory: noTranslations.path, kind: "Translation-en")
        #expect(throws: missing) { try DebianDescriptions.make(lists: noTranslations.path, DebianDescriptions.Options()) }
        #expect(missing.description.contains("-o Acquire::Languages=en"))
        let noPackages = try AptLists(translations: ["Package: a\nDescription-en: s\n w\n"])
        #expect(throws: TextError.missingAptLists(directory: noPackages.path, kind: "Packages")) {
            try DebianDescriptions.make(lists: noPackages.path, DebianDescriptions.Options())
        }
    }

    @Test func invalidOptionsAreRejected() throws {
        let lists = try AptLists(translations: ["Package: a\nDescription-en: s\n w\n"], packages: ["Package: a\n"])
        for options in [Self.options(minWords: -1), Self.options(share: 0.5), Self.options(share: -0.1), Self.options(share: .nan)] {
            #expect(throws: TextError.self) { try DebianDescriptions.make(lists: lists.path, options) }
        }
    }
}
