// ICU's regex engine backtracks, so a hostile pattern can take exponential time.
// uregex_setTimeLimit and uregex_setStackLimit turn that into a clean U_REGEX_TIME_OUT /
// U_REGEX_STACK_OVERFLOW. The ICU headers stay in this file: Swift's Foundation ships its own
// ICU module, and importing both into Swift clashes.
#include "bounded_regex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uregex.h>
#include <unicode/utext.h>

struct bounded_regex {
    URegularExpression *re;
};

bounded_regex *bounded_regex_compile(const char *pattern, int32_t pattern_length,
                                     int32_t time_limit_steps, char *error, int32_t error_capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError parse_error;
    UText *pattern_text = utext_openUTF8(NULL, pattern, pattern_length, &status);
    if (U_FAILURE(status)) {
        if (error && error_capacity > 0) snprintf(error, (size_t)error_capacity, "invalid UTF-8 pattern");
        return NULL;
    }
    URegularExpression *re = uregex_openUText(pattern_text, 0, &parse_error, &status);
    utext_close(pattern_text);
    if (U_FAILURE(status)) {
        if (error && error_capacity > 0) {
            snprintf(error, (size_t)error_capacity, "%s at offset %d", u_errorName(status),
                     parse_error.offset);
        }
        if (re) uregex_close(re);
        return NULL;
    }
    uregex_setTimeLimit(re, time_limit_steps, &status);
    uregex_setStackLimit(re, 1 << 20, &status);
    bounded_regex *result = malloc(sizeof(bounded_regex));
    if (!result) {
        uregex_close(re);
        return NULL;
    }
    result->re = re;
    return result;
}

bounded_regex_result bounded_regex_search(bounded_regex *regex, const char *text, int32_t text_length) {
    UErrorCode status = U_ZERO_ERROR;
    UText *utext = utext_openUTF8(NULL, text, text_length, &status);
    if (U_FAILURE(status)) return BOUNDED_REGEX_ERROR;
    uregex_setUText(regex->re, utext, &status);
    UBool found = U_SUCCESS(status) ? uregex_findNext(regex->re, &status) : 0;
    bounded_regex_result result;
    if (status == U_REGEX_TIME_OUT || status == U_REGEX_STACK_OVERFLOW) {
        result = BOUNDED_REGEX_TIMEOUT;
    } else if (U_FAILURE(status)) {
        result = BOUNDED_REGEX_ERROR;
    } else {
        result = found ? BOUNDED_REGEX_MATCH : BOUNDED_REGEX_NO_MATCH;
    }
    uregex_reset(regex->re, 0, &status);
    utext_close(utext);
    return result;
}

void bounded_regex_free(bounded_regex *regex) {
    if (!regex) return;
    uregex_close(regex->re);
    free(regex);
}
