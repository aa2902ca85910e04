/* tally: writing JSON (for JSON Lines output). */
#ifndef TALLY_JSON_H
#define TALLY_JSON_H

#include <stddef.h>
#include <stdio.h>

/** Writes `s` (`n` bytes of valid UTF-8) as a JSON string with quotes. */
void tally_json_str(FILE *out, const char *s, size_t n);
/** Writes a number: integers without exponent or fraction, others with the
 *  shortest of up to 15 significant digits; NaN/inf as null. */
void tally_json_num(FILE *out, double v);

#endif
