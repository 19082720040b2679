// y = x·wᵀ (+ bias) for few rows of x: the products of a decoder step, where x is (M, K)
// with M from 1 (beam search over one sentence) to a few hundred, and w is a layer's (N, K)
// weight. BLAS packs w into panels on every call, which for small M costs as much as the
// arithmetic (each weight is used only M times); this kernel reads each weight row once, from
// memory into L1, and uses it for every row of x: 4 weight rows × 2 input rows at a time, so
// 8 accumulators take 6 loads per 8 fused multiply-adds.
#include "recur_kernels.h"
#include "Vector.h"

// Dot products of x rows r0, r1 (r1 may equal r0) with w rows n..n+3 (fewer when `rows` < 4).
INLINE void block(long k, const float *x0, const float *x1, const float *w, long ldw, int rows, float out[2][4]) {
    vf a00 = 0.0f, a01 = 0.0f, a02 = 0.0f, a03 = 0.0f, a10 = 0.0f, a11 = 0.0f, a12 = 0.0f, a13 = 0.0f;
    const float *w0 = w, *w1 = rows > 1 ? w + ldw : w, *w2 = rows > 2 ? w + 2 * ldw : w, *w3 = rows > 3 ? w + 3 * ldw : w;
    VLOOP(k, {
        vf u = LD(x0), v = LD(x1);
        vf b0 = LD(w0), b1 = LD(w1), b2 = LD(w2), b3 = LD(w3);
        a00 += u * b0; a01 += u * b1; a02 += u * b2; a03 += u * b3;
        a10 += v * b0; a11 += v * b1; a12 += v * b2; a13 += v * b3;
    });
    out[0][0] = hsum(a00); out[0][1] = hsum(a01); out[0][2] = hsum(a02); out[0][3] = hsum(a03);
    out[1][0] = hsum(a10); out[1][1] = hsum(a11); out[1][2] = hsum(a12); out[1][3] = hsum(a13);
}

KERNEL void rk_gemm_nt_small(long m, long n, long k, const float *x, long ldx, const float *w, long ldw,
                             const float *bias, float *y, long ldy, int accumulate) {
    float out[2][4];
    for (long j = 0; j < n; j += 4) {
        int rows = n - j < 4 ? (int)(n - j) : 4;
        const float *wj = w + j * ldw;
        for (long i = 0; i < m; i += 2) {
            int pair = i + 1 < m;
            block(k, x + i * ldx, x + (i + pair) * ldx, wj, ldw, rows, out);
            for (int r = 0; r <= pair; r++) {
                float *yr = y + (i + r) * ldy + j;
                for (int c = 0; c < rows; c++) {
                    float value = out[r][c] + (bias ? bias[j + c] : 0.0f);
                    yr[c] = accumulate ? yr[c] + value : value;
                }
            }
        }
    }
}

// (Inside VLOOP, `k` is the lane count: the row length must have another name.)
KERNEL void rk_matvec(long m, long cols, const float *a, const float *x, float *y) {
    for (long r = 0; r < m; r++) {
        const float *row = a + r * cols;
        vf s = 0.0f;
        VLOOP(cols, s += LD(row) * LD(x););
        y[r] = hsum(s);
    }
}

KERNEL void rk_vecmat(long k, long n, const float *x, const float *b, float *y) {
    memset(y, 0, (size_t)n * sizeof(float));
    for (long s = 0; s < k; s++) {
        const vf xs = splat(x[s]);
        const float *row = b + s * n;
        VLOOP(n, ST(y, LD(y) + xs * LD(row)););
    }
}

END_KERNELS
