/* tally: importing curated claims (the pipeline): one CSV row per original
 * assertion, in the columns of the project's public record. The rows of one
 * URL make one curated document, so importing a file again changes nothing
 * and a corrected row replaces that URL's claims.
 * Part of the pipeline: includes the public headers of every stage up to the
 * store, and its own. */
#include "tally/import.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/actor.h"
#include "tally/ingest.h"
#include "tally/mem.h"
#include "tally/when.h"

/* The columns, in the order of data/public-record.csv. */
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
static const char *const column_names[N_COLUMNS] = {"date_stated", "source",     "source_country",
                                                    "supplier",    "recipient",  "kind",
                                                    "item",        "caliber_mm", "unit",
                                                    "low",         "high",       "qualifier",
                                                    "since",       "as_of",      "url",
                                                    "note",        "quote",      "per"};

typedef struct row {
    char *f[N_COLUMNS]; /* NULL when empty or absent */
    size_t line;
    tally_claim claim;
} row;

struct parse {
    const char *origin;
    int map[64]; /* file column -> C_*, or -1 */
    size_t n_file_columns;
    bool header_done;
    char *cur[64];
    size_t n_cur;
    size_t line;
    row *rows;
    size_t n_rows, cap_rows;
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
    if (r->f[C_CALIBER_MM] != NULL &&
        (!number(r->f[C_CALIBER_MM], &c->caliber_mm) || c->caliber_mm <= 0))
        BAD(C_CALIBER_MM, "is not a positive number");
    c->has_low = r->f[C_LOW] != NULL;
    c->has_high = r->f[C_HIGH] != NULL;
    if (c->has_low && !number(r->f[C_LOW], &c->low))
        BAD(C_LOW, "is not a number");
    if (c->has_high && !number(r->f[C_HIGH], &c->high))
        BAD(C_HIGH, "is not a number");
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
    reportf(p, "%s:%zu: %s '%s' %s", p->origin, r->line, column_names[col],
            r->f[col] != NULL ? r->f[col] : "", bad);
    return false;
}

static void free_fields(char **f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i]);
        f[i] = NULL;
    }
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
        bool seen[N_COLUMNS] = {false};
        for (size_t i = 0; i < n; i++) {
            p->map[i] = -1;
            for (int k = 0; k < N_COLUMNS && p->cur[i] != NULL; k++)
                if (strcmp(p->cur[i], column_names[k]) == 0)
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
        for (int k = 0; k <= C_URL && !p->fatal; k++)
            if (!seen[k])
                p->fatal = tally_err_set(p->err, TALLY_EINPUT, "%s:1: no column '%s'", p->origin,
                                         column_names[k]);
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
        short_ok = p->map[i] > C_URL;
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
        if (k == C_QUOTE) {
            free(p->cur[i]);
        } else {
            r.f[k] = p->cur[i];
        }
        p->cur[i] = NULL;
    }
    if (!row_claim(p, &r)) {
        p->stats->failed++;
        free_fields(r.f, N_COLUMNS);
        return;
    }
    if (p->n_rows == p->cap_rows) {
        p->cap_rows = p->cap_rows ? 2 * p->cap_rows : 64;
        p->rows = tally_xrealloc(p->rows, p->cap_rows * sizeof *p->rows);
    }
    p->rows[p->n_rows++] = r;
    p->rows[p->n_rows - 1].claim.source = p->rows[p->n_rows - 1].f[C_SOURCE];
}

