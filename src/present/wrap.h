/* tally: text wrapped into the 80 columns of a table (stage 5, private to
 * src/present): the long lines of tally rank and tally check.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#ifndef TALLY_PRESENT_WRAP_H
#define TALLY_PRESENT_WRAP_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/mem.h"

/** The width a wrapped line keeps within. */
#define TALLY_WRAP_COLUMNS 80

/** Pieces of text written into TALLY_WRAP_COLUMNS, a space between two: a
 *  piece that would pass the edge starts a new line, indented by `indent`.
 *  `col` is where the line stands; `fresh`: nothing written on it yet. */
typedef struct tally_wrap {
    tally_buf *b;
    size_t col, indent;
    bool fresh;
} tally_wrap;

/** One piece, never cut. */
void tally_wrap_word(tally_wrap *w, const char *s);
/** Each space-separated word of `s`, a piece of its own; control characters
 *  shown as the escapes a table shows (tally/visible.h). */
void tally_wrap_text(tally_wrap *w, const char *s);
/** Ends the line. */
void tally_wrap_end(tally_wrap *w);

#endif
