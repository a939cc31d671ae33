// Integer kernels for the compressed first pass: a query quantised to unsigned bytes (its
// code, within ±64, + 64) against rows of signed int8 codes, summed exactly in int32. With
// AVX-512 VNNI one `vpdpbusd` multiplies and sums 64 byte pairs; with AVX2 `vpmaddubsw` sums
// adjacent byte pairs into 16-bit lanes (never saturating: 2 · 128 · 127 < 2¹⁵, why the
// query's bytes stay at most 128) and `vpmaddwd` widens them; elsewhere the compiler's
// widening multiply-add. Rows are padded with zeros to a multiple of 64 bytes.
#include "scan_kernels.h"

#include <math.h>

// Row r of a block: the r-th row from `rows`, or row index[r] when the block is scattered
// (then `rows` and the codes are the whole collection's, read in place, not gathered).
#define ROW(r) (rows + (index ? (size_t)index[r] : (r)) * stride)

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

// The four sums of four accumulators, in one register.
VNNI static inline __m128i sum4(__m512i a, __m512i b, __m512i c, __m512i d) {
    __m256i a8 = _mm256_add_epi32(_mm512_castsi512_si256(a), _mm512_extracti64x4_epi64(a, 1));
    __m256i b8 = _mm256_add_epi32(_mm512_castsi512_si256(b), _mm512_extracti64x4_epi64(b, 1));
    __m256i c8 = _mm256_add_epi32(_mm512_castsi512_si256(c), _mm512_extracti64x4_epi64(c, 1));
    __m256i d8 = _mm256_add_epi32(_mm512_castsi512_si256(d), _mm512_extracti64x4_epi64(d, 1));
    __m256i all = _mm256_hadd_epi32(_mm256_hadd_epi32(a8, b8), _mm256_hadd_epi32(c8, d8));
    return _mm_add_epi32(_mm256_castsi256_si128(all), _mm256_extracti128_si256(all, 1));
}

// Four rows at a time, so four independent dot-product chains hide vpdpbusd's latency.
VNNI static void u8i8_rows_vnni(const uint8_t *query, const int8_t *rows, const int32_t *index, size_t count,
                                size_t stride, int32_t *out) {
    size_t r = 0;
    for (; r + 4 <= count; r += 4) {
        const int8_t *row0 = ROW(r), *row1 = ROW(r + 1), *row2 = ROW(r + 2), *row3 = ROW(r + 3);
        __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
        __m512i acc2 = _mm512_setzero_si512(), acc3 = _mm512_setzero_si512();
        for (size_t i = 0; i < stride; i += 64) {
            __m512i q = _mm512_loadu_si512(query + i);
            acc0 = _mm512_dpbusd_epi32(acc0, q, _mm512_loadu_si512(row0 + i));
            acc1 = _mm512_dpbusd_epi32(acc1, q, _mm512_loadu_si512(row1 + i));
            acc2 = _mm512_dpbusd_epi32(acc2, q, _mm512_loadu_si512(row2 + i));
            acc3 = _mm512_dpbusd_epi32(acc3, q, _mm512_loadu_si512(row3 + i));
        }
        _mm_storeu_si128((__m128i *)(out + r), sum4(acc0, acc1, acc2, acc3));
    }
    for (; r < count; r++) {
        const int8_t *row = ROW(r);
        __m512i acc = _mm512_setzero_si512();
        for (size_t i = 0; i < stride; i += 64)
            acc = _mm512_dpbusd_epi32(acc, _mm512_loadu_si512(query + i), _mm512_loadu_si512(row + i));
        out[r] = _mm512_reduce_add_epi32(acc);
    }
}

#define AVX2 __attribute__((target("avx2")))

// The eight sums of a register, as one.
AVX2 static inline int32_t sum8(__m256i a) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

// u8 × s8 pairs of 32 bytes summed into eight int32 lanes.
AVX2 static inline __m256i dot32(__m256i acc, __m256i q, __m256i x, __m256i ones) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(q, x), ones));
}

#ifndef PREFETCH_ROWS
#define PREFETCH_ROWS 8
#endif

