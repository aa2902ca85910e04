/* tally: the "relations" section of the HTML report (tally report): for
 * each pair of states whose claims the report shows, the stored events
 * between them, either way (tally events --db), by date: what the two do to
 * and for each other beside the figures. Only the HTML is here; the events
 * come from the store's query.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "tally/present.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A pair of states, in alphabetical order. */
typedef struct pair {
    char a[4], b[4];
} pair;

static int pair_cmp(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    int c = strcmp(p->a, q->a);
    return c != 0 ? c : strcmp(p->b, q->b);
}

/* The pairs of the claims of `v` with both states, each once, sorted. */
static pair *pairs_of(const tally_view *v, size_t *n)
{
    pair *ps = tally_xmalloc((v->obs.n + 1) * sizeof *ps);
    size_t k = 0;
    for (size_t i = 0; i < v->obs.n; i++) {
        const tally_obs *o = &v->obs.v[i];
        if (o->supplier[0] == '\0' || o->recipient[0] == '\0' ||
            strcmp(o->supplier, o->recipient) == 0)
            continue;
        bool first = strcmp(o->supplier, o->recipient) < 0;
        memcpy(ps[k].a, first ? o->supplier : o->recipient, 4);
        memcpy(ps[k].b, first ? o->recipient : o->supplier, 4);
        k++;
    }
    qsort(ps, k, sizeof *ps, pair_cmp);
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (m == 0 || pair_cmp(&ps[m - 1], &ps[i]) != 0)
            ps[m++] = ps[i];
    *n = m;
    return ps;
}

static void put(tally_buf *b, const char *s)
{
    (void)tally_buf_append(b, s, strlen(s));
}

static void esc(tally_buf *b, const char *s, size_t n)
{
    if (s != NULL)
        (void)tally_present_html(b, s, n);
}

static void escz(tally_buf *b, const char *s)
{
    if (s != NULL)
        esc(b, s, strlen(s));
}

struct rows {
    tally_buf *b;
    size_t n;
};

static int on_event(const tally_event_row *r, void *user)
{
    struct rows *rs = user;
    tally_buf *b = rs->b;
    const tally_event *e = &r->event;
    char date[16];
    tally_date_format(e->date, date);
    put(b, "<tr data-type=\"");
    put(b, tally_event_type_name(e->type));
    put(b, "\"><td>");
    escz(b, date[0] != '\0' ? date : r->stated);
    put(b, "</td><td>");
    put(b, tally_event_type_name(e->type));
    if (e->mode != TALLY_EVMODE_NONE) {
        put(b, " (");
        put(b, tally_event_mode_name(e->mode));
        put(b, ")");
    }
    if (e->aux != TALLY_EVAUX_NONE) {
        put(b, ", ");
        put(b, tally_event_aux_name(e->aux));
    }
    put(b, "</td><td>");
    escz(b, e->actor[0] != '\0' ? e->actor : "?");
    put(b, " &rarr; ");
    escz(b, e->recipient[0] != '\0' ? e->recipient : "?");
    put(b, "</td><td>");
    if (r->sentence != NULL) {
        /* the sentence, its trigger in bold */
        size_t at = e->start >= e->sentence_start ? e->start - e->sentence_start : 0;
        size_t len = e->end - e->start;
        if (r->text == NULL || at + len > r->sentence_len)
            at = len = 0;
        esc(b, r->sentence, at);
        put(b, "<b>");
        esc(b, r->sentence + at, len);
        put(b, "</b>");
        esc(b, r->sentence + at + len, r->sentence_len - at - len);
    } else {
        escz(b, e->about);
    }
    put(b, "</td><td>");
    escz(b, e->source);
    put(b, "</td><td class=\"url\">");
    if (r->url != NULL &&
        (strncmp(r->url, "https://", 8) == 0 || strncmp(r->url, "http://", 7) == 0)) {
        put(b, "<a href=\"");
        escz(b, r->url);
        put(b, "\" rel=\"noreferrer\">");
        escz(b, r->curated ? "curated record" : r->doc);
        put(b, "</a>");
    } else {
        escz(b, r->doc);
    }
    put(b, "</td></tr>\n");
    rs->n++;
    return 0;
}

int tally_report_relations(tally_buf *b, struct tally_store *s, const tally_view *v,
                           const char *known_by, tally_err *err)
{
    size_t np;
    pair *ps = pairs_of(v, &np);
    int rc = 0;
    put(b, "<section id=\"relations\"><h2>Relations</h2>\n<p>The events between the states of "
           "each pair (tally events: summits, treaties, votes, recognitions, aid, sanctions), "
           "either way, by date: from the curated relations record and the documents.</p>\n");
    size_t shown = 0;
    for (size_t i = 0; rc == 0 && i < np; i++) {
        tally_event_filter f = {
            .actor = ps[i].a, .recipient = ps[i].b, .both_ways = true, .known_by = known_by};
        tally_buf rows;
        tally_buf_init(&rows, b->max);
        struct rows rs = {&rows, 0};
        rc = tally_store_events(s, &f, on_event, &rs, err);
        if (rc == 0 && rs.n > 0) {
            put(b, "<table class=\"relations\" id=\"relations-");
            put(b, ps[i].a);
            put(b, "-");
            put(b, ps[i].b);
            put(b, "\"><caption>");
            put(b, ps[i].a);
            put(b, " &harr; ");
            put(b, ps[i].b);
            char n[32];
            snprintf(n, sizeof n, ": %zu event%s", rs.n, rs.n == 1 ? "" : "s");
            put(b, n);
            put(b, "</caption><thead><tr><th>date</th><th>event</th><th>actor &rarr; recipient"
                   "</th><th>what</th><th>source</th><th>document</th></tr></thead><tbody>\n");
            (void)tally_buf_append(b, rows.ptr != NULL ? rows.ptr : "", rows.len);
            put(b, "</tbody></table>\n");
            shown++;
        }
        if (tally_buf_full(&rows))
            b->full = true;
        tally_buf_free(&rows);
    }
    if (rc == 0 && shown == 0)
        put(b, "<p>No stored event between the states of these claims (tally import loads the "
               "bundled relations; tally ingest codes the documents' events).</p>\n");
    put(b, "</section>\n");
    free(ps);
    return rc;
}
