/* tally: reading the store (stage 3): claims by filters, documents, sources.
 * Every value from the user is a bound parameter, never SQL text.
 * Part of stage 3, the store: includes the public headers of base, the model,
 * read and extract, and the store's own. */
#include "store_impl.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/field.h"
#include "tally/mem.h"

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

void store_upper_bound(tally_date d, char out[16])
{
    if (d.day != 0)
        d.day++;
    else if (d.month != 0)
        d.month++;
    else
        d.year++;
    /* day 32 or month 13 still sort after every real date of the period */
    snprintf(out, 16,
             d.day     ? "%04d-%02d-%02d"
             : d.month ? "%04d-%02d"
                       : "%04d",
             d.year, d.month, d.day);
}

int store_check_date(const char *what, const char *s, tally_date *d, tally_err *err)
{
    if (tally_date_parse(s, strlen(s), d) != 0)
        return tally_err_set(err, TALLY_EUSAGE, "%s '%s' is not YYYY, YYYY-MM or YYYY-MM-DD", what,
                             s);
    return 0;
}

void store_release_blob(tally_store *s)
{
    if (s->blob != NULL)
        sqlite3_blob_close(s->blob);
    s->blob = NULL;
}

const char *store_body_span(tally_store *s, int64_t doc, int64_t start, int64_t end,
                            store_span_buf *buf)
{
    if (start < 0 || end <= start || end - start > (1 << 24))
        return NULL;
    int rc = s->blob != NULL
                 ? sqlite3_blob_reopen(s->blob, doc)
                 : sqlite3_blob_open(s->db, "main", "documents", "body", doc, 0, &s->blob);
    if (rc != SQLITE_OK) {
        store_release_blob(s);
        return NULL;
    }
    if (end > sqlite3_blob_bytes(s->blob))
        return NULL;
    size_t n = (size_t)(end - start);
    if (buf->cap < n + 1) {
        buf->ptr = tally_xrealloc(buf->ptr, n + 1);
        buf->cap = n + 1;
    }
    if (sqlite3_blob_read(s->blob, buf->ptr, (int)n, (int)start) != SQLITE_OK)
        return NULL;
    buf->ptr[n] = '\0';
    return buf->ptr;
}

/* The claim query's columns: one a field of the model (tally/field.h), in
 * its order, so column i is field i. */
#define COLUMN(e, key, type, in, sql, head, width, trunc, csv) sql ", "
static const char columns[] = TALLY_FIELDS(COLUMN) "0";
#undef COLUMN

/* The lean query's columns (tally_claim_filter.lean): what the estimator
 * reads. Nothing after a document's name, whose row holds its body (reading
 * past it walks the body's overflow pages): curated is a claim without a
 * sentence, the document's id the claim's. */
static void lean_columns(char *buf, size_t size)
{
    size_t k = 0;
    for (int i = 0; i < TALLY_F_N; i++) {
        tally_field f = (tally_field)i;
        const char *sql = tally_field_info_of(f)->sql;
        switch (f) {
        case TALLY_F_TEXT:
        case TALLY_F_SENTENCE:
        case TALLY_F_SOURCE_DETAIL:
        case TALLY_F_URL:
        case TALLY_F_TITLE:
        case TALLY_F_OUTLET:
        case TALLY_F_DATE:
        case TALLY_F_START:
        case TALLY_F_END:
            sql = "NULL";
            break;
        case TALLY_F_CURATED:
            sql = "c.sentence_start IS NULL";
            break;
        case TALLY_F_DOC_ID:
            sql = "c.doc_id";
            break;
        default:
            break;
        }
        int w = snprintf(buf + k, size - k, "%s, ", sql);
        k += w > 0 ? (size_t)w : 0;
    }
    snprintf(buf + k, size - k, "0");
}

/* Fills `r` from the columns of a claim query's row; strings are SQLite's,
 * valid until the next step. A value this tally cannot read (a kind or
 * unit of a newer one) keeps the default. */
