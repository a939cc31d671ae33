// Kernels of the MiniLM forward pass, compiled for AVX-512, AVX2+FMA and SSE2 and picked at
// load time (like the scan kernels). Debian's OpenBLAS 0.3.21 does not recognise current
// Xeons and falls back to its SSE3 ("Prescott") sgemm, so the encoder carries its own.
#include "transformer_kernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

// ThreadSanitizer instruments the ifunc resolvers that target_clones generates, and they run
// during relocation, before its runtime is up (a crash at load): under TSan (`make tsan`) each
// kernel is compiled once, for the baseline.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define THOTH_SINGLE_TARGET 1
#endif
#endif

#if defined(__x86_64__) && defined(__clang__) && !defined(THOTH_SINGLE_TARGET)
// AVX2+FMA is named by its level: clang reads "avx2,fma" as two clones, AVX2 without FMA
// and FMA without AVX2.
#define TK_CLONES __attribute__((target_clones("avx512f", "arch=x86-64-v3", "default")))
#else
#define TK_CLONES
#endif

typedef float v16 __attribute__((vector_size(64), aligned(4)));
typedef int32_t v16i __attribute__((vector_size(64), aligned(4)));

#define LOAD16(p) (*(const v16 *)(p))
#define STORE16(p, v) (*(v16 *)(p) = (v))

// Weights are packed once into panels of 64 columns: panel q holds rows 0..k-1 of columns
// 64q..64q+63 contiguously, so a k-step reads 256 consecutive bytes. The micro-kernel keeps a
// 6 × 64 block of C in 24 registers (AVX-512 has 32) and broadcasts each A element against
// the four 16-wide slices of the panel row: 24 FMAs per 4 loads and 6 broadcasts.
#define TK_PANEL 64
#define TK_ROWS 6

void tk_pack_panels(const float *weight, float *packed, size_t n, size_t k) {
    // weight is [n, k] (out × in); packed is [n/64][k][64], zero-padded past n.
    size_t panels = (n + TK_PANEL - 1) / TK_PANEL;
    for (size_t q = 0; q < panels; q++)
        for (size_t p = 0; p < k; p++)
            for (size_t c = 0; c < TK_PANEL; c++) {
                size_t j = q * TK_PANEL + c;
                packed[(q * k + p) * TK_PANEL + c] = j < n ? weight[j * k + p] : 0.0f;
            }
}

size_t tk_packed_size(size_t n, size_t k) { return (n + TK_PANEL - 1) / TK_PANEL * TK_PANEL * k; }

// acc[r] = Σ_p a[r][p] · panel[p] over p in [from, to), for `rows` rows of A.
__attribute__((always_inline)) static inline void tk_block(v16 acc[TK_ROWS][4], const float *a, const float *panel,
                                                           size_t from, size_t to, size_t k, size_t rows) {
    for (size_t r = 0; r < TK_ROWS; r++) acc[r][0] = acc[r][1] = acc[r][2] = acc[r][3] = (v16){0};
    for (size_t p = from; p < to; p++) {
        const float *b = panel + p * TK_PANEL;
        v16 b0 = LOAD16(b), b1 = LOAD16(b + 16), b2 = LOAD16(b + 32), b3 = LOAD16(b + 48);
        for (size_t r = 0; r < rows; r++) {
            float value = a[r * k + p];
            acc[r][0] += value * b0;
            acc[r][1] += value * b1;
            acc[r][2] += value * b2;
            acc[r][3] += value * b3;
        }
    }
}

// K is walked in blocks of TK_DEPTH so that the panel slice being reused by every row block
// (TK_DEPTH × 64 floats, 32 KiB) stays in L1 while the rows stream past it; rows go in bands
// of TK_BAND, whose A (≤ 768 KiB at k = 1536) stays in L2 while every panel passes.
#define TK_DEPTH 128
#define TK_BAND 128

