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

static const char *col_text(store_stmt *st, int i)
{
    return store_col_text(st, i);
}

void store_upper_bound(tally_date d, char out[16])
{
    if (d.day != 0)
        d = tally_date_add_days(d, 1); /* a real day: "2024-04-31" pads a month (STORE_KNOWN_BY) */
    else if (d.month != 0)
        d.month++;
    else
        d.year++;
    /* month 13 still sorts after every real date of the year */
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
    s->be->body_close(s);
}

const char *store_body_span(tally_store *s, int64_t doc, int64_t start, int64_t end,
                            store_span_buf *buf)
{
    size_t len;
    if (start < 0 || end <= start || end - start > (1 << 24))
        return NULL;
    if (s->be->body_open(s, doc, &len) != 0 || (size_t)end > len)
        return NULL;
    size_t n = (size_t)(end - start);
    if (buf->cap < n + 1) {
        buf->ptr = tally_xrealloc(buf->ptr, n + 1);
        buf->cap = n + 1;
    }
    if (s->be->body_read(s, buf->ptr, n, (size_t)start) != 0)
        return NULL;
    buf->ptr[n] = '\0';
    return buf->ptr;
}

/* What the lean query (tally_claim_filter.lean) reads of field `f`: its SQL
 * on the claims row alone, or on claim_items' copy of it for a `series` (a
 * pair and an item), or NULL for a field the estimator does not read or one
 * that lean_names fills (a document's name; a source's name, kind and
 * country). A claim without a sentence is curated. */
static const char *lean_sql(tally_field f, bool series)
{
    switch (f) {
    case TALLY_F_ID:
        return series ? "c.claim_id" : "c.id";
    case TALLY_F_TEXT:
    case TALLY_F_SENTENCE:
    case TALLY_F_SOURCE_DETAIL:
    case TALLY_F_NOTE:
    case TALLY_F_URL:
    case TALLY_F_TITLE:
    case TALLY_F_OUTLET:
    case TALLY_F_DATE:
    case TALLY_F_START:
    case TALLY_F_END:
    case TALLY_F_DOC:
    case TALLY_F_SOURCE_NAME:
    case TALLY_F_SOURCE_KIND:
    case TALLY_F_SOURCE_COUNTRY:
        return NULL;
    case TALLY_F_SOURCE:
        return "c.source_written";
    case TALLY_F_CURATED:
        return "c.sentence_start IS NULL";
    case TALLY_F_DOC_ID:
        return "c.doc_id";
    default:
        return tally_field_info_of(f)->sql;
    }
}

/* The fields a query reads, column k being field v[k]: every field, or the
 * lean ones followed by the claim's source id. Writes the column list into
 * buf. */
typedef struct read_plan {
    tally_field v[TALLY_F_N];
    size_t n;
} read_plan;

static void plan_columns(bool lean, bool series, read_plan *p, char *buf, size_t size)
{
    size_t k = 0;
    p->n = 0;
    for (int i = 0; i < TALLY_F_N; i++) {
        tally_field f = (tally_field)i;
        const char *sql = lean ? lean_sql(f, series) : tally_field_info_of(f)->sql;
        if (sql == NULL)
            continue;
        p->v[p->n++] = f;
        int w = snprintf(buf + k, size - k, "%s, ", sql);
        k += w > 0 ? (size_t)w : 0;
    }
    snprintf(buf + k, size - k, "%s", lean ? "c.source_id" : "0");
}

/* Fills `r` from the columns of a claim query's row; strings are SQLite's,
 * valid until the next step. A value this tally cannot read (a kind or
 * unit of a newer one) keeps the default. */
static void read_row(store_stmt *st, const read_plan *p, tally_claim_row *r)
{
    for (size_t i = 0; i < p->n; i++) {
        tally_field f = p->v[i];
        int col = (int)i;
        switch (tally_fields[f].type) {
        case TALLY_FT_TEXT:
        case TALLY_FT_CODE:
        case TALLY_FT_DATE: {
            /* NULL for SQL NULL: no separate test of the type */
            size_t len;
            const char *v = store_col_bytes(st, col, &len);
            (void)tally_field_set_text(r, f, v, len);
            break;
        }
        case TALLY_FT_NUMBER:
            tally_field_set_number(r, f, !store_col_null(st, col), store_col_double(st, col), 0);
            break;
        case TALLY_FT_INT:
        case TALLY_FT_BOOL:
        case TALLY_FT_ITEMS:
            /* SQL NULL reads as 0, which is what an absent one means */
            tally_field_set_number(r, f, true, 0, store_col_int64(st, col));
            break;
        }
    }
}

