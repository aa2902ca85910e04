/* tally: estimates, clusters, contradictions and flows in each output
 * format (stage 5): tables, JSON and CSV. May include the public headers of
 * every stage but the pipeline.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "tally/present.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/err.h"
#include "tally/json.h"
#include "tally/number.h"
#include "tally/visible.h"
#include "wrap.h"

void tally_present_day(long day, char out[16])
{
    if (day == LONG_MIN) {
        strcpy(out, "-");
        return;
    }
    tally_date_format(tally_date_of(day), out);
}

void tally_present_figure(const tally_obs *o, char *buf, size_t size)
{
    tally_figure_words(o->qualifier, o->has_low, o->low, o->has_high, o->high, o->unit, buf, size);
}

void tally_present_source_words(const tally_obs *o, char *buf, size_t size)
{
    const char *written = o->written != NULL ? o->written : o->source;
    const char *id = o->identity != NULL ? o->identity : o->source;
    if (strcmp(written, id) == 0)
        snprintf(buf, size, "%s", written);
    else
        snprintf(buf, size, "%s = %s", written, id);
}

/* ,"source":...,"source_written":...,"identity":... of a claim */
static void source_fields(tally_buf *b, const tally_obs *o)
{
    const char *written = o->written != NULL ? o->written : o->source;
    const char *id = o->identity != NULL ? o->identity : o->source;
    tally_json_raw(b, ",\"source\":");
    tally_json_str(b, o->source, strlen(o->source));
    tally_json_raw(b, ",\"source_written\":");
    tally_json_str(b, written, strlen(written));
    tally_json_raw(b, ",\"identity\":");
    tally_json_str(b, id, strlen(id));
}

const char *tally_present_bound(tally_bound b)
{
    switch (b) {
    case TALLY_OBS_LOWER:
        return "lower bound";
    case TALLY_OBS_UPPER:
        return "upper bound";
    case TALLY_OBS_RANGE:
        return "range";
    case TALLY_OBS_POINT:
        break;
    }
    return "point";
}

void tally_present_how(const tally_series_point *sp, char *buf, size_t size)
{
    switch (sp->how) {
    case TALLY_DERIVED_DIRECT:
        snprintf(buf, size, "counted");
        break;
    case TALLY_DERIVED_OWN:
        snprintf(buf, size, "the source's own conversion");
        break;
    case TALLY_DERIVED_LAUNCHED:
        snprintf(buf, size, "launched: at least as many sent");
        break;
    case TALLY_DERIVED_CONVERTED:
        snprintf(buf, size, "x %.6g-%.6g a %.15s (%.60s)", sp->factor->low, sp->factor->high,
                 sp->factor->from, sp->factor->source);
        break;
    }
}

void tally_present_point_words(const tally_view *v, const tally_series_point *sp,
                               tally_point_words *w)
{
    w->cluster = &v->c.v[sp->p.cluster];
    w->lead = &v->obs.v[w->cluster->lead];
    tally_present_day(sp->p.day, w->day);
    tally_present_figure(w->lead, w->figure, sizeof w->figure);
    tally_present_how(sp, w->how, sizeof w->how);
}

void tally_present_start_words(const tally_view *v, const tally_series *s, char *buf, size_t size)
{
    if (s->start_reason == TALLY_START_FIRST || s->n == 0) {
        snprintf(buf, size, "no claim says since when: the day before the first evidence");
        return;
    }
    tally_point_words w;
    tally_present_point_words(v, &s->v[s->start_point], &w);
    char since[16];
    tally_present_day(s->start, since);
    snprintf(buf, size, "the earliest \"since\" (%.60s: %.80s since %s)", w.lead->source, w.figure,
             since);
}

/* "SOURCE (FIGURE, DAY, GRADE)" of a point. */
static void point_ref(const tally_view *v, const tally_series_point *sp, char *buf, size_t size)
{
    tally_point_words w;
    tally_present_point_words(v, sp, &w);
    char src[200];
    tally_present_source_words(w.lead, src, sizeof src);
    snprintf(buf, size, "%.100s (%.60s, %s, %c)", src, w.figure, w.day, sp->grade);
}

void tally_present_conflict_words(const tally_view *v, const tally_series *s,
                                  const tally_conflict *c, char *buf, size_t size)
{
    const tally_series_point *b = &s->v[c->bound], *o = &s->v[c->other];
    char rb[256], ro[256];
    point_ref(v, b, rb, sizeof rb);
    point_ref(v, o, ro, sizeof ro);
    const char *kind = b->p.bound == TALLY_OBS_LOWER ? "lower" : "upper";
    if (c->followed_bound)
        snprintf(buf, size, "followed the %s bound of %s over %s: not better graded", kind, rb, ro);
    else
        snprintf(buf, size, "followed %s over the %s bound of %s: better graded", ro, kind, rb);
}

void tally_present_estimate_notes(const tally_view *v, const tally_estimate *e,
                                  void (*fn)(const char *line, void *user), void *user)
{
    char line[512], d[16];
    tally_present_day(e->info.last, d);
    bool any = false;
    for (size_t i = 0; i < e->n_days; i++)
        any = any || e->q[i].extrapolated;
    if (any) {
        snprintf(
            line, sizeof line,
            e->info.rate_known
                ? "after %s, the last evidence, the recent rate is carried on (extrapolated)"
                : "after %s, the last evidence, no rate can be read (one day of evidence, no "
                  "start): the band spans a one-off (N stays) and a stream that reached N in a "
                  "month to three years (extrapolated)",
            d);
        fn(line, user);
    }
    if (e->info.spread > 1.05) {
        snprintf(line, sizeof line,
                 "the sources disagree: their biases are widened %.1f times (chi^2 per degree of "
                 "freedom %.1f)",
                 e->info.spread, e->info.spread * e->info.spread);
        fn(line, user);
    }
    for (size_t i = 0; i < e->series.n_conflicts; i++) {
        tally_present_conflict_words(v, &e->series, &e->series.conflicts[i], line, sizeof line);
        fn(line, user);
    }
}

/* ,"key":N with N rounded to a whole number */
static void num_field(tally_buf *b, const char *key, double v)
{
    tally_json_raw(b, ",\"");
    tally_json_raw(b, key);
    tally_json_raw(b, "\":");
    tally_json_num(b, round(v));
}

/* ,"key":"text" of a number for people (tally/number.h): an amount in
 * `unit`, or with hi >= 0 the range lo-hi */
