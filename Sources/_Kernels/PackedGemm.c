// FP32 x·Wᵀ with W packed once, for decoding and for a training step's recurrent loops
// (Tensor/StepPacks.swift, which also packs Wᵀ with rk_pack_tn for backward's dX). BLAS packs
// its operands into its own layout on every call, and a decoder step's products are small in M
// (64 sentences, or a beam's 5 rows) and large in W: there the packing of W costs a third as
// much as the product itself (`perf` on the decoding benchmark: sgemm_incopy 17% against
// sgemm_kernel 43%). Packed once when a model is loaded, W is only read.
//
// The layout is the int8 kernel's (Int8Gemm.c) with one float per input instead of four bytes:
// for each block of 16 output rows, k groups of 16 floats, W[n0 + j][c] at
// ((n0 / 16)·k + c)·16 + j (`rk_packed_nt_index`). A broadcast of x[i][c] and one load of a
// group then give 16 outputs an FMA each, with no horizontal sums.
//
// Not compiled through Vector.h: the fast path needs AVX-512F (chosen at run time, as the int8
// kernels do); a portable loop serves every other CPU.
#include "recur_kernels.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

long rk_packed_nt_index(long n, long c, long k) { return ((n / 16) * k + c) * 16 + n % 16; }

long rk_packed_nt_count(long n, long k) { return (n + 15) / 16 * 16 * k; }

void rk_pack_nt(long n, long k, const float *w, long ldw, float *packed) {
    // Block by block, input by input: 16 reads down a column of W, one 64-byte group written.
    for (long r0 = 0; r0 < n; r0 += 16) {
        long rows = n - r0 < 16 ? n - r0 : 16;
        float *block = packed + r0 * k;
        for (long c = 0; c < k; c++) {
            for (long j = 0; j < 16; j++) block[c * 16 + j] = j < rows ? w[(r0 + j) * ldw + c] : 0.0f;
        }
    }
}

void rk_pack_tn(long n, long k, const float *w, long ldw, float *packed) {
    // Wᵀ's row r is W's column r, so a group (Wᵀ rows r0…r0+15 at input c) is W[c][r0…r0+15]:
    // 16 consecutive floats of W's row c.
    for (long r0 = 0; r0 < n; r0 += 16) {
        long rows = n - r0 < 16 ? n - r0 : 16;
        float *block = packed + r0 * k;
        for (long c = 0; c < k; c++) {
            const float *source = w + c * ldw + r0;
            float *group = block + c * 16;
            if (rows == 16) {
                memcpy(group, source, 16 * sizeof(float));
            } else {
                for (long j = 0; j < 16; j++) group[j] = j < rows ? source[j] : 0.0f;
            }
        }
    }
}

static int avx512_available(void) {
#if defined(__x86_64__)
    static int known = -1;  // a benign race: every thread computes the same answer
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx512f");
    }
    return known;
#else
    return 0;
#endif
}

int rk_packed_fast(void) { return avx512_available(); }

static void gemm_scalar(long m, long n, long k, const float *xt, const float *packed, const float *bias,
                        float *y, long ldy, int accumulate) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float sum = 0;
            for (long c = 0; c < k; c++) sum += xt[(i / 8 * k + c) * 8 + i % 8] * packed[rk_packed_nt_index(j, c, k)];
            float value = sum + (bias ? bias[j] : 0.0f);
            y[i * ldy + j] = accumulate ? y[i * ldy + j] + value : value;
        }
    }
}

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#include "PackedTiles.h"

// `rows` (1–8) rows of y, 32 outputs (two packed blocks): 16 accumulators, and per input 2
// loads and `rows` broadcasts (from one pointer: x packed by rk_pack_rows) for 2·rows FMAs.
static inline __attribute__((always_inline)) void tile(const int rows, long k, const float *xt, const float *w,
                                                       int last, const float *bias, float *y, long ldy, int accumulate,
                                                       __mmask16 mask0, __mmask16 mask1) {
    __m512 acc0[8], acc1[8];
    for (int i = 0; i < rows; i++) { acc0[i] = _mm512_setzero_ps(); acc1[i] = _mm512_setzero_ps(); }
    const float *w0 = w, *w1 = w + 16 * k;
    for (long c = 0; c < k; c++) {
        __m512 b0 = _mm512_load_ps(w0 + c * 16), b1 = last ? b0 : _mm512_load_ps(w1 + c * 16);
        for (int i = 0; i < rows; i++) {
            __m512 a = _mm512_set1_ps(xt[c * 8 + i]);
            acc0[i] = _mm512_fmadd_ps(a, b0, acc0[i]);
            if (!last) acc1[i] = _mm512_fmadd_ps(a, b1, acc1[i]);
        }
    }
    const __m512 bias0 = bias ? _mm512_maskz_loadu_ps(mask0, bias) : _mm512_setzero_ps();
    const __m512 bias1 = bias ? _mm512_maskz_loadu_ps(mask1, bias + 16) : _mm512_setzero_ps();
    for (int i = 0; i < rows; i++) rk_store_tile_row(acc0[i], acc1[i], bias0, bias1, last, y + i * ldy, accumulate, mask0, mask1);
}

RK_PACKED_TILE_LOOP(gemm_avx512, float, tile)

#pragma clang attribute pop
#endif

long rk_packed_rows_count(long m, long k) { return (m + 7) / 8 * 8 * k; }

void rk_pack_rows(long m, long k, const float *x, long ldx, float *xt) {
    for (long t = 0; t < m; t += 8) {
        float *block = xt + t * k;
        long rows = m - t < 8 ? m - t : 8;
        for (long c = 0; c < k; c++) {
            for (long i = 0; i < 8; i++) block[c * 8 + i] = i < rows ? x[(t + i) * ldx + c] : 0.0f;
        }
    }
}

void rk_gemm_nt_packed(long m, long n, long k, const float *xt, const float *packed, const float *bias,
                       float *y, long ldy, int accumulate) {
#if defined(__x86_64__)
    if (avx512_available()) { gemm_avx512(m, n, k, xt, packed, bias, y, ldy, accumulate); return; }
#endif
    gemm_scalar(m, n, k, xt, packed, bias, y, ldy, accumulate);
}
