// Mixed-precision matrix products for training: C ← α·op(A)·op(B) + β·C with A and B rounded
// to bfloat16 and the products accumulated in FP32 (Kalamkar et al. 2019, "A Study of BFLOAT16
// for Deep Learning Training"). bfloat16 keeps FP32's exponent and 8 bits of its mantissa, so
// no loss scaling is needed; the master weights, gradients and optimiser stay FP32 in Swift.
//
// The products run in oneDNN (Debian: libdnnl2; headers from libdnnl-dev), whose brgemm
// kernels use AVX512_BF16's vdpbf16ps: two bf16 products per FP32 lane per instruction, about
// twice an FP32 FMA's work (measured here: 1.8–2.4× OpenBLAS's sgemm on the reference model's
// shapes, conversions included).
//
// oneDNN is opened at the first bf16 product, not linked: commands that never train in bf16
// never load it or its OpenMP runtime. Each call runs on one OpenMP thread (Tensor/BLAS.swift
// splits products across the cores on GCD's threads, as it does OpenBLAS's) and brings its own
// scratchpad, so the same primitive may run on several threads at once.
#include "recur_kernels.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__) && __has_include(<oneapi/dnnl/dnnl.h>)
#include <oneapi/dnnl/dnnl.h>
// The C API of oneDNN 2.x (3.0 replaced its operation descriptors).
#if DNNL_VERSION_MAJOR == 2
#define RK_HAVE_DNNL 1
#include <dlfcn.h>
#include <pthread.h>
#endif
#endif

// Round to nearest even, as vcvtneps2bf16 does: NaNs stay NaNs (their mantissa kept nonzero)
// and subnormal inputs become zeros of their sign.
static inline uint16_t to_bf16(float value) {
    uint32_t bits;
    memcpy(&bits, &value, 4);
    if ((bits & 0x7FFFFFFF) > 0x7F800000) return (uint16_t)((bits >> 16) | 0x40);
    if ((bits & 0x7F800000) == 0) return (uint16_t)((bits >> 16) & 0x8000);
    return (uint16_t)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
}

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx512f,avx512bf16"))) static void to_bf16_avx512(const float *x, uint16_t *y, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256bh packed = _mm512_cvtneps_pbh(_mm512_loadu_ps(x + i));
        _mm256_storeu_si256((__m256i *)(y + i), (__m256i)packed);
    }
    for (; i < n; i++) y[i] = to_bf16(x[i]);
}
#endif

void rk_to_bf16(const float *x, uint16_t *y, long n) {
#if defined(__x86_64__)
    static int fast = -1;  // a benign race: every thread computes the same answer
    if (fast < 0) {
        __builtin_cpu_init();
        fast = __builtin_cpu_supports("avx512bf16");
    }
    if (fast) return to_bf16_avx512(x, y, n);
#endif
    for (long i = 0; i < n; i++) y[i] = to_bf16(x[i]);
}

void rk_to_bf16_rows(long rows, long columns, const float *x, long ld, uint16_t *y) {
    for (long r = 0; r < rows; r++) rk_to_bf16(x + r * ld, y + r * columns, columns);
}

float rk_from_bf16(uint16_t value) {
    uint32_t bits = (uint32_t)value << 16;
    float result;
    memcpy(&result, &bits, 4);
    return result;
}

#if RK_HAVE_DNNL

// The oneDNN functions used, looked up in the library once it is open.
#define RK_DNNL_FUNCTIONS(X)                                                                     \
    X(dnnl_engine_create) X(dnnl_stream_create) X(dnnl_memory_desc_init_by_strides)             \
    X(dnnl_matmul_desc_init) X(dnnl_primitive_attr_create) X(dnnl_primitive_attr_destroy)       \
    X(dnnl_primitive_attr_set_scratchpad_mode) X(dnnl_primitive_attr_set_output_scales)         \
    X(dnnl_primitive_attr_set_post_ops) X(dnnl_post_ops_create) X(dnnl_post_ops_destroy)        \
    X(dnnl_post_ops_append_sum) X(dnnl_primitive_desc_create) X(dnnl_primitive_desc_destroy)    \
    X(dnnl_primitive_desc_query_md) X(dnnl_memory_desc_get_size) X(dnnl_primitive_create)       \
    X(dnnl_primitive_destroy) X(dnnl_memory_create) X(dnnl_memory_destroy)                      \
    X(dnnl_primitive_execute) X(dnnl_primitive_desc_query) X(dnnl_stream_destroy)

#define RK_DECLARE(name) static __typeof__(&name) p_##name;
RK_DNNL_FUNCTIONS(RK_DECLARE)

static pthread_once_t loaded_once = PTHREAD_ONCE_INIT;
static char load_error[512];
static dnnl_engine_t engine;
static void (*p_omp_set_num_threads)(int);

static void load(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512bf16")) {
        snprintf(load_error, sizeof load_error,
                 "this CPU lacks AVX512_BF16, so oneDNN would emulate bf16 products, slower than FP32 "
                 "ones: train with precision float32");
        return;
    }
    // OpenMP's thread count is set to 1 on every calling thread before each product (Recur
    // splits products itself), so no OpenMP worker thread is ever started.
    void *library = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error,
                 "bf16 training needs oneDNN, which could not be opened (%s): install it with "
                 "'apt-get install libdnnl2' (or libdnnl-dev)", dlerror());
        return;
    }