/* Names by id, read once a query: documents' (one string each) or sources'
 * (name, kind and country). Open addressing on the id (ids are positive). */
typedef struct lean_names {
    int64_t *id;
    const char **str; /* `per` a slot, in the arena; NULL for SQL NULL */
    size_t cap, n, per;
    tally_arena *arena;
} lean_names;

static void names_init(lean_names *t, size_t per)
{
    memset(t, 0, sizeof *t);
    t->per = per;
}

static void names_free(lean_names *t)
{
    free(t->id);
    free(t->str);
    tally_arena_free(t->arena);
}

static size_t names_slot(const lean_names *t, int64_t id)
{
    size_t j = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15u >> 20) & (t->cap - 1);
    while (t->id[j] != 0 && t->id[j] != id)
        j = (j + 1) & (t->cap - 1);
    return j;
}

static void names_grow(lean_names *t)
{
    lean_names old = *t;
    t->cap = t->cap ? 2 * t->cap : 256;
    t->id = tally_xcalloc(t->cap, sizeof *t->id);
    t->str = tally_xcalloc(t->cap * t->per, sizeof *t->str);
    for (size_t i = 0; i < old.cap; i++)
        if (old.id[i] != 0) {
            size_t j = names_slot(t, old.id[i]);
            t->id[j] = old.id[i];
            memcpy(&t->str[j * t->per], &old.str[i * t->per], t->per * sizeof *t->str);
        }
    free(old.id);
    free(old.str);
}

/* The strings of `id` (t->per of them), NULL when no row has that id (*rc
 * set when reading fails). When not yet known, `st` reads them: its first
 * column the id, the strings after, its rows from id ?1 on in order, at most
 * ?2 = NAMES_AHEAD of them, up to the first one known. The rows after `id`
 * come along at little cost (a page of an index holds many), and the claims
 * of a query mostly come from documents near each other: each saves a
 * lookup. */
enum { NAMES_AHEAD = 64 };
static const char **names_of(tally_store *s, lean_names *t, store_stmt *st, int64_t id, int *rc,
                             tally_err *err)
{
    if (id <= 0)
        return NULL;
    if (t->cap > 0) {
        size_t j = names_slot(t, id);
        if (t->id[j] == id)
            return &t->str[j * t->per];
    }
    if (t->arena == NULL)
        t->arena = tally_arena_new();
    store_bind_int64(st, 1, id);
    store_bind_int64(st, 2, NAMES_AHEAD);
    int step;
    while ((step = store_step(st)) == STORE_ROW) {
        int64_t got = store_col_int64(st, 0);
        if (got <= 0)
            continue;
        if (2 * (t->n + 1) > t->cap)
            names_grow(t);
        size_t j = names_slot(t, got);
        if (t->id[j] == got) { /* read already, and likely those after it */
            step = STORE_DONE;
            break;
        }
        t->id[j] = got;
        t->n++;
        const char **out = &t->str[j * t->per];
        for (size_t k = 0; k < t->per; k++) {
            size_t len;
            const char *v = store_col_bytes(st, (int)k + 1, &len);
            out[k] = v != NULL ? tally_arena_strndup(t->arena, v, len) : NULL;
        }
    }
    if (step != STORE_DONE)
        *rc = store_fail(s, err, "reading claims");
    store_reset(st);
    size_t j = names_slot(t, id);
    return t->id[j] == id ? &t->str[j * t->per] : NULL;
}

/* What the lean query reads besides the claims row: the document's name and
 * the source's, read once a query each. */
typedef struct lean_refs {
    lean_names docs, sources;
    store_stmt *doc_st, *source_st;
} lean_refs;

/* Fills the row's document and source from their ids; 1 when either is
 * missing (as a join would, the row is left out), or an error. */