static void text_field(tally_buf *b, const char *key, double lo, double hi, const char *unit)
{
    char t[TALLY_NUM_TEXT_MAX];
    if (hi >= 0)
        tally_num_range(lo, hi, unit, t, sizeof t);
    else
        tally_num_amount(lo, unit, t, sizeof t);
    tally_json_raw(b, ",\"");
    tally_json_raw(b, key);
    tally_json_raw(b, "\":");
    tally_json_str(b, t, strlen(t));
}

/* The cells of a table's quantiles, for people: 9.33 M, 2,500. */
static void quantile_cells(const tally_quantiles *q, char cells[5][TALLY_NUM_TEXT_MAX])
{
    const double v[5] = {q->q05, q->q25, q->q50, q->q75, q->q95};
    for (int i = 0; i < 5; i++)
        tally_num_text(v[i], cells[i], TALLY_NUM_TEXT_MAX);
}

/* The texts of quantiles: the median, the 50 % and 90 % intervals. */
static void quantile_texts(tally_buf *b, const tally_quantiles *q, const char *unit)
{
    text_field(b, "median_text", q->q50, -1, unit);
    text_field(b, "i50_text", q->q25, q->q75, unit);
    text_field(b, "i90_text", q->q05, q->q95, unit);
}

void tally_present_claim_figure(const tally_claim *c, char *buf, size_t size)
{
    tally_num_figure(c->qualifier, c->has_low, c->low, c->has_high, c->high, tally_unit_name(c),
                     buf, size);
}

/* "as_of":"YYYY-MM-DD" or null */
static void day_or_null(tally_buf *b, long day)
{
    char d[16];
    tally_present_day(day, d);
    if (day != LONG_MIN)
        tally_json_str(b, d, strlen(d));
    else
        tally_json_raw(b, "null");
}

void tally_present_headline(const tally_series *s, const tally_quantiles *q, long last,
                            tally_headline *h)
{
    char i50[TALLY_NUM_TEXT_MAX], i90[TALLY_NUM_TEXT_MAX];
    tally_num_amount(q->q50, s->unit, h->median, sizeof h->median);
    tally_num_range(q->q25, q->q75, s->unit, i50, sizeof i50);
    tally_num_range(q->q05, q->q95, s->unit, i90, sizeof i90);
    tally_present_day(q->day, h->day);
    h->since[0] = '\0';
    if (q->extrapolated)
        tally_present_day(last, h->since);
    snprintf(h->number, sizeof h->number, "%s by %s%s%s", h->median, h->day,
             h->since[0] != '\0' ? ", extrapolated since " : "", h->since);
    snprintf(h->range, sizeof h->range, "50 %% likely %s, 90 %% likely %s", i50, i90);
    /* the sources as the reconciliation counts them: one bias each */
    h->sources = 0;
    for (size_t i = 0; i < s->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = s->v[j].p.source == s->v[i].p.source;
        h->sources += !seen;
    }
    snprintf(h->backing, sizeof h->backing, "from %zu independent source%s in %zu cluster%s",
             h->sources, h->sources == 1 ? "" : "s", s->n, s->n == 1 ? "" : "s");
}

const tally_quantiles *tally_present_headline_day(const tally_estimate *e)
{
    if (e->n_days == 0)
        return NULL;
    if (e->n_days == 1)
        return &e->q[0];
    const tally_quantiles *best = NULL;
    for (size_t i = 0; i < e->n_days; i++) {
        if (e->q[i].day == e->info.last)
            return &e->q[i];
        if (!e->q[i].extrapolated && (best == NULL || e->q[i].day > best->day))
            best = &e->q[i];
    }
    return best != NULL ? best : &e->q[e->n_days - 1];
}

/* ,"headline":{"number":..,"range":..,"backing":..,"sources":N,"text":..}
 * for the day tally_present_headline_day picks (null: none). */
static void headline_json(tally_buf *b, const tally_estimate *e)
{
    const tally_quantiles *q = tally_present_headline_day(e);
    tally_json_raw(b, ",\"headline\":");
    if (q == NULL || !isfinite(q->q05) || !isfinite(q->q95)) {
        tally_json_raw(b, "null");
        return;
    }
    tally_headline h;
    tally_present_headline(&e->series, q, e->info.last, &h);
    char text[sizeof h.number + sizeof h.range + sizeof h.backing + 8];
    snprintf(text, sizeof text, "%s; %s; %s", h.number, h.range, h.backing);
    const char *keys[] = {"number", "range", "backing", "text"};
    const char *vals[] = {h.number, h.range, h.backing, text};
    for (int i = 0; i < 4; i++) {
        tally_buf_printf(b, "%s\"%s\":", i ? "," : "{", keys[i]);
        tally_json_str(b, vals[i], strlen(vals[i]));
    }
    tally_buf_printf(b, ",\"sources\":%zu}", h.sources);
}

