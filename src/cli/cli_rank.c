/* tally rank: a state's partners compared in one measure, with intervals
 * and the odds of each rank (stage 4's tally_rank, printed as stage 5 does).
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tally/mem.h"
#include "tally/present.h"
#include "tally/rank.h"
#include "tally/store.h"

void cli_rank_help(FILE *out)
{
    fputs("Usage: tally rank STATE --to|--from [--by value|count|share|people] [--at DATE]\n"
          "                  [--extrapolate] [--known-by DATE] [--prices FILE] [--cpi FILE]\n"
          "                  [--draws N] [--factors FILE] [--grades FILE] [--db DB]\n"
          "                  [--format table|jsonl|csv] [--wide]\n"
          "\n"
          "Compares the partners of STATE: every state that sent it something (--to)\n"
          "or received something from it (--from), each by the sum of its series at\n"
          "--at, with the median, the 50 % and 90 % intervals and the probability of\n"
          "each rank (the share of Monte Carlo draws in which it is first, second,\n"
          "...), and each partner's parts. Each series is the one `tally estimate`\n"
          "makes (its default unit) and takes the estimate's own draws; in every draw\n"
          "each price is drawn log-uniformly within its range, the same for every\n"
          "partner. Partners whose series all lack something (a price, an exchange\n"
          "rate, an estimate) are listed as not ranked, with why.\n"
          "\n"
          "  tally rank RUS --to --at 2024-12-31\n"
          "  tally rank Russia --from --by people\n"
          "\n"
          "Options:\n"
          "      --to            partners sending to STATE (one of --to, --from)\n"
          "      --from          partners receiving from STATE\n"
          "      --by M          value (default): US dollars of the newest year of\n"
          "                      data/cpi.tsv, each series times its item's price\n"
          "                      (data/prices.tsv) and US dollars as they are;\n"
          "                      count: rounds, missiles, rockets, drones, vehicles;\n"
          "                      people: troops and workers;\n"
          "                      share: the latest percent of STATE's use (\"half of the\n"
          "                      shells Russia fires\") stated by --at\n"
          "      --at DATE       the day compared (default: the last claim's)\n"
          "      --extrapolate   read every series at --at even after its last evidence\n"
          "                      (default: at its last evidence when that is earlier, so\n"
          "                      a batch seen once is not carried on as a rate for years)\n"
          "      --known-by D    only claims stated by D: the ranking as it could be made\n"
          "      --prices FILE   unit prices instead of the bundled data/prices.tsv\n"
          "      --cpi FILE      the price index instead of the bundled data/cpi.tsv\n"
          "      --draws N       Monte Carlo draws (default 1000)\n"
          "      --factors FILE  conversion factors instead of the bundled ones\n"
          "      --grades FILE   source grades instead of the bundled ones\n"
          "  -f, --format FMT    table (default), jsonl or csv\n"
          "      --wide          the table with the five quantiles, every rank's odds and\n"
          "                      a part a line (default: 80 columns, the median, the 90 %\n"
          "                      interval and the odds of ranks 1 to 4)\n"
          "      --db DB         the database: a file, or a PostgreSQL server's\n"
          "                      postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help          show this help\n",
          out);
}

int cli_rank(int argc, char **argv)
{
    static const struct option longopts[] = {{"to", no_argument, NULL, 'T'},
                                             {"from", no_argument, NULL, 'R'},
                                             {"by", required_argument, NULL, 'B'},
                                             {"at", required_argument, NULL, 'A'},
                                             {"known-by", required_argument, NULL, 'k'},
                                             {"prices", required_argument, NULL, 'P'},
                                             {"cpi", required_argument, NULL, 'C'},
                                             {"draws", required_argument, NULL, 'N'},
                                             {"factors", required_argument, NULL, 'F'},
                                             {"grades", required_argument, NULL, 'G'},
                                             {"db", required_argument, NULL, 'D'},
                                             {"format", required_argument, NULL, 'f'},
                                             CLI_WIDE_OPTION,
                                             {"extrapolate", no_argument, NULL, 'X'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *prices = NULL, *cpi = NULL, *at = NULL;
    struct cli_est_opts o = {0};
    tally_claim_filter f = {0};
    int direction = 0; /* 1 to, 2 from */
    int by = TALLY_RANK_VALUE;
    bool extrapolate = false;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'T':
        case 'R':
            if (direction != 0)
                return cli_usagef("rank", "give one of --to and --from");
            direction = ch == 'T' ? 1 : 2;
            break;
        case 'B':
            by = tally_rank_by_parse(optarg);
            if (by < 0)
                return cli_usagef("rank", "--by is value, count, share or people, not '%s'",
                                  optarg);
            break;
        case 'A':
            at = optarg;
            break;
        case 'X':
            extrapolate = true;
            break;
        case 'k':
            f.known_by = optarg;
            break;
        case 'P':
            prices = optarg;
            break;
        case 'C':
            cpi = optarg;
            break;
        default: {
            int rc = cli_est_option("rank", ch, argv, &o, cli_rank_help);
            if (rc != CLI_CONTINUE)
                return rc == CLI_UNHANDLED ? cli_usagef("rank", "unknown option") : rc;
        }
        }
    }
    if (argc - optind != 1)
        return cli_usagef("rank", "give one STATE");
    if (cli_wide("rank", o.wide, &o.format) != CLI_CONTINUE)
        return CLI_USAGE;
    if (direction == 0)
        return cli_usagef("rank", "give --to (partners sending to STATE) or --from");
    char code[4];
    if (tally_present_state_code(argv[optind], code) == NULL)
        return cli_usagef("rank", "unknown state '%s'", argv[optind]);
    tally_date at_date = {0, 0, 0};
    if (cli_at_option("rank", at, &at_date) != CLI_CONTINUE)
        return CLI_USAGE;

    tally_prices p;
    tally_err err = {0};
    if (tally_prices_load(&p, prices, cpi, &err) != 0) {
        cli_errorf("%s", err.msg);
        return CLI_FAIL;
    }
    if (direction == 1)
        f.recipient = code;
    else
        f.supplier = code;
    struct cli_loaded l;
    int rc = cli_load(o.db, o.factors, o.grades, &f, &l);
    if (rc != CLI_OK) {
        tally_prices_free(&p);
        return rc;
    }
    long day = LONG_MIN;
    if (at != NULL) {
        day = tally_day_of(at_date, true);
    } else {
        for (size_t i = 0; i < l.v.obs.n; i++)
            day = l.v.obs.v[i].as_of > day ? l.v.obs.v[i].as_of : day;
    }
    int status = CLI_OK;
    tally_ranking r;
    if (tally_rank(&l.m, &p, l.v.obs.v, l.v.obs.n, &l.v.c, code, direction == 1, (tally_rank_by)by,
                   day, o.draws, extrapolate, &r, &err) != 0) {
        cli_errorf("%s%s", err.msg, f.known_by != NULL ? " known by then" : "");
        status = CLI_FAIL;
    } else {
        tally_buf b;
        tally_buf_init(&b, (size_t)1 << 28);
        tally_present_ranking(&b, o.format, &r);
        status = cli_write(&b);
        tally_buf_free(&b);
        tally_ranking_free(&r);
    }
    cli_unload(&l);
    tally_prices_free(&p);
    return cli_done(status);
}
