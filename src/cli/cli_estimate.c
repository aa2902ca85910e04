/* tally clusters, tally estimate, tally check: the estimate stage's
 * commands (stage 4, printed as stage 5 does).
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tally/estimate.h"
#include "tally/json.h"
#include "tally/mem.h"
#include "tally/present.h"
#include "tally/store.h"

void cli_clusters_help(FILE *out)
{
    fputs("Usage: tally clusters [--db DB] [filters of tally claims]\n"
          "                      [--format table|jsonl|csv]\n"
          "\n"
          "Prints the echo clusters of the stored claims that pass the filters: the\n"
          "claims restating one original assertion (same source, or an outlet or the\n"
          "author relaying it; same figure within rounding; same unit, items, kind and\n"
          "period), which estimates count once. Each cluster shows the claim that\n"
          "stands for it and its members.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  table (default), jsonl or csv\n"
          "      --db DB       the database: a file, or a PostgreSQL server's\n"
          "                    postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help        show this help\n",
          out);
}

void cli_estimate_help(FILE *out)
{
    fputs("Usage: tally estimate SUPPLIER RECIPIENT ITEM [--unit U] [--at DATE]\n"
          "                      [--known-by DATE] [--factors FILE] [--grades FILE]\n"
          "                      [--draws N] [--db DB] [--format table|json|csv]\n"
          "       tally estimate --all [--at DATE] [--known-by DATE] [...]\n"
          "\n"
          "Estimates how much SUPPLIER has sent RECIPIENT of ITEM, cumulatively, over\n"
          "time: the median and the 50 % and 90 % intervals, from all the stored\n"
          "claims at once, each echo cluster counted once. Counts in other units are\n"
          "converted with the factors of data/factors.tsv (a source's own, else the\n"
          "model's range); each source's error follows its grade (data/grades.tsv).\n"
          "The method is in the README (\"How estimates are made\").\n"
          "\n"
          "  tally estimate PRK RUS artillery-shell --at 2024-10-31\n"
          "  tally estimate 'North Korea' Russia munitions --unit container\n"
          "\n"
          "Options:\n"
          "      --unit U       the series' unit (default: the commonest of the item's\n"
          "                     claims: round for shells, container for munitions)\n"
          "      --at DATE      one date instead of the monthly series\n"
          "      --all          every series (pair of states, item) in its default unit,\n"
          "                     one line each, at --at or at its last claim\n"
          "      --known-by D   only claims stated by D: what was knowable then\n"
          "      --factors FILE conversion factors instead of the bundled ones\n"
          "      --grades FILE  source grades instead of the bundled ones\n"
          "      --draws N      Monte Carlo draws (default: as many as the interval needs\n"
          "                     to be stable, 500 to 2000)\n"
          "  -f, --format FMT   table (default), json or csv\n"
          "      --db DB        the database: a file, or a PostgreSQL server's\n"
          "                     postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help         show this help\n",
          out);
}

void cli_check_help(FILE *out)
{
    fputs("Usage: tally check [--db DB] [filters of tally claims] [--factors FILE]\n"
          "                   [--format table|jsonl|csv] [--wide]\n"
          "\n"
          "Lists claims that cannot all be true, each in plain words: the claims'\n"
          "sources, grades, figures, dates and documents (outlet and title), what the\n"
          "estimate follows and why. The rules (named in the table and the JSON):\n"
          "  conversion         an equivalence (\"could hold 3 million rounds\") whose ratio\n"
          "                     to the count it restates lies outside the factor range of\n"
          "                     the source that made the conversion\n"
          "  below-lower-bound  a figure of a series below an earlier lower bound of it\n"
          "  above-upper-bound  a figure of a series above a later upper bound of it\n"
          "                     (both say which one the estimate follows: the bound,\n"
          "                     unless the figure's source is better graded)\n"
          "  misattribution     an equivalence whose figure is another source's own\n"
          "                     conversion of a different count (\"3 million rounds\" under\n"
          "                     the US's 10,000 containers: South Korea's for 6,700)\n"
          "  swapped-range      a range whose ends are swapped\n"
          "And stored events (tally events --db) that cannot both be true:\n"
          "  vote-both-ways     a state reported voting for a resolution and against\n"
          "                     it (the same about, else the same day)\n"
          "  visit-after-cancellation  a visit dated after its cancellation was\n"
          "                     reported, within the period cancelled (else 31 days)\n"
          "Events are checked over --since, --until, --known-by, --doc and the pair of\n"
          "--supplier and --recipient either way round; not with --item, --kind,\n"
          "--unit or --source, which only claims have.\n"
          "Exit status 0 whether or not contradictions are found.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT   table (default), jsonl or csv\n"
          "      --wide         the table with each document's whole title and URL and\n"
          "                     the rule's own figures\n"
          "      --factors FILE conversion factors instead of the bundled ones\n"
          "      --db DB        the database: a file, or a PostgreSQL server's\n"
          "                     postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help         show this help\n",
          out);
}

/* ---- shared ----------------------------------------------------------------- */

