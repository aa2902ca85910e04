/* tally: what the readers of the web (page.c, feed.c) share; private to
 * read. Part of stage 1, read: includes the public headers of base and the
 * model, and read's own. */
#ifndef TALLY_READ_WEB_H
#define TALLY_READ_WEB_H

/** A copy of `s` (valid UTF-8) with white space runs made one space,
 *  trimmed, cut at 1024 bytes on a character boundary; NULL when empty or
 *  NULL. Caller frees. */
char *web_clean(const char *s);
/** The day of a date-time ("2024-03-05T10:00:00Z" -> "2024-03-05"), or of
 *  a partial date tally reads; NULL for anything else. Caller frees. */
char *web_day_of(const char *s);

#endif
