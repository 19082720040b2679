/// The segmentation cache keyed by a token's bytes: lets the tokenize-and-segment pipeline
/// look tokens up without building a String for each, and hands back the segmentation
/// already rendered as bytes ("sub@@ word"). An open-addressing hash table over two byte
/// arenas; FNV-1a hashes (Fowler, Noll & Vo), ample for keys of a few bytes.
struct RenderedSegmentCache {
    private struct Entry {
        var hash: UInt64
        var keyStart: Int
        var keyCount: Int
        var valueStart: Int
        var valueCount: Int
    }

    private var slots = [Int32](repeating: -1, count: 1 << 12)
    private var entries: [Entry] = []
    private var keys: [UInt8] = []
    private var values: [UInt8] = []

    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    /// Appends the cached rendering of `key` to `output`; false if `key` is not cached.
    func append(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, to output: inout [UInt8]) -> Bool {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let entry = entries[Int(slots[slot])]
            if entry.hash == hash && entry.keyCount == key.count
                && keys[entry.keyStart..<entry.keyStart + entry.keyCount].elementsEqual(key)
            {
                output.append(contentsOf: values[entry.valueStart..<entry.valueStart + entry.valueCount])
                return true
            }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// Caches `value` as the rendering of `key` (not already cached).
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, value: [UInt8]) {
        if (entries.count + 1) * 2 > slots.count { grow() }
        entries.append(Entry(hash: hash, keyStart: keys.count, keyCount: key.count, valueStart: values.count, valueCount: value.count))
        keys.append(contentsOf: key)
        values.append(contentsOf: value)
        place(Int32(entries.count - 1))
    }

    private mutating func place(_ index: Int32) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entries[Int(index)].hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = index
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for index in entries.indices { place(Int32(index)) }
    }
}

extension BPE {
    /// Appends the subwords of a token, given as its UTF-8 bytes, to `output` as they are
    /// written: "sub@@ word". Cached (no dropout).
    func appendRendered(_ token: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        let hash = RenderedSegmentCache.hash(token)
        if renderedCache.append(token, hash: hash, to: &output) { return }
        var rendered: [UInt8] = []
        let subwords = segment(String(decoding: token, as: UTF8.self))
        for (index, subword) in subwords.enumerated() {
            if index > 0 { rendered.append(0x20) }
            rendered.append(contentsOf: subword.utf8)
            if index < subwords.count - 1 { rendered.append(contentsOf: separator.utf8) }
        }
        renderedCache.insert(token, hash: hash, value: rendered)
        output.append(contentsOf: rendered)
    }
}
