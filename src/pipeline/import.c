/* tally: importing curated records (the pipeline): one CSV row per original
 * assertion, in the columns of the project's public record (claims) or of
 * its relations record (events, ../shared/docs/EVENTS.md); the header says
 * which. The rows of one URL make one curated document, so importing a file
 * again changes nothing and a corrected row replaces that URL's claims or
 * events.
 * Part of the pipeline: includes the public headers of every stage up to the
 * store, and its own. */
#include "tally/import.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/actor.h"
#include "tally/fetch.h"
#include "tally/ingest.h"
#include "tally/mem.h"
#include "tally/when.h"

/* A file is read this much at a time. */
enum { PIECE = 64 * 1024 };

/* The most columns a kind of record has. */
enum { MAX_COLUMNS = 20 };

/* The columns of claims, in the order of data/public-record.csv. */
enum {
    C_DATE_STATED,
    C_SOURCE,
    C_SOURCE_COUNTRY,
    C_SUPPLIER,
    C_RECIPIENT,
    C_KIND,
    C_ITEM,
    C_CALIBER_MM,
    C_UNIT,
    C_LOW,
    C_HIGH,
    C_QUALIFIER,
    C_SINCE,
    C_AS_OF,
    C_URL,
    C_NOTE,  /* optional */
    C_QUOTE, /* optional, never stored: wording is not ours to keep */
    C_PER,   /* optional: the period of a rate (day, month, year), empty for a total */
    N_COLUMNS
};
static const char *const claim_columns[N_COLUMNS] = {"date_stated", "source",     "source_country",
                                                     "supplier",    "recipient",  "kind",
                                                     "item",        "caliber_mm", "unit",
                                                     "low",         "high",       "qualifier",
                                                     "since",       "as_of",      "url",
                                                     "note",        "quote",      "per"};

/* The columns of events, in the order of data/relations.csv. */
enum {
    R_DATE,
    R_ACTOR,
    R_RECIPIENT,
    R_TYPE,
    R_MODE,
    R_CONTEXT,
    R_ABOUT,
    R_AUX,
    R_SOURCE,
    R_URL,
    R_NOTE, /* optional */
    R_COLUMNS
};
static const char *const event_columns[R_COLUMNS] = {"date",   "actor",   "recipient", "type",
                                                     "mode",   "context", "about",     "aux",
                                                     "source", "url",     "note"};

typedef struct row {
    char *f[MAX_COLUMNS]; /* NULL when empty or absent */
    size_t line;
    tally_claim claim;
    tally_event event;
} row;

struct parse;

/* A kind of curated record: its columns, and how a row is checked and
 * stored. */
typedef struct record_kind {
    const char *const *names;
    int n;
    int n_required;             /* columns [0, n_required) must be in the header */
    int url, date, note, quote; /* those columns (quote: read, never stored; -1: none) */
    const char *key_prefix;     /* of the curated document's key, before the URL */
    bool (*check)(struct parse *p, row *r); /* fills r->claim or r->event; reports */
    int (*store)(tally_store *s, int64_t doc, const row *r, tally_err *err);
} record_kind;

struct parse {
    const char *origin;
    const record_kind *kind; /* chosen by the header */
    int map[64];             /* file column -> C_*, or -1 */
    size_t n_file_columns;
    bool header_done;
    char *cur[64];
    size_t n_cur;
    size_t line;
    tally_store *s;   /* where the good rows are staged until all are read */
    tally_buf packed; /* one row, packed for the stage */
    size_t staged;
    tally_import_stats *stats;
    void (*report)(const char *msg, void *user);
    void *user;
    int fatal; /* a header problem: nothing can be read */
    tally_err *err;
};

static void reportf(struct parse *p, const char *fmt, ...) TALLY_PRINTF(2, 3);

static void reportf(struct parse *p, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p->report != NULL)
        p->report(msg, p->user);
}