static int lean_fill(tally_store *s, lean_refs *l, bool doc_names, int64_t source_id,
                     tally_claim_row *r, tally_err *err)
{
    int rc = 0;
    static const char *const none[1] = {NULL};
    const char *const *doc =
        doc_names ? names_of(s, &l->docs, l->doc_st, r->doc_id, &rc, err) : none;
    const char **src = rc == 0 ? names_of(s, &l->sources, l->source_st, source_id, &rc, err) : NULL;
    if (rc != 0)
        return rc;
    if (doc == NULL || src == NULL)
        return 1;
    r->doc = doc[0];
    r->source_name = src[0];
    r->source_kind = src[1];
    (void)tally_field_set_text(r, TALLY_F_SOURCE_COUNTRY, src[2],
                               src[2] != NULL ? strlen(src[2]) : 0);
    return 0;
}

/* Appends a clause written for SQLite in the dialect `q`: a '+' before a
 * column (SQLite's hint to leave its index alone) becomes q->noindex, and
 * "~LIKE" q->like. Returns the bytes written, as snprintf. */
static int dialect_clause(const store_dialect *q, char *out, size_t size, const char *clause)
{
    size_t n = 0;
    for (const char *p = clause; *p != '\0'; p++) {
        const char *put = NULL;
        size_t len = 1;
        if (p[0] == '+' && p[1] == 'c' && p[2] == '.')
            put = q->noindex;
        else if (strncmp(p, "~LIKE", 5) == 0)
            put = q->like, p += 4;
        if (put == NULL)
            put = p;
        else
            len = strlen(put);
        for (size_t k = 0; k < len && n + 1 < size; k++)
            out[n++] = put[k];
    }
    if (size > 0)
        out[n] = '\0';
    return (int)n;
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
     * leading, claims come out of claim_items in date order (by the index
     * of its dates, or by its key within a pair of states). */
    enum { BY_DOC, BY_SOURCE, BY_ITEM, BY_PAIR, BY_SUPPLIER, BY_RECIPIENT, BY_OTHER } lead;
    lead = f->doc != NULL                                ? BY_DOC
           : f->source != NULL                           ? BY_SOURCE
           : f->item != NULL                             ? BY_ITEM
           : f->by_id                                    ? BY_OTHER
           : f->supplier != NULL && f->recipient != NULL ? BY_PAIR
           : f->supplier != NULL                         ? BY_SUPPLIER
           : f->recipient != NULL                        ? BY_RECIPIENT
                                                         : BY_OTHER;
    bool from_items = lead == BY_ITEM;
    bool item_pair = from_items && f->supplier != NULL && f->recipient != NULL;
    /* a series, lean: claim_items alone holds what is read, one run of it */
    bool series = item_pair && f->lean;
    const char *date = from_items ? (series ? "c.date" : "i.date") : "c.date";
    char sql[4096], cols[1024];
    read_plan plan;
    plan_columns(f->lean, series, &plan, cols, sizeof cols);
    /* lean: the claims row alone (lean_refs reads the rest) */
    int n = snprintf(sql, sizeof sql, "SELECT %s FROM %s%s WHERE TRUE", cols,
                     series       ? "claim_items c"
                     : from_items ? "claim_items i JOIN claims c ON c.id = i.claim_id"
                                  : "claims c",
                     f->lean ? ""
                             : " JOIN documents d ON d.id = c.doc_id"
                               " JOIN sources s ON s.id = c.source_id");
    /* one clause per filter, indexed form first; the parameter numbers are
     * fixed. An item and a pair of states go by claim_items' key. */
    bool pair = lead == BY_PAIR;
    const struct {
        const char *value;
        bool indexed;
        const char *clause[2];
    } clauses[] = {
        {f->supplier,
         pair || lead == BY_SUPPLIER || item_pair,
         {series      ? " AND c.supplier = ?1"
          : item_pair ? " AND i.supplier = ?1"
                      : " AND c.supplier = ?1",
          " AND +c.supplier = ?1"}},
        {f->recipient,
         pair || lead == BY_RECIPIENT || item_pair,
         {series      ? " AND c.recipient = ?2"
          : item_pair ? " AND i.recipient = ?2"
                      : " AND c.recipient = ?2",
          " AND +c.recipient = ?2"}},
        {f->item,
         from_items,
         {series ? " AND c.item = ?3" : " AND i.item = ?3", " AND (c.items & ?10) <> 0"}},
        {f->kind, lead == BY_OTHER && !f->by_id, {" AND c.kind = ?4", " AND +c.kind = ?4"}},
        {f->unit, false, {"", " AND +c.unit = ?14"}},
        {f->source,
         lead == BY_SOURCE,
         {" AND c.source_id IN (SELECT id FROM sources WHERE name ~LIKE ?5 ESCAPE '\\')",
          " AND +c.source_id IN (SELECT id FROM sources WHERE name ~LIKE ?5 ESCAPE '\\')"}},
        {f->id != 0 ? "" : NULL, true, {series ? " AND c.claim_id = ?12" : " AND c.id = ?12", ""}},
        {f->id_from != 0 ? "" : NULL,
         true,
         {series ? " AND c.claim_id >= ?15" : " AND c.id >= ?15", ""}},
        {f->id_below != 0 ? "" : NULL,
         true,
         {series ? " AND c.claim_id < ?16" : " AND c.id < ?16", ""}},
        {f->doc,
         true,
         {" AND c.doc_id IN (SELECT id FROM documents WHERE name = ?8 OR key = ?8 OR"
          " url = ?8)",
          ""}},
    };
    for (size_t i = 0; i < sizeof clauses / sizeof clauses[0]; i++)
        if (clauses[i].value != NULL)
            n += dialect_clause(s->be->sql, sql + n, sizeof sql - (size_t)n,
                                clauses[i].clause[clauses[i].indexed ? 0 : 1]);
    if (f->since != NULL)
        n += snprintf(sql + n, sizeof sql - (size_t)n, " AND %s >= ?6", date);
    if (f->until != NULL)
        n += snprintf(sql + n, sizeof sql - (size_t)n, " AND %s < ?7", date);
    if (f->known_by != NULL) /* an undated claim was not knowable at any date */
        n += snprintf(sql + n, sizeof sql - (size_t)n, "%s", STORE_KNOWN_BY("c.stated", "?11"));
    /* lean: in whatever order the index gives them (no sort) */
    if (f->lean)
        snprintf(sql + n, sizeof sql - (size_t)n, " LIMIT ?9 OFFSET ?13");
    else
        snprintf(sql + n, sizeof sql - (size_t)n, " ORDER BY %s%s, %s LIMIT ?9 OFFSET ?13", date,
                 s->be->sql->nulls_first,
                 from_items ? "i.claim_id" : "c.id"); /* the index's order: no sort */

    store_stmt *st = store_query(s, sql, err);
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
    store_bind_int64(st, 9, f->limit > 0 ? f->limit : INT64_MAX);
    if (f->item != NULL)
        store_bind_int64(st, 10, (int64_t)1 << tally_item_parse(f->item));
    store_bind_text(st, 11, f->known_by != NULL ? known : NULL);
    store_bind_int64(st, 12, f->id);
    store_bind_int64(st, 13, f->offset > 0 ? f->offset : 0);
    store_bind_text(st, 14, f->unit);
    store_bind_int64(st, 15, f->id_from);
    store_bind_int64(st, 16, f->id_below);

    lean_refs refs;
    names_init(&refs.docs, 1);
    names_init(&refs.sources, 3);
    refs.doc_st = refs.source_st = NULL;
    if (f->lean) {
        refs.doc_st = store_prepare_fmt(s, &s->st_doc_name, err,
                                        "SELECT id, name FROM %s WHERE id >= ?1"
                                        " ORDER BY id LIMIT ?2",
                                        s->be->sql->doc_names);
        refs.source_st =
            refs.doc_st != NULL
                ? store_prepare(s, &s->st_source_names,
                                "SELECT id, name, kind, country FROM sources WHERE id >= ?1"
                                " ORDER BY id LIMIT ?2",
                                err)
                : NULL;
        if (refs.source_st == NULL) {
            store_query_done(s, st);
            return err->code;
        }
    }
    store_span_buf sentence = {NULL, 0};
    int rc, stop = 0;
    while (stop == 0 && (rc = store_step(st)) == STORE_ROW) {
        tally_claim_row r;
        memset(&r, 0, sizeof r);
        r.claim.unit = TALLY_UNIT_ITEM; /* for a unit this tally does not know */
        read_row(st, &plan, &r);
        if (f->lean) {
            int got =
                lean_fill(s, &refs, !f->no_doc_names, store_col_int64(st, (int)plan.n), &r, err);
            if (got < 0) {
                stop = got;
                break;
            }
            if (got > 0)
                continue;
        }
        /* the name as written, else the source's kept name */
        if (r.claim.source == NULL)
            r.claim.source = r.source_name;
        tally_claim *c = &r.claim;
        if (c->sentence_end > c->sentence_start && !f->no_sentences) {
            r.sentence = store_body_span(s, r.doc_id, (int64_t)c->sentence_start,
                                         (int64_t)c->sentence_end, &sentence);
            r.sentence_len = r.sentence != NULL ? c->sentence_end - c->sentence_start : 0;
        }
        stop = fn(&r, user);
    }
    if (stop == 0 && rc != STORE_DONE)
        stop = store_fail(s, err, "reading claims");
    store_query_done(s, st);
    store_release_blob(s);
    free(sentence.ptr);
    names_free(&refs.docs);
    names_free(&refs.sources);
    return stop;
}

