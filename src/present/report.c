/* tally: the HTML report (tally report). One self-contained page: every
 * series of tally estimate --all with its estimate, an SVG chart of its
 * monthly series and the clusters that drive it; the contradictions; the
 * sources and documents. The numbers come from the computations the
 * command line and the server share (view.c); only the HTML is here.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "tally/present.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tally/actor.h"
#include "tally/number.h"
#include "tally/when.h"

int tally_present_html(tally_buf *b, const char *s, size_t n)
{
    int rc = 0;
    size_t run = 0; /* bytes of s[i - run, i) that need no escape */
    for (size_t i = 0; i < n; i++) {
        const char *ent = NULL;
        switch (s[i]) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            run++;
            continue;
        }
        if (rc == 0 && run > 0)
            rc = tally_buf_append(b, s + i - run, run);
        if (rc == 0)
            rc = tally_buf_append(b, ent, strlen(ent));
        run = 0;
    }
    if (rc == 0 && run > 0)
        rc = tally_buf_append(b, s + n - run, run);
    return rc;
}

/* ---- writing ------------------------------------------------------------------------ */

/* A buffer written to; one that overflows is marked full (tally_buf_full),
 * which tally_report_html checks once at the end. */
typedef struct out {
    tally_buf *b;
} out;

static void put(out *o, const char *s)
{
    (void)tally_buf_append(o->b, s, strlen(s));
}

static void esc(out *o, const char *s)
{
    if (s != NULL)
        (void)tally_present_html(o->b, s, strlen(s));
}

static void putf(out *o, const char *fmt, ...) TALLY_PRINTF(2, 3);

static void putf(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tally_buf_vprintf(o->b, fmt, ap);
    va_end(ap);
}

/* A number as people read it (tally/number.h): 9.33 M, 2,500. */
static void fmt_num(double v, char out_[32])
{
    tally_num_text(v, out_, 32);
}

static const char *item_of(uint32_t item)
{
    for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
        if (item == 1u << bit)
            return tally_item_name(bit);
    return "";
}

/* "North Korea (PRK)", or the code alone. */
static void state(out *o, const char *code)
{
    const tally_actor *a = tally_country(code);
    if (a != NULL && a->name != NULL) {
        esc(o, a->name);
        put(o, " (");
        esc(o, code);
        put(o, ")");
    } else {
        esc(o, code);
    }
}

/* The anchor of a series: s-PRK-RUS-artillery-shell-round (unit bytes other
 * than letters and digits become '_'). */
static void anchor(out *o, const tally_series *s)
{
    char id[96];
    int n = snprintf(id, sizeof id, "s-%s-%s-%s-%s", s->supplier, s->recipient, item_of(s->item),
                     s->unit);
    for (int i = 0; i < n && i < (int)sizeof id - 1; i++) {
        char c = id[i];
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok)
            id[i] = '_';
    }
    put(o, id);
}

/* ---- the chart ---------------------------------------------------------------------- */

enum { CW = 760, CH = 300, ML = 58, MR = 18, MT = 22, MB = 30 };

/* Days on x, a log scale of values on y. */
typedef struct chart {
    long t0, t1;
    double v0, v1;
} chart;

static double xat(const chart *c, long day)
{
    return ML + (double)(day - c->t0) / (double)(c->t1 - c->t0) * (CW - ML - MR);
}

static double yat(const chart *c, double v)
{
    if (!(v > c->v0))
        v = c->v0;
    if (v > c->v1)
        v = c->v1;
    double f = (log10(v) - log10(c->v0)) / (log10(c->v1) - log10(c->v0));
    return (CH - MB) - f * (CH - MB - MT);
}

/* A point's figure in the series' unit, converted with the factor range
 * the estimate draws from: [lo, hi]. */
static void point_range(const tally_point *p, double *lo, double *hi)
{
    double a = p->factor_lo > 0 ? p->factor_lo : 1, b = p->factor_hi > 0 ? p->factor_hi : 1;
    double high = p->bound == TALLY_OBS_RANGE ? p->value_high : p->value;
    *lo = fmin(p->value * a, high * b);
    *hi = fmax(p->value * a, high * b);
}

static void widen(double v, double *lo, double *hi)
{
    if (v > 0 && v < *lo)
        *lo = v;
    if (v > *hi)
        *hi = v;
}

static chart chart_frame(const tally_estimate *e, const tally_flow *fl)
{
    const tally_series *s = &e->series;
    chart c = {s->start, s->start, 0, 0};
    double lo = HUGE_VAL, hi = 0;
    for (size_t i = 0; i < e->n_days; i++) {
        if (e->q[i].day > c.t1)
            c.t1 = e->q[i].day;
        widen(e->q[i].q05, &lo, &hi);
        widen(e->q[i].q95, &lo, &hi);
    }
    for (size_t i = 0; i < s->n; i++) {
        double a, b;
        point_range(&s->v[i].p, &a, &b);
        widen(a, &lo, &hi);
        widen(b, &lo, &hi);
        if (s->v[i].p.day > c.t1)
            c.t1 = s->v[i].p.day;
    }
    if (fl->rc == 0 && fl->day > c.t1)
        c.t1 = fl->day;
    if (c.t1 - c.t0 < 60) {
        c.t0 -= 30;
        c.t1 += 30;
    }
    if (!(hi > 0))
        hi = 1;
    if (!(lo < HUGE_VAL))
        lo = hi;
    c.v1 = hi * 1.6;
    c.v0 = fmax(lo / 1.6, c.v1 / 1e7);
    if (c.v1 / c.v0 < 10)
        c.v0 = c.v1 / 10;
    return c;
}