static void read_row(sqlite3_stmt *st, tally_claim_row *r)
{
    for (int i = 0; i < TALLY_F_N; i++) {
        tally_field f = (tally_field)i;
        switch (tally_fields[i].type) {
        case TALLY_FT_TEXT:
        case TALLY_FT_CODE:
        case TALLY_FT_DATE: {
            /* NULL for SQL NULL: no separate test of the type */
            const char *v = col_text(st, i);
            (void)tally_field_set_text(r, f, v,
                                       v != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0);
            break;
        }
        case TALLY_FT_NUMBER:
            tally_field_set_number(r, f, sqlite3_column_type(st, i) != SQLITE_NULL,
                                   sqlite3_column_double(st, i), 0);
            break;
        case TALLY_FT_INT:
        case TALLY_FT_BOOL:
        case TALLY_FT_ITEMS:
            /* SQL NULL reads as 0, which is what an absent one means */
            tally_field_set_number(r, f, true, 0, sqlite3_column_int64(st, i));
            break;
        }
    }
    /* the name as written, else the source's kept name */
    if (r->claim.source == NULL)
        r->claim.source = r->source_name;
}

int tally_store_claims(tally_store *s, const tally_claim_filter *f, tally_claim_fn fn, void *user,
                       tally_err *err)
{
    tally_date d;
    char until[16] = "";
    if (f->kind != NULL && tally_kind_parse(f->kind) < 0)
        return tally_err_set(err, TALLY_EUSAGE, "unknown kind '%s'", f->kind);
    if (f->item != NULL && tally_item_parse(f->item) < 0)
        return tally_err_set(err, TALLY_EUSAGE, "unknown item '%s'", f->item);
    tally_claim probe;
    if (f->unit != NULL && tally_unit_parse(f->unit, &probe) != 0)
        return tally_err_set(err, TALLY_EUSAGE,
                             "unknown unit '%s' (a unit of CLAIMS.md or an ISO 4217 currency)",
                             f->unit);
    if (f->since != NULL && store_check_date("--since", f->since, &d, err) != 0)
        return err->code;
    if (f->until != NULL) {
        if (store_check_date("--until", f->until, &d, err) != 0)
            return err->code;
        store_upper_bound(d, until);
    }
    char known[16] = "";
    if (f->known_by != NULL) {
        if (store_check_date("--known-by", f->known_by, &d, err) != 0)
            return err->code;
        store_upper_bound(d, known);
    }
    /* One index drives the query: the one of the most selective filter by
     * nature (a document, a source, an item, a pair of states, one state, a
     * kind, dates). The other filters' columns get a unary '+', which keeps
     * the planner off their indexes: "RUS" as recipient matches most of a
     * database, and no statistics say so for every value. With an item
     * leading, claims come out of claim_items' key in date order. */
    enum { BY_DOC, BY_SOURCE, BY_ITEM, BY_PAIR, BY_SUPPLIER, BY_RECIPIENT, BY_OTHER } lead;
    lead = f->doc != NULL                                ? BY_DOC
           : f->source != NULL                           ? BY_SOURCE
           : f->item != NULL                             ? BY_ITEM
           : f->supplier != NULL && f->recipient != NULL ? BY_PAIR
           : f->supplier != NULL                         ? BY_SUPPLIER
           : f->recipient != NULL                        ? BY_RECIPIENT
                                                         : BY_OTHER;
    bool from_items = lead == BY_ITEM;
    const char *date = from_items ? "i.date" : "c.date";
    char sql[4096], lean[1024];
    if (f->lean)
        lean_columns(lean, sizeof lean);
    int n = snprintf(
        sql, sizeof sql,
        "SELECT %s FROM %s JOIN documents d ON d.id = c.doc_id JOIN sources s ON s.id = c.source_id"
        " WHERE 1",
        f->lean ? lean : columns,
        from_items ? "claim_items i JOIN claims c ON c.id = i.claim_id" : "claims c");
    /* one clause per filter, indexed form first; the parameter numbers are fixed */
    bool pair = lead == BY_PAIR;
    const struct {
        const char *value;
        bool indexed;
        const char *clause[2];
    } clauses[] = {
        {f->supplier,
         pair || lead == BY_SUPPLIER,
         {" AND c.supplier = ?1", " AND +c.supplier = ?1"}},
        {f->recipient,
         pair || lead == BY_RECIPIENT,
         {" AND c.recipient = ?2", " AND +c.recipient = ?2"}},
        {f->item, from_items, {" AND i.item = ?3", " AND c.items & ?10"}},
        {f->kind, lead == BY_OTHER, {" AND c.kind = ?4", " AND +c.kind = ?4"}},
        {f->unit, false, {"", " AND +c.unit = ?14"}},
        {f->source,
         lead == BY_SOURCE,
         {" AND c.source_id IN (SELECT id FROM sources WHERE name LIKE ?5 ESCAPE '\\')",
          " AND +c.source_id IN (SELECT id FROM sources WHERE name LIKE ?5 ESCAPE '\\')"}},
        {f->id != 0 ? "" : NULL, true, {" AND c.id = ?12", ""}},
        {f->doc,
         true,
         {" AND c.doc_id IN (SELECT id FROM documents WHERE name = ?8 OR key = ?8 OR"
          " url = ?8)",
          ""}},
    };
    for (size_t i = 0; i < sizeof clauses / sizeof clauses[0]; i++)
        if (clauses[i].value != NULL)
            n += snprintf(sql + n, sizeof sql - (size_t)n, "%s",
                          clauses[i].clause[clauses[i].indexed ? 0 : 1]);
    if (f->since != NULL)
        n += snprintf(sql + n, sizeof sql - (size_t)n, " AND %s >= ?6", date);
    if (f->until != NULL)
        n += snprintf(sql + n, sizeof sql - (size_t)n, " AND %s < ?7", date);
    if (f->known_by != NULL) /* an undated claim was not knowable at any date */
        n += snprintf(sql + n, sizeof sql - (size_t)n, " AND +c.stated < ?11");
    /* lean: in whatever order the index gives them (no sort) */
    if (f->lean)
        snprintf(sql + n, sizeof sql - (size_t)n, " LIMIT ?9 OFFSET ?13");
    else
        snprintf(sql + n, sizeof sql - (size_t)n, " ORDER BY %s, c.id LIMIT ?9 OFFSET ?13", date);

    sqlite3_stmt *st = store_query(s, sql, err);
    if (st == NULL)
        return err->code;
    char like[512] = "";
    if (f->source != NULL) {
        /* a part of the name: %...%, with the pattern's own characters escaped */
        size_t k = 0;
        like[k++] = '%';
        for (const char *p = f->source; *p != '\0' && k + 3 < sizeof like; p++) {
            if (*p == '%' || *p == '_' || *p == '\\')
                like[k++] = '\\';
            like[k++] = *p;
        }
        like[k++] = '%';
        like[k] = '\0';
    }
    store_bind_text(st, 1, f->supplier);
    store_bind_text(st, 2, f->recipient);
    store_bind_text(st, 3, f->item);
    store_bind_text(st, 4, f->kind);
    store_bind_text(st, 5, f->source != NULL ? like : NULL);
    store_bind_text(st, 6, f->since);
    store_bind_text(st, 7, f->until != NULL ? until : NULL);
    store_bind_text(st, 8, f->doc);
    sqlite3_bind_int64(st, 9, f->limit > 0 ? f->limit : -1);
    if (f->item != NULL)
        sqlite3_bind_int64(st, 10, (sqlite3_int64)1 << tally_item_parse(f->item));
    store_bind_text(st, 11, f->known_by != NULL ? known : NULL);
    sqlite3_bind_int64(st, 12, f->id);
    sqlite3_bind_int64(st, 13, f->offset > 0 ? f->offset : 0);
    store_bind_text(st, 14, f->unit);

    store_span_buf sentence = {NULL, 0};
    int rc, stop = 0;
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        tally_claim_row r;
        memset(&r, 0, sizeof r);
        r.claim.unit = TALLY_UNIT_ITEM; /* for a unit this tally does not know */
        read_row(st, &r);
        tally_claim *c = &r.claim;
        if (c->sentence_end > c->sentence_start && !f->no_sentences) {
            r.sentence = store_body_span(s, r.doc_id, (int64_t)c->sentence_start,
                                         (int64_t)c->sentence_end, &sentence);
            r.sentence_len = r.sentence != NULL ? c->sentence_end - c->sentence_start : 0;
        }
        stop = fn(&r, user);
    }
    if (stop == 0 && rc != SQLITE_DONE)
        stop = store_fail(s, err, "reading claims");
    store_query_done(s, st);
    store_release_blob(s);
    free(sentence.ptr);
    return stop;
}

