// Recur's elementwise kernels: the fused, vectorised inner loops of the tensor engine.
//
// On x86-64 the kernels are compiled for AVX2 + FMA (x86-64-v3, every x86-64 server CPU
// since 2015); call `rk_cpu_supported` before the first kernel. Lengths are `long`
// (Swift `Int`). Pointers never alias unless a comment says so. Kernels whose name ends in
// `_acc` ADD into their output (gradients accumulate); the others overwrite it.
// Shape letters: R rows, C columns, B batch, H hidden size, V vocabulary.
#ifndef RECUR_KERNELS_H
#define RECUR_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU runs the kernels (on x86-64: has AVX2 and FMA), else 0.
int rk_cpu_supported(void);
/// A spin-wait hint (x86 `pause`): lets the sibling hyperthread run and saves power.
void rk_spin_pause(void);

// ---- Elementwise maps and their pullbacks ------------------------------------------
void rk_sigmoid(long n, const float *x, float *y);
void rk_sigmoid_backward_acc(long n, const float *y, const float *dy, float *dx);  // dx += dy·y(1−y)
void rk_tanh(long n, const float *x, float *y);
void rk_tanh_backward_acc(long n, const float *y, const float *dy, float *dx);     // dx += dy·(1−y²)
void rk_relu(long n, const float *x, float *y);
void rk_relu_backward_acc(long n, const float *y, const float *dy, float *dx);     // dx += dy·[y>0]
void rk_exp(long n, const float *x, float *y);
void rk_log(long n, const float *x, float *y);
void rk_div_acc(long n, const float *a, const float *b, float *dst);               // dst += a/b

// ---- Arithmetic ---------------------------------------------------------------------
void rk_add(long n, const float *a, const float *b, float *y);                     // y = a+b
void rk_sub(long n, const float *a, const float *b, float *y);                     // y = a−b
void rk_mul(long n, const float *a, const float *b, float *y);                     // y = a·b
void rk_scale(long n, float alpha, const float *x, float *y);                      // y = αx
void rk_acc(long n, float alpha, const float *x, float *dst);                      // dst += αx
void rk_mul_acc(long n, const float *a, const float *b, float *dst);               // dst += a·b
double rk_sum(long n, const float *x);
double rk_sum_squares(long n, const float *x);

// ---- Broadcasting over rows (b has C elements) and columns (b has R elements) --------
void rk_add_row(long rows, long cols, const float *x, const float *b, float *y);   // y[r,c] = x[r,c]+b[c]
void rk_mul_row(long rows, long cols, const float *x, const float *b, float *y);   // y[r,c] = x[r,c]·b[c]
void rk_mul_row_acc(long rows, long cols, const float *x, const float *b, float *dst);
void rk_colsum_acc(long rows, long cols, const float *x, float *dst);              // dst[c] += Σ_r x[r,c]
void rk_colsum_mul_acc(long rows, long cols, const float *a, const float *b, float *dst); // dst[c] += Σ_r a·b
void rk_add_col(long rows, long cols, const float *x, const float *b, float *y);   // y[r,c] = x[r,c]+b[r]
void rk_mul_col(long rows, long cols, const float *x, const float *b, float *y);   // y[r,c] = x[r,c]·b[r]
void rk_mul_col_acc(long rows, long cols, const float *x, const float *b, float *dst);
void rk_rowsum_acc(long rows, long cols, const float *x, float *dst);              // dst[r] += Σ_c x[r,c]
void rk_rowdot_acc(long rows, long cols, const float *a, const float *b, float *dst); // dst[r] += Σ_c a·b

// ---- Softmax over the last axis; `mask` (nullable, R×C, 1 keep / 0 drop) --------------
// Masked positions get probability 0 (softmax) and log-probability −∞ (log-softmax).
// A row with every position masked gets all zeros (softmax) / all −∞ (log-softmax).
void rk_softmax(long rows, long cols, const float *x, const float *mask, float *y);
void rk_softmax_backward_acc(long rows, long cols, const float *y, const float *dy, float *dx);
void rk_log_softmax(long rows, long cols, const float *x, const float *mask, float *y);
void rk_log_softmax_backward_acc(long rows, long cols, const float *y, const float *dy, float *dx);

// ---- Cross-entropy with label smoothing (fused log-softmax + NLL) ---------------------
// For each row r with targets[r] != ignore: loss[r] = (1−ε)·(−log p[t]) + ε·mean_v(−log p[v]),
// the target distribution PyTorch's `CrossEntropyLoss(label_smoothing: ε)` uses. Rows whose
// target is `ignore` get loss 0. When `lse` is not NULL it receives each row's log-sum-exp,
// which the backward pass reads.
void rk_cross_entropy(long rows, long vocab, const float *logits, const int32_t *targets,
                      int32_t ignore, float smoothing, float *loss, float *lse);