static void on_field(void *s, size_t len, void *user)
{
    struct parse *p = user;
    if (p->n_cur < sizeof p->cur / sizeof p->cur[0])
        p->cur[p->n_cur] = s != NULL && len > 0 ? tally_xstrndup(s, len) : NULL;
    p->n_cur++;
}

static bool is_alpha3(const char *s)
{
    return s != NULL && strlen(s) == 3 && tally_country(s) != NULL;
}

static bool number(const char *s, double *v)
{
    if (s == NULL)
        return false;
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && isfinite(*v);
}

/* Checks a row and fills its claim; reports the first problem. */
static bool row_claim(struct parse *p, row *r)
{
    tally_claim *c = &r->claim;
    memset(c, 0, sizeof *c);
    const char *bad = NULL;
    int col = 0;
    tally_date d;
#define BAD(column, why)                                                                           \
    do {                                                                                           \
        col = (column);                                                                            \
        bad = (why);                                                                               \
        goto fail;                                                                                 \
    } while (0)
    for (int k = C_DATE_STATED; k <= C_URL; k++)
        if (r->f[k] != NULL && (k == C_DATE_STATED || k == C_SINCE || k == C_AS_OF) &&
            tally_date_parse(r->f[k], strlen(r->f[k]), &d) != 0)
            BAD(k, "is not YYYY, YYYY-MM or YYYY-MM-DD");
    if (r->f[C_DATE_STATED] == NULL)
        BAD(C_DATE_STATED, "is empty");
    if (r->f[C_URL] == NULL)
        BAD(C_URL, "is empty (every row keeps its source's URL)");
    if (r->f[C_SOURCE] == NULL)
        BAD(C_SOURCE, "is empty");
    static const int states[] = {C_SOURCE_COUNTRY, C_SUPPLIER, C_RECIPIENT};
    for (size_t i = 0; i < 3; i++)
        if (r->f[states[i]] != NULL && !is_alpha3(r->f[states[i]]))
            BAD(states[i], "is not an ISO 3166-1 alpha-3 code");
    int kind = r->f[C_KIND] != NULL ? tally_kind_parse(r->f[C_KIND]) : -1;
    if (kind < 0)
        BAD(C_KIND, "is not a kind of CLAIMS.md");
    c->kind = (tally_kind)kind;
    if (r->f[C_ITEM] == NULL)
        BAD(C_ITEM, "is empty");
    char *items = tally_xstrdup(r->f[C_ITEM]);
    bool items_ok = true;
    for (char *save = NULL, *t = strtok_r(items, ";", &save); t != NULL;
         t = strtok_r(NULL, ";", &save)) {
        int bit = tally_item_parse(t);
        if (bit < 0)
            items_ok = false;
        else
            c->items |= 1u << bit;
    }
    free(items);
    if (!items_ok || c->items == 0)
        BAD(C_ITEM, "is not a ';'-separated list of CLAIMS.md items");
    if (r->f[C_UNIT] == NULL || tally_unit_parse(r->f[C_UNIT], c) != 0)
        BAD(C_UNIT, "is not a unit of CLAIMS.md (or a currency code)");
    if (r->f[C_CALIBER_MM] != NULL && (!number(r->f[C_CALIBER_MM], &c->caliber_mm) ||
                                       c->caliber_mm <= 0 || !tally_figure_value_ok(c->caliber_mm)))
        BAD(C_CALIBER_MM, "is not a positive number");
    c->has_low = r->f[C_LOW] != NULL;
    c->has_high = r->f[C_HIGH] != NULL;
    if (c->has_low && !(number(r->f[C_LOW], &c->low) && tally_figure_value_ok(c->low)))
        BAD(C_LOW, "is not a figure (0, or a number of 1e-12 to 1e18 in size)");
    if (c->has_high && !(number(r->f[C_HIGH], &c->high) && tally_figure_value_ok(c->high)))
        BAD(C_HIGH, "is not a figure (0, or a number of 1e-12 to 1e18 in size)");
    if (!c->has_low && !c->has_high)
        BAD(C_LOW, "and high are both empty");
    int q = r->f[C_QUALIFIER] != NULL ? tally_qualifier_parse(r->f[C_QUALIFIER]) : -1;
    if (q < 0)
        BAD(C_QUALIFIER, "is not a qualifier of CLAIMS.md");
    c->qualifier = (tally_qualifier)q;
    int per = r->f[C_PER] != NULL ? tally_per_parse(r->f[C_PER]) : TALLY_PER_NONE;
    if (per < 0)
        BAD(C_PER, "is not a period of a rate (day, month or year)");
    c->per = (tally_per)per;
    /* a range with its ends swapped is kept as written: it is a source's
     * error, which tally check reports, not the file's */
    /* both were checked above */
    if (r->f[C_SINCE] != NULL && tally_date_parse(r->f[C_SINCE], strlen(r->f[C_SINCE]), &c->since))
        c->since = (tally_date){0, 0, 0};
    if (r->f[C_AS_OF] != NULL && tally_date_parse(r->f[C_AS_OF], strlen(r->f[C_AS_OF]), &c->as_of))
        c->as_of = (tally_date){0, 0, 0};
    if (r->f[C_SUPPLIER] != NULL)
        memcpy(c->supplier, r->f[C_SUPPLIER], 4);
    if (r->f[C_RECIPIENT] != NULL)
        memcpy(c->recipient, r->f[C_RECIPIENT], 4);
    if (r->f[C_SOURCE_COUNTRY] != NULL)
        memcpy(c->source_country, r->f[C_SOURCE_COUNTRY], 4);
    c->source = r->f[C_SOURCE];
    return true;
#undef BAD
fail:
    reportf(p, "%s:%zu: %s '%s' %s", p->origin, r->line, claim_columns[col],
            r->f[col] != NULL ? r->f[col] : "", bad);
    return false;
}

