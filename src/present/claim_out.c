/* tally: claims, documents and sources in each output format (stage 5).
 * Claims are written field by field from the model's field table
 * (tally/field.h): the JSON keys, the CSV headings and the table's columns
 * all come from it. Cells of CSV and tables are written here and nowhere
 * else. May include the public headers of every stage but the pipeline.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "tally/present.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/ascii.h"
#include "tally/err.h"
#include "tally/field.h"
#include "tally/json.h"
#include "tally/number.h"
#include "tally/visible.h"

int tally_output_parse(const char *name)
{
    static const struct {
        const char *name;
        tally_output o;
    } names[] = {{"table", TALLY_OUTPUT_TABLE},
                 {"jsonl", TALLY_OUTPUT_JSON},
                 {"json", TALLY_OUTPUT_JSON},
                 {"csv", TALLY_OUTPUT_CSV}};
    for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0)
            return (int)names[i].o;
    return -1;
}

void tally_present_str_or_null(tally_buf *l, const char *s)
{
    if (s != NULL && s[0] != '\0')
        tally_json_str(l, s, strlen(s));
    else
        TALLY_JSON_LIT(l, "null");
}

/* ---- cells ---------------------------------------------------------------------- */

/* Whether s[0, n) is a number as tally writes one: -?digits[.digits][e(+|-)digits]. */
static bool is_number(const char *s, size_t n)
{
    size_t i = s[0] == '-' ? 1 : 0, d = 0;
    for (; i < n && tally_is_digit((unsigned char)s[i]); i++)
        d++;
    if (i < n && s[i] == '.')
        for (i++; i < n && tally_is_digit((unsigned char)s[i]); i++)
            d++;
    if (d > 0 && i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t e = ++i < n && (s[i] == '+' || s[i] == '-') ? i + 1 : i;
        for (i = e; i < n && tally_is_digit((unsigned char)s[i]); i++)
            ;
        if (i == e)
            return false;
    }
    return d > 0 && i == n;
}

/* OWASP's list ("CSV Injection"): a cell starting with one of these is a
 * formula to Excel, LibreOffice and Google Sheets. */
static bool formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void tally_present_csv_cell(tally_buf *b, const char *s, size_t n, bool last)
{
    /* names, titles and notes come from documents anyone may have written */
    bool formula = n > 0 && formula_start(s[0]) && !is_number(s, n);
    bool quote = formula;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        tally_json_raw_n(b, s, n);
    } else {
        /* the apostrophe inside the quotes: the cell shows the text as it is */
        if (formula)
            TALLY_JSON_LIT(b, "\"'");
        else
            TALLY_JSON_LIT(b, "\"");
        for (size_t i = 0, run = 0; i <= n; i++)
            if (i == n || s[i] == '"') {
                tally_json_raw_n(b, s + run, i - run);
                if (i < n)
                    TALLY_JSON_LIT(b, "\"\"");
                run = i + 1;
            }
        TALLY_JSON_LIT(b, "\"");
    }
    tally_json_raw_n(b, last ? "\n" : ",", 1);
}

void tally_present_table_cell(tally_buf *b, const char *s, size_t n, int width, int trunc,
                              bool last)
{
    static const char spaces[] = "                                        ";
    const size_t most = sizeof spaces - 1;
    /* control characters shown, not run (tally/visible.h): rarely needed */
    tally_buf shown = {NULL, 0, 0, 0, false, 0};
    if (tally_visible_plain(s, n) < n) {
        tally_buf_init(&shown, b->max);
        tally_visible_append(&shown, s, n);
        s = shown.ptr;
        n = shown.len;
    }
    if (trunc > 0 && n > (size_t)trunc)
        n = (size_t)trunc;
    size_t w = (size_t)(width < 0 ? -width : width);
    size_t pad = n < w ? w - n : 0;
    for (size_t k = width > 0 ? pad : 0; k > 0; k -= k < most ? k : most)
        tally_json_raw_n(b, spaces, k < most ? k : most);
    tally_json_raw_n(b, s, n);
    /* the last column is not padded on the right */
    for (size_t k = width < 0 && !last ? pad : 0; k > 0; k -= k < most ? k : most)
        tally_json_raw_n(b, spaces, k < most ? k : most);
    tally_json_raw_n(b, last ? "\n" : " ", 1);
    tally_buf_free(&shown);
}