// dlogits += scale·(softmax(logits) − q) for the rows rk_cross_entropy saw, from its `lse`
// (ignored rows unchanged): the gradient computed in the backward pass, so that no N×V
// buffer waits between the passes. With `overwrite`, dlogits = that (ignored rows zero),
// and dlogits may be logits itself.
void rk_cross_entropy_backward(long rows, long vocab, const float *logits, const int32_t *targets,
                               int32_t ignore, float smoothing, const float *lse, float scale, int overwrite,
                               float *dlogits);

// ---- Fused recurrent cells (PyTorch's gate order and equations) -----------------------
// LSTM, gates G (B×4H) = x·W_ihᵀ + h·W_hhᵀ + b in the order i, f, g, o:
//   c' = σ(f)⊙c + σ(i)⊙tanh(g),  h' = σ(o)⊙tanh(c').
// `acts` (B×4H: σ(i), σ(f), tanh(g), σ(o)) is saved for the pullback (NULL when none will
// run); the pullback recomputes tanh(c') from c', which the next step keeps anyway.
void rk_lstm_forward(long batch, long hidden, const float *gates, const float *c,
                     float *h_out, float *c_out, float *acts);
// dh_out, dc_out may be NULL (treated as zero). Accumulates into dgates (B×4H) and dc (B×H).
void rk_lstm_backward_acc(long batch, long hidden, const float *acts, const float *c,
                          const float *c_out, const float *dh_out, const float *dc_out,
                          float *dgates, float *dc);
// GRU, gi (B×3H) = x·W_ihᵀ + b_ih, gh (B×3H) = h·W_hhᵀ + b_hh in the order r, z, n:
//   r = σ(gi_r+gh_r), z = σ(gi_z+gh_z), n = tanh(gi_n + r⊙gh_n), h' = (1−z)⊙n + z⊙h.
// `acts` (B×4H: r, z, n, gh_n) is saved for the pullback (NULL when none will run).
void rk_gru_forward(long batch, long hidden, const float *gi, const float *gh, const float *h,
                    float *h_out, float *acts);
// Accumulates into dgi, dgh (B×3H) and dh (B×H); any of them may be NULL.
void rk_gru_backward_acc(long batch, long hidden, const float *acts, const float *h,
                         const float *dh_out, float *dgi, float *dgh, float *dh);

// ---- Products with few rows ------------------------------------------------------------
// y (M×N, row stride ldy) = x (M×K, stride ldx) · wᵀ, w (N×K, stride ldw), plus bias (N, or
// NULL); with `accumulate`, added to y. Streams w once with no packing: for M up to ~64.
void rk_gemm_nt_small(long m, long n, long k, const float *x, long ldx, const float *w, long ldw,
                      const float *bias, float *y, long ldy, int accumulate);
// y (m) = a (m×k) · x (k), and y (n) = x (k) · b (k×n): one sentence's attention scores and
// context, too small for a BLAS call to pay for its set-up.
void rk_matvec(long m, long k, const float *a, const float *x, float *y);
void rk_vecmat(long k, long n, const float *x, const float *b, float *y);

// ---- int8 products (inference) ----------------------------------------------------------
// Whether this CPU has AVX512-VNNI (int8 dot products); without it the int8 kernels run a
// portable scalar loop (correct, slow).
int rk_int8_fast(void);
// Quantises rows of x (M×K, stride ldx) to unsigned bytes, symmetrically per row:
// scale[r] = max|x_r| / 127 (1 for a zero row), q = round(x / scale) + 128 in [1, 255];
// xq is M×kp, its columns K..kp filled with 128 (a zero).
void rk_quantize_rows_u8(long m, long k, long kp, const float *x, long ldx, uint8_t *xq, float *scale);
// y (M×N, stride ldy) = sx[m]·sw[n]·(Σ_k xq[m,k]·w[n,k] − 128·wsum[n]) + bias[n] (bias may be
// NULL): x·wᵀ from u8 activations (xq, M×kp, from rk_quantize_rows_u8) and s8 weights (w,
// N×kp packed by rk_int8_packed_index, per-row scales sw, row sums wsum). kp is a multiple of
// 64; w has zero rows up to a multiple of 16 beyond N, and sw, wsum that many entries.
// Where weight (n, k) sits in the packed layout: blocks of 16 rows, each 4 inputs of the 16
// rows together (64 bytes), so that one vpdpbusd serves 16 outputs.
long rk_int8_packed_index(long n, long k, long kp);
void rk_gemm_u8s8_nt(long m, long n, long kp, const uint8_t *xq, const float *sx, const int8_t *w,
                     const float *sw, const int32_t *wsum, const float *bias, float *y, long ldy);

