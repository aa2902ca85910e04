/* tally report: one self-contained HTML page of every estimate, its chart,
 * the clusters behind it, the contradictions and the sources.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "tally/mem.h"
#include "tally/present.h"
#include "tally/when.h"

void cli_report_help(FILE *out)
{
    fputs("Usage: tally report [--db DB] [-o FILE.html] [--at DATE] [--known-by DATE]\n"
          "\n"
          "Writes one self-contained HTML page (no scripts, nothing fetched from\n"
          "elsewhere: styles inline, charts as inline SVG) with every series of\n"
          "'tally estimate --all': its estimate (median, 50 % and 90 % intervals), a\n"
          "chart of its monthly series with a mark per cluster, and the clusters that\n"
          "drive it; then the relations of each pair of states (the stored events\n"
          "between them either way, 'tally events --db'), the contradictions of 'tally\n"
          "check', the sources and the documents with their URLs. It opens in any\n"
          "browser, offline.\n"
          "\n"
          "  tally report --db build/demo.db -o report.html --at 2024-12-31\n"
          "\n"
          "Options:\n"
          "  -o, --output FILE  where to write it (default tally-report.html; - for stdout)\n"
          "      --at DATE      estimate every series on DATE (default: at its last claim)\n"
          "      --known-by D   only claims (and events) stated by D: what was knowable\n"
          "                     then\n"
          "      --draws N      Monte Carlo draws (default: as many as the interval needs\n"
          "                     to be stable, 500 to 2000)\n"
          "      --db DB        the database: a file, or a PostgreSQL server's\n"
          "                     postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help         show this help\n",
          out);
}

/* Writes `b` to `path` ("-": stdout). */
static int write_out(const char *path, const tally_buf *b)
{
    if (strcmp(path, "-") == 0) {
        fwrite(b->ptr, 1, b->len, stdout);
        return cli_done(CLI_OK);
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        cli_errorf("cannot write '%s': %s", path, strerror(errno));
        return CLI_FAIL;
    }
    size_t n = fwrite(b->ptr, 1, b->len, f);
    if (fclose(f) != 0 || n != b->len) {
        cli_errorf("writing '%s' failed", path);
        return CLI_FAIL;
    }
    cli_printf("%s\n", path);
    return cli_done(CLI_OK);
}

int cli_report(int argc, char **argv)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"at", required_argument, NULL, 'A'},
                                             {"known-by", required_argument, NULL, 'k'},
                                             {"draws", required_argument, NULL, 'N'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *db = NULL, *output = "tally-report.html", *at = NULL;
    tally_claim_filter f = {0};
    unsigned draws = 0; /* adaptive */
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'D':
            db = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'A':
            at = optarg;
            break;
        case 'k':
            f.known_by = optarg;
            break;
        case 'N':
            if (cli_draws_option("report", optarg, &draws) != CLI_CONTINUE)
                return CLI_USAGE;
            break;
        case 'h':
            cli_report_help(stdout);
            return CLI_OK;
        default:
            /* anything else getopt_long returns is '?' (an unknown option) */
            return cli_getopt_error("report", ch == ':' ? ':' : '?', argv);
        }
    }
    if (optind < argc)
        return cli_usagef("report", "unexpected argument '%s'", argv[optind]);
    if (output[0] == '\0')
        return cli_usagef("report", "-o needs a file name (or - for stdout)");
    tally_date at_date = {0, 0, 0};
    if (cli_at_option("report", at, &at_date) != CLI_CONTINUE)
        return CLI_USAGE;

    struct cli_loaded l;
    int rc = cli_load(db, NULL, NULL, &f, &l);
    if (rc != CLI_OK)
        return rc;
    tally_buf b;
    tally_buf_init(&b, (size_t)1 << 30);
    tally_err err = {0};
    tally_prices prices;
    if (tally_prices_load(&prices, NULL, NULL, &err) != 0) {
        cli_errorf("%s", err.msg);
        tally_buf_free(&b);
        cli_unload(&l);
        return CLI_FAIL;
    }
    tally_report_opts o = {at != NULL ? &at_date : NULL, f.known_by, cli_db_path(db), draws,
                           &prices};
    if (tally_report_html(&b, l.s, &l.v, &l.m, &o, &err) != 0) {
        cli_errorf("%s", err.msg);
        rc = CLI_FAIL;
    } else {
        rc = write_out(output, &b);
    }
    tally_buf_free(&b);
    tally_prices_free(&prices);
    cli_unload(&l);
    return rc;
}
