import ArgumentParser
import Foundation
import Text

struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus", abstract: "Generate corpora.", subcommands: [Quickstart.self, Debian.self])

    struct Quickstart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The quick start's corpus: numbers and dates, English and another language, made with ICU.",
            discussion: "Writes train, valid and test splits (no item in two of them) as DIR/SPLIT.en and DIR/SPLIT.LANG.")

        @Option(help: "Output directory.") var out: String
        @Option(help: "Target language (an ICU locale that spells numbers out: es, de, fr, …).") var language = "es"
        @Option(help: "Random seed.") var seed: UInt64 = 1
        @Option(help: "Training pairs.") var train = 20000
        @Option(help: "Validation pairs.") var valid = 500
        @Option(help: "Test pairs.") var test = 500

        func validate() throws {
            guard train >= 1, valid >= 0, test >= 0 else { throw ValidationError("split sizes must not be negative, and train at least 1") }
        }

        func run() throws {
            var options = QuickstartCorpus.Options()
            (options.seed, options.targetLanguage, options.trainSize, options.validSize, options.testSize) = (seed, language, train, valid, test)
            do { try QuickstartCorpus.write(to: URL(fileURLWithPath: out), options) } catch { throw fail(error) }
            print("wrote \(train) + \(valid) + \(test) pairs (en–\(language)) to \(out)")
        }
    }

    struct Debian: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A summarization corpus from Debian package descriptions: long description → synopsis.",
            discussion: """
                Reads apt lists as apt-get update leaves them: the long descriptions and synopses \
                from the *_Translation-en files, each binary package's source package from the \
                *_Packages files. Fetch them uncompressed, with English descriptions, into LISTS:
                  apt-get -o Dir::State::Lists=LISTS -o Acquire::Languages=en \\
                    -o Acquire::GzipIndexes=false update
                (corpora/debian-summaries.sh does this, then runs this command).

                Writes OUT/SPLIT.description (the long description on one line) and \
                OUT/SPLIT.synopsis (its one-line summary) for train, valid and test. Splits are \
                drawn by source package, so binaries built from one source never straddle two \
                splits. Dropped: descriptions with fewer than --min-words words, empty synopses, \
                packages in no Packages file (their source is unknown) and repeated descriptions \
                (the first by package name is kept). The same lists and options give the same files.
                """)

        @Option(help: "Directory of apt lists (*_Translation-en and *_Packages files, uncompressed).")
        var lists: String
        @Option(name: [.customLong("out"), .customLong("output")], help: "Output directory (created if missing).")
        var out: String
        @Option(help: "Random seed: which source packages go to valid and test, and each split's line order.")
        var seed: UInt64 = 1
        @Option(help: "Drop long descriptions with fewer words than this (0 keeps all).")
        var minWords = 15
        @Option(help: "Share of source packages drawn into valid, in [0, 1).")
        var validShare = 0.025
        @Option(help: "Share of source packages drawn into test, in [0, 1).")
        var testShare = 0.025

        func validate() throws {
            guard minWords >= 0 else { throw ValidationError("--min-words must not be negative (0 keeps every description)") }
            guard (0..<1).contains(validShare), (0..<1).contains(testShare), validShare + testShare < 1 else {
                throw ValidationError("--valid-share and --test-share must each be in [0, 1), and their sum below 1")
            }
        }

        func run() throws {
            var options = DebianDescriptions.Options()
            (options.seed, options.minWords, options.validShare, options.testShare) = (seed, minWords, validShare, testShare)
            let s: DebianDescriptions.Statistics
            do { s = try DebianDescriptions.write(lists: lists, to: URL(fileURLWithPath: out), options) } catch { throw fail(error) }
            print("read \(s.descriptions) descriptions from \(s.translationFiles) Translation-en files, sources of \(s.binaryPackages) binary packages from \(s.packagesFiles) Packages files")
            print("dropped: \(s.tooShort) with fewer than \(minWords) words, \(s.emptySynopsis) with an empty synopsis, \(s.unknownSource) in no Packages file, \(s.duplicates) repeated descriptions")
            for split in DebianDescriptions.Split.allCases {
                let name = split.rawValue
                print("\(name): \(s.pairs[split] ?? 0) pairs from \(s.sourcePackages[split] ?? 0) source packages → \(out)/\(name).description, \(out)/\(name).synopsis")
            }
        }
    }
}
