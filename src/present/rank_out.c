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

static void parts_table(tally_buf *b, const tally_ranking *r, const tally_rank_partner *pa)
{
    for (size_t j = 0; j < pa->n_parts; j++) {
        const tally_rank_part *part = &pa->parts[j];
        char why[512], u[64], q[3][32], v[3][32];
        if (part->lack != TALLY_LACK_NONE) {
            tally_rank_lack_words(part->lack, part, why, sizeof why);
            tally_buf_printf(b, "      not counted: %s\n", why);
            continue;
        }
        tally_num_text(part->quantity.q05, q[0], sizeof q[0]);
        tally_num_text(part->quantity.q50, q[1], sizeof q[1]);
        tally_num_text(part->quantity.q95, q[2], sizeof q[2]);
        amount(part->value.q05, r->by, v[0], sizeof v[0]);
        amount(part->value.q50, r->by, v[1], sizeof v[1]);
        amount(part->value.q95, r->by, v[2], sizeof v[2]);
        tally_buf_printf(b, "      %-18s %-9s %12s [%s-%s]", item_name(part->item),
                         tally_visible_str(u, sizeof u, part->unit), q[1], q[0], q[2]);
        if (r->by == TALLY_RANK_VALUE)
            tally_buf_printf(b, " x %.4g-%.4g = %s [%s-%s]", part->price_lo, part->price_hi, v[1],
                             v[0], v[2]);
        if (part->at != r->day) {
            char at[16];
            tally_present_day(part->at, at);
            tally_buf_printf(b, "  at %s, its last evidence", at);
        }
        tally_buf_printf(b, "\n");
    }
}

void tally_present_ranking(tally_buf *b, tally_output o, const tally_ranking *r)
{
    char d[16];
    tally_present_day(r->day, d);
    if (o == TALLY_OUTPUT_CSV)
        tally_buf_printf(b, "partner,name,rank,q05,q25,median,q75,q95,p_rank,lacks\n");
    if (o == TALLY_OUTPUT_TABLE) {
        const char *measure = r->by == TALLY_RANK_VALUE   ? "value"
                              : r->by == TALLY_RANK_COUNT ? "count"
                              : r->by == TALLY_RANK_SHARE ? "share of its use"
                                                          : "people";
        tally_buf_printf(b, "%s (%s): partners %s it by %s", r->state, state_name(r->state),
                         r->to ? "sending to" : "receiving from", measure);
        if (r->by == TALLY_RANK_VALUE)
            tally_buf_printf(b, " in %d US dollars", r->base_year);
        tally_buf_printf(b, ", at %s; %u draws\n", d, r->draws);
        tally_buf_printf(b, "rank partner                  5%%        25%%     median        75%%  "
                            "      95%%  P(rank 1, 2, ...)\n");
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
        char nm[64], name[48], q[5][32], why[512];
        snprintf(name, sizeof name, "%s %s", pa->state, state_name(pa->state));
        const char *shown = tally_visible_str(nm, sizeof nm, name);
        if (!pa->ranked) {
            if (k == r->n_ranked)
                tally_buf_printf(b, "not ranked:\n");
            tally_rank_lack_words(pa->lack, pa->n_parts ? &pa->parts[0] : NULL, why, sizeof why);
            tally_buf_printf(b, "  -  %-22.22s %s\n", shown, why);
            parts_table(b, r, pa);
            continue;
        }
        const double v[5] = {pa->total.q05, pa->total.q25, pa->total.q50, pa->total.q75,
                             pa->total.q95};
        for (int i = 0; i < 5; i++)
            amount(v[i], r->by, q[i], sizeof q[i]);
        tally_buf_printf(b, "%-4zu %-22.22s %10s %10s %10s %10s %10s ", rank, shown, q[0], q[1],
                         q[2], q[3], q[4]);
        for (size_t i = 0; i < r->n_ranked; i++)
            tally_buf_printf(b, " %.2f", pa->p_rank[i]);
        tally_buf_printf(b, "\n");
        parts_table(b, r, pa);
    }
}
