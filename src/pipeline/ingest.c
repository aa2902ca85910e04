/* tally: the pipeline's ingest: one document read (stage 1), its claims
 * extracted (stage 2) and stored (stage 3). The document's identity (the
 * header's metadata and a hash of the body's bytes) is decided before any
 * work: an unchanged document costs a header parse and a hash.
 *
 * Memory is a constant plus the largest paragraph (a block: at most 1 MiB),
 * whatever the document's size (issue 13). Bytes in memory (a feed's item,
 * a file up to 1 MiB) are read once, the header parsed once; a larger file
 * is read a piece at a time, twice: once for its identity, once to decode
 * it (tally_doc_read), since an unchanged document must cost no decoding.
 * Events (../shared/docs/EVENTS.md) come out of the same pass, block by
 * block, and are stored beside the claims with the same provenance.
 * The decoded body goes to the database through a spool (memory up to
 * SPOOL_MEM, then a temporary file) and the store's incremental I/O.
 * Part of the pipeline: includes the public headers of every stage up to the
 * store, and its own. */
/* realpath is X/Open */
#define _XOPEN_SOURCE 700

#include "tally/ingest.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/ascii.h"
#include "tally/doc.h"
#include "tally/extract.h"
#include "tally/mem.h"

enum {
    SPOOL_MEM = 1 << 20, /* a body up to this stays in memory on its way to the store */
    PIECE = 64 * 1024    /* a file is hashed this much at a time */
};

/* The decoded body on its way to the store: in memory up to SPOOL_MEM
 * bytes, past that in a temporary file (the store reads it back a piece at a
 * time with spool_read). */
typedef struct spool {
    tally_buf mem;
    FILE *file; /* NULL until the body outgrows `mem` */
    size_t len; /* bytes held */
    size_t at;  /* bytes read back */
    const char *origin;
} spool;

static int spool_put(spool *sp, const char *s, size_t n, tally_err *err)
{
    if (sp->file == NULL && n <= SPOOL_MEM - sp->mem.len) {
        if (tally_buf_append(&sp->mem, s, n) == 0) {
            sp->len += n;
            return 0;
        }
    }
    if (sp->file == NULL) {
        sp->file = tmpfile();
        if (sp->file == NULL)
            return tally_err_set(err, TALLY_EIO, "%s: cannot make a temporary file: %s", sp->origin,
                                 strerror(errno));
        if (sp->mem.len > 0 && fwrite(sp->mem.ptr, 1, sp->mem.len, sp->file) != sp->mem.len)
            return tally_err_set(err, TALLY_EIO, "%s: writing a temporary file: %s", sp->origin,
                                 strerror(errno));
        tally_buf_free(&sp->mem);
    }
    if (n > 0 && fwrite(s, 1, n, sp->file) != n)
        return tally_err_set(err, TALLY_EIO, "%s: writing a temporary file: %s", sp->origin,
                             strerror(errno));
    sp->len += n;
    return 0;
}

/* The store's reader of the spool (tally_store_set_body_from). */
static int spool_read(void *user, char *buf, size_t n, tally_err *err)
{
    spool *sp = user;
    if (sp->file == NULL) {
        memcpy(buf, sp->mem.ptr + sp->at, n);
    } else {
        if (sp->at == 0 && fseek(sp->file, 0, SEEK_SET) != 0)
            return tally_err_set(err, TALLY_EIO, "%s: reading a temporary file: %s", sp->origin,
                                 strerror(errno));
        if (fread(buf, 1, n, sp->file) != n)
            return tally_err_set(err, TALLY_EIO, "%s: reading a temporary file", sp->origin);
    }
    sp->at += n;
    return 0;
}

static void spool_free(spool *sp)
{
    tally_buf_free(&sp->mem);
    if (sp->file != NULL)
        fclose(sp->file);
    sp->file = NULL;
}

struct ingest_ctx {
    tally_store *s;
    const tally_ingest_input *in;
    tally_date date;
    const char *stated; /* the date as text, or NULL */
    int64_t doc_id;
    spool body;
    tally_extractor *x;
    tally_arena *arena;
    size_t claims;
    size_t events;
    tally_extract_opts opts; /* the caller's, with events coded too */
};

/* Stores the events `ev` (whose texts are in ev->body). */
static int store_events(struct ingest_ctx *c, const tally_events *ev, tally_err *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ev->n; i++) {
        const tally_event *e = &ev->v[i];
        if (e->start < ev->body_offset || e->end < e->start || ev->body == NULL)
            continue;
        rc = tally_store_put_event(c->s, c->doc_id, e, ev->body + (e->start - ev->body_offset),
                                   c->stated, NULL, err);
        c->events += rc == 0;
    }
    return rc;
}

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
    int rc = spool_put(&c->body, b->text, b->len, err);
    tally_claims cs = {0};
    if (rc == 0)
        rc = tally_extract_block(c->x, b, &cs, c->arena, err);
    /* the events first: store_claims resets the arena they are in */
    if (rc == 0)
        rc = store_events(c, &cs.events, err);
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

