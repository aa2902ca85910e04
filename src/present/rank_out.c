/* tally: writing a ranking of partners (tally rank) as a table, JSON Lines
 * (one line a partner) or CSV (one row a partner).
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "tally/present.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tally/actor.h"
#include "tally/json.h"
#include "tally/number.h"
#include "tally/visible.h"
#include "wrap.h"

static const char *item_name(uint32_t item)
{
    for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
        if (item == 1u << bit)
            return tally_item_name(bit);
    return "";
}

static const char *state_name(const char *code)
{
    const tally_actor *a = tally_country(code);
    return a != NULL ? a->name : code;
}

/* The unit of a ranking's totals and values. */
static const char *by_unit(tally_rank_by by)
{
    return by == TALLY_RANK_SHARE ? "percent" : by == TALLY_RANK_PEOPLE ? "person" : "USD";
}

/* An amount as people read it (tally/number.h): $1.23 bn, 45.6 M, 7,800. */
static void amount(double v, tally_rank_by by, char *buf, size_t size)
{
    if (by == TALLY_RANK_SHARE)
        snprintf(buf, size, "%.1f %%", v);
    else if (by == TALLY_RANK_VALUE)
        tally_num_amount(v, "USD", buf, size);
    else
        tally_num_text(v, buf, size);
}

/* ,"key":{q05, ..., q95, and for people "median_text", "i90_text" in `unit`} */
static void quantiles_json(tally_buf *b, const char *key, const tally_quantiles *q,
                           const char *unit)
{
    tally_buf_printf(b, ",\"%s\":{", key);
    const char *keys[] = {"q05", "q25", "median", "q75", "q95"};
    const double v[] = {q->q05, q->q25, q->q50, q->q75, q->q95};
    for (int i = 0; i < 5; i++) {
        tally_buf_printf(b, "%s\"%s\":", i ? "," : "", keys[i]);
        tally_json_num(b, v[i]);
    }
    char t[TALLY_NUM_TEXT_MAX];
    tally_num_amount(q->q50, unit, t, sizeof t);
    tally_json_raw(b, ",\"median_text\":");
    tally_json_str(b, t, strlen(t));
    tally_num_range(q->q05, q->q95, unit, t, sizeof t);
    tally_json_raw(b, ",\"i90_text\":");
    tally_json_str(b, t, strlen(t));
    tally_json_raw(b, "}");
}

static void str_field(tally_buf *b, const char *key, const char *s)
{
    tally_buf_printf(b, ",\"%s\":", key);
    if (s == NULL)
        tally_json_raw(b, "null");
    else
        tally_json_str(b, s, strlen(s));
}

static void part_json(tally_buf *b, const tally_rank_part *part)
{
    char why[512];
    tally_rank_lack_words(part->lack, part, why, sizeof why);
    tally_json_raw(b, "{\"item\":");
    tally_json_str(b, item_name(part->item), strlen(item_name(part->item)));
    str_field(b, "unit", part->unit);
    tally_json_raw(b, part->lack == TALLY_LACK_NONE ? ",\"counted\":true" : ",\"counted\":false");
    str_field(b, "lacks", part->lack == TALLY_LACK_NONE ? NULL : why);
    tally_buf_printf(b, ",\"clusters\":%zu", part->clusters);
    if (part->lack != TALLY_LACK_NONE) {
        tally_json_raw(b, "}");
        return;
    }
    char at[16];
    tally_present_day(part->at, at);
    tally_buf_printf(b, ",\"at\":\"%s\"", at);
    quantiles_json(b, "quantity", &part->quantity, part->unit);
    tally_json_raw(b, ",\"price_low\":");
    tally_json_num(b, part->price_lo);
    tally_json_raw(b, ",\"price_high\":");
    tally_json_num(b, part->price_hi);
    tally_buf_printf(b, ",\"price_lines\":%zu", part->price_lines);
    str_field(b, "price_source", part->price != NULL ? part->price->source : NULL);
    str_field(b, "price_url", part->price != NULL ? part->price->url : NULL);
    quantiles_json(b, "value", &part->value, "USD");
    tally_json_raw(b, "}");
}

