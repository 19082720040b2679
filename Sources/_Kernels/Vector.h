// Vector helpers shared by the kernels: 8-lane float vectors, loads and stores with
// tails, and polynomial exp/tanh/sigmoid that vectorise (libm's do not).
//
// On x86-64 every function from here to `END_KERNELS` is compiled for x86-64-v3 (AVX2 +
// FMA: one ymm register per vector) by a `#pragma clang attribute`, so the package needs no
// unsafe compiler flags and stays usable as a dependency. The helpers take and return
// vectors, which rules out `target_clones` (clang refuses vector arguments across functions
// of different ISAs); `rk_cpu_supported` (Cpu.c) is the run-time check. 256-bit vectors
// also suit AMD Zen 4, which executes 512-bit operations as two 256-bit halves. Elsewhere
// (aarch64) the same code compiles to the native vector unit.
#ifndef RECUR_VECTOR_H
#define RECUR_VECTOR_H

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("arch=x86-64-v3"))), apply_to = function)
#define END_KERNELS _Pragma("clang attribute pop")
#else
#define END_KERNELS
#endif

#define W 8
typedef float vf __attribute__((ext_vector_type(8)));
typedef int32_t vi __attribute__((ext_vector_type(8)));

#define INLINE static inline __attribute__((always_inline))
#define KERNEL

INLINE vf ld(const float *p) { vf v; memcpy(&v, p, sizeof v); return v; }
INLINE void st(float *p, vf v) { memcpy(p, &v, sizeof v); }
INLINE vf ldn(const float *p, long k) { vf v = 0.0f; memcpy(&v, p, (size_t)k * sizeof(float)); return v; }
INLINE void stn(float *p, vf v, long k) { memcpy(p, &v, (size_t)k * sizeof(float)); }
INLINE vf splat(float x) { return (vf)x; }
INLINE vf vmin(vf a, vf b) { return __builtin_elementwise_min(a, b); }
INLINE vf vmax(vf a, vf b) { return __builtin_elementwise_max(a, b); }
// Lane-wise `m ? a : b` for a comparison result m (all ones or all zeros per lane).
INLINE vf sel(vi m, vf a, vf b) { return (vf)(((vi)a & m) | ((vi)b & ~m)); }

INLINE float hsum(vf v) { float s = 0; for (int j = 0; j < W; j++) s += v[j]; return s; }
INLINE float hmax(vf v) { float s = v[0]; for (int j = 1; j < W; j++) s = v[j] > s ? v[j] : s; return s; }

// Runs the body (the variadic part, so it may hold commas) over [0, n) a vector at a time, then once for the tail of k < W lanes. Inside
// the body, LD(p) and ST(p, v) read and write the k lanes at p + i.
#define VLOOP(n, ...)                                                    \
    do {                                                                \
        const long vloop_n_ = (n);                                      \
        long i = 0;                                                     \
        for (; i + W <= vloop_n_; i += W) { const long k = W; __VA_ARGS__ }    \
        if (i < vloop_n_) { const long k = vloop_n_ - i; __VA_ARGS__ }         \
    } while (0)
#define LD(p) (k == W ? ld((p) + i) : ldn((p) + i, k))
#define ST(p, v) (k == W ? st((p) + i, (v)) : stn((p) + i, (v), k))

// e^x, Cephes `expf` (range reduction by ln 2 in two parts, degree-6 polynomial);
// relative error below 2e-7 on [-87, 88]. Inputs are clamped to that range.
INLINE vf v_exp(vf x) {
    x = vmax(vmin(x, splat(88.3762626647949f)), splat(-87.3365478515625f));
    vf n = __builtin_elementwise_floor(x * 1.44269504088896341f + 0.5f);
    vf r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    vf p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    vi e = (__builtin_convertvector(n, vi) + 127) << 23;
    return p * (vf)e;
}

INLINE vf v_sigmoid(vf x) { return 1.0f / (1.0f + v_exp(-x)); }

// tanh, Cephes `tanhf`: an odd polynomial below |x| = 0.625 (keeps relative accuracy near
// zero, where 1 − 2/(e^{2x}+1) would cancel), the exponential form above.
INLINE vf v_tanh(vf x) {
    vf a = __builtin_elementwise_abs(x);
    vf z = x * x;
    vf small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z
                 + 1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x + x;
    vf big = 1.0f - 2.0f / (v_exp(2.0f * a) + 1.0f);
    big = sel(x < 0.0f, -big, big);
    return sel(a < 0.625f, small, big);
}

// tanh as 1 − 2/(e^{2x} + 1): one exponential and no polynomial, accurate to ~2e-7
// absolute but not relative near 0. For the recurrent cells, whose outputs only meet
// sums and products of O(1) values; the `tanh` op keeps `v_tanh`.
INLINE vf v_tanh_fast(vf x) { return 1.0f - 2.0f / (v_exp(2.0f * x) + 1.0f); }

#endif
