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

#include "tally/json.h"

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

/* ,"key":N with N rounded to a whole number */
static void num_field(tally_buf *b, const char *key, double v)
{
    tally_json_raw(b, ",\"");
    tally_json_raw(b, key);
    tally_json_raw(b, "\":");
    tally_json_num(b, round(v));
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
    tally_present_day(s->start, d);
    tally_json_raw(b, ",\"start\":");
    tally_json_str(b, d, strlen(d));
    tally_json_raw(b, ",\"known_by\":");
    tally_present_str_or_null(b, known_by);
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
        tally_json_raw(b, ",\"sigma\":");
        tally_json_num(b, round(sp->p.sigma * 1000) / 1000);
        tally_json_raw(b, ",\"how\":");
        tally_json_str(b, w.how, strlen(w.how));
        /* the conversion as numbers: the series' unit is value x factor */
        tally_json_raw(b, ",\"factor_low\":");
        tally_json_num(b, sp->p.factor_lo);
        tally_json_raw(b, ",\"factor_high\":");
        tally_json_num(b, sp->p.factor_hi);
        tally_json_raw(b, ",\"unit\":");
        tally_json_str(b, lead->unit, strlen(lead->unit));
        tally_json_raw(b, ",\"source\":");
        tally_json_str(b, lead->source, strlen(lead->source));
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
    tally_json_raw(b, ",\"source\":");
    tally_json_str(b, lead->source, strlen(lead->source));
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
        tally_json_raw(b, ",\"source\":");
        tally_json_str(b, m->source, strlen(m->source));
        tally_json_raw(b, "}");
    }
    tally_json_raw(b, "]}");
}

static void claim_ref(tally_buf *b, const tally_obs *o)
{
    char fig[96];
    tally_present_figure(o, fig, sizeof fig);
    tally_json_raw(b, "{\"id\":");
    tally_json_uint(b, (size_t)o->id);
    tally_json_raw(b, ",\"doc\":");
    tally_json_str(b, o->doc, strlen(o->doc));
    tally_json_raw(b, ",\"source\":");
    tally_json_str(b, o->source, strlen(o->source));
    tally_json_raw(b, ",\"figure\":");
    tally_json_str(b, fig, strlen(fig));
    tally_json_raw(b, ",\"as_of\":");
    day_or_null(b, o->as_of);
    tally_json_raw(b, "}");
}

void tally_present_contradiction(tally_buf *b, const tally_obs *obs, const tally_contradiction *x)
{
    tally_json_raw(b, "{\"rule\":\"");
    tally_json_raw(b, x->rule);
    tally_json_raw(b, "\",\"why\":");
    tally_json_str(b, x->why, strlen(x->why));
    tally_json_raw(b, ",\"claims\":[");
    claim_ref(b, &obs[x->a]);
    if (x->b != x->a) {
        tally_json_raw(b, ",");
        claim_ref(b, &obs[x->b]);
    }
    tally_json_raw(b, "]}");
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
    tally_json_raw(b, "\",\"clusters\":");
    tally_json_uint(b, s->n);
    if (estimate) {
        char d[16];
        tally_present_day(fl->day, d);
        tally_json_raw(b, ",\"date\":\"");
        tally_json_raw(b, d);
        tally_json_raw(b, "\"");
        /* %.0f, as tally estimate --all always printed them */
        char q[160];
        snprintf(q, sizeof q,
                 ",\"q05\":%.0f,\"q25\":%.0f,\"median\":%.0f,\"q75\":%.0f,\"q95\":%.0f", fl->q.q05,
                 fl->q.q25, fl->q.q50, fl->q.q75, fl->q.q95);
        tally_json_raw(b, q);
    }
    tally_json_raw(b, "}");
}

/* ---- lines of each format --------------------------------------------------------- */

/* CSV cells of NUL-terminated strings (NULL: empty), the last ending the line. */
static void csv_cells(tally_buf *b, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tally_present_csv_cell(b, cells[i] != NULL ? cells[i] : "",
                               cells[i] != NULL ? strlen(cells[i]) : 0, i + 1 == n);
}

void tally_present_clusters_head(tally_buf *b, tally_output o)
{
    if (o == TALLY_OUTPUT_TABLE)
        tally_buf_printf(b, "%-6s %-3s %-3s %-12s %-30s %-10s %-30s %s\n", "claims", "sup", "rec",
                         "kind", "figure", "as_of", "source", "lead (doc)");
    else if (o == TALLY_OUTPUT_CSV)
        tally_json_raw(b, "cluster,claims,supplier,recipient,kind,figure,as_of,source,lead,doc\n");
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
        tally_buf_printf(b, "%6zu %-3s %-3s %-12s %-30.30s %-10s %-30.30s %lld (%s)\n",
                         k->n_members, lead->supplier[0] ? lead->supplier : "-",
                         lead->recipient[0] ? lead->recipient : "-", tally_kind_name(lead->kind),
                         fig, day, lead->source, (long long)lead->id, lead->doc);
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
                           id,
                           lead->doc};
    csv_cells(b, cells, sizeof cells / sizeof cells[0]);
}

void tally_present_contradictions_head(tally_buf *b, tally_output o)
{
    if (o == TALLY_OUTPUT_CSV)
        tally_json_raw(b, "rule,why,claim,doc,other_claim,other_doc\n");
}

