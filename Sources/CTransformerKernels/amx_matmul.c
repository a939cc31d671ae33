// The dense layers' matmul on Intel AMX, with float32-grade accuracy from bfloat16 tiles.
//
// AMX multiplies bfloat16 (8 significant bits) at 16× the AVX-512 float32 peak of a core.
// Each float is split into hi = bf16(x) and lo = bf16(x − hi), so x ≈ hi + lo to
// ~16 bits, and a·b ≈ a_hi·b_hi + a_hi·b_lo + a_lo·b_hi (the dropped a_lo·b_lo is < 2⁻¹⁶ of
// it). Both operands are stored as [hi, lo] tiles per 32-wide step of k; each step runs the
// three products over them, accumulating in float32 in the tiles. Packed weights take 4 bytes
// per weight, as float32 does: small batches stream all of them once per layer.
#include "transformer_kernels.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#include <cpuid.h>
#include <immintrin.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

// One tile is 16 rows of 64 bytes: 16 × 32 bf16 operands or 16 × 16 float accumulators.
#define TILE_ELEMENTS 512

static int amx_state; // 0 unknown, 1 usable, -1 not

static void amx_probe(void) {
    unsigned eax, ebx, ecx, edx;
    amx_state = -1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return;
    int tile = (edx >> 24) & 1, bf16 = (edx >> 22) & 1;
    int avx512_bf16 = __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && ((eax >> 5) & 1);
    if (!tile || !bf16 || !avx512_bf16) return;
    // Linux hands out the 8 KiB tile state only to processes that ask for it.
    if (syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) != 0) return;
    amx_state = 1;
}

int tk_amx_available(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, amx_probe);
    return amx_state == 1;
}

static inline uint16_t bf16_round(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    u += 0x7FFFu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

static inline float bf16_value(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float x;
    memcpy(&x, &u, 4);
    return x;
}

size_t tk_amx_packed_size(size_t n, size_t k) { return 2 * n * k; }

void tk_amx_pack(const float *weight, uint16_t *packed, size_t n, size_t k) {
    // packed is [n/16][k/32 steps][2 parts: hi, lo][16 k-pairs][16 columns][2], so one tile is
    // 1 KiB contiguous and a column block's whole depth is one run.
    size_t at = 0;
    for (size_t block = 0; block < n / 16; block++)
        for (size_t step = 0; step < k / 32; step++)
            for (size_t part = 0; part < 2; part++)
                for (size_t pair = 0; pair < 16; pair++)
                    for (size_t column = 0; column < 16; column++)
                        for (size_t e = 0; e < 2; e++) {
                            float x = weight[(block * 16 + column) * k + step * 32 + 2 * pair + e];
                            uint16_t hi = bf16_round(x);
                            packed[at++] = part == 1 ? bf16_round(x - bf16_value(hi)) : hi;
                        }
}

// Writes 32 rows of a (k floats apart) as A' tiles: [16-row group][k/32 steps][hi, lo]
// [16 rows][32]; rows past `valid` are zero.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16"))) static void split_rows(const float *a, uint16_t *out,
                                                                                       size_t valid, size_t k) {
    size_t steps = k / 32;
    for (size_t r = 0; r < 32; r++) {
        uint16_t *row = out + (r / 16) * steps * 2 * TILE_ELEMENTS + (r % 16) * 32;
        for (size_t s = 0; s < steps; s++) {
            for (size_t half = 0; half < 2; half++) {
                const float *source = a + r * k + s * 32 + half * 16;
                __m512 x = r < valid ? _mm512_loadu_ps(source) : _mm512_setzero_ps();
                __m256bh hi = _mm512_cvtneps_pbh(x);
                __m512 high = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32((__m256i)hi), 16));
                __m256bh lo = _mm512_cvtneps_pbh(_mm512_sub_ps(x, high));
                uint16_t *at = row + s * 2 * TILE_ELEMENTS + half * 16;
                _mm256_storeu_si256((__m256i *)at, (__m256i)hi);
                _mm256_storeu_si256((__m256i *)(at + TILE_ELEMENTS), (__m256i)lo);
            }
        }
    }
}

struct tile_config {
    uint8_t palette, start_row, reserved[14];
    uint16_t bytes_per_row[16];
    uint8_t rows[16];
};

