// NumPy's default generator, bit for bit, so that bootstrap resampling draws the very
// resamples sacreBLEU draws with `np.random.default_rng(12345)`. Three pieces:
// `SeedSequence` (O'Neill's seed hashing, `numpy/random/bit_generator.pyx`), PCG64 with the
// XSL-RR output (O'Neill 2014; `numpy/random/src/pcg64/pcg64.h`) and Lemire's bounded
// integers (`random_bounded_uint64_fill` in `distributions.c`), which `Generator.choice`
// and `Generator.integers` use for ranges below 2³².

/// `np.random.default_rng(seed)`, for the draws bootstrap resampling needs.
public struct NumPyRandom: Sendable {
    private var state: UInt128
    private let increment: UInt128
    /// PCG64 hands out 32-bit draws as the two halves of one 64-bit output, low half first.
    private var pendingHigh: UInt32? = nil

    private static let multiplier: UInt128 =
        (0x2360_ED05_1FC6_5DA4 as UInt128) << 64 | 0x4385_DF64_9FCC_F645

    /// The generator `np.random.default_rng(seed)` returns.
    public init(seed: UInt64) {
        let words = SeedSequence(entropy: seed).generateState64(count: 4)
        let initState = UInt128(words[0]) << 64 | UInt128(words[1])
        let initSeq = UInt128(words[2]) << 64 | UInt128(words[3])
        // `pcg_setseq_128_srandom_r`.
        state = 0
        increment = (initSeq << 1) | 1
        step()
        state &+= initState
        step()
    }

    private mutating func step() { state = state &* Self.multiplier &+ increment }

    /// `pcg64_next64`: advance, then XSL-RR.
    public mutating func next64() -> UInt64 {
        step()
        let folded = UInt64(truncatingIfNeeded: state >> 64) ^ UInt64(truncatingIfNeeded: state)
        let rotation = UInt64(truncatingIfNeeded: state >> 122)
        return (folded >> rotation) | (folded << ((64 &- rotation) & 63))
    }

    /// `pcg64_next32`.
    public mutating func next32() -> UInt32 {
        if let high = pendingHigh {
            pendingHigh = nil
            return high
        }
        let v = next64()
        pendingHigh = UInt32(truncatingIfNeeded: v >> 32)
        return UInt32(truncatingIfNeeded: v)
    }

    /// `Generator.integers(0, bound)` for one value, `0 < bound ≤ 2³²`, by Lemire's
    /// multiply-and-reject (`buffered_bounded_lemire_uint32`).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0 && bound <= 1 << 32)
        if bound == 1 { return 0 }
        if bound == 1 << 32 { return Int(next32()) }
        let excl = UInt64(bound)
        var m = UInt64(next32()) * excl
        var leftover = UInt32(truncatingIfNeeded: m)
        if leftover < UInt32(excl) {
            let threshold = UInt32((UInt64(UInt32.max) - (excl - 1)) % excl)
            while leftover < threshold {
                m = UInt64(next32()) * excl
                leftover = UInt32(truncatingIfNeeded: m)
            }
        }
        return Int(m >> 32)
    }

    /// `Generator.choice(count, size=(rows, count), replace=True)`, row by row.
    public mutating func resampleIndices(rows: Int, count: Int) -> [[Int]] {
        (0..<rows).map { _ in (0..<count).map { _ in nextInt(below: count) } }
    }
}

/// NumPy's `SeedSequence` for a single non-negative integer seed and no spawn key.
private struct SeedSequence {
    private static let initA: UInt32 = 0x43b0_d7e5, multA: UInt32 = 0x931e_8875
    private static let initB: UInt32 = 0x8b51_f9dd, multB: UInt32 = 0x58f3_8ded
    private static let mixL: UInt32 = 0xca01_f9dd, mixR: UInt32 = 0x4973_f715
    private var pool: [UInt32] = [0, 0, 0, 0]

    init(entropy: UInt64) {
        // `_coerce_to_uint32_array`: the integer's 32-bit words, least significant first.
        var words: [UInt32] = [UInt32(truncatingIfNeeded: entropy)]
        if entropy >> 32 != 0 { words.append(UInt32(truncatingIfNeeded: entropy >> 32)) }
        var hashConst = Self.initA
        func hashmix(_ value: UInt32) -> UInt32 {
            var v = value ^ hashConst
            hashConst = hashConst &* Self.multA
            v = v &* hashConst
            return v ^ (v >> 16)
        }
        func mix(_ x: UInt32, _ y: UInt32) -> UInt32 {
            let r = (Self.mixL &* x) &- (Self.mixR &* y)
            return r ^ (r >> 16)
        }
        for i in 0..<4 { pool[i] = hashmix(i < words.count ? words[i] : 0) }
        for src in 0..<4 {
            for dst in 0..<4 where src != dst { pool[dst] = mix(pool[dst], hashmix(pool[src])) }
        }
        for src in 4..<max(4, words.count) {
            for dst in 0..<4 { pool[dst] = mix(pool[dst], hashmix(words[src])) }
        }
    }

    /// `generate_state(count, np.uint64)`: 2·count 32-bit words, paired little-endian.
    func generateState64(count: Int) -> [UInt64] {
        var hashConst = Self.initB
        var words: [UInt32] = []
        for i in 0..<(2 * count) {
            var v = pool[i % 4] ^ hashConst
            hashConst = hashConst &* Self.multB
            v = v &* hashConst
            words.append(v ^ (v >> 16))
        }
        return (0..<count).map { UInt64(words[2 * $0]) | UInt64(words[2 * $0 + 1]) << 32 }
    }
}