static void partner_json(tally_buf *b, const tally_ranking *r, const tally_rank_partner *pa,
                         size_t rank)
{
    char d[16], why[512];
    tally_present_day(r->day, d);
    tally_buf_printf(b,
                     "{\"state\":\"%s\",\"direction\":\"%s\",\"by\":\"%s\",\"date\":\"%s\","
                     "\"currency\":\"USD\",\"price_year\":%d,\"draws\":%u,\"partner\":\"%s\"",
                     r->state, r->to ? "to" : "from", tally_rank_by_name(r->by), d, r->base_year,
                     r->draws, pa->state);
    str_field(b, "name", state_name(pa->state));
    tally_buf_printf(b, ",\"claims\":%zu", pa->claims);
    if (pa->ranked) {
        tally_buf_printf(b, ",\"ranked\":true,\"rank\":%zu", rank);
        quantiles_json(b, "total", &pa->total, by_unit(r->by));
        tally_json_raw(b, ",\"p_rank\":[");
        for (size_t k = 0; k < r->n_ranked; k++) {
            if (k > 0)
                tally_json_raw(b, ",");
            tally_json_num(b, round(pa->p_rank[k] * 1e4) / 1e4);
        }
        tally_json_raw(b, "]");
    } else {
        tally_rank_lack_words(pa->lack, pa->n_parts ? &pa->parts[0] : NULL, why, sizeof why);
        tally_json_raw(b, ",\"ranked\":false");
        str_field(b, "lacks", why);
    }
    tally_json_raw(b, ",\"parts\":[");
    for (size_t j = 0; j < pa->n_parts; j++) {
        if (j > 0)
            tally_json_raw(b, ",");
        part_json(b, &pa->parts[j]);
    }
    tally_json_raw(b, "]}\n");
}

static void partner_csv(tally_buf *b, const tally_ranking *r, const tally_rank_partner *pa,
                        size_t rank)
{
    char why[512] = "";
    const char *name = state_name(pa->state);
    tally_present_csv_cell(b, pa->state, strlen(pa->state), false);
    tally_present_csv_cell(b, name, strlen(name), false);
    if (pa->ranked) {
        tally_buf_printf(b, "%zu,%.2f,%.2f,%.2f,%.2f,%.2f,", rank, pa->total.q05, pa->total.q25,
                         pa->total.q50, pa->total.q75, pa->total.q95);
        for (size_t k = 0; k < r->n_ranked; k++)
            tally_buf_printf(b, "%s%.4f", k ? ";" : "", pa->p_rank[k]);
        tally_buf_printf(b, ",\n");
        return;
    }
    tally_rank_lack_words(pa->lack, pa->n_parts ? &pa->parts[0] : NULL, why, sizeof why);
    tally_buf_printf(b, ",,,,,,,");
    tally_present_csv_cell(b, why, strlen(why), true);
}

/* A range of a ranking's measure: "$9.35-87.5 bn", "12-30 %", "1,200-3,000". */
static void range(double lo, double hi, tally_rank_by by, char *buf, size_t size)
{
    if (by == TALLY_RANK_SHARE)
        snprintf(buf, size, "%.1f-%.1f %%", lo, hi);
    else
        tally_num_range(lo, hi, by == TALLY_RANK_VALUE ? "USD" : NULL, buf, size);
}

/* The parts of a partner's total: 80 columns, one part a paragraph; wide,
 * one part a line. */
