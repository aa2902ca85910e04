/* tally: the pipeline's ingest: one document read (stage 1), its claims
 * extracted (stage 2) and stored (stage 3). The bytes are in memory and read
 * once: the header is parsed once (tally_doc_mem_open), decides the
 * document's identity before any work (an unchanged document costs a header
 * parse and a hash), and the body is decoded from the same bytes.
 * Part of the pipeline: includes the public headers of every stage up to the
 * store, and its own. */
/* realpath is X/Open */
#define _XOPEN_SOURCE 700

#include "tally/ingest.h"

#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/ascii.h"
#include "tally/doc.h"
#include "tally/extract.h"
#include "tally/mem.h"

/* Bodies up to 2 GiB: SQLite's limit for one value is 1e9 bytes by default,
 * which is what fails first. */
#define BODY_MAX ((size_t)1 << 31)

struct ingest_ctx {
    tally_store *s;
    const tally_ingest_input *in;
    tally_date date;
    const char *stated; /* the date as text, or NULL */
    int64_t doc_id;
    tally_buf body;
    tally_extractor *x;
    tally_arena *arena;
    size_t claims;
};

/* Stores the claims `cs` (whose texts are in cs->body). */
static int store_claims(struct ingest_ctx *c, const tally_claims *cs, tally_err *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < cs->n; i++) {
        const tally_claim *k = &cs->v[i];
        /* a claim's figure lies in the text given with it */
        if (k->start < cs->body_offset || k->end < k->start || cs->body == NULL)
            continue;
        rc = tally_store_put_claim(c->s, c->doc_id, k, cs->body + (k->start - cs->body_offset),
                                   c->stated, NULL, err);
        c->claims += rc == 0;
    }
    tally_arena_reset(c->arena);
    return rc;
}

static int on_block(const tally_block *b, void *user, tally_err *err)
{
    struct ingest_ctx *c = user;
    if (tally_buf_append(&c->body, b->text, b->len) != 0)
        return tally_err_set(err, TALLY_ELIMIT, "%s: body larger than %zu bytes", c->in->origin,
                             BODY_MAX);
    tally_claims cs;
    int rc = tally_extract_block(c->x, b, &cs, c->arena, err);
    if (rc == 0)
        rc = store_claims(c, &cs, err);
    return rc;
}