TK_CLONES
void tk_matmul_bias(const float *a, const float *packed, const float *bias, float *c, size_t ldc, size_t m, size_t n,
                    size_t k, const tk_epilogue *then) {
    size_t panels = (n + TK_PANEL - 1) / TK_PANEL;
    for (size_t band = 0; band < m; band += TK_BAND) {
        size_t bandEnd = m - band < TK_BAND ? m : band + TK_BAND;
        for (size_t depth = 0; depth < k; depth += TK_DEPTH) {
            size_t end = k - depth < TK_DEPTH ? k : depth + TK_DEPTH;
            for (size_t q = 0; q < panels; q++) {
                const float *panel = packed + q * k * TK_PANEL;
                size_t j = q * TK_PANEL;
                size_t width = n - j < TK_PANEL ? n - j : TK_PANEL;
                for (size_t i = band; i < bandEnd; i += TK_ROWS) {
                    size_t rows = bandEnd - i < TK_ROWS ? bandEnd - i : TK_ROWS;
                    v16 acc[TK_ROWS][4];
                    // A full block calls the kernel with a constant row count, which it unrolls.
                    if (rows == TK_ROWS) {
                        tk_block(acc, a + i * k, panel, depth, end, k, TK_ROWS);
                    } else {
                        tk_block(acc, a + i * k, panel, depth, end, k, rows);
                    }
                    for (size_t r = 0; r < rows; r++) {
                        float out[TK_PANEL];
                        STORE16(out, acc[r][0]);
                        STORE16(out + 16, acc[r][1]);
                        STORE16(out + 32, acc[r][2]);
                        STORE16(out + 48, acc[r][3]);
                        float *crow = c + (i + r) * ldc + j;
                        if (depth == 0) {
                            for (size_t x = 0; x < width; x++) crow[x] = out[x] + (bias ? bias[j + x] : 0.0f);
                        } else {
                            for (size_t x = 0; x < width; x++) crow[x] += out[x];
                        }
                    }
                }
            }
        }
        // A band's rows are final only after its last depth block.
        tk_finish_rows(then, c, band, bandEnd - band, n);
    }
}

// e^x in place on 16 floats: Cephes' expf (range reduction by ln 2, degree-6 polynomial),
// relative error < 1e-7 on [-87, 88]; inputs are clamped to that range. libm's expf
// vectorises only to 8 lanes through libmvec calls, which made GELU and softmax a tenth of
// the encoder. (Helpers take pointers: a vector argument would not compile for the
// non-AVX-512 clones.)
__attribute__((always_inline)) static inline void tk_exp16(float *at) {
    v16 x = __builtin_elementwise_min(__builtin_elementwise_max(LOAD16(at), (v16){0} - 87.0f), (v16){0} + 88.0f);
    v16 n = __builtin_elementwise_floor(x * 1.44269504088896341f + 0.5f);
    v16 r = x - n * 0.693359375f + n * 2.12194440e-4f;
    v16 y = ((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r +
             1.6666665459e-1f) * r +
            5.0000001201e-1f;
    y = y * (r * r) + r + 1.0f;
    STORE16(at, y * (v16)((__builtin_convertvector(n, v16i) + 127) << 23));
}

// GELU in place on 16 floats, with erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
__attribute__((always_inline)) static inline void tk_gelu16(float *at) {
    v16 v = LOAD16(at);
    v16 z = v * 0.70710678f;
    v16 az = __builtin_elementwise_abs(z);
    v16 t = 1.0f / (1.0f + 0.3275911f * az);
    v16 poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    float gauss[16];
    STORE16(gauss, -az * az);
    tk_exp16(gauss);
    v16 erf = __builtin_elementwise_copysign(1.0f - poly * LOAD16(gauss), z);
    STORE16(at, 0.5f * v * (1.0f + erf));
}

TK_CLONES
void tk_gelu(float *x, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) tk_gelu16(x + i);
    if (i < count) {
        float rest[16] = {0};
        memcpy(rest, x + i, (count - i) * sizeof(float));
        tk_gelu16(rest);
        memcpy(x + i, rest, (count - i) * sizeof(float));
    }
}

// Softmax of row[0, length) in place; the row has room up to a multiple of 16, which ends as 0.
__attribute__((always_inline)) static inline void tk_softmax_row(float *row, size_t length) {
    size_t padded = (length + 15) / 16 * 16;
    // Padding gets a score no real one comes near (-ffast-math rules out -inf).
    for (size_t j = length; j < padded; j++) row[j] = -1e30f;
    v16 highest = LOAD16(row);
    for (size_t j = 16; j < padded; j += 16) highest = __builtin_elementwise_max(highest, LOAD16(row + j));
    float maximum = __builtin_reduce_max(highest);
    v16 sums = {0};
    for (size_t j = 0; j < padded; j += 16) {
        STORE16(row + j, LOAD16(row + j) - maximum);
        tk_exp16(row + j);
        sums += LOAD16(row + j);
    }
    // The padding came out as e^-87, not 0: take it back out of the sum.
    float sum = 0;
    for (size_t j = length; j < padded; j++) sum -= row[j], row[j] = 0;
    for (size_t lane = 0; lane < 16; lane++) sum += sums[lane];
    float inverse = 1.0f / sum;
    for (size_t j = 0; j < padded; j += 16) STORE16(row + j, LOAD16(row + j) * inverse);
}