static void parts_table(tally_buf *b, const tally_ranking *r, const tally_rank_partner *pa,
                        bool wide)
{
    for (size_t j = 0; j < pa->n_parts; j++) {
        const tally_rank_part *part = &pa->parts[j];
        char why[512], u[64], t[6][TALLY_NUM_TEXT_MAX], at[16];
        tally_wrap w = {b, 0, 8, true};
        if (part->lack != TALLY_LACK_NONE) {
            tally_rank_lack_words(part->lack, part, why, sizeof why);
            tally_wrap_word(&w, "      not");
            tally_wrap_word(&w, "counted:");
            tally_wrap_text(&w, why);
            tally_wrap_end(&w);
            continue;
        }
        tally_present_day(part->at, at);
        const char *unit = tally_visible_str(u, sizeof u, part->unit);
        /* a part counted in dollars has no price to show */
        bool priced = r->by == TALLY_RANK_VALUE && strcmp(unit, "USD") != 0;
        tally_num_range(part->price_lo, part->price_hi, "USD", t[3], sizeof t[3]);
        if (wide) {
            tally_num_text(part->quantity.q05, t[0], sizeof t[0]);
            tally_num_text(part->quantity.q50, t[1], sizeof t[1]);
            tally_num_text(part->quantity.q95, t[2], sizeof t[2]);
            tally_buf_printf(b, "      %-18s %-9s %12s [%s-%s]", item_name(part->item), unit, t[1],
                             t[0], t[2]);
            if (r->by == TALLY_RANK_VALUE) {
                amount(part->value.q05, r->by, t[0], sizeof t[0]);
                amount(part->value.q50, r->by, t[1], sizeof t[1]);
                amount(part->value.q95, r->by, t[2], sizeof t[2]);
                tally_buf_printf(b, " x %s = %s [%s-%s]", t[3], t[1], t[0], t[2]);
            }
            if (part->at != r->day)
                tally_buf_printf(b, "  at %s, its last evidence", at);
            tally_buf_printf(b, "\n");
            continue;
        }
        /* artillery-shell: 10.3 M rounds (6.39-34.2 M) x $1,000-4,000 each
         *   = $22.6 bn ($8.8-86.8 bn), last evidence 2024-10-31 */
        snprintf(why, sizeof why, "      %s:", item_name(part->item));
        tally_wrap_word(&w, why);
        tally_num_amount(part->quantity.q50, unit, t[0], sizeof t[0]);
        tally_wrap_word(&w, t[0]);
        tally_num_range(part->quantity.q05, part->quantity.q95, NULL, t[1], sizeof t[1]);
        snprintf(why, sizeof why, "(%s)%s", t[1], !priced && part->at != r->day ? "," : "");
        tally_wrap_word(&w, why);
        if (priced) {
            snprintf(why, sizeof why, "x %s each", t[3]);
            tally_wrap_word(&w, why);
            amount(part->value.q50, r->by, t[0], sizeof t[0]);
            snprintf(why, sizeof why, "= %s", t[0]);
            tally_wrap_word(&w, why);
            range(part->value.q05, part->value.q95, r->by, t[1], sizeof t[1]);
            snprintf(why, sizeof why, "(%s)%s", t[1], part->at != r->day ? "," : "");
            tally_wrap_word(&w, why);
        }
        if (part->at != r->day) {
            snprintf(why, sizeof why, "last evidence %s", at);
            tally_wrap_word(&w, why);
        }
        tally_wrap_end(&w);
    }
}

