/* tally: allocation, arenas, buffers and reading whole files
 * (include/tally/mem.h). Part of base: includes only the C library and base's
 * own headers. */
#include "tally/mem.h"

#include <errno.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/err.h"

static void *oom(size_t n)
{
    fprintf(stderr, "tally: error: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *tally_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    return p ? p : oom(n);
}

void *tally_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : oom(n * size);
}

void *tally_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    return q ? q : oom(n);
}

char *tally_xstrdup(const char *s)
{
    return tally_xstrndup(s, strlen(s));
}

char *tally_xstrndup(const char *s, size_t n)
{
    char *d = tally_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Arena blocks: a header followed by the usable bytes. */
struct block {
    struct block *next;
    size_t size;
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

struct tally_arena {
    struct block *head;
};

enum { ARENA_BLOCK = 64 * 1024 };

static struct block *block_new(size_t size, struct block *next)
{
    struct block *b = tally_xmalloc(sizeof *b + size);
    b->next = next;
    b->size = size;
    b->used = 0;
    return b;
}

tally_arena *tally_arena_new(void)
{
    tally_arena *a = tally_xmalloc(sizeof *a);
    a->head = block_new(ARENA_BLOCK, NULL);
    return a;
}

void *tally_arena_alloc(tally_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    size_t need = (n + align - 1) / align * align;
    if (need < n)
        return oom(n);
    struct block *b = a->head;
    if (b->size - b->used < need) {
        size_t size = need > ARENA_BLOCK ? need : ARENA_BLOCK;
        b = block_new(size, a->head);
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    return p;
}

char *tally_arena_strndup(tally_arena *a, const char *s, size_t n)
{
    char *d = tally_arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void tally_arena_reset(tally_arena *a)
{
    struct block *b = a->head;
    while (b->next != NULL) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    b->used = 0;
    a->head = b;
}

void tally_arena_rewind(tally_arena *a)
{
    struct block *b = a->head;
    if (b->next == NULL) {
        b->used = 0;
        return;
    }
    size_t total = 0;
    while (b != NULL) {
        struct block *next = b->next;
        total += b->size;
        free(b);
        b = next;
    }
    a->head = block_new(total, NULL);
}

void tally_arena_free(tally_arena *a)
{
    if (a == NULL)
        return;
    struct block *b = a->head;
    while (b != NULL) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void tally_buf_init(tally_buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->full = false;
    b->err = 0;
}

int tally_buf_append(tally_buf *b, const char *s, size_t n)
{
    if (b->full || n > b->max || b->len > b->max - n) {
        b->full = true;
        return TALLY_ELIMIT;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->ptr = tally_xrealloc(b->ptr, cap);
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->ptr + b->len, s, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return 0;
}

void tally_buf_vprintf(tally_buf *b, const char *fmt, va_list ap)
{
    char small[512];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= 0 && (size_t)n < sizeof small) {
        (void)tally_buf_append(b, small, (size_t)n);
    } else if (n >= 0) {
        char *big = tally_xmalloc((size_t)n + 1);
        vsnprintf(big, (size_t)n + 1, fmt, again);
        (void)tally_buf_append(b, big, (size_t)n);
        free(big);
    }
    va_end(again);
}

void tally_buf_printf(tally_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tally_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

int tally_buf_reserve(tally_buf *b, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return TALLY_ELIMIT;
    if (b->len + n + 1 > b->cap) {
        b->ptr = tally_xrealloc(b->ptr, b->len + n + 1);
        b->cap = b->len + n + 1;
    }
    return 0;
}

void tally_buf_consume(tally_buf *b, size_t n)
{
    if (n >= b->len) {
        tally_buf_clear(b);
        return;
    }
    memmove(b->ptr, b->ptr + n, b->len - n);
    b->len -= n;
    b->ptr[b->len] = '\0';
}

void tally_buf_clear(tally_buf *b)
{
    b->len = 0;
    b->full = false;
    b->err = 0;
    if (b->ptr != NULL)
        b->ptr[0] = '\0';
}

void tally_buf_free(tally_buf *b)
{
    if (b == NULL)
        return;
    free(b->ptr);
    tally_buf_init(b, b->max);
}

char *tally_slurp(FILE *f, size_t max, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = tally_xmalloc(cap);
    for (;;) {
        if (n + 1 == cap) {
            if (cap > max) {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            cap *= 2;
            buf = tally_xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f) || n > max) {
        free(buf);
        errno = n > max ? EFBIG : EIO;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *tally_slurp_path(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = tally_slurp(f, max, len);
    int saved = errno;
    fclose(f);
    errno = saved;
    return buf;
}