// ---- FP32 products with a weight packed once (decoding, training steps) ----------------
// W (N×K, row stride ldw) packed for x·Wᵀ: blocks of 16 rows, each input's 16 weights
// together (rk_packed_nt_index), zero rows up to a multiple of 16; rk_packed_nt_count floats,
// 64-byte aligned for rk_gemm_nt_packed.
// 1 when rk_gemm_nt_packed runs its AVX-512 kernel here; elsewhere a portable loop, slower
// than BLAS, so that models are not packed there.
int rk_packed_fast(void);
long rk_packed_nt_index(long n, long c, long k);
long rk_packed_nt_count(long n, long k);
void rk_pack_nt(long n, long k, const float *w, long ldw, float *packed);
// The same layout for the N×K matrix Wᵀ, from W stored K×N (row stride ldw): for dX = dY·W
// as dY·(Wᵀ)ᵀ in a backward pass.
void rk_pack_tn(long n, long k, const float *w, long ldw, float *packed);
// x (M×K, stride ldx) in tiles of 8 rows, each input's 8 values together (rows past M zero):
// rk_packed_rows_count floats.
long rk_packed_rows_count(long m, long k);
void rk_pack_rows(long m, long k, const float *x, long ldx, float *xt);
// y (M×N, stride ldy) (+)= x·Wᵀ + bias (bias may be NULL), from x packed by rk_pack_rows and the
// first N rows of a packed W (pass the packed pointer advanced by whole blocks: (n0 / 16)·16·K
// floats). AVX-512 where the CPU has it, else a portable loop.
void rk_gemm_nt_packed(long m, long n, long k, const float *xt, const float *packed, const float *bias,
                       float *y, long ldy, int accumulate);

// ---- bf16 products with a weight packed once (a bf16 training step's loops) ------------
// PackedGemm.c's layout by pairs of inputs: for each block of 16 rows of W (N×K), (K+1)/2
// groups of 16 words, each word two bf16 inputs of one row (low: even input); x in tiles of
// 8 rows likewise. rk_packed_bf16_count and rk_packed_bf16_rows_count count words (64-byte
// aligned buffers). `row`: scratch of K + 1 (nt, rows) or 2·N (tn) uint16s. rk_pack_bf16_tn
// packs Wᵀ (N×K) from W stored K×N. y (M×N) (+)= x·Wᵀ + bias, FP32 sums; AVX512_BF16 where the
// CPU has it (rk_packed_bf16_fast), else a portable loop.
int rk_packed_bf16_fast(void);
long rk_packed_bf16_count(long n, long k);
void rk_pack_bf16_nt(long n, long k, const float *w, long ldw, uint32_t *packed, uint16_t *row);
void rk_pack_bf16_tn(long n, long k, const float *w, long ldw, uint32_t *packed, uint16_t *rows);
long rk_packed_bf16_rows_count(long m, long k);
void rk_pack_bf16_rows(long m, long k, const float *x, long ldx, uint32_t *xt, uint16_t *row);
void rk_gemm_bf16_packed(long m, long n, long k, const uint32_t *xt, const uint32_t *packed, const float *bias,
                         float *y, long ldy, int accumulate);

// ---- bf16 products (mixed-precision training) -------------------------------------------
// NULL when bf16 products can run here; otherwise why not, in words a person can act on
// (oneDNN missing, or Recur built without its headers). Opens oneDNN on first use.
const char *rk_bf16_unavailable(void);
// A bf16 product in parts, so that the engine converts each operand once, on all threads, and
// splits the product by rows of C. rk_to_bf16_rows rounds a block of rows into a buffer of the
// caller's (contiguous). rk_bf16_matmul computes C (M×N, stride ldc) ← α·op(A16)·op(B16) + β·C with
// FP32 accumulation on the calling thread: A16 a block of rows of op(A) with row stride lda
// (transpose_a: stored as columns, column stride lda), B16 as stored with row stride ldb. It
// returns 0 if oneDNN cannot run it (C unchanged).
void rk_to_bf16_rows(long rows, long columns, const float *x, long ld, uint16_t *y);
int rk_bf16_matmul(int transpose_a, int transpose_b, long m, long n, long k, float alpha, const uint16_t *a16,
                   long lda, const uint16_t *b16, long ldb, float beta, float *c, long ldc);
// oneDNN's name for the kernel that serves a shape (as "brg:avx512_core_bf16"), or NULL.
const char *rk_bf16_implementation(long m, long n, long k, int transpose_b);
// Round to nearest even, as the hardware's conversion does; and back (exact).
void rk_to_bf16(const float *x, uint16_t *y, long n);
float rk_from_bf16(uint16_t value);

// ---- Optimiser updates ------------------------------------------------------------------
// Adam with decoupled weight decay (Loshchilov & Hutter 2019, AdamW):
//   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= lr·(m/bc1 / (sqrt(v/bc2) + ε) + wd·w)
void rk_adam(long n, float *w, const float *g, float *m, float *v, float lr, float beta1,
             float beta2, float eps, float bc1, float bc2, float weight_decay);
// SGD with momentum μ (PyTorch's form): buf = μ·buf + g; w −= lr·buf. buf may be NULL when μ = 0.
void rk_sgd(long n, float *w, const float *g, float *buf, float lr, float momentum);

#ifdef __cplusplus
}
#endif
#endif