void tally_present_estimate(tally_buf *b, const tally_view *v, const tally_estimate *e,
                            const char *known_by, bool refs)
{
    const tally_series *s = &e->series;
    char d[16];
    tally_json_raw(b, "{\"supplier\":\"");
    tally_json_raw(b, s->supplier);
    tally_json_raw(b, "\",\"recipient\":\"");
    tally_json_raw(b, s->recipient);
    tally_json_raw(b, "\",\"item\":\"");
    for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
        if (s->item == 1u << bit)
            tally_json_raw(b, tally_item_name(bit));
    tally_json_raw(b, "\",\"unit\":");
    tally_json_str(b, s->unit, strlen(s->unit));
    char why[256];
    tally_present_day(s->start, d);
    tally_json_raw(b, ",\"start\":");
    tally_json_str(b, d, strlen(d));
    tally_json_raw(b, s->start_reason == TALLY_START_SINCE ? ",\"start_reason\":\"since\""
                                                           : ",\"start_reason\":\"first claim\"");
    tally_present_start_words(v, s, why, sizeof why);
    tally_json_raw(b, ",\"start_why\":");
    tally_json_str(b, why, strlen(why));
    tally_json_raw(b, ",\"last_evidence\":");
    day_or_null(b, e->info.last);
    tally_json_raw(b, e->info.rate_known ? ",\"rate_known\":true" : ",\"rate_known\":false");
    tally_json_raw(b, ",\"spread\":");
    tally_json_num(b, round(e->info.spread * 100) / 100);
    tally_json_raw(b, ",\"known_by\":");
    tally_present_str_or_null(b, known_by);
    headline_json(b, e);
    tally_json_raw(b, ",\"estimates\":[");
    for (size_t i = 0; i < e->n_days; i++) {
        const tally_quantiles *q = &e->q[i];
        tally_present_day(q->day, d);
        tally_json_raw(b, i ? ",{\"date\":" : "{\"date\":");
        tally_json_str(b, d, strlen(d));
        num_field(b, "q05", q->q05);
        num_field(b, "q25", q->q25);
        num_field(b, "median", q->q50);
        num_field(b, "q75", q->q75);
        num_field(b, "q95", q->q95);
        quantile_texts(b, q, s->unit);
        tally_json_raw(b, q->extrapolated ? ",\"extrapolated\":true}" : ",\"extrapolated\":false}");
    }
    tally_json_raw(b, "],\"conflicts\":[");
    for (size_t i = 0; i < s->n_conflicts; i++) {
        const tally_conflict *c = &s->conflicts[i];
        char words[512];
        tally_present_conflict_words(v, s, c, words, sizeof words);
        tally_json_raw(b, i ? ",{\"bound\":" : "{\"bound\":");
        tally_json_uint(b, (size_t)v->obs.v[v->c.v[s->v[c->bound].p.cluster].lead].id);
        tally_json_raw(b, ",\"other\":");
        tally_json_uint(b, (size_t)v->obs.v[v->c.v[s->v[c->other].p.cluster].lead].id);
        tally_json_raw(b,
                       c->followed_bound ? ",\"followed\":\"bound\"" : ",\"followed\":\"other\"");
        tally_json_raw(b, ",\"why\":");
        tally_json_str(b, words, strlen(words));
        tally_json_raw(b, "}");
    }
    tally_json_raw(b, "],\"points\":[");
    for (size_t i = 0; i < s->n; i++) {
        const tally_series_point *sp = &s->v[i];
        tally_point_words w;
        tally_present_point_words(v, sp, &w);
        const tally_cluster *k = w.cluster;
        const tally_obs *lead = w.lead;
        tally_json_raw(b, i ? ",{\"date\":" : "{\"date\":");
        tally_json_str(b, w.day, strlen(w.day));
        tally_json_raw(b, ",\"bound\":\"");
        tally_json_raw(b, tally_present_bound(sp->p.bound));
        tally_json_raw(b, "\"");
        num_field(b, "value", sp->p.value);
        num_field(b, "value_high", sp->p.value_high);
        text_field(b, "value_text", sp->p.value, sp->p.value_high, lead->unit);
        tally_json_raw(b, ",\"sigma\":");
        tally_json_num(b, round(sp->p.sigma * 1000) / 1000);
        tally_json_raw(b, ",\"bias_sigma\":");
        tally_json_num(b, round(sp->p.bias_sigma * 1000) / 1000);
        tally_json_raw(b, sp->p.overruled ? ",\"overruled\":true" : ",\"overruled\":false");
        tally_json_raw(b, ",\"how\":");
        tally_json_str(b, w.how, strlen(w.how));
        /* the conversion as numbers: the series' unit is value x factor */
        tally_json_raw(b, ",\"factor_low\":");
        tally_json_num(b, sp->p.factor_lo);
        tally_json_raw(b, ",\"factor_high\":");
        tally_json_num(b, sp->p.factor_hi);
        tally_json_raw(b, ",\"unit\":");
        tally_json_str(b, lead->unit, strlen(lead->unit));
        source_fields(b, lead);
        tally_json_raw(b, ",\"grade\":\"");
        char g[2] = {sp->grade, 0};
        tally_json_raw(b, g);
        tally_json_raw(b, "\",\"claims\":[");
        for (size_t j = 0; j < k->n_members; j++) {
            if (j)
                tally_json_raw(b, ",");
            tally_json_uint(b, (size_t)v->obs.v[k->members[j]].id);
        }
        tally_json_raw(b, "]");
        if (refs) {
            tally_json_raw(b, ",\"lead\":");
            tally_json_uint(b, (size_t)lead->id);
            tally_json_raw(b, ",\"cluster\":");
            tally_json_uint(b, sp->p.cluster + 1);
        }
        tally_json_raw(b, "}");
    }
    tally_json_raw(b, "]}");
}

void tally_present_cluster(tally_buf *b, const tally_view *v, size_t number)
{
    const tally_cluster *k = &v->c.v[number - 1];
    const tally_obs *lead = &v->obs.v[k->lead];
    char fig[96];
    tally_present_figure(lead, fig, sizeof fig);
    tally_json_raw(b, "{\"cluster\":");
    tally_json_uint(b, number);
    tally_json_raw(b, ",\"lead\":");
    tally_json_uint(b, (size_t)lead->id);
    source_fields(b, lead);
    tally_json_raw(b, ",\"figure\":");
    tally_json_str(b, fig, strlen(fig));
    tally_json_raw(b, ",\"kind\":\"");
    tally_json_raw(b, tally_kind_name(lead->kind));
    tally_json_raw(b, "\",\"as_of\":");
    day_or_null(b, lead->as_of);
    tally_json_raw(b, ",\"members\":[");
    for (size_t j = 0; j < k->n_members; j++) {
        const tally_obs *m = &v->obs.v[k->members[j]];
        tally_json_raw(b, j ? ",{\"id\":" : "{\"id\":");
        tally_json_uint(b, (size_t)m->id);
        tally_json_raw(b, ",\"doc\":");
        tally_json_str(b, m->doc, strlen(m->doc));
        source_fields(b, m);
        tally_json_raw(b, "}");
    }
    tally_json_raw(b, "]}");
}

/* ---- contradictions ------------------------------------------------------------------ */

static void copy_or_empty(char *to, size_t size, const char *s)
{
    snprintf(to, size, "%s", s != NULL ? s : "");
}

static int on_doc_ref(const tally_claim_row *r, void *user)
{
    tally_doc_ref *d = user;
    copy_or_empty(d->outlet, sizeof d->outlet, r->outlet);
    copy_or_empty(d->title, sizeof d->title, r->title);
    copy_or_empty(d->date, sizeof d->date, r->date);
    copy_or_empty(d->url, sizeof d->url, r->url);
    return 0;
}

void tally_present_doc_ref(struct tally_store *s, const tally_obs *o, tally_doc_ref *d)
{
    memset(d, 0, sizeof *d);
    if (s != NULL) {
        tally_claim_filter f = {.id = o->id, .no_sentences = true};
        tally_err err = {0};
        if (tally_store_claims(s, &f, on_doc_ref, d, &err) != 0)
            memset(d, 0, sizeof *d);
    }
    if (d->outlet[0] == '\0')
        copy_or_empty(d->outlet, sizeof d->outlet, o->doc);
}

char tally_present_grade(const tally_model *m, const tally_obs *o)
{
    char g = 0;
    if (m != NULL)
        (void)tally_obs_sigma(m, o, &g, NULL);
    return g != 0 ? g : '?';
}

/* "31 Jan 2024" of a day number; "an unknown date" for none. */
static void day_words(long day, char out[24])
{
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (day == LONG_MIN) {
        strcpy(out, "an unknown date");
        return;
    }
    tally_date d = tally_date_of(day);
    snprintf(out, 24, "%d %s %d", d.day, months[(d.month - 1) % 12], d.year);
}

