/* tally extract: the claims of documents, as ../shared/docs/CLAIMS.md defines them. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally/claim.h"
#include "tally/extract.h"
#include "tally/json.h"
#include "tally/mem.h"
#include "tally/when.h"

void cli_extract_help(FILE *out)
{
    fputs("Usage: tally extract [--format jsonl|table] [--date YYYY-MM-DD] [--explain]\n"
          "                     [--as txt|md|html] FILE...|-\n"
          "\n"
          "Prints every claim in the documents: a figure about material support\n"
          "between states, with what was counted, from which state to which, who\n"
          "says so, since when and as of when, and how hedged. One JSON object a line\n"
          "in the format of CLAIMS.md: doc, sentence, text, kind, supplier, recipient,\n"
          "item, caliber_mm, unit, low, high, qualifier, since, as_of, source,\n"
          "source_country, hedged. Figures that count nothing in scope are left out.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  jsonl (default) or table\n"
          "      --date DATE   the document date when its header has none\n"
          "                    (YYYY, YYYY-MM or YYYY-MM-DD)\n"
          "      --explain     add \"why\": the words that decided supplier, recipient,\n"
          "                    kind, item and source, and the rule used\n"
          "      --as FMT      read the body as txt, md or html\n"
          "  -h, --help        show this help\n",
          out);
}

struct extract_ctx {
    char *doc;
    bool table, explain;
    tally_date fallback;
    tally_extractor *x;
    tally_arena *arena;
    tally_buf line;
    const char *body_text; /* the current block, for sentences and reasons */
    size_t body_offset;
};

static void put_str_or_null(tally_buf *l, const char *s)
{
    if (s != NULL && s[0] != '\0')
        tally_json_str(l, s, strlen(s));
    else
        TALLY_JSON_LIT(l, "null");
}

static void put_date(tally_buf *l, tally_date d)
{
    char buf[16];
    put_str_or_null(l, d.year ? tally_date_format(d, buf) : NULL);
}

static void put_span(struct extract_ctx *c, size_t start, size_t end)
{
    tally_json_str(&c->line, c->body_text + (start - c->body_offset), end - start);
}

static void put_reason(struct extract_ctx *c, const char *key, const tally_reason *r)
{
    TALLY_JSON_LIT(&c->line, "\"");
    tally_json_raw(&c->line, key);
    TALLY_JSON_LIT(&c->line, "\":{\"words\":");
    if (r->end > r->start)
        put_span(c, r->start, r->end);
    else
        TALLY_JSON_LIT(&c->line, "null");
    TALLY_JSON_LIT(&c->line, ",\"rule\":");
    put_str_or_null(&c->line, r->rule);
    TALLY_JSON_LIT(&c->line, "}");
}

static void print_claim(struct extract_ctx *c, const tally_claim *k)
{
    tally_buf *l = &c->line;
    tally_buf_clear(l);
    if (c->table) {
        char row[256], lo[32] = "-", hi[32] = "-", since[16] = "-", as_of[16] = "-";
        if (k->has_low)
            snprintf(lo, sizeof lo, "%.15g", k->low);
        if (k->has_high)
            snprintf(hi, sizeof hi, "%.15g", k->high);
        if (k->since.year)
            tally_date_format(k->since, since);
        if (k->as_of.year)
            tally_date_format(k->as_of, as_of);
        int n = snprintf(row, sizeof row,
                         "%-20.20s %-11s %-3s %-3s %-9s %12s %12s %-9s %-10s %-10s %c ", c->doc,
                         tally_kind_name(k->kind), k->supplier[0] ? k->supplier : "-",
                         k->recipient[0] ? k->recipient : "-", tally_unit_name(k), lo, hi,
                         tally_qualifier_name(k->qualifier), since, as_of, k->hedged ? 'h' : '-');
        tally_json_raw(l, n > 0 ? row : "");
        tally_json_raw(l, k->source);
        TALLY_JSON_LIT(l, "\n");
        fwrite(l->ptr, 1, l->len, stdout);
        return;
    }
    TALLY_JSON_LIT(l, "{\"doc\":");
    tally_json_str(l, c->doc, strlen(c->doc));
    TALLY_JSON_LIT(l, ",\"sentence\":");
    put_span(c, k->sentence_start, k->sentence_end);
    TALLY_JSON_LIT(l, ",\"text\":");
    put_span(c, k->start, k->end);
    TALLY_JSON_LIT(l, ",\"kind\":\"");
    tally_json_raw(l, tally_kind_name(k->kind));
    TALLY_JSON_LIT(l, "\",\"supplier\":");
    put_str_or_null(l, k->supplier);
    TALLY_JSON_LIT(l, ",\"recipient\":");
    put_str_or_null(l, k->recipient);
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
    put_str_or_null(l, k->source);
    TALLY_JSON_LIT(l, ",\"source_country\":");
    put_str_or_null(l, k->source_country);
    if (k->hedged)
        TALLY_JSON_LIT(l, ",\"hedged\":true");
    else
        TALLY_JSON_LIT(l, ",\"hedged\":false");
    if (c->explain) {
        TALLY_JSON_LIT(l, ",\"why\":{");
        put_reason(c, "supplier", &k->why_supplier);
        TALLY_JSON_LIT(l, ",");
        put_reason(c, "recipient", &k->why_recipient);
        TALLY_JSON_LIT(l, ",");
        put_reason(c, "kind", &k->why_kind);
        TALLY_JSON_LIT(l, ",");
        put_reason(c, "item", &k->why_item);
        TALLY_JSON_LIT(l, ",");
        put_reason(c, "source", &k->why_source);
        TALLY_JSON_LIT(l, "}");
    }
    TALLY_JSON_LIT(l, "}\n");
    fwrite(l->ptr, 1, l->len, stdout);
}