// Four rows at a time: four independent chains, each row loaded once.
AVX2 static void u8i8_rows_avx2(const uint8_t *query, const int8_t *rows, const int32_t *index, size_t count,
                                size_t stride, int32_t *out) {
    const __m256i ones = _mm256_set1_epi16(1);
    size_t r = 0;
    for (; r + 4 <= count; r += 4) {
        const int8_t *row0 = ROW(r), *row1 = ROW(r + 1), *row2 = ROW(r + 2), *row3 = ROW(r + 3);
        // Ask for rows ahead: scattered ones the hardware cannot guess, and in-order ones
        // sooner than its prefetcher would (a single query is bound by the wait for memory).
        if (r + PREFETCH_ROWS + 4 <= count) {
            for (size_t i = 0; i < stride; i += 64) {
                for (size_t ahead = PREFETCH_ROWS; ahead < PREFETCH_ROWS + 4; ahead++)
                    _mm_prefetch((const char *)ROW(r + ahead) + i, _MM_HINT_T0);
            }
        }
        __m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256();
        __m256i a2 = _mm256_setzero_si256(), a3 = _mm256_setzero_si256();
        for (size_t i = 0; i < stride; i += 32) {
            __m256i q = _mm256_loadu_si256((const __m256i *)(query + i));
            a0 = dot32(a0, q, _mm256_loadu_si256((const __m256i *)(row0 + i)), ones);
            a1 = dot32(a1, q, _mm256_loadu_si256((const __m256i *)(row1 + i)), ones);
            a2 = dot32(a2, q, _mm256_loadu_si256((const __m256i *)(row2 + i)), ones);
            a3 = dot32(a3, q, _mm256_loadu_si256((const __m256i *)(row3 + i)), ones);
        }
        out[r] = sum8(a0);
        out[r + 1] = sum8(a1);
        out[r + 2] = sum8(a2);
        out[r + 3] = sum8(a3);
    }
    for (; r < count; r++) {
        const int8_t *row = ROW(r);
        __m256i a = _mm256_setzero_si256();
        for (size_t i = 0; i < stride; i += 32)
            a = dot32(a, _mm256_loadu_si256((const __m256i *)(query + i)),
                      _mm256_loadu_si256((const __m256i *)(row + i)), ones);
        out[r] = sum8(a);
    }
}

#define WIDENING __attribute__((target_clones("avx512bw", "avx2", "default")))
#define SCAN_BOUNDS __attribute__((target_clones("avx512f", "arch=x86-64-v3", "default")))
#else
#define WIDENING
#define SCAN_BOUNDS
#endif
#ifdef THOTH_SINGLE_TARGET
#undef WIDENING
#undef SCAN_BOUNDS
#define WIDENING
#define SCAN_BOUNDS
#endif

WIDENING
static void u8i8_rows_generic(const uint8_t *query, const int8_t *rows, const int32_t *index, size_t count,
                              size_t stride, int32_t *out) {
    for (size_t r = 0; r < count; r++) {
        const int8_t *row = ROW(r);
        int32_t sum = 0;
        for (size_t i = 0; i < stride; i++) sum += (int32_t)query[i] * (int32_t)row[i];
        out[r] = sum;
    }
}

static int has_avx2(void) {
#if defined(__x86_64__) && defined(__clang__)
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2");
    }
    return cached;
#else
    return 0;
#endif
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

// The estimate is q̃·x̃ = scale_x · (scale_q · (raw − 64 Σ codes) + residual_scale · (raw₂ − 64 Σ codes)),
// the second term only when the residual code was summed too (`raw2`);
// by Cauchy–Schwarz it is within ‖q‖·‖x − x̃‖ + ‖q − q̃‖·‖x̃‖ of q·x, with ‖x̃‖ ≤ ‖x‖ + ‖x − x̃‖;
// `slack` covers float32 rounding in the estimate and in the exact kernel.
// L2 = ‖q‖² + ‖x‖² − 2 q·x; ip and cosine = 1 − q·x.
SCAN_BOUNDS
static int bounds(const scan_query_info *info, const scan_code_info *codes, const int32_t *index, size_t count,
                  const int32_t *raw, const int32_t *raw2, float *lower, float *upper) {
    const scan_code_info q = info->code;
    const float slack = info->slack, residual_scale = info->residual_scale;
    int bad = 0;
    for (size_t r = 0; r < count; r++) {
        const scan_code_info x = codes[index ? (size_t)index[r] : r];
        int32_t offset = 64 * x.code_sum;
        float sum = q.scale * (float)(raw[r] - offset);
        if (raw2) sum += residual_scale * (float)(raw2[r] - offset);
        float dot = x.scale * sum;
        float reach = x.norm + x.error;
        float error = q.norm * x.error + q.error * reach;
        float estimate, bound;
        if (info->l2) {
            float size = q.norm + reach;
            estimate = q.norm * q.norm + x.norm * x.norm - 2 * dot;
            bound = 2 * error + slack * size * size;
        } else {
            estimate = 1 - dot;
            bound = error + slack * (1 + q.norm * reach);
        }
        float low = estimate - bound, high = estimate + bound;
        bad |= (low - low != 0) | (high - high != 0);
        lower[r] = low;
        upper[r] = high;
    }
    return bad;
}