int tally_store_claim_ids(tally_store *s, int64_t *lo, int64_t *hi, tally_err *err)
{
    /* two subqueries: each is one step down the primary key, where one
     * query of both aggregates scans every claim */
    store_stmt *st =
        store_query(s, "SELECT (SELECT min(id) FROM claims), (SELECT max(id) FROM claims)", err);
    if (st == NULL)
        return err->code;
    int rc = 0;
    if (store_step(st) == STORE_ROW) {
        *lo = store_col_int64(st, 0); /* NULL reads as 0 */
        *hi = store_col_int64(st, 1);
    } else {
        rc = store_fail(s, err, "reading claim ids");
    }
    store_query_done(s, st);
    return rc;
}

int tally_store_count_states(tally_store *s, const char *supplier, const char *recipient,
                             int64_t limit, int64_t *n, tally_err *err)
{
    char sql[256];
    int k = 0, p = 0;
    *n = 0;
    k += snprintf(sql + k, sizeof sql - (size_t)k,
                  "SELECT count(*) FROM (SELECT 1 FROM claims WHERE TRUE");
    if (supplier != NULL)
        k += snprintf(sql + k, sizeof sql - (size_t)k, " AND supplier = ?%d", ++p);
    if (recipient != NULL)
        k += snprintf(sql + k, sizeof sql - (size_t)k, " AND recipient = ?%d", ++p);
    snprintf(sql + k, sizeof sql - (size_t)k, " LIMIT ?%d) AS t", ++p);
    store_stmt *st = store_query(s, sql, err);
    if (st == NULL)
        return err->code;
    p = 0;
    if (supplier != NULL)
        store_bind_text(st, ++p, supplier);
    if (recipient != NULL)
        store_bind_text(st, ++p, recipient);
    store_bind_int64(st, ++p, limit);
    int rc = 0;
    if (store_step(st) == STORE_ROW)
        *n = store_col_int64(st, 0);
    else
        rc = store_fail(s, err, "counting claims");
    store_query_done(s, st);
    return rc;
}

