// Gives every distinct token (a byte string) a small integer, so that word n-grams can be
// matched as sequences of integers (`NGramMatcher`) without building strings.
//
// sacreBLEU keys its Counters by tuples of Python strings; two tokens are the same n-gram
// element exactly when their code point sequences are equal, which for valid UTF-8 is
// exactly when their bytes are equal. A dedicated open-addressing table is several times
// faster than `Dictionary<String, _>`, whose hashing normalises Unicode.

/// Maps byte strings to ids 1, 2, 3, … in order of first appearance (0 marks an empty
/// slot in the table).
struct TokenInterner {
    private var arena: [UInt8] = []
    /// Start offset in `arena` of each interned token (index = id - 1), plus an end marker.
    private var offsets: [Int] = [0]
    /// Open-addressing slots holding ids (0 = empty), and the hash stored alongside.
    private var slots: [UInt32]
    private var hashes: [UInt64]
    private var mask: Int

    init(capacity: Int = 1 << 14) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        hashes = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// The number of distinct tokens seen so far.
    var count: Int { offsets.count - 1 }

    /// The id of `token`, adding it if new.
    mutating func id(of token: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let h = Self.hash(token)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let existing = slots[slot]
            if existing == 0 { break }
            if hashes[slot] == h && equals(Int(existing) - 1, token) { return existing }
            slot = (slot + 1) & mask
        }
        arena.append(contentsOf: token)
        offsets.append(arena.count)
        let newID = UInt32(count)
        slots[slot] = newID
        hashes[slot] = h
        if count * 2 > slots.count { grow() }
        return newID
    }

    private func equals(_ index: Int, _ token: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[index]
        let end = offsets[index + 1]
        guard end - start == token.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            for k in 0..<token.count where a[start + k] != token[k] { return false }
            return true
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [UInt32](repeating: 0, count: size)
        var newHashes = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for i in 0..<slots.count where slots[i] != 0 {
            var slot = Int(truncatingIfNeeded: hashes[i]) & newMask
            while newSlots[slot] != 0 { slot = (slot + 1) & newMask }
            newSlots[slot] = slots[i]
            newHashes[slot] = hashes[i]
        }
        slots = newSlots
        hashes = newHashes
        mask = newMask
    }

    /// FNV-1a over the bytes, then a final avalanche (SplitMix64's finaliser) so the low
    /// bits used for the slot index depend on every byte.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }
}
