/* tally: events written out (tally events, tally events --db, GET
 * /api/events): EVENTS.md's JSON record, a table for people, or CSV; and
 * the contradictions among stored events that tally check lists.
 * Part of stage 5, present: includes the public headers of every stage but the
 * pipeline's, and its own. */
#include "tally/present.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/json.h"
#include "tally/learn.h"
#include "tally/visible.h"

static double round3(double v)
{
    return (double)(long)(v * 1000 + (v < 0 ? -0.5 : 0.5)) / 1000;
}

void tally_present_learn_decision(tally_buf *l, const char *key, const tally_learn_decision *d)
{
    TALLY_JSON_LIT(l, ",\"");
    tally_json_raw(l, key);
    TALLY_JSON_LIT(l, "\":");
    if (!d->decided) {
        TALLY_JSON_LIT(l, "null");
        return;
    }
    TALLY_JSON_LIT(l, "{\"p\":");
    tally_json_num(l, round3(d->p));
    TALLY_JSON_LIT(l, ",\"features\":[");
    for (size_t i = 0; i < d->n; i++) {
        TALLY_JSON_LIT(l, "[");
        tally_json_str(l, d->top[i].name, strlen(d->top[i].name));
        TALLY_JSON_LIT(l, ",");
        tally_json_num(l, round3(d->top[i].weight));
        TALLY_JSON_LIT(l, "]");
        if (i + 1 < d->n)
            TALLY_JSON_LIT(l, ",");
    }
    TALLY_JSON_LIT(l, "]}");
}

/* The CSV columns of an event, in order. */
static const char *const csv_heads[] = {
    "id",  "doc",    "date",   "type",   "mode", "context", "actor", "recipient", "about",
    "aux", "source", "hedged", "stated", "url",  "curated", "text",  "sentence"};

/* The 80-column events table: date, type, mode, parties (PRK>RUS), source
 * and text, the last two cut in their middle. */
#define EVENT_COLS 6
#define EVENT_SOURCE 16
static const int event_widths[EVENT_COLS] = {-10, -10, -11, -9, -EVENT_SOURCE, 0};
#define EVENT_USED (11 + 11 + 12 + 10 + EVENT_SOURCE + 1)

void tally_present_events_head(tally_buf *b, tally_output o)
{
    if (o == TALLY_OUTPUT_CSV) {
        size_t n = sizeof csv_heads / sizeof csv_heads[0];
        for (size_t i = 0; i < n; i++)
            tally_present_csv_cell(b, csv_heads[i], strlen(csv_heads[i]), i + 1 == n);
        return;
    }
    if (o == TALLY_OUTPUT_WIDE) {
        static const char *const heads[] = {"doc",  "type", "mode",   "actor", "recipient",
                                            "date", "aux",  "source", "text"};
        static const int widths[] = {-24, -10, -12, -6, -9, -10, -12, -24, 0};
        for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
            tally_present_table_cell(b, heads[i], strlen(heads[i]), widths[i], 0,
                                     i + 1 == sizeof heads / sizeof heads[0]);
    } else if (o == TALLY_OUTPUT_TABLE) {
        static const char *const heads[] = {"date", "type", "mode", "parties", "source", "text"};
        for (size_t i = 0; i < EVENT_COLS; i++)
            tally_present_table_cell(b, heads[i], strlen(heads[i]), event_widths[i], 0,
                                     i + 1 == EVENT_COLS);
    }
}

static const char *or_dash(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : "-";
}

static void party(tally_buf *b, const char *key, const char *code)
{
    TALLY_JSON_LIT(b, ",\"");
    tally_json_raw(b, key);
    TALLY_JSON_LIT(b, "\":");
    tally_present_str_or_null(b, code);
}

/* The contexts of `e` as "military;economic" into `out`. */
static void contexts(const tally_event *e, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (unsigned k = 0; k < TALLY_EVCTX_N; k++)
        if (e->context & (1u << k)) {
            int w = snprintf(out + n, size - n, "%s%s", n > 0 ? ";" : "",
                             tally_event_context_term(k)->slug);
            n += w > 0 && (size_t)w < size - n ? (size_t)w : 0;
        }
}

