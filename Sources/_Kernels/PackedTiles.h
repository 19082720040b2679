// What the packed kernels share (PackedGemm.c: FP32 FMAs; PackedBF16Gemm.c: bf16 pairs with
// vdpbf16ps): a tile row's store and the loop over tiles. Both lay W out in blocks of 16 output
// rows and x in tiles of 8 rows, with `depth` groups per block (K floats, or (K + 1) / 2
// pairs), and compute y in tiles of up to 8 rows × 32 outputs (two blocks). Include inside
// an avx512f target region.
#ifndef RECUR_PACKED_TILES_H
#define RECUR_PACKED_TILES_H
#include <immintrin.h>

// One row of a tile from its two accumulators (by value, so that they stay in registers):
// + bias, + y's values when accumulating, masked stores for a partial block (`last`: only the
// first block of 16 exists).
static inline __attribute__((always_inline)) void rk_store_tile_row(__m512 acc0, __m512 acc1, __m512 bias0, __m512 bias1,
                                                                    int last, float *yi, int accumulate,
                                                                    __mmask16 mask0, __mmask16 mask1) {
    __m512 v0 = _mm512_add_ps(acc0, bias0);
    if (accumulate) v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(mask0, yi));
    _mm512_mask_storeu_ps(yi, mask0, v0);
    if (!last) {
        __m512 v1 = _mm512_add_ps(acc1, bias1);
        if (accumulate) v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(mask1, yi + 16));
        _mm512_mask_storeu_ps(yi + 16, mask1, v1);
    }
}

// Defines `static void name(m, n, depth, xt, packed, bias, y, ldy, accumulate)` over elements
// of type `element`: for every 32 outputs, every 8 rows, `tile(rows, depth, xt, w, last, bias,
// y, ldy, accumulate, mask0, mask1)` with `rows` a constant, so that each tile is unrolled.
#define RK_PACKED_TILE_LOOP(name, element, tile)                                                           \
    static void name(long m, long n, long depth, const element *xt, const element *packed, const float *bias, \
                     float *y, long ldy, int accumulate) {                                                 \
        for (long j = 0; j < n; j += 32) {                                                                 \
            long columns = n - j < 32 ? n - j : 32;                                                        \
            int last = columns <= 16;                                                                      \
            __mmask16 mask0 = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);                   \
            __mmask16 mask1 = columns >= 32 ? 0xFFFF : columns > 16 ? (__mmask16)((1u << (columns - 16)) - 1) : 0; \
            const element *wj = packed + (j / 16) * 16 * depth;                                            \
            const float *b = bias ? bias + j : 0;                                                          \
            for (long i = 0; i < m; i += 8) {                                                              \
                const element *xi = xt + i * depth;                                                        \
                float *yi = y + i * ldy + j;                                                               \
                switch (m - i < 8 ? (int)(m - i) : 8) {                                                    \
                case 8: tile(8, depth, xi, wj, last, b, yi, ldy, accumulate, mask0, mask1); break;         \
                case 7: tile(7, depth, xi, wj, last, b, yi, ldy, accumulate, mask0, mask1); break;         \
                case 6: tile(6, depth, xi, wj, last, b, yi, ldy, accumulate, mask0, mask1); break;         \
                case 5: tile(5, depth, xi, wj, last, b, yi, ldy, accumulate, mask0, mask1); break;         \
                case 4: tile(4, depth, xi, wj, last, b, yi, ldy, accumulate, mask0, mask1); break;         \
                case 3: tile(3, depth, xi, wj, last, b, yi, ldy, accumulate, mask0, mask1); break;         \
                case 2: tile(2, depth, xi, wj, last, b, yi, ldy, accumulate, mask0, mask1); break;         \
                default: tile(1, depth, xi, wj, last, b, yi, ldy, accumulate, mask0, mask1); break;        \
                }                                                                                          \
            }                                                                                              \
        }                                                                                                  \
    }

#endif
