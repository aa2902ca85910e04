/* tally figures: every number, money amount and percentage in documents. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally/figure.h"
#include "tally/json.h"
#include "tally/mem.h"

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
    FILE *out;
};

static void print_value(FILE *out, bool has, double v, bool table)
{
    if (!has)
        fputs(table ? "-" : "null", out);
    else
        tally_json_num(out, v);
}

static void print_figure(const struct figures_ctx *c, const tally_block *b, const tally_figure *f)
{
    const char *text = b->text + f->start;
    size_t len = f->end - f->start;
    FILE *out = c->out;
    if (c->table) {
        fprintf(out, "%-20.20s %8zu %8zu %-7s %-9s ", c->doc, b->offset + f->start,
                b->offset + f->end, tally_figure_kind_name(f->kind),
                tally_qualifier_name(f->qualifier));
        print_value(out, f->has_low, f->low, true);
        fputc(' ', out);
        print_value(out, f->has_high, f->high, true);
        fprintf(out, " %s %.*s\n", f->currency[0] ? f->currency : "-", (int)len, text);
        return;
    }
    fputs("{\"doc\":", out);
    tally_json_str(out, c->doc, strlen(c->doc));
    fprintf(out, ",\"start\":%zu,\"end\":%zu,\"text\":", b->offset + f->start, b->offset + f->end);
    tally_json_str(out, text, len);
    fprintf(out, ",\"kind\":\"%s\",\"low\":", tally_figure_kind_name(f->kind));
    print_value(out, f->has_low, f->low, false);
    fputs(",\"high\":", out);
    print_value(out, f->has_high, f->high, false);
    fprintf(out, ",\"qualifier\":\"%s\",\"currency\":", tally_qualifier_name(f->qualifier));
    if (f->currency[0])
        fprintf(out, "\"%s\"}\n", f->currency);
    else
        fputs("null}\n", out);
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
        switch (ch) {
        case 'f':
            if (strcmp(optarg, "table") == 0)
                c.table = true;
            else if (strcmp(optarg, "jsonl") != 0)
                return cli_usagef("figures", "unknown format '%s' (jsonl or table)", optarg);
            break;
        case 'a': {
            int f = tally_format_parse(optarg);
            if (f < 0 || f == TALLY_FORMAT_AUTO)
                return cli_usagef("figures", "unknown input format '%s' (txt, md or html)",
                                  optarg);
            opts.format = (tally_format)f;
            break;
        }
        case 'h':
            cli_figures_help(stdout);
            return CLI_OK;
        case ':':
            return cli_usagef("figures", "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usagef("figures", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usagef("figures", "no input: give files, or - for stdin");
    if (c.table)
        fprintf(stdout, "%-20s %8s %8s %-7s %-9s %s\n", "doc", "start", "end", "kind",
                "qualifier", "low high currency text");
    c.arena = tally_arena_new();
    tally_doc_handler h = {.on_block = on_block, .user = &c};
    int status = cli_read_inputs(argv + optind, argc - optind, &opts, &h, on_start);
    tally_arena_free(c.arena);
    free(c.doc);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("writing output failed");
        status = CLI_FAIL;
    }
    return status;
}
