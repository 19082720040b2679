// A sentence's n-grams as a sorted multiset of packed integer keys.
//
// sacreBLEU counts n-grams in Python `Counter`s keyed by tuples of strings. A sentence has a
// few dozen n-grams, so sorting packed keys and merging sorted runs does the same counting
// with no hashing and no per-n-gram allocation. Keys pack token ids (never 0) so that an
// n-gram's order can be read back from its magnitude.

/// Distinct keys in ascending order, each with its count.
struct NGramCounts<Key: FixedWidthInteger & UnsignedInteger> {
    var keys: [Key] = []
    var counts: [Int32] = []

    init() {}

    /// Sorts `scratch` and run-length encodes it into this multiset (`Counter(ngrams)`).
    mutating func assign(sorting scratch: inout [Key]) {
        keys.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        guard !scratch.isEmpty else { return }
        scratch.sort()
        var current = scratch[0]
        var run: Int32 = 0
        for k in scratch {
            if k == current {
                run += 1
            } else {
                keys.append(current); counts.append(run)
                current = k; run = 1
            }
        }
        keys.append(current); counts.append(run)
    }

    /// Raises every count to at least `other`'s count for the same key, adding missing keys:
    /// how sacreBLEU merges the n-grams of several references (`max(ngrams[g], count)`).
    mutating func formMaximum(with other: NGramCounts) {
        if keys.isEmpty { self = other; return }
        var mergedKeys: [Key] = []
        var mergedCounts: [Int32] = []
        mergedKeys.reserveCapacity(keys.count + other.keys.count)
        mergedCounts.reserveCapacity(keys.count + other.keys.count)
        var i = 0, j = 0
        while i < keys.count || j < other.keys.count {
            if j == other.keys.count || (i < keys.count && keys[i] < other.keys[j]) {
                mergedKeys.append(keys[i]); mergedCounts.append(counts[i]); i += 1
            } else if i == keys.count || other.keys[j] < keys[i] {
                mergedKeys.append(other.keys[j]); mergedCounts.append(other.counts[j]); j += 1
            } else {
                mergedKeys.append(keys[i]); mergedCounts.append(max(counts[i], other.counts[j]))
                i += 1; j += 1
            }
        }
        keys = mergedKeys
        counts = mergedCounts
    }

    /// Calls `body(key, min(countHere, countThere))` for every key present in both: the
    /// clipped match counts of BLEU and chrF.
    @inline(__always)
    func forEachMatch(with other: NGramCounts, _ body: (Key, Int) -> Void) {
        var i = 0, j = 0
        while i < keys.count && j < other.keys.count {
            let a = keys[i], b = other.keys[j]
            if a < b {
                i += 1
            } else if b < a {
                j += 1
            } else {
                body(a, Int(min(counts[i], other.counts[j])))
                i += 1; j += 1
            }
        }
    }
}

/// The order of a key packed with `bitsPerToken` bits per element and no zero elements.
@inline(__always)
func ngramOrder<Key: FixedWidthInteger>(of key: Key, bitsPerToken: Int) -> Int {
    let used = Key.bitWidth - key.leadingZeroBitCount
    return (used + bitsPerToken - 1) / bitsPerToken
}