static void axes(out *o, const chart *c, const char *unit)
{
    static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    put(o, "<g class=\"axes\">");
    double decades = log10(c->v1 / c->v0);
    static const double steps[3] = {1, 2, 5};
    for (int ex = (int)floor(log10(c->v0)); ex <= (int)ceil(log10(c->v1)); ex++) {
        for (int k = 0; k < (decades < 3 ? 3 : 1); k++) {
            double v = steps[k] * pow(10, ex);
            if (v < c->v0 || v > c->v1)
                continue;
            char label[32];
            fmt_num(v, label);
            double y = yat(c, v);
            putf(o,
                 "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                 "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                 ML, CW - MR, y, y, ML - 6, y + 4, label);
        }
    }
    tally_date d0 = tally_date_of(c->t0), d1 = tally_date_of(c->t1);
    /* quarters on a short series, half-years up to six years, then years */
    int every = c->t1 - c->t0 < 800 ? 3 : c->t1 - c->t0 < 2200 ? 6 : 12;
    bool first = true;
    for (int y = d0.year; y <= d1.year; y++)
        for (int m = 1; m <= 12; m += every) {
            long day = tally_day_of((tally_date){y, m, 1}, false);
            if (day < c->t0 || day > c->t1)
                continue;
            double x = xat(c, day);
            putf(o,
                 "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
                 "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
                 x, x, CH - MB, CH - MB + 5, x, CH - MB + 18);
            if (m == 1)
                putf(o, "%d", y);
            else if (first) /* the first tick says its year too: "Jul 2022" */
                putf(o, "%s %d", months[m - 1], y);
            else
                put(o, months[m - 1]);
            put(o, "</text>");
            first = false;
        }
    putf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>", ML, CW - MR, CH - MB, CH - MB);
    putf(o, "<text class=\"unit\" x=\"%d\" y=\"%d\">", ML, MT - 8);
    esc(o, unit);
    put(o, " (log scale)</text></g>");
}

/* The path through (day, quantile) of the estimates e->q[from, to),
 * forward, then (for a band) back through the lower quantile. */
static void band(out *o, const chart *c, const tally_estimate *e, size_t from, size_t to,
                 size_t hi_off, size_t lo_off, const char *cls)
{
    putf(o, "<path class=\"%s\" d=\"", cls);
    for (size_t i = from; i < to; i++) {
        const double *q = (const double *)((const char *)&e->q[i] + hi_off);
        putf(o, "%c%.1f,%.1f", i > from ? 'L' : 'M', xat(c, e->q[i].day), yat(c, *q));
    }
    if (lo_off != hi_off) {
        for (size_t i = to; i-- > from;) {
            const double *q = (const double *)((const char *)&e->q[i] + lo_off);
            putf(o, "L%.1f,%.1f", xat(c, e->q[i].day), yat(c, *q));
        }
        put(o, "Z");
    }
    put(o, "\"/>");
}

/* The bands and the median over e->q[from, to), classed `extra` too. */
static void bands(out *o, const chart *c, const tally_estimate *e, size_t from, size_t to,
                  const char *extra)
{
    char cls[64];
    snprintf(cls, sizeof cls, "band90%s", extra);
    band(o, c, e, from, to, offsetof(tally_quantiles, q95), offsetof(tally_quantiles, q05), cls);
    snprintf(cls, sizeof cls, "band50%s", extra);
    band(o, c, e, from, to, offsetof(tally_quantiles, q75), offsetof(tally_quantiles, q25), cls);
    snprintf(cls, sizeof cls, "median%s", extra);
    band(o, c, e, from, to, offsetof(tally_quantiles, q50), offsetof(tally_quantiles, q50), cls);
}

static void mark(out *o, const chart *c, const tally_view *v, const tally_series_point *sp)
{
    tally_point_words w;
    tally_present_point_words(v, sp, &w);
    size_t n = w.cluster->n_members;
    double lo, hi;
    point_range(&sp->p, &lo, &hi);
    double x = xat(c, sp->p.day), ylo = yat(c, lo), yhi = yat(c, hi), ymid = (ylo + yhi) / 2;
    putf(o, "<g class=\"mark\" data-bound=\"%s\"><title>%s: %s ", tally_present_bound(sp->p.bound),
         w.day, tally_present_bound(sp->p.bound));
    esc(o, w.figure);
    put(o, " (");
    esc(o, w.how);
    put(o, "), ");
    esc(o, w.lead->source);
    putf(o, " (%c), %zu claim%s</title>", sp->grade, n, n == 1 ? "" : "s");
    bool bar = ylo - yhi > 2;
    if (bar)
        putf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"5\" height=\"%.1f\" rx=\"2\"/>", x - 2.5, yhi,
             ylo - yhi);
    if (sp->p.bound == TALLY_OBS_LOWER)
        putf(o, "<path class=\"caret\" d=\"M%.1f,%.1fL%.1f,%.1fL%.1f,%.1fZ\"/>", x - 5, yhi + 3, x,
             yhi - 6, x + 5, yhi + 3);
    else if (sp->p.bound == TALLY_OBS_UPPER)
        putf(o, "<path class=\"caret\" d=\"M%.1f,%.1fL%.1f,%.1fL%.1f,%.1fZ\"/>", x - 5, ylo - 3, x,
             ylo + 6, x + 5, ylo - 3);
    else if (sp->p.bound == TALLY_OBS_POINT || !bar) /* a range too narrow to see is a dot */
        putf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>", x, ymid);
    put(o, "</g>");
}