int tally_store_docs(tally_store *s, int (*fn)(const tally_doc_row *row, void *user), void *user,
                     tally_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, key, name, url, title, outlet, date, revised, origin, hash,"
                           " ingested_at, curated, length(CAST(body AS BLOB)),"
                           " (SELECT count(*) FROM claims WHERE doc_id = documents.id)"
                           " FROM documents ORDER BY date, id",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "listing documents");
    int rc, stop = 0;
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        tally_doc_row r = {
            .id = sqlite3_column_int64(st, 0),
            .key = col_text(st, 1),
            .name = col_text(st, 2),
            .url = col_text(st, 3),
            .title = col_text(st, 4),
            .outlet = col_text(st, 5),
            .date = col_text(st, 6),
            .revised = col_text(st, 7),
            .origin = col_text(st, 8),
            .hash = col_text(st, 9),
            .ingested_at = col_text(st, 10),
            .curated = sqlite3_column_int(st, 11) != 0,
            .body_bytes = sqlite3_column_int64(st, 12),
            .claims = sqlite3_column_int64(st, 13),
        };
        stop = fn(&r, user);
    }
    if (stop == 0 && rc != SQLITE_DONE)
        stop = store_fail(s, err, "listing documents");
    sqlite3_finalize(st);
    return stop;
}

