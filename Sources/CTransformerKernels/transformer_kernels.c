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

// Weights are packed once into panels of 32 columns: panel q holds rows 0..k-1 of columns
// 32q..32q+31 contiguously, so a k-step reads 128 consecutive bytes. The micro-kernel keeps an
// 8 × 32 block of C in 16 registers (AVX-512) and broadcasts each A element against the panel.
void tk_pack_panels(const float *weight, float *packed, size_t n, size_t k) {
    // weight is [n, k] (out × in); packed is [n/32][k][32], zero-padded past n.
    size_t panels = (n + 31) / 32;
    for (size_t q = 0; q < panels; q++)
        for (size_t p = 0; p < k; p++)
            for (size_t c = 0; c < 32; c++) {
                size_t j = q * 32 + c;
                packed[(q * k + p) * 32 + c] = j < n ? weight[j * k + p] : 0.0f;
            }
}

#define TK_ROWS 8

TK_CLONES
void tk_matmul_bias(const float *a, const float *packed, const float *bias, float *c, size_t m, size_t n, size_t k) {
    size_t panels = (n + 31) / 32;
    for (size_t q = 0; q < panels; q++) {
        const float *panel = packed + q * k * 32;
        size_t j = q * 32;
        size_t width = n - j < 32 ? n - j : 32;
        for (size_t i = 0; i < m; i += TK_ROWS) {
            size_t rows = m - i < TK_ROWS ? m - i : TK_ROWS;
            v16 acc[TK_ROWS][2];
            for (size_t r = 0; r < TK_ROWS; r++) acc[r][0] = acc[r][1] = (v16){0};
            const float *arow = a + i * k;
            if (rows == TK_ROWS) {
                for (size_t p = 0; p < k; p++) {
                    v16 b0 = LOAD16(panel + p * 32), b1 = LOAD16(panel + p * 32 + 16);
                    for (size_t r = 0; r < TK_ROWS; r++) {
                        float value = arow[r * k + p];
                        acc[r][0] += value * b0;
                        acc[r][1] += value * b1;
                    }
                }
            } else {
                for (size_t p = 0; p < k; p++) {
                    v16 b0 = LOAD16(panel + p * 32), b1 = LOAD16(panel + p * 32 + 16);
                    for (size_t r = 0; r < rows; r++) {
                        float value = arow[r * k + p];
                        acc[r][0] += value * b0;
                        acc[r][1] += value * b1;
                    }
                }
            }
            for (size_t r = 0; r < rows; r++) {
                float out[32];
                STORE16(out, acc[r][0]);
                STORE16(out + 16, acc[r][1]);
                float *crow = c + (i + r) * n + j;
                for (size_t x = 0; x < width; x++) crow[x] = out[x] + (bias ? bias[j + x] : 0.0f);
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

TK_CLONES
void tk_softmax_rows(float *x, size_t rows, size_t width) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * width;
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