#define RK_LOOKUP(name)                                                                          \
    p_##name = (__typeof__(&name))dlsym(library, #name);                                         \
    if (!p_##name) {                                                                             \
        snprintf(load_error, sizeof load_error, "the oneDNN found lacks %s: install oneDNN 2.x", #name); \
        return;                                                                                  \
    }
    RK_DNNL_FUNCTIONS(RK_LOOKUP)
    p_omp_set_num_threads = (void (*)(int))dlsym(library, "omp_set_num_threads");  // from oneDNN's OpenMP
    if (p_dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) {
        snprintf(load_error, sizeof load_error, "oneDNN could not create a CPU engine");
    }
}

const char *rk_bf16_unavailable(void) {
    pthread_once(&loaded_once, load);
    return load_error[0] ? load_error : NULL;
}

// Primitives by shape, created once each: creating one takes tens of microseconds, and a
// training step makes hundreds of products of a few dozen shapes.
typedef struct {
    int m, n, k, transpose_a, transpose_b, ldc;
    float alpha, beta;
    int lda, ldb;
    dnnl_primitive_t primitive;
    // The operands' descriptors and the scratchpad's, made once with the primitive.
    dnnl_memory_desc_t a_md, b_md, c_md, scratchpad_md;
    size_t scratchpad_size;
    const char *implementation;
} Cached;

// Row blocks of a few sizes and padded depths (Tensor/BLAS.swift) keep the shapes to a few
// hundred; beyond the capacity a primitive serves one call.
enum { CACHE_CAPACITY = 1024 };
static Cached cache[CACHE_CAPACITY];
static int cache_count;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static int create(Cached *entry) {
    int m = entry->m, n = entry->n, k = entry->k;
    // A16 is a block of rows of op(A) with row stride lda (column stride lda when stored
    // transposed); B16 is B as stored, contiguous.
    dnnl_dims_t a_dims = {m, k}, b_dims = {k, n}, c_dims = {m, n};
    dnnl_dims_t a_strides = {entry->transpose_a ? 1 : entry->lda, entry->transpose_a ? entry->lda : 1};
    dnnl_dims_t b_strides = {entry->transpose_b ? 1 : entry->ldb, entry->transpose_b ? entry->ldb : 1};
    dnnl_dims_t c_strides = {entry->ldc, 1};
    dnnl_matmul_desc_t desc;
    if (p_dnnl_memory_desc_init_by_strides(&entry->a_md, 2, a_dims, dnnl_bf16, a_strides) != dnnl_success ||
        p_dnnl_memory_desc_init_by_strides(&entry->b_md, 2, b_dims, dnnl_bf16, b_strides) != dnnl_success ||
        p_dnnl_memory_desc_init_by_strides(&entry->c_md, 2, c_dims, dnnl_f32, c_strides) != dnnl_success ||
        p_dnnl_matmul_desc_init(&desc, &entry->a_md, &entry->b_md, NULL, &entry->c_md) != dnnl_success)
        return 0;
    dnnl_primitive_attr_t attr;
    if (p_dnnl_primitive_attr_create(&attr) != dnnl_success) return 0;
    p_dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    if (entry->alpha != 1) p_dnnl_primitive_attr_set_output_scales(attr, 1, 0, &entry->alpha);
    dnnl_post_ops_t post_ops = NULL;
    if (entry->beta != 0) {
        p_dnnl_post_ops_create(&post_ops);
        p_dnnl_post_ops_append_sum(post_ops, entry->beta);
        p_dnnl_primitive_attr_set_post_ops(attr, post_ops);
    }
    dnnl_primitive_desc_t pd;
    dnnl_status_t status = p_dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL);
    p_dnnl_primitive_attr_destroy(attr);
    if (post_ops) p_dnnl_post_ops_destroy(post_ops);
    if (status != dnnl_success) return 0;
    entry->scratchpad_md = *p_dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    entry->scratchpad_size = p_dnnl_memory_desc_get_size(&entry->scratchpad_md);
    const char *implementation = NULL;
    p_dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &implementation);
    entry->implementation = strdup(implementation ? implementation : "?");
    status = p_dnnl_primitive_create(&entry->primitive, pd);
    p_dnnl_primitive_desc_destroy(pd);
    if (status != dnnl_success) {
        free((void *)entry->implementation);
        entry->implementation = NULL;
    }
    return status == dnnl_success;
}

static Cached *lookup(Cached key) {
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < cache_count; i++) {
        Cached *e = &cache[i];
        if (e->m == key.m && e->n == key.n && e->k == key.k && e->transpose_a == key.transpose_a &&
            e->transpose_b == key.transpose_b && e->ldc == key.ldc && e->alpha == key.alpha && e->beta == key.beta &&
            e->lda == key.lda && e->ldb == key.ldb) {
            pthread_mutex_unlock(&cache_lock);
            return e;
        }
    }
    Cached *result = NULL;
    if (cache_count < CACHE_CAPACITY && create(&key)) {
        cache[cache_count] = key;
        result = &cache[cache_count];
        cache_count++;  // entries never move or leave, so the pointer stays valid unlocked
    }
    pthread_mutex_unlock(&cache_lock);
    return result;
}