void tally_present_elide(const char *s, size_t width, char *buf, size_t size)
{
    /* control characters as their escapes first: "\n" takes two columns;
     * an escape takes at most 4 bytes a byte ("\x1b", "\u{0085}") */
    char small[1024], *big = NULL, *vis = small;
    size_t vis_size = sizeof small, len = strlen(s);
    if (len > (sizeof small - 1) / 4 && tally_visible_plain(s, len) < len) {
        vis_size = 4 * len + 1;
        vis = big = tally_xmalloc(vis_size);
    }
    s = tally_visible_str(vis, vis_size, s);
    size_t n = strlen(s);
    if (n <= width || width < 5) {
        snprintf(buf, size, "%.*s", (int)(n <= width ? n : width), s);
        free(big);
        return;
    }
    /* the head and the tail, cut where a UTF-8 character starts */
    size_t head = (width - 3 + 1) / 2, tail = width - 3 - head;
    while (head > 0 && ((unsigned char)s[head] & 0xC0) == 0x80)
        head--;
    size_t from = n - tail;
    while (from < n && ((unsigned char)s[from] & 0xC0) == 0x80)
        from++;
    snprintf(buf, size, "%.*s...%s", (int)head, s, s + from);
    free(big);
}

/* ---- claims ------------------------------------------------------------------- */

/* A value as text for tables and CSV: `buf` (at least 32 bytes) when it
 * has to be formatted; NULL for no value. A number that is NaN or infinite
 * is refused: `b` is marked (tally_buf_err) and the cell left empty. */
static const char *value_text(tally_buf *b, const tally_field_info *fi, const tally_value *v,
                              char *buf, size_t *n)
{
    const char *s = NULL;
    switch (fi->type) {
    case TALLY_FT_TEXT:
    case TALLY_FT_CODE:
    case TALLY_FT_DATE:
        s = v->null ? NULL : v->s;
        *n = v->len;
        return s;
    case TALLY_FT_NUMBER:
        if (v->null)
            return NULL;
        if (!isfinite(v->num)) {
            b->err = TALLY_EINPUT;
            return NULL;
        }
        snprintf(buf, 32, "%.15g", v->num);
        break;
    case TALLY_FT_INT:
        snprintf(buf, 32, "%lld", (long long)v->i);
        break;
    case TALLY_FT_BOOL:
        strcpy(buf, v->b ? "true" : "false");
        break;
    case TALLY_FT_ITEMS:
        return NULL; /* (written by the caller) */
    }
    *n = strlen(buf);
    return buf;
}

static void json_value(tally_buf *b, const tally_field_info *fi, const tally_value *v)
{
    switch (fi->type) {
    case TALLY_FT_CODE:
    case TALLY_FT_DATE:
        /* slugs and dates need no escapes */
        if (v->null) {
            TALLY_JSON_LIT(b, "null");
        } else {
            TALLY_JSON_LIT(b, "\"");
            tally_json_raw_n(b, v->s, v->len);
            TALLY_JSON_LIT(b, "\"");
        }
        break;
    case TALLY_FT_TEXT:
        if (v->null)
            TALLY_JSON_LIT(b, "null");
        else
            tally_json_str(b, v->s, v->len);
        break;
    case TALLY_FT_NUMBER:
        if (v->null)
            TALLY_JSON_LIT(b, "null");
        else
            tally_json_num(b, v->num);
        break;
    case TALLY_FT_INT:
        tally_json_uint(b, (size_t)v->i);
        break;
    case TALLY_FT_BOOL:
        if (v->b)
            TALLY_JSON_LIT(b, "true");
        else
            TALLY_JSON_LIT(b, "false");
        break;
    case TALLY_FT_ITEMS: {
        TALLY_JSON_LIT(b, "[");
        bool first = true;
        for (unsigned i = 0; i < TALLY_ITEM_COUNT; i++) {
            if (!(v->items & (1u << i)))
                continue;
            if (!first)
                TALLY_JSON_LIT(b, ",");
            tally_json_str(b, tally_item_name(i), strlen(tally_item_name(i)));
            first = false;
        }
        TALLY_JSON_LIT(b, "]");
        break;
    }
    }
}

