// Elementwise maps, arithmetic, broadcasting and reductions (see include/recur_kernels.h).
#include "recur_kernels.h"
#include "Vector.h"
#include <math.h>

KERNEL void rk_sigmoid(long n, const float *x, float *y) { VLOOP(n, ST(y, v_sigmoid(LD(x)));); }
KERNEL void rk_sigmoid_backward_acc(long n, const float *y, const float *dy, float *dx) {
    VLOOP(n, { vf s = LD(y); ST(dx, LD(dx) + LD(dy) * s * (1.0f - s)); });
}
KERNEL void rk_tanh(long n, const float *x, float *y) { VLOOP(n, ST(y, v_tanh(LD(x)));); }
KERNEL void rk_tanh_backward_acc(long n, const float *y, const float *dy, float *dx) {
    VLOOP(n, { vf t = LD(y); ST(dx, LD(dx) + LD(dy) * (1.0f - t * t)); });
}
KERNEL void rk_relu(long n, const float *x, float *y) { VLOOP(n, ST(y, vmax(LD(x), splat(0.0f)));); }
KERNEL void rk_relu_backward_acc(long n, const float *y, const float *dy, float *dx) {
    VLOOP(n, ST(dx, LD(dx) + sel(LD(y) > 0.0f, LD(dy), splat(0.0f))););
}
KERNEL void rk_exp(long n, const float *x, float *y) { VLOOP(n, ST(y, v_exp(LD(x)));); }
// Not on a hot path: libm's logf, for its exact special cases (log 0 = −∞, log −1 = NaN).
void rk_log(long n, const float *x, float *y) { for (long i = 0; i < n; i++) y[i] = logf(x[i]); }
// Tail lanes past n divide 0 by 0; they are never stored.
KERNEL void rk_div_acc(long n, const float *a, const float *b, float *dst) {
    VLOOP(n, ST(dst, LD(dst) + LD(a) / LD(b)););
}

KERNEL void rk_add(long n, const float *a, const float *b, float *y) { VLOOP(n, ST(y, LD(a) + LD(b));); }
KERNEL void rk_sub(long n, const float *a, const float *b, float *y) { VLOOP(n, ST(y, LD(a) - LD(b));); }
KERNEL void rk_mul(long n, const float *a, const float *b, float *y) { VLOOP(n, ST(y, LD(a) * LD(b));); }
KERNEL void rk_scale(long n, float alpha, const float *x, float *y) { VLOOP(n, ST(y, alpha * LD(x));); }
KERNEL void rk_acc(long n, float alpha, const float *x, float *dst) { VLOOP(n, ST(dst, LD(dst) + alpha * LD(x));); }
KERNEL void rk_mul_acc(long n, const float *a, const float *b, float *dst) {
    VLOOP(n, ST(dst, LD(dst) + LD(a) * LD(b)););
}

// Sums in float vectors over blocks of 4096 elements, then in double across blocks: the
// error stays that of a 4096-term float sum however long the input.
KERNEL double rk_sum(long n, const float *x) {
    double total = 0;
    for (long start = 0; start < n; start += 4096) {
        long end = start + 4096 < n ? start + 4096 : n;
        vf s = 0.0f;
        VLOOP(end - start, s += LD(x + start););
        total += hsum(s);
    }
    return total;
}
KERNEL double rk_sum_squares(long n, const float *x) {
    double total = 0;
    for (long start = 0; start < n; start += 4096) {
        long end = start + 4096 < n ? start + 4096 : n;
        vf s = 0.0f;
        VLOOP(end - start, { vf v = LD(x + start); s += v * v; });
        total += hsum(s);
    }
    return total;
}

KERNEL void rk_add_row(long rows, long cols, const float *x, const float *b, float *y) {
    for (long r = 0; r < rows; r++) VLOOP(cols, ST(y + r * cols, LD(x + r * cols) + LD(b)););
}
KERNEL void rk_mul_row(long rows, long cols, const float *x, const float *b, float *y) {
    for (long r = 0; r < rows; r++) VLOOP(cols, ST(y + r * cols, LD(x + r * cols) * LD(b)););
}
KERNEL void rk_mul_row_acc(long rows, long cols, const float *x, const float *b, float *dst) {
    for (long r = 0; r < rows; r++) VLOOP(cols, ST(dst + r * cols, LD(dst + r * cols) + LD(x + r * cols) * LD(b)););
}
KERNEL void rk_colsum_acc(long rows, long cols, const float *x, float *dst) {
    for (long r = 0; r < rows; r++) VLOOP(cols, ST(dst, LD(dst) + LD(x + r * cols)););
}
KERNEL void rk_colsum_mul_acc(long rows, long cols, const float *a, const float *b, float *dst) {
    for (long r = 0; r < rows; r++) VLOOP(cols, ST(dst, LD(dst) + LD(a + r * cols) * LD(b + r * cols)););
}
KERNEL void rk_add_col(long rows, long cols, const float *x, const float *b, float *y) {
    for (long r = 0; r < rows; r++) VLOOP(cols, ST(y + r * cols, LD(x + r * cols) + b[r]););
}
KERNEL void rk_mul_col(long rows, long cols, const float *x, const float *b, float *y) {
    for (long r = 0; r < rows; r++) VLOOP(cols, ST(y + r * cols, LD(x + r * cols) * b[r]););
}
KERNEL void rk_mul_col_acc(long rows, long cols, const float *x, const float *b, float *dst) {
    for (long r = 0; r < rows; r++) VLOOP(cols, ST(dst + r * cols, LD(dst + r * cols) + LD(x + r * cols) * b[r]););
}
KERNEL void rk_rowsum_acc(long rows, long cols, const float *x, float *dst) {
    for (long r = 0; r < rows; r++) {
        vf s = 0.0f;
        VLOOP(cols, s += LD(x + r * cols););
        dst[r] += hsum(s);
    }
}
KERNEL void rk_rowdot_acc(long rows, long cols, const float *a, const float *b, float *dst) {
    for (long r = 0; r < rows; r++) {
        vf s = 0.0f;
        VLOOP(cols, s += LD(a + r * cols) * LD(b + r * cols););
        dst[r] += hsum(s);
    }
}

END_KERNELS
