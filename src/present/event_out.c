/* tally: events written out (tally events, tally events --db, GET
 * /api/events): EVENTS.md's JSON record, or a table for people.
 * Part of stage 5, present: includes the public headers of every stage but the
 * pipeline's, and its own. */
#include "tally/present.h"

#include <stdio.h>
#include <string.h>

#include "tally/json.h"
#include "tally/learn.h"

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

void tally_present_events_head(tally_buf *b, tally_output o)
{
    if (o != TALLY_OUTPUT_TABLE)
        return;
    static const char *const heads[] = {"doc",  "type", "mode",   "actor", "recipient",
                                        "date", "aux",  "source", "text"};
    static const int widths[] = {-24, -10, -12, -6, -9, -10, -12, -24, 0};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        tally_present_table_cell(b, heads[i], strlen(heads[i]), widths[i], 0,
                                 i + 1 == sizeof heads / sizeof heads[0]);
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

void tally_present_event(tally_buf *b, tally_output o, const tally_event_row *r, bool stored,
                         bool explain)
{
    const tally_event *e = &r->event;
    char date[16];
    tally_date_format(e->date, date);
    if (o == TALLY_OUTPUT_TABLE) {
        const char *cells[] = {or_dash(r->doc),
                               tally_event_type_name(e->type),
                               or_dash(tally_event_mode_name(e->mode)),
                               or_dash(e->actor),
                               or_dash(e->recipient),
                               or_dash(date),
                               or_dash(tally_event_aux_name(e->aux)),
                               or_dash(e->source)};
        static const int widths[] = {-24, -10, -12, -6, -9, -10, -12, -24};
        static const int truncs[] = {24, 10, 12, 6, 9, 10, 12, 24};
        for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
            tally_present_table_cell(b, cells[i], strlen(cells[i]), widths[i], truncs[i], false);
        const char *t = r->text != NULL ? r->text : or_dash(e->about);
        size_t tn = r->text != NULL ? r->text_len : strlen(t);
        tally_present_table_cell(b, t, tn, 0, 80, true);
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
