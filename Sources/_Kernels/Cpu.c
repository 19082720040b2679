// The run-time check that goes with compiling the kernels for x86-64-v3 (see Vector.h).
// Compiled for the baseline ISA, so it runs on any x86-64 CPU.
#include "recur_kernels.h"

int rk_cpu_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 1;
#endif
}

void rk_spin_pause(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}
