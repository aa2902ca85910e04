/* tally events: the events of documents (../shared/docs/EVENTS.md), coded in
 * the claim extractor's own pass.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally/event.h"
#include "tally/extract.h"
#include "tally/mem.h"
#include "tally/present.h"
#include "tally/store.h"

void cli_events_help(FILE *out)
{
    fputs("Usage: tally events [--format jsonl|table] [--date YYYY-MM-DD] [--explain]\n"
          "                    [--model MODEL | --no-model] [--as txt|md|html] FILE...|-\n"
          "\n"
          "Prints every event in the documents: what two states (or a state and an\n"
          "international body) do to or for each other, coded in PLOVER's types as\n"
          "../shared/docs/EVENTS.md defines them: a summit, a treaty, a gift, a vote\n"
          "at the UN, a shipment of shells. One JSON object a line: doc, sentence,\n"
          "text (the trigger), type, mode, context, actor, recipient, about, date,\n"
          "aux (historical, future, hypothetical, negation), source and hedged. The\n"
          "documents are read as tally extract reads them, in the same pass: the same\n"
          "sentences, actors, dates, attribution and hedges.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  jsonl (default) or table\n"
          "      --date DATE   the document date when its header has none\n"
          "      --explain     add \"p\" (the type's probability) and \"why\": for the\n"
          "                    type, actor, recipient and aux decisions the features\n"
          "                    that weighed most\n"
          "      --model MODEL the decisions of MODEL (tally train --events -o)\n"
          "                    instead of the bundled event model\n"
          "      --no-model    the rules' events: claims and triggers, no model\n"
          "      --as FMT      read the body as txt, md or html\n"
          "  -h, --help        show this help\n",
          out);
}

struct events_ctx {
    char *doc;
    tally_output format;
    bool explain;
    tally_extract_opts opts;
    tally_date fallback;
    tally_extractor *x;
    tally_arena *arena;
    tally_buf line;
    int status;
    const char *path;
};

static void print_events(struct events_ctx *c, const tally_events *ev)
{
    for (size_t i = 0; i < ev->n; i++) {
        const tally_event *e = &ev->v[i];
        tally_event_row r = {.event = *e, .doc = c->doc};
        r.sentence = ev->body + (e->sentence_start - ev->body_offset);
        r.sentence_len = e->sentence_end - e->sentence_start;
        r.text = ev->body + (e->start - ev->body_offset);
        r.text_len = e->end - e->start;
        tally_present_event(&c->line, c->format, &r, false, c->explain);
        c->status |= cli_write(&c->line);
    }
}

static void end_doc(struct events_ctx *c)
{
    if (c->x == NULL)
        return;
    tally_claims cs;
    tally_extract_finish(c->x, &cs, c->arena);
    print_events(c, &cs.events);
    tally_arena_reset(c->arena);
    cli_warn_cut_sentences(c->path, tally_extractor_cut_sentences(c->x));
    tally_extractor_free(c->x);
    c->x = NULL;
}

static int on_meta(const tally_doc_meta *meta, tally_format f, void *user, tally_err *err)
{
    struct events_ctx *c = user;
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
    end_doc(c);
    c->x = tally_extractor_open(d, meta, &c->opts);
    return 0;
}

static int on_block(const tally_block *b, void *user, tally_err *err)
{
    struct events_ctx *c = user;
    tally_claims cs;
    int rc = tally_extract_block(c->x, b, &cs, c->arena, err);
    if (rc == 0)
        print_events(c, &cs.events);
    tally_arena_reset(c->arena);
    return rc;
}

static void on_start(const char *path, void *user)
{
    struct events_ctx *c = user;
    end_doc(c);
    free(c->doc);
    c->doc = tally_doc_name(path);
    c->path = strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int cli_events(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"date", required_argument, NULL, 'd'},
                                             {"explain", no_argument, NULL, 'e'},
                                             {"as", required_argument, NULL, 'a'},
                                             CLI_MODEL_OPTIONS,
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct events_ctx c = {.format = TALLY_OUTPUT_JSON};
    tally_learn_model *model = NULL;
    tally_doc_opts opts = {0};
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        if (ch == 'd') {
            if (tally_date_parse(optarg, strlen(optarg), &c.fallback) != 0)
                return cli_usagef("events", "bad date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)", optarg);
            continue;
        }
        if (ch == 'e') {
            c.explain = true;
            continue;
        }
        int rc = cli_model_option("events", ch, &c.opts, &model);
        if (rc == CLI_UNHANDLED)
            rc = cli_common_option("events", ch, argv, &c.format, &opts, cli_events_help);
        if (rc != CLI_CONTINUE) {
            tally_learn_model_free(model);
            return rc == CLI_UNHANDLED ? cli_usagef("events", "unknown option") : rc;
        }
    }
    /* --model names the event coder's model; the claims keep the bundled one */
    c.opts.event_model = c.opts.model;
    c.opts.model = NULL;
    c.opts.events = true;
    c.opts.explain = c.explain;
    if (optind >= argc) {
        tally_learn_model_free(model);
        return cli_usagef("events", "no input: give files, or - for stdin");
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    c.arena = tally_arena_new();
    tally_buf_init(&c.line, (size_t)1 << 30);
    tally_present_events_head(&c.line, c.format);
    c.status = cli_write(&c.line);
    tally_doc_handler h = {.on_meta = on_meta, .on_block = on_block, .user = &c};
    int status = cli_read_inputs(argv + optind, argc - optind, &opts, &h, on_start);
    end_doc(&c);
    status |= c.status;
    tally_learn_model_free(model);
    tally_arena_free(c.arena);
    tally_buf_free(&c.line);
    free(c.doc);
    return cli_done(status);
}