// In double, so ‖x‖ and the error carry no float32 rounding beyond the final rounding up.
// Ties round to even (rintf vectorises; the codes need not match any other rounding, the
// bounds are computed from the codes actually chosen).
// One value's code, added to one lane's partial sums.
static inline void encode_value(float value, float scale, float inverse, float range, int8_t *code, int32_t *sum,
                                double *norm, double *error) {
    // value · (1/scale) may differ from value / scale in the last bit; either code is valid.
    const float rounded = fminf(range, fmaxf(-range, rintf(value * inverse)));
    *code = (int8_t)rounded;
    *sum += (int32_t)rounded;
    const double residual = (double)value - (double)scale * (double)rounded;
    *norm += (double)value * (double)value;
    *error += residual * residual;
}

SCAN_BOUNDS
scan_code_info scan_encode(const float *vector, size_t dimension, size_t stride, float range, int8_t *codes) {
    // Eight partial results per reduction, so the compiler can keep them in vector lanes
    // without reordering any one sum (it may not reassociate floating-point additions).
    float largest[8] = {0};
    size_t i = 0;
    for (; i + 8 <= dimension; i += 8)
        for (size_t lane = 0; lane < 8; lane++) largest[lane] = fmaxf(largest[lane], fabsf(vector[i + lane]));
    for (; i < dimension; i++) largest[0] = fmaxf(largest[0], fabsf(vector[i]));
    float most = 0;
    for (size_t lane = 0; lane < 8; lane++) most = fmaxf(most, largest[lane]);
    const float scale = most > 0 ? most / range : 0;
    const float inverse = scale > 0 ? 1 / scale : 0;
    int32_t sums[8] = {0};
    double norms[8] = {0}, errors[8] = {0};
    for (i = 0; i + 8 <= dimension; i += 8)
        for (size_t lane = 0; lane < 8; lane++)
            encode_value(vector[i + lane], scale, inverse, range, &codes[i + lane], &sums[lane], &norms[lane],
                         &errors[lane]);
    for (; i < dimension; i++)
        encode_value(vector[i], scale, inverse, range, &codes[i], &sums[0], &norms[0], &errors[0]);
    for (i = dimension; i < stride; i++) codes[i] = 0;
    int32_t sum = 0;
    double norm_squared = 0, error_squared = 0;
    for (size_t lane = 0; lane < 8; lane++) {
        sum += sums[lane];
        norm_squared += norms[lane];
        error_squared += errors[lane];
    }
    scan_code_info info = {scale, sum, nextafterf((float)sqrt(norm_squared), INFINITY),
                           error_squared > 0 ? nextafterf((float)sqrt(error_squared), INFINITY) : 0};
    return info;
}

// The sums of one query code against `count` rows, with the best kernel of this CPU.
static void u8i8_rows(const uint8_t *query, const int8_t *rows, const int32_t *index, size_t count, size_t stride,
                      int32_t *out) {
#if defined(__x86_64__) && defined(__clang__)
    if (has_vnni())
        u8i8_rows_vnni(query, rows, index, count, stride, out);
    else if (has_avx2())
        u8i8_rows_avx2(query, rows, index, count, stride, out);
    else
#endif
        u8i8_rows_generic(query, rows, index, count, stride, out);
}

int scan_u8i8_bounds(const uint8_t *query, const scan_query_info *info, const int8_t *rows,
                     const scan_code_info *codes, const int32_t *index, size_t count, size_t stride,
                     int32_t *scratch, float *lower, float *upper) {
    u8i8_rows(query, rows, index, count, stride, scratch);
    return bounds(info, codes, index, count, scratch, NULL, lower, upper);
}

int scan_u8i8_refine(const uint8_t *query, const scan_query_info *info, const int8_t *rows,
                     const scan_code_info *codes, const int32_t *index, size_t count, size_t stride,
                     int32_t *scratch, float *lower, float *upper) {
    u8i8_rows(query, rows, index, count, stride, scratch);
    u8i8_rows(query + stride, rows, index, count, stride, scratch + count);
    return bounds(info, codes, index, count, scratch, scratch + count, lower, upper);
}