static bool finite_quantiles(const tally_quantiles *q)
{
    return isfinite(q->q05) && isfinite(q->q25) && isfinite(q->q50) && isfinite(q->q75) &&
           isfinite(q->q95);
}

/* Whether every number the chart of `e` draws from is finite: SVG has no
 * way to say NaN ("-nan" in a path breaks the chart), so one that is not is
 * refused (tally_buf_err) and nothing drawn. */
static bool chart_finite(const tally_estimate *e)
{
    for (size_t i = 0; i < e->n_days; i++)
        if (!finite_quantiles(&e->q[i]))
            return false;
    for (size_t i = 0; i < e->series.n; i++) {
        double lo, hi;
        point_range(&e->series.v[i].p, &lo, &hi);
        if (!isfinite(lo) || !isfinite(hi))
            return false;
    }
    return true;
}

static void svg_chart(out *o, const tally_view *v, const tally_estimate *e, const tally_flow *fl)
{
    const tally_series *s = &e->series;
    if (!chart_finite(e)) {
        o->b->err = TALLY_EINPUT;
        return;
    }
    chart c = chart_frame(e, fl);
    putf(o,
         "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
         "role=\"img\"><title>",
         CW, CH);
    putf(o, "%s to %s, %s, in ", s->supplier, s->recipient, item_of(s->item));
    esc(o, s->unit);
    put(o, ": the monthly estimate (median, 50 % and 90 % intervals) and its clusters</title>");
    axes(o, &c, s->unit);
    /* the evidence's span solid; after the last evidence, extrapolated: dashed */
    size_t k = 0;
    while (k < e->n_days && !e->q[k].extrapolated)
        k++;
    if (k > 0)
        bands(o, &c, e, 0, k, "");
    if (k < e->n_days)
        bands(o, &c, e, k > 0 ? k - 1 : 0, e->n_days, " extrapolated");
    if (fl->rc == 0 && fl->day >= c.t0 && fl->day <= c.t1) {
        double x = xat(&c, fl->day);
        char d[16];
        tally_present_day(fl->day, d);
        putf(o,
             "<line class=\"at\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
             "<text class=\"at\" x=\"%.1f\" y=\"%d\" text-anchor=\"end\">%s</text>",
             x, x, MT, CH - MB, x - 3, MT + 10, d);
    }
    put(o, "<g class=\"marks\">");
    for (size_t i = 0; i < s->n; i++)
        mark(o, &c, v, &s->v[i]);
    put(o, "</g></svg>\n");
}

/* ---- the series ----------------------------------------------------------------------- */

struct report {
    out body, toc;
    const tally_view *v;
    const tally_model *m;
    const tally_report_opts *o;
    size_t n_series;
};

/* The monthly estimates as a table beside the chart: each date's
 * cumulative median and intervals, and what the median added since the
 * line before (the months after the last evidence in italics). */
static void months(out *o, const tally_estimate *e)
{
    put(o, "<div class=\"tw\"><table class=\"months\"><caption>Month by month, in ");
    esc(o, e->series.unit);
    put(o, "</caption><thead><tr><th>date</th><th class=\"num\">median</th>"
           "<th class=\"num\">50 %</th><th class=\"num\">90 %</th>"
           "<th class=\"num\" title=\"the median's change since the line before\">added</th>"
           "</tr></thead><tbody>\n");
    double before = 0;
    for (size_t i = 0; i < e->n_days; i++) {
        const tally_quantiles *q = &e->q[i];
        char d[16], med[TALLY_NUM_TEXT_MAX], i50[TALLY_NUM_TEXT_MAX], i90[TALLY_NUM_TEXT_MAX],
            add[TALLY_NUM_TEXT_MAX];
        tally_present_day(q->day, d);
        tally_num_text(q->q50, med, sizeof med);
        tally_num_range(q->q25, q->q75, NULL, i50, sizeof i50);
        tally_num_range(q->q05, q->q95, NULL, i90, sizeof i90);
        tally_num_text(q->q50 - before, add, sizeof add);
        before = q->q50;
        putf(o, "<tr%s><td>%s</td><td class=\"num\">",
             q->extrapolated ? " class=\"extrapolated\"" : "", d);
        esc(o, med);
        put(o, "</td><td class=\"num\">");
        esc(o, i50);
        put(o, "</td><td class=\"num\">");
        esc(o, i90);
        put(o, "</td><td class=\"num\">");
        esc(o, add);
        put(o, "</td></tr>\n");
    }
    put(o, "</tbody></table></div>");
}

