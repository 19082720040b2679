import Testing
import _Kernels

@testable import Tensor

/// Mixed-precision products: operands rounded to bf16, products accumulated in FP32.
@Suite struct BF16Tests {
    static func bf16(_ value: Float) -> UInt16 {
        var out: UInt16 = 0
        var value = value
        rk_to_bf16(&value, &out, 1)
        return out
    }

    /// Round to nearest, ties to even, as the hardware conversion does; NaN stays NaN.
    @Test func roundingToBF16() {
        #expect(Self.bf16(1) == 0x3F80)
        #expect(Self.bf16(-2) == 0xC000)
        #expect(Self.bf16(1 + 0x1p-8) == 0x3F80)  // halfway, to the even neighbour (down)
        #expect(Self.bf16(1 + 3 * 0x1p-8) == 0x3F82)  // halfway, to the even neighbour (up)
        #expect(Self.bf16(1 + 0x1p-8 + 0x1p-20) == 0x3F81)  // above halfway
        #expect(Self.bf16(.infinity) == 0x7F80)
        #expect(rk_from_bf16(Self.bf16(.nan)).isNaN)
        #expect(rk_from_bf16(0x3F81) == 1 + 0x1p-7)
        // The vector path (16 at a time) and the scalar tail agree with the rule above.
        var generator = RandomGenerator(seed: 3)
        let values = (0..<1000).map { _ in generator.normal() * 100 }
        var rounded = [UInt16](repeating: 0, count: values.count)
        rk_to_bf16(values, &rounded, values.count)
        for (value, bits) in zip(values, rounded) {
            let exact = Double(value), below = Double(rk_from_bf16(bits))
            // Half the gap to the neighbour on the side of the exact value (bit patterns order by
            // magnitude within a sign).
            let gaps = [bits &+ 1, bits &- 1].map { abs(Double(rk_from_bf16($0)) - below) }
            #expect(abs(exact - below) <= gaps.max()! / 2, "\(value) rounded to \(below)")
        }
    }

    static var available: Bool { rk_bf16_unavailable() == nil }

    /// On a CPU with AVX512_BF16 (this machine kind) bf16 products must be available: the
    /// product tests below run only where they are, and must not be skipped here.
    @Test func availableOnAVX512BF16() throws {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if cpuinfo.contains("avx512_bf16") {
            #expect(Self.available, "\(rk_bf16_unavailable().map { String(cString: $0) } ?? "")")
            #expect(rk_bf16_implementation(64, 512, 256, 1).map { String(cString: $0) }?.hasPrefix("brg") == true)
        }
    }