// q·x = q·x̃ + q·(x − x̃), and q·x̃ = (Xᵀq)·(Xᵀx̃) + q⊥·x̃⊥ for the orthonormal axes X: the head
// estimate is within ‖q‖·error + query.error·reach of the first term, Cauchy–Schwarz bounds
// the second by query.tail · tail.
SCAN_BOUNDS
static int prefix_bounds(const scan_prefix_query *q, const scan_prefix_info *codes, size_t count, const int32_t *raw,
                         float *lower) {
    int bad = 0;
    for (size_t r = 0; r < count; r++) {
        const scan_prefix_info x = codes[r];
        float dot = x.scale * (q->scale * (float)(raw[r] - 64 * x.code_sum));
        float bound = q->norm * x.error + q->error * x.reach + q->tail * x.tail + q->slack * (1 + q->norm * x.reach);
        float low = 1 - dot - bound;
        bad |= low - low != 0;
        lower[r] = low;
    }
    return bad;
}

// Head codes are interleaved by 16 rows (`scan_u8i8_prefix`): one VNNI multiply-add takes four
// bytes of the query, broadcast, against those four bytes of 16 rows, each row's sum in its
// own lane — no horizontal sums, which cost more than the products at 192 bytes a row.
#if defined(__x86_64__) && defined(__clang__)
VNNI static void prefix_rows_vnni(const uint8_t *query, const int8_t *rows, size_t blocks, size_t width,
                                  int32_t *out) {
    for (size_t b = 0; b < blocks; b++) {
        const int8_t *block = rows + b * 16 * width;
        __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
        for (size_t g = 0; g < width / 4; g += 4) {
            a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(*(const int32_t *)(query + 4 * g)),
                                     _mm512_loadu_si512(block + 64 * g));
            a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(*(const int32_t *)(query + 4 * g + 4)),
                                     _mm512_loadu_si512(block + 64 * g + 64));
            a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(*(const int32_t *)(query + 4 * g + 8)),
                                     _mm512_loadu_si512(block + 64 * g + 128));
            a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(*(const int32_t *)(query + 4 * g + 12)),
                                     _mm512_loadu_si512(block + 64 * g + 192));
        }
        _mm512_storeu_si512(out + 16 * b, _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3)));
    }
}
#endif

WIDENING
static void prefix_rows_generic(const uint8_t *query, const int8_t *rows, size_t blocks, size_t width,
                                int32_t *out) {
    for (size_t b = 0; b < blocks; b++) {
        const int8_t *block = rows + b * 16 * width;
        int32_t sums[16] = {0};
        for (size_t g = 0; g < width / 4; g++)
            for (size_t lane = 0; lane < 16; lane++)
                for (size_t j = 0; j < 4; j++)
                    sums[lane] += (int32_t)query[4 * g + j] * (int32_t)block[64 * g + 4 * lane + j];
        for (size_t lane = 0; lane < 16; lane++) out[16 * b + lane] = sums[lane];
    }
}

int scan_u8i8_prefix(const uint8_t *query, const scan_prefix_query *info, const int8_t *rows,
                     const scan_prefix_info *codes, size_t count, size_t width, int32_t *scratch, float *lower) {
    size_t blocks = (count + 15) / 16;
#if defined(__x86_64__) && defined(__clang__)
    if (has_vnni())
        prefix_rows_vnni(query, rows, blocks, width, scratch);
    else
#endif
        prefix_rows_generic(query, rows, blocks, width, scratch);
    return prefix_bounds(info, codes, count, scratch, lower);
}

// A max-heap of the k smallest seen: most values fail the first comparison.
size_t scan_smallest(const float *values, size_t count, size_t k, float *heap, int32_t *rows) {
    size_t held = 0;
    for (size_t i = 0; i < count; i++) {
        float v = values[i];
        size_t at;
        if (held < k) {
            at = held++;
            while (at > 0 && heap[(at - 1) / 2] < v) {
                heap[at] = heap[(at - 1) / 2];
                rows[at] = rows[(at - 1) / 2];
                at = (at - 1) / 2;
            }
        } else if (k > 0 && v < heap[0]) {
            at = 0;
            for (;;) {
                size_t child = 2 * at + 1;
                if (child >= held) break;
                if (child + 1 < held && heap[child + 1] > heap[child]) child++;
                if (heap[child] <= v) break;
                heap[at] = heap[child];
                rows[at] = rows[child];
                at = child;
            }
        } else {
            continue;
        }
        heap[at] = v;
        rows[at] = (int32_t)i;
    }
    return held;
}

size_t scan_at_most(const float *values, size_t count, float threshold, int32_t *rows) {
    size_t found = 0;
    for (size_t i = 0; i < count; i++)
        if (values[i] <= threshold) rows[found++] = (int32_t)i;
    return found;
}

const char *scan_u8i8_isa(void) { return has_vnni() ? "avx512vnni" : has_avx2() ? "avx2" : "widening multiply-add"; }
