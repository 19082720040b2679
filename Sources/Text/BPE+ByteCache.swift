#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The segmentation cache keyed by a token's bytes: lets the tokenize-and-segment pipeline
/// look tokens up without building a String for each, and hands back the segmentation
/// already rendered as bytes ("sub@@ word"). FNV-1a hashes (Fowler, Noll & Vo), ample for
/// keys of a few bytes, index an open-addressing table.
///
/// Tuned because it is consulted once per token: storage is manual (array properties of a
/// class are retained and released around each access); each slot holds 32 bits of the hash
/// and the offset of a record, and a record keeps key and value together
/// ([key count: UInt16][value count: UInt16][key][value]), so a lookup touches two places in
/// memory rather than four.
final class RenderedSegmentCache {
    private struct State {
        var slots: UnsafeMutableBufferPointer<UInt64>  // (hash >> 32) << 32 | (offset + 1); 0 empty
        var records = ByteArena()
        var count = 0
    }

    // Behind a pointer, not in `var` properties: no dynamic exclusivity check per lookup
    // (see `ByteSink`).
    private let state: UnsafeMutablePointer<State>

    init() {
        let slots = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 1 << 12)
        slots.initialize(repeating: 0)
        state = .allocate(capacity: 1)
        state.initialize(to: State(slots: slots))
    }

    deinit {
        state.pointee.slots.deallocate()
        state.pointee.records.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    /// Appends the cached rendering of `key` to `output`; false if `key` is not cached.
    func append(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, to output: ByteSink) -> Bool {
        let slots = state.pointee.slots
        let records = state.pointee.records.base
        let mask = slots.count - 1
        let tag = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { return false }
            if stored >> 32 == tag {
                let record = records + Int(stored & 0xFFFF_FFFF) - 1
                let keyCount = Int(record[0]) | Int(record[1]) << 8
                if keyCount == key.count && (keyCount == 0 || memcmp(record + 4, key.baseAddress!, keyCount) == 0) {
                    let valueCount = Int(record[2]) | Int(record[3]) << 8
                    output.append(UnsafeBufferPointer(start: record + 4 + keyCount, count: valueCount))
                    return true
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Caches `value` as the rendering of `key` (not already cached). Tokens too long for
    /// the record header (64 KiB) are not cached.
    func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, value: [UInt8]) {
        guard key.count <= 0xFFFF, value.count <= 0xFFFF, state.pointee.records.count < 0xFFFF_0000 else { return }
        if (state.pointee.count + 1) * 2 > state.pointee.slots.count {
            let old = state.pointee.slots
            state.pointee.slots = .allocate(capacity: old.count * 2)
            state.pointee.slots.initialize(repeating: 0)
            for stored in old where stored != 0 { place(stored) }
            old.deallocate()
        }
        let header: [UInt8] = [UInt8(key.count & 0xFF), UInt8(key.count >> 8), UInt8(value.count & 0xFF), UInt8(value.count >> 8)]
        let offset = header.withUnsafeBufferPointer { state.pointee.records.append($0) }
        _ = state.pointee.records.append(key)
        _ = value.withUnsafeBufferPointer { state.pointee.records.append($0) }
        place((hash >> 32) << 32 | UInt64(offset + 1))
        state.pointee.count += 1
    }

    /// Puts a slot value where its hash leads. The low 32 bits of the hash are not in the
    /// slot, so the record's key is hashed again.
    private func place(_ stored: UInt64) {
        let record = state.pointee.records.base + Int(stored & 0xFFFF_FFFF) - 1
        let keyCount = Int(record[0]) | Int(record[1]) << 8
        let hash = Self.hash(UnsafeBufferPointer(start: record + 4, count: keyCount))
        let slots = state.pointee.slots
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = stored
    }
}

/// A growable byte buffer addressed by offsets.
private struct ByteArena {
    private(set) var base = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
    private var capacity = 1 << 16
    private(set) var count = 0

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
    func appendRendered(_ token: UnsafeBufferPointer<UInt8>, to output: ByteSink) {
        let hash = RenderedSegmentCache.hash(token)
        if renderedCache.append(token, hash: hash, to: output) { return }
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
        output.append(rendered)
    }
}
