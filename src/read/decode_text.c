/* Plain text: the body bytes as they are (invalid UTF-8 replaced). A block is
 * a paragraph and the blank lines after it; a blank line holds only spaces,
 * tabs and CRs. Blank lines before the first paragraph join it.
 * Part of stage 1, read: includes the public headers of base and the model,
 * and read's own. */
#include "decode.h"

#include <stdlib.h>
#include <string.h>

#include "tally/mem.h"
#include "tally/utf8.h"

struct text_dec {
    decoder base;
    tally_utf8_dec utf8;
    sink *out;
    size_t line_start; /* body offset of the current line */
    bool line_blank;   /* the current line is blank so far */
    bool has_text;     /* the pending block holds a non-blank line */
    bool after_blank;  /* a blank line followed its last non-blank line */
};

static bool is_blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Receives validated text: finds where lines start and paragraphs end. */
static int text_out(void *user, const char *s, size_t n)
{
    struct text_dec *d = user;
    size_t start = 0, i = 0;
    int rc = 0;
    while (i < n) {
        if (!d->line_blank) {
            const char *nl = memchr(s + i, '\n', n - i);
            if (nl == NULL)
                break;
            i = (size_t)(nl - s);
        }
        char c = s[i];
        if (c == '\n') {
            if (d->line_blank && d->has_text)
                d->after_blank = true;
            d->line_blank = true;
            d->line_start = sink_offset(d->out) + (i + 1 - start);
        } else if (!is_blank_char(c) && d->line_blank) {
            d->line_blank = false;
            if (d->has_text && d->after_blank) {
                if ((rc = sink_put(d->out, s + start, i - start)) != 0)
                    goto out;
                start = i;
                if ((rc = sink_end_at(d->out, d->line_start)) != 0)
                    goto out;
                d->after_blank = false;
            }
            d->has_text = true;
        }
        i++;
    }
    rc = sink_put(d->out, s + start, n - start);
out:
    return rc;
}

static int text_feed(decoder *base, const char *raw, size_t n, tally_err *err)
{
    struct text_dec *d = (struct text_dec *)base;
    (void)err;
    return tally_utf8_feed(&d->utf8, raw, n);
}

static int text_finish(decoder *base, tally_err *err)
{
    struct text_dec *d = (struct text_dec *)base;
    (void)err;
    int rc = tally_utf8_finish(&d->utf8);
    return rc != 0 ? rc : sink_end(d->out);
}

static void text_free(decoder *base)
{
    free(base);
}

decoder *decode_text_new(const decode_args *a)
{
    struct text_dec *d = tally_xcalloc(1, sizeof *d);
    d->base.feed = text_feed;
    d->base.finish = text_finish;
    d->base.free = text_free;
    d->out = a->out;
    d->line_blank = true;
    tally_utf8_init(&d->utf8, text_out, d, &a->out->stats->invalid_utf8);
    d->utf8.nul_invalid = true;
    return &d->base;
}
