/* tally: the shared body of the document fuzz targets (fuzz_header, fuzz_html,
 * fuzz_md): reads the input through tally_doc_read in one format and checks
 * that the blocks tile the decoded body and are valid UTF-8. */
#ifndef TALLY_FUZZ_DOC_H
#define TALLY_FUZZ_DOC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/doc.h"
#include "tally/utf8.h"

struct fuzz_doc {
    size_t next; /* where the next block must start */
    size_t blocks;
    int metas;
};

static int fuzz_doc_discard(void *user, const char *s, size_t n)
{
    (void)user, (void)s, (void)n;
    return 0;
}

static int fuzz_doc_meta(const tally_doc_meta *m, tally_format f, void *user, tally_err *err)
{
    struct fuzz_doc *c = user;
    (void)err;
    c->metas++;
    if (f == TALLY_FORMAT_AUTO)
        abort();
    /* Each value is a NUL-terminated string, valid UTF-8. */
    const char *values[] = {m->url, m->title, m->outlet, m->date};
    for (size_t i = 0; i < 4; i++) {
        if (values[i] == NULL)
            continue;
        size_t invalid = 0;
        tally_utf8_dec d;
        tally_utf8_init(&d, fuzz_doc_discard, NULL, &invalid);
        if (tally_utf8_feed(&d, values[i], strlen(values[i])) != 0 || tally_utf8_finish(&d) != 0 ||
            invalid != 0 || values[i][0] == '\0')
            abort();
    }
    return 0;
}

static int fuzz_doc_block(const tally_block *b, void *user, tally_err *err)
{
    struct fuzz_doc *c = user;
    (void)err;
    if (b->offset != c->next || b->len == 0 || b->len > FUZZ_DOC_MAX_BLOCK)
        abort();
    size_t invalid = 0;
    tally_utf8_dec d;
    tally_utf8_init(&d, fuzz_doc_discard, NULL, &invalid);
    d.nul_invalid = true;
    if (tally_utf8_feed(&d, b->text, b->len) != 0 || tally_utf8_finish(&d) != 0 || invalid != 0)
        abort();
    c->next += b->len;
    c->blocks++;
    return 0;
}

/* Reads `n` bytes as a document of `format`; aborts on a broken invariant. */
static int fuzz_doc_run(const uint8_t *data, size_t n, tally_format format)
{
    /* An exact-size copy, so that ASan sees any read past the end. */
    char *buf = malloc(n > 0 ? n : 1);
    if (buf == NULL)
        abort();
    if (n > 0)
        memcpy(buf, data, n);
    FILE *in = n > 0 ? fmemopen(buf, n, "rb") : fopen("/dev/null", "rb");
    if (in == NULL)
        abort();
    struct fuzz_doc c = {0, 0, 0};
    tally_doc_opts opts = {format, FUZZ_DOC_MAX_BLOCK};
    tally_doc_handler h = {fuzz_doc_meta, fuzz_doc_block, &c};
    tally_doc_stats st;
    tally_err err = {0, {0}};
    int rc = tally_doc_read(in, NULL, &opts, &h, &st, &err);
    fclose(in);
    free(buf);
    if (rc == 0 && (c.metas != 1 || st.body_bytes != c.next || st.raw_bytes != n))
        abort();
    if (rc != 0 && (rc != TALLY_EINPUT || !st.binary || memchr(data, 0, n) == NULL))
        abort();
    return 0;
}

#endif