/* One claim as a sentence names it: its source, grade, figure, date and
 * outlet. */
typedef struct claim_words {
    char who[128], figure[96], day[24], outlet[128];
    char grade;
} claim_words;

static void claim_words_of(const tally_contra_ctx *cx, const tally_obs *o, claim_words *w)
{
    tally_doc_ref d;
    tally_present_doc_ref(cx->s, o, &d);
    snprintf(w->who, sizeof w->who, "%s", o->written != NULL ? o->written : o->source);
    if (strcmp(w->who, "author") == 0)
        snprintf(w->who, sizeof w->who, "the author of the %.100s article", d.outlet);
    tally_present_figure(o, w->figure, sizeof w->figure);
    day_words(o->as_of, w->day);
    snprintf(w->outlet, sizeof w->outlet, "%s", d.outlet);
    w->grade = tally_present_grade(cx->m, o);
}

/* `s` with its first letter a capital, for the start of a sentence. */
static const char *capital(const char *s, char *buf, size_t size)
{
    snprintf(buf, size, "%s", s);
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
    return buf;
}

/* A unit's plural for a sentence ("rounds", "containers"); another unit,
 * a currency included, as it is. */
static const char *unit_plural(const char *unit, char *buf, size_t size)
{
    tally_claim c = {0};
    if (tally_unit_parse(unit, &c) != 0 || c.unit == TALLY_UNIT_MONEY) {
        snprintf(buf, size, "%s", unit);
        return buf;
    }
    const char *d = tally_unit_term(c.unit)->display;
    snprintf(buf, size, "%.*s", (int)strcspn(d, " "), d);
    return buf;
}

/* "graded B against C", "both graded B" */
static void grades_words(char a, char b, char *buf, size_t size)
{
    if (a == b)
        snprintf(buf, size, "both are graded %c", a);
    else
        snprintf(buf, size, "they are graded %c and %c", a, b);
}

void tally_present_contradiction_words(const tally_contra_ctx *cx, const tally_contradiction *x,
                                       tally_contra_words *w)
{
    claim_words a, c;
    claim_words_of(cx, &cx->obs[x->a], &a);
    claim_words_of(cx, &cx->obs[x->b], &c);
    char *t = w->title, *s = w->sentence, cap[96];
    size_t ts = sizeof w->title, ss = sizeof w->sentence;
    switch (x->id) {
    case TALLY_CHECK_SWAPPED:
        snprintf(t, ts, "A range written backwards");
        snprintf(s, ss,
                 "%s by %s, according to %s (grade %c; %s), is a range whose larger end comes "
                 "first. Check the document before quoting it.",
                 capital(a.figure, cap, sizeof cap), a.day, a.who, a.grade, a.outlet);
        break;
    case TALLY_CHECK_CONVERSION: {
        const tally_obs *e = &cx->obs[x->a], *n = &cx->obs[x->b];
        char ratio[TALLY_NUM_TEXT_MAX], lo[TALLY_NUM_TEXT_MAX], hi[TALLY_NUM_TEXT_MAX];
        tally_num_amount(x->ratio, e->unit, ratio, sizeof ratio);
        tally_num_text(x->factor != NULL ? x->factor->low : 0, lo, sizeof lo);
        tally_num_amount(x->factor != NULL ? x->factor->high : 0, e->unit, hi, sizeof hi);
        bool own = x->factor != NULL && strcmp(x->factor->source, "model") != 0;
        char maker[160], plural[32];
        if (own)
            snprintf(maker, sizeof maker, "%.100s's own conversions run", x->factor->source);
        else
            snprintf(maker, sizeof maker, "The factors officials use run");
        snprintf(t, ts, "A conversion that does not fit its count");
        snprintf(s, ss,
                 "According to %s (grade %c; %s, %s), %s reported by %s (grade %c) amount to "
                 "%s: %s a %s. %s %s-%s a %s, so the %s were probably converted from another "
                 "count. Quote each figure with the count it was made from.",
                 a.who, a.grade, a.outlet, a.day, c.figure, c.who, c.grade, a.figure, ratio,
                 n->unit, maker, lo, hi, n->unit, unit_plural(e->unit, plural, sizeof plural));
        break;
    }
    case TALLY_CHECK_BELOW_LOWER:
    case TALLY_CHECK_ABOVE_UPPER: {
        bool lower = x->id == TALLY_CHECK_BELOW_LOWER;
        snprintf(t, ts,
                 lower ? "A total below an earlier lower bound"
                       : "A figure above a later upper bound");
        int n = snprintf(s, ss,
                         "%s by %s, according to %s (grade %c; %s), is %s the %s %s by %s, "
                         "according to %s (grade %c; %s). A running total cannot fall, so one "
                         "of the two is wrong. ",
                         capital(a.figure, cap, sizeof cap), a.day, a.who, a.grade, a.outlet,
                         lower ? "below" : "above", c.figure,
                         lower ? "already reported" : "reported as a ceiling", c.day, c.who,
                         c.grade, c.outlet);
        if (n < 0 || (size_t)n >= ss)
            break;
        char g[48];
        grades_words(a.grade, c.grade, g, sizeof g);
        if (x->follows == TALLY_FOLLOWS_A)
            snprintf(s + n, ss - (size_t)n,
                     "The estimate follows %s and sets the bound aside: its source is better "
                     "graded (%c against %c).",
                     a.figure, a.grade, c.grade);
        else
            snprintf(s + n, ss - (size_t)n,
                     "The estimate keeps the %s bound of %s: a bound holds unless a "
                     "better-graded source contradicts it, and %s.",
                     lower ? "lower" : "upper", c.figure, g);
        break;
    }
    case TALLY_CHECK_MISATTRIBUTION: {
        claim_words over, made;
        char plural[32];
        claim_words_of(cx, &cx->obs[x->from[0]], &over);
        claim_words_of(cx, &cx->obs[x->from[1]], &made);
        snprintf(t, ts, "A conversion paired with another source's count");
        snprintf(s, ss,
                 "An article in %s (%s) gives %s beside %s, according to %s (grade %c). Those "
                 "%s are the conversion by %s (grade %c) of %s (%s, %s), a different count by "
                 "a different source. Quote %s with the count of %s, not of %s.",
                 a.outlet, a.day, a.figure, over.figure, over.who, over.grade,
                 unit_plural(cx->obs[x->a].unit, plural, sizeof plural), c.who, c.grade,
                 made.figure, made.outlet, made.day, a.figure, c.who, over.who);
        break;
    }
    }
}