static void csv_str(tally_buf *b, const char *s, bool last)
{
    tally_present_csv_cell(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0, last);
}

static void event_csv(tally_buf *b, const tally_event_row *r, const char *date)
{
    const tally_event *e = &r->event;
    char id[24], ctx[256];
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    contexts(e, ctx, sizeof ctx);
    csv_str(b, r->id != 0 ? id : NULL, false);
    csv_str(b, r->doc, false);
    csv_str(b, date, false);
    csv_str(b, tally_event_type_name(e->type), false);
    csv_str(b, tally_event_mode_name(e->mode), false);
    csv_str(b, ctx, false);
    csv_str(b, e->actor, false);
    csv_str(b, e->recipient, false);
    csv_str(b, e->about, false);
    csv_str(b, tally_event_aux_name(e->aux), false);
    csv_str(b, e->source, false);
    csv_str(b, e->hedged ? "true" : "false", false);
    csv_str(b, r->stated, false);
    csv_str(b, r->url, false);
    csv_str(b, r->curated ? "true" : "false", false);
    tally_present_csv_cell(b, r->text != NULL ? r->text : "", r->text != NULL ? r->text_len : 0,
                           false);
    tally_present_csv_cell(b, r->sentence != NULL ? r->sentence : "",
                           r->sentence != NULL ? r->sentence_len : 0, true);
}

