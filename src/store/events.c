/* tally: events in the store (stage 3): writing an event with its
 * provenance, deleting an earlier version's, and reading them back by
 * filters (tally events --db, GET /api/events, the report's relations).
 * Every value from the user is a bound parameter, never SQL text.
 * Part of stage 3, the store: includes the public headers of base, the model,
 * read and extract, and the store's own. */
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/mem.h"

int store_delete_events(tally_store *s, int64_t doc, tally_err *err)
{
    store_stmt *st = store_query(s, "DELETE FROM events WHERE doc_id = ?1", err);
    if (st == NULL)
        return err->code;
    store_bind_int64(st, 1, doc);
    int rc = store_step(st) == STORE_DONE ? 0 : store_fail(s, err, "deleting earlier events");
    store_query_done(s, st);
    return rc;
}

int tally_store_event_check(const tally_event *e, tally_err *err)
{
    if ((e->actor[0] != '\0' && !tally_party_valid(e->actor)) ||
        (e->recipient[0] != '\0' && !tally_party_valid(e->recipient)))
        return tally_err_set(err, TALLY_EINPUT, "an event's party '%s' or '%s' is not a code",
                             e->actor, e->recipient);
    if ((unsigned)e->type >= TALLY_EVENT_TYPE_N || (unsigned)e->mode >= TALLY_EVMODE_N ||
        (unsigned)e->aux >= TALLY_EVAUX_N)
        return tally_err_set(err, TALLY_EINPUT, "an event of no known type, mode or aux");
    return 0;
}

int tally_store_put_event(tally_store *s, int64_t doc_id, const tally_event *e, const char *text,
                          const char *stated, const char *note, tally_err *err)
{
    if (tally_store_event_check(e, err) != 0)
        return err->code;
    store_stmt *st = store_prepare(
        s, &s->st_insert_event,
        "INSERT INTO events (doc_id, sentence_start, sentence_end, start, \"end\", text, type, "
        "mode,"
        " context, actor, recipient, about, event_date, aux, source, source_country, hedged, p,"
        " stated, date, note)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19, coalesce(?13, ?19), ?20)",
        err);
    if (st == NULL)
        return err->code;
    store_bind_int64(st, 1, doc_id);
    if (text != NULL) {
        store_bind_int64(st, 2, (int64_t)e->sentence_start);
        store_bind_int64(st, 3, (int64_t)e->sentence_end);
        store_bind_int64(st, 4, (int64_t)e->start);
        store_bind_int64(st, 5, (int64_t)e->end);
        store_bind_str(st, 6, text, e->end - e->start);
    }
    store_bind_cstr(st, 7, tally_event_type_name(e->type));
    store_bind_text(st, 8, tally_event_mode_name(e->mode));
    store_bind_int64(st, 9, e->context);
    store_bind_text(st, 10, e->actor);
    store_bind_text(st, 11, e->recipient);
    store_bind_text(st, 12, e->about);
    char date[16];
    store_bind_text(st, 13, e->date.year != 0 ? tally_date_format(e->date, date) : NULL);
    store_bind_text(st, 14, tally_event_aux_name(e->aux));
    store_bind_cstr(st, 15, e->source != NULL && e->source[0] != '\0' ? e->source : "author");
    store_bind_text(st, 16, e->source_country);
    store_bind_int64(st, 17, e->hedged);
    store_bind_double(st, 18, e->p);
    store_bind_text(st, 19, stated);
    store_bind_text(st, 20, note);
    return store_step_done(s, st, err, "storing an event");
}

/* The query's columns, in the order read_event reads them. */
#define EVENT_COLUMNS                                                                              \
    "e.id, e.doc_id, e.sentence_start, e.sentence_end, e.start, e.end, e.text, e.type, e.mode,"    \
    " e.context, e.actor, e.recipient, e.about, e.event_date, e.aux, e.source,"                    \
    " e.source_country, e.hedged, e.p, e.stated, e.note, d.name, d.url, d.curated"

static const char *col_text(store_stmt *st, int i)
{
    return store_col_text(st, i);
}