/* {"id":..,"doc":..,source fields,"figure":..,"as_of":..,"grade":..,
 *  "outlet":..,"title":..,"date":..,"url":..} of a claim */
static void claim_ref(tally_buf *b, const tally_contra_ctx *cx, const tally_obs *o)
{
    char fig[96];
    tally_present_figure(o, fig, sizeof fig);
    tally_doc_ref d;
    tally_present_doc_ref(cx->s, o, &d);
    char g[2] = {tally_present_grade(cx->m, o), 0};
    tally_json_raw(b, "{\"id\":");
    tally_json_uint(b, (size_t)o->id);
    tally_json_raw(b, ",\"doc\":");
    tally_json_str(b, o->doc, strlen(o->doc));
    source_fields(b, o);
    tally_json_raw(b, ",\"figure\":");
    tally_json_str(b, fig, strlen(fig));
    tally_json_raw(b, ",\"as_of\":");
    day_or_null(b, o->as_of);
    tally_json_raw(b, ",\"grade\":");
    tally_json_str(b, g, 1);
    tally_json_raw(b, ",\"outlet\":");
    tally_json_str(b, d.outlet, strlen(d.outlet));
    tally_json_raw(b, ",\"title\":");
    tally_present_str_or_null(b, d.title);
    tally_json_raw(b, ",\"date\":");
    tally_present_str_or_null(b, d.date);
    tally_json_raw(b, ",\"url\":");
    tally_present_str_or_null(b, d.url);
    tally_json_raw(b, "}");
}

void tally_present_contradiction(tally_buf *b, const tally_contra_ctx *cx,
                                 const tally_contradiction *x)
{
    const tally_obs *obs = cx->obs;
    tally_contra_words w;
    tally_present_contradiction_words(cx, x, &w);
    tally_json_raw(b, "{\"rule\":\"");
    tally_json_raw(b, x->rule);
    tally_json_raw(b, "\",\"title\":");
    tally_json_str(b, w.title, strlen(w.title));
    tally_json_raw(b, ",\"sentence\":");
    tally_json_str(b, w.sentence, strlen(w.sentence));
    tally_json_raw(b, ",\"why\":");
    tally_json_str(b, x->why, strlen(x->why));
    tally_json_raw(b, ",\"follows\":");
    if (x->follows == TALLY_FOLLOWS_NONE)
        tally_json_raw(b, "null");
    else
        tally_json_uint(b, (size_t)obs[x->follows == TALLY_FOLLOWS_A ? x->a : x->b].id);
    tally_json_raw(b, ",\"claims\":[");
    claim_ref(b, cx, &obs[x->a]);
    if (x->b != x->a) {
        tally_json_raw(b, ",");
        claim_ref(b, cx, &obs[x->b]);
    }
    tally_json_raw(b, "]");
    if (x->from[0] != SIZE_MAX && x->from[1] != SIZE_MAX) {
        /* the count each of the claims was made from */
        tally_json_raw(b, ",\"made_from\":[");
        claim_ref(b, cx, &obs[x->from[0]]);
        tally_json_raw(b, ",");
        claim_ref(b, cx, &obs[x->from[1]]);
        tally_json_raw(b, "]");
    }
    tally_json_raw(b, "}");
}

/* A unit's family as the flows group series ("count", "people", "money",
 * "measure", "carrier", "share"): people apart from the other counts, as
 * troops and workers are no munitions. */
static const char *unit_family(const char *unit)
{
    tally_claim c = {0};
    if (tally_unit_parse(unit, &c) != 0)
        return "other";
    if (c.unit == TALLY_UNIT_PERSON)
        return "people";
    unsigned fam = tally_unit_term(c.unit)->family;
    return fam & TALLY_UNIT_FAM_MONEY     ? "money"
           : fam & TALLY_UNIT_FAM_MEASURE ? "measure"
           : fam & TALLY_UNIT_FAM_CARRIER ? "carrier"
           : fam & TALLY_UNIT_FAM_SHARE   ? "share"
                                          : "count";
}

void tally_present_flow(tally_buf *b, const tally_flow *fl, bool estimate)
{
    const tally_series *s = fl->series;
    tally_json_raw(b, "{\"supplier\":\"");
    tally_json_raw(b, s->supplier);
    tally_json_raw(b, "\",\"recipient\":\"");
    tally_json_raw(b, s->recipient);
    tally_json_raw(b, "\",\"item\":\"");
    tally_json_raw(b, fl->item);
    tally_json_raw(b, "\",\"unit\":\"");
    tally_json_raw(b, s->unit);
    char plural[32];
    tally_json_raw(b, "\",\"unit_name\":");
    unit_plural(s->unit, plural, sizeof plural);
    tally_json_str(b, plural, strlen(plural));
    tally_json_raw(b, ",\"unit_family\":\"");
    tally_json_raw(b, unit_family(s->unit));
    tally_json_raw(b, "\",\"clusters\":");
    tally_json_uint(b, s->n);
    if (estimate) {
        char d[16];
        tally_present_day(fl->day, d);
        tally_json_raw(b, ",\"date\":\"");
        tally_json_raw(b, d);
        tally_json_raw(b, "\"");
        num_field(b, "q05", fl->q.q05);
        num_field(b, "q25", fl->q.q25);
        num_field(b, "median", fl->q.q50);
        num_field(b, "q75", fl->q.q75);
        num_field(b, "q95", fl->q.q95);
        quantile_texts(b, &fl->q, s->unit);
        tally_json_raw(b,
                       fl->q.extrapolated ? ",\"extrapolated\":true" : ",\"extrapolated\":false");
    }
    tally_json_raw(b, "}");
}

static const char *item_of(uint32_t item)
{
    for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
        if (item == 1u << bit)
            return tally_item_name(bit);
    return "";
}

/* ---- lines of each format --------------------------------------------------------- */

/* Whether the quantiles can be written: NaN and infinities are refused
 * (tally_buf_err), as every writer does, and their line left out. */
static bool finite_quantiles(tally_buf *b, const tally_quantiles *q)
{
    if (isfinite(q->q05) && isfinite(q->q25) && isfinite(q->q50) && isfinite(q->q75) &&
        isfinite(q->q95))
        return true;
    b->err = TALLY_EINPUT;
    return false;
}

/* A string of a table row, its control characters shown (tally/visible.h):
 * names and figures come from documents. Each of a row's strings takes a
 * buffer of its own. */
#define SHOWN(buf, s) tally_visible_str((buf), sizeof(buf), (s))

/* CSV cells of NUL-terminated strings (NULL: empty), the last ending the line. */
static void csv_cells(tally_buf *b, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tally_present_csv_cell(b, cells[i] != NULL ? cells[i] : "",
                               cells[i] != NULL ? strlen(cells[i]) : 0, i + 1 == n);
}

