// Stops OpenBLAS's thread pool as soon as OpenBLAS has started it. Recur's engine runs
// OpenBLAS single-threaded and splits large products across cores itself (Tensor/BLAS.swift),
// but OpenBLAS creates its pool in its library constructor, before main, and the new threads
// spin for ~0.1 s: 10 ms of every short command and a core's worth of noise in long ones.
// Setting OPENBLAS_NUM_THREADS from inside the process is too late for that constructor (libc
// resets the environment after an executable's pre-initialisers), so a constructor of ours,
// which runs after the libraries' constructors, shuts the pool down instead, with the call
// OpenBLAS's own fork handler uses. `openblas_set_num_threads(n)` starts it again if a caller
// ever wants OpenBLAS's threads (`recur bench kernels` does, for its comparison).
#include <cblas.h>

#if defined(__linux__)
extern int blas_thread_shutdown_(void);

__attribute__((constructor)) static void recur_stop_blas_threads(void) {
    openblas_set_num_threads(1);
    blas_thread_shutdown_();
}
#endif
