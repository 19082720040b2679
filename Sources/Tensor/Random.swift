#if canImport(Glibc)
import Glibc
#endif

/// A seeded random number generator (xoshiro256**, Blackman & Vigna 2018), seeded through
/// SplitMix64 as its authors recommend. Pass it explicitly (`inout`) to whatever draws
/// random numbers, so one seed fixes a whole run; `state` saves and restores it exactly for
/// resumable training.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
    /// The four words of state; restore with `init(state:)`.
    public private(set) var state: [UInt64]

    /// A generator whose sequence is determined by `seed`.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = [splitMix(), splitMix(), splitMix(), splitMix()]
    }

    /// A generator that continues from a saved `state`.
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state != [0, 0, 0, 0], "a generator state is four words, not all zero")
        self.state = state
    }

    public mutating func next() -> UInt64 {
        let result = rotate(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotate(state[3], 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1), from the top 24 bits.
    public mutating func nextFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextFloat() }

    /// Standard normal, by the Box–Muller transform (one of the pair; no hidden cache, so the
    /// state alone determines what comes next).
    public mutating func normal() -> Float {
        let u1 = Double(next() >> 11) * 0x1p-53, u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * Glibc.log(1 - u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