void tally_present_backtest_head(tally_buf *b, tally_output o)
{
    if (o == TALLY_OUTPUT_TABLE)
        tally_buf_printf(b, "%-10s %-3s %-3s %-16s %-30s %-24s %10s %10s %10s %-5s %s\n", "stated",
                         "sup", "rec", "item", "total", "source", "5%", "median", "95%", "in90",
                         "log err");
    else if (o == TALLY_OUTPUT_CSV)
        tally_json_raw(b, "claim,stated,supplier,recipient,item,unit,figure,source,estimated,q05,"
                          "q25,median,q75,q95,in50,in90,log_error\n");
}

static void backtest_object(tally_buf *b, const tally_obs *obs, const tally_backtest_case *c)
{
    const tally_obs *t = &obs[c->total];
    char d[16];
    tally_json_raw(b, "{\"claim\":");
    tally_json_uint(b, (size_t)t->id);
    tally_json_raw(b, ",\"stated\":");
    day_or_null(b, t->stated);
    tally_json_raw(b, ",\"known_by\":");
    day_or_null(b, c->known_by);
    tally_json_raw(b, ",\"supplier\":");
    tally_json_str(b, c->series.supplier, strlen(c->series.supplier));
    tally_json_raw(b, ",\"recipient\":");
    tally_json_str(b, c->series.recipient, strlen(c->series.recipient));
    tally_json_raw(b, ",\"item\":\"");
    tally_json_raw(b, item_of(c->series.item));
    tally_json_raw(b, "\",\"unit\":");
    tally_json_str(b, t->unit, strlen(t->unit));
    char fig[96];
    tally_present_figure(t, fig, sizeof fig);
    tally_json_raw(b, ",\"figure\":");
    tally_json_str(b, fig, strlen(fig));
    tally_json_raw(b, ",\"source\":");
    tally_json_str(b, t->source, strlen(t->source));
    num_field(b, "low", c->low);
    num_field(b, "high", c->high);
    tally_json_raw(b, ",\"estimated\":");
    tally_json_raw(b, c->estimated ? "true" : "false");
    if (c->estimated) {
        tally_present_day(c->q.day, d);
        tally_json_raw(b, ",\"date\":");
        tally_json_str(b, d, strlen(d));
        num_field(b, "q05", c->q.q05);
        num_field(b, "q25", c->q.q25);
        num_field(b, "median", c->q.q50);
        num_field(b, "q75", c->q.q75);
        num_field(b, "q95", c->q.q95);
        tally_json_raw(b, c->in50 ? ",\"in50\":true" : ",\"in50\":false");
        tally_json_raw(b, c->in90 ? ",\"in90\":true" : ",\"in90\":false");
        tally_json_raw(b, ",\"log_error\":");
        tally_json_num(b, round(c->log_error * 1000) / 1000);
    }
    tally_json_raw(b, "}");
}

void tally_present_backtest_line(tally_buf *b, tally_output o, const tally_obs *obs,
                                 const tally_backtest_case *c)
{
    const tally_obs *t = &obs[c->total];
    const tally_series *s = &c->series;
    char day[16], fig[96];
    tally_present_day(t->stated, day);
    tally_present_figure(t, fig, sizeof fig);
    if (o == TALLY_OUTPUT_JSON) {
        backtest_object(b, obs, c);
        TALLY_JSON_LIT(b, "\n");
    } else if (o == TALLY_OUTPUT_TABLE) {
        char bq[5][TALLY_NUM_TEXT_MAX];
        quantile_cells(&c->q, bq);
        if (c->estimated)
            tally_buf_printf(b,
                             "%-10s %-3s %-3s %-16s %-30.30s %-24.24s %10s %10s %10s %-5s %+.2f\n",
                             day, s->supplier, s->recipient, item_of(s->item), fig, t->source,
                             bq[0], bq[2], bq[4], c->in90 ? "yes" : "MISS", c->log_error);
        else
            tally_buf_printf(b, "%-10s %-3s %-3s %-16s %-30.30s %-24.24s %10s %10s %10s %-5s %s\n",
                             day, t->supplier, t->recipient, item_of(s->item), fig, t->source, "-",
                             "-", "-", "-", "nothing known before");
    } else {
        char id[32], q[5][32], err[32];
        snprintf(id, sizeof id, "%lld", (long long)t->id);
        const double qs[5] = {c->q.q05, c->q.q25, c->q.q50, c->q.q75, c->q.q95};
        for (int k = 0; k < 5; k++)
            snprintf(q[k], sizeof q[k], "%.0f", qs[k]);
        snprintf(err, sizeof err, "%.3f", c->log_error);
        bool e = c->estimated;
        const char *cells[] = {id,
                               day,
                               s->supplier,
                               s->recipient,
                               item_of(s->item),
                               t->unit,
                               fig,
                               t->source,
                               e ? "true" : "false",
                               e ? q[0] : NULL,
                               e ? q[1] : NULL,
                               e ? q[2] : NULL,
                               e ? q[3] : NULL,
                               e ? q[4] : NULL,
                               e ? (c->in50 ? "true" : "false") : NULL,
                               e ? (c->in90 ? "true" : "false") : NULL,
                               e ? err : NULL};
        csv_cells(b, cells, sizeof cells / sizeof cells[0]);
    }
}

void tally_present_backtest_tail(tally_buf *b, tally_output o, const tally_backtest_summary *s,
                                 const tally_buf *misses)
{
    double c90 = s->estimated ? (double)s->in90 / (double)s->estimated : 0;
    double c50 = s->estimated ? (double)s->in50 / (double)s->estimated : 0;
    if (o == TALLY_OUTPUT_JSON) {
        tally_buf_printf(
            b,
            "{\"summary\":true,\"cutoff\":\"%s\",\"totals\":%zu,\"estimated\":%zu,\"in50\":%zu,"
            "\"in90\":%zu,\"coverage50\":%.3f,\"coverage90\":%.3f,"
            "\"median_abs_log_error\":%.3f}\n",
            s->cutoff, s->totals, s->estimated, s->in50, s->in90, c50, c90,
            s->median_abs_log_error);
    } else if (o == TALLY_OUTPUT_TABLE) {
        tally_buf_printf(
            b,
            "\n%zu totals stated after %s, %zu estimable (their series had claims before "
            "them):\n"
            "  90 %% interval holds %zu of %zu (%.2f); 50 %% interval %zu of %zu (%.2f)\n"
            "  median |log(median / total)|: %.3f\n",
            s->totals, s->cutoff, s->estimated, s->in90, s->estimated, c90, s->in50, s->estimated,
            c50, s->median_abs_log_error);
        if (misses != NULL && misses->len > 0) {
            tally_buf_printf(b, "misses of the 90 %% interval:\n");
            tally_buf_append(b, misses->ptr, misses->len);
        }
    }
}

