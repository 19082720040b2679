// Optimiser update rules, fused over a parameter's elements (see include/recur_kernels.h).
#include "recur_kernels.h"
#include "Vector.h"

KERNEL void rk_adam(long n, float *w, const float *g, float *m, float *v, float lr, float beta1,
                    float beta2, float eps, float bc1, float bc2, float weight_decay) {
    VLOOP(n, {
        vf gv = LD(g);
        vf mv = beta1 * LD(m) + (1.0f - beta1) * gv;
        vf vv = beta2 * LD(v) + (1.0f - beta2) * gv * gv;
        vf wv = LD(w);
        vf update = (mv / bc1) / (__builtin_elementwise_sqrt(vv / bc2) + eps) + weight_decay * wv;
        ST(m, mv);
        ST(v, vv);
        ST(w, wv - lr * update);
    });
}

KERNEL void rk_sgd(long n, float *w, const float *g, float *buf, float lr, float momentum) {
    if (!buf) { VLOOP(n, ST(w, LD(w) - lr * LD(g));); return; }
    VLOOP(n, {
        vf bv = momentum * LD(buf) + LD(g);
        ST(buf, bv);
        ST(w, LD(w) - lr * bv);
    });
}

END_KERNELS
