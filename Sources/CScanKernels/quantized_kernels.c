// Integer kernels for the compressed first pass: a query quantised to unsigned bytes (its
// int8 code + 128) against rows of signed int8 codes, summed exactly in int32. With AVX-512
// VNNI one `vpdpbusd` multiplies and sums 64 byte pairs; elsewhere the compiler's widening
// multiply-add (pmaddwd) does it. Rows are padded with zeros to a multiple of 64 bytes.
#include "scan_kernels.h"

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

// Four rows at a time, so four independent dot-product chains hide vpdpbusd's latency.
VNNI static void u8i8_rows_vnni(const uint8_t *query, const int8_t *rows, size_t count, size_t stride, int32_t *out) {
    size_t r = 0;
    for (; r + 4 <= count; r += 4) {
        const int8_t *row = rows + r * stride;
        __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
        __m512i acc2 = _mm512_setzero_si512(), acc3 = _mm512_setzero_si512();
        for (size_t i = 0; i < stride; i += 64) {
            __m512i q = _mm512_loadu_si512(query + i);
            acc0 = _mm512_dpbusd_epi32(acc0, q, _mm512_loadu_si512(row + i));
            acc1 = _mm512_dpbusd_epi32(acc1, q, _mm512_loadu_si512(row + stride + i));
            acc2 = _mm512_dpbusd_epi32(acc2, q, _mm512_loadu_si512(row + 2 * stride + i));
            acc3 = _mm512_dpbusd_epi32(acc3, q, _mm512_loadu_si512(row + 3 * stride + i));
        }
        out[r] = _mm512_reduce_add_epi32(acc0);
        out[r + 1] = _mm512_reduce_add_epi32(acc1);
        out[r + 2] = _mm512_reduce_add_epi32(acc2);
        out[r + 3] = _mm512_reduce_add_epi32(acc3);
    }
    for (; r < count; r++) {
        const int8_t *row = rows + r * stride;
        __m512i acc = _mm512_setzero_si512();
        for (size_t i = 0; i < stride; i += 64)
            acc = _mm512_dpbusd_epi32(acc, _mm512_loadu_si512(query + i), _mm512_loadu_si512(row + i));
        out[r] = _mm512_reduce_add_epi32(acc);
    }
}

#define WIDENING __attribute__((target_clones("avx512bw", "avx2", "default")))
#else
#define WIDENING
#endif

WIDENING
static void u8i8_rows_generic(const uint8_t *query, const int8_t *rows, size_t count, size_t stride, int32_t *out) {
    for (size_t r = 0; r < count; r++) {
        const int8_t *row = rows + r * stride;
        int32_t sum = 0;
        for (size_t i = 0; i < stride; i++) sum += (int32_t)query[i] * (int32_t)row[i];
        out[r] = sum;
    }
}

static int has_vnni(void) {
#if defined(__x86_64__) && defined(__clang__)
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw");
    }
    return cached;
#else
    return 0;
#endif
}

void scan_u8i8_rows(const uint8_t *query, const int8_t *rows, size_t count, size_t stride, int32_t *out) {
#if defined(__x86_64__) && defined(__clang__)
    if (has_vnni()) {
        u8i8_rows_vnni(query, rows, count, stride, out);
        return;
    }
#endif
    u8i8_rows_generic(query, rows, count, stride, out);
}

const char *scan_u8i8_isa(void) { return has_vnni() ? "avx512vnni" : "widening multiply-add"; }
