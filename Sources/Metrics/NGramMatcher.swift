// Clipped n-gram matches between a hypothesis and its references, order by order, without
// building n-gram strings or sorting.
//
// sacreBLEU counts n-grams in Python `Counter`s keyed by tuples or strings and clips each
// hypothesis count by the (maximum) reference count. The same numbers follow from giving
// every distinct n-gram of one sentence pair a small class number: the n-gram at position
// i is the (n-1)-gram at i followed by symbol i+n-1, so its class is found from the pair
// (class of the (n-1)-gram at i, symbol) in a small hash table. Each order is one pass over
// the symbols, and the counts per class live in flat arrays.

/// Counts clipped matches of n-grams of symbols (code points or token ids).
struct NGramMatcher {
    private var symbols: [UInt32] = []
    /// `starts[s]..<starts[s+1]` is sequence s: 0 is the hypothesis, then the references.
    private var starts: [Int] = [0]
    private var classes: [Int32] = []
    private var hypCount: [Int32] = []
    private var refMax: [Int32] = []
    private var refCount: [Int32] = []
    private var table = PairTable()

    /// Starts a new comparison with `hypothesis` as sequence 0.
    mutating func reset(hypothesis: [UInt32]) {
        symbols.removeAll(keepingCapacity: true)
        symbols.append(contentsOf: hypothesis)
        starts.removeAll(keepingCapacity: true)
        starts.append(0)
        starts.append(symbols.count)
    }

    /// Adds a reference sequence.
    mutating func addReference(_ reference: [UInt32]) {
        symbols.append(contentsOf: reference)
        starts.append(symbols.count)
    }

    /// `matches[n-1]` = Σ over hypothesis n-grams g of min(count in hypothesis, max over
    /// references of count in that reference), for n = 1…maxOrder.
    mutating func clippedMatches(maxOrder: Int, into matches: inout [Int]) {
        let total = symbols.count
        if classes.count < total {
            classes = Array(repeating: 0, count: total)
            hypCount = Array(repeating: 0, count: total)
            refMax = Array(repeating: 0, count: total)
            refCount = Array(repeating: 0, count: total)
        } else {
            for i in 0..<total { classes[i] = 0 }
        }
        table.prepare(capacity: total)
        let sequenceCount = starts.count - 1
        for n in 1...maxOrder {
            table.clear()
            // Sequence by sequence, the n-grams' classes and their counts.
            for s in 0..<sequenceCount {
                let lo = starts[s], hi = starts[s + 1] - n + 1
                guard lo < hi else { continue }
                for i in lo..<hi {
                    let key = UInt64(UInt32(bitPattern: classes[i])) << 32 | UInt64(symbols[i + n - 1])
                    let c = Int(table.classOf(key))
                    classes[i] = Int32(c)
                    if s == 0 { hypCount[c] += 1 } else { refCount[c] += 1 }
                }
                if s > 0 {
                    // Fold this reference's counts into the per-class maximum.
                    for i in lo..<hi {
                        let c = Int(classes[i])
                        if refCount[c] > refMax[c] { refMax[c] = refCount[c] }
                        refCount[c] = 0
                    }
                }
            }
            var matched = 0
            for c in 0..<table.count {
                matched += Int(min(hypCount[c], refMax[c]))
                hypCount[c] = 0
                refMax[c] = 0
            }
            matches[n - 1] = matched
        }
    }
}

/// An open-addressing map from 64-bit keys to dense class numbers 0, 1, 2, …, cleared in
/// O(1) by bumping a generation stamp.
private struct PairTable {
    private var keys: [UInt64] = []
    private var values: [Int32] = []
    private var stamps: [UInt32] = []
    private var generation: UInt32 = 0
    private var shift = 64
    private(set) var count = 0

    mutating func prepare(capacity: Int) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        if size > keys.count {
            keys = Array(repeating: 0, count: size)
            values = Array(repeating: 0, count: size)
            stamps = Array(repeating: 0, count: size)
            generation = 0
            shift = 64 - size.trailingZeroBitCount
        }
    }

    mutating func clear() {
        count = 0
        generation &+= 1
        if generation == 0 {
            for i in 0..<stamps.count { stamps[i] = 0 }
            generation = 1
        }
    }

    @inline(__always)
    mutating func classOf(_ key: UInt64) -> Int32 {
        let mask = keys.count - 1
        // Fibonacci hashing: the high bits of key × 2⁶⁴/φ.
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
        while stamps[slot] == generation {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        stamps[slot] = generation
        keys[slot] = key
        values[slot] = Int32(count)
        count += 1
        return values[slot]
    }
}