static void drivers(out *o, const tally_view *v, const tally_series *s)
{
    put(o, "<table class=\"clusters\"><caption>The <a href=\"#term-cluster\">clusters</a> that "
           "drive it</caption><thead><tr><th>date</th><th>bound</th><th>figure</th>"
           "<th>how derived</th><th>source (<a href=\"#term-grade\">grade</a>)</th><th>claims</th>"
           "</tr></thead><tbody>\n");
    for (size_t i = 0; i < s->n; i++) {
        const tally_series_point *sp = &s->v[i];
        tally_point_words w;
        tally_present_point_words(v, sp, &w);
        const tally_cluster *k = w.cluster;
        putf(o, "<tr><td>%s</td><td>%s</td><td class=\"num\">", w.day,
             tally_present_bound(sp->p.bound));
        esc(o, w.figure);
        put(o, "</td><td>");
        esc(o, w.how);
        put(o, "</td><td>");
        esc(o, w.lead->source);
        putf(o, " (<a href=\"#grade-%c\">%c</a>)</td><td>%zu:", sp->grade, sp->grade, k->n_members);
        for (size_t j = 0; j < k->n_members; j++) {
            const tally_obs *mb = &v->obs.v[k->members[j]];
            putf(o, "%s<span title=\"", j ? ", " : " ");
            esc(o, mb->doc);
            putf(o, "\">#%lld</span>", (long long)mb->id);
        }
        put(o, "</td></tr>\n");
    }
    put(o, "</tbody></table>\n");
}

static void note(const char *line, void *user)
{
    out *o = user;
    put(o, "<li>");
    esc(o, line);
    put(o, "</li>");
}

static void on_flow(const tally_flow *fl, void *user)
{
    struct report *r = user;
    out *o = &r->body, *t = &r->toc;
    const tally_series *s = fl->series;
    const char *item = fl->item;
    put(o, "<section class=\"series\" id=\"");
    anchor(o, s);
    put(o, "\"><h2>");
    state(o, s->supplier);
    put(o, " &rarr; ");
    state(o, s->recipient);
    putf(o, ": %s, in ", item);
    esc(o, s->unit);
    put(o, "</h2>\n");
    put(t, "<tr><td><a href=\"#");
    anchor(t, s);
    putf(t, "\">%s &rarr; %s</a></td><td>%s</td><td>", s->supplier, s->recipient, item);
    esc(t, s->unit);
    putf(t, "</td><td class=\"num\">%zu</td>", s->n);

    char d[16];
    tally_present_day(fl->day, d);
    if (fl->rc != 0) {
        put(o, "<p class=\"error\">No estimate: ");
        esc(o, fl->err->msg);
        put(o, "</p>\n");
        put(t, "<td colspan=\"3\">no estimate</td></tr>\n");
    } else if (!finite_quantiles(&fl->q)) {
        o->b->err = TALLY_EINPUT; /* refused, as by every writer */
    } else {
        r->n_series++;
        char med[32];
        fmt_num(fl->q.q50, med);
        putf(o,
             "<p class=\"estimate\" data-date=\"%s\" data-median=\"%.0f\" data-q05=\"%.0f\" "
             "data-q25=\"%.0f\" data-q75=\"%.0f\" data-q95=\"%.0f\" data-extrapolated=\"%s\">",
             d, round(fl->q.q50), round(fl->q.q05), round(fl->q.q25), round(fl->q.q75),
             round(fl->q.q95), fl->q.extrapolated ? "true" : "false");
        /* the headline: the number, its intervals in words, the date, since
         * when it is extrapolated, and how many sources stand behind it */
        tally_headline h;
        tally_present_headline(s, &fl->q, fl->info.last, &h);
        put(o, "<strong class=\"median\">");
        esc(o, h.median);
        putf(o, "</strong> by %s", h.day);
        if (h.since[0] != '\0')
            putf(o,
                 ", <span class=\"extrapolated\">extrapolated since %s</span> (after the last "
                 "evidence, the recent rate carried on)",
                 h.since);
        put(o, ".<br>");
        esc(o, h.range);
        put(o, "; ");
        esc(o, h.backing);
        put(o, ".</p>\n");
        putf(t, "<td>%s</td><td class=\"num\">%s</td><td class=\"num\">", d, med);
        char a[TALLY_NUM_TEXT_MAX];
        tally_num_range(fl->q.q05, fl->q.q95, NULL, a, sizeof a);
        putf(t, "%s</td></tr>\n", a);
    }

    /* the monthly series and the clusters as tally estimate prints them:
     * the same computation on the same view */
    tally_estimate e;
    tally_err err = {0};
    int rc = tally_view_estimate(r->v, r->m, s->supplier, s->recipient, s->item, s->unit, NULL,
                                 r->o->known_by, r->o->draws, &e, &err);
    if (rc == 0) {
        put(o, "<div class=\"pair\">");
        svg_chart(o, r->v, &e, fl);
        months(o, &e);
        put(o, "</div>\n");
        put(o,
            "<p class=\"legend\"><span class=\"k90\"></span><a href=\"#term-interval\">90 % "
            "interval</a> <span class=\"k50\"></span><a href=\"#term-interval\">50 % interval</a> "
            "<span class=\"kmed\"></span><a href=\"#term-estimate\">median</a> (dashed after the "
            "last evidence: <a href=\"#term-extrapolated\">extrapolated</a> at the recent rate); "
            "marks: &#9679; a <a href=\"#term-point\">figure</a>, &#9650; at least (a <a "
            "href=\"#term-lower-bound\">lower bound</a>), &#9660; at most (an <a "
            "href=\"#term-upper-bound\">upper bound</a>), &#9646; a <a "
            "href=\"#term-range\">range</a> "
            "(or a <a href=\"#term-conversion\">converted</a> figure's factor range)</p>\n");
        char why[256], start[16];
        tally_present_start_words(r->v, &e.series, why, sizeof why);
        tally_present_day(e.series.start, start);
        putf(o, "<ul class=\"notes\"><li>0 until %s: ", start);
        esc(o, why);
        put(o, "</li>");
        tally_present_estimate_notes(r->v, &e, note, o);
        put(o, "</ul>\n");
        drivers(o, r->v, &e.series);
    } else {
        put(o, "<p class=\"error\">No monthly series: ");
        esc(o, err.msg);
        put(o, "</p>\n");
    }
    tally_estimate_free(&e);
    put(o, "</section>\n");
}

