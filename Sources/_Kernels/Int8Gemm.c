// int8 matrix products for inference: y = x·wᵀ with x quantised per row to unsigned bytes at
// run time and w quantised per output row to signed bytes once (Wu et al. 2020, "Integer
// Quantization for Deep Learning Inference", §3: symmetric per-channel weights, dynamic
// activations). AVX512-VNNI's vpdpbusd multiplies 64 u8·s8 pairs and adds them in fours into
// 16 int32 lanes in one instruction: four times the multiply-adds of an FP32 FMA on the same
// register width, from a quarter of the weight bytes.
//
// The activations are stored as q + 128 (unsigned), so Σ (q_x + 128)·q_w = Σ q_x·q_w +
// 128·Σ q_w: the second term is the weight row's sum times 128, subtracted at the end.
//
// The weights are packed so that no horizontal sum is needed: for each block of 16 output
// rows and each 4 consecutive inputs, 64 bytes hold w[n0 + j][4t … 4t + 3] for j = 0…15
// (`rk_int8_packed_index`). Broadcasting 4 activation bytes to all 16 lanes, one vpdpbusd
// then adds 4 products to each of 16 outputs, and the accumulator's lanes are the outputs.
//
// Not compiled through Vector.h: these functions need AVX-512 (VNNI, BW), a different target
// than the x86-64-v3 kernels, chosen at run time by `rk_int8_fast`. A scalar version serves
// every other CPU.
#include "recur_kernels.h"
#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

int rk_int8_fast(void) {
#if defined(__x86_64__)
    static int known = -1;  // a benign race: every thread computes the same answer
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
    }
    return known;
#else
    return 0;
#endif
}

// One row: scale = max|x| / 127; q = round(x / scale) + 128. Written so that it vectorises.
static inline __attribute__((always_inline)) void quantize_row(long k, long kp, const float *x, uint8_t *q, float *scale) {
    float amax = 0;
    for (long c = 0; c < k; c++) amax = fmaxf(amax, fabsf(x[c]));
    float s = amax > 0 ? amax / 127.0f : 1.0f, inverse = 1.0f / s;
    for (long c = 0; c < k; c++) q[c] = (uint8_t)((int)__builtin_rintf(x[c] * inverse) + 128);
    memset(q + k, 128, (size_t)(kp - k));
    *scale = s;
}

static void quantize_scalar(long m, long k, long kp, const float *x, long ldx, uint8_t *xq, float *scale) {
    for (long r = 0; r < m; r++) quantize_row(k, kp, x + r * ldx, xq + r * kp, scale + r);
}

long rk_int8_packed_index(long n, long k, long kp) { return (n / 16) * kp * 16 + (k / 4) * 64 + (n % 16) * 4 + k % 4; }

static void gemm_scalar(long m, long n, long kp, const uint8_t *xq, const float *sx, const int8_t *w, const float *sw,
                        const int32_t *wsum, const float *bias, float *y, long ldy) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            int32_t acc = 0;
            for (long c = 0; c < kp; c++) acc += (int32_t)xq[i * kp + c] * (int32_t)w[rk_int8_packed_index(j, c, kp)];
            y[i * ldy + j] = sx[i] * sw[j] * (float)(acc - 128 * wsum[j]) + (bias ? bias[j] : 0.0f);
        }
    }
}

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vnni"))), apply_to = function)

static void quantize_vnni(long m, long k, long kp, const float *x, long ldx, uint8_t *xq, float *scale) {
    for (long r = 0; r < m; r++) quantize_row(k, kp, x + r * ldx, xq + r * kp, scale + r);
}

