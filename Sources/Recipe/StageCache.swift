import Foundation
import Tensor

/// Which stages of a run are done, keyed by a hash of what each read: the part of the
/// recipe it depends on, the hashes of the stages before it, and its input files' sizes and
/// modification times. `recur run` skips a stage whose key matches and reruns it (and what
/// follows) when anything it reads has changed.
struct StageCache {
    struct Entry: Codable, Equatable {
        var key: String
        /// What may change without invalidating the stage's work (training limits): a
        /// different detail reruns the stage from where it is rather than from scratch.
        var detail: String = ""
        var done: Bool
    }

    let url: URL
    private(set) var entries: [String: Entry]

    init(directory: URL) {
        url = directory.appendingPathComponent("stages.json")
        entries = (try? JSONDecoder().decode([String: Entry].self, from: Data(contentsOf: url))) ?? [:]
    }

    func isDone(_ stage: String, key: String, detail: String = "") -> Bool {
        entries[stage] == Entry(key: key, detail: detail, done: true)
    }

    /// Whether the stage's work so far can continue: it ran with this key (interrupted, or
    /// finished under other limits).
    func canContinue(_ stage: String, key: String) -> Bool { entries[stage]?.key == key }

    mutating func mark(_ stage: String, key: String, detail: String = "", done: Bool) throws {
        entries[stage] = Entry(key: key, detail: detail, done: done)
        try AtomicFile.write(try JSONEncoder.readable.encode(entries), to: url)
    }

    /// A stable hash (FNV-1a, 64 bits, hex) of the given parts, for stage keys.
    static func key(_ parts: [String]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for part in parts {
            for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            hash = (hash ^ 0xFF) &* 0x100_0000_01B3  // separates ["ab", "c"] from ["a", "bc"]
        }
        return String(hash, radix: 16)
    }

    /// Size and modification time of each file, so a changed input changes the key.
    static func fingerprint(_ paths: [String]) -> String {
        paths.map { path in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            return "\(path):\(size):\(modified)"
        }.joined(separator: "|")
    }
}
