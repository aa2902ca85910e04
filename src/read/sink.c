/* tally: the block sink (sink.h). Part of stage 1, read: includes the public
 * headers of base and the model, and read's own. */
#include "sink.h"

#include <string.h>

#include "tally/utf8.h"

/* A news paragraph is a few KB; a longer one (a text without line breaks,
 * a table flattened into one line) is cut. 16 KB is the learned layer's
 * window (src/extract/features.c), so what extraction holds and how long a
 * block takes stay bounded whatever the input's shape: with 1 MiB, a
 * one-line text took 11x the time of normal text per MB, and 378 MB for
 * 8 MB. */
enum { DEFAULT_MAX_BLOCK = 16 * 1024, MIN_MAX_BLOCK = 4 };

size_t tally_doc_max_block(const tally_doc_opts *opts)
{
    size_t m = opts != NULL ? opts->max_block : 0;
    if (m == 0)
        return DEFAULT_MAX_BLOCK;
    /* Four bytes hold any character, so a cut always finds a boundary. */
    return m < MIN_MAX_BLOCK ? MIN_MAX_BLOCK : m;
}

void sink_init(sink *s, size_t max_block, const tally_doc_handler *h, tally_doc_stats *stats,
               tally_err *err)
{
    max_block = tally_doc_max_block(&(tally_doc_opts){.max_block = max_block});
    tally_buf_init(&s->buf, max_block);
    s->start = 0;
    s->max = max_block;
    s->cut = false;
    s->h = h;
    s->stats = stats;
    s->err = err;
}

void sink_free(sink *s)
{
    if (s != NULL)
        tally_buf_free(&s->buf);
}

/* Hands out the first `len` pending bytes as a block. */
static int emit(sink *s, size_t len)
{
    int rc = 0;
    if (len == 0)
        goto out;
    if (s->h != NULL && s->h->on_block != NULL) {
        tally_block b = {s->buf.ptr, len, s->start};
        rc = s->h->on_block(&b, s->h->user, s->err);
    }
    s->stats->body_bytes += len;
    s->start += len;
    tally_buf_consume(&s->buf, len);
out:
    return rc;
}

static bool is_break(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Where a full block of `len` bytes is best cut: after the last sentence end
 * (. ! ? then white space) in its second half, else after its last comma
 * there, else after its last white space; 0 when there is none. A sentence
 * kept whole keeps its claims' context. */
static size_t cut_point(const char *p, size_t len)
{
    size_t comma = 0, space = 0;
    for (size_t k = len; k > 1 && (space == 0 || k > len / 2); k--) {
        if (!is_break(p[k - 1]))
            continue;
        char c = p[k - 2];
        if (k > len / 2 && (c == '.' || c == '!' || c == '?'))
            return k;
        if (comma == 0 && k > len / 2 && c == ',')
            comma = k;
        if (space == 0)
            space = k;
    }
    return comma != 0 ? comma : space;
}

/* The pending block is full and `next` is the byte that comes after it: hands
 * out the text up to the best cut (cut_point), else up to a character
 * boundary. */
static int cut(sink *s, char next)
{
    const char *p = s->buf.ptr;
    size_t len = s->buf.len, at = cut_point(p, len);
    if (at == 0)
        at = ((unsigned char)next & 0xC0) == 0x80 ? tally_utf8_boundary(p, len, len - 1) : len;
    if (!s->cut)
        s->stats->split_blocks++;
    s->cut = true;
    return emit(s, at);
}

int sink_put(sink *s, const char *text, size_t n)
{
    int rc = 0;
    while (n > 0) {
        if (s->buf.len == s->max && (rc = cut(s, text[0])) != 0)
            goto out;
        size_t take = s->max - s->buf.len;
        if (take > n)
            take = n;
        /* Within max by construction, so the append cannot fail. */
        if (tally_buf_append(&s->buf, text, take) != 0) {
            rc = tally_err_set(s->err, TALLY_ELIMIT, "block buffer overflow");
            goto out;
        }
        text += take;
        n -= take;
    }
out:
    return rc;
}

int sink_end(sink *s)
{
    s->cut = false;
    return emit(s, s->buf.len);
}

int sink_end_at(sink *s, size_t offset)
{
    size_t len = offset > s->start ? offset - s->start : 0;
    s->cut = false;
    return emit(s, len < s->buf.len ? len : s->buf.len);
}

size_t sink_offset(const sink *s)
{
    return s->start + s->buf.len;
}
