/* tally figures: every number, money amount and percentage in documents.
 * Part of the command line: includes every public header and src/cli/cli.h. */
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
    tally_output format;
    tally_arena *arena;
    tally_buf line; /* the output line being built */
    int status;
};

/* One figure as a line, written with one fwrite. */
static void print_figure(struct figures_ctx *c, const tally_block *b, const tally_figure *f)
{
    tally_present_figure_line(&c->line, c->format, c->doc, b, f);
    c->status |= cli_write(&c->line);
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
    struct figures_ctx c = {.format = TALLY_OUTPUT_JSON};
    tally_doc_opts opts = {0};
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = cli_common_option("figures", ch, argv, &c.format, &opts, cli_figures_help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef("figures", "unknown option") : rc;
    }
    if (optind >= argc)
        return cli_usagef("figures", "no input: give files, or - for stdin");
    /* Figures are many and short: a large buffer saves write calls. */
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    c.arena = tally_arena_new();
    tally_buf_init(&c.line, (size_t)1 << 30);
    tally_present_figures_head(&c.line, c.format);
    c.status = cli_write(&c.line);
    tally_doc_handler h = {.on_block = on_block, .user = &c};
    int status = cli_read_inputs(argv + optind, argc - optind, &opts, &h, on_start) | c.status;
    tally_arena_free(c.arena);
    tally_buf_free(&c.line);
    free(c.doc);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("writing output failed");
        status = CLI_FAIL;
    }
    return status;
}
