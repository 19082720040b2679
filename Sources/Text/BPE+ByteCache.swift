#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The segmentation cache keyed by a token's bytes: lets the tokenize-and-segment pipeline
/// look tokens up without building a String for each, and hands back the segmentation
/// already rendered as bytes ("sub@@ word"). An open-addressing hash table over two byte
/// arenas, FNV-1a hashes (Fowler, Noll & Vo), ample for keys of a few bytes.
///
/// Its storage is manual (pointers, not arrays): it is consulted once per token, and array
/// properties of a class are retained and released around each access, which cost more
/// than the lookup itself.
final class RenderedSegmentCache {
    private struct Entry {
        var hash: UInt64
        var keyStart: Int
        var keyCount: Int
        var valueStart: Int
        var valueCount: Int
    }

    private var slots: UnsafeMutableBufferPointer<Int32>
    private var entries: UnsafeMutableBufferPointer<Entry>
    private var entryCount = 0
    private var keys = ByteArena()
    private var values = ByteArena()

    init() {
        slots = .allocate(capacity: 1 << 12)
        slots.initialize(repeating: -1)
        entries = .allocate(capacity: 1 << 11)
    }

    deinit {
        slots.deallocate()
        entries.deallocate()
        keys.deallocate()
        values.deallocate()
    }

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
                && (key.isEmpty || memcmp(keys.base + entry.keyStart, key.baseAddress!, key.count) == 0)
            {
                output.append(contentsOf: UnsafeBufferPointer(start: values.base + entry.valueStart, count: entry.valueCount))
                return true
            }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// Caches `value` as the rendering of `key` (not already cached).
    func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, value: [UInt8]) {
        if entryCount == entries.count {
            let larger = UnsafeMutableBufferPointer<Entry>.allocate(capacity: entries.count * 2)
            _ = larger.initialize(from: entries)
            entries.deallocate()
            entries = larger
        }
        if (entryCount + 1) * 2 > slots.count {
            slots.deallocate()
            slots = .allocate(capacity: slots.count * 2)
            slots.initialize(repeating: -1)
            for index in 0..<entryCount { place(Int32(index)) }
        }
        let keyStart = keys.append(key)
        let valueStart = value.withUnsafeBufferPointer { values.append($0) }
        entries[entryCount] = Entry(
            hash: hash, keyStart: keyStart, keyCount: key.count, valueStart: valueStart, valueCount: value.count)
        entryCount += 1
        place(Int32(entryCount - 1))
    }

    private func place(_ index: Int32) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entries[Int(index)].hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = index
    }
}

/// A growable byte buffer addressed by offsets.
private struct ByteArena {
    private(set) var base = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
    private var capacity = 1 << 16
    private var count = 0

    /// Appends bytes; returns their offset.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if count + bytes.count > capacity {
            while count + bytes.count > capacity { capacity *= 2 }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            larger.update(from: base, count: count)
            base.deallocate()
            base = larger
        }
        if let source = bytes.baseAddress { (base + count).update(from: source, count: bytes.count) }
        count += bytes.count
        return count - bytes.count
    }

    func deallocate() { base.deallocate() }
}

extension BPE {
    /// Appends the subwords of a token, given as its UTF-8 bytes, to `output` as they are
    /// written: "sub@@ word". Cached (no dropout).
    func appendRendered(_ token: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        let hash = RenderedSegmentCache.hash(token)
        if renderedCache.append(token, hash: hash, to: &output) { return }
        var rendered: [UInt8] = []
        var unused = SplitMix64(seed: 0)
        var start = 0
        for end in subwordEnds(token, dropout: 0, generator: &unused) {
            if start > 0 { rendered.append(0x20) }
            rendered.append(contentsOf: UnsafeBufferPointer(rebasing: token[start..<end]))
            if end < token.count { rendered.append(contentsOf: separator.utf8) }
            start = end
        }
        renderedCache.insert(token, hash: hash, value: rendered)
        output.append(contentsOf: rendered)
    }
}