void tally_present_event(tally_buf *b, tally_output o, const tally_event_row *r, bool stored,
                         bool explain)
{
    const tally_event *e = &r->event;
    char date[16];
    tally_date_format(e->date, date);
    if (o == TALLY_OUTPUT_CSV) {
        event_csv(b, r, date);
        return;
    }
    const char *t = r->text != NULL ? r->text : or_dash(e->about);
    size_t tn = r->text != NULL ? r->text_len : strlen(t);
    if (o == TALLY_OUTPUT_TABLE) {
        /* 80 columns: the parties as one cell, the source and the text cut
         * in their middle; the document and aux left to --wide */
        char parties[2 * TALLY_PARTY_MAX + 1], src[EVENT_SOURCE + 1], text[81], whole[512];
        snprintf(parties, sizeof parties, "%s>%s", or_dash(e->actor), or_dash(e->recipient));
        tally_present_elide(or_dash(e->source), EVENT_SOURCE, src, sizeof src);
        snprintf(whole, sizeof whole, "%.*s", (int)tn, t);
        tally_present_elide(whole, 80 - EVENT_USED, text, sizeof text);
        const char *cells[] = {date[0] != '\0' ? date : or_dash(r->stated),
                               tally_event_type_name(e->type),
                               or_dash(tally_event_mode_name(e->mode)),
                               parties,
                               src,
                               text};
        for (size_t i = 0; i < EVENT_COLS; i++)
            tally_present_table_cell(b, cells[i], strlen(cells[i]), event_widths[i], 0,
                                     i + 1 == EVENT_COLS);
        return;
    }
    if (o == TALLY_OUTPUT_WIDE) {
        const char *cells[] = {or_dash(r->doc), tally_event_type_name(e->type),
                               or_dash(tally_event_mode_name(e->mode)), or_dash(e->actor),
                               or_dash(e->recipient),
                               /* an undated event happened when it was reported */
                               date[0] != '\0' ? date : or_dash(r->stated),
                               or_dash(tally_event_aux_name(e->aux)), or_dash(e->source)};
        static const int widths[] = {-24, -10, -12, -6, -9, -10, -12, -24};
        for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
            tally_present_table_cell(b, cells[i], strlen(cells[i]), widths[i], 0, false);
        tally_present_table_cell(b, t, tn, 0, 0, true);
        return;
    }
    TALLY_JSON_LIT(b, "{");
    if (stored) {
        TALLY_JSON_LIT(b, "\"id\":");
        tally_json_uint(b, (size_t)r->id);
        TALLY_JSON_LIT(b, ",");
    }
    TALLY_JSON_LIT(b, "\"doc\":");
    tally_present_str_or_null(b, r->doc);
    TALLY_JSON_LIT(b, ",\"sentence\":");
    if (r->sentence != NULL)
        tally_json_str(b, r->sentence, r->sentence_len);
    else
        TALLY_JSON_LIT(b, "null");
    TALLY_JSON_LIT(b, ",\"text\":");
    if (r->text != NULL)
        tally_json_str(b, r->text, r->text_len);
    else
        TALLY_JSON_LIT(b, "null");
    TALLY_JSON_LIT(b, ",\"type\":");
    tally_present_str_or_null(b, tally_event_type_name(e->type));
    TALLY_JSON_LIT(b, ",\"mode\":");
    tally_present_str_or_null(b, tally_event_mode_name(e->mode));
    TALLY_JSON_LIT(b, ",\"context\":[");
    bool first = true;
    for (unsigned k = 0; k < TALLY_EVCTX_N; k++)
        if (e->context & (1u << k)) {
            if (!first)
                TALLY_JSON_LIT(b, ",");
            const char *slug = tally_event_context_term(k)->slug;
            tally_json_str(b, slug, strlen(slug));
            first = false;
        }
    TALLY_JSON_LIT(b, "]");
    party(b, "actor", e->actor);
    party(b, "recipient", e->recipient);
    TALLY_JSON_LIT(b, ",\"about\":");
    tally_present_str_or_null(b, e->about);
    TALLY_JSON_LIT(b, ",\"date\":");
    tally_present_str_or_null(b, date);
    TALLY_JSON_LIT(b, ",\"aux\":");
    tally_present_str_or_null(b, tally_event_aux_name(e->aux));
    TALLY_JSON_LIT(b, ",\"source\":");
    tally_present_str_or_null(b, e->source);
    TALLY_JSON_LIT(b, ",\"hedged\":");
    if (e->hedged)
        TALLY_JSON_LIT(b, "true");
    else
        TALLY_JSON_LIT(b, "false");
    if (stored) {
        TALLY_JSON_LIT(b, ",\"url\":");
        tally_present_str_or_null(b, r->url);
        TALLY_JSON_LIT(b, ",\"stated\":");
        tally_present_str_or_null(b, r->stated);
        TALLY_JSON_LIT(b, ",\"note\":");
        tally_present_str_or_null(b, r->note);
        TALLY_JSON_LIT(b, ",\"curated\":");
        if (r->curated)
            TALLY_JSON_LIT(b, "true");
        else
            TALLY_JSON_LIT(b, "false");
    }
    if (explain) {
        TALLY_JSON_LIT(b, ",\"p\":");
        tally_json_num(b, round3(e->p));
        if (e->why != NULL) {
            TALLY_JSON_LIT(b, ",\"why\":{\"by\":\"model\"");
            tally_present_learn_decision(b, "type", &e->why->type);
            tally_present_learn_decision(b, "actor", &e->why->actor);
            tally_present_learn_decision(b, "recipient", &e->why->recipient);
            tally_present_learn_decision(b, "aux", &e->why->aux);
            TALLY_JSON_LIT(b, "}");
        } else {
            TALLY_JSON_LIT(b, ",\"why\":{\"by\":\"rules\"}");
        }
    }
    TALLY_JSON_LIT(b, "}\n");
}

const char *tally_present_party_code(const char *v, char out[TALLY_PARTY_MAX])
{
    char state[4];
    if (tally_present_state_code(v, state) != NULL) {
        memcpy(out, state, sizeof state);
        return out;
    }
    size_t n = strlen(v);
    if (n >= TALLY_PARTY_MAX)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        out[i] = v[i] >= 'a' && v[i] <= 'z' ? (char)(v[i] - 'a' + 'A') : v[i];
    return tally_party_other(out) ? out : NULL;
}