    /// Every form of product against a double-precision sum of the bf16-rounded operands: the
    /// only remaining difference is FP32 accumulation.
    @Test(.enabled(if: BF16Tests.available), arguments: [false, true], [false, true])
    func productsMatchRoundedReference(transposeA: Bool, transposeB: Bool) {
        var generator = RandomGenerator(seed: 11)
        for (m, n, k) in [(9, 7, 5), (64, 96, 48), (130, 200, 70)] {
            for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (0.5, 1)] {
                for useRounded in [false, true] {
                    let a = (0..<m * k).map { _ in generator.normal() }
                    let b = (0..<k * n).map { _ in generator.normal() }
                    let c0 = (0..<m * n).map { _ in generator.normal() }
                    let lda = transposeA ? m : k, ldb = transposeB ? k : n
                    let round = { (x: Float) in rk_from_bf16(Self.bf16(x)) }
                    var reference = [Double](repeating: 0, count: m * n)
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = 0.0
                            for p in 0..<k {
                                let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                                let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                                sum += Double(round(x)) * Double(round(y))
                            }
                            reference[i * n + j] = Double(alpha) * sum + Double(beta) * Double(c0[i * n + j])
                        }
                    }
                    var c = c0
                    var bRounded = [UInt16](repeating: 0, count: b.count)
                    rk_to_bf16(b, &bRounded, b.count)
                    a.withUnsafeBufferPointer { a in
                        b.withUnsafeBufferPointer { b in
                            bRounded.withUnsafeBufferPointer { rounded in
                                c.withUnsafeMutableBufferPointer { c in
                                    bf16Gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                             a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                                             bRounded: useRounded ? rounded.baseAddress! : nil, beta: beta, c: c.baseAddress!, ldc: n)
                                }
                            }
                        }
                    }
                    let worst = zip(c, reference).map { abs(Double($0) - $1) / max(1, abs($1)) }.max()!
                    #expect(worst < 1e-5, "m \(m) n \(n) k \(k) α \(alpha) β \(beta) rounded B \(useRounded): \(worst)")
                }
            }
        }
    }

    /// Row blocks cover their range exactly, in sizes from a small set.
    @Test func blocksAndSlicesCoverTheirRange() {
        #expect(powerOfTwoSlices(1344) == [0..<1024, 1024..<1280, 1280..<1344])
        #expect(powerOfTwoSlices(0).isEmpty && powerOfTwoSlices(1) == [0..<1])
        #expect(bf16RowBlocks(64, pieces: 2) == [[0..<32], [32..<64]])
        #expect(bf16RowBlocks(64, pieces: 1) == [[0..<64]])
        #expect(bf16RowBlocks(200, pieces: 2) == [[0..<64, 64..<96], [96..<160, 160..<192, 192..<200]])
        #expect(bf16RowBlocks(1344, pieces: 2) == [[0..<640, 640..<672], [672..<1312, 1312..<1344]])
        var sizes = Set<Int>()
        for count in 1...3000 {
            for pieces in [1, 2] {
                let blocks = bf16RowBlocks(count, pieces: pieces).flatMap { $0 }
                #expect(blocks.first?.lowerBound == 0 && blocks.last?.upperBound == count)
                #expect(zip(blocks, blocks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                #expect(blocks.allSatisfy { $0.count % 64 == 0 || $0.count & ($0.count - 1) == 0 })
                sizes.formUnion(blocks.map(\.count))
            }
            let slices = powerOfTwoSlices(count)
            #expect(slices.map(\.count).reduce(0, +) == count && slices.allSatisfy { $0.count & ($0.count - 1) == 0 })
        }
        #expect(sizes.filter { $0 % 64 != 0 }.count <= 6, "\(sizes.sorted())")  // 1, 2, 4, … 32
    }

    /// A weight's rounding is kept while parameters do not change, and remade after.
    @Test func weightRoundingFollowsParameterChanges() {
        let w = Tensor([1, 2, 3, 1 + 0x1p-6], shape: [2, 2])
        let first = w.bf16Rounding()
        #expect((0..<4).map { rk_from_bf16(first[$0]) } == [1, 2, 3, 1 + 0x1p-6])
        w.pointer[0] = 5
        Engine.parametersChanged()
        let second = w.bf16Rounding()
        #expect(rk_from_bf16(second[0]) == 5)
    }

    /// A weight packed in bf16 (`PackedMatrix`, as a bf16 training step's loops pack W and Wᵀ)
    /// against a double-precision sum of the bf16-rounded operands: tiles of 1–8 rows, whole
    /// and partial blocks of 16 and 32 outputs, odd depths (a zero input pads the last pair),
    /// with and without bias, accumulating or not.
    @Test(.enabled(if: PackedMatrix.hasFastBF16Kernels), arguments: [(1, 5, 7), (8, 33, 13), (9, 130, 100), (64, 47, 301)])
    func packedProductsMatchRoundedReference(m: Int, n: Int, k: Int) {
        var generator = RandomGenerator(seed: 12)
        let x = (0..<m * k).map { _ in generator.normal() }, w = (0..<n * k).map { _ in generator.normal() }
        let bias = (0..<n).map { _ in generator.normal() }, y0 = (0..<m * n).map { _ in generator.normal() }
        let round = { (v: Float) in Double(rk_from_bf16(Self.bf16(v))) }
        for transposed in [false, true] {
            // W as stored: (N, K), or (K, N) when packed as Wᵀ.
            let stored = transposed ? (0..<k * n).map { i in w[(i % n) * k + i / n] } : w
            let packed = PackedMatrix(Tensor(stored, shape: transposed ? [k, n] : [n, k]), transposed: transposed, precision: .bf16)
            for (withBias, accumulate) in [(false, false), (true, false), (false, true)] {
                var y = y0
                x.withUnsafeBufferPointer { x in
                    bias.withUnsafeBufferPointer { b in
                        y.withUnsafeMutableBufferPointer { y in
                            packed.product(x.baseAddress!, rows: m, bias: withBias ? b.baseAddress! : nil, into: y.baseAddress!,
                                           accumulate: accumulate)
                        }
                    }
                }
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = (0..<k).reduce(0.0) { $0 + round(x[i * k + $1]) * round(w[j * k + $1]) }
                        if withBias { sum += Double(bias[j]) }
                        if accumulate { sum += Double(y0[i * n + j]) }
                        worst = max(worst, abs(Double(y[i * n + j]) - sum) / max(1, abs(sum)))
                    }
                }
                #expect(worst < 1e-5, "m \(m) n \(n) k \(k) Wᵀ \(transposed) bias \(withBias) accumulate \(accumulate): \(worst)")
            }
        }
    }
}
