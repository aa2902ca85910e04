/* tally: the command-line entry point; it only dispatches.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <string.h>

static const struct cli_cmd cmds[] = {
    {"figures", cli_figures, "print every figure (number, money, percent) in documents",
     cli_figures_help},
    {"extract", cli_extract, "print every claim (sourced figure of support between states)",
     cli_extract_help},
    {"events", cli_events,
     "print every event (PLOVER: summits, treaties, votes, aid), or the stored ones",
     cli_events_help},
    {"ingest", cli_ingest,
     "extract documents' claims and events into the database, with provenance", cli_ingest_help},
    {"fetch", cli_fetch, "download web pages (http, https) and ingest them with their metadata",
     cli_fetch_help},
    {"import", cli_import,
     "load curated claims or events from CSV (or the bundled record and relations)",
     cli_import_help},
    {"copy", cli_copy, "copy a whole database into another (an SQLite file, a PostgreSQL server)",
     cli_copy_help},
    {"claims", cli_claims, "print stored claims by supplier, recipient, item, kind, source, date",
     cli_claims_help},
    {"docs", cli_docs, "print the stored documents", cli_docs_help},
    {"sources", cli_sources, "print who asserts the stored claims", cli_sources_help},
    {"clusters", cli_clusters, "print the echo clusters of stored claims (each counted once)",
     cli_clusters_help},
    {"estimate", cli_estimate, "estimate a series (supplier, recipient, item) with intervals",
     cli_estimate_help},
    {"rank", cli_rank, "compare a state's partners in one measure, with the odds of each rank",
     cli_rank_help},
    {"check", cli_check, "list stored claims (and events) that cannot all be true, and why",
     cli_check_help},
    {"backtest", cli_backtest, "check estimates against totals stated later (known the day before)",
     cli_backtest_help},
    {"report", cli_report,
     "write one self-contained HTML report: estimates, charts, relations, sources",
     cli_report_help},
    {"serve", cli_serve, "the dashboard and JSON API on 127.0.0.1 (GET only, read-only)",
     cli_serve_help},
    {"train", cli_train, "train the extractor's decisions on annotated documents; cross-validate",
     cli_train_help},
    {"score", cli_score, "score extracted claims against gold claims (as score-claims does)",
     cli_score_help},
};
enum { N_CMDS = sizeof cmds / sizeof cmds[0] };

static void usage(FILE *out)
{
    fputs("Usage: tally <command> [options] [args]\n"
          "       tally help <command> | tally --help | tally --version\n"
          "\n"
          "tally reads reports on material support between states, extracts their\n"
          "sourced figures (claims) and keeps them in a database with provenance\n"
          "and reconciles them into estimates with intervals, printed, served or\n"
          "written as a report. The database is --db DB, else $TALLY_DB, else\n"
          "./tally.db: an SQLite file, or a team's PostgreSQL server named by a\n"
          "postgresql:// URI or a libpq connection string (\"host=db dbname=tally\";\n"
          "PGHOST, PGUSER, PGPASSWORD... fill in the rest).\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < N_CMDS; i++)
        fprintf(out, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
    fputs("  help       show the help of a command\n"
          "\n"
          "Exit status: 0 success, 1 failure (an input or the database could not be\n"
          "read or written; the other inputs are still processed), 2 usage error\n"
          "(also a database server that is down, refuses the login, or holds a\n"
          "newer schema).\n",
          out);
}

static const struct cli_cmd *find(const char *name)
{
    for (size_t i = 0; i < N_CMDS; i++)
        if (strcmp(cmds[i].name, name) == 0)
            return &cmds[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("tally %s\n", TALLY_VERSION);
        return CLI_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return CLI_OK;
        }
        const struct cli_cmd *c = find(argv[2]);
        if (c == NULL) {
            cli_errorf("unknown command '%s'; see 'tally --help'", argv[2]);
            return CLI_USAGE;
        }
        c->help(stdout);
        return CLI_OK;
    }
    const struct cli_cmd *c = find(name);
    if (c == NULL) {
        cli_errorf("unknown command '%s'; see 'tally --help'", name);
        return CLI_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