__attribute__((target("amx-tile,amx-bf16,avx512f,avx512bw,avx512vl,avx512bf16"))) void tk_amx_matmul_bias(
    const float *a, const uint16_t *packed, const float *bias, float *c, size_t ldc, size_t m, size_t n, size_t k,
    const tk_epilogue *then) {
    // 32 rows of A' at a time, kept while every column pair of B' streams past them.
    size_t steps = k / 32, group = steps * 2 * TILE_ELEMENTS;
    uint16_t *rows = aligned_alloc(64, 2 * group * sizeof(uint16_t));
    float zeros[16] = {0}, partial[32 * 32];
    struct tile_config config = {.palette = 1};
    for (int t = 0; t < 8; t++) config.rows[t] = 16, config.bytes_per_row[t] = 64;
    _tile_loadconfig(&config);
    size_t stride = ldc * sizeof(float);
    for (size_t top = 0; top < m; top += 32) {
        size_t valid = m - top < 32 ? m - top : 32;
        split_rows(a + top * k, rows, valid, k);
        for (size_t column = 0; column < n; column += 32) {
            const uint16_t *b0 = packed + (column / 16) * group, *b1 = b0 + group;
            const float *start0 = bias ? bias + column : zeros, *start1 = bias ? bias + column + 16 : zeros;
            // Accumulators start at the bias: a stride-0 load repeats its 16 values on every row.
            _tile_loadd(0, start0, 0), _tile_loadd(1, start1, 0), _tile_loadd(2, start0, 0), _tile_loadd(3, start1, 0);
            // Per step, 2 × 2 output tiles take hi·hi, lo·hi (reusing B's hi tiles) and hi·lo:
            // 12 tile products for 10 tile loads.
            for (size_t s = 0; s < steps; s++) {
                const uint16_t *a0 = rows + s * 2 * TILE_ELEMENTS, *a1 = a0 + group;
                const uint16_t *w0 = b0 + s * 2 * TILE_ELEMENTS, *w1 = b1 + s * 2 * TILE_ELEMENTS;
                _tile_loadd(4, a0, 64);
                _tile_loadd(6, w0, 64);
                _tile_dpbf16ps(0, 4, 6);
                _tile_loadd(7, w1, 64);
                _tile_dpbf16ps(1, 4, 7);
                _tile_loadd(5, a1, 64);
                _tile_dpbf16ps(2, 5, 6);
                _tile_dpbf16ps(3, 5, 7);
                _tile_loadd(4, a0 + TILE_ELEMENTS, 64);
                _tile_dpbf16ps(0, 4, 6);
                _tile_dpbf16ps(1, 4, 7);
                _tile_loadd(5, a1 + TILE_ELEMENTS, 64);
                _tile_dpbf16ps(2, 5, 6);
                _tile_dpbf16ps(3, 5, 7);
                _tile_loadd(4, a0, 64);
                _tile_loadd(6, w0 + TILE_ELEMENTS, 64);
                _tile_dpbf16ps(0, 4, 6);
                _tile_loadd(7, w1 + TILE_ELEMENTS, 64);
                _tile_dpbf16ps(1, 4, 7);
                _tile_loadd(5, a1, 64);
                _tile_dpbf16ps(2, 5, 6);
                _tile_dpbf16ps(3, 5, 7);
            }
            if (valid == 32) {
                float *c0 = c + top * ldc + column, *c1 = c0 + 16 * ldc;
                _tile_stored(0, c0, stride), _tile_stored(1, c0 + 16, stride);
                _tile_stored(2, c1, stride), _tile_stored(3, c1 + 16, stride);
            } else {
                _tile_stored(0, partial, 128), _tile_stored(1, partial + 16, 128);
                _tile_stored(2, partial + 512, 128), _tile_stored(3, partial + 528, 128);
                for (size_t r = 0; r < valid; r++) memcpy(c + (top + r) * ldc + column, partial + r * 32, 128);
            }
        }
        tk_finish_rows(then, c, top, valid, n);
    }
    _tile_release();
    free(rows);
}

#else

int tk_amx_available(void) { return 0; }
size_t tk_amx_packed_size(size_t n, size_t k) { return 0; }
void tk_amx_pack(const float *weight, uint16_t *packed, size_t n, size_t k) {}
void tk_amx_matmul_bias(const float *a, const uint16_t *packed, const float *bias, float *c, size_t ldc, size_t m,
                        size_t n, size_t k, const tk_epilogue *then) {}

#endif
