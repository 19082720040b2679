import Foundation
import Testing

/// `recur corpus debian` run as a person would: what it prints, what it writes, and its errors.
@Suite struct DebianDescriptionsCommandTests {
    @Test func writesTheSplitsAndPrintsStatistics() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-debian-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let lists = directory.appendingPathComponent("lists")
        try FileManager.default.createDirectory(at: lists, withIntermediateDirectories: true)
        try """
            Package: hello
            Description-en: friendly greeting
             GNU hello prints a friendly greeting
             .
             and shows how to write programs.

            Package: hi
            Description-en: short
             Too short.

            """.write(to: lists.appendingPathComponent("x_main_i18n_Translation-en"), atomically: true, encoding: .utf8)
        try "Package: hello\nSource: hello (2.10-3)\n\nPackage: hi\n".write(
            to: lists.appendingPathComponent("x_main_binary-amd64_Packages"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("corpus").path
        let arguments = ["corpus", "debian", "--lists", lists.path, "--output", out, "--min-words", "5", "--valid-share", "0", "--test-share", "0"]

        let result = try runRecur(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            read 2 descriptions from 1 Translation-en files, sources of 2 binary packages from 1 Packages files
            dropped: 1 with fewer than 5 words, 0 with an empty synopsis, 0 in no Packages file, 0 repeated descriptions
            train: 1 pairs from 1 source packages → \(out)/train.description, \(out)/train.synopsis
            valid: 0 pairs from 0 source packages → \(out)/valid.description, \(out)/valid.synopsis
            test: 0 pairs from 0 source packages → \(out)/test.description, \(out)/test.synopsis

            """)
        #expect(try String(contentsOfFile: out + "/train.description", encoding: .utf8) == "GNU hello prints a friendly greeting and shows how to write programs.\n")
        #expect(try String(contentsOfFile: out + "/train.synopsis", encoding: .utf8) == "friendly greeting\n")
        #expect(try String(contentsOfFile: out + "/test.synopsis", encoding: .utf8) == "")

        let invalid = try runRecur(["corpus", "debian", "--lists", lists.path, "--out", out, "--test-share", "1"])
        #expect(invalid.status != 0 && invalid.stderr.contains("--valid-share and --test-share must each be in [0, 1)"), "\(invalid.stderr)")

        try Data([0x04, 0x22, 0x4D, 0x18]).write(to: lists.appendingPathComponent("y_main_binary-amd64_Packages.lz4"))
        let compressed = try runRecur(arguments)
        #expect(compressed.status != 0)
        #expect(compressed.stderr.hasPrefix("error: \(lists.path)/y_main_binary-amd64_Packages.lz4: compressed apt list; fetch the lists uncompressed (apt-get -o Acquire::GzipIndexes=false update"), "\(compressed.stderr)")
    }
}
