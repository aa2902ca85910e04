/* tally backtest: the estimator checked against totals stated later, each
 * estimated from what was known the day before (stage 4, printed as stage 5
 * does). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tally/estimate.h"
#include "tally/import.h"
#include "tally/json.h"
#include "tally/mem.h"
#include "tally/present.h"
#include "tally/store.h"

/* The built-in back-test: the bundled record split here. */
#define DEFAULT_CUTOFF "2024-06-30"

void cli_backtest_help(FILE *out)
{
    fputs("Usage: tally backtest [--record FILE.csv] [--cutoff DATE] [--draws N]\n"
          "                      [--factors FILE] [--grades FILE] [--format table|jsonl|csv]\n"
          "                      [--fail-below P]\n"
          "\n"
          "Checks the estimator against what was said later. For every cumulative\n"
          "total of the record (a CSV file as tally import reads it; default: the\n"
          "public record bundled with tally) stated after DATE (default " DEFAULT_CUTOFF "),\n"
          "estimates its series at its date from only the record's claims stated\n"
          "before the day it was stated, and compares. Prints each total with the\n"
          "estimate then, whether the 50 % and 90 % intervals hold it, and the\n"
          "median's error (log of median / total); then the coverage of both\n"
          "intervals and the median absolute log error, and each miss.\n"
          "\n"
          "A total holds what it says: a figure itself, a range its ends; \"more\n"
          "than X\" reads as X to 1.25 X and \"up to X\" as X / 1.25 to X (a quarter:\n"
          "what rounding explains). A total whose series had no claim before it is\n"
          "listed and not counted.\n"
          "\n"
          "Options:\n"
          "      --record FILE  the record (CSV with tally import's columns)\n"
          "      --cutoff DATE  only totals stated after DATE are tested\n"
          "      --draws N      Monte Carlo draws (default: as many as the interval needs\n"
          "                     to be stable, 500 to 2000)\n"
          "      --factors FILE conversion factors instead of the bundled ones\n"
          "      --grades FILE  source grades instead of the bundled ones\n"
          "  -f, --format FMT   table (default), jsonl (one object a total, then a summary)\n"
          "                     or csv\n"
          "      --fail-below P exit 1 when the 90 % interval's coverage is below P (0-1)\n"
          "  -h, --help         show this help\n",
          out);
}

struct backtest_out {
    const tally_obs *obs;
    tally_output format;
    tally_buf b, misses; /* the output, and the table's misses for its end */
    tally_backtest_summary sum;
    double *abs_err;
    size_t n_err;
};