// Per-thread scratchpad, grown as needed, and the thread's oneDNN stream; freed when the
// thread ends (GCD retires idle workers). The rounded operands are the caller's (pool buffers:
// Tensor/BLAS.swift).
typedef struct {
    void *data;
    size_t size;
} Buffer;
typedef struct {
    Buffer scratchpad;
    dnnl_stream_t stream;
} ThreadState;

static pthread_key_t state_key;
static pthread_once_t state_key_once = PTHREAD_ONCE_INIT;

static void free_state(void *pointer) {
    ThreadState *state = pointer;
    free(state->scratchpad.data);
    if (state->stream) p_dnnl_stream_destroy(state->stream);
    free(state);
}

static void make_state_key(void) { pthread_key_create(&state_key, free_state); }

static ThreadState *thread_state(void) {
    pthread_once(&state_key_once, make_state_key);
    ThreadState *state = pthread_getspecific(state_key);
    if (!state) {
        state = calloc(1, sizeof *state);
        if (state) pthread_setspecific(state_key, state);
    }
    return state;
}

static void *reserve(Buffer *buffer, size_t size) {
    if (buffer->size < size) {
        free(buffer->data);
        buffer->data = aligned_alloc(64, (size + 63) & ~(size_t)63);
        buffer->size = buffer->data ? size : 0;
    }
    return buffer->data;
}

int rk_bf16_matmul(int transpose_a, int transpose_b, long m, long n, long k, float alpha, const uint16_t *a16,
                   long lda, const uint16_t *b16, long ldb, float beta, float *c, long ldc) {
    if (rk_bf16_unavailable()) return 0;
    ThreadState *state = thread_state();
    if (!state) return 0;
    if (!state->stream && p_dnnl_stream_create(&state->stream, engine, dnnl_stream_default_flags) != dnnl_success) return 0;
    if (p_omp_set_num_threads) p_omp_set_num_threads(1);
    Cached key = {(int)m, (int)n, (int)k, transpose_a, transpose_b, (int)ldc, alpha, beta, (int)lda, (int)ldb};
    Cached *entry = lookup(key), temporary;
    if (!entry) {
        // The cache is full (or the shape is refused): a primitive for this call alone.
        temporary = key;
        if (!create(&temporary)) return 0;
        entry = &temporary;
    }
    void *scratch = entry->scratchpad_size ? reserve(&state->scratchpad, entry->scratchpad_size) : NULL;
    if (entry->scratchpad_size && !scratch) return 0;

    dnnl_memory_t a_memory = NULL, b_memory = NULL, c_memory = NULL, scratch_memory = NULL;
    int ok = p_dnnl_memory_create(&a_memory, &entry->a_md, engine, (void *)a16) == dnnl_success &&
             p_dnnl_memory_create(&b_memory, &entry->b_md, engine, (void *)b16) == dnnl_success &&
             p_dnnl_memory_create(&c_memory, &entry->c_md, engine, c) == dnnl_success;
    int nargs = 3;
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, a_memory}, {DNNL_ARG_WEIGHTS, b_memory}, {DNNL_ARG_DST, c_memory}};
    if (ok && entry->scratchpad_size) {
        ok = p_dnnl_memory_create(&scratch_memory, &entry->scratchpad_md, engine, scratch) == dnnl_success;
        args[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, scratch_memory};
    }
    if (ok) ok = p_dnnl_primitive_execute(entry->primitive, state->stream, nargs, args) == dnnl_success;
    if (a_memory) p_dnnl_memory_destroy(a_memory);
    if (b_memory) p_dnnl_memory_destroy(b_memory);
    if (c_memory) p_dnnl_memory_destroy(c_memory);
    if (scratch_memory) p_dnnl_memory_destroy(scratch_memory);
    if (entry == &temporary) {
        p_dnnl_primitive_destroy(temporary.primitive);
        free((void *)temporary.implementation);
    }
    return ok;
}

const char *rk_bf16_implementation(long m, long n, long k, int transpose_b) {
    if (rk_bf16_unavailable()) return NULL;
    Cached key = {(int)m, (int)n, (int)k, 0, transpose_b, (int)n, 1, 0, (int)k, transpose_b ? (int)k : (int)n};
    Cached *entry = lookup(key);
    return entry ? entry->implementation : NULL;
}

#else

const char *rk_bf16_unavailable(void) {
    return "this build of Recur has no bf16 products: they need oneDNN 2.x's headers when Recur is "
           "built ('apt-get install libdnnl-dev', then rebuild)";
}

int rk_bf16_matmul(int transpose_a, int transpose_b, long m, long n, long k, float alpha, const uint16_t *a16,
                   long lda, const uint16_t *b16, long ldb, float beta, float *c, long ldc) {
    return 0;
}

const char *rk_bf16_implementation(long m, long n, long k, int transpose_b) { return NULL; }

#endif
