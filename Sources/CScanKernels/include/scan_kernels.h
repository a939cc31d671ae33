#ifndef SCAN_KERNELS_H
#define SCAN_KERNELS_H

#include <stddef.h>

/// out[i] = dot(query, rows[i]) for `count` consecutive rows of `dimension` floats.
void scan_dot_rows(const float *query, const float *rows, size_t count, size_t dimension, float *out);

/// out[i] = Σ (query - rows[i])², the squared L2 distance, for consecutive rows.
void scan_l2_rows(const float *query, const float *rows, size_t count, size_t dimension, float *out);

/// The same for one row.
float scan_dot(const float *a, const float *b, size_t dimension);
float scan_l2(const float *a, const float *b, size_t dimension);

/// The instruction set the kernels dispatched to on this CPU ("avx512f", "avx2" or "sse2").
const char *scan_kernels_isa(void);

#endif