/* Whether `s` is a party code the store keeps: a state's alpha-3 code
 * the actor table knows, the Soviet Union, or a body's code. */
static bool is_party(const char *s)
{
    return tally_party_other(s) || (strlen(s) == 3 && tally_country(s) != NULL);
}

/* Checks a row of events and fills its event; reports the first problem. */
static bool row_event(struct parse *p, row *r)
{
    tally_event *e = &r->event;
    memset(e, 0, sizeof *e);
    const char *bad = NULL;
    int col = 0;
#define BAD(column, why)                                                                           \
    do {                                                                                           \
        col = (column);                                                                            \
        bad = (why);                                                                               \
        goto fail;                                                                                 \
    } while (0)
    const char *const *f = (const char *const *)r->f;
    if (f[R_DATE] == NULL || tally_date_parse(f[R_DATE], strlen(f[R_DATE]), &e->date) != 0)
        BAD(R_DATE, "is not YYYY, YYYY-MM or YYYY-MM-DD");
    if (f[R_URL] == NULL)
        BAD(R_URL, "is empty (every row keeps its source's URL)");
    if (f[R_ACTOR] == NULL || !is_party(f[R_ACTOR]))
        BAD(R_ACTOR, "is not a party code (alpha-3 such as PRK, SUN, UN, UNSC, UNGA, EU, NATO, "
                     "IAEA)");
    if (f[R_RECIPIENT] != NULL && !is_party(f[R_RECIPIENT]))
        BAD(R_RECIPIENT, "is not a party code (alpha-3 such as RUS, SUN, UN, UNSC, UNGA, EU, NATO, "
                         "IAEA)");
    if (f[R_TYPE] == NULL || tally_event_type_parse(f[R_TYPE], strlen(f[R_TYPE]), &e->type) != 0)
        BAD(R_TYPE, "is not a PLOVER type of EVENTS.md (AGREE, CONSULT, SUPPORT, ...)");
    if (f[R_MODE] != NULL && (tally_event_mode_parse(f[R_MODE], strlen(f[R_MODE]), &e->mode) != 0 ||
                              !(tally_event_mode_term(e->mode)->family & (1u << e->type))))
        BAD(R_MODE, "is not a mode of EVENTS.md for this type");
    for (const char *c = f[R_CONTEXT]; c != NULL && *c != '\0';) {
        size_t n = strcspn(c, ";");
        uint32_t bit = tally_event_context_bit(c, n);
        if (bit == 0)
            BAD(R_CONTEXT, "is not a ';'-separated list of PLOVER contexts");
        e->context |= bit;
        c += n + (c[n] == ';');
    }
    if (f[R_AUX] != NULL && tally_event_aux_parse(f[R_AUX], strlen(f[R_AUX]), &e->aux) != 0)
        BAD(R_AUX, "is not an auxiliary mode (historical, future, hypothetical, negation)");
    memcpy(e->actor, f[R_ACTOR], strlen(f[R_ACTOR]) + 1);
    if (f[R_RECIPIENT] != NULL)
        memcpy(e->recipient, f[R_RECIPIENT], strlen(f[R_RECIPIENT]) + 1);
    e->about = f[R_ABOUT];
    e->source = f[R_SOURCE] != NULL ? f[R_SOURCE] : "author";
    e->p = 1;
    return true;
#undef BAD
fail:
    reportf(p, "%s:%zu: %s '%s' %s", p->origin, r->line, event_columns[col],
            r->f[col] != NULL ? r->f[col] : "", bad);
    return false;
}

