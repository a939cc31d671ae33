#ifndef SCAN_KERNELS_H
#define SCAN_KERNELS_H

#include <stddef.h>

// ThreadSanitizer instruments the ifunc resolvers that target_clones generates, and they run
// during relocation, before its runtime is up (a crash at load): under TSan (`make tsan`) each
// kernel is compiled once, for the baseline.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define THOTH_SINGLE_TARGET 1
#endif
#endif

#include <stdint.h>

/// out[i] = dot(query, rows[i]) for `count` consecutive rows of `dimension` floats.
void scan_dot_rows(const float *query, const float *rows, size_t count, size_t dimension, float *out);

/// out[i] = Σ (query - rows[i])², the squared L2 distance, for consecutive rows.
void scan_l2_rows(const float *query, const float *rows, size_t count, size_t dimension, float *out);

/// The same for one row.
float scan_dot(const float *a, const float *b, size_t dimension);
float scan_l2(const float *a, const float *b, size_t dimension);

/// The instruction set the kernels dispatched to on this CPU ("avx512f", "avx2" or "sse2").
const char *scan_kernels_isa(void);

/// What the first pass knows of one compressed row: x ≈ scale · code, Σ code, ‖x‖ and
/// ‖x − scale · code‖ (both rounded up).
typedef struct {
    float scale;
    int32_t code_sum;
    float norm;
    float error;
} scan_code_info;

/// Codes `vector` as int8 within ±`range` (≤ 127) with one scale, max |x| / range, into
/// `codes` (`stride` bytes, the tail zeroed), and returns what the bounds need of it.
scan_code_info scan_encode(const float *vector, size_t dimension, size_t stride, float range, int8_t *codes);

/// The query's code (bytes = code + 64, `stride` long) with its scale, norm and compression
/// error; the distance space and the float32 rounding margin. For `scan_u8i8_refine`, also
/// the scale of its residual's code (the bytes that follow the first), `code.error` then the
/// error left after both.
typedef struct {
    scan_code_info code;
    float residual_scale;
    int32_t l2;
    float slack;
} scan_query_info;

/// Lower and upper bounds of the exact float32 distance from the query to `count` rows (int8
/// codes, `stride` bytes each, a multiple of 64), from their codes alone: rows 0..<count of
/// `rows` and `codes`, or, when `index` is not NULL, rows index[0..<count]. `scratch` holds
/// count sums. Returns nonzero when a bound is not finite (values near float32's range).
int scan_u8i8_bounds(const uint8_t *query, const scan_query_info *info, const int8_t *rows,
                     const scan_code_info *codes, const int32_t *index, size_t count, size_t stride,
                     int32_t *scratch, float *lower, float *upper);

/// The same bounds from both of the query's codes (2 × `stride` bytes; `scratch` holds 2 ×
/// count sums): its own error becomes negligible beside the rows', so they are tighter.
int scan_u8i8_refine(const uint8_t *query, const scan_query_info *info, const int8_t *rows,
                     const scan_code_info *codes, const int32_t *index, size_t count, size_t stride,
                     int32_t *scratch, float *lower, float *upper);

/// What the prefix pass knows of one row: the int8 code of the row's first coordinates in the
/// collection's principal axes (`PrefixCodes`), and what bounds the rest. `scale`, `code_sum`
/// as in `scan_code_info`; `error` bounds ‖q‖'s multiplier (the head code's error, the rotation's
/// float32 error and the row's own int8 error), `reach` bounds ‖head code‖, `tail` the length of
/// the row's part outside the principal axes. All rounded up.
typedef struct {
    float scale;
    int32_t code_sum;
    float error;
    float reach;
    float tail;
} scan_prefix_info;
/// The query's side: its head code's scale, ‖q‖, that code's error (rotation included), the
/// length of its part outside the axes, and the float32 rounding margin.
typedef struct {
    float scale;
    float norm;
    float error;
    float tail;
    float slack;
} scan_prefix_query;
/// Lower bounds of the distance 1 − q·x (cosine, inner product) from the query's head code
/// (bytes = code + 64, `width` bytes, a multiple of 16) to `count` consecutive rows of head
/// codes, bounding the rest of each row by Cauchy–Schwarz. The codes are interleaved by 16
/// rows: for each 4 bytes of a row, those 4 bytes of the block's 16 rows in turn (64 bytes);
/// `rows` starts a block, and a last partial block is padded with zero codes. `scratch` holds
/// count rounded up to 16 sums. Returns nonzero when a bound is not finite.
int scan_u8i8_prefix(const uint8_t *query, const scan_prefix_query *info, const int8_t *rows,
                     const scan_prefix_info *codes, size_t count, size_t width, int32_t *scratch, float *lower);
/// The offsets of the `k` smallest of `count` values, unordered, into `rows` (`scratch` holds k
/// floats); returns how many (min(k, count)).
size_t scan_smallest(const float *values, size_t count, size_t k, float *scratch, int32_t *rows);
/// The offsets of the values at most `threshold`, ascending, into `rows`; returns how many.
size_t scan_at_most(const float *values, size_t count, float threshold, int32_t *rows);
/// The instruction set `scan_u8i8_bounds` computes its sums with on this CPU.
const char *scan_u8i8_isa(void);

/// Whether `needle` occurs in `haystack` (bytes; an empty needle always does).
int scan_contains_bytes(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

#endif