void tally_present_contradiction_line(tally_buf *b, tally_output o, const tally_obs *obs,
                                      const tally_contradiction *x)
{
    const tally_obs *a = &obs[x->a], *c = &obs[x->b];
    if (o == TALLY_OUTPUT_JSON) {
        tally_present_contradiction(b, obs, x);
        TALLY_JSON_LIT(b, "\n");
    } else if (o == TALLY_OUTPUT_TABLE) {
        tally_buf_printf(b, "%s: %s\n    claim %lld (%s)", x->rule, x->why, (long long)a->id,
                         a->doc);
        if (x->b != x->a)
            tally_buf_printf(b, " and claim %lld (%s)", (long long)c->id, c->doc);
        TALLY_JSON_LIT(b, "\n");
    } else {
        char ia[32], ic[32];
        snprintf(ia, sizeof ia, "%lld", (long long)a->id);
        snprintf(ic, sizeof ic, "%lld", (long long)c->id);
        bool two = x->b != x->a;
        const char *cells[] = {x->rule, x->why, ia, a->doc, two ? ic : NULL, two ? c->doc : NULL};
        csv_cells(b, cells, sizeof cells / sizeof cells[0]);
    }
}

void tally_present_contradictions_tail(tally_buf *b, tally_output o, size_t n, size_t claims)
{
    if (o == TALLY_OUTPUT_TABLE)
        tally_buf_printf(b, "%zu contradiction%s among %zu claims\n", n, n == 1 ? "" : "s", claims);
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
        tally_json_raw(b, "date,q05,q25,median,q75,q95\n");
        for (size_t i = 0; i < e->n_days; i++) {
            tally_present_day(e->q[i].day, d);
            tally_buf_printf(b, "%s,%.0f,%.0f,%.0f,%.0f,%.0f\n", d, e->q[i].q05, e->q[i].q25,
                             e->q[i].q50, e->q[i].q75, e->q[i].q95);
        }
        return;
    }
    const char *item = "";
    for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
        if (series->item == 1u << bit)
            item = tally_item_name(bit);
    tally_present_day(series->start, d);
    tally_buf_printf(b, "%s -> %s, %s, in %s: %zu clusters; 0 on %s%s%s\n", series->supplier,
                     series->recipient, item, series->unit, series->n, d,
                     known_by != NULL ? "; known by " : "", known_by != NULL ? known_by : "");
    tally_buf_printf(b, "%-10s %12s %12s %12s %12s %12s\n", "date", "5%", "25%", "median", "75%",
                     "95%");
    for (size_t i = 0; i < e->n_days; i++) {
        tally_present_day(e->q[i].day, d);
        tally_buf_printf(b, "%-10s %12.0f %12.0f %12.0f %12.0f %12.0f\n", d, e->q[i].q05,
                         e->q[i].q25, e->q[i].q50, e->q[i].q75, e->q[i].q95);
    }
    tally_buf_printf(b, "\nclusters that drive it:\n%-10s %-11s %26s %-36s %-28s %s\n", "date",
                     "bound", "figure", "how", "source (grade)", "claims");
    for (size_t i = 0; i < series->n; i++) {
        const tally_series_point *sp = &series->v[i];
        tally_point_words w;
        tally_present_point_words(v, sp, &w);
        char src[64];
        snprintf(src, sizeof src, "%.24s (%c)", w.lead->source, sp->grade);
        tally_buf_printf(b, "%-10s %-11s %26.26s %-36.36s %-28s %zu\n", w.day,
                         tally_present_bound(sp->p.bound), w.figure, w.how, src,
                         w.cluster->n_members);
    }
}

void tally_present_flows_head(tally_buf *b, tally_output o)
{
    if (o == TALLY_OUTPUT_CSV)
        tally_json_raw(b, "supplier,recipient,item,unit,clusters,date,q05,q25,median,q75,q95\n");
    else if (o == TALLY_OUTPUT_TABLE)
        tally_buf_printf(b, "%-3s %-3s %-18s %-9s %8s %-10s %12s %12s %12s %12s %12s\n", "sup",
                         "rec", "item", "unit", "clusters", "date", "5%", "25%", "median", "75%",
                         "95%");
}

void tally_present_flow_line(tally_buf *b, tally_output o, const tally_flow *fl)
{
    const tally_series *s = fl->series;
    char d[16];
    tally_present_day(fl->day, d);
    if (o == TALLY_OUTPUT_JSON) {
        tally_present_flow(b, fl, true);
        TALLY_JSON_LIT(b, "\n");
    } else if (o == TALLY_OUTPUT_CSV) {
        tally_buf_printf(b, "%s,%s,%s,%s,%zu,%s,%.0f,%.0f,%.0f,%.0f,%.0f\n", s->supplier,
                         s->recipient, fl->item, s->unit, s->n, d, fl->q.q05, fl->q.q25, fl->q.q50,
                         fl->q.q75, fl->q.q95);
    } else {
        tally_buf_printf(b, "%-3s %-3s %-18s %-9s %8zu %-10s %12.0f %12.0f %12.0f %12.0f %12.0f\n",
                         s->supplier, s->recipient, fl->item, s->unit, s->n, d, fl->q.q05,
                         fl->q.q25, fl->q.q50, fl->q.q75, fl->q.q95);
    }
}

void tally_present_flows_tail(tally_buf *b, tally_output o, size_t series, const tally_view *v)
{
    if (o == TALLY_OUTPUT_TABLE)
        tally_buf_printf(b, "%zu series from %zu claims in %zu clusters\n", series, v->obs.n,
                         v->c.n);
}