/* ---- contradictions, sources, documents ------------------------------------------------ */

struct contra {
    out *o;
    tally_contra_ctx cx;
    size_t n;
};

static bool is_web_url(const char *u);

/* One claim of a contradiction: its source, grade and figure, and its
 * document by outlet and title, linked to its URL. */
static void claim_ref(out *o, const tally_contra_ctx *cx, const tally_obs *c, const char *role)
{
    char fig[96];
    tally_present_figure(c, fig, sizeof fig);
    tally_doc_ref d;
    tally_present_doc_ref(cx->s, c, &d);
    put(o, "<li>");
    esc(o, role);
    esc(o, c->written != NULL ? c->written : c->source);
    putf(o, " (grade %c): ", tally_present_grade(cx->m, c));
    esc(o, fig);
    put(o, " &middot; ");
    esc(o, d.outlet);
    put(o, ", ");
    if (is_web_url(d.url)) {
        put(o, "<a href=\"");
        esc(o, d.url);
        put(o, "\">");
    }
    if (d.title[0] != '\0') {
        put(o, "&ldquo;");
        esc(o, d.title);
        put(o, "&rdquo;");
    } else if (is_web_url(d.url)) {
        put(o, "the article");
    } else {
        put(o, "document ");
        esc(o, c->doc);
    }
    if (is_web_url(d.url))
        put(o, "</a>");
    if (d.date[0] != '\0') {
        put(o, ", ");
        esc(o, d.date);
    }
    putf(o, " <span class=\"id\">(claim #%lld)</span></li>", (long long)c->id);
}

static void on_contradiction(const tally_contradiction *x, void *user)
{
    struct contra *c = user;
    out *o = c->o;
    const tally_obs *obs = c->cx.obs;
    c->n++;
    tally_contra_words w;
    tally_present_contradiction_words(&c->cx, x, &w);
    put(o, "<li class=\"contradiction\"><h3>");
    esc(o, w.title);
    put(o, "</h3>\n<p>");
    esc(o, w.sentence);
    put(o, "</p>\n<ul>");
    claim_ref(o, &c->cx, &obs[x->a], "");
    if (x->b != x->a)
        claim_ref(o, &c->cx, &obs[x->b], "");
    if (x->from[0] != SIZE_MAX && x->from[1] != SIZE_MAX) {
        claim_ref(o, &c->cx, &obs[x->from[0]], "counted by ");
        claim_ref(o, &c->cx, &obs[x->from[1]], "converted by ");
    }
    put(o, "</ul>\n<details><summary>the rule: ");
    esc(o, x->rule);
    put(o, "</summary><p>");
    esc(o, x->why);
    put(o, "</p></details></li>\n");
}

static bool is_web_url(const char *u)
{
    return u != NULL && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0);
}

static int on_source(const tally_source_row *row, void *user)
{
    out *o = user;
    put(o, "<tr><td>");
    esc(o, row->name);
    put(o, "</td><td>");
    esc(o, row->kind);
    put(o, "</td><td>");
    esc(o, row->country != NULL ? row->country : "");
    putf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>\n",
         (long long)row->claims, (long long)row->documents);
    return 0;
}

static int on_doc(const tally_doc_row *row, void *user)
{
    out *o = user;
    put(o, "<tr><td>");
    esc(o, row->date != NULL ? row->date : "");
    put(o, "</td><td>");
    /* a document without a title (a curated record's row) is named by its
     * outlet, date and URL, never by a fragment of its URL */
    if (row->title != NULL && row->title[0] != '\0')
        esc(o, row->title);
    else
        put(o, "<span class=\"untitled\">no title stored</span>");
    put(o, "</td><td>");
    esc(o, row->outlet != NULL ? row->outlet : "");
    putf(o, "</td><td class=\"num\">%lld</td><td class=\"url\">", (long long)row->claims);
    /* only web addresses become links: a stored URL is the document's word */
    if (is_web_url(row->url)) {
        put(o, "<a href=\"");
        esc(o, row->url);
        put(o, "\" rel=\"noopener noreferrer\">");
        esc(o, row->url);
        put(o, "</a>");
    } else {
        esc(o, row->url != NULL ? row->url : row->key);
    }
    put(o, "</td></tr>\n");
    return 0;
}

