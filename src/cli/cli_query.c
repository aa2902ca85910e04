/* tally claims, tally docs, tally sources: what the store holds.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally/json.h"
#include "tally/mem.h"
#include "tally/present.h"
#include "tally/store.h"

void cli_claims_help(FILE *out)
{
    fputs("Usage: tally claims [--db DB] [--supplier S] [--recipient R] [--item I]\n"
          "                    [--kind K] [--source TEXT] [--since D] [--until D]\n"
          "                    [--unit U] [--doc NAME] [--known-by D] [--limit N]\n"
          "                    [--format table|jsonl|csv] [--wide]\n"
          "\n"
          "Prints the stored claims that pass every filter given, by date. A claim's\n"
          "date is its as_of, else the date it was stated.\n"
          "\n"
          "Filters:\n"
          "      --supplier S  the supplying state: alpha-3 (PRK) or a name (North Korea)\n"
          "      --recipient R the receiving state, likewise\n"
          "      --item I      an item slug of CLAIMS.md (artillery-shell, troops, oil, ...)\n"
          "      --kind K      transfer, planned, equivalence, production, consumption,\n"
          "                    stock, casualty or financial\n"
          "      --unit U      a unit of CLAIMS.md (round, vehicle, item, ...) or a\n"
          "                    currency's ISO 4217 code (USD, EUR, GBP, ...)\n"
          "      --source TEXT a part of the source's name, any case (Shin, NIS)\n"
          "      --since D     dated D or later (YYYY, YYYY-MM or YYYY-MM-DD)\n"
          "      --until D     dated within D or earlier\n"
          "      --doc NAME    from the document of this name, URL or key\n"
          "      --known-by D  stated within D or earlier: what was knowable then\n"
          "      --limit N     at most N claims\n"
          "Output:\n"
          "  -f, --format FMT  table (default), jsonl (CLAIMS.md fields plus per, id,\n"
          "                    source_name, source_kind, source_detail, stated, note,\n"
          "                    curated and the document's url, title, outlet and date)\n"
          "                    or csv (the same columns, in the same order)\n"
          "      --wide        the table with every column (id, doc, item, since) and\n"
          "                    nothing cut (default: 80 columns, the source cut in its\n"
          "                    middle)\n"
          "      --db DB       the database: a file, or a PostgreSQL server's\n"
          "                    postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help        show this help\n",
          out);
}

void cli_docs_help(FILE *out)
{
    fputs("Usage: tally docs [--db DB] [--format table|jsonl|csv] [--wide]\n"
          "\n"
          "Prints the stored documents by date: name, date, claims, outlet, URL or\n"
          "origin. Curated records (tally import) are marked.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  table (default), jsonl or csv\n"
          "      --wide        the table with the URL and nothing cut (default: 80\n"
          "                    columns, the URL left to jsonl and csv)\n"
          "      --db DB       the database: a file, or a PostgreSQL server's\n"
          "                    postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help        show this help\n",
          out);
}

void cli_sources_help(FILE *out)
{
    fputs("Usage: tally sources [--db DB] [--format table|jsonl|csv] [--wide]\n"
          "\n"
          "Prints who asserts the stored claims, most claims first: the normalised\n"
          "name, country, kind (government, intelligence, official, outlet,\n"
          "think-tank, author, other), claims and documents.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  table (default), jsonl or csv\n"
          "      --wide        the table with whole names (default: 80 columns)\n"
          "      --db DB       the database: a file, or a PostgreSQL server's\n"
          "                    postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help        show this help\n",
          out);
}

/* ---- claims ------------------------------------------------------------- */

struct claims_out {
    tally_output fmt;
    tally_buf line;
    int status;
};

static int print_claim_row(const tally_claim_row *r, void *user)
{
    struct claims_out *o = user;
    tally_present_claim(&o->line, o->fmt, TALLY_IN_ROW, r);
    o->status |= cli_write(&o->line);
    return 0;
}

/* Options every store command takes: --db and --format. */
static int store_option(const char *cmd, int ch, char **argv, const char **db, tally_output *fmt,
                        bool *wide, void (*help)(FILE *))
{
    switch (ch) {
    case 'W':
        *wide = true;
        return CLI_CONTINUE;
    case 'D':
        *db = optarg;
        return CLI_CONTINUE;
    case 'f':
        return cli_format_option(cmd, optarg, CLI_TABLE | CLI_JSON | CLI_CSV, fmt);
    case 'h':
        help(stdout);
        return CLI_OK;
    default:
        return cli_getopt_error(cmd, ch, argv);
    }
}