/* Parses the options of a command that reads filtered claims (clusters,
 * check); returns CLI_CONTINUE to go on, else the status to return. */
static int parse_filtered(const char *cmd, int argc, char **argv, const struct option *longopts,
                          void (*help)(FILE *), tally_claim_filter *f, struct cli_states *states,
                          struct cli_est_opts *o)
{
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = cli_filter_option(cmd, ch, f, states);
        if (rc == CLI_UNHANDLED)
            rc = cli_est_option(cmd, ch, argv, o, help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef(cmd, "unknown option") : rc;
    }
    if (optind < argc)
        return cli_usagef(cmd, "unexpected argument '%s'", argv[optind]);
    return CLI_CONTINUE;
}

/* ---- tally clusters ---------------------------------------------------------- */

int cli_clusters(int argc, char **argv)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"format", required_argument, NULL, 'f'},
                                             CLI_FILTER_OPTIONS,
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    tally_claim_filter f = {0};
    struct cli_states states;
    struct cli_est_opts o = {0};
    int rc = parse_filtered("clusters", argc, argv, longopts, cli_clusters_help, &f, &states, &o);
    if (rc != CLI_CONTINUE)
        return rc;
    struct cli_loaded l;
    rc = cli_load(o.db, o.factors, o.grades, &f, &l);
    if (rc != CLI_OK)
        return rc;
    tally_buf b;
    tally_buf_init(&b, (size_t)1 << 30);
    tally_present_clusters_head(&b, o.format);
    int status = cli_write(&b);
    for (size_t i = 0; i < l.v.c.n; i++) {
        tally_present_cluster_line(&b, o.format, &l.v, i + 1);
        status |= cli_write(&b);
    }
    tally_buf_free(&b);
    cli_unload(&l);
    return cli_done(status);
}

/* ---- tally check --------------------------------------------------------------- */

struct check_out {
    tally_contra_ctx cx;
    tally_output format;
    size_t n;
    tally_buf b;
    int status;
};

static void on_contradiction(const tally_contradiction *x, void *user)
{
    struct check_out *c = user;
    c->n++;
    tally_present_contradiction_line(&c->b, c->format, &c->cx, x);
    c->status |= cli_write(&c->b);
}

struct event_check_out {
    struct check_out *c;
    const tally_event_fact *ev;
};

static void on_event_contradiction(const tally_event_contradiction *x, void *user)
{
    struct event_check_out *e = user;
    e->c->n++;
    tally_present_event_contradiction_line(&e->c->b, e->c->format, e->ev, x);
    e->c->status |= cli_write(&e->c->b);
}

/* The contradictions among the stored events the claims' filter `cf` covers. */
static int check_events(struct check_out *c, tally_store *s, const tally_claim_filter *cf)
{
    tally_event_filter f = {.actor = cf->supplier,
                            .recipient = cf->recipient,
                            .both_ways = true,
                            .since = cf->since,
                            .until = cf->until,
                            .known_by = cf->known_by,
                            .doc = cf->doc};
    tally_arena *a = tally_arena_new();
    tally_event_fact *ev = NULL;
    size_t n = 0;
    tally_err err = {0};
    int status = CLI_OK;
    if (tally_present_event_facts(s, &f, a, &ev, &n, &err) != 0) {
        cli_errorf("%s", err.msg);
        status = CLI_FAIL;
    }
    struct event_check_out e = {c, ev};
    tally_check_events(ev, n, on_event_contradiction, &e);
    free(ev);
    tally_arena_free(a);
    return status;
}

int cli_check(int argc, char **argv)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"factors", required_argument, NULL, 'F'},
                                             CLI_FILTER_OPTIONS,
                                             CLI_WIDE_OPTION,
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    tally_claim_filter f = {0};
    struct cli_states states;
    struct cli_est_opts o = {0};
    int rc = parse_filtered("check", argc, argv, longopts, cli_check_help, &f, &states, &o);
    if (rc == CLI_CONTINUE)
        rc = cli_wide("check", o.wide, &o.format);
    if (rc != CLI_CONTINUE)
        return rc;
    struct cli_loaded l;
    rc = cli_load(o.db, o.factors, o.grades, &f, &l);
    if (rc != CLI_OK)
        return rc;
    struct check_out c = {{&l.m, l.v.obs.v, l.s}, o.format, 0, {0}, 0};
    tally_buf_init(&c.b, (size_t)1 << 26);
    tally_present_contradictions_head(&c.b, o.format);
    c.status = cli_write(&c.b);
    tally_check(&l.m, l.v.obs.v, l.v.obs.n, &l.v.c, on_contradiction, &c);
    if (f.item == NULL && f.kind == NULL && f.unit == NULL && f.source == NULL)
        c.status |= check_events(&c, l.s, &f);
    tally_present_contradictions_tail(&c.b, o.format, c.n, l.v.obs.n);
    c.status |= cli_write(&c.b);
    tally_buf_free(&c.b);
    cli_unload(&l);
    return cli_done(c.status);
}