/* Copies a party code (or none) from column i. */
static void col_party(store_stmt *st, int i, char out[TALLY_PARTY_MAX])
{
    const char *v = col_text(st, i);
    size_t n = v != NULL ? strlen(v) : 0;
    if (n >= TALLY_PARTY_MAX)
        n = 0;
    memcpy(out, v != NULL ? v : "", n);
    out[n] = '\0';
}

/* Fills `r` from a row of the query; strings are SQLite's, valid until the
 * next step. A slug this tally cannot read (a newer one's) keeps the default. */
static void read_event(store_stmt *st, tally_event_row *r)
{
    memset(r, 0, sizeof *r);
    tally_event *e = &r->event;
    r->id = store_col_int64(st, 0);
    r->doc_id = store_col_int64(st, 1);
    e->sentence_start = (size_t)store_col_int64(st, 2);
    e->sentence_end = (size_t)store_col_int64(st, 3);
    e->start = (size_t)store_col_int64(st, 4);
    e->end = (size_t)store_col_int64(st, 5);
    r->text = store_col_bytes(st, 6, &r->text_len);
    const char *v = col_text(st, 7);
    if (v != NULL)
        (void)tally_event_type_parse(v, strlen(v), &e->type);
    if ((v = col_text(st, 8)) != NULL)
        (void)tally_event_mode_parse(v, strlen(v), &e->mode);
    e->context = (uint32_t)store_col_int64(st, 9);
    col_party(st, 10, e->actor);
    col_party(st, 11, e->recipient);
    e->about = col_text(st, 12);
    if ((v = col_text(st, 13)) != NULL && tally_date_parse(v, strlen(v), &e->date) != 0)
        e->date = (tally_date){0, 0, 0};
    if ((v = col_text(st, 14)) != NULL)
        (void)tally_event_aux_parse(v, strlen(v), &e->aux);
    e->source = col_text(st, 15);
    if ((v = col_text(st, 16)) != NULL && strlen(v) < sizeof e->source_country)
        memcpy(e->source_country, v, strlen(v) + 1);
    e->hedged = store_col_int64(st, 17) != 0;
    e->p = store_col_double(st, 18);
    r->stated = col_text(st, 19);
    r->note = col_text(st, 20);
    r->doc = col_text(st, 21);
    r->url = col_text(st, 22);
    r->curated = store_col_int64(st, 23) != 0 || r->text == NULL;
}

