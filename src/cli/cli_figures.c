/* tally figures: every number, money amount and percentage in documents. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally/figure.h"
#include "tally/json.h"
#include "tally/mem.h"
#include "tally/visible.h"

void cli_figures_help(FILE *out)
{
    fputs("Usage: tally figures [--format jsonl|table] [--as txt|md|html] FILE...|-\n"
          "\n"
          "Prints every figure in the documents, one per line. With jsonl (the default)\n"
          "each line is an object:\n"
          "  {\"doc\", \"start\", \"end\", \"text\", \"kind\", \"low\", \"high\", \"qualifier\",\n"
          "   \"currency\"}\n"
          "doc is the file name without its extension (\"-\" for stdin); start and end are\n"
          "byte offsets into the decoded body (after the header), end exclusive; kind is\n"
          "number, money or percent; qualifier is exact, about, more-than, at-least,\n"
          "up-to, less-than or range. Vague magnitudes (\"dozens\", \"millions\") are\n"
          "at-least figures.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  jsonl (default) or table\n"
          "      --as FMT      read the body as txt, md or html (default: by extension,\n"
          "                    else sniffed)\n"
          "  -h, --help        show this help\n",
          out);
}

struct figures_ctx {
    const char *path;
    char *doc;
    bool table;
    tally_arena *arena;
    tally_buf line; /* the output line being built */
    FILE *out;
};

static void put_bound(tally_buf *line, bool has, double v, bool table)
{
    if (!has)
        tally_json_raw(line, table ? "-" : "null");
    else
        tally_json_num(line, v);
}

/* One figure as a line of JSON (or of the table), written with one fwrite. */
static void print_figure(struct figures_ctx *c, const tally_block *b, const tally_figure *f)
{
    const char *text = b->text + f->start;
    size_t len = f->end - f->start;
    tally_buf *line = &c->line;
    tally_buf_clear(line);
    if (c->table) {
        char lo[32] = "-", hi[32] = "-", row[256];
        if (f->has_low)
            snprintf(lo, sizeof lo, "%.15g", f->low);
        if (f->has_high)
            snprintf(hi, sizeof hi, "%.15g", f->high);
        int n = snprintf(row, sizeof row, "%-20.20s %9zu %9zu %-7s %-9s %14s %14s %-3s ", c->doc,
                         b->offset + f->start, b->offset + f->end, tally_figure_kind_name(f->kind),
                         tally_qualifier_name(f->qualifier), lo, hi,
                         f->currency[0] ? f->currency : "-");
        if (n > 0)
            tally_visible_append(line, row, (size_t)n < sizeof row ? (size_t)n : sizeof row - 1);
        /* the figure's own text, with line breaks shown as spaces and any
         * other control character visibly (tally/visible.h) */
        for (size_t i = 0, run = 0; i <= len; i++) {
            if (i < len && text[i] != '\n' && text[i] != '\r' && text[i] != '\t')
                continue;
            tally_visible_append(line, text + run, i - run);
            if (i < len)
                tally_json_raw_n(line, " ", 1);
            run = i + 1;
        }
        tally_json_raw(line, "\n");
    } else {
        tally_json_raw(line, "{\"doc\":");
        tally_json_str(line, c->doc, strlen(c->doc));
        tally_json_raw(line, ",\"start\":");
        tally_json_uint(line, b->offset + f->start);
        tally_json_raw(line, ",\"end\":");
        tally_json_uint(line, b->offset + f->end);
        tally_json_raw(line, ",\"text\":");
        tally_json_str(line, text, len);
        tally_json_raw(line, ",\"kind\":\"");
        tally_json_raw(line, tally_figure_kind_name(f->kind));
        tally_json_raw(line, "\",\"low\":");
        put_bound(line, f->has_low, f->low, false);
        tally_json_raw(line, ",\"high\":");
        put_bound(line, f->has_high, f->high, false);
        tally_json_raw(line, ",\"qualifier\":\"");
        tally_json_raw(line, tally_qualifier_name(f->qualifier));
        tally_json_raw(line, "\",\"currency\":");
        if (f->currency[0]) {
            tally_json_str(line, f->currency, strlen(f->currency));
        } else {
            tally_json_raw(line, "null");
        }
        tally_json_raw(line, "}\n");
    }
    fwrite(line->ptr, 1, line->len, c->out);
}

static int on_block(const tally_block *b, void *user, tally_err *err)
{
    struct figures_ctx *c = user;
    tally_figures figs;
    tally_span text = {b->text, b->len};
    int rc = tally_figures_scan(text, &figs, c->arena, err);
    if (rc == 0)
        for (size_t i = 0; i < figs.n; i++)
            print_figure(c, b, &figs.v[i]);
    tally_arena_reset(c->arena);
    return rc;
}

static void on_start(const char *path, void *user)
{
    struct figures_ctx *c = user;
    free(c->doc);
    c->path = path;
    c->doc = tally_doc_name(path);
}

int cli_figures(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"as", required_argument, NULL, 'a'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct figures_ctx c = {.out = stdout};
    tally_doc_opts opts = {0};
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = cli_common_option("figures", ch, argv, &c.table, &opts, cli_figures_help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef("figures", "unknown option") : rc;
    }
    if (optind >= argc)
        return cli_usagef("figures", "no input: give files, or - for stdin");
    if (c.table)
        printf("%-20s %9s %9s %-7s %-9s %14s %14s %-3s %s\n", "doc", "start", "end", "kind",
               "qualifier", "low", "high", "cur", "text");
    /* Figures are many and short: a large buffer saves write calls. */
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    c.arena = tally_arena_new();
    tally_buf_init(&c.line, (size_t)1 << 30);
    tally_doc_handler h = {.on_block = on_block, .user = &c};
    int status = cli_read_inputs(argv + optind, argc - optind, &opts, &h, on_start);
    tally_arena_free(c.arena);
    tally_buf_free(&c.line);
    free(c.doc);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("writing output failed");
        status = CLI_FAIL;
    }
    return status;
}
