/* tally: figures as the scanner finds them (tally figures) in each output
 * format (stage 5). May include the public headers of every stage but the
 * pipeline.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "tally/present.h"

#include <stdio.h>
#include <string.h>

#include "tally/json.h"

void tally_present_figures_head(tally_buf *b, tally_output o)
{
    char head[128];
    if (o != TALLY_OUTPUT_TABLE)
        return;
    snprintf(head, sizeof head, "%-20s %9s %9s %-7s %-9s %14s %14s %-3s %s\n", "doc", "start",
             "end", "kind", "qualifier", "low", "high", "cur", "text");
    tally_json_raw(b, head);
}

static void put_bound(tally_buf *line, bool has, double v)
{
    if (!has)
        TALLY_JSON_LIT(line, "null");
    else
        tally_json_num(line, v);
}

void tally_present_figure_line(tally_buf *b, tally_output o, const char *doc, const tally_block *bl,
                               const tally_figure *f)
{
    const char *text = bl->text + f->start;
    size_t len = f->end - f->start;
    if (o == TALLY_OUTPUT_TABLE) {
        char lo[32] = "-", hi[32] = "-", row[256];
        if (f->has_low)
            snprintf(lo, sizeof lo, "%.15g", f->low);
        if (f->has_high)
            snprintf(hi, sizeof hi, "%.15g", f->high);
        int n = snprintf(row, sizeof row, "%-20.20s %9zu %9zu %-7s %-9s %14s %14s %-3s ", doc,
                         bl->offset + f->start, bl->offset + f->end,
                         tally_figure_kind_name(f->kind), tally_qualifier_name(f->qualifier), lo,
                         hi, f->currency[0] ? f->currency : "-");
        tally_json_raw(b, n > 0 ? row : "");
        /* the figure's own text, with line breaks shown as spaces */
        for (size_t i = 0; i < len; i++) {
            char ch = text[i] == '\n' || text[i] == '\r' || text[i] == '\t' ? ' ' : text[i];
            tally_json_raw_n(b, &ch, 1);
        }
        TALLY_JSON_LIT(b, "\n");
        return;
    }
    TALLY_JSON_LIT(b, "{\"doc\":");
    tally_json_str(b, doc, strlen(doc));
    TALLY_JSON_LIT(b, ",\"start\":");
    tally_json_uint(b, bl->offset + f->start);
    TALLY_JSON_LIT(b, ",\"end\":");
    tally_json_uint(b, bl->offset + f->end);
    TALLY_JSON_LIT(b, ",\"text\":");
    tally_json_str(b, text, len);
    TALLY_JSON_LIT(b, ",\"kind\":\"");
    tally_json_raw(b, tally_figure_kind_name(f->kind));
    TALLY_JSON_LIT(b, "\",\"low\":");
    put_bound(b, f->has_low, f->low);
    TALLY_JSON_LIT(b, ",\"high\":");
    put_bound(b, f->has_high, f->high);
    TALLY_JSON_LIT(b, ",\"qualifier\":\"");
    tally_json_raw(b, tally_qualifier_name(f->qualifier));
    TALLY_JSON_LIT(b, "\",\"currency\":");
    if (f->currency[0])
        tally_json_str(b, f->currency, strlen(f->currency));
    else
        TALLY_JSON_LIT(b, "null");
    TALLY_JSON_LIT(b, "}\n");
}