/* ---- tally estimate --------------------------------------------------------------- */

/* tally estimate --all: one line a series. */
struct flow_out {
    tally_output format;
    tally_buf b;
    int status;
};

static void print_flow(const tally_flow *fl, void *user)
{
    struct flow_out *o = user;
    const tally_series *s = fl->series;
    if (fl->rc != 0) { /* a series that cannot be estimated fails the command */
        cli_errorf("%s -> %s %s: %s", s->supplier, s->recipient, fl->item, fl->err->msg);
        o->status = CLI_FAIL;
        return;
    }
    tally_present_flow_line(&o->b, o->format, fl);
    o->status |= cli_write(&o->b);
}

/* tally estimate --all: every series (pair of states, item) with a claim
 * that counts for it, in its default unit, at --at (else its last point). */
static int estimate_all(const struct cli_est_opts *o, const tally_claim_filter *f, const char *at)
{
    tally_date at_date = {0, 0, 0};
    if (cli_at_option("estimate", at, &at_date) != CLI_CONTINUE)
        return CLI_USAGE;
    /* the lines show no document's name: none read */
    tally_claim_filter q = *f;
    q.no_doc_names = true;
    struct cli_loaded l;
    int rc = cli_load(o->db, o->factors, o->grades, &q, &l);
    if (rc != CLI_OK)
        return rc;
    struct flow_out out = {o->format, {0}, 0};
    tally_buf_init(&out.b, (size_t)1 << 26);
    tally_present_flows_head(&out.b, o->format);
    out.status = cli_write(&out.b);
    size_t n_series = tally_view_flows(&l.v, &l.m, at != NULL ? &at_date : NULL, o->draws, true,
                                       print_flow, &out);
    tally_present_flows_tail(&out.b, o->format, n_series, &l.v);
    out.status |= cli_write(&out.b);
    tally_buf_free(&out.b);
    cli_unload(&l);
    return cli_done(out.status);
}

int cli_estimate(int argc, char **argv)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"unit", required_argument, NULL, 'U'},
                                             {"at", required_argument, NULL, 'A'},
                                             {"known-by", required_argument, NULL, 'k'},
                                             {"factors", required_argument, NULL, 'F'},
                                             {"grades", required_argument, NULL, 'G'},
                                             {"draws", required_argument, NULL, 'N'},
                                             {"all", no_argument, NULL, 'L'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct cli_est_opts o = {0};
    const char *unit = NULL, *at = NULL;
    tally_claim_filter f = {0};
    bool all = false;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        if (ch == 'U') {
            unit = optarg;
            continue;
        }
        if (ch == 'A') {
            at = optarg;
            continue;
        }
        if (ch == 'L') {
            all = true;
            continue;
        }
        if (ch == 'k') {
            f.known_by = optarg;
            continue;
        }
        int rc = cli_est_option("estimate", ch, argv, &o, cli_estimate_help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef("estimate", "unknown option") : rc;
    }
    if (all) {
        if (argc != optind || unit != NULL)
            return cli_usagef("estimate", "--all takes no SUPPLIER RECIPIENT ITEM and no --unit");
        return estimate_all(&o, &f, at);
    }
    if (argc - optind != 3)
        return cli_usagef("estimate", "give SUPPLIER RECIPIENT ITEM");
    struct cli_states st;
    const char *sup = tally_present_state_code(argv[optind], st.supplier);
    const char *rec = tally_present_state_code(argv[optind + 1], st.recipient);
    int bit = tally_item_parse(argv[optind + 2]);
    if (sup == NULL || rec == NULL)
        return cli_usagef("estimate", "unknown state '%s'",
                          sup == NULL ? argv[optind] : argv[optind + 1]);
    if (bit < 0)
        return cli_usagef("estimate", "unknown item '%s' (an item of CLAIMS.md)", argv[optind + 2]);
    tally_date at_date = {0, 0, 0};
    if (cli_at_option("estimate", at, &at_date) != CLI_CONTINUE)
        return CLI_USAGE;
    f.supplier = sup;
    f.recipient = rec;
    struct cli_loaded l;
    int rc = cli_load_series(o.db, o.factors, o.grades, &f, 1u << bit, unit, &l);
    if (rc != CLI_OK)
        return rc;
    tally_estimate e;
    tally_err err = {0};
    rc = tally_view_estimate(&l.v, &l.m, sup, rec, 1u << bit, unit, at != NULL ? &at_date : NULL,
                             f.known_by, o.draws, &e, &err);
    int status = CLI_OK;
    if (rc != 0) {
        cli_errorf("%s", err.msg);
        status = CLI_FAIL;
    } else {
        tally_buf b;
        tally_buf_init(&b, (size_t)1 << 30);
        tally_present_estimate_out(&b, o.format, &l.v, &e, f.known_by);
        status = cli_write(&b);
        tally_buf_free(&b);
    }
    tally_estimate_free(&e);
    cli_unload(&l);
    return cli_done(status);
}
