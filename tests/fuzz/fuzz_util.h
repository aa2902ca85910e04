/* tally: helpers shared by the fuzz targets (header only: each target is its
 * own program). */
#ifndef TALLY_FUZZ_UTIL_H
#define TALLY_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. The
 * stages after decoding only ever see such text. */
static inline bool fuzz_valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1Fu, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0Fu, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07u, min = 0x10000;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/* True when byte `at` of `s` (n bytes) starts a character or is the end. */
static inline bool fuzz_char_boundary(const char *s, size_t n, size_t at)
{
    return at == n || ((unsigned char)s[at] & 0xC0) != 0x80;
}

/* An exact-size copy of the input without a NUL, so ASan sees any over-read;
 * the caller frees it. */
static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        abort();
    if (size > 0)
        memcpy(text, data, size);
    return text;
}

/* Aborts unless [start, end) is a non-empty span of `text` (n bytes) on
 * character boundaries, at or after *prev_end; then moves *prev_end to end.
 * Results of every scanner are such spans, in order, not overlapping. */
static inline void fuzz_check_span(const char *text, size_t n, size_t start, size_t end,
                                   size_t *prev_end)
{
    if (start >= end || end > n || start < *prev_end)
        abort();
    if (!fuzz_char_boundary(text, n, start) || !fuzz_char_boundary(text, n, end))
        abort();
    *prev_end = end;
}

#endif