TK_CLONES
void tk_add_layer_norm(float *x, const float *residual, const float *weight, const float *bias, size_t rows,
                       size_t width, float epsilon) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * width;
        if (residual) {
            const float *res = residual + r * width;
            for (size_t i = 0; i < width; i++) row[i] += res[i];
        }
        float mean = 0;
        for (size_t i = 0; i < width; i++) mean += row[i];
        mean /= (float)width;
        float variance = 0;
        for (size_t i = 0; i < width; i++) variance += (row[i] - mean) * (row[i] - mean);
        float scale = 1.0f / sqrtf(variance / (float)width + epsilon);
        for (size_t i = 0; i < width; i++) row[i] = (row[i] - mean) * scale * weight[i] + bias[i];
    }
}

// Self-attention of one head over one sequence: out_i = Σ_j softmax_j(scale · q_i·k_j) v_j.
// q, k, v and out point at the head's first column; rows of q, k and v are `stride` floats
// apart, rows of out `out_stride`. The head's keys are transposed into `scratch` (32 × length,
// padded to a multiple of 16) and its values copied next to them, so both stay in cache as
// contiguous blocks (rows 1.5 KiB apart share a few cache sets and evicted one another).
// Queries go four at a time: each key or value loaded serves four rows, and sixteen
// independent sums keep the FMA units busy. Head size must be 32.
#define TK_QUERIES 4

TK_CLONES
void tk_attention_head(const float *q, const float *k, const float *v, size_t stride, float *out, size_t out_stride,
                       float *scratch, size_t length, float scale) {
    size_t padded = (length + 15) / 16 * 16;
    float *keys = scratch;                    // [32][padded]
    float *values = keys + 32 * padded;       // [length][32]
    float *scores = values + 32 * padded;     // [TK_QUERIES][padded]
    for (size_t j = 0; j < padded; j++)
        for (size_t d = 0; d < 32; d++) keys[d * padded + j] = j < length ? k[j * stride + d] * scale : 0.0f;
    for (size_t j = 0; j < length; j++) memcpy(values + j * 32, v + j * stride, 32 * sizeof(float));
    for (size_t i = 0; i < length; i += TK_QUERIES) {
        // A last group of fewer queries repeats the last one rather than branching in the loops.
        const float *query[TK_QUERIES];
        for (size_t r = 0; r < TK_QUERIES; r++) query[r] = q + (i + r < length ? i + r : length - 1) * stride;
        size_t j = 0;
        for (; j + 64 <= padded; j += 64) {
            v16 acc[TK_QUERIES][4];
            for (size_t r = 0; r < TK_QUERIES; r++) acc[r][0] = acc[r][1] = acc[r][2] = acc[r][3] = (v16){0};
            for (size_t d = 0; d < 32; d++) {
                const float *key = keys + d * padded + j;
                v16 k0 = LOAD16(key), k1 = LOAD16(key + 16), k2 = LOAD16(key + 32), k3 = LOAD16(key + 48);
                for (size_t r = 0; r < TK_QUERIES; r++) {
                    float x = query[r][d];
                    acc[r][0] += x * k0, acc[r][1] += x * k1, acc[r][2] += x * k2, acc[r][3] += x * k3;
                }
            }
            for (size_t r = 0; r < TK_QUERIES; r++)
                for (size_t c = 0; c < 4; c++) STORE16(scores + r * padded + j + 16 * c, acc[r][c]);
        }
        for (; j < padded; j += 16) {
            v16 acc[TK_QUERIES] = {{0}};
            for (size_t d = 0; d < 32; d++) {
                v16 key = LOAD16(keys + d * padded + j);
                for (size_t r = 0; r < TK_QUERIES; r++) acc[r] += query[r][d] * key;
            }
            for (size_t r = 0; r < TK_QUERIES; r++) STORE16(scores + r * padded + j, acc[r]);
        }
        for (size_t r = 0; r < TK_QUERIES; r++) tk_softmax_row(scores + r * padded, length);
        v16 low[TK_QUERIES], high[TK_QUERIES];
        for (size_t r = 0; r < TK_QUERIES; r++) low[r] = high[r] = (v16){0};
        for (size_t t = 0; t < length; t++) {
            v16 v0 = LOAD16(values + t * 32), v1 = LOAD16(values + t * 32 + 16);
            for (size_t r = 0; r < TK_QUERIES; r++) {
                float weight = scores[r * padded + t];
                low[r] += weight * v0, high[r] += weight * v1;
            }
        }
        for (size_t r = 0; r < TK_QUERIES && i + r < length; r++) {
            STORE16(out + (i + r) * out_stride, low[r]);
            STORE16(out + (i + r) * out_stride + 16, high[r]);
        }
    }
}

void tk_finish_rows(const tk_epilogue *then, float *c, size_t first, size_t count, size_t n) {
    if (!then) return;
    float *rows = c + first * n;
    if (then->gelu) tk_gelu(rows, count * n);
    if (then->norm_x)
        tk_add_layer_norm(then->norm_x + first * n, rows, then->norm_weight, then->norm_bias, count, n,
                          then->norm_epsilon);
}