/* ---- the page ------------------------------------------------------------------------ */

static const char style[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2329;"
    "margin:0 auto;padding:1.5rem}"
    "h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:2rem 0 .3rem;"
    "border-top:1px solid #d5dae0;padding-top:1rem}"
    ".meta{color:#4b5561}table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem;"
    "width:100%}caption{text-align:left;font-weight:600;padding:.3rem 0}"
    "th,td{border-bottom:1px solid #e3e7eb;padding:.25rem .45rem;text-align:left;"
    "vertical-align:top}th{background:#f3f5f7}td.num{text-align:right;"
    "font-variant-numeric:tabular-nums;white-space:nowrap}td.url{word-break:break-all}"
    "td ul{margin:0;padding-left:1rem}.estimate{font-size:1.05rem}"
    ".error{color:#a12}.untitled{color:#4b5561;font-style:italic}svg.chart{width:100%;height:auto;"
    "display:block}"
    ".pair{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}"
    ".pair>svg.chart{flex:3 1 520px;min-width:0;max-width:1000px}"
    ".pair>.tw{flex:1 1 300px;min-width:0}table.months{margin-top:0}"
    "tr.extrapolated td{font-style:italic;color:#4b5561}.tw{overflow-x:auto}"
    "@media (max-width:600px){body{padding:.6rem}table{display:block;overflow-x:auto}"
    "td,th{word-break:break-word}}"
    ".axes line{stroke:#7b8591;stroke-width:1}.axes line.grid{stroke:#e3e7eb}"
    ".axes text{font-size:11px;fill:#4b5561}.axes text.unit{font-weight:600}"
    ".band90{fill:#c9dcf0}.band50{fill:#8fb6df}.median{fill:none;stroke:#1f5fa3;"
    "stroke-width:2}.median.extrapolated{stroke-dasharray:6 4}"
    ".band90.extrapolated,.band50.extrapolated{fill-opacity:.55}line.at{stroke:#a12;stroke-"
    "dasharray:4 3}text.at{font-size:11px;"
    "fill:#a12}.marks g{fill:#d9822b;stroke:#5a3410;stroke-width:1}"
    ".legend{font-size:.8rem;color:#4b5561}.legend span{display:inline-block;width:1.4em;"
    "height:.8em;margin:0 .3em 0 .8em;vertical-align:middle}.k90{background:#c9dcf0}"
    ".k50{background:#8fb6df}.kmed{height:2px!important;background:#1f5fa3}"
    "a{color:#1f5fa3}@media print{h2{break-before:auto}section{break-inside:avoid-page}}";

/* The earliest and latest day of the claims: each one's as_of, else stated. */
static void date_range(const tally_view *v, long *lo, long *hi)
{
    *lo = LONG_MAX;
    *hi = LONG_MIN;
    for (size_t i = 0; i < v->obs.n; i++) {
        long d = v->obs.v[i].as_of != LONG_MIN ? v->obs.v[i].as_of : v->obs.v[i].stated;
        if (d == LONG_MIN)
            continue;
        if (d < *lo)
            *lo = d;
        if (d > *hi)
            *hi = d;
    }
    if (*lo == LONG_MAX)
        *lo = LONG_MIN;
}

/* ---- who gives the most ---------------------------------------------------------- */

/* The state that receives from the most partners (then in the most claims,
 * then the first code): the one the report's first section is about. */
static const char *main_recipient(const tally_view *v, char code[4])
{
    struct pair {
        char rec[4], sup[4];
    } *pairs = tally_xmalloc((v->c.n ? v->c.n : 1) * sizeof *pairs);
    size_t n = 0;
    for (size_t i = 0; i < v->c.n; i++) {
        const tally_obs *o = &v->obs.v[v->c.v[i].lead];
        if (o->recipient[0] == '\0' || o->supplier[0] == '\0' ||
            strcmp(o->recipient, o->supplier) == 0)
            continue;
        memcpy(pairs[n].rec, o->recipient, 4);
        memcpy(pairs[n].sup, o->supplier, 4);
        n++;
    }
    size_t best_partners = 0, best_claims = 0;
    code[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        bool seen = false; /* counted with an earlier pair of the same recipient */
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(pairs[j].rec, pairs[i].rec) == 0;
        if (seen)
            continue;
        size_t partners = 0, claims = 0;
        for (size_t j = i; j < n; j++) {
            if (strcmp(pairs[j].rec, pairs[i].rec) != 0)
                continue;
            claims++;
            bool again = false;
            for (size_t k = i; k < j && !again; k++)
                again = strcmp(pairs[k].rec, pairs[i].rec) == 0 &&
                        strcmp(pairs[k].sup, pairs[j].sup) == 0;
            partners += !again;
        }
        if (partners > best_partners || (partners == best_partners && claims > best_claims) ||
            (partners == best_partners && claims == best_claims &&
             strcmp(pairs[i].rec, code) < 0)) {
            best_partners = partners;
            best_claims = claims;
            memcpy(code, pairs[i].rec, 4);
        }
    }
    free(pairs);
    return code[0] != '\0' ? code : NULL;
}

static const char *const ordinals[] = {"largest", "second",  "third",  "fourth", "fifth",
                                       "sixth",   "seventh", "eighth", "ninth",  "tenth"};

static const char *country_name(const char *code)
{
    const tally_actor *a = tally_country(code);
    return a != NULL ? a->name : code;
}

/* An amount in dollars in words: "$22.7 bn", "$540 M". */
static void dollars(double v, char *buf, size_t size)
{
    tally_num_amount(v, "USD", buf, size);
}

/* A partner's median and 90 % interval in words. */
typedef struct interval_words {
    char q50[TALLY_NUM_TEXT_MAX], q05[TALLY_NUM_TEXT_MAX], q95[TALLY_NUM_TEXT_MAX];
} interval_words;

static interval_words interval_of(const tally_quantiles *q)
{
    interval_words w;
    dollars(q->q50, w.q50, sizeof w.q50);
    dollars(q->q05, w.q05, sizeof w.q05);
    dollars(q->q95, w.q95, sizeof w.q95);
    return w;
}

/* The first section: who gives the main recipient the most, in words, with
 * the caveats (coverage, what is not priced, what is read at its last
 * evidence). */
static void partners_section(out *page, const tally_view *v, const tally_model *m,
                             const tally_report_opts *o, long day)
{
    char state[4], d[16], why[512];
    if (o->prices == NULL || main_recipient(v, state) == NULL)
        return;
    tally_ranking r;
    tally_err err = {0};
    if (tally_rank(m, o->prices, v->obs.v, v->obs.n, &v->c, state, true, TALLY_RANK_VALUE, day, 0,
                   false, &r, &err) != 0)
        return;
    tally_present_day(day, d);
    const char *name = country_name(state);
    put(page, "<section id=\"partners\"><h2>Who gives ");
    esc(page, name);
    put(page, " the most?</h2>\n<p class=\"answer\">By value in ");
    putf(page, "%d US dollars on <time>%s</time>: ", r.base_year, d);
    if (r.n_ranked == 0)
        put(page, "no partner has a priced delivery.");
    for (size_t k = 0; k < r.n_ranked; k++) {
        const tally_rank_partner *pa = &r.v[k];
        interval_words w = interval_of(&pa->total);
        put(page, k == 0 ? "<strong>" : (k + 1 == r.n_ranked ? "; and " : "; "));
        esc(page, country_name(pa->state));
        if (k == 0) {
            put(page, "</strong> is ");
            esc(page, name);
            put(page, "'s largest supplier");
        } else if (k < sizeof ordinals / sizeof ordinals[0]) {
            putf(page, " %s", ordinals[k]);
        } else {
            putf(page, " #%zu", k + 1);
        }
        putf(page,
             " with probability <span class=\"p\" data-partner=\"%s\">%.2f</span> (median "
             "%s, 90 %% interval %s to %s)",
             pa->state, pa->p_rank[k], w.q50, w.q05, w.q95);
    }
    put(page, ".</p>\n<table class=\"partners\"><thead><tr><th>rank</th><th>partner</th>"
              "<th>median</th><th>90 % interval</th><th>P(rank 1, 2, ...)</th></tr></thead>"
              "<tbody>\n");
    for (size_t k = 0; k < r.n_ranked; k++) {
        const tally_rank_partner *pa = &r.v[k];
        interval_words w = interval_of(&pa->total);
        putf(page, "<tr><td>%zu</td><td>", k + 1);
        esc(page, country_name(pa->state));
        putf(page, "</td><td>%s</td><td>%s to %s</td><td>", w.q50, w.q05, w.q95);
        for (size_t j = 0; j < r.n_ranked; j++)
            putf(page, "%s%.2f", j ? " " : "", pa->p_rank[j]);
        put(page, "</td></tr>\n");
    }
    put(page, "</tbody></table>\n<p class=\"caveats\">Caveats. Each partner is the sum of its "
              "series, each the estimate of <code>tally estimate</code> read on that day or at "
              "its last evidence when that is earlier, times a published unit price drawn "
              "within its range (<code>data/prices.tsv</code>); rank probabilities are the "
              "share of draws in which a partner holds that rank. ");
    size_t unpriced = 0;
    for (size_t k = 0; k < r.n; k++) {
        const tally_rank_partner *pa = &r.v[k];
        for (size_t j = 0; j < pa->n_parts; j++) {
            if (pa->parts[j].lack == TALLY_LACK_NONE)
                continue;
            tally_rank_lack_words(pa->parts[j].lack, &pa->parts[j], why, sizeof why);
            put(page, unpriced++ == 0 ? "Not counted: " : "; ");
            esc(page, country_name(pa->state));
            put(page, ", ");
            esc(page, why);
        }
    }
    if (unpriced > 0)
        put(page, ". ");
    for (size_t k = r.n_ranked; k < r.n; k++) {
        const tally_rank_partner *pa = &r.v[k];
        tally_rank_lack_words(pa->lack, pa->n_parts ? &pa->parts[0] : NULL, why, sizeof why);
        put(page, k == r.n_ranked ? "Not ranked: " : "; ");
        esc(page, country_name(pa->state));
        put(page, " (");
        esc(page, why);
        put(page, ")");
    }
    if (r.n > r.n_ranked)
        put(page, ". ");
    size_t claims = 0;
    for (size_t k = 0; k < r.n; k++)
        claims += r.v[k].claims;
    putf(page,
         "Coverage: %zu claims from %zu partners; what no source reported is not here.</p>"
         "</section>\n",
         claims, r.n);
    tally_ranking_free(&r);
}

int tally_report_html(tally_buf *b, struct tally_store *s, const tally_view *v,
                      const tally_model *m, const tally_report_opts *o, tally_err *err)
{
    int rc = 0;
    out page = {b};
    tally_buf toc_buf, body_buf;
    tally_buf_init(&toc_buf, b->max);
    tally_buf_init(&body_buf, b->max);
    struct report r = {{&body_buf}, {&toc_buf}, v, m, o, 0};
    tally_view_flows(v, m, o->at, o->draws, true, on_flow, &r);

    long lo, hi;
    char d0[16], d1[16], at[16] = "";
    date_range(v, &lo, &hi);
    tally_present_day(lo, d0);
    tally_present_day(hi, d1);
    if (o->at != NULL)
        tally_present_day(tally_day_of(*o->at, true), at);

    put(&page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'\">\n<title>tally report: transfers between states, ");
    putf(&page, "%s to %s</title>\n<style>%s</style>\n</head>\n<body>\n", d0, d1, style);
    put(&page, "<header><h1>Transfers between states: sourced estimates</h1>\n");
    putf(&page,
         "<p class=\"meta\">Claims dated <time>%s</time> to <time>%s</time>: %zu claims "
         "in %zu echo clusters; ",
         d0, d1, v->obs.n, v->c.n);
    if (o->known_by != NULL) {
        put(&page, "only claims stated by ");
        esc(&page, o->known_by);
        put(&page, "; ");
    }
    if (at[0])
        putf(&page, "estimates on %s", at);
    else
        put(&page, "each series estimated at its last claim");
    if (o->db != NULL) {
        put(&page, ". Database: ");
        esc(&page, o->db);
    }
    put(&page, ". Made by tally report: the median and the 50 % and 90 % intervals of the "
               "cumulative quantity sent, each echo cluster counted once.</p></header>\n");

    partners_section(&page, v, m, o, o->at != NULL ? tally_day_of(*o->at, true) : hi);
    putf(&page,
         "<nav><h2>Series (%zu)</h2>\n<table class=\"flows\"><thead><tr><th>series</th>"
         "<th>item</th><th>unit</th><th>clusters</th><th>date</th><th>median</th>"
         "<th>90 %% interval</th></tr></thead><tbody>\n",
         r.n_series);
    (void)tally_buf_append(b, toc_buf.ptr != NULL ? toc_buf.ptr : "", toc_buf.len);
    put(&page, "</tbody></table>\n<p><a href=\"#relations\">Relations</a> &middot; "
               "<a href=\"#contradictions\">Contradictions</a> &middot; "
               "<a href=\"#sources\">Sources</a> &middot; <a href=\"#documents\">Documents</a>"
               " &middot; <a href=\"#method\">Terms and method</a>"
               "</p></nav>\n<main>\n");
    (void)tally_buf_append(b, body_buf.ptr != NULL ? body_buf.ptr : "", body_buf.len);

    rc = tally_report_relations(b, s, v, o->known_by, err);
    if (rc != 0)
        goto out;
    out con = {b};
    put(&page, "<section id=\"contradictions\"><h2>Contradictions</h2>\n"
               "<ol class=\"contradictions\">\n");
    struct contra c = {&con, {m, v->obs.v, s}, 0};
    tally_check(m, v->obs.v, v->obs.n, &v->c, on_contradiction, &c);
    putf(&page, "</ol>\n<p>%zu contradiction%s among %zu claims.</p></section>\n", c.n,
         c.n == 1 ? "" : "s", v->obs.n);

    put(&page, "<section id=\"sources\"><h2>Sources</h2>\n<table class=\"sources\"><thead><tr>"
               "<th>source</th><th>kind</th><th>country</th><th>claims</th><th>documents</th>"
               "</tr></thead><tbody>\n");
    rc = tally_store_sources(s, on_source, &page, err);
    if (rc != 0)
        goto out;
    put(&page, "</tbody></table></section>\n<section id=\"documents\"><h2>Documents</h2>\n"
               "<table class=\"documents\"><thead><tr><th>date</th><th>title</th><th>outlet</th>"
               "<th>claims</th><th>URL</th></tr></thead><tbody>\n");
    rc = tally_store_docs(s, on_doc, &page, err);
    if (rc != 0)
        goto out;
    put(&page, "</tbody></table></section>\n");
    tally_present_method_html(b, m, false);
    put(&page, "</main>\n</body>\n</html>\n");
    if (tally_buf_full(b) || tally_buf_full(&body_buf) || tally_buf_full(&toc_buf))
        rc = tally_err_set(err, TALLY_ELIMIT, "the report is larger than %zu bytes", b->max);
    else if (tally_buf_err(&body_buf) != 0 || tally_buf_err(&toc_buf) != 0)
        rc = tally_err_set(err, TALLY_EINPUT,
                           "an estimate or a claim's figure is not a finite number: no report");
out:
    tally_buf_free(&toc_buf);
    tally_buf_free(&body_buf);
    return rc;
}
