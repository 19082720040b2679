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

static void gemm_scalar(long m, long n, long kp, const uint8_t *xq, const float *sx, const int8_t *w, const float *sw,
                        const int32_t *wsum, const float *bias, float *y, long ldy) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            int32_t acc = 0;
            for (long c = 0; c < kp; c++) acc += (int32_t)xq[i * kp + c] * (int32_t)w[j * kp + c];
            y[i * ldy + j] = sx[i] * sw[j] * (float)(acc - 128 * wsum[j]) + (bias ? bias[j] : 0.0f);
        }
    }
}

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vnni"))), apply_to = function)

static void quantize_vnni(long m, long k, long kp, const float *x, long ldx, uint8_t *xq, float *scale) {
    for (long r = 0; r < m; r++) quantize_row(k, kp, x + r * ldx, xq + r * kp, scale + r);
}

// Dot products of `rows` (1–4) rows of xq with 4 rows of w: 16 accumulators, 4 + rows loads
// per 4·rows vpdpbusd. The w rows (4·kp bytes) stay in L1 while x's rows stream from L2.
static inline __attribute__((always_inline)) void block(const int rows, long kp, const uint8_t *x, const int8_t *w,
                                                        int32_t out[4][4]) {
    __m512i acc[4][4];
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < 4; j++) acc[i][j] = _mm512_setzero_si512();
    for (long c = 0; c < kp; c += 64) {
        __m512i w0 = _mm512_loadu_si512(w + c), w1 = _mm512_loadu_si512(w + kp + c);
        __m512i w2 = _mm512_loadu_si512(w + 2 * kp + c), w3 = _mm512_loadu_si512(w + 3 * kp + c);
        for (int i = 0; i < rows; i++) {
            __m512i v = _mm512_loadu_si512(x + i * kp + c);
            acc[i][0] = _mm512_dpbusd_epi32(acc[i][0], v, w0);
            acc[i][1] = _mm512_dpbusd_epi32(acc[i][1], v, w1);
            acc[i][2] = _mm512_dpbusd_epi32(acc[i][2], v, w2);
            acc[i][3] = _mm512_dpbusd_epi32(acc[i][3], v, w3);
        }
    }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < 4; j++) out[i][j] = _mm512_reduce_add_epi32(acc[i][j]);
}

static void gemm_vnni(long m, long n, long kp, const uint8_t *xq, const float *sx, const int8_t *w, const float *sw,
                      const int32_t *wsum, const float *bias, float *y, long ldy) {
    int32_t out[4][4];
    for (long j = 0; j < n; j += 4) {
        const int8_t *wj = w + j * kp;
        int columns = n - j < 4 ? (int)(n - j) : 4;
        for (long i = 0; i < m; i += 4) {
            int rows = m - i < 4 ? (int)(m - i) : 4;
            const uint8_t *xi = xq + i * kp;
            switch (rows) {  // constant row counts, so each case is fully unrolled
            case 4: block(4, kp, xi, wj, out); break;
            case 3: block(3, kp, xi, wj, out); break;
            case 2: block(2, kp, xi, wj, out); break;
            default: block(1, kp, xi, wj, out); break;
            }
            for (int r = 0; r < rows; r++) {
                float *yr = y + (i + r) * ldy + j;
                for (int c = 0; c < columns; c++) {
                    yr[c] = sx[i + r] * sw[j + c] * (float)(out[r][c] - 128 * wsum[j + c]) + (bias ? bias[j + c] : 0.0f);
                }
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
