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
    fputs("Usage: tally events [--format jsonl|table|csv] [--date YYYY-MM-DD] [--explain]\n"
          "                    [--model MODEL | --no-model] [--as txt|md|html] FILE...|-\n"
          "       tally events --db DB [--actor P] [--recipient P] [--both-ways]\n"
          "                    [--type T] [--mode M] [--since D] [--until D]\n"
          "                    [--known-by D] [--doc NAME] [--limit N]\n"
          "                    [--format jsonl|table|csv] [--wide]\n"
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
          "With --db (or any filter), prints the stored events instead (tally ingest\n"
          "stores them; tally import loads the curated relations), by date, each\n"
          "with its id, url, stated (when it was reported), note and curated. An\n"
          "event's date is its own, else the date it was stated.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  jsonl (default), table or csv\n"
          "      --wide        with table: every column (doc, actor, recipient, aux) and\n"
          "                    nothing cut (default: 80 columns)\n"
          "      --date DATE   the document date when its header has none\n"
          "      --explain     add \"p\" (the type's probability) and \"why\": for the\n"
          "                    type, actor, recipient and aux decisions the features\n"
          "                    that weighed most\n"
          "      --model MODEL the decisions of MODEL (tally train --events -o)\n"
          "                    instead of the bundled event model\n"
          "      --no-model    the rules' events: claims and triggers, no model\n"
          "      --as FMT      read the body as txt, md or html\n"
          "  -h, --help        show this help\n"
          "Stored events:\n"
          "      --db DB       the database: a file, or a PostgreSQL server's\n"
          "                    postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "      --actor P     who acts: alpha-3 (PRK), a state's name, or a body\n"
          "                    (UN, UNSC, UNGA, EU, NATO, IAEA)\n"
          "      --recipient P to or for whom, likewise\n"
          "      --both-ways   --actor and --recipient match either way round (a pair's\n"
          "                    relations); with one of them, either side\n"
          "      --type T      a PLOVER type: AGREE, CONSULT, SUPPORT, COOPERATE, AID,\n"
          "                    REQUEST, ACCUSE, REJECT, SANCTION, ...\n"
          "      --mode M      a mode: visit, phone, vote, recognition, treaty,\n"
          "                    military, debt-relief, gift, personnel, ...\n"
          "      --since D     dated D or later (YYYY, YYYY-MM or YYYY-MM-DD)\n"
          "      --until D     dated within D or earlier\n"
          "      --known-by D  reported within D or earlier: what was knowable then\n"
          "      --doc NAME    from the document of this name, URL or key\n"
          "      --limit N     at most N events\n",
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
    tally_claims cs; /* the events held back come out; the claims are dropped */
    bool more;
    do {
        more = tally_extract_finish(c->x, &cs, c->arena);
        print_events(c, &cs.events);
        tally_arena_reset(c->arena);
    } while (more);
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

/* Options of the stored events' query. */
struct query_opts {
    const char *db;
    bool on; /* --db or a filter given */
    tally_event_filter f;
    char actor[TALLY_PARTY_MAX], recipient[TALLY_PARTY_MAX];
};

/* Handles one option of the query: CLI_CONTINUE, CLI_USAGE or CLI_UNHANDLED. */
static int query_option(int ch, struct query_opts *q)
{
    switch (ch) {
    case 'D':
        q->db = optarg;
        break;
    case 'A':
    case 'R': {
        char *code = ch == 'A' ? q->actor : q->recipient;
        if (tally_present_party_code(optarg, code) == NULL)
            return cli_usagef("events",
                              "unknown party '%s' (alpha-3 such as PRK, a state's name, or"
                              " UN, UNSC, UNGA, EU, NATO, IAEA)",
                              optarg);
        *(ch == 'A' ? &q->f.actor : &q->f.recipient) = code;
        break;
    }
    case 'B':
        q->f.both_ways = true;
        break;
    case 't':
        q->f.type = optarg;
        break;
    case 'm':
        q->f.mode = optarg;
        break;
    case 's':
        q->f.since = optarg;
        break;
    case 'u':
        q->f.until = optarg;
        break;
    case 'k':
        q->f.known_by = optarg;
        break;
    case 'c':
        q->f.doc = optarg;
        break;
    case 'n': {
        char *end;
        long long v = strtoll(optarg, &end, 10);
        if (*optarg == '\0' || *end != '\0' || v <= 0)
            return cli_usagef("events", "--limit needs a positive number, not '%s'", optarg);
        q->f.limit = v;
        break;
    }
    default:
        return CLI_UNHANDLED;
    }
    q->on = true;
    return CLI_CONTINUE;
}

struct stored_out {
    tally_output fmt;
    tally_buf line;
    int status;
};

static int print_stored(const tally_event_row *r, void *user)
{
    struct stored_out *o = user;
    tally_present_event(&o->line, o->fmt, r, true, false);
    o->status |= cli_write(&o->line);
    return 0;
}

/* tally events --db: the stored events passing the filters. */
static int query_events(struct query_opts *q, tally_output fmt)
{
    tally_store *s;
    int opened = cli_open_db(q->db, &s);
    if (opened != CLI_OK)
        return opened;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    struct stored_out o = {fmt, {0}, 0};
    tally_buf_init(&o.line, (size_t)1 << 26);
    tally_present_events_head(&o.line, fmt);
    o.status = cli_write(&o.line);
    tally_err err = {0};
    int rc = tally_store_events(s, &q->f, print_stored, &o, &err);
    tally_buf_free(&o.line);
    tally_store_close(s);
    if (rc == TALLY_EUSAGE)
        return cli_usagef("events", "%s", err.msg);
    if (rc != 0) {
        cli_errorf("%s", err.msg);
        return CLI_FAIL;
    }
    return cli_done(o.status);
}

int cli_events(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             CLI_WIDE_OPTION,
                                             {"date", required_argument, NULL, 'd'},
                                             {"explain", no_argument, NULL, 'e'},
                                             {"as", required_argument, NULL, 'a'},
                                             {"db", required_argument, NULL, 'D'},
                                             {"actor", required_argument, NULL, 'A'},
                                             {"recipient", required_argument, NULL, 'R'},
                                             {"both-ways", no_argument, NULL, 'B'},
                                             {"type", required_argument, NULL, 't'},
                                             {"mode", required_argument, NULL, 'm'},
                                             {"since", required_argument, NULL, 's'},
                                             {"until", required_argument, NULL, 'u'},
                                             {"known-by", required_argument, NULL, 'k'},
                                             {"doc", required_argument, NULL, 'c'},
                                             {"limit", required_argument, NULL, 'n'},
                                             CLI_MODEL_OPTIONS,
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct events_ctx c = {.format = TALLY_OUTPUT_JSON};
    struct query_opts q = {0};
    tally_learn_model *model = NULL;
    tally_doc_opts opts = {0};
    bool wide = false;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        if (ch == 'W') {
            wide = true;
            continue;
        }
        int rc = ch == 'f' ? cli_format_option("events", optarg, CLI_TABLE | CLI_JSON | CLI_CSV,
                                               &c.format)
                           : query_option(ch, &q);
        if (rc == CLI_UNHANDLED)
            rc = cli_reading_option("events", ch, &c.fallback, &c.explain, &c.opts, &model);
        if (rc == CLI_UNHANDLED)
            rc = cli_common_option("events", ch, argv, &c.format, &opts, cli_events_help);
        if (rc != CLI_CONTINUE) {
            tally_learn_model_free(model);
            return rc == CLI_UNHANDLED ? cli_usagef("events", "unknown option") : rc;
        }
    }
    if (cli_wide("events", wide, &c.format) != CLI_CONTINUE) {
        tally_learn_model_free(model);
        return CLI_USAGE;
    }
    if (q.on) {
        tally_learn_model_free(model);
        if (optind < argc)
            return cli_usagef("events",
                              "unexpected argument '%s' (--db reads the database, not"
                              " files)",
                              argv[optind]);
        if (c.explain)
            return cli_usagef("events", "--explain is for documents, not --db");
        return query_events(&q, c.format);
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