void tally_present_claim_json(tally_buf *b, unsigned in, const tally_claim_row *r, bool open)
{
    bool first = true;
    for (int i = 0; i < TALLY_F_N; i++) {
        const tally_field_info *fi = &tally_fields[i];
        if (!(fi->in & in))
            continue;
        tally_value v;
        tally_field_get(r, (tally_field)i, &v);
        /* the key as ,"key": (its comma a brace for the first) */
        if (first)
            TALLY_JSON_LIT(b, "{");
        if (!b->full && b->cap - b->len > sizeof fi->json_key &&
            b->max - b->len > fi->json_key_len) {
            /* a copy of the padded key, a size known when compiling */
            memcpy(b->ptr + b->len, fi->json_key + first, sizeof fi->json_key - 1);
            b->len += fi->json_key_len - first;
            b->ptr[b->len] = '\0';
        } else {
            tally_json_raw_n(b, fi->json_key + first, fi->json_key_len - first);
        }
        json_value(b, fi, &v);
        first = false;
    }
    if (in == TALLY_IN_ROW) {
        /* the figure for people (tally/number.h), beside its raw fields */
        char fig[TALLY_NUM_TEXT_MAX];
        tally_present_claim_figure(&r->claim, fig, sizeof fig);
        TALLY_JSON_LIT(b, ",\"figure_text\":");
        tally_json_str(b, fig, strlen(fig));
    }
    if (!open)
        TALLY_JSON_LIT(b, "}");
}

/* A column of the claims table. */
typedef struct table_col {
    tally_field f;
    const char *head;
    int width, trunc;
} table_col;

/* The wide table's columns that the 80-column one leaves to JSON and CSV,
 * with their heading and width (the id first, the others in field order). */
static const table_col wide_only[] = {{TALLY_F_ID, "id", 6, 0},
                                      {TALLY_F_DOC, "doc", -24, 0},
                                      {TALLY_F_ITEM, "item", -16, 0},
                                      {TALLY_F_SINCE, "since", -10, 0}};

static const table_col *wide_col(tally_field f)
{
    for (size_t i = 0; i < sizeof wide_only / sizeof wide_only[0]; i++)
        if (wide_only[i].f == f)
            return &wide_only[i];
    return NULL;
}

/* The table's columns: the fields with a heading (and, wide, those of
 * wide_only, nothing truncated), the free one last. */
static void table_columns(unsigned in, bool wide, table_col *cols, size_t *n)
{
    size_t k = 0;
    int last = -1;
    if (wide && (tally_field_info_of(TALLY_F_ID)->in & in))
        cols[k++] = wide_only[0];
    for (int i = 0; i < TALLY_F_N; i++) {
        const tally_field_info *fi = tally_field_info_of((tally_field)i);
        const table_col *w = wide ? wide_col((tally_field)i) : NULL;
        if (!(fi->in & in) || i == TALLY_F_ID || (fi->head == NULL && w == NULL))
            continue;
        if (fi->head != NULL && fi->width == 0)
            last = i;
        else if (w != NULL)
            cols[k++] = *w;
        else
            cols[k++] = (table_col){(tally_field)i, fi->head, fi->width, wide ? 0 : fi->trunc};
    }
    if (last >= 0)
        cols[k++] =
            (table_col){(tally_field)last, tally_field_info_of((tally_field)last)->head, 0, 0};
    *n = k;
}

/* The width of a table line, and what its fixed columns take of it. */
#define TABLE_COLUMNS 80
static size_t table_used(unsigned in)
{
    table_col cols[TALLY_F_N];
    size_t n, used = 0;
    table_columns(in, false, cols, &n);
    for (size_t i = 0; i < n; i++)
        used += (size_t)(cols[i].width < 0 ? -cols[i].width : cols[i].width) + 1;
    return used < TABLE_COLUMNS - 10 ? used : TABLE_COLUMNS - 10;
}

void tally_present_claims_head(tally_buf *b, tally_output o, unsigned in)
{
    if (o == TALLY_OUTPUT_JSON)
        return;
    if (tally_output_table(o)) {
        table_col cols[TALLY_F_N];
        size_t n;
        table_columns(in, o == TALLY_OUTPUT_WIDE, cols, &n);
        for (size_t i = 0; i < n; i++)
            tally_present_table_cell(b, cols[i].head, strlen(cols[i].head), cols[i].width, 0,
                                     i + 1 == n);
        return;
    }
    tally_field cols[TALLY_F_N];
    size_t n = tally_field_csv_order(in, cols);
    for (size_t i = 0; i < n; i++) {
        const char *key = tally_field_info_of(cols[i])->key;
        tally_present_csv_cell(b, key, strlen(key), i + 1 == n);
    }
}

