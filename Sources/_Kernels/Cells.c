// Fused LSTM and GRU cell updates and their pullbacks (equations in include/recur_kernels.h).
// One pass over the gates per step: the activations, the new state and, in training, the
// values the pullback needs.
#include "recur_kernels.h"
#include "Vector.h"

KERNEL void rk_lstm_forward(long batch, long hidden, const float *gates, const float *c,
                            float *h_out, float *c_out, float *acts) {
    const long H = hidden;
    for (long b = 0; b < batch; b++) {
        const float *g = gates + b * 4 * H, *cp = c + b * H;
        float *ho = h_out + b * H, *co = c_out + b * H;
        float *a = acts ? acts + b * 4 * H : 0;
        VLOOP(H, {
            vf ig = v_sigmoid(LD(g)), fg = v_sigmoid(LD(g + H));
            vf gg = v_tanh_fast(LD(g + 2 * H)), og = v_sigmoid(LD(g + 3 * H));
            vf cn = fg * LD(cp) + ig * gg;
            vf t = v_tanh_fast(cn);
            ST(co, cn);
            ST(ho, og * t);
            if (a) { ST(a, ig); ST(a + H, fg); ST(a + 2 * H, gg); ST(a + 3 * H, og); }
        });
    }
}

KERNEL void rk_lstm_backward_acc(long batch, long hidden, const float *acts, const float *c,
                                 const float *c_out, const float *dh_out, const float *dc_out,
                                 float *dgates, float *dc) {
    const long H = hidden;
    for (long b = 0; b < batch; b++) {
        const float *a = acts + b * 4 * H, *cp = c + b * H, *cn = c_out + b * H;
        const float *dho = dh_out ? dh_out + b * H : 0, *dco = dc_out ? dc_out + b * H : 0;
        float *dg = dgates + b * 4 * H, *dcp = dc + b * H;
        VLOOP(H, {
            vf ig = LD(a), fg = LD(a + H), gg = LD(a + 2 * H), og = LD(a + 3 * H);
            vf t = v_tanh_fast(LD(cn));  // as the forward pass computed it
            vf dh = dho ? LD(dho) : splat(0.0f);
            vf dcn = (dco ? LD(dco) : splat(0.0f)) + dh * og * (1.0f - t * t);
            ST(dg, LD(dg) + dcn * gg * ig * (1.0f - ig));
            ST(dg + H, LD(dg + H) + dcn * LD(cp) * fg * (1.0f - fg));
            ST(dg + 2 * H, LD(dg + 2 * H) + dcn * ig * (1.0f - gg * gg));
            ST(dg + 3 * H, LD(dg + 3 * H) + dh * t * og * (1.0f - og));
            ST(dcp, LD(dcp) + dcn * fg);
        });
    }
}

KERNEL void rk_gru_forward(long batch, long hidden, const float *gi, const float *gh, const float *h,
                           float *h_out, float *acts) {
    const long H = hidden;
    for (long b = 0; b < batch; b++) {
        const float *xi = gi + b * 3 * H, *hh = gh + b * 3 * H, *hp = h + b * H;
        float *ho = h_out + b * H, *a = acts ? acts + b * 4 * H : 0;
        VLOOP(H, {
            vf r = v_sigmoid(LD(xi) + LD(hh));
            vf z = v_sigmoid(LD(xi + H) + LD(hh + H));
            vf hn = LD(hh + 2 * H);
            vf n = v_tanh_fast(LD(xi + 2 * H) + r * hn);
            ST(ho, (1.0f - z) * n + z * LD(hp));
            if (a) { ST(a, r); ST(a + H, z); ST(a + 2 * H, n); ST(a + 3 * H, hn); }
        });
    }
}

KERNEL void rk_gru_backward_acc(long batch, long hidden, const float *acts, const float *h,
                                const float *dh_out, float *dgi, float *dgh, float *dh) {
    const long H = hidden;
    for (long b = 0; b < batch; b++) {
        const float *a = acts + b * 4 * H, *hp = h + b * H, *dho = dh_out + b * H;
        float *dxi = dgi ? dgi + b * 3 * H : 0, *dhh = dgh ? dgh + b * 3 * H : 0;
        float *dhp = dh ? dh + b * H : 0;
        VLOOP(H, {
            vf r = LD(a), z = LD(a + H), n = LD(a + 2 * H), hn = LD(a + 3 * H), d = LD(dho);
            vf dn = d * (1.0f - z) * (1.0f - n * n);          // through tanh
            vf dz = d * (LD(hp) - n) * z * (1.0f - z);        // through σ
            vf dr = dn * hn * r * (1.0f - r);                 // through σ
            if (dxi) {
                ST(dxi, LD(dxi) + dr);
                ST(dxi + H, LD(dxi + H) + dz);
                ST(dxi + 2 * H, LD(dxi + 2 * H) + dn);
            }
            if (dhh) {
                ST(dhh, LD(dhh) + dr);
                ST(dhh + H, LD(dhh + H) + dz);
                ST(dhh + 2 * H, LD(dhh + 2 * H) + dn * r);
            }
            if (dhp) ST(dhp, LD(dhp) + d * z);
        });
    }
}

END_KERNELS