void tally_present_clusters_head(tally_buf *b, tally_output o)
{
    if (o == TALLY_OUTPUT_TABLE)
        tally_buf_printf(b, "%3s %-3s %-3s %-11s %24s %-10s %s\n", "n", "sup", "rec", "kind",
                         "figure", "as_of", "source");
    else if (o == TALLY_OUTPUT_CSV)
        tally_json_raw(b,
                       "cluster,claims,supplier,recipient,kind,figure,as_of,source,identity,lead,"
                       "doc\n");
}

void tally_present_cluster_line(tally_buf *b, tally_output o, const tally_view *v, size_t number)
{
    const tally_cluster *k = &v->c.v[number - 1];
    const tally_obs *lead = &v->obs.v[k->lead];
    if (o == TALLY_OUTPUT_JSON) {
        tally_present_cluster(b, v, number);
        TALLY_JSON_LIT(b, "\n");
        return;
    }
    char fig[96], day[16], n[32], id[32], no[32];
    tally_present_figure(lead, fig, sizeof fig);
    tally_present_day(lead->as_of, day);
    if (o == TALLY_OUTPUT_TABLE) {
        /* 80 columns: the source cut in its middle to what is left */
        char who[200], fit[32], v1[128], v2[256];
        tally_present_source_words(lead, who, sizeof who);
        tally_present_elide(SHOWN(v2, who), 20, fit, sizeof fit);
        tally_buf_printf(b, "%3zu %-3s %-3s %-11s %24.24s %-10s %s\n", k->n_members,
                         lead->supplier[0] ? lead->supplier : "-",
                         lead->recipient[0] ? lead->recipient : "-", tally_kind_name(lead->kind),
                         SHOWN(v1, fig), day, fit);
        return;
    }
    snprintf(no, sizeof no, "%zu", number);
    snprintf(n, sizeof n, "%zu", k->n_members);
    snprintf(id, sizeof id, "%lld", (long long)lead->id);
    const char *cells[] = {no,
                           n,
                           lead->supplier,
                           lead->recipient,
                           tally_kind_name(lead->kind),
                           fig,
                           lead->as_of != LONG_MIN ? day : NULL,
                           lead->source,
                           lead->identity != NULL ? lead->identity : lead->source,
                           id,
                           lead->doc};
    csv_cells(b, cells, sizeof cells / sizeof cells[0]);
}

void tally_present_contradictions_head(tally_buf *b, tally_output o)
{
    if (o == TALLY_OUTPUT_CSV)
        tally_json_raw(b, "rule,title,sentence,why,follows,claim,doc,other_claim,other_doc\n");
}

/* "  claim 55, grade B: Kyiv Post, "Budanov: ...", 2024-02-01" in a table */
static void contradiction_claim_line(tally_buf *b, const tally_contra_ctx *cx, const tally_obs *o,
                                     const char *role, bool wide)
{
    tally_doc_ref d;
    tally_present_doc_ref(cx->s, o, &d);
    /* the title; else nothing when the URL names the page (--wide shows
     * it), else the document's name; cut in the middle unless wide */
    char label[300] = "", fit[80];
    if (d.title[0] != '\0')
        snprintf(label, sizeof label, "\"%.250s\"", d.title);
    else if (d.url[0] == '\0')
        snprintf(label, sizeof label, "document %.250s", o->doc);
    if (!wide)
        tally_present_elide(label, 64, fit, sizeof fit);
    char line[1024];
    snprintf(line, sizeof line, "%s claim %lld (grade %c): %s%s%s%s%s", role, (long long)o->id,
             tally_present_grade(cx->m, o), d.outlet, label[0] ? ", " : "", wide ? label : fit,
             d.date[0] ? ", " : "", d.date);
    tally_wrap w = {b, 4, 8, true};
    tally_json_raw(b, "    ");
    tally_wrap_text(&w, line);
    tally_wrap_end(&w);
    if (wide && d.url[0] != '\0') {
        char url[4 * sizeof d.url + 1];
        tally_buf_printf(b, "        %s\n", SHOWN(url, d.url));
    }
}

void tally_present_contradiction_line(tally_buf *b, tally_output o, const tally_contra_ctx *cx,
                                      const tally_contradiction *x)
{
    const tally_obs *obs = cx->obs, *a = &obs[x->a], *c = &obs[x->b];
    if (o == TALLY_OUTPUT_JSON) {
        tally_present_contradiction(b, cx, x);
        TALLY_JSON_LIT(b, "\n");
        return;
    }
    tally_contra_words w;
    tally_present_contradiction_words(cx, x, &w);
    if (tally_output_table(o)) {
        bool wide = o == TALLY_OUTPUT_WIDE;
        char v1[192];
        tally_buf_printf(b, "%s (%s)\n", SHOWN(v1, w.title), x->rule);
        tally_wrap wr = {b, 4, 4, true};
        tally_json_raw(b, "    ");
        tally_wrap_text(&wr, w.sentence);
        tally_wrap_end(&wr);
        contradiction_claim_line(b, cx, a, "-", wide);
        if (x->b != x->a)
            contradiction_claim_line(b, cx, c, "-", wide);
        if (x->from[0] != SIZE_MAX && x->from[1] != SIZE_MAX) {
            contradiction_claim_line(b, cx, &obs[x->from[0]], "- counted in", wide);
            contradiction_claim_line(b, cx, &obs[x->from[1]], "- converted in", wide);
        }
        if (wide) {
            tally_wrap wr2 = {b, 4, 8, true};
            tally_json_raw(b, "    ");
            tally_wrap_word(&wr2, "rule:");
            tally_wrap_text(&wr2, x->why);
            tally_wrap_end(&wr2);
        }
        return;
    }
    char ia[32], ic[32], fo[32] = "";
    snprintf(ia, sizeof ia, "%lld", (long long)a->id);
    snprintf(ic, sizeof ic, "%lld", (long long)c->id);
    if (x->follows != TALLY_FOLLOWS_NONE)
        snprintf(fo, sizeof fo, "%lld", (long long)(x->follows == TALLY_FOLLOWS_A ? a : c)->id);
    bool two = x->b != x->a;
    const char *cells[] = {x->rule, w.title,         w.sentence,         x->why, fo, ia,
                           a->doc,  two ? ic : NULL, two ? c->doc : NULL};
    csv_cells(b, cells, sizeof cells / sizeof cells[0]);
}

