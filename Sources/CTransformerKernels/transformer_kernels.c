// Kernels of the MiniLM forward pass, compiled for AVX-512, AVX2+FMA and SSE2 and picked at
// load time (like the scan kernels). Debian's OpenBLAS 0.3.21 does not recognise current
// Xeons and falls back to its SSE3 ("Prescott") sgemm, so the encoder carries its own.
#include "transformer_kernels.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define TK_CLONES __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#else
#define TK_CLONES
#endif

typedef float v16 __attribute__((vector_size(64), aligned(4)));

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
// (TK_DEPTH × 64 floats, 32 KiB) stays in L1 while the rows stream past it.
#define TK_DEPTH 128

TK_CLONES
void tk_matmul_bias(const float *a, const float *packed, const float *bias, float *c, size_t m, size_t n, size_t k) {
    size_t panels = (n + TK_PANEL - 1) / TK_PANEL;
    for (size_t depth = 0; depth < k; depth += TK_DEPTH) {
        size_t end = k - depth < TK_DEPTH ? k : depth + TK_DEPTH;
        for (size_t q = 0; q < panels; q++) {
            const float *panel = packed + q * k * TK_PANEL;
            size_t j = q * TK_PANEL;
            size_t width = n - j < TK_PANEL ? n - j : TK_PANEL;
            for (size_t i = 0; i < m; i += TK_ROWS) {
                size_t rows = m - i < TK_ROWS ? m - i : TK_ROWS;
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
                    float *crow = c + (i + r) * n + j;
                    if (depth == 0) {
                        for (size_t x = 0; x < width; x++) crow[x] = out[x] + (bias ? bias[j + x] : 0.0f);
                    } else {
                        for (size_t x = 0; x < width; x++) crow[x] += out[x];
                    }
                }
            }
        }
    }
}

// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), in a form the compiler vectorises.
TK_CLONES
void tk_gelu(float *x, size_t count) {
    for (size_t i = 0; i < count; i++) {
        float v = x[i];
        float z = v * 0.70710678f;
        float az = fabsf(z);
        float t = 1.0f / (1.0f + 0.3275911f * az);
        float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
        float e = 1.0f - poly * expf(-az * az);
        float erf = z < 0 ? -e : e;
        x[i] = 0.5f * v * (1.0f + erf);
    }
}

// Softmax of one row in place (shared by tk_softmax_rows and the attention kernel).
__attribute__((always_inline)) static inline void tk_softmax_row(float *row, size_t width) {
    float maximum = row[0];
    for (size_t i = 1; i < width; i++) maximum = row[i] > maximum ? row[i] : maximum;
    float sum = 0;
    for (size_t i = 0; i < width; i++) {
        row[i] = expf(row[i] - maximum);
        sum += row[i];
    }
    float inverse = 1.0f / sum;
    for (size_t i = 0; i < width; i++) row[i] *= inverse;
}

TK_CLONES
void tk_softmax_rows(float *x, size_t rows, size_t width) {
    for (size_t r = 0; r < rows; r++) tk_softmax_row(x + r * width, width);
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
// q, k, v and out point at the head's first column; rows are `stride` floats apart. The head's
// keys are first transposed into `scratch` (32 × length, padded to a multiple of 16) so each
// query scores 16 keys per step without horizontal sums; `scratch` also holds one row of
// scores. Head size must be 32.
TK_CLONES
void tk_attention_head(const float *q, const float *k, const float *v, float *out, float *scratch, size_t length,
                       size_t stride, float scale) {
    size_t padded = (length + 15) / 16 * 16;
    float *keys = scratch;                 // [32][padded]
    float *scores = scratch + 32 * padded; // [padded]
    for (size_t j = 0; j < padded; j++)
        for (size_t d = 0; d < 32; d++) keys[d * padded + j] = j < length ? k[j * stride + d] * scale : 0.0f;
    // Four independent sums per loop: a single FMA chain would wait on its own latency.
    for (size_t i = 0; i < length; i++) {
        const float *qi = q + i * stride;
        size_t j = 0;
        for (; j + 64 <= padded; j += 64) {
            v16 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
            for (size_t d = 0; d < 32; d++) {
                const float *row = keys + d * padded + j;
                a0 += qi[d] * LOAD16(row);
                a1 += qi[d] * LOAD16(row + 16);
                a2 += qi[d] * LOAD16(row + 32);
                a3 += qi[d] * LOAD16(row + 48);
            }
            STORE16(scores + j, a0);
            STORE16(scores + j + 16, a1);
            STORE16(scores + j + 32, a2);
            STORE16(scores + j + 48, a3);
        }
        for (; j < padded; j += 16) {
            v16 acc = {0};
            for (size_t d = 0; d < 32; d++) acc += qi[d] * LOAD16(keys + d * padded + j);
            STORE16(scores + j, acc);
        }
        tk_softmax_row(scores, length);
        v16 o0 = {0}, o1 = {0}, p0 = {0}, p1 = {0};
        size_t t = 0;
        for (; t + 2 <= length; t += 2) {
            o0 += scores[t] * LOAD16(v + t * stride);
            o1 += scores[t] * LOAD16(v + t * stride + 16);
            p0 += scores[t + 1] * LOAD16(v + (t + 1) * stride);
            p1 += scores[t + 1] * LOAD16(v + (t + 1) * stride + 16);
        }
        if (t < length) {
            o0 += scores[t] * LOAD16(v + t * stride);
            o1 += scores[t] * LOAD16(v + t * stride + 16);
        }
        o0 += p0;
        o1 += p1;
        STORE16(out + i * stride, o0);
        STORE16(out + i * stride + 16, o1);
    }
}