static int store_claim_row(tally_store *s, int64_t doc, const row *r, tally_err *err)
{
    return tally_store_put_claim(s, doc, &r->claim, NULL, r->f[C_DATE_STATED], r->f[C_NOTE], err);
}

static int store_event_row(tally_store *s, int64_t doc, const row *r, tally_err *err)
{
    return tally_store_put_event(s, doc, &r->event, NULL, r->f[R_DATE], r->f[R_NOTE], err);
}

static const record_kind kinds[] = {
    {claim_columns, N_COLUMNS, C_URL + 1, C_URL, C_DATE_STATED, C_NOTE, C_QUOTE,
     "record:", row_claim, store_claim_row},
    {event_columns, R_COLUMNS, R_URL + 1, R_URL, R_DATE, R_NOTE, -1, "relations:", row_event,
     store_event_row},
};

/* The kind of record whose columns are the header's `cur[0..n)`: the one
 * that knows the most of them (claims on a tie). */
static const record_kind *kind_of(char **cur, size_t n)
{
    const record_kind *best = &kinds[0];
    size_t best_known = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t known = 0;
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < kinds[k].n && cur[i] != NULL; c++)
                known += strcmp(cur[i], kinds[k].names[c]) == 0;
        if (known > best_known) {
            best = &kinds[k];
            best_known = known;
        }
    }
    return best;
}

static void free_fields(char **f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i]);
        f[i] = NULL;
    }
}

/* A row's fields as the stage keeps them: for each column a 32-bit length
 * (UINT32_MAX for none), then its bytes. */
static void pack_row(const row *r, tally_buf *b)
{
    tally_buf_clear(b);
    for (int k = 0; k < MAX_COLUMNS; k++) {
        uint32_t n = r->f[k] != NULL ? (uint32_t)strlen(r->f[k]) : UINT32_MAX;
        if (tally_buf_append(b, (const char *)&n, sizeof n) != 0 ||
            (n != UINT32_MAX && tally_buf_append(b, r->f[k], n) != 0))
            abort(); /* the buffer has no useful maximum: a refusal is a bug */
    }
}

/* The fields of a packed row into `r` (which owns them); false for bytes that
 * are not one. */
