/* tally: the optional header at the start of a document: lines "url:",
 * "title:", "outlet:" and "date:" (each at most once, any order) ended by a
 * blank line. Only these keys start a header; the body follows it.
 * Part of stage 1, read: includes the public headers of base and the model,
 * and read's own. */
#ifndef TALLY_HEADER_H
#define TALLY_HEADER_H

#include <stdbool.h>
#include <stddef.h>

/** The header's values: trimmed, valid UTF-8 (invalid bytes become U+FFFD),
 *  malloc'd; NULL when the key is absent or its value empty. */
typedef struct header {
    char *url;
    char *title;
    char *outlet;
    char *date;
} header;

/** Parses the header at the start of `s[0..n)`. `eof` says that `s` ends the
 *  input; otherwise a line cut off at `n` is not read as a header line. Fills
 *  `h` (free with header_free) and returns the header's length: the body
 *  starts at s + result (0 when there is no header). The blank line that ends
 *  a header belongs to it; a line that is neither a new key nor blank ends the
 *  header and starts the body. Counts replaced sequences in `*invalid`. */
size_t header_parse(const char *s, size_t n, bool eof, header *h, size_t *invalid);

/** Frees the values and sets them to NULL; accepts NULL. */
void header_free(header *h);

/** Returns whether `s[0..n)` holds only spaces, tabs and CRs (a blank line). */
bool header_is_blank(const char *s, size_t n);

#endif