void tally_present_claim(tally_buf *b, tally_output o, unsigned in, const tally_claim_row *r)
{
    char buf[32];
    size_t n = 0;
    tally_value v;
    if (o == TALLY_OUTPUT_JSON) {
        tally_present_claim_json(b, in, r, false);
        TALLY_JSON_LIT(b, "\n");
        return;
    }
    if (tally_output_table(o)) {
        table_col cols[TALLY_F_N];
        size_t nc;
        table_columns(in, o == TALLY_OUTPUT_WIDE, cols, &nc);
        for (size_t i = 0; i < nc; i++) {
            const tally_field_info *fi = tally_field_info_of(cols[i].f);
            tally_field_get(r, cols[i].f, &v);
            const char *s;
            char fig[TALLY_NUM_TEXT_MAX], fit[TABLE_COLUMNS + 1];
            char items[TALLY_ITEMS_TEXT_MAX];
            if (cols[i].f == TALLY_F_LOW) {
                tally_present_claim_figure(&r->claim, fig, sizeof fig);
                s = fig;
                n = strlen(s);
            } else if (fi->type == TALLY_FT_BOOL) {
                s = v.b ? fi->head : "-";
                n = strlen(s);
            } else if (fi->type == TALLY_FT_ITEMS) {
                s = tally_items_format(v.items, ',', items);
                s = s[0] != '\0' ? s : "-";
                n = strlen(s);
            } else if (o == TALLY_OUTPUT_TABLE && cols[i].width == 0 &&
                       (s = value_text(b, fi, &v, buf, &n)) != NULL) {
                /* the free column, cut in its middle to what is left of the line */
                char whole[512];
                snprintf(whole, sizeof whole, "%.*s", (int)n, s);
                tally_present_elide(whole, TABLE_COLUMNS - table_used(in), fit, sizeof fit);
                s = fit;
                n = strlen(s);
            } else if ((s = value_text(b, fi, &v, buf, &n)) == NULL) {
                s = "-";
                n = 1;
            }
            tally_present_table_cell(b, s, n, cols[i].width, cols[i].trunc, i + 1 == nc);
        }
        return;
    }
    tally_field cols[TALLY_F_N];
    size_t nc = tally_field_csv_order(in, cols);
    for (size_t i = 0; i < nc; i++) {
        tally_field f = cols[i];
        const tally_field_info *fi = tally_field_info_of(f);
        tally_field_get(r, f, &v);
        char items[TALLY_ITEMS_TEXT_MAX];
        const char *s = fi->type == TALLY_FT_ITEMS ? tally_items_format(v.items, ';', items)
                                                   : value_text(b, fi, &v, buf, &n);
        if (fi->type == TALLY_FT_ITEMS)
            n = strlen(items);
        tally_present_csv_cell(b, s != NULL ? s : "", s != NULL ? n : 0, i + 1 == nc);
    }
}

void tally_present_claim_why(tally_buf *b, const tally_claim *c, const char *text, size_t offset)
{
    const struct {
        const char *key;
        const tally_reason *r;
    } why[] = {{"supplier", &c->why_supplier},
               {"recipient", &c->why_recipient},
               {"kind", &c->why_kind},
               {"item", &c->why_item},
               {"source", &c->why_source}};
    TALLY_JSON_LIT(b, ",\"why\":{");
    for (size_t i = 0; i < sizeof why / sizeof why[0]; i++) {
        const tally_reason *r = why[i].r;
        tally_json_raw(b, i == 0 ? "\"" : ",\"");
        tally_json_raw(b, why[i].key);
        TALLY_JSON_LIT(b, "\":{\"words\":");
        if (r->end > r->start)
            tally_json_str(b, text + (r->start - offset), r->end - r->start);
        else
            TALLY_JSON_LIT(b, "null");
        TALLY_JSON_LIT(b, ",\"rule\":");
        tally_present_str_or_null(b, tally_why_text(r->rule));
        TALLY_JSON_LIT(b, "}");
    }
    TALLY_JSON_LIT(b, "}");
}

/* ---- documents and sources -------------------------------------------------------- */

/* A text cell of a table: "-" for none; `cut` > 0 cuts it in its middle to
 * that many bytes (tally_present_elide). */
static void table_text(tally_buf *b, const char *s, int width, size_t cut, bool last)
{
    char fit[TABLE_COLUMNS + 1];
    s = s != NULL && s[0] != '\0' ? s : "-";
    if (cut > 0 && cut <= TABLE_COLUMNS) {
        tally_present_elide(s, cut, fit, sizeof fit);
        s = fit;
    }
    tally_present_table_cell(b, s, strlen(s), width, 0, last);
}

/* The documents table: in 80 columns the name and outlet cut in their
 * middle, the URL left to the wide table, JSON and CSV. */
#define DOC_NAME 30
#define DOC_OUTLET (TABLE_COLUMNS - DOC_NAME - 21)