int tally_store_docs(tally_store *s, int (*fn)(const tally_doc_row *row, void *user), void *user,
                     tally_err *err)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, key, name, url, title, outlet, date, revised, origin, hash,"
             " ingested_at, curated, %s,"
             " (SELECT count(*) FROM claims WHERE doc_id = documents.id)"
             " FROM documents ORDER BY date%s, id",
             s->be->sql->body_bytes, s->be->sql->nulls_first);
    store_stmt *st = store_prepare_once(s, sql, "listing documents", err);
    if (st == NULL)
        return err->code;
    int rc, stop = 0;
    while (stop == 0 && (rc = store_step(st)) == STORE_ROW) {
        tally_doc_row r = {
            .id = store_col_int64(st, 0),
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
            .curated = store_col_int64(st, 11) != 0,
            .body_bytes = store_col_int64(st, 12),
            .claims = store_col_int64(st, 13),
        };
        stop = fn(&r, user);
    }
    if (stop == 0 && rc != STORE_DONE)
        stop = store_fail(s, err, "listing documents");
    store_finalize(st);
    return stop;
}

int tally_store_sources(tally_store *s, int (*fn)(const tally_source_row *row, void *user),
                        void *user, tally_err *err)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT s.id, s.name, s.country, s.kind, count(c.id), count(DISTINCT c.doc_id)"
             " FROM sources s LEFT JOIN claims c ON c.source_id = s.id"
             " GROUP BY s.id HAVING count(c.id) > 0 ORDER BY count(c.id) DESC, %s",
             s->be->sql->source_order);
    store_stmt *st = store_prepare_once(s, sql, "listing sources", err);
    if (st == NULL)
        return err->code;
    int rc, stop = 0;
    while (stop == 0 && (rc = store_step(st)) == STORE_ROW) {
        tally_source_row r = {
            .id = store_col_int64(st, 0),
            .name = col_text(st, 1),
            .country = col_text(st, 2),
            .kind = col_text(st, 3),
            .claims = store_col_int64(st, 4),
            .documents = store_col_int64(st, 5),
        };
        stop = fn(&r, user);
    }
    if (stop == 0 && rc != STORE_DONE)
        stop = store_fail(s, err, "listing sources");
    store_finalize(st);
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
    size_t len;
    if (s->be->body_open(s, doc_id, &len) != 0)
        return store_fail(s, err, "reading a document's body");
    int rc = 0;
    if (end <= start || end > len) {
        rc = tally_err_set(err, TALLY_EINPUT, "bytes %zu-%zu are not in the document's body", start,
                           end);
        goto out;
    }
    size_t w0 = start > WINDOW ? start - WINDOW : 0, w1 = end + WINDOW < len ? end + WINDOW : len;
    char *w = tally_xmalloc(w1 - w0 + 1);
    if (s->be->body_read(s, w, w1 - w0, w0) != 0) {
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
    s->be->body_close(s);
    return rc;
}

