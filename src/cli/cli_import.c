/* tally import: curated claims and events from CSV files, or the bundled
 * public record and relations.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally/import.h"
#include "tally/mem.h"
#include "tally/store.h"

void cli_import_help(FILE *out)
{
    fputs("Usage: tally import [--db DB] [FILE.csv...]\n"
          "\n"
          "Loads curated claims, one CSV row per original assertion, with the columns\n"
          "date_stated, source, source_country, supplier, recipient, kind, item,\n"
          "caliber_mm, unit, low, high, qualifier, since, as_of, url and optionally\n"
          "note and per (a quote column is accepted and not stored); or curated\n"
          "events (relations: votes, recognitions, treaties, visits, debt relief),\n"
          "with the columns date, actor, recipient, type, mode, context, about, aux,\n"
          "source, url and optionally note, in the slugs of tally events. The header\n"
          "says which. The rows of one URL are one curated document: importing again\n"
          "changes nothing, and changed rows replace that URL's claims or events.\n"
          "Without FILE, imports the public record and the relations bundled with\n"
          "tally (data/public-record.csv and data/relations.csv of the source tree).\n"
          "\n"
          "A row that does not fit is reported with its line and left out; the\n"
          "others go in (exit status 1).\n"
          "\n"
          "Options:\n"
          "      --db DB       the database: a file, or a PostgreSQL server's\n"
          "                    postgresql:// URI (default $TALLY_DB, else ./tally.db);\n"
          "                    created when missing\n"
          "  -q, --quiet       no summary\n"
          "  -h, --help        show this help\n",
          out);
}

static void report(const char *msg, void *user)
{
    (void)user;
    cli_errorf("%s", msg);
}

/* Imports the bytes `data` (the bundled record), or the file `f` when not NULL. */
static int import_one(tally_store *s, const char *data, size_t len, FILE *f, const char *origin,
                      bool quiet)
{
    tally_import_stats st;
    tally_err err = {0};
    int rc = f != NULL ? tally_import_csv_file(s, f, origin, &st, report, NULL, &err)
                       : tally_import_csv(s, data, len, origin, &st, report, NULL, &err);
    if (rc != 0) {
        cli_errorf("%s", err.msg);
        return CLI_FAIL;
    }
    if (!quiet)
        cli_printf("%s: rows: %zu read, %zu failed; records: %zu new, %zu unchanged, %zu replaced; "
                   "claims: %zu stored; events: %zu stored\n",
                   origin, st.rows, st.failed, st.new_records, st.unchanged, st.replaced, st.claims,
                   st.events);
    return st.failed > 0 ? CLI_FAIL : CLI_OK;
}

int cli_import(int argc, char **argv)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *db = NULL;
    bool quiet = false;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'D':
            db = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            cli_import_help(stdout);
            return CLI_OK;
        default:
            /* anything else getopt_long returns is '?' (an unknown option) */
            return cli_getopt_error("import", ch == ':' ? ':' : '?', argv);
        }
    }
    tally_store *s;
    tally_err err = {0};
    if (tally_store_open(cli_db_path(db), TALLY_STORE_WRITE, &s, &err) != 0)
        return cli_store_failed(&err);
    int status = CLI_OK;
    if (optind == argc) {
        size_t len;
        const char *data = tally_public_record(&len);
        status = import_one(s, data, len, NULL, "bundled public record", quiet);
        data = tally_relations_record(&len);
        status |= import_one(s, data, len, NULL, "bundled relations", quiet);
    }
    for (int i = optind; i < argc; i++) {
        if (cli_check_regular(argv[i]) != CLI_OK) {
            status = CLI_FAIL;
            continue;
        }
        /* read a piece at a time: a file of any size costs a constant */
        FILE *f = fopen(argv[i], "rb");
        if (f == NULL) {
            cli_errorf("%s: %s", argv[i], strerror(errno));
            status = CLI_FAIL;
            continue;
        }
        if (import_one(s, NULL, 0, f, argv[i], quiet) != CLI_OK)
            status = CLI_FAIL;
        fclose(f);
    }
    if (tally_store_analyze(s, &err) != 0)
        cli_warnf("%s", err.msg); /* queries still work, maybe slower */
    tally_store_close(s);
    if (fflush(stdout) != 0)
        status = CLI_FAIL;
    return status;
}