// `rows` (1–8) rows of y, 32 outputs (two packed blocks of w): 16 accumulators, and per 4
// inputs 2 weight loads and `rows` 4-byte broadcasts for 2·rows vpdpbusd. The two blocks
// (32·kp bytes) stay in L1 while the rows of x stream from L2.
static inline __attribute__((always_inline)) void tile(const int rows, long kp, const uint8_t *x, const int8_t *w, int last,
                                                       const float *sx, const float *sw, const int32_t *wsum, const float *bias,
                                                       float *y, long ldy, __mmask16 mask0, __mmask16 mask1) {
    __m512i acc0[8], acc1[8];
    for (int i = 0; i < rows; i++) { acc0[i] = _mm512_setzero_si512(); acc1[i] = _mm512_setzero_si512(); }
    const int8_t *w0 = w, *w1 = w + 16 * kp;
    for (long c = 0; c < kp; c += 4) {
        __m512i b0 = _mm512_loadu_si512(w0 + c * 16), b1 = last ? b0 : _mm512_loadu_si512(w1 + c * 16);
        for (int i = 0; i < rows; i++) {
            int32_t four;
            memcpy(&four, x + i * kp + c, 4);
            __m512i a = _mm512_set1_epi32(four);
            acc0[i] = _mm512_dpbusd_epi32(acc0[i], a, b0);
            if (!last) acc1[i] = _mm512_dpbusd_epi32(acc1[i], a, b1);
        }
    }
    // y = sx·sw·(acc − 128·wsum) + bias, 16 outputs at a time.
    const __m512i offset0 = _mm512_mullo_epi32(_mm512_maskz_loadu_epi32(mask0, wsum), _mm512_set1_epi32(128));
    const __m512i offset1 = _mm512_mullo_epi32(_mm512_maskz_loadu_epi32(mask1, wsum + 16), _mm512_set1_epi32(128));
    const __m512 scale0 = _mm512_maskz_loadu_ps(mask0, sw), scale1 = _mm512_maskz_loadu_ps(mask1, sw + 16);
    const __m512 bias0 = bias ? _mm512_maskz_loadu_ps(mask0, bias) : _mm512_setzero_ps();
    const __m512 bias1 = bias ? _mm512_maskz_loadu_ps(mask1, bias + 16) : _mm512_setzero_ps();
    for (int i = 0; i < rows; i++) {
        __m512 s = _mm512_set1_ps(sx[i]);
        __m512 v0 = _mm512_fmadd_ps(_mm512_mul_ps(s, scale0), _mm512_cvtepi32_ps(_mm512_sub_epi32(acc0[i], offset0)), bias0);
        _mm512_mask_storeu_ps(y + i * ldy, mask0, v0);
        if (!last) {
            __m512 v1 = _mm512_fmadd_ps(_mm512_mul_ps(s, scale1), _mm512_cvtepi32_ps(_mm512_sub_epi32(acc1[i], offset1)), bias1);
            _mm512_mask_storeu_ps(y + i * ldy + 16, mask1, v1);
        }
    }
}

static void gemm_vnni(long m, long n, long kp, const uint8_t *xq, const float *sx, const int8_t *w, const float *sw,
                      const int32_t *wsum, const float *bias, float *y, long ldy) {
    for (long j = 0; j < n; j += 32) {
        long columns = n - j < 32 ? n - j : 32;
        int last = columns <= 16;  // one block of 16 left
        __mmask16 mask0 = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
        __mmask16 mask1 = columns >= 32 ? 0xFFFF : columns > 16 ? (__mmask16)((1u << (columns - 16)) - 1) : 0;
        const int8_t *wj = w + (j / 16) * 16 * kp;
        const float *b = bias ? bias + j : 0;
        for (long i = 0; i < m; i += 8) {
            int rows = m - i < 8 ? (int)(m - i) : 8;
            const uint8_t *xi = xq + i * kp;
            float *yi = y + i * ldy + j;
            switch (rows) {  // constant row counts, so each case is fully unrolled
#define TILE(r) case r: tile(r, kp, xi, wj, last, sx + i, sw + j, wsum + j, b, yi, ldy, mask0, mask1); break;
            TILE(8) TILE(7) TILE(6) TILE(5) TILE(4) TILE(3) TILE(2) TILE(1)
#undef TILE
            }
        }
    }
}

#pragma clang attribute pop
#endif

void rk_quantize_rows_u8(long m, long k, long kp, const float *x, long ldx, uint8_t *xq, float *scale) {
#if defined(__x86_64__)
    if (rk_int8_fast()) { quantize_vnni(m, k, kp, x, ldx, xq, scale); return; }
#endif
    quantize_scalar(m, k, kp, x, ldx, xq, scale);
}

void rk_gemm_u8s8_nt(long m, long n, long kp, const uint8_t *xq, const float *sx, const int8_t *w, const float *sw,
                     const int32_t *wsum, const float *bias, float *y, long ldy) {
#if defined(__x86_64__)
    if (rk_int8_fast()) { gemm_vnni(m, n, kp, xq, sx, w, sw, wsum, bias, y, ldy); return; }
#endif
    gemm_scalar(m, n, kp, xq, sx, w, sw, wsum, bias, y, ldy);
}
