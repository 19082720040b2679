#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Gives each distinct byte string an id (0, 1, 2, ...): symbol interning for `BPE`'s
/// tables, keyed by bytes like every token key in Text (see `ExactString`). Open addressing
/// with FNV-1a hashes; a few times cheaper than a `Dictionary` of Strings, which matters
/// because every `recur tokenize --bpe-codes` run interns three symbols per merge.
struct ByteInterner {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var starts: [Int] = []
    private var bytes: [UInt8] = []

    /// An empty interner with room for about `capacity` strings before it grows.
    init(capacity: Int = 1 << 11) {
        var slotCount = 1 << 12
        while slotCount < 2 * capacity { slotCount *= 2 }
        slots = [Int32](repeating: -1, count: slotCount)
        hashes.reserveCapacity(capacity)
        starts.reserveCapacity(capacity)
        bytes.reserveCapacity(8 * capacity)
    }

    /// Number of distinct byte strings.
    var count: Int { hashes.count }

    /// The id of `key`, added if new.
    mutating func id(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = RenderedSegmentCache.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let index = Int(slots[slot])
            if hashes[index] == hash && equals(index, key) { return Int32(index) }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(hashes.count)
        hashes.append(hash)
        starts.append(bytes.count)
        bytes.append(contentsOf: key)
        if hashes.count * 2 > slots.count { grow() }
        return Int32(hashes.count - 1)
    }

    /// The id of a string's bytes, added if new.
    mutating func id(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { id($0) }
    }

    private func equals(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let range = self.range(index)
        guard range.count == key.count else { return false }
        return key.isEmpty || bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + range.lowerBound, key.baseAddress!, key.count) == 0 }
    }

    /// Where the bytes of an id lie in `bytes`.
    private func range(_ index: Int) -> Range<Int> {
        starts[index]..<(index + 1 < starts.count ? starts[index + 1] : bytes.count)
    }

    /// The bytes of an id.
    subscript(index: Int) -> ArraySlice<UInt8> { bytes[range(index)] }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for index in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[index]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
