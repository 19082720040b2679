/// A small, fast, seeded random generator (Steele, Lea & Flood 2014, "Fast splittable
/// pseudorandom number generators"), as in MLX's `SplitMix64(seed:)`. Passed explicitly
/// (`inout`) wherever randomness is used, so the same seed gives the same batches and the
/// same BPE-dropout segmentations on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Double in [0, 1), from the top 53 bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in 0..<bound (bound > 0), by rejection, so without modulo bias.
    public mutating func nextInt(below bound: Int) -> Int {
        let bound = UInt64(bound)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let value = next()
            if value < limit { return Int(value % bound) }
        }
    }

    /// Shuffles `array` in place (Fisher–Yates). Written out rather than using the standard
    /// library's `shuffle(using:)`, whose algorithm may change between Swift releases: the
    /// same seed must give the same batches on every toolchain.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, nextInt(below: i + 1))
        }
    }
}
