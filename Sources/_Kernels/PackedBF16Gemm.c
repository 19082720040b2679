// bf16 x·Wᵀ with W packed once, for a bf16 training step's recurrent loops: PackedGemm.c's
// kernel with AVX512_BF16's vdpbf16ps in place of FP32 FMAs. One vdpbf16ps adds two bf16
// products to each of 16 FP32 lanes, twice an FMA's work, so W is packed by pairs of inputs:
// for each block of 16 output rows, k/2 groups of 16 32-bit words, word j of group p holding
// W[n0 + j][2p] (low half) and W[n0 + j][2p + 1] (high half), both rounded to bf16 (nearest
// even); an odd k gets a zero input. x is packed likewise in tiles of 8 rows, each row's pair
// one word, so one broadcast serves 16 outputs. Products accumulate in FP32.
//
// Rounding goes through rk_to_bf16 (BF16Gemm.c), one row at a time; rk_from_bf16 reads back.
#include "recur_kernels.h"
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

long rk_packed_bf16_count(long n, long k) { return (n + 15) / 16 * 16 * ((k + 1) / 2); }

// A pair of bf16 values as one 32-bit word, a low, b high.
static inline uint32_t pair(uint16_t a, uint16_t b) { return (uint32_t)a | ((uint32_t)b << 16); }

// Rows of x (n × k) rounded and packed by pairs in tiles of `tile` rows (16 for W, 8 for x):
// word p of row r at ((r / tile)·pairs + p)·tile + r % tile; rows past n up to a whole tile are
// zeros. `row`: scratch of k + 1 halves.
static void pack_pairs(long tile, long n, long k, const float *x, long ldx, uint32_t *packed, uint16_t *row) {
    long pairs = (k + 1) / 2;
    for (long r = 0; r < (n + tile - 1) / tile * tile; r++) {
        uint32_t *first = packed + (r / tile) * tile * pairs + r % tile;
        if (r >= n) {
            for (long p = 0; p < pairs; p++) first[p * tile] = 0;
            continue;
        }
        rk_to_bf16(x + r * ldx, row, k);
        if (k % 2) row[k] = 0;
        for (long p = 0; p < pairs; p++) first[p * tile] = pair(row[2 * p], row[2 * p + 1]);
    }
}

void rk_pack_bf16_nt(long n, long k, const float *w, long ldw, uint32_t *packed, uint16_t *row) {
    pack_pairs(16, n, k, w, ldw, packed, row);
}

void rk_pack_bf16_tn(long n, long k, const float *w, long ldw, uint32_t *packed, uint16_t *rows) {
    // Wᵀ's input c is W's row c: rows 2p and 2p + 1 of W, rounded, give group p of every block.
    long pairs = (k + 1) / 2, blocks = (n + 15) / 16;
    uint16_t *even = rows, *odd = rows + n;
    for (long p = 0; p < pairs; p++) {
        rk_to_bf16(w + 2 * p * ldw, even, n);
        if (2 * p + 1 < k) rk_to_bf16(w + (2 * p + 1) * ldw, odd, n); else memset(odd, 0, (size_t)n * sizeof(uint16_t));
        for (long b = 0; b < blocks; b++) {
            uint32_t *group = packed + (b * pairs + p) * 16;
            for (long j = 0; j < 16; j++) {
                long r = b * 16 + j;
                group[j] = r < n ? pair(even[r], odd[r]) : 0;
            }
        }
    }
}

long rk_packed_bf16_rows_count(long m, long k) { return (m + 7) / 8 * 8 * ((k + 1) / 2); }

void rk_pack_bf16_rows(long m, long k, const float *x, long ldx, uint32_t *xt, uint16_t *row) {
    pack_pairs(8, m, k, x, ldx, xt, row);
}

static int bf16_available(void) {
#if defined(__x86_64__)
    static int known = -1;  // a benign race: every thread computes the same answer
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
    }
    return known;
#else
    return 0;
#endif
}

int rk_packed_bf16_fast(void) { return bf16_available(); }

static void gemm_scalar(long m, long n, long k, const uint32_t *xt, const uint32_t *packed, const float *bias,
                        float *y, long ldy, int accumulate) {
    long pairs = (k + 1) / 2;
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float sum = 0;
            for (long p = 0; p < pairs; p++) {
                uint32_t a = xt[(i / 8 * pairs + p) * 8 + i % 8], b = packed[(j / 16 * pairs + p) * 16 + j % 16];
                sum += rk_from_bf16((uint16_t)a) * rk_from_bf16((uint16_t)b) + rk_from_bf16((uint16_t)(a >> 16)) * rk_from_bf16((uint16_t)(b >> 16));
            }
            float value = sum + (bias ? bias[j] : 0.0f);
            y[i * ldy + j] = accumulate ? y[i * ldy + j] + value : value;
        }
    }
}

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bf16"))), apply_to = function)
#include "PackedTiles.h"

// `rows` (1–8) rows of y, 32 outputs (two packed blocks), as PackedGemm.c's tile, by pairs.
static inline __attribute__((always_inline)) void tile(const int rows, long pairs, const uint32_t *xt, const uint32_t *w,
                                                       int last, const float *bias, float *y, long ldy, int accumulate,
                                                       __mmask16 mask0, __mmask16 mask1) {
    __m512 acc0[8], acc1[8];
    for (int i = 0; i < rows; i++) { acc0[i] = _mm512_setzero_ps(); acc1[i] = _mm512_setzero_ps(); }
    const uint32_t *w0 = w, *w1 = w + 16 * pairs;
    for (long p = 0; p < pairs; p++) {
        __m512bh b0 = (__m512bh)_mm512_load_si512(w0 + p * 16);
        __m512bh b1 = last ? b0 : (__m512bh)_mm512_load_si512(w1 + p * 16);
        for (int i = 0; i < rows; i++) {
            __m512bh a = (__m512bh)_mm512_set1_epi32((int)xt[p * 8 + i]);
            acc0[i] = _mm512_dpbf16_ps(acc0[i], a, b0);
            if (!last) acc1[i] = _mm512_dpbf16_ps(acc1[i], a, b1);
        }
    }
    const __m512 bias0 = bias ? _mm512_maskz_loadu_ps(mask0, bias) : _mm512_setzero_ps();
    const __m512 bias1 = bias ? _mm512_maskz_loadu_ps(mask1, bias + 16) : _mm512_setzero_ps();
    for (int i = 0; i < rows; i++) rk_store_tile_row(acc0[i], acc1[i], bias0, bias1, last, y + i * ldy, accumulate, mask0, mask1);
}

RK_PACKED_TILE_LOOP(gemm_avx512, uint32_t, tile)

#pragma clang attribute pop
#endif

void rk_gemm_bf16_packed(long m, long n, long k, const uint32_t *xt, const uint32_t *packed, const float *bias,
                         float *y, long ldy, int accumulate) {
#if defined(__x86_64__)
    if (bf16_available()) { gemm_avx512(m, n, (k + 1) / 2, xt, packed, bias, y, ldy, accumulate); return; }
#endif
    gemm_scalar(m, n, k, xt, packed, bias, y, ldy, accumulate);
}