void tally_present_contradictions_tail(tally_buf *b, tally_output o, size_t n, size_t claims)
{
    if (o == TALLY_OUTPUT_TABLE)
        tally_buf_printf(b, "%zu contradiction%s among %zu claims\n", n, n == 1 ? "" : "s", claims);
}

/* One line of an estimate's notes into the buffer `user`. */
static void note_line(const char *line, void *user)
{
    tally_buf_printf(user, "%s\n", line);
}

void tally_present_estimate_out(tally_buf *b, tally_output o, const tally_view *v,
                                const tally_estimate *e, const char *known_by)
{
    const tally_series *series = &e->series;
    char d[16];
    if (o == TALLY_OUTPUT_JSON) {
        tally_present_estimate(b, v, e, known_by, false);
        TALLY_JSON_LIT(b, "\n");
        return;
    }
    if (o == TALLY_OUTPUT_CSV) {
        tally_json_raw(b, "date,q05,q25,median,q75,q95,extrapolated\n");
        for (size_t i = 0; i < e->n_days; i++) {
            tally_present_day(e->q[i].day, d);
            if (finite_quantiles(b, &e->q[i]))
                tally_buf_printf(b, "%s,%.0f,%.0f,%.0f,%.0f,%.0f,%s\n", d, e->q[i].q05, e->q[i].q25,
                                 e->q[i].q50, e->q[i].q75, e->q[i].q95,
                                 e->q[i].extrapolated ? "true" : "false");
        }
        return;
    }
    const char *item = "";
    for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
        if (series->item == 1u << bit)
            item = tally_item_name(bit);
    char why[256];
    tally_present_day(series->start, d);
    char v0[64];
    tally_present_start_words(v, series, why, sizeof why);
    tally_buf_printf(b, "%s -> %s, %s, in %s: %zu clusters%s%s\n", series->supplier,
                     series->recipient, item, SHOWN(v0, series->unit), series->n,
                     known_by != NULL ? "; known by " : "", known_by != NULL ? known_by : "");
    const tally_quantiles *hq = tally_present_headline_day(e);
    if (hq != NULL && finite_quantiles(b, hq)) {
        tally_headline h;
        tally_present_headline(series, hq, e->info.last, &h);
        tally_buf_printf(b, "%s\n%s\n%s\n", h.number, h.range, h.backing);
    }
    tally_buf_printf(b, "starts at 0 on %s: %s\n", d, why);
    tally_buf_printf(b, "%-10s %8s %8s %8s %8s %8s\n", "date", "5%", "25%", "median", "75%", "95%");
    for (size_t i = 0; i < e->n_days; i++) {
        tally_present_day(e->q[i].day, d);
        if (finite_quantiles(b, &e->q[i])) {
            char q[5][TALLY_NUM_TEXT_MAX];
            quantile_cells(&e->q[i], q);
            tally_buf_printf(b, "%-10s %8s %8s %8s %8s %8s%s\n", d, q[0], q[1], q[2], q[3], q[4],
                             e->q[i].extrapolated ? "  extrapolated" : "");
        }
    }
    tally_present_estimate_notes(v, e, note_line, b);
    /* two lines a cluster, to fit 80 columns: what it says, then who says
     * it (and whom they stand for, their grade) and how it was derived */
    tally_buf_printf(b,
                     "\nclusters that drive it (under each: its source (grade), how derived):\n"
                     "%-10s %-11s %30s %s\n",
                     "date", "bound", "figure", "claims");
    for (size_t i = 0; i < series->n; i++) {
        const tally_series_point *sp = &series->v[i];
        tally_point_words w;
        tally_present_point_words(v, sp, &w);
        char who[200], fit[80], v1[256], v2[256], v3[256];
        tally_present_source_words(w.lead, who, sizeof who);
        tally_present_elide(SHOWN(v3, who), 65, fit, sizeof fit);
        tally_buf_printf(b, "%-10s %-11s %30.30s %zu%s\n", w.day, tally_present_bound(sp->p.bound),
                         SHOWN(v1, w.figure), w.cluster->n_members,
                         sp->p.overruled ? " overruled" : "");
        tally_buf_printf(b, "%-10s %s (%c)\n", "", fit, sp->grade);
        if (sp->how != TALLY_DERIVED_DIRECT)
            tally_buf_printf(b, "%-10s %.69s\n", "", SHOWN(v2, w.how));
    }
}

void tally_present_flows_head(tally_buf *b, tally_output o)
{
    if (o == TALLY_OUTPUT_CSV)
        tally_json_raw(b, "supplier,recipient,item,unit,clusters,date,q05,q25,median,q75,q95,"
                          "extrapolated\n");
    else if (o == TALLY_OUTPUT_TABLE)
        tally_buf_printf(b, "%-3s %-3s %-16s %-9s %4s %-10s %8s %8s %8s\n", "sup", "rec", "item",
                         "unit", "n", "date", "5%", "median", "95%");
}

void tally_present_flow_line(tally_buf *b, tally_output o, const tally_flow *fl)
{
    const tally_series *s = fl->series;
    char d[16];
    tally_present_day(fl->day, d);
    if (o == TALLY_OUTPUT_JSON) {
        tally_present_flow(b, fl, true);
        TALLY_JSON_LIT(b, "\n");
    } else if (!finite_quantiles(b, &fl->q)) {
        return;
    } else if (o == TALLY_OUTPUT_CSV) {
        char n[32];
        snprintf(n, sizeof n, "%zu", s->n);
        const char *cells[] = {s->supplier, s->recipient, fl->item, s->unit, n, d};
        for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
            tally_present_csv_cell(b, cells[i], strlen(cells[i]), false);
        tally_buf_printf(b, "%.0f,%.0f,%.0f,%.0f,%.0f,%s\n", fl->q.q05, fl->q.q25, fl->q.q50,
                         fl->q.q75, fl->q.q95, fl->q.extrapolated ? "true" : "false");
    } else {
        char v1[64], q[5][TALLY_NUM_TEXT_MAX];
        quantile_cells(&fl->q, q);
        tally_buf_printf(b, "%-3s %-3s %-16.16s %-9.9s %4zu %-10s %8s %8s %8s%s\n", s->supplier,
                         s->recipient, fl->item, SHOWN(v1, s->unit), s->n, d, q[0], q[2], q[4],
                         fl->q.extrapolated ? " extrapolated" : "");
    }
}

void tally_present_flows_tail(tally_buf *b, tally_output o, size_t series, const tally_view *v)
{
    if (o == TALLY_OUTPUT_TABLE)
        tally_buf_printf(b, "%zu series from %zu claims in %zu clusters\n", series, v->obs.n,
                         v->c.n);
}
