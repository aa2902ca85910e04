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
#include "tally/fetch.h"
#include "tally/mem.h"

enum {
    SPOOL_MEM = TALLY_INGEST_WHOLE, /* a body up to this stays in memory on its way to the store */
    PIECE = 64 * 1024               /* a file is hashed this much at a time */
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

/* A claim or an event extracted apart from the store, held until the
 * writer stores it: its strings copied into the document's arena. */
struct held {
    bool is_event;
    tally_claim claim;
    tally_event event;
    const char *text; /* the figure or trigger as written */
    struct held *next;
};

/* A document on its way into the store: its input, its identity and, when
 * it was extracted apart (tally_ingest_extract), what extraction made. */
struct tally_ingest_doc {
    tally_ingest_input in; /* its strings and bytes are `own`'s when held apart */
    char *own[8];
    char *url_outlet; /* the outlet its URL's host stands for, when it names none */
    bool apart;       /* read by tally_ingest_read: the input is the doc's own */
    bool later;       /* its file is read when identified (tally_ingest_read_later) */
    tally_doc_mem doc;
    char *head;
    bool stream;    /* the body is read from in.file again, a piece at a time */
    bool from_file; /* `head` holds the file's bytes (head_len; all when head_whole) */
    bool head_whole;
    size_t head_len;
    bool identified; /* identify has run */
    tally_doc_meta meta;
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    char *key;
    int rc; /* identity's: an error here is reported when the document is stored */
    tally_err err;
    tally_date date;
    const char *stated; /* the date as text, or NULL */
    char date_text[16];
    /* extraction: into the store (`s` set), or held (`s` NULL) */
    tally_store *s;
    int64_t doc_id;
    spool body;
    tally_arena *arena; /* the blocks' claims: reset after each */
    size_t claims, events;
    tally_extract_opts opts; /* the caller's, with events coded too */
    tally_extractor *x;
    bool extracted; /* held apart: `held`, `x_rc`, `x_err`, stats below */
    int x_rc;
    tally_err x_err;
    tally_arena *keep; /* the held claims and events, and their strings */
    struct held *first, **last;
    size_t invalid_utf8, cut_sentences;
};

static const char *keep_str(tally_arena *a, const char *s)
{
    return s != NULL ? tally_arena_strndup(a, s, strlen(s)) : NULL;
}

static struct held *hold(struct tally_ingest_doc *c, const char *text, size_t len)
{
    struct held *h = tally_arena_alloc(c->keep, sizeof *h);
    memset(h, 0, sizeof *h);
    h->text = tally_arena_strndup(c->keep, text, len);
    *c->last = h;
    c->last = &h->next;
    return h;
}

/* Stores the events `ev` (whose texts are in ev->body), or holds them. */
static int store_events(struct tally_ingest_doc *c, const tally_events *ev, tally_err *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ev->n; i++) {
        const tally_event *e = &ev->v[i];
        if (e->start < ev->body_offset || e->end < e->start || ev->body == NULL)
            continue;
        const char *text = ev->body + (e->start - ev->body_offset);
        if (c->s == NULL) { /* checked now, as the store would: put cannot fail on it */
            rc = tally_store_event_check(e, err);
            if (rc != 0)
                break;
            struct held *h = hold(c, text, e->end - e->start);
            h->is_event = true;
            h->event = *e;
            h->event.about = keep_str(c->keep, e->about);
            h->event.source = keep_str(c->keep, e->source);
            h->event.why = NULL;
            continue;
        }
        rc = tally_store_put_event(c->s, c->doc_id, e, text, c->stated, NULL, err);
        c->events += rc == 0;
    }
    return rc;
}

/* Stores the claims `cs` (whose texts are in cs->body), or holds them. */
static int store_claims(struct tally_ingest_doc *c, const tally_claims *cs, tally_err *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < cs->n; i++) {
        const tally_claim *k = &cs->v[i];
        /* a claim's figure lies in the text given with it */
        if (k->start < cs->body_offset || k->end < k->start || cs->body == NULL)
            continue;
        const char *text = cs->body + (k->start - cs->body_offset);
        if (c->s == NULL) {
            rc = tally_store_claim_check(k, err);
            if (rc != 0)
                break;
            struct held *h = hold(c, text, k->end - k->start);
            h->claim = *k;
            h->claim.source = keep_str(c->keep, k->source);
            h->claim.learned = NULL;
            continue;
        }
        rc = tally_store_put_claim(c->s, c->doc_id, k, text, c->stated, NULL, err);
        c->claims += rc == 0;
    }
    tally_arena_reset(c->arena);
    return rc;
}