static void on_case(const tally_backtest_case *c, void *user)
{
    struct backtest_out *o = user;
    o->sum.totals++;
    if (c->estimated) {
        o->sum.estimated++;
        o->sum.in50 += c->in50;
        o->sum.in90 += c->in90;
        o->abs_err = tally_xrealloc(o->abs_err, (o->n_err + 1) * sizeof *o->abs_err);
        o->abs_err[o->n_err++] = fabs(c->log_error);
    }
    size_t before = o->b.len;
    tally_present_backtest_line(&o->b, o->format, o->obs, c);
    if (o->format == TALLY_OUTPUT_TABLE && c->estimated && !c->in90)
        tally_buf_append(&o->misses, o->b.ptr + before, o->b.len - before);
    fwrite(o->b.ptr, 1, o->b.len, stdout);
    tally_buf_clear(&o->b);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Loads the record into a database in memory and its claims as observations. */
static int load_record(const char *path, const tally_model *m, tally_store **s, tally_obs_set *obs)
{
    tally_err err = {0};
    size_t len = 0;
    char *owned = NULL;
    const char *data;
    if (path != NULL) {
        owned = tally_slurp_path(path, (size_t)1 << 30, &len);
        if (owned == NULL) {
            cli_errorf("%s: %s", path, strerror(errno));
            return CLI_FAIL;
        }
        data = owned;
    } else {
        data = tally_public_record(&len);
    }
    int status = CLI_FAIL;
    tally_import_stats st;
    if (tally_store_open(":memory:", TALLY_STORE_WRITE, s, &err) != 0 ||
        tally_import_csv(*s, data, len, path != NULL ? path : "bundled public record", &st, NULL,
                         NULL, &err) != 0 ||
        tally_obs_load(*s, m, NULL, obs, &err) != 0) {
        cli_errorf("%s", err.msg);
        goto out;
    }
    if (st.failed > 0)
        cli_warnf("%s: %zu row%s left out (tally import names them)",
                  path != NULL ? path : "bundled public record", st.failed,
                  st.failed == 1 ? "" : "s");
    status = CLI_OK;
out:
    free(owned);
    return status;
}

int cli_backtest(int argc, char **argv)
{
    static const struct option longopts[] = {{"record", required_argument, NULL, 'r'},
                                             {"cutoff", required_argument, NULL, 'c'},
                                             {"draws", required_argument, NULL, 'N'},
                                             {"factors", required_argument, NULL, 'F'},
                                             {"grades", required_argument, NULL, 'G'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"fail-below", required_argument, NULL, 'b'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *record = NULL, *cutoff = DEFAULT_CUTOFF;
    struct cli_est_opts e = {0};
    double fail_below = -1;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            record = optarg;
            break;
        case 'c':
            cutoff = optarg;
            break;
        case 'b': {
            char *end;
            fail_below = strtod(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || !(fail_below >= 0 && fail_below <= 1))
                return cli_usagef("backtest", "--fail-below needs a number from 0 to 1");
            break;
        }
        default: {
            int rc = cli_est_option("backtest", ch, argv, &e, cli_backtest_help);
            if (rc != CLI_CONTINUE)
                return rc == CLI_UNHANDLED ? cli_usagef("backtest", "unknown option") : rc;
        }
        }
    }
    if (optind < argc)
        return cli_usagef("backtest", "unexpected argument '%s'", argv[optind]);
    tally_date cut;
    if (tally_date_parse(cutoff, strlen(cutoff), &cut) != 0)
        return cli_usagef("backtest", "bad date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)", cutoff);

    tally_model m;
    tally_err err = {0};
    if (tally_model_load(&m, e.factors, e.grades, &err) != 0) {
        cli_errorf("%s", err.msg);
        return CLI_FAIL;
    }
    tally_store *s = NULL;
    tally_obs_set obs = {0};
    int status = load_record(record, &m, &s, &obs);
    if (status != CLI_OK)
        goto out;
    struct backtest_out o = {.obs = obs.v, .format = e.format};
    o.sum.cutoff = cutoff;
    tally_buf_init(&o.b, (size_t)1 << 24);
    tally_buf_init(&o.misses, (size_t)1 << 24);
    tally_present_backtest_head(&o.b, e.format);
    if (tally_backtest(&m, obs.v, obs.n, tally_day_of(cut, true), e.draws, on_case, &o, &err) !=
        0) {
        cli_errorf("%s", err.msg);
        status = CLI_FAIL;
    } else {
        if (o.n_err > 0) {
            qsort(o.abs_err, o.n_err, sizeof *o.abs_err, cmp_double);
            o.sum.median_abs_log_error =
                o.n_err % 2 ? o.abs_err[o.n_err / 2]
                            : (o.abs_err[o.n_err / 2 - 1] + o.abs_err[o.n_err / 2]) / 2;
        }
        tally_present_backtest_tail(&o.b, e.format, &o.sum, &o.misses);
        fwrite(o.b.ptr, 1, o.b.len, stdout);
        double c90 = o.sum.estimated ? (double)o.sum.in90 / (double)o.sum.estimated : 0;
        if (fail_below >= 0 && c90 < fail_below) {
            cli_errorf("the 90 %% interval's coverage %.2f is below %.2f", c90, fail_below);
            status = CLI_FAIL;
        }
    }
    free(o.abs_err);
    tally_buf_free(&o.b);
    tally_buf_free(&o.misses);
out:
    tally_obs_set_free(&obs);
    tally_store_close(s);
    tally_model_free(&m);
    return cli_done(status);
}