static bool unpack_row(const unsigned char *d, size_t len, row *r)
{
    size_t at = 0;
    for (int k = 0; k < MAX_COLUMNS; k++) {
        uint32_t n;
        if (len - at < sizeof n)
            return false;
        memcpy(&n, d + at, sizeof n);
        at += sizeof n;
        if (n == UINT32_MAX)
            continue;
        if (len - at < n)
            return false;
        r->f[k] = tally_xstrndup((const char *)d + at, n);
        at += n;
    }
    return at == len;
}

static void on_row(int c, void *user)
{
    (void)c;
    struct parse *p = user;
    p->line++;
    size_t n = p->n_cur < 64 ? p->n_cur : 64;
    p->n_cur = 0;
    if (p->fatal) {
        free_fields(p->cur, n);
        return;
    }
    if (!p->header_done) {
        p->header_done = true;
        p->n_file_columns = n;
        const record_kind *kind = p->kind = kind_of(p->cur, n);
        bool seen[MAX_COLUMNS] = {false};
        for (size_t i = 0; i < n; i++) {
            p->map[i] = -1;
            for (int k = 0; k < kind->n && p->cur[i] != NULL; k++)
                if (strcmp(p->cur[i], kind->names[k]) == 0)
                    p->map[i] = k;
            if (p->map[i] < 0) {
                p->fatal = tally_err_set(p->err, TALLY_EINPUT, "%s:1: unknown column '%s'",
                                         p->origin, p->cur[i] != NULL ? p->cur[i] : "");
                break;
            }
            if (seen[p->map[i]]) {
                p->fatal = tally_err_set(p->err, TALLY_EINPUT, "%s:1: column '%s' twice", p->origin,
                                         p->cur[i]);
                break;
            }
            seen[p->map[i]] = true;
        }
        for (int k = 0; k < kind->n_required && !p->fatal; k++)
            if (!seen[k])
                p->fatal = tally_err_set(p->err, TALLY_EINPUT, "%s:1: no column '%s'", p->origin,
                                         kind->names[k]);
        free_fields(p->cur, n);
        return;
    }
    bool blank = true;
    for (size_t i = 0; i < n; i++)
        blank = blank && p->cur[i] == NULL;
    if (blank) {
        free_fields(p->cur, n);
        return;
    }
    p->stats->rows++;
    /* optional columns (note, quote, per) may be left off the end of a row */
    bool short_ok = n < p->n_file_columns;
    for (size_t i = n; i < p->n_file_columns && short_ok; i++)
        short_ok = p->map[i] >= p->kind->n_required;
    if (n != p->n_file_columns && !short_ok) {
        reportf(p, "%s:%zu: %zu fields, the header has %zu", p->origin, p->line, n,
                p->n_file_columns);
        p->stats->failed++;
        free_fields(p->cur, n);
        return;
    }
    row r = {.line = p->line};
    for (size_t i = 0; i < n; i++) {
        int k = p->map[i];
        if (k == p->kind->quote) {
            free(p->cur[i]);
        } else {
            r.f[k] = p->cur[i];
        }
        p->cur[i] = NULL;
    }
    if (!p->kind->check(p, &r)) {
        p->stats->failed++;
        free_fields(r.f, MAX_COLUMNS);
        return;
    }
    /* staged in the database, not kept: a file of any size costs a constant */
    pack_row(&r, &p->packed);
    int rc = tally_store_stage_put(p->s, r.f[p->kind->url], (int64_t)r.line, p->packed.ptr,
                                   p->packed.len, p->err);
    if (rc != 0)
        p->fatal = rc;
    p->staged += rc == 0;
    free_fields(r.f, MAX_COLUMNS);
}

