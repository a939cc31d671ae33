#ifndef TRANSFORMER_KERNELS_H
#define TRANSFORMER_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Floats needed to pack an [n × k] weight matrix.
size_t tk_packed_size(size_t n, size_t k);

/// Packs a weight matrix [n × k] (out × in, row-major) into the column-panel layout
/// tk_matmul_bias reads (tk_packed_size(n, k) floats).
void tk_pack_panels(const float *weight, float *packed, size_t n, size_t k);

/// What a matmul does to its finished rows of C while they are still in cache: GELU in place
/// (`gelu`), or x = LayerNorm(x + C) on the same rows of `norm_x` (n floats each). Zeroed, or a
/// NULL pointer in its place: nothing.
typedef struct {
    int gelu;
    float *norm_x;
    const float *norm_weight, *norm_bias;
    float norm_epsilon;
} tk_epilogue;

/// Applies `then` to rows [first, first + count) of C (and of its norm_x), n floats per row.
void tk_finish_rows(const tk_epilogue *then, float *c, size_t first, size_t count, size_t n);

/// C[m×n] = A[m×k] · Wᵀ + bias[n] (bias may be NULL), with W packed by tk_pack_panels, then
/// `then`. Rows of C are `ldc` floats apart; `then` needs ldc == n. Columns of W from a multiple
/// of 64 on are a matrix of their own at packed + first × k (for splitting C by columns).
void tk_matmul_bias(const float *a, const float *packed, const float *bias, float *c, size_t ldc, size_t m, size_t n,
                    size_t k, const tk_epilogue *then);

/// Whether this CPU and kernel let us use AMX bfloat16 tiles (asked once per process).
int tk_amx_available(void);

/// bfloat16 values needed to pack an [n × k] weight matrix for tk_amx_matmul_bias.
size_t tk_amx_packed_size(size_t n, size_t k);

/// Packs a weight matrix [n × k] (out × in, row-major; n and k multiples of 32) into AMX tiles,
/// split into bfloat16 high and low parts.
void tk_amx_pack(const float *weight, uint16_t *packed, size_t n, size_t k);

/// tk_matmul_bias on AMX, with W packed by tk_amx_pack; only when tk_amx_available(). `then`
/// runs on each band of 32 rows as it is finished. Columns of W from a multiple of 32 on start
/// at packed + first × 2k.
void tk_amx_matmul_bias(const float *a, const uint16_t *packed, const float *bias, float *c, size_t ldc, size_t m,
                        size_t n, size_t k, const tk_epilogue *then);

/// Self-attention of one 32-wide head over one sequence of `length` tokens (rows of q, k, v
/// `stride` floats apart, of out `out_stride`); `scratch` holds tk_attention_scratch(length) floats.
void tk_attention_head(const float *q, const float *k, const float *v, size_t stride, float *out, size_t out_stride,
                       float *scratch, size_t length, float scale);

/// Floats of scratch tk_attention_head needs for a sequence of `length` tokens: transposed
/// keys, values and four rows of scores, each padded to a multiple of 16 tokens.
static inline size_t tk_attention_scratch(size_t length) { return (32 + 32 + 4) * ((length + 15) / 16 * 16); }

/// x[i] = 0.5·x·(1 + erf(x/√2)) for `count` values.
void tk_gelu(float *x, size_t count);

/// x = LayerNorm(x + residual) row by row (residual may be NULL), with weight, bias and epsilon.
void tk_add_layer_norm(float *x, const float *residual, const float *weight, const float *bias, size_t rows,
                       size_t width, float epsilon);

#endif
