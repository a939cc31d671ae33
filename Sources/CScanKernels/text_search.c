// glibc's memmem (two-way string matching, vectorised for short needles), which Swift's Glibc
// module does not import: it is a GNU extension.
#define _GNU_SOURCE
#include <string.h>

#include "scan_kernels.h"

int scan_contains_bytes(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length) != NULL;
}