/* Stores the rows of one URL (rows[0..n)) of `kind` as one curated document. */
static int store_record(tally_store *s, const record_kind *kind, row *rows, size_t n,
                        tally_import_stats *st, tally_err *err)
{
    const char *url = rows[0].f[kind->url];
    struct sha256_ctx sha;
    uint8_t digest[SHA256_DIGEST_SIZE];
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    sha256_init(&sha);
    const char *date = rows[0].f[kind->date];
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < kind->n; k++) {
            const char *v = rows[i].f[k] != NULL ? rows[i].f[k] : "";
            sha256_update(&sha, strlen(v) + 1, (const uint8_t *)v);
        }
        if (strcmp(rows[i].f[kind->date], date) < 0)
            date = rows[i].f[kind->date];
    }
    /* the record names no outlet: its host's name in data/outlets.tsv (else
     * the host) stands for it, part of what the hash covers, so a document
     * stored with another outlet is replaced, not doubled (same key) */
    char *outlet = tally_url_outlet(url);
    if (outlet != NULL)
        sha256_update(&sha, strlen(outlet) + 1, (const uint8_t *)outlet);
    sha256_digest(&sha, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    char *key = tally_xmalloc(strlen(kind->key_prefix) + strlen(url) + 1);
    sprintf(key, "%s%s", kind->key_prefix, url);
    tally_doc_status status;
    int rc = tally_store_doc_status(s, key, hex, &status, err);
    if (rc == 0 && status != TALLY_DOC_UNCHANGED) {
        char *name = tally_url_name(url);
        tally_store_doc d = {.key = key,
                             .name = name,
                             .url = url,
                             .outlet = outlet,
                             .date = date,
                             .origin = "curated record",
                             .hash = hex,
                             .curated = true};
        int64_t id;
        rc = tally_store_put_doc(s, &d, &id, err);
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc = kind->store(s, id, &rows[i], err);
        free(name);
        if (rc == 0)
            *(kind->store == store_claim_row ? &st->claims : &st->events) += n;
    }
    if (rc == 0) {
        st->records++;
        st->new_records += status == TALLY_DOC_NEW;
        st->replaced += status == TALLY_DOC_REPLACED;
        st->unchanged += status == TALLY_DOC_UNCHANGED;
    }
    free(key);
    free(outlet);
    return rc;
}

/* The rows of one URL, read back from the stage, until the URL changes. */
struct record {
    struct parse *p;
    tally_import_stats *stats;
    tally_err *err;
    row *rows;
    size_t n, cap;
};

static int flush_record(struct record *g)
{
    int rc = g->n > 0 ? store_record(g->p->s, g->p->kind, g->rows, g->n, g->stats, g->err) : 0;
    for (size_t i = 0; i < g->n; i++)
        free_fields(g->rows[i].f, MAX_COLUMNS);
    g->n = 0;
    return rc;
}

static int on_staged(const char *url, int64_t line, const void *data, size_t len, void *user)
{
    struct record *g = user;
    if (g->n > 0 && strcmp(g->rows[0].f[g->p->kind->url], url) != 0) {
        int rc = flush_record(g);
        if (rc != 0)
            return rc;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 16;
        g->rows = tally_xrealloc(g->rows, g->cap * sizeof *g->rows);
    }
    row *r = &g->rows[g->n];
    memset(r, 0, sizeof *r);
    r->line = (size_t)line;
    if (!unpack_row(data, len, r) || !g->p->kind->check(g->p, r)) { /* checked when staged */
        free_fields(r->f, MAX_COLUMNS);
        return tally_err_set(g->err, TALLY_ESTORE, "%s:%zu: a staged row came back damaged",
                             g->p->origin, r->line);
    }
    g->n++;
    return 0;
}

/* Where the CSV's bytes come from: memory, or a file read a piece at a time. */
typedef struct csv_source {
    const char *data;
    size_t len;
    FILE *f;
} csv_source;

