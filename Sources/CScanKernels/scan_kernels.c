// Float32 scan kernels. The scan is bound by memory bandwidth, but the baseline x86-64
// target (SSE2) cannot keep up with it, so every kernel is compiled for AVX-512, AVX2+FMA
// and SSE2, and the loader picks the best the CPU has (target_clones / ifunc). Four
// independent accumulators hide the add latency.
#include "scan_kernels.h"

#if defined(__x86_64__) && defined(__clang__) && !defined(THOTH_SINGLE_TARGET)
// AVX2+FMA is named by its level: clang reads "avx2,fma" as two clones, AVX2 without FMA
// and FMA without AVX2.
#define SCAN_CLONES __attribute__((target_clones("avx512f", "arch=x86-64-v3", "default")))
#else
#define SCAN_CLONES
#endif

typedef float v8f __attribute__((vector_size(32), aligned(4)));

#define SUM8(v) (((v)[0] + (v)[4]) + ((v)[1] + (v)[5])) + (((v)[2] + (v)[6]) + ((v)[3] + (v)[7]))

#define LOAD8(p) (*(const v8f *)(p))

SCAN_CLONES
float scan_dot(const float *a, const float *b, size_t dimension) {
    v8f acc0 = {0}, acc1 = {0}, acc2 = {0}, acc3 = {0};
    size_t i = 0;
    for (; i + 32 <= dimension; i += 32) {
        acc0 += LOAD8(a + i) * LOAD8(b + i);
        acc1 += LOAD8(a + i + 8) * LOAD8(b + i + 8);
        acc2 += LOAD8(a + i + 16) * LOAD8(b + i + 16);
        acc3 += LOAD8(a + i + 24) * LOAD8(b + i + 24);
    }
    for (; i + 8 <= dimension; i += 8) acc0 += LOAD8(a + i) * LOAD8(b + i);
    v8f total = (acc0 + acc1) + (acc2 + acc3);
    float sum = SUM8(total);
    for (; i < dimension; i++) sum += a[i] * b[i];
    return sum;
}

SCAN_CLONES
float scan_l2(const float *a, const float *b, size_t dimension) {
    v8f acc0 = {0}, acc1 = {0}, acc2 = {0}, acc3 = {0};
    size_t i = 0;
    for (; i + 32 <= dimension; i += 32) {
        v8f d0 = LOAD8(a + i) - LOAD8(b + i);
        v8f d1 = LOAD8(a + i + 8) - LOAD8(b + i + 8);
        v8f d2 = LOAD8(a + i + 16) - LOAD8(b + i + 16);
        v8f d3 = LOAD8(a + i + 24) - LOAD8(b + i + 24);
        acc0 += d0 * d0;
        acc1 += d1 * d1;
        acc2 += d2 * d2;
        acc3 += d3 * d3;
    }
    for (; i + 8 <= dimension; i += 8) {
        v8f d = LOAD8(a + i) - LOAD8(b + i);
        acc0 += d * d;
    }
    v8f total = (acc0 + acc1) + (acc2 + acc3);
    float sum = SUM8(total);
    for (; i < dimension; i++) {
        float d = a[i] - b[i];
        sum += d * d;
    }
    return sum;
}

SCAN_CLONES
void scan_dot_rows(const float *query, const float *rows, size_t count, size_t dimension, float *out) {
    for (size_t r = 0; r < count; r++) out[r] = scan_dot(query, rows + r * dimension, dimension);
}

SCAN_CLONES
void scan_l2_rows(const float *query, const float *rows, size_t count, size_t dimension, float *out) {
    for (size_t r = 0; r < count; r++) out[r] = scan_l2(query, rows + r * dimension, dimension);
}

const char *scan_kernels_isa(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return "avx512f";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
    return "sse2";
#else
    return "generic";
#endif
}