char *tally_url_name(const char *url)
{
    const char *p = strstr(url, "://");
    p = p != NULL ? p + 3 : url;
    size_t end = strcspn(p, "?#");
    while (end > 0 && p[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && p[start - 1] != '/')
        start--;
    char *seg = tally_xstrndup(p + start, end - start);
    char *dot = strrchr(seg, '.');
    /* "story.html" -> "story"; a host ("example.org") keeps its dots */
    if (start > 0 && dot != NULL && dot != seg)
        *dot = '\0';
    if (seg[0] == '\0') {
        free(seg);
        seg = tally_xstrdup("document");
    }
    return seg;
}

/* A metadata value: the one given, else the header's; "unknown" (what
 * annotators write for a missing field) is no value. */
static const char *pick(const char *given, const char *from_header)
{
    const char *v = given != NULL && given[0] != '\0' ? given : from_header;
    return v != NULL && strcmp(v, "unknown") != 0 ? v : NULL;
}

static void hash_field(struct sha256_ctx *h, const char *s)
{
    /* each field ends with a NUL byte, so fields cannot run together */
    sha256_update(h, s != NULL ? strlen(s) + 1 : 1, (const uint8_t *)(s != NULL ? s : ""));
}

int tally_ingest(tally_store *s, const tally_ingest_input *in, tally_ingest_result *out,
                 tally_err *err)
{
    memset(out, 0, sizeof *out);
    tally_doc_mem doc;
    tally_doc_mem_open(&doc, in->data, in->len);
    tally_doc_meta meta = {pick(in->meta.url, doc.url), pick(in->meta.title, doc.title),
                           pick(in->meta.outlet, doc.outlet), pick(in->meta.date, doc.date)};
    bool blank = true;
    for (size_t i = 0; i < doc.body_len && blank; i++)
        blank = tally_is_space((unsigned char)doc.body[i]);
    if (blank) {
        tally_doc_mem_close(&doc);
        return tally_err_set(err, TALLY_EINPUT, "%s: empty document (no body)", in->origin);
    }

    /* the content: the metadata and the body's bytes, so that an article
     * read from a file with a header and from a feed item is one content */
    struct sha256_ctx sha;
    uint8_t digest[SHA256_DIGEST_SIZE];
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    sha256_init(&sha);
    hash_field(&sha, meta.url);
    hash_field(&sha, meta.title);
    hash_field(&sha, meta.outlet);
    hash_field(&sha, meta.date);
    sha256_update(&sha, doc.body_len, (const uint8_t *)doc.body);
    sha256_digest(&sha, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);

    char *key = NULL;
    if (meta.url != NULL) {
        key = tally_xstrdup(meta.url);
    } else if (in->path != NULL) {
        char *real = realpath(in->path, NULL);
        const char *p = real != NULL ? real : in->path;
        key = tally_xmalloc(strlen(p) + 6);
        sprintf(key, "file:%s", p);
        free(real);
    } else {
        key = tally_xmalloc(sizeof hex + 7);
        sprintf(key, "sha256:%s", hex);
    }

    struct ingest_ctx c = {.s = s, .in = in};
    char date_text[16];
    if (meta.date != NULL && tally_date_parse(meta.date, strlen(meta.date), &c.date) == 0)
        c.stated = tally_date_format(c.date, date_text);
    else if (in->date != NULL && tally_date_parse(in->date, strlen(in->date), &c.date) == 0)
        c.stated = tally_date_format(c.date, date_text);

    int rc = tally_store_doc_status(s, key, hex, &out->status, err);
    if (rc == 0 && out->status == TALLY_DOC_UNCHANGED)
        goto done;
    if (rc == 0)
        rc = tally_store_savepoint(s, err);
    if (rc != 0)
        goto done;
    tally_store_doc d = {.key = key,
                         .name = in->name,
                         .url = meta.url,
                         .title = meta.title,
                         .outlet = meta.outlet,
                         .date = c.stated,
                         .origin = in->origin,
                         .hash = hex};
    rc = tally_store_put_doc(s, &d, &c.doc_id, err);
    if (rc == 0) {
        tally_buf_init(&c.body, BODY_MAX);
        /* the decoded body is about as long as the raw text (U+FFFD for a
         * bad byte takes three: growing past this is still possible) */
        (void)tally_buf_reserve(&c.body, in->len < BODY_MAX ? in->len : BODY_MAX);
        c.arena = tally_arena_new();
        c.x = tally_extractor_open(c.date, &meta, in->extract);
        tally_doc_opts opts = {.format = in->format};
        tally_doc_handler hd = {.on_block = on_block, .user = &c};
        tally_doc_stats stats;
        tally_err e = {0};
        rc = tally_doc_mem_read(&doc, in->path != NULL ? in->path : in->name, &opts, &hd, &stats,
                                &e);
        if (rc == 0) { /* the claims held back to the end */
            tally_claims cs;
            tally_extract_finish(c.x, &cs, c.arena);
            rc = store_claims(&c, &cs, &e);
        }
        out->invalid_utf8 = stats.invalid_utf8;
        if (rc != 0)
            tally_err_set(err, rc, "%s: %s", in->origin,
                          e.msg[0] != '\0' ? e.msg : tally_err_name(rc));
        if (rc == 0)
            rc = tally_store_set_body(s, c.doc_id, c.body.ptr, c.body.len, err);
        tally_extractor_free(c.x);
        tally_arena_free(c.arena);
        tally_buf_free(&c.body);
    }
    if (rc == 0)
        rc = tally_store_release(s, err);
    if (rc != 0)
        tally_store_rollback_to(s);
    else
        out->claims = c.claims;
done:
    free(key);
    tally_doc_mem_close(&doc);
    return rc;
}