int tally_store_sources(tally_store *s, int (*fn)(const tally_source_row *row, void *user),
                        void *user, tally_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT s.id, s.name, s.country, s.kind, count(c.id),"
                           " count(DISTINCT c.doc_id)"
                           " FROM sources s LEFT JOIN claims c ON c.source_id = s.id"
                           " GROUP BY s.id HAVING count(c.id) > 0"
                           " ORDER BY count(c.id) DESC, s.name",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "listing sources");
    int rc, stop = 0;
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        tally_source_row r = {
            .id = sqlite3_column_int64(st, 0),
            .name = col_text(st, 1),
            .country = col_text(st, 2),
            .kind = col_text(st, 3),
            .claims = sqlite3_column_int64(st, 4),
            .documents = sqlite3_column_int64(st, 5),
        };
        stop = fn(&r, user);
    }
    if (stop == 0 && rc != SQLITE_DONE)
        stop = store_fail(s, err, "listing sources");
    sqlite3_finalize(st);
    return stop;
}

/* A blank line ends at p (p[0] == '\n' after an earlier '\n' with only
 * spaces, tabs or '\r' between): the paragraph's edges. */
static bool blank_before(const char *b, size_t i)
{
    /* b[i] is '\n'; is there another '\n' before it on a blank line? */
    while (i > 0 && (b[i - 1] == ' ' || b[i - 1] == '\t' || b[i - 1] == '\r'))
        i--;
    return i > 0 && b[i - 1] == '\n';
}

