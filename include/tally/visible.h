/* tally: text for a terminal. Names, titles, sources and messages come from
 * documents anyone may have written; printed as they are, an escape sequence
 * in them (ESC ] 0 ; ... BEL retitles the terminal, ESC [ 2 J clears it) would
 * act, and a line break would split a table's row. Every human-facing output
 * (tables, summaries, messages) goes through here; JSON, CSV and HTML have
 * their own escaping. */
#ifndef TALLY_VISIBLE_H
#define TALLY_VISIBLE_H

#include <stddef.h>

#include "tally/mem.h"

/** Appends `n` bytes of `s` to `b` with everything that would act on a
 *  terminal instead of showing written as a visible escape: tab, line feed
 *  and carriage return as \t \n \r; other C0 controls and DEL as \xHH (ESC
 *  is \x1b); C1 controls (U+0080 to U+009F), the line and paragraph
 *  separators and the bidirectional overrides and isolates (U+202A-U+202E,
 *  U+2066-U+2069) as \u{XXXX}; bytes that are not UTF-8 as \xHH. The rest,
 *  backslashes included, is copied as it is. */
void tally_visible_append(tally_buf *b, const char *s, size_t n);

/** The length of the leading bytes of `s` (`n` bytes) that show as they
 *  are: `n` when nothing in it needs an escape (the common case). */
size_t tally_visible_plain(const char *s, size_t n);

/** For a table's column in a printf: `s` itself when nothing in it needs
 *  an escape (no copy), else its visible form in `buf`, cut at a character
 *  or escape boundary to fit `size` bytes with the NUL. NULL for NULL. */
const char *tally_visible_str(char *buf, size_t size, const char *s);

#endif