static int finish(tally_store *s, int rc, const tally_err *err)
{
    tally_store_close(s);
    if (rc == TALLY_EUSAGE) {
        cli_errorf("%s", err->msg);
        return CLI_USAGE;
    }
    if (rc != 0) {
        cli_errorf("%s", err->msg);
        return CLI_FAIL;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("writing output failed");
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cli_claims(int argc, char **argv)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"format", required_argument, NULL, 'f'},
                                             CLI_WIDE_OPTION,
                                             CLI_FILTER_OPTIONS,
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    tally_claim_filter f = {0};
    const char *db = NULL;
    tally_output fmt = TALLY_OUTPUT_TABLE;
    bool wide = false;
    struct cli_states states;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = cli_filter_option("claims", ch, &f, &states);
        if (rc == CLI_UNHANDLED)
            rc = store_option("claims", ch, argv, &db, &fmt, &wide, cli_claims_help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef("claims", "unknown option") : rc;
    }
    if (optind < argc)
        return cli_usagef("claims", "unexpected argument '%s'", argv[optind]);
    if (cli_wide("claims", wide, &fmt) != CLI_CONTINUE)
        return CLI_USAGE;
    tally_store *s;
    int opened = cli_open_db(db, &s);
    if (opened != CLI_OK)
        return opened;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    struct claims_out o = {fmt, {0}, 0};
    tally_buf_init(&o.line, (size_t)1 << 26);
    tally_present_claims_head(&o.line, fmt, TALLY_IN_ROW);
    o.status = cli_write(&o.line);
    tally_err err = {0};
    int rc = tally_store_claims(s, &f, print_claim_row, &o, &err);
    tally_buf_free(&o.line);
    rc = finish(s, rc, &err);
    return rc != CLI_OK ? rc : o.status;
}

/* ---- docs and sources --------------------------------------------------- */

/* The listings' output: a format and a line. */
struct list_out {
    tally_output fmt;
    tally_buf line;
    int status;
};

static int print_doc(const tally_doc_row *r, void *user)
{
    struct list_out *o = user;
    tally_present_doc(&o->line, o->fmt, r);
    o->status |= cli_write(&o->line);
    return 0;
}

static int print_source(const tally_source_row *r, void *user)
{
    struct list_out *o = user;
    tally_present_source_line(&o->line, o->fmt, r);
    o->status |= cli_write(&o->line);
    return 0;
}

/* tally docs and tally sources: the same options, a different listing. */
static int list_cmd(const char *cmd, int argc, char **argv, void (*help)(FILE *), bool docs)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"format", required_argument, NULL, 'f'},
                                             CLI_WIDE_OPTION,
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *db = NULL;
    tally_output fmt = TALLY_OUTPUT_TABLE;
    bool wide = false;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = store_option(cmd, ch, argv, &db, &fmt, &wide, help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef(cmd, "unknown option") : rc;
    }
    if (optind < argc)
        return cli_usagef(cmd, "unexpected argument '%s'", argv[optind]);
    if (cli_wide(cmd, wide, &fmt) != CLI_CONTINUE)
        return CLI_USAGE;
    tally_store *s;
    int opened = cli_open_db(db, &s);
    if (opened != CLI_OK)
        return opened;
    struct list_out o = {fmt, {0}, 0};
    tally_buf_init(&o.line, (size_t)1 << 26);
    if (docs)
        tally_present_docs_head(&o.line, fmt);
    else
        tally_present_sources_head(&o.line, fmt);
    o.status = cli_write(&o.line);
    tally_err err = {0};
    int rc = docs ? tally_store_docs(s, print_doc, &o, &err)
                  : tally_store_sources(s, print_source, &o, &err);
    tally_buf_free(&o.line);
    rc = finish(s, rc, &err);
    return rc != CLI_OK ? rc : o.status;
}

int cli_docs(int argc, char **argv)
{
    return list_cmd("docs", argc, argv, cli_docs_help, true);
}

int cli_sources(int argc, char **argv)
{
    return list_cmd("sources", argc, argv, cli_sources_help, false);
}