int tally_store_paragraph(tally_store *s, int64_t doc_id, size_t start, size_t end, tally_buf *out,
                          size_t *para_start, tally_err *err)
{
    enum { WINDOW = 1 << 16 };
    sqlite3_blob *blob = NULL;
    if (sqlite3_blob_open(s->db, "main", "documents", "body", doc_id, 0, &blob) != SQLITE_OK) {
        sqlite3_blob_close(blob);
        return store_fail(s, err, "reading a document's body");
    }
    size_t len = (size_t)sqlite3_blob_bytes(blob);
    int rc = 0;
    if (end <= start || end > len) {
        rc = tally_err_set(err, TALLY_EINPUT, "bytes %zu-%zu are not in the document's body", start,
                           end);
        goto out;
    }
    size_t w0 = start > WINDOW ? start - WINDOW : 0, w1 = end + WINDOW < len ? end + WINDOW : len;
    char *w = tally_xmalloc(w1 - w0 + 1);
    if (sqlite3_blob_read(blob, w, (int)(w1 - w0), (int)w0) != SQLITE_OK) {
        free(w);
        rc = store_fail(s, err, "reading a document's body");
        goto out;
    }
    size_t a = start - w0, b = end - w0, n = w1 - w0;
    while (a > 0 && !(w[a - 1] == '\n' && blank_before(w, a - 1)))
        a--;
    while (b < n && !(w[b] == '\n' && b > 0 && blank_before(w, b)))
        b++;
    /* no blank line within the window: whole characters only */
    while (a < start - w0 && w0 + a > 0 && (w[a] & 0xC0) == 0x80)
        a++;
    while (b > end - w0 && w0 + b < len && (w[b] & 0xC0) == 0x80)
        b--;
    /* the paragraph without the line break that ends it */
    while (b > a && (w[b - 1] == '\n' || w[b - 1] == '\r'))
        b--;
    tally_buf_clear(out);
    if (tally_buf_append(out, w + a, b - a) != 0)
        rc = tally_err_set(err, TALLY_ELIMIT, "the paragraph is too long");
    *para_start = w0 + a;
    free(w);
out:
    sqlite3_blob_close(blob);
    return rc;
}

int tally_store_body(tally_store *s, int64_t doc_id, tally_buf *out, tally_err *err)
{
    sqlite3_stmt *st = store_query(s, "SELECT body FROM documents WHERE id = ?1", err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_int64(st, 1, doc_id);
    int rc = 0, step = sqlite3_step(st);
    tally_buf_clear(out);
    if (step == SQLITE_ROW) {
        const void *body = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (n > 0 && tally_buf_append(out, body, n) != 0)
            rc = tally_err_set(err, TALLY_ELIMIT, "document %lld: its body is too long",
                               (long long)doc_id);
    } else if (step == SQLITE_DONE) {
        rc = tally_err_set(err, TALLY_ENOTFOUND, "no document %lld", (long long)doc_id);
    } else {
        rc = store_fail(s, err, "reading a document's body");
    }
    store_query_done(s, st);
    return rc;
}

int tally_store_units(tally_store *s, int (*fn)(const char *unit, int64_t claims, void *user),
                      void *user, tally_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT unit, count(*) FROM claims GROUP BY unit"
                           " ORDER BY count(*) DESC, unit",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "listing units");
    int rc, stop = 0;
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(col_text(st, 0), sqlite3_column_int64(st, 1), user);
    if (stop == 0 && rc != SQLITE_DONE)
        stop = store_fail(s, err, "listing units");
    sqlite3_finalize(st);
    return stop;
}

int tally_store_counts(tally_store *s, int64_t *claims, int64_t *documents, int64_t *sources,
                       tally_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT (SELECT count(*) FROM claims), (SELECT count(*) FROM documents),"
                           " (SELECT count(DISTINCT source_id) FROM claims)",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "counting");
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *claims = sqlite3_column_int64(st, 0);
        *documents = sqlite3_column_int64(st, 1);
        *sources = sqlite3_column_int64(st, 2);
    } else {
        rc = store_fail(s, err, "counting");
    }
    sqlite3_finalize(st);
    return rc;
}
