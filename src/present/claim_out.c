/* tally: a claim, a stored claim and a source as JSON objects or table rows. */
#include "tally/present.h"

#include <string.h>

#include "tally/json.h"
#include "tally/visible.h"
#include "tally/when.h"

void tally_present_str_or_null(tally_buf *l, const char *s)
{
    if (s != NULL && s[0] != '\0')
        tally_json_str(l, s, strlen(s));
    else
        TALLY_JSON_LIT(l, "null");
}

static void put_date(tally_buf *l, tally_date d)
{
    char buf[16];
    tally_present_str_or_null(l, d.year ? tally_date_format(d, buf) : NULL);
}

static void put_span(tally_buf *l, const char *s, size_t n)
{
    if (s != NULL)
        tally_json_str(l, s, n);
    else
        TALLY_JSON_LIT(l, "null");
}

void tally_present_claim_fields(tally_buf *l, const tally_claim *k, const char *doc,
                                const char *sentence, size_t sentence_len, const char *text,
                                size_t text_len)
{
    TALLY_JSON_LIT(l, "{\"doc\":");
    tally_json_str(l, doc, strlen(doc));
    TALLY_JSON_LIT(l, ",\"sentence\":");
    put_span(l, sentence, sentence_len);
    TALLY_JSON_LIT(l, ",\"text\":");
    put_span(l, text, text_len);
    TALLY_JSON_LIT(l, ",\"kind\":\"");
    tally_json_raw(l, tally_kind_name(k->kind));
    TALLY_JSON_LIT(l, "\",\"supplier\":");
    tally_present_str_or_null(l, k->supplier);
    TALLY_JSON_LIT(l, ",\"recipient\":");
    tally_present_str_or_null(l, k->recipient);
    TALLY_JSON_LIT(l, ",\"item\":[");
    bool first = true;
    for (unsigned i = 0; i < TALLY_ITEM_COUNT; i++) {
        if (!(k->items & (1u << i)))
            continue;
        if (!first)
            TALLY_JSON_LIT(l, ",");
        tally_json_str(l, tally_item_name(i), strlen(tally_item_name(i)));
        first = false;
    }
    TALLY_JSON_LIT(l, "],\"caliber_mm\":");
    if (k->caliber_mm > 0)
        tally_json_num(l, k->caliber_mm);
    else
        TALLY_JSON_LIT(l, "null");
    TALLY_JSON_LIT(l, ",\"unit\":");
    tally_json_str(l, tally_unit_name(k), strlen(tally_unit_name(k)));
    TALLY_JSON_LIT(l, ",\"low\":");
    if (k->has_low)
        tally_json_num(l, k->low);
    else
        TALLY_JSON_LIT(l, "null");
    TALLY_JSON_LIT(l, ",\"high\":");
    if (k->has_high)
        tally_json_num(l, k->high);
    else
        TALLY_JSON_LIT(l, "null");
    TALLY_JSON_LIT(l, ",\"qualifier\":\"");
    tally_json_raw(l, tally_qualifier_name(k->qualifier));
    TALLY_JSON_LIT(l, "\",\"since\":");
    put_date(l, k->since);
    TALLY_JSON_LIT(l, ",\"as_of\":");
    put_date(l, k->as_of);
    TALLY_JSON_LIT(l, ",\"source\":");
    tally_present_str_or_null(l, k->source);
    TALLY_JSON_LIT(l, ",\"source_country\":");
    tally_present_str_or_null(l, k->source_country);
    if (k->hedged)
        TALLY_JSON_LIT(l, ",\"hedged\":true");
    else
        TALLY_JSON_LIT(l, ",\"hedged\":false");
}

void tally_present_claim_table_head(FILE *out)
{
    fprintf(out, "%-20s %-11s %-3s %-3s %-9s %12s %12s %-9s %-10s %-10s %c %s\n", "doc", "kind",
            "sup", "rec", "unit", "low", "high", "qualifier", "since", "as_of", 'h', "source");
}

void tally_present_claim_table_row(tally_buf *l, const tally_claim *k, const char *doc)
{
    char row[256], lo[32] = "-", hi[32] = "-", since[16] = "-", as_of[16] = "-";
    if (k->has_low)
        snprintf(lo, sizeof lo, "%.15g", k->low);
    if (k->has_high)
        snprintf(hi, sizeof hi, "%.15g", k->high);
    if (k->since.year)
        tally_date_format(k->since, since);
    if (k->as_of.year)
        tally_date_format(k->as_of, as_of);
    int n =
        snprintf(row, sizeof row, "%-20.20s %-11s %-3s %-3s %-9s %12s %12s %-9s %-10s %-10s %c ",
                 doc, tally_kind_name(k->kind), k->supplier[0] ? k->supplier : "-",
                 k->recipient[0] ? k->recipient : "-", tally_unit_name(k), lo, hi,
                 tally_qualifier_name(k->qualifier), since, as_of, k->hedged ? 'h' : '-');
    /* the document's name and the source come from documents: shown, not run */
    if (n > 0)
        tally_visible_append(l, row, (size_t)n < sizeof row ? (size_t)n : sizeof row - 1);
    const char *source = k->source != NULL ? k->source : "author";
    tally_visible_append(l, source, strlen(source));
    tally_json_raw(l, "\n");
}

void tally_present_claim_row(tally_buf *l, const tally_claim_row *r, bool open)
{
    tally_present_claim_fields(l, &r->claim, r->doc, r->sentence, r->sentence_len, r->text,
                               r->text_len);
    tally_json_raw(l, ",\"id\":");
    tally_json_uint(l, (size_t)r->id);
    tally_json_raw(l, ",\"source_name\":");
    tally_present_str_or_null(l, r->source_name);
    tally_json_raw(l, ",\"source_kind\":");
    tally_present_str_or_null(l, r->source_kind);
    tally_json_raw(l, ",\"source_detail\":");
    tally_present_str_or_null(l, r->source_detail);
    tally_json_raw(l, ",\"stated\":");
    tally_present_str_or_null(l, r->stated);
    tally_json_raw(l, ",\"note\":");
    tally_present_str_or_null(l, r->note);
    tally_json_raw(l, r->curated ? ",\"curated\":true" : ",\"curated\":false");
    tally_json_raw(l, ",\"url\":");
    tally_present_str_or_null(l, r->url);
    tally_json_raw(l, ",\"title\":");
    tally_present_str_or_null(l, r->title);
    tally_json_raw(l, ",\"outlet\":");
    tally_present_str_or_null(l, r->outlet);
    tally_json_raw(l, ",\"date\":");
    tally_present_str_or_null(l, r->date);
    if (!open)
        tally_json_raw(l, "}");
}

void tally_present_source(tally_buf *l, const tally_source_row *r)
{
    tally_json_raw(l, "{\"name\":");
    tally_present_str_or_null(l, r->name);
    tally_json_raw(l, ",\"country\":");
    tally_present_str_or_null(l, r->country);
    tally_json_raw(l, ",\"kind\":");
    tally_present_str_or_null(l, r->kind);
    tally_json_raw(l, ",\"claims\":");
    tally_json_uint(l, (size_t)r->claims);
    tally_json_raw(l, ",\"documents\":");
    tally_json_uint(l, (size_t)r->documents);
    tally_json_raw(l, "}");
}
