/* tally: writing JSON (for JSON Lines output) into a growing buffer; the
 * caller writes a whole line at once. A buffer at its maximum refuses the
 * rest and is marked full (tally_buf_full in tally/mem.h). */
#ifndef TALLY_JSON_H
#define TALLY_JSON_H

#include <stddef.h>
#include <string.h>

#include "tally/mem.h"

/** Appends `s` (`n` bytes of valid UTF-8) as a JSON string with quotes. */
void tally_json_str(tally_buf *out, const char *s, size_t n);
/** Appends an unsigned integer (offsets, counts). */
void tally_json_uint(tally_buf *out, size_t v);
/** Appends a number: integers without exponent or fraction, others with up to
 *  15 significant digits; NaN and infinities as null. */
void tally_json_num(tally_buf *out, double v);
/** Appends the NUL-terminated `s` as it is (JSON punctuation, keys). */
void tally_json_raw(tally_buf *out, const char *s);
/** Appends the `n` bytes of `s` as they are. */
void tally_json_raw_n(tally_buf *out, const char *s, size_t n);
/** Appends the string literal `lit` as it is, with no strlen at run time. */
#define TALLY_JSON_LIT(out, lit) tally_json_lit((out), "" lit, sizeof(lit) - 1)

/** tally_json_raw_n inline, for TALLY_JSON_LIT: a line is written in many
 *  small literal pieces, and a copy of a length known when compiling is a
 *  few moves, not a call. */
static inline void tally_json_lit(tally_buf *out, const char *s, size_t n)
{
    if (!out->full && n < out->cap - out->len && n <= out->max - out->len) {
        memcpy(out->ptr + out->len, s, n);
        out->len += n;
        out->ptr[out->len] = '\0';
    } else {
        tally_json_raw_n(out, s, n);
    }
}

#endif
