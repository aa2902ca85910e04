/* tally: allocation, arenas, spans and growing buffers. */
#ifndef TALLY_MEM_H
#define TALLY_MEM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tally/err.h"

/** A borrowed view of bytes; never owns `ptr`. */
typedef struct tally_span {
    const char *ptr;
    size_t len;
} tally_span;

/** malloc/realloc/strdup that abort with a message when memory runs out. */
void *tally_xmalloc(size_t n);
void *tally_xcalloc(size_t n, size_t size);
void *tally_xrealloc(void *p, size_t n);
char *tally_xstrdup(const char *s);
char *tally_xstrndup(const char *s, size_t n);

/** An arena: many allocations freed at once by tally_arena_reset/free.
 *  Blocks are chained, so earlier pointers stay valid as it grows. */
typedef struct tally_arena tally_arena;

/** Returns a new arena (aborts on out of memory); free with tally_arena_free. */
tally_arena *tally_arena_new(void);
/** Returns `n` bytes aligned for any object, valid until reset or free. */
void *tally_arena_alloc(tally_arena *a, size_t n);
/** Copies `n` bytes into the arena and NUL-terminates the copy. */
char *tally_arena_strndup(tally_arena *a, const char *s, size_t n);
/** Frees everything allocated since creation but keeps the first block for reuse. */
void tally_arena_reset(tally_arena *a);
/** Empties the arena for work of a similar size again: its memory stays
 *  allocated, as one block as large as all it had, so that the next round
 *  allocates nothing. */
void tally_arena_rewind(tally_arena *a);
/** Frees the arena; accepts NULL. */
void tally_arena_free(tally_arena *a);

#define tally_arena_new_obj(a, T) ((T *)tally_arena_alloc((a), sizeof(T)))

/** Reads all of `f` into a malloc'd, NUL-terminated buffer (caller frees);
 *  sets *len. NULL with errno set on a read error (EIO) or past `max` bytes
 *  (EFBIG). */
char *tally_slurp(FILE *f, size_t max, size_t *len);
/** The same for the file at `path` (errno from fopen when it cannot be
 *  opened). */
char *tally_slurp_path(const char *path, size_t max, size_t *len);

/** Owned, growing text with a maximum size fixed at init. Always NUL-terminated
 *  once anything was appended. An append past the maximum is refused and
 *  marks the buffer full; a full buffer refuses every later append until it
 *  is cleared, so it holds a prefix of what was written. This is how every
 *  writer (JSON, CSV, tables, HTML) reports overflow: the caller checks
 *  tally_buf_full once it has written. A value a writer refuses (NaN, an
 *  infinity) is reported the same way: tally_buf_err. */
typedef struct tally_buf {
    char *ptr;
    size_t len;
    size_t cap;
    size_t max;
    bool full; /* an append was refused since the last clear */
    int err;   /* a value refused since the last clear (see tally_buf_err) */
} tally_buf;

/** Initialises an empty buffer that refuses to grow past `max` bytes. */
void tally_buf_init(tally_buf *b, size_t max);
/** Appends `n` bytes; returns 0, or TALLY_ELIMIT when `max` would be exceeded
 *  or the buffer is full (the buffer is then unchanged, and full). */
int tally_buf_append(tally_buf *b, const char *s, size_t n);
/** Appends printf-style output (any length); as tally_buf_append, a refusal
 *  leaves the buffer full. */
void tally_buf_printf(tally_buf *b, const char *fmt, ...) TALLY_PRINTF(2, 3);
void tally_buf_vprintf(tally_buf *b, const char *fmt, va_list ap) TALLY_PRINTF(2, 0);
/** Makes room for `n` more bytes at once (a size known in advance saves the
 *  copies of growing); returns 0, or TALLY_ELIMIT past `max`. */
int tally_buf_reserve(tally_buf *b, size_t n);
/** Drops the first `n` bytes, moving the rest to the front. */
void tally_buf_consume(tally_buf *b, size_t n);
/** Whether an append was refused since the buffer was last cleared. */
static inline bool tally_buf_full(const tally_buf *b)
{
    return b->full;
}
/** TALLY_EINPUT when a writer was given a value no output format holds (a
 *  number that is NaN or infinite: JSON has none, a spreadsheet reads "nan"
 *  as text, an SVG path with it is broken) and refused it since the buffer
 *  was last cleared; else 0. Like tally_buf_full, the caller checks it once
 *  it has written, and sends an error instead of the buffer. */
static inline int tally_buf_err(const tally_buf *b)
{
    return b->err;
}
/** Empties the buffer, keeping its memory; it is no longer full, nor has
 *  it refused anything. */
void tally_buf_clear(tally_buf *b);
/** Frees the memory; accepts NULL. */
void tally_buf_free(tally_buf *b);

#endif