/* The body's bytes into the hash, and whether all so far are white space. */
static void take(struct sha256_ctx *sha, bool *blank, const char *s, size_t n)
{
    sha256_update(sha, n, (const uint8_t *)s);
    for (size_t i = 0; i < n && *blank; i++)
        *blank = tally_is_space((unsigned char)s[i]);
}

/* The rest of a file's body, after its first TALLY_DOC_HEAD bytes, into
 * the hash: a piece at a time. */
static int take_rest(FILE *f, struct sha256_ctx *sha, bool *blank, const char *origin,
                     tally_err *err)
{
    char *buf = tally_xmalloc(PIECE);
    size_t n;
    while ((n = fread(buf, 1, PIECE, f)) > 0)
        take(sha, blank, buf, n);
    int rc = ferror(f) ? tally_err_set(err, TALLY_EIO, "%s: read error", origin) : 0;
    free(buf);
    return rc;
}

int tally_ingest(tally_store *s, const tally_ingest_input *in, tally_ingest_result *out,
                 tally_err *err)
{
    memset(out, 0, sizeof *out);
    /* the header: of the bytes in memory, or of the file's first read */
    tally_doc_mem doc;
    char *head = NULL;
    int rc = 0;
    /* a small file is read whole, once: holding it costs no more than a
     * block, and reading it twice would */
    bool stream = in->file != NULL && in->len > SPOOL_MEM;
    if (in->file != NULL) {
        size_t want = stream ? TALLY_DOC_HEAD : in->len + 1;
        head = tally_xmalloc(want);
        size_t n = fread(head, 1, want, in->file);
        if (ferror(in->file)) {
            free(head);
            return tally_err_set(err, TALLY_EIO, "%s: read error", in->origin);
        }
        stream = stream || n == want; /* it grew since its size was taken */
        tally_doc_head_open(&doc, head, n, n < want);
    } else {
        tally_doc_mem_open(&doc, in->data, in->len);
    }
    tally_doc_meta meta = {pick(in->meta.url, doc.url), pick(in->meta.title, doc.title),
                           pick(in->meta.outlet, doc.outlet), pick(in->meta.date, doc.date)};

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
    bool blank = true;
    take(&sha, &blank, doc.body, doc.body_len);
    if (stream)
        rc = take_rest(in->file, &sha, &blank, in->origin, err);
    if (rc == 0 && blank)
        rc = tally_err_set(err, TALLY_EINPUT, "%s: empty document (no body)", in->origin);
    if (rc != 0) {
        tally_doc_mem_close(&doc);
        free(head);
        return rc;
    }
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

    rc = tally_store_doc_status(s, key, hex, &out->status, err);
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
        tally_buf_init(&c.body.mem, SPOOL_MEM);
        c.body.origin = in->origin;
        c.arena = tally_arena_new();
        if (in->extract != NULL)
            c.opts = *in->extract;
        c.opts.events = !in->no_events;
        c.x = tally_extractor_open(c.date, &meta, &c.opts);
        tally_doc_opts opts = {.format = in->format};
        tally_doc_handler hd = {.on_block = on_block, .user = &c};
        tally_doc_stats stats;
        tally_err e = {0};
        const char *name = in->path != NULL ? in->path : in->name;
        if (!stream)
            rc = tally_doc_mem_read(&doc, name, &opts, &hd, &stats, &e);
        else if (fseek(in->file, 0, SEEK_SET) != 0)
            rc = tally_err_set(&e, TALLY_EIO, "cannot read it again: %s", strerror(errno));
        else
            rc = tally_doc_read(in->file, name, &opts, &hd, &stats, &e);
        for (bool more = rc == 0; more;) { /* the claims held back to the end */
            tally_claims cs;
            more = tally_extract_finish(c.x, &cs, c.arena);
            rc = store_events(&c, &cs.events, &e);
            if (rc == 0)
                rc = store_claims(&c, &cs, &e);
            more = more && rc == 0;
        }
        out->invalid_utf8 = stats.invalid_utf8;
        if (rc != 0)
            tally_err_set(err, rc, "%s: %s", in->origin,
                          e.msg[0] != '\0' ? e.msg : tally_err_name(rc));
        if (rc == 0 && c.body.file == NULL) /* it stayed in memory: in one piece */
            rc = tally_store_set_body(s, c.doc_id, c.body.mem.ptr, c.body.len, err);
        else if (rc == 0)
            rc = tally_store_set_body_from(s, c.doc_id, c.body.len, spool_read, &c.body, err);
        out->cut_sentences = tally_extractor_cut_sentences(c.x);
        tally_extractor_free(c.x);
        tally_arena_free(c.arena);
        spool_free(&c.body);
    }
    if (rc == 0)
        rc = tally_store_release(s, err);
    if (rc != 0)
        tally_store_rollback_to(s);
    else {
        out->claims = c.claims;
        out->events = c.events;
    }
done:
    free(key);
    tally_doc_mem_close(&doc);
    free(head);
    return rc;
}
