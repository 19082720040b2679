/// Counts space-separated tokens straight from line bytes, for `TextStreams.countTokens`:
/// an open-addressing table keyed by bytes (FNV-1a hash), so counting a token costs no
/// String. Turned into `TokenCounts` at the end, one String per distinct token.
struct TokenCounter {
    private var slots = [Int32](repeating: -1, count: 1 << 14)
    private var hashes: [UInt64] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var counts: [Int] = []
    private var bytes: [UInt8] = []

    /// Counts the tokens of one line: split on U+0020, with leading and trailing spaces, CRs
    /// and LFs ignored (subword-nmt's `line.strip('\r\n ').split(' ')`).
    mutating func add(line: UnsafeBufferPointer<UInt8>) {
        let isEdge: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0D || $0 == 0x0A }
        var low = 0
        var high = line.count
        while low < high && isEdge(line[low]) { low += 1 }
        while high > low && isEdge(line[high - 1]) { high -= 1 }
        var start = low
        for index in low...high where index == high || line[index] == 0x20 {
            if index > start { add(token: UnsafeBufferPointer(rebasing: line[start..<index])) }
            start = index + 1
        }
    }

    private mutating func add(token: UnsafeBufferPointer<UInt8>) {
        let hash = RenderedSegmentCache.hash(token)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] >= 0 {
            let index = Int(slots[slot])
            if hashes[index] == hash && lengths[index] == token.count
                && bytes[starts[index]..<starts[index] + lengths[index]].elementsEqual(token)
            {
                counts[index] += 1
                return
            }
            slot = (slot + 1) & (slots.count - 1)
        }
        slots[slot] = Int32(counts.count)
        hashes.append(hash)
        starts.append(bytes.count)
        lengths.append(token.count)
        counts.append(1)
        bytes.append(contentsOf: token)
        if counts.count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for index in counts.indices {
            var slot = Int(truncatingIfNeeded: hashes[index]) & (slots.count - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int32(index)
        }
    }

    /// The counts as `TokenCounts`.
    func tokenCounts() -> TokenCounts {
        var result = TokenCounts()
        for index in counts.indices {
            let token = String(decoding: bytes[starts[index]..<starts[index] + lengths[index]], as: UTF8.self)
            result.add(token, count: counts[index])
        }
        return result
    }
}