/* ---- what tally check reads of events ---------------------------------------------- */

struct facts {
    tally_arena *a;
    tally_event_fact *v;
    size_t n, cap;
};

static const char *arena_str(tally_arena *a, const char *s)
{
    return s != NULL ? tally_arena_strndup(a, s, strlen(s)) : NULL;
}

static int add_fact(const tally_event_row *r, void *user)
{
    struct facts *f = user;
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 64;
        f->v = tally_xrealloc(f->v, f->cap * sizeof *f->v);
    }
    tally_event_fact *x = &f->v[f->n++];
    memset(x, 0, sizeof *x);
    const tally_event *e = &r->event;
    x->id = r->id;
    x->doc = arena_str(f->a, r->doc);
    x->type = e->type;
    x->mode = e->mode;
    x->aux = e->aux;
    memcpy(x->actor, e->actor, sizeof x->actor);
    memcpy(x->recipient, e->recipient, sizeof x->recipient);
    x->about = arena_str(f->a, e->about);
    x->date = e->date;
    if (r->stated == NULL || tally_date_parse(r->stated, strlen(r->stated), &x->stated) != 0)
        x->stated = (tally_date){0, 0, 0};
    return 0;
}

int tally_present_event_facts(struct tally_store *s, const tally_event_filter *f, tally_arena *a,
                              tally_event_fact **out, size_t *n, tally_err *err)
{
    tally_event_filter lean = *f;
    lean.no_sentences = true;
    struct facts fs = {a, NULL, 0, 0};
    int rc = tally_store_events(s, &lean, add_fact, &fs, err);
    if (rc != 0) {
        free(fs.v);
        fs.v = NULL;
        fs.n = 0;
    }
    *out = fs.v;
    *n = fs.n;
    return rc;
}

void tally_present_event_contradiction_line(tally_buf *b, tally_output o,
                                            const tally_event_fact *ev,
                                            const tally_event_contradiction *x)
{
    const tally_event_fact *p = &ev[x->a], *q = &ev[x->b];
    if (o == TALLY_OUTPUT_JSON) {
        TALLY_JSON_LIT(b, "{\"rule\":");
        tally_json_str(b, x->rule, strlen(x->rule));
        TALLY_JSON_LIT(b, ",\"why\":");
        tally_json_str(b, x->why, strlen(x->why));
        TALLY_JSON_LIT(b, ",\"events\":[");
        for (int k = 0; k < 2; k++) {
            const tally_event_fact *e = k == 0 ? p : q;
            TALLY_JSON_LIT(b, "{\"id\":");
            tally_json_uint(b, (size_t)e->id);
            TALLY_JSON_LIT(b, ",\"doc\":");
            tally_present_str_or_null(b, e->doc);
            if (k == 0)
                TALLY_JSON_LIT(b, "},");
            else
                TALLY_JSON_LIT(b, "}");
        }
        TALLY_JSON_LIT(b, "]}\n");
    } else if (tally_output_table(o)) {
        char v1[600], v2[256], v3[256];
        tally_buf_printf(b, "%s: %s\n    event %lld (%s) and event %lld (%s)\n", x->rule,
                         tally_visible_str(v1, sizeof v1, x->why), (long long)p->id,
                         tally_visible_str(v2, sizeof v2, p->doc != NULL ? p->doc : "-"),
                         (long long)q->id,
                         tally_visible_str(v3, sizeof v3, q->doc != NULL ? q->doc : "-"));
    } else {
        /* the claims' columns: an event's id is written "event:ID" */
        char ia[40], ib[40];
        snprintf(ia, sizeof ia, "event:%lld", (long long)p->id);
        snprintf(ib, sizeof ib, "event:%lld", (long long)q->id);
        csv_str(b, x->rule, false);
        csv_str(b, x->why, false);
        csv_str(b, ia, false);
        csv_str(b, p->doc, false);
        csv_str(b, ib, false);
        csv_str(b, q->doc, true);
    }
}
