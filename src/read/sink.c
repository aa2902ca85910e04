/* tally: the block sink (sink.h). Part of stage 1, read: includes the public
 * headers of base and the model, and read's own. */
#include "sink.h"

#include <string.h>

#include "tally/utf8.h"

enum { DEFAULT_MAX_BLOCK = 1024 * 1024, MIN_MAX_BLOCK = 4 };

void sink_init(sink *s, size_t max_block, const tally_doc_handler *h, tally_doc_stats *stats,
               tally_err *err)
{
    if (max_block == 0)
        max_block = DEFAULT_MAX_BLOCK;
    /* Four bytes hold any character, so a cut always finds a boundary. */
    if (max_block < MIN_MAX_BLOCK)
        max_block = MIN_MAX_BLOCK;
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

/* The pending block is full and `next` is the byte that comes after it: hands
 * out the text up to the last space, else up to a character boundary. */
static int cut(sink *s, char next)
{
    const char *p = s->buf.ptr;
    size_t len = s->buf.len, at = 0;
    for (size_t k = len; k > 0; k--) {
        if (is_break(p[k - 1])) {
            at = k;
            break;
        }
    }
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