/* Stores the rows of one URL (rows[0..n)) as one curated document. */
static int store_record(tally_store *s, row *rows, size_t n, tally_import_stats *st, tally_err *err)
{
    const char *url = rows[0].f[C_URL];
    struct sha256_ctx sha;
    uint8_t digest[SHA256_DIGEST_SIZE];
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    sha256_init(&sha);
    const char *date = rows[0].f[C_DATE_STATED];
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < N_COLUMNS; k++) {
            const char *v = rows[i].f[k] != NULL ? rows[i].f[k] : "";
            sha256_update(&sha, strlen(v) + 1, (const uint8_t *)v);
        }
        if (strcmp(rows[i].f[C_DATE_STATED], date) < 0)
            date = rows[i].f[C_DATE_STATED];
    }
    sha256_digest(&sha, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    char *key = tally_xmalloc(strlen(url) + 8);
    sprintf(key, "record:%s", url);
    tally_doc_status status;
    int rc = tally_store_doc_status(s, key, hex, &status, err);
    if (rc == 0 && status != TALLY_DOC_UNCHANGED) {
        char *name = tally_url_name(url);
        tally_store_doc d = {.key = key,
                             .name = name,
                             .url = url,
                             .date = date,
                             .origin = "curated record",
                             .hash = hex,
                             .curated = true};
        int64_t id;
        rc = tally_store_put_doc(s, &d, &id, err);
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc = tally_store_put_claim(s, id, &rows[i].claim, NULL, rows[i].f[C_DATE_STATED],
                                       rows[i].f[C_NOTE], err);
        free(name);
        if (rc == 0)
            st->claims += n;
    }
    if (rc == 0) {
        st->records++;
        st->new_records += status == TALLY_DOC_NEW;
        st->replaced += status == TALLY_DOC_REPLACED;
        st->unchanged += status == TALLY_DOC_UNCHANGED;
    }
    free(key);
    return rc;
}

static int by_url_then_line(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int c = strcmp(x->f[C_URL], y->f[C_URL]);
    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

int tally_import_csv(tally_store *s, const char *data, size_t len, const char *origin,
                     tally_import_stats *stats, void (*report)(const char *msg, void *user),
                     void *user, tally_err *err)
{
    memset(stats, 0, sizeof *stats);
    struct csv_parser cp;
    if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
        return tally_err_set(err, TALLY_ENOMEM, "%s: out of memory", origin);
    struct parse p = {.origin = origin, .stats = stats, .report = report, .user = user, .err = err};
    /* a UTF-8 byte order mark is no part of the first column's name */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    int rc = 0;
    if (csv_parse(&cp, data, len, on_field, on_row, &p) != len ||
        csv_fini(&cp, on_field, on_row, &p) != 0)
        rc = tally_err_set(err, TALLY_EINPUT, "%s: after line %zu: %s", origin, p.line + 1,
                           csv_strerror(csv_error(&cp)));
    csv_free(&cp);
    free_fields(p.cur, p.n_cur < 64 ? p.n_cur : 64);
    if (rc == 0 && p.fatal)
        rc = p.fatal;
    if (rc == 0 && !p.header_done)
        rc = tally_err_set(err, TALLY_EINPUT, "%s: empty file (no header line)", origin);
    if (rc == 0 && p.n_rows > 0) {
        qsort(p.rows, p.n_rows, sizeof *p.rows, by_url_then_line);
        rc = tally_store_begin(s, err);
        for (size_t i = 0, j; rc == 0 && i < p.n_rows; i = j) {
            for (j = i + 1; j < p.n_rows && strcmp(p.rows[j].f[C_URL], p.rows[i].f[C_URL]) == 0;)
                j++;
            rc = store_record(s, p.rows + i, j - i, stats, err);
        }
        if (rc == 0)
            rc = tally_store_commit(s, err);
        if (rc != 0)
            tally_store_rollback(s);
    }
    for (size_t i = 0; i < p.n_rows; i++)
        free_fields(p.rows[i].f, N_COLUMNS);
    free(p.rows);
    return rc;
}

/* The bundled record: data/public-record.csv, compiled in by CMake. */
extern const unsigned char tally_public_record_csv[];
extern const size_t tally_public_record_csv_len;

const char *tally_public_record(size_t *len)
{
    *len = tally_public_record_csv_len;
    return (const char *)tally_public_record_csv;
}
