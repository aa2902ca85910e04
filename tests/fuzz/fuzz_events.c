/* Fuzz target: bytes read as a document and coded into events with the
 * bundled models (tally events). Every event must lie in the text the
 * extractor handed out with it: its sentence and trigger inside the block,
 * its parties codes or none, its type and mode named. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/doc.h"
#include "tally/event.h"
#include "tally/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

struct ctx {
    tally_extractor *x;
    tally_arena *a;
};

static void check(const tally_events *ev, size_t block_end)
{
    for (size_t i = 0; i < ev->n; i++) {
        const tally_event *e = &ev->v[i];
        if (e->sentence_start < ev->body_offset || e->sentence_end > block_end ||
            e->start < e->sentence_start || e->end > e->sentence_end || e->start > e->end)
            abort();
        if ((e->actor[0] != '\0' && !tally_party_valid(e->actor)) ||
            (e->recipient[0] != '\0' && !tally_party_valid(e->recipient)))
            abort();
        if (tally_event_type_term(e->type) == NULL || e->source == NULL)
            abort();
        if (e->mode != TALLY_EVMODE_NONE && tally_event_mode_term(e->mode) == NULL)
            abort();
    }
}

static int on_meta(const tally_doc_meta *meta, tally_format f, void *user, tally_err *err)
{
    struct ctx *c = user;
    (void)f;
    (void)err;
    tally_extract_opts o = {.events = true};
    tally_date date = {2024, 3, 1};
    tally_extractor_free(c->x);
    c->x = tally_extractor_open(date, meta, &o);
    return 0;
}

static int on_block(const tally_block *b, void *user, tally_err *err)
{
    struct ctx *c = user;
    tally_claims cs;
    int rc = tally_extract_block(c->x, b, &cs, c->a, err);
    if (rc == 0)
        check(&cs.events, b->offset + b->len);
    tally_arena_reset(c->a);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    char *copy = malloc(n + 1); /* exact size; no NUL is read */
    if (copy == NULL)
        return 0;
    memcpy(copy, d, n);
    struct ctx c = {NULL, tally_arena_new()};
    tally_doc_mem doc;
    tally_doc_mem_open(&doc, copy, n);
    tally_doc_opts opts = {0};
    tally_doc_handler h = {on_meta, on_block, &c};
    tally_doc_stats st;
    tally_err err = {0};
    if (tally_doc_mem_read(&doc, "fuzz", &opts, &h, &st, &err) != 0 && err.msg[0] == '\0')
        abort(); /* a failure says why */
    tally_doc_mem_close(&doc);
    tally_extractor_free(c.x);
    tally_arena_free(c.a);
    free(copy);
    return 0;
}