static int import_from(tally_store *s, const csv_source *src, const char *origin,
                       tally_import_stats *stats, void (*report)(const char *msg, void *user),
                       void *user, tally_err *err)
{
    memset(stats, 0, sizeof *stats);
    struct csv_parser cp;
    if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
        return tally_err_set(err, TALLY_ENOMEM, "%s: out of memory", origin);
    struct parse p = {
        .origin = origin, .stats = stats, .report = report, .user = user, .err = err, .s = s};
    tally_buf_init(&p.packed, SIZE_MAX / 2);
    /* one transaction from the first row staged to the last record stored:
     * a statement outside one would commit (and walk the page cache) a row
     * at a time */
    int rc = tally_store_begin(s, err);
    if (rc == 0)
        rc = tally_store_stage_clear(s, err);
    char *buf = src->f != NULL ? tally_xmalloc(PIECE) : NULL;
    bool first = true;
    while (rc == 0 && !p.fatal) {
        const char *data = src->data;
        size_t len = src->len;
        if (src->f != NULL) {
            len = fread(buf, 1, PIECE, src->f);
            data = buf;
            if (ferror(src->f)) {
                rc = tally_err_set(err, TALLY_EIO, "%s: read error", origin);
                break;
            }
        }
        /* a UTF-8 byte order mark is no part of the first column's name */
        if (first && len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
            data += 3;
            len -= 3;
        }
        first = false;
        if (csv_parse(&cp, data, len, on_field, on_row, &p) != len)
            rc = tally_err_set(err, TALLY_EINPUT, "%s: after line %zu: %s", origin, p.line + 1,
                               csv_strerror(csv_error(&cp)));
        if (src->f == NULL || len == 0)
            break;
    }
    if (rc == 0 && !p.fatal && csv_fini(&cp, on_field, on_row, &p) != 0)
        rc = tally_err_set(err, TALLY_EINPUT, "%s: after line %zu: %s", origin, p.line + 1,
                           csv_strerror(csv_error(&cp)));
    csv_free(&cp);
    free(buf);
    free_fields(p.cur, p.n_cur < 64 ? p.n_cur : 64);
    tally_buf_free(&p.packed);
    if (rc == 0 && p.fatal)
        rc = p.fatal;
    if (rc == 0 && !p.header_done)
        rc = tally_err_set(err, TALLY_EINPUT, "%s: empty file (no header line)", origin);
    struct record g = {.p = &p, .stats = stats, .err = err};
    if (rc == 0)
        rc = tally_store_stage_each(s, on_staged, &g, err);
    if (rc == 0)
        rc = flush_record(&g);
    for (size_t i = 0; i < g.n; i++)
        free_fields(g.rows[i].f, MAX_COLUMNS);
    free(g.rows);
    /* the stage emptied gives its room back (its rows are in the records) */
    if (rc == 0)
        rc = tally_store_stage_clear(s, err);
    if (rc == 0)
        rc = tally_store_commit(s, err);
    if (rc != 0)
        tally_store_rollback(s);
    return rc;
}

int tally_import_csv(tally_store *s, const char *data, size_t len, const char *origin,
                     tally_import_stats *stats, void (*report)(const char *msg, void *user),
                     void *user, tally_err *err)
{
    csv_source src = {data, len, NULL};
    return import_from(s, &src, origin, stats, report, user, err);
}

int tally_import_csv_file(tally_store *s, FILE *f, const char *origin, tally_import_stats *stats,
                          void (*report)(const char *msg, void *user), void *user, tally_err *err)
{
    csv_source src = {NULL, 0, f};
    return import_from(s, &src, origin, stats, report, user, err);
}

/* The bundled record: data/public-record.csv, compiled in by CMake. */
extern const unsigned char tally_public_record_csv[];
extern const size_t tally_public_record_csv_len;

const char *tally_public_record(size_t *len)
{
    *len = tally_public_record_csv_len;
    return (const char *)tally_public_record_csv;
}

/* The bundled relations: data/relations.csv, compiled in by CMake. */
extern const unsigned char tally_relations_csv[];
extern const size_t tally_relations_csv_len;

const char *tally_relations_record(size_t *len)
{
    *len = tally_relations_csv_len;
    return (const char *)tally_relations_csv;
}