/* Stores what was held, in the order it was extracted. */
static int store_held(struct tally_ingest_doc *c, tally_err *err)
{
    int rc = 0;
    for (const struct held *h = c->first; rc == 0 && h != NULL; h = h->next) {
        if (h->is_event)
            rc = tally_store_put_event(c->s, c->doc_id, &h->event, h->text, c->stated, NULL, err);
        else
            rc = tally_store_put_claim(c->s, c->doc_id, &h->claim, h->text, c->stated, NULL, err);
        if (rc == 0 && h->is_event)
            c->events++;
        else if (rc == 0)
            c->claims++;
    }
    return rc;
}

static int on_block(const tally_block *b, void *user, tally_err *err)
{
    struct tally_ingest_doc *c = user;
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

/* The bytes of a file: whole when it is small (d->head_len of them), else
 * its first TALLY_DOC_HEAD (d->stream: the rest is read when needed). An
 * error is kept in d->rc. */
static void read_head(struct tally_ingest_doc *d)
{
    const tally_ingest_input *in = &d->in;
    /* a small file is read whole, once: holding it costs no more than a
     * block, and reading it twice would */
    d->stream = in->file != NULL && in->len > SPOOL_MEM;
    if (in->file == NULL)
        return;
    d->from_file = true;
    size_t want = d->stream ? TALLY_DOC_HEAD : in->len + 1;
    d->head = tally_xmalloc(want);
    d->head_len = fread(d->head, 1, want, in->file);
    if (ferror(in->file)) {
        d->rc = tally_err_set(&d->err, TALLY_EIO, "%s: read error", in->origin);
        return;
    }
    d->head_whole = d->head_len < want;
    d->stream = d->stream || !d->head_whole; /* it grew since its size was taken */
}

/* The bytes of a file read later (tally_ingest_read_later): whole, as
 * read_head reads a small file. An error is kept in d->rc. */
static void read_later(struct tally_ingest_doc *d)
{
    tally_ingest_input *in = &d->in;
    FILE *f = fopen(in->path, "rb");
    if (f == NULL) {
        d->rc = tally_err_set(&d->err, TALLY_EIO, "%s: %s", in->origin, strerror(errno));
        return;
    }
    in->file = f;
    read_head(d);
    in->file = NULL;
    fclose(f);
    /* it grew since its size was taken: too large to hold whole */
    if (d->rc == 0 && d->stream)
        d->rc = tally_err_set(&d->err, TALLY_EIO,
                              "%s: grew past %d bytes while it was read: ingest it again",
                              in->origin, SPOOL_MEM);
}

/* The document's identity (stage 1's part, no store): its header, the
 * hash of its content, its key and date; once, after read_head, on any
 * thread (a streamed file's with the file still open). An error is kept
 * in d->rc. */
static void identify(struct tally_ingest_doc *d)
{
    if (d->identified)
        return;
    d->identified = true;
    if (d->later)
        read_later(d);
    if (d->rc != 0)
        return;
    const tally_ingest_input *in = &d->in;
    tally_err *err = &d->err;
    if (d->from_file)
        tally_doc_head_open(&d->doc, d->head, d->head_len, d->head_whole);
    else
        tally_doc_mem_open(&d->doc, in->data, in->len);
    const tally_doc_mem *doc = &d->doc;
    d->meta = (tally_doc_meta){pick(in->meta.url, doc->url), pick(in->meta.title, doc->title),
                               pick(in->meta.outlet, doc->outlet), pick(in->meta.date, doc->date)};
    /* a URL and no outlet: the name of its host (data/outlets.tsv) */
    if (d->meta.outlet == NULL && d->meta.url != NULL)
        d->meta.outlet = d->url_outlet = tally_url_outlet(d->meta.url);

    /* the content: the metadata and the body's bytes, so that an article
     * read from a file with a header and from a feed item is one content */
    struct sha256_ctx sha;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&sha);
    hash_field(&sha, d->meta.url);
    hash_field(&sha, d->meta.title);
    hash_field(&sha, d->meta.outlet);
    hash_field(&sha, d->meta.date);
    bool blank = true;
    take(&sha, &blank, doc->body, doc->body_len);
    if (d->stream)
        d->rc = take_rest(in->file, &sha, &blank, in->origin, err);
    if (d->rc == 0 && blank)
        d->rc = tally_err_set(err, TALLY_EINPUT, "%s: empty document (no body)", in->origin);
    if (d->rc != 0)
        return;
    sha256_digest(&sha, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(d->hex + 2 * i, 3, "%02x", digest[i]);

    if (d->meta.url != NULL) {
        d->key = tally_xstrdup(d->meta.url);
    } else if (in->path != NULL) {
        char *real = realpath(in->path, NULL);
        const char *p = real != NULL ? real : in->path;
        d->key = tally_xmalloc(strlen(p) + 6);
        sprintf(d->key, "file:%s", p);
        free(real);
    } else {
        d->key = tally_xmalloc(sizeof d->hex + 7);
        sprintf(d->key, "sha256:%s", d->hex);
    }

    if (d->meta.date != NULL && tally_date_parse(d->meta.date, strlen(d->meta.date), &d->date) == 0)
        d->stated = tally_date_format(d->date, d->date_text);
    else if (in->date != NULL && tally_date_parse(in->date, strlen(in->date), &d->date) == 0)
        d->stated = tally_date_format(d->date, d->date_text);
}

/* Decodes the body and extracts its claims and events: into the store
 * (d->s set, inside the document's savepoint), or held (d->s NULL). The
 * body is spooled either way. Returns 0, or an error naming the input. */
static int extract(struct tally_ingest_doc *d, tally_err *err)
{
    const tally_ingest_input *in = &d->in;
    tally_buf_init(&d->body.mem, SPOOL_MEM);
    d->body.origin = in->origin;
    d->arena = tally_arena_new();
    if (in->extract != NULL)
        d->opts = *in->extract;
    d->opts.events = !in->no_events;
    d->x = tally_extractor_open(d->date, &d->meta, &d->opts);
    tally_doc_opts opts = {.format = in->format};
    tally_doc_handler hd = {.on_block = on_block, .user = d};
    tally_doc_stats stats = {0};
    tally_err e = {0};
    const char *name = in->path != NULL ? in->path : in->name;
    int rc;
    if (!d->stream)
        rc = tally_doc_mem_read(&d->doc, name, &opts, &hd, &stats, &e);
    else if (fseek(in->file, 0, SEEK_SET) != 0)
        rc = tally_err_set(&e, TALLY_EIO, "cannot read it again: %s", strerror(errno));
    else
        rc = tally_doc_read(in->file, name, &opts, &hd, &stats, &e);
    for (bool more = rc == 0; more;) { /* the claims held back to the end */
        tally_claims cs;
        more = tally_extract_finish(d->x, &cs, d->arena);
        rc = store_events(d, &cs.events, &e);
        if (rc == 0)
            rc = store_claims(d, &cs, &e);
        more = more && rc == 0;
    }
    d->invalid_utf8 = stats.invalid_utf8;
    d->cut_sentences = tally_extractor_cut_sentences(d->x);
    tally_extractor_free(d->x);
    d->x = NULL;
    tally_arena_free(d->arena);
    d->arena = NULL;
    if (rc != 0)
        tally_err_set(err, rc, "%s: %s", in->origin, e.msg[0] != '\0' ? e.msg : tally_err_name(rc));
    return rc;
}

static char *own(struct tally_ingest_doc *d, size_t i, const char *s)
{
    return s != NULL ? (d->own[i] = tally_xstrdup(s)) : NULL;
}

/* A document of its own copy of `in`'s strings and options. */
static struct tally_ingest_doc *doc_apart(const tally_ingest_input *in)
{
    struct tally_ingest_doc *d = tally_xcalloc(1, sizeof *d);
    d->apart = true;
    d->in = *in;
    d->in.file = NULL;
    d->in.name = own(d, 0, in->name);
    d->in.origin = own(d, 1, in->origin);
    d->in.path = own(d, 2, in->path);
    d->in.meta = (tally_doc_meta){own(d, 3, in->meta.url), own(d, 4, in->meta.title),
                                  own(d, 5, in->meta.outlet), own(d, 6, in->meta.date)};
    d->in.date = own(d, 7, in->date);
    if (in->extract != NULL) {
        d->opts = *in->extract;
        d->in.extract = &d->opts;
    }
    return d;
}

tally_ingest_doc *tally_ingest_read_later(const tally_ingest_input *in)
{
    struct tally_ingest_doc *d = doc_apart(in);
    d->in.data = NULL;
    d->in.file = NULL;
    d->later = true;
    return d;
}

tally_ingest_doc *tally_ingest_read(const tally_ingest_input *in)
{
    struct tally_ingest_doc *d = doc_apart(in);
    if (in->file == NULL) {
        char *data = tally_xmalloc(in->len + 1);
        memcpy(data, in->data, in->len);
        d->in.data = d->head = data;
    } else {
        d->in.file = in->file;
    }
    read_head(d);
    if (d->stream) { /* the file is read again when stored: it stays the caller's */
        identify(d);
        return d;
    }
    d->in.file = NULL;
    return d;
}

bool tally_ingest_borrows(const tally_ingest_doc *d)
{
    return d->stream;
}

void tally_ingest_identify(tally_ingest_doc *d)
{
    identify(d);
}

const char *tally_ingest_key(const tally_ingest_doc *d)
{
    return d->identified && d->rc == 0 ? d->key : NULL;
}

const char *tally_ingest_hash(const tally_ingest_doc *d)
{
    return d->identified && d->rc == 0 ? d->hex : NULL;
}

void tally_ingest_extract(tally_ingest_doc *d, tally_store *hint)
{
    identify(d);
    if (d->rc != 0 || d->stream || d->extracted)
        return;
    /* a document stored already costs its identity only: when stored, its
     * status is asked again (the hint may be stale) */
    tally_doc_status st;
    tally_err e = {0};
    if (hint != NULL && tally_store_doc_status(hint, d->key, d->hex, &st, &e) == 0 &&
        st == TALLY_DOC_UNCHANGED)
        return;
    d->opts.threads = 1; /* the pool's workers are the parallelism */
    d->keep = tally_arena_new();
    d->last = &d->first;
    d->x_rc = extract(d, &d->x_err);
    d->extracted = true;
}

int tally_ingest_put(tally_store *s, tally_ingest_doc *d, tally_ingest_result *out, tally_err *err)
{
    memset(out, 0, sizeof *out);
    identify(d);
    if (d->rc != 0) {
        *err = d->err;
        return d->rc;
    }
    int rc = tally_store_doc_status(s, d->key, d->hex, &out->status, err);
    if (rc != 0 || out->status == TALLY_DOC_UNCHANGED)
        return rc;
    if (d->extracted && d->x_rc != 0) {
        *err = d->x_err;
        return d->x_rc;
    }
    /* A document extracted apart whose body stayed in memory cannot fail
     * on its input any more (its claims and events were checked as they
     * were held): only the store can fail, and then the transaction is
     * rolled back whole. It needs no savepoint, whose journal would copy
     * every page the document changes. */
    bool savepoint = !d->extracted || d->body.file != NULL;
    rc = savepoint ? tally_store_savepoint(s, err) : 0;
    if (rc != 0)
        return rc;
    tally_store_doc sd = {.key = d->key,
                          .name = d->in.name,
                          .url = d->meta.url,
                          .title = d->meta.title,
                          .outlet = d->meta.outlet,
                          .date = d->stated,
                          .origin = d->in.origin,
                          .hash = d->hex};
    /* a body extracted apart and held in memory goes in with its row, not
     * by a second write of it */
    bool body_now = d->extracted && d->body.file == NULL;
    if (body_now) {
        sd.body = d->body.mem.ptr;
        sd.body_len = d->body.len;
    }
    rc = tally_store_put_doc(s, &sd, &d->doc_id, err);
    d->s = s;
    if (rc == 0 && d->extracted)
        rc = store_held(d, err);
    else if (rc == 0) /* not extracted yet: extracted into the store now */
        rc = extract(d, err);
    if (rc == 0 && !body_now && d->body.file == NULL) /* in memory: in one piece */
        rc = tally_store_set_body(s, d->doc_id, d->body.mem.ptr, d->body.len, err);
    else if (rc == 0 && !body_now)
        rc = tally_store_set_body_from(s, d->doc_id, d->body.len, spool_read, &d->body, err);
    if (rc == 0 && savepoint)
        rc = tally_store_release(s, err);
    if (rc != 0 && savepoint)
        tally_store_rollback_to(s);
    else if (rc != 0) /* part of it is in the transaction */
        rc = err->code = TALLY_ESTORE;
    if (rc != 0)
        return rc;
    out->claims = d->claims;
    out->events = d->events;
    out->invalid_utf8 = d->invalid_utf8;
    out->cut_sentences = d->cut_sentences;
    return 0;
}

const char *tally_ingest_origin(const tally_ingest_doc *d)
{
    return d->in.origin;
}

void tally_ingest_free(tally_ingest_doc *d)
{
    if (d == NULL)
        return;
    spool_free(&d->body);
    tally_arena_free(d->keep);
    free(d->key);
    free(d->url_outlet);
    tally_doc_mem_close(&d->doc);
    free(d->head);
    if (d->apart)
        for (size_t i = 0; i < sizeof d->own / sizeof d->own[0]; i++)
            free(d->own[i]);
    free(d);
}

int tally_ingest(tally_store *s, const tally_ingest_input *in, tally_ingest_result *out,
                 tally_err *err)
{
    struct tally_ingest_doc *d = tally_xcalloc(1, sizeof *d);
    d->in = *in;
    read_head(d);
    identify(d);
    int rc = tally_ingest_put(s, d, out, err);
    tally_ingest_free(d);
    return rc;
}
