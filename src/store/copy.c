/* tally: copying a whole database into another (tally copy), between
 * backends or within one, through the store's own API: each document with
 * its body, claims and events, so that the copy holds what the original
 * does with the same provenance; then the web's tables (web.c). A
 * document the target already holds (its key and content hash) is left as
 * it is: copying again changes nothing.
 * Part of stage 3, the store: includes the public headers of base, the model,
 * read and extract, and the store's own. */
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/mem.h"

/* documents a transaction of the target */
enum { BATCH = 200 };

typedef struct copy_run {
    tally_store *from, *to;
    tally_copy_stats *st;
    int64_t doc_id, to_id; /* the document being copied: its id in each */
    tally_buf body;
    size_t in_batch;
    tally_err *err;
} copy_run;

static int copy_claim(const tally_claim_row *r, void *user)
{
    copy_run *c = user;
    if (r->doc_id != c->doc_id)
        return 0; /* another document of the same name */
    tally_claim claim = r->claim;
    /* the source as written, with its detail: stored again as it was */
    char source[2 * SOURCE_NAME_MAX + 4];
    if (r->source_detail != NULL && r->source_detail[0] != '\0') {
        snprintf(source, sizeof source, "%s (%s)", claim.source != NULL ? claim.source : "author",
                 r->source_detail);
        claim.source = source;
    }
    int rc = tally_store_put_claim(c->to, c->to_id, &claim, r->text, r->stated, r->note, c->err);
    if (rc == 0)
        c->st->claims++;
    return rc;
}

static int copy_event(const tally_event_row *r, void *user)
{
    copy_run *c = user;
    if (r->doc_id != c->doc_id)
        return 0;
    int rc = tally_store_put_event(c->to, c->to_id, &r->event, r->text, r->stated, r->note, c->err);
    if (rc == 0)
        c->st->events++;
    return rc;
}

static int copy_doc(const tally_doc_row *r, void *user)
{
    copy_run *c = user;
    tally_doc_status status;
    int rc = tally_store_doc_status(c->to, r->key, r->hash, &status, c->err);
    if (rc != 0)
        return rc;
    if (status == TALLY_DOC_UNCHANGED) {
        c->st->unchanged++;
        return 0;
    }
    if (c->in_batch == 0 && (rc = tally_store_begin(c->to, c->err)) != 0)
        return rc;
    rc = tally_store_body(c->from, r->id, &c->body, c->err);
    tally_store_doc d = {
        .key = r->key,
        .name = r->name,
        .url = r->url,
        .title = r->title,
        .outlet = r->outlet,
        .date = r->date,
        .origin = r->origin,
        .hash = r->hash,
        .body = c->body.ptr,
        .body_len = c->body.len,
        .curated = r->curated,
    };
    c->doc_id = r->id;
    if (rc == 0)
        rc = tally_store_put_doc(c->to, &d, &c->to_id, c->err);
    tally_claim_filter cf = {.doc = r->key};
    if (rc == 0)
        rc = tally_store_claims(c->from, &cf, copy_claim, c, c->err);
    tally_event_filter ef = {.doc = r->key};
    if (rc == 0)
        rc = tally_store_events(c->from, &ef, copy_event, c, c->err);
    if (rc == 0) {
        c->st->documents++;
        if (++c->in_batch == BATCH) {
            c->in_batch = 0;
            rc = tally_store_commit(c->to, c->err);
        }
    }
    return rc;
}

/* A source of the copy's origin, added to its destination with its kind as
 * stored: a source's kind is decided by the first claim that names it, so
 * the claims, copied in another order, must not decide it again. */
static int copy_source(const tally_source_row *r, void *user)
{
    copy_run *c = user;
    return tally_store_put_source(c->to, r->name, r->country, r->kind, c->err) != 0 ? -1 : 0;
}

int tally_store_copy(tally_store *from, tally_store *to, tally_copy_stats *st, tally_err *err)
{
    memset(st, 0, sizeof *st);
    copy_run c = {.from = from, .to = to, .st = st, .err = err};
    tally_buf_init(&c.body, (size_t)1 << 30);
    int rc = tally_store_sources(from, copy_source, &c, err);
    if (rc != 0 && err->code != 0)
        rc = err->code;
    if (rc == 0)
        rc = tally_store_docs(from, copy_doc, &c, err);
    if (rc == 0 && c.in_batch > 0)
        rc = tally_store_commit(to, err);
    if (rc != 0) {
        /* the batch that failed is undone; those before it stay */
        tally_store_rollback(to);
        st->documents -= c.in_batch;
    }
    if (rc == 0)
        rc = store_copy_web(from, to, st, err);
    if (rc == 0 && st->claims > 0)
        rc = tally_store_analyze(to, err);
    tally_buf_free(&c.body);
    return rc;
}