void tally_present_docs_head(tally_buf *b, tally_output o)
{
    if (tally_output_table(o)) {
        bool wide = o == TALLY_OUTPUT_WIDE;
        table_text(b, "name", -DOC_NAME, 0, false);
        table_text(b, "date", -10, 0, false);
        table_text(b, "claims", 6, 0, false);
        table_text(b, "c", 1, 0, false);
        table_text(b, "outlet", wide ? -20 : 0, 0, !wide);
        if (wide)
            table_text(b, "url", 0, 0, true);
    } else if (o == TALLY_OUTPUT_CSV)
        tally_json_raw(b, "id,name,date,revised,claims,curated,title,outlet,url,key,origin,hash,"
                          "body_bytes,ingested_at\n");
}

void tally_present_doc(tally_buf *b, tally_output o, const tally_doc_row *r)
{
    char id[32], claims[32], bytes[32];
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    snprintf(claims, sizeof claims, "%lld", (long long)r->claims);
    snprintf(bytes, sizeof bytes, "%lld", (long long)r->body_bytes);
    if (tally_output_table(o)) {
        bool wide = o == TALLY_OUTPUT_WIDE;
        table_text(b, r->name, -DOC_NAME, wide ? 0 : DOC_NAME, false);
        table_text(b, r->date, -10, 0, false);
        table_text(b, claims, 6, 0, false);
        table_text(b, r->curated ? "c" : "-", 1, 0, false);
        table_text(b, r->outlet, wide ? -20 : 0, wide ? 0 : DOC_OUTLET, !wide);
        if (wide)
            table_text(b, r->url ? r->url : r->origin ? r->origin : r->key, 0, 0, true);
        return;
    }
    /* numbers and booleans bare in JSON, the rest as strings */
    const struct {
        const char *key, *value;
        bool bare;
    } fields[] = {{"id", id, true},
                  {"name", r->name, false},
                  {"date", r->date, false},
                  {"revised", r->revised, false},
                  {"claims", claims, true},
                  {"curated", r->curated ? "true" : "false", true},
                  {"title", r->title, false},
                  {"outlet", r->outlet, false},
                  {"url", r->url, false},
                  {"key", r->key, false},
                  {"origin", r->origin, false},
                  {"hash", r->hash, false},
                  {"body_bytes", bytes, true},
                  {"ingested_at", r->ingested_at, false}};
    size_t n = sizeof fields / sizeof fields[0];
    for (size_t i = 0; i < n; i++) {
        const char *v = fields[i].value;
        if (o == TALLY_OUTPUT_CSV) {
            tally_present_csv_cell(b, v != NULL ? v : "", v != NULL ? strlen(v) : 0, i + 1 == n);
            continue;
        }
        tally_json_raw(b, i == 0 ? "{\"" : ",\"");
        tally_json_raw(b, fields[i].key);
        TALLY_JSON_LIT(b, "\":");
        if (fields[i].bare)
            tally_json_raw(b, v);
        else
            tally_present_str_or_null(b, v);
    }
    if (o == TALLY_OUTPUT_JSON)
        TALLY_JSON_LIT(b, "}\n");
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

void tally_present_sources_head(tally_buf *b, tally_output o)
{
    if (tally_output_table(o)) {
        table_text(b, "source", -40, 0, false);
        table_text(b, "cty", -3, 0, false);
        table_text(b, "kind", -12, 0, false);
        table_text(b, "claims", 7, 0, false);
        table_text(b, "docs", 5, 0, true);
    } else if (o == TALLY_OUTPUT_CSV)
        tally_json_raw(b, "name,country,kind,claims,documents\n");
}

void tally_present_source_line(tally_buf *b, tally_output o, const tally_source_row *r)
{
    char claims[32], docs[32];
    snprintf(claims, sizeof claims, "%lld", (long long)r->claims);
    snprintf(docs, sizeof docs, "%lld", (long long)r->documents);
    if (o == TALLY_OUTPUT_JSON) {
        tally_present_source(b, r);
        TALLY_JSON_LIT(b, "\n");
    } else if (tally_output_table(o)) {
        table_text(b, r->name, -40, o == TALLY_OUTPUT_WIDE ? 0 : 40, false);
        table_text(b, r->country, -3, 0, false);
        table_text(b, r->kind, -12, 0, false);
        table_text(b, claims, 7, 0, false);
        table_text(b, docs, 5, 0, true);
    } else {
        const char *cells[] = {r->name, r->country, r->kind, claims, docs};
        for (size_t i = 0; i < 5; i++)
            tally_present_csv_cell(b, cells[i] != NULL ? cells[i] : "",
                                   cells[i] != NULL ? strlen(cells[i]) : 0, i == 4);
    }
}
