// Softmax and log-softmax over the last axis, with an optional mask, and the fused
// cross-entropy with label smoothing (see include/recur_kernels.h).
#include "recur_kernels.h"
#include "Vector.h"
#include <math.h>

// Lanes [0, k) of a vector.
INLINE vi tail_lanes(long k) {
    const vi index = {0, 1, 2, 3, 4, 5, 6, 7};
    return index < (vi)(int32_t)k;
}

// x at p + i, with lanes past the tail and lanes the mask drops set to −∞.
INLINE vf ld_live(const float *p, const float *mask, long i, long k) {
    vf x = k == W ? ld(p + i) : ldn(p + i, k);
    vi live = tail_lanes(k);
    if (mask) live &= (k == W ? ld(mask + i) : ldn(mask + i, k)) > 0.0f;
    return sel(live, x, splat(-INFINITY));
}

// e^{x−m}, exactly 0 where x = −∞.
INLINE vf exp_shifted(vf x, float m) { return sel(x > -INFINITY, v_exp(x - m), splat(0.0f)); }

INLINE float row_max(long cols, const float *x, const float *mask) {
    vf mx = splat(-INFINITY);
    VLOOP(cols, mx = vmax(mx, ld_live(x, mask, i, k)););
    return hmax(mx);
}

INLINE float row_sum_exp(long cols, const float *x, const float *mask, float m) {
    vf s = 0.0f;
    VLOOP(cols, s += exp_shifted(ld_live(x, mask, i, k), m););
    return hsum(s);
}

KERNEL void rk_softmax(long rows, long cols, const float *x, const float *mask, float *y) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * cols, *mr = mask ? mask + r * cols : 0;
        float *yr = y + r * cols;
        float m = row_max(cols, xr, mr);
        if (m == -INFINITY) { memset(yr, 0, (size_t)cols * sizeof(float)); continue; }
        float scale = 1.0f / row_sum_exp(cols, xr, mr, m);
        VLOOP(cols, ST(yr, exp_shifted(ld_live(xr, mr, i, k), m) * scale););
    }
}

KERNEL void rk_softmax_backward_acc(long rows, long cols, const float *y, const float *dy, float *dx) {
    for (long r = 0; r < rows; r++) {
        const float *yr = y + r * cols, *dyr = dy + r * cols;
        float *dxr = dx + r * cols;
        vf s = 0.0f;
        VLOOP(cols, s += LD(yr) * LD(dyr););
        float dot = hsum(s);
        VLOOP(cols, ST(dxr, LD(dxr) + LD(yr) * (LD(dyr) - dot)););
    }
}

KERNEL void rk_log_softmax(long rows, long cols, const float *x, const float *mask, float *y) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * cols, *mr = mask ? mask + r * cols : 0;
        float *yr = y + r * cols;
        float m = row_max(cols, xr, mr);
        float lse = m == -INFINITY ? 0.0f : m + logf(row_sum_exp(cols, xr, mr, m));
        VLOOP(cols, ST(yr, ld_live(xr, mr, i, k) - lse););
    }
}

// Positions holding −∞ were masked: they take no gradient and drop out of the sum.
KERNEL void rk_log_softmax_backward_acc(long rows, long cols, const float *y, const float *dy, float *dx) {
    for (long r = 0; r < rows; r++) {
        const float *yr = y + r * cols, *dyr = dy + r * cols;
        float *dxr = dx + r * cols;
        vf s = 0.0f;
        VLOOP(cols, s += sel(LD(yr) > -INFINITY, LD(dyr), splat(0.0f)););
        float total = hsum(s);
        VLOOP(cols, {
            vf yv = LD(yr);
            vf g = LD(dyr) - exp_shifted(yv, 0.0f) * total;
            ST(dxr, LD(dxr) + sel(yv > -INFINITY, g, splat(0.0f)));
        });
    }
}

KERNEL void rk_cross_entropy(long rows, long vocab, const float *logits, const int32_t *targets,
                             int32_t ignore, float smoothing, float *loss, float *lse_out) {
    for (long r = 0; r < rows; r++) {
        const float *xr = logits + r * vocab;
        const int32_t t = targets[r];
        if (t == ignore) {
            loss[r] = 0;
            if (lse_out) lse_out[r] = 0;
            continue;
        }
        float m = row_max(vocab, xr, 0);
        // One pass: Σ e^{x−m}, and Σ x for the smoothing term.
        vf se = 0.0f, sx = 0.0f;
        VLOOP(vocab, {
            se += exp_shifted(ld_live(xr, 0, i, k), m);
            sx += LD(xr);
        });
        float lse = m + logf(hsum(se));
        float nll = lse - xr[t];
        // Without smoothing, the mean term is left out: a logit of −∞ (an impossible class,
        // such as another sentence's unknown word for a pointer-generator) would make it NaN.
        loss[r] = smoothing > 0 ? (1.0f - smoothing) * nll + smoothing * (lse - hsum(sx) / (float)vocab) : nll;
        if (lse_out) lse_out[r] = lse;
    }
}

KERNEL void rk_cross_entropy_backward(long rows, long vocab, const float *logits, const int32_t *targets,
                                      int32_t ignore, float smoothing, const float *lse, float scale, int overwrite,
                                      float *dlogits) {
    const float uniform = smoothing / (float)vocab;
    for (long r = 0; r < rows; r++) {
        const int32_t t = targets[r];
        float *dr = dlogits + r * vocab;
        if (t == ignore) {
            if (overwrite) memset(dr, 0, (size_t)vocab * sizeof(float));
            continue;
        }
        const float *xr = logits + r * vocab;
        const float l = lse[r];
        if (overwrite) {  // element by element, so dr may be xr
            VLOOP(vocab, ST(dr, scale * (exp_shifted(ld_live(xr, 0, i, k), l) - uniform)););
        } else {
            VLOOP(vocab, ST(dr, LD(dr) + scale * (exp_shifted(ld_live(xr, 0, i, k), l) - uniform)););
        }
        dr[t] -= scale * (1.0f - smoothing);
    }
}

END_KERNELS