void tally_present_ranking(tally_buf *b, tally_output o, const tally_ranking *r)
{
    char d[16];
    tally_present_day(r->day, d);
    bool wide = o == TALLY_OUTPUT_WIDE;
    /* the odds of ranks 1 to 4 in 80 columns; wide, of every rank */
    size_t n_p = wide || r->n_ranked < 4 ? r->n_ranked : 4;
    if (o == TALLY_OUTPUT_CSV)
        tally_buf_printf(b, "partner,name,rank,q05,q25,median,q75,q95,p_rank,lacks\n");
    if (tally_output_table(o)) {
        const char *measure = r->by == TALLY_RANK_VALUE   ? "value"
                              : r->by == TALLY_RANK_COUNT ? "count"
                              : r->by == TALLY_RANK_SHARE ? "share of its use"
                                                          : "people";
        char title[256];
        int k = snprintf(title, sizeof title, "%s (%s): partners %s it by %s", r->state,
                         state_name(r->state), r->to ? "sending to" : "receiving from", measure);
        if (r->by == TALLY_RANK_VALUE && k > 0 && (size_t)k < sizeof title)
            k += snprintf(title + k, sizeof title - (size_t)k, " in %d US dollars", r->base_year);
        if (k > 0 && (size_t)k < sizeof title)
            snprintf(title + k, sizeof title - (size_t)k, ", at %s; %u draws", d, r->draws);
        tally_wrap w = {b, 0, 0, true};
        if (wide)
            tally_json_raw(b, title);
        else
            tally_wrap_text(&w, title);
        tally_json_raw(b, "\n");
        if (wide)
            tally_buf_printf(b, "rank partner                  5%%        25%%     median        "
                                "75%%        95%%  P(rank 1, 2, ...)\n");
        else {
            char p_head[32];
            if (n_p > 1)
                snprintf(p_head, sizeof p_head, "P(rank 1-%zu)", n_p);
            else
                snprintf(p_head, sizeof p_head, "P(rank 1)");
            tally_buf_printf(b, "%-4s %-20s %9s  %-20s %s\n", "rank", "partner", "median",
                             "90% interval", p_head);
        }
    }
    for (size_t k = 0; k < r->n; k++) {
        const tally_rank_partner *pa = &r->v[k];
        size_t rank = pa->ranked ? k + 1 : 0;
        if (o == TALLY_OUTPUT_JSON) {
            partner_json(b, r, pa, rank);
            continue;
        }
        if (o == TALLY_OUTPUT_CSV) {
            partner_csv(b, r, pa, rank);
            continue;
        }
        char nm[64], name[48], fit[24], q[5][TALLY_NUM_TEXT_MAX], why[512];
        snprintf(name, sizeof name, "%s %s", pa->state, state_name(pa->state));
        const char *shown = tally_visible_str(nm, sizeof nm, name);
        if (!wide) {
            tally_present_elide(shown, 20, fit, sizeof fit);
            shown = fit;
        }
        if (!pa->ranked) {
            if (k == r->n_ranked)
                tally_buf_printf(b, "not ranked:\n");
            tally_rank_lack_words(pa->lack, pa->n_parts ? &pa->parts[0] : NULL, why, sizeof why);
            if (wide) {
                tally_buf_printf(b, "  -  %-22.22s %s\n", shown, why);
            } else {
                tally_wrap w = {b, 25, 8, false};
                tally_buf_printf(b, "  -  %-20s", shown);
                tally_wrap_text(&w, why);
                tally_wrap_end(&w);
            }
            parts_table(b, r, pa, wide);
            continue;
        }
        if (wide) {
            const double v[5] = {pa->total.q05, pa->total.q25, pa->total.q50, pa->total.q75,
                                 pa->total.q95};
            for (int i = 0; i < 5; i++)
                amount(v[i], r->by, q[i], sizeof q[i]);
            tally_buf_printf(b, "%-4zu %-22.22s %10s %10s %10s %10s %10s ", rank, shown, q[0], q[1],
                             q[2], q[3], q[4]);
        } else {
            amount(pa->total.q50, r->by, q[0], sizeof q[0]);
            range(pa->total.q05, pa->total.q95, r->by, q[1], sizeof q[1]);
            tally_buf_printf(b, "%-4zu %-20s %9s  %-20.20s", rank, shown, q[0], q[1]);
        }
        for (size_t i = 0; i < n_p; i++)
            tally_buf_printf(b, " %.2f", pa->p_rank[i]);
        tally_buf_printf(b, "\n");
        parts_table(b, r, pa, wide);
    }
}