int tally_store_events(tally_store *s, const tally_event_filter *f, tally_event_fn fn, void *user,
                       tally_err *err)
{
    tally_date d;
    char until[16] = "", known[16] = "";
    tally_event_type type;
    tally_event_mode mode;
    if (f->type != NULL && tally_event_type_parse(f->type, strlen(f->type), &type) != 0)
        return tally_err_set(err, TALLY_EUSAGE, "unknown event type '%s' (AGREE, CONSULT, ...)",
                             f->type);
    if (f->mode != NULL && tally_event_mode_parse(f->mode, strlen(f->mode), &mode) != 0)
        return tally_err_set(err, TALLY_EUSAGE, "unknown event mode '%s' (visit, vote, ...)",
                             f->mode);
    if (f->actor != NULL && !tally_party_valid(f->actor))
        return tally_err_set(err, TALLY_EUSAGE, "'%s' is not a party code (PRK, UNGA, ...)",
                             f->actor);
    if (f->recipient != NULL && !tally_party_valid(f->recipient))
        return tally_err_set(err, TALLY_EUSAGE, "'%s' is not a party code (PRK, UNGA, ...)",
                             f->recipient);
    if (f->since != NULL && store_check_date("--since", f->since, &d, err) != 0)
        return err->code;
    if (f->until != NULL) {
        if (store_check_date("--until", f->until, &d, err) != 0)
            return err->code;
        store_upper_bound(d, until);
    }
    if (f->known_by != NULL) {
        if (store_check_date("--known-by", f->known_by, &d, err) != 0)
            return err->code;
        store_upper_bound(d, known);
    }
    char sql[2048];
    int n = snprintf(sql, sizeof sql,
                     "SELECT " EVENT_COLUMNS " FROM events e JOIN documents d ON d.id = e.doc_id"
                     " WHERE TRUE");
    bool pair = f->actor != NULL && f->recipient != NULL;
    /* the parameter numbers are fixed; each clause is added when its filter is */
    const struct {
        bool on;
        const char *clause;
    } clauses[] = {
        {pair && f->both_ways,
         " AND ((e.actor = ?1 AND e.recipient = ?2) OR (e.actor = ?2 AND e.recipient = ?1))"},
        {f->actor != NULL && !(pair && f->both_ways),
         f->both_ways ? " AND (e.actor = ?1 OR e.recipient = ?1)" : " AND e.actor = ?1"},
        {f->recipient != NULL && !(pair && f->both_ways),
         f->both_ways ? " AND (e.actor = ?2 OR e.recipient = ?2)" : " AND e.recipient = ?2"},
        {f->type != NULL, " AND e.type = ?3"},
        {f->mode != NULL, " AND e.mode = ?4"},
        {f->since != NULL, " AND e.date >= ?5"},
        {f->until != NULL, " AND e.date < ?6"},
        {f->known_by != NULL, STORE_KNOWN_BY("e.stated", "?7")},
        {f->doc != NULL,
         " AND e.doc_id IN (SELECT id FROM documents WHERE name = ?8 OR key = ?8 OR url = ?8)"},
        {f->id != 0, " AND e.id = ?11"},
    };
    for (size_t i = 0; i < sizeof clauses / sizeof clauses[0]; i++)
        if (clauses[i].on)
            n += snprintf(sql + n, sizeof sql - (size_t)n, "%s", clauses[i].clause);
    snprintf(sql + n, sizeof sql - (size_t)n,
             " ORDER BY e.date IS NULL, e.date, e.id LIMIT ?9 OFFSET ?10");
    store_stmt *st = store_query(s, sql, err);
    if (st == NULL)
        return err->code;
    store_bind_text(st, 1, f->actor);
    store_bind_text(st, 2, f->recipient);
    store_bind_text(st, 3, f->type != NULL ? tally_event_type_name(type) : NULL);
    store_bind_text(st, 4, f->mode != NULL ? tally_event_mode_name(mode) : NULL);
    store_bind_text(st, 5, f->since);
    store_bind_text(st, 6, f->until != NULL ? until : NULL);
    store_bind_text(st, 7, f->known_by != NULL ? known : NULL);
    store_bind_text(st, 8, f->doc);
    store_bind_int64(st, 9, f->limit > 0 ? f->limit : INT64_MAX);
    store_bind_int64(st, 10, f->offset > 0 ? f->offset : 0);
    store_bind_int64(st, 11, f->id);
    store_span_buf sentence = {NULL, 0};
    int rc, stop = 0;
    while (stop == 0 && (rc = store_step(st)) == STORE_ROW) {
        tally_event_row r;
        read_event(st, &r);
        const tally_event *e = &r.event;
        if (r.text != NULL && e->sentence_end > e->sentence_start && !f->no_sentences) {
            r.sentence = store_body_span(s, r.doc_id, (int64_t)e->sentence_start,
                                         (int64_t)e->sentence_end, &sentence);
            r.sentence_len = r.sentence != NULL ? e->sentence_end - e->sentence_start : 0;
        }
        stop = fn(&r, user);
    }
    if (stop == 0 && rc != STORE_DONE)
        stop = store_fail(s, err, "reading events");
    store_query_done(s, st);
    store_release_blob(s);
    free(sentence.ptr);
    return stop;
}

int tally_store_event_count(tally_store *s, int64_t *events, tally_err *err)
{
    store_stmt *st = store_query(s, "SELECT count(*) FROM events", err);
    if (st == NULL)
        return err->code;
    int rc = store_step(st);
    *events = rc == STORE_ROW ? store_col_int64(st, 0) : 0;
    store_query_done(s, st);
    return rc == STORE_ROW ? 0 : store_fail(s, err, "counting events");
}