static int on_meta(const tally_doc_meta *meta, tally_format f, void *user, tally_err *err)
{
    struct extract_ctx *c = user;
    (void)f;
    (void)err;
    tally_date d = c->fallback;
    if (meta->date != NULL) {
        tally_date h;
        if (tally_date_parse(meta->date, strlen(meta->date), &h) == 0)
            d = h;
        else if (strcmp(meta->date, "unknown") != 0)
            cli_warnf("%s: header date '%s' is not YYYY, YYYY-MM or YYYY-MM-DD; %s", c->doc,
                      meta->date, d.year ? "using --date" : "relative dates are left out");
    }
    tally_extractor_free(c->x);
    c->x = tally_extractor_new(d, meta);
    return 0;
}

static int on_block(const tally_block *b, void *user, tally_err *err)
{
    struct extract_ctx *c = user;
    tally_claims cs;
    int rc = tally_extract_block(c->x, b, &cs, c->arena, err);
    c->body_text = b->text;
    c->body_offset = b->offset;
    if (rc == 0)
        for (size_t i = 0; i < cs.n; i++)
            print_claim(c, &cs.v[i]);
    tally_arena_reset(c->arena);
    return rc;
}

static void on_start(const char *path, void *user)
{
    struct extract_ctx *c = user;
    free(c->doc);
    c->doc = tally_doc_name(path);
}

int cli_extract(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"date", required_argument, NULL, 'd'},
        {"explain", no_argument, NULL, 'e'},      {"as", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    struct extract_ctx c = {0};
    tally_doc_opts opts = {0};
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        if (ch == 'd') {
            if (tally_date_parse(optarg, strlen(optarg), &c.fallback) != 0)
                return cli_usagef("extract", "bad date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)", optarg);
            continue;
        }
        if (ch == 'e') {
            c.explain = true;
            continue;
        }
        int rc = cli_common_option("extract", ch, argv, &c.table, &opts, cli_extract_help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef("extract", "unknown option") : rc;
    }
    if (optind >= argc)
        return cli_usagef("extract", "no input: give files, or - for stdin");
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (c.table)
        printf("%-20s %-11s %-3s %-3s %-9s %12s %12s %-9s %-10s %-10s %c %s\n", "doc", "kind",
               "sup", "rec", "unit", "low", "high", "qualifier", "since", "as_of", 'h', "source");
    c.arena = tally_arena_new();
    tally_buf_init(&c.line, (size_t)1 << 30);
    tally_doc_handler h = {.on_meta = on_meta, .on_block = on_block, .user = &c};
    int status = cli_read_inputs(argv + optind, argc - optind, &opts, &h, on_start);
    tally_extractor_free(c.x);
    tally_arena_free(c.arena);
    tally_buf_free(&c.line);
    free(c.doc);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("writing output failed");
        status = CLI_FAIL;
    }
    return status;
}