int tally_store_body(tally_store *s, int64_t doc_id, tally_buf *out, tally_err *err)
{
    store_stmt *st = store_query(s, "SELECT body FROM documents WHERE id = ?1", err);
    if (st == NULL)
        return err->code;
    store_bind_int64(st, 1, doc_id);
    int rc = 0, step = store_step(st);
    tally_buf_clear(out);
    if (step == STORE_ROW) {
        size_t n;
        const void *body = store_col_bytes(st, 0, &n);
        if (n > 0 && tally_buf_append(out, body, n) != 0)
            rc = tally_err_set(err, TALLY_ELIMIT, "document %lld: its body is too long",
                               (long long)doc_id);
    } else if (step == STORE_DONE) {
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
    store_stmt *st = store_prepare_once(s,
                                        "SELECT unit, count(*) FROM claims GROUP BY unit"
                                        " ORDER BY count(*) DESC, unit",
                                        "listing units", err);
    if (st == NULL)
        return err->code;
    int rc, stop = 0;
    while (stop == 0 && (rc = store_step(st)) == STORE_ROW)
        stop = fn(col_text(st, 0), store_col_int64(st, 1), user);
    if (stop == 0 && rc != STORE_DONE)
        stop = store_fail(s, err, "listing units");
    store_finalize(st);
    return stop;
}

int tally_store_updated(tally_store *s, char out[40], tally_err *err)
{
    out[0] = '\0';
    store_stmt *st =
        store_prepare_once(s, "SELECT max(ingested_at), max(updated_at) FROM documents",
                           "reading the last update", err);
    if (st == NULL)
        return err->code;
    int rc = 0;
    if (store_step(st) == STORE_ROW) {
        /* both are ISO 8601 in UTC: the later sorts last */
        const char *a = store_col_text(st, 0), *b = store_col_text(st, 1);
        const char *last = a == NULL ? b : b == NULL || strcmp(a, b) >= 0 ? a : b;
        snprintf(out, 40, "%s", last != NULL ? last : "");
    } else {
        rc = store_fail(s, err, "reading the last update");
    }
    store_finalize(st);
    return rc;
}

int tally_store_counts(tally_store *s, int64_t *claims, int64_t *documents, int64_t *sources,
                       tally_err *err)
{
    store_stmt *st =
        store_prepare_once(s,
                           "SELECT (SELECT count(*) FROM claims), (SELECT count(*) FROM documents),"
                           " (SELECT count(DISTINCT source_id) FROM claims)",
                           "counting", err);
    if (st == NULL)
        return err->code;
    int rc = 0;
    if (store_step(st) == STORE_ROW) {
        *claims = store_col_int64(st, 0);
        *documents = store_col_int64(st, 1);
        *sources = store_col_int64(st, 2);
    } else {
        rc = store_fail(s, err, "counting");
    }
    store_finalize(st);
    return rc;
}
