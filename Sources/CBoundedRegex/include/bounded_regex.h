#ifndef BOUNDED_REGEX_H
#define BOUNDED_REGEX_H

#include <stdint.h>

/// A compiled ICU regular expression whose matching is bounded in time.
typedef struct bounded_regex bounded_regex;

/// Outcome of a search.
typedef enum {
    BOUNDED_REGEX_NO_MATCH = 0,
    BOUNDED_REGEX_MATCH = 1,
    BOUNDED_REGEX_TIMEOUT = 2,
    BOUNDED_REGEX_ERROR = 3
} bounded_regex_result;

/// Compiles a UTF-8 pattern. On failure returns NULL and writes a message into `error`.
bounded_regex *bounded_regex_compile(const char *pattern, int32_t pattern_length,
                                     int32_t time_limit_steps, char *error, int32_t error_capacity);

/// Searches (unanchored) UTF-8 text for the pattern.
bounded_regex_result bounded_regex_search(bounded_regex *regex, const char *text, int32_t text_length);

void bounded_regex_free(bounded_regex *regex);

#endif
