/* tally clusters, tally estimate, tally check: the estimate stage's
 * commands (stage 4, printed as stage 5 does). */
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
    fputs("Usage: tally clusters [--db FILE] [filters of tally claims] [--format table|jsonl]\n"
          "\n"
          "Prints the echo clusters of the stored claims that pass the filters: the\n"
          "claims restating one original assertion (same source, or an outlet or the\n"
          "author relaying it; same figure within rounding; same unit, items, kind and\n"
          "period), which estimates count once. Each cluster shows the claim that\n"
          "stands for it and its members.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  table (default) or jsonl\n"
          "      --db FILE     the database (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help        show this help\n",
          out);
}

void cli_estimate_help(FILE *out)
{
    fputs("Usage: tally estimate SUPPLIER RECIPIENT ITEM [--unit U] [--at DATE]\n"
          "                      [--known-by DATE] [--factors FILE] [--grades FILE]\n"
          "                      [--draws N] [--db FILE] [--format table|json|csv]\n"
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
          "      --db FILE      the database (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help         show this help\n",
          out);
}

void cli_check_help(FILE *out)
{
    fputs("Usage: tally check [--db FILE] [filters of tally claims] [--factors FILE]\n"
          "                   [--format table|jsonl]\n"
          "\n"
          "Lists claims that cannot all be true, with the claims involved and why:\n"
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
          "Exit status 0 whether or not contradictions are found.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT   table (default) or jsonl\n"
          "      --factors FILE conversion factors instead of the bundled ones\n"
          "      --db FILE      the database (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help         show this help\n",
          out);
}

/* ---- shared ----------------------------------------------------------------- */

/* Options the three commands share besides the filters. */
struct est_opts {
    const char *db, *factors, *grades;
    int format; /* 0 table, 1 jsonl/json, 2 csv */
};

static int est_option(const char *cmd, int ch, char **argv, struct est_opts *o, bool csv,
                      void (*help)(FILE *))
{
    switch (ch) {
    case 'D':
        o->db = optarg;
        return CLI_CONTINUE;
    case 'F':
        o->factors = optarg;
        return CLI_CONTINUE;
    case 'G':
        o->grades = optarg;
        return CLI_CONTINUE;
    case 'f':
        if (strcmp(optarg, "table") == 0)
            o->format = 0;
        else if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0)
            o->format = 1;
        else if (csv && strcmp(optarg, "csv") == 0)
            o->format = 2;
        else
            return cli_usagef(cmd, "unknown format '%s'", optarg);
        return CLI_CONTINUE;
    case 'h':
        help(stdout);
        return CLI_OK;
    default:
        return cli_getopt_error(cmd, ch, argv);
    }
}

/* Parses the options of a command that reads filtered claims (clusters,
 * check); returns CLI_CONTINUE to go on, else the status to return. */
static int parse_filtered(const char *cmd, int argc, char **argv, const struct option *longopts,
                          void (*help)(FILE *), tally_claim_filter *f, struct cli_states *states,
                          struct est_opts *o)
{
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = cli_filter_option(cmd, ch, f, states);
        if (rc == CLI_UNHANDLED)
            rc = est_option(cmd, ch, argv, o, false, help);
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
    struct est_opts o = {0};
    int rc = parse_filtered("clusters", argc, argv, longopts, cli_clusters_help, &f, &states, &o);
    if (rc != CLI_CONTINUE)
        return rc;
    struct cli_loaded l;
    rc = cli_load(o.db, o.factors, o.grades, &f, &l);
    if (rc != CLI_OK)
        return rc;
    tally_buf b;
    tally_buf_init(&b, (size_t)1 << 30);
    if (o.format == 0)
        printf("%-6s %-3s %-3s %-12s %-30s %-10s %-48s %s\n", "claims", "sup", "rec", "kind",
               "figure", "as_of", "source = whom it stands for", "lead (doc)");
    for (size_t i = 0; i < l.v.c.n; i++) {
        const tally_cluster *k = &l.v.c.v[i];
        const tally_obs *lead = &l.v.obs.v[k->lead];
        if (o.format != 0) {
            tally_buf_clear(&b);
            tally_present_cluster(&b, &l.v, i + 1);
            tally_json_raw(&b, "\n");
            fwrite(b.ptr, 1, b.len, stdout);
            continue;
        }
        char fig[96], day[16];
        tally_present_figure(lead, fig, sizeof fig);
        tally_present_day(lead->as_of, day);
        char who[200];
        tally_present_source_words(lead, who, sizeof who);
        printf("%6zu %-3s %-3s %-12s %-30.30s %-10s %-48.48s %lld (%s)\n", k->n_members,
               lead->supplier[0] ? lead->supplier : "-", lead->recipient[0] ? lead->recipient : "-",
               tally_kind_name(lead->kind), fig, day, who, (long long)lead->id, lead->doc);
    }
    tally_buf_free(&b);
    cli_unload(&l);
    return cli_done(CLI_OK);
}

/* ---- tally check --------------------------------------------------------------- */

struct check_out {
    const tally_obs *obs;
    int format;
    size_t n;
};

static void on_contradiction(const tally_contradiction *x, void *user)
{
    struct check_out *c = user;
    c->n++;
    const tally_obs *a = &c->obs[x->a], *b = &c->obs[x->b];
    if (c->format == 0) {
        printf("%s: %s\n    claim %lld (%s)", x->rule, x->why, (long long)a->id, a->doc);
        if (x->b != x->a)
            printf(" and claim %lld (%s)", (long long)b->id, b->doc);
        if (x->from[0] != SIZE_MAX && x->from[1] != SIZE_MAX)
            printf("; made from claim %lld (%s) and claim %lld (%s)",
                   (long long)c->obs[x->from[0]].id, c->obs[x->from[0]].doc,
                   (long long)c->obs[x->from[1]].id, c->obs[x->from[1]].doc);
        printf("\n");
        return;
    }
    tally_buf l;
    tally_buf_init(&l, (size_t)1 << 20);
    tally_present_contradiction(&l, c->obs, x);
    tally_json_raw(&l, "\n");
    fwrite(l.ptr, 1, l.len, stdout);
    tally_buf_free(&l);
}

int cli_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},      {"format", required_argument, NULL, 'f'},
        {"factors", required_argument, NULL, 'F'}, CLI_FILTER_OPTIONS,
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    tally_claim_filter f = {0};
    struct cli_states states;
    struct est_opts o = {0};
    int rc = parse_filtered("check", argc, argv, longopts, cli_check_help, &f, &states, &o);
    if (rc != CLI_CONTINUE)
        return rc;
    struct cli_loaded l;
    rc = cli_load(o.db, o.factors, o.grades, &f, &l);
    if (rc != CLI_OK)
        return rc;
    struct check_out c = {l.v.obs.v, o.format, 0};
    tally_check(&l.m, l.v.obs.v, l.v.obs.n, &l.v.c, on_contradiction, &c);
    if (o.format == 0)
        printf("%zu contradiction%s among %zu claims\n", c.n, c.n == 1 ? "" : "s", l.v.obs.n);
    cli_unload(&l);
    return cli_done(CLI_OK);
}

/* ---- tally estimate --------------------------------------------------------------- */

static void print_note(const char *line, void *user)
{
    (void)user;
    printf("%s\n", line);
}

/* tally estimate --all: one line a series. */
struct flow_out {
    int format;
};

static void print_flow(const tally_flow *fl, void *user)
{
    const struct flow_out *o = user;
    const tally_series *s = fl->series;
    char d[16];
    tally_present_day(fl->day, d);
    if (fl->rc != 0) {
        cli_warnf("%s -> %s %s: %s", s->supplier, s->recipient, fl->item, fl->err->msg);
    } else if (o->format == 2) {
        printf("%s,%s,%s,%s,%zu,%s,%.0f,%.0f,%.0f,%.0f,%.0f,%s\n", s->supplier, s->recipient,
               fl->item, s->unit, s->n, d, fl->q.q05, fl->q.q25, fl->q.q50, fl->q.q75, fl->q.q95,
               fl->q.extrapolated ? "true" : "false");
    } else if (o->format == 1) {
        tally_buf b;
        tally_buf_init(&b, (size_t)1 << 16);
        tally_present_flow(&b, fl, true);
        tally_json_raw(&b, "\n");
        fwrite(b.ptr, 1, b.len, stdout);
        tally_buf_free(&b);
    } else {
        printf("%-3s %-3s %-18s %-9s %8zu %-10s %12.0f %12.0f %12.0f %12.0f %12.0f%s\n",
               s->supplier, s->recipient, fl->item, s->unit, s->n, d, fl->q.q05, fl->q.q25,
               fl->q.q50, fl->q.q75, fl->q.q95, fl->q.extrapolated ? "  extrapolated" : "");
    }
}

/* tally estimate --all: every series (pair of states, item) with a claim
 * that counts for it, in its default unit, at --at (else its last point). */
static int estimate_all(const struct est_opts *o, const tally_claim_filter *f, const char *at,
                        unsigned draws)
{
    tally_date at_date = {0, 0, 0};
    if (cli_at_option("estimate", at, &at_date) != CLI_CONTINUE)
        return CLI_USAGE;
    struct cli_loaded l;
    int rc = cli_load(o->db, o->factors, o->grades, f, &l);
    if (rc != CLI_OK)
        return rc;
    if (o->format == 2)
        printf("supplier,recipient,item,unit,clusters,date,q05,q25,median,q75,q95,extrapolated\n");
    else if (o->format == 0)
        printf("%-3s %-3s %-18s %-9s %8s %-10s %12s %12s %12s %12s %12s\n", "sup", "rec", "item",
               "unit", "clusters", "date", "5%", "25%", "median", "75%", "95%");
    struct flow_out out = {o->format};
    size_t n_series =
        tally_view_flows(&l.v, &l.m, at != NULL ? &at_date : NULL, draws, true, print_flow, &out);
    if (o->format == 0)
        printf("%zu series from %zu claims in %zu clusters\n", n_series, l.v.obs.n, l.v.c.n);
    cli_unload(&l);
    return cli_done(CLI_OK);
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
    struct est_opts o = {0};
    const char *unit = NULL, *at = NULL;
    tally_claim_filter f = {0};
    unsigned draws = 0; /* adaptive */
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
        if (ch == 'N') {
            if (cli_draws_option("estimate", optarg, &draws) != CLI_CONTINUE)
                return CLI_USAGE;
            continue;
        }
        int rc = est_option("estimate", ch, argv, &o, true, cli_estimate_help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef("estimate", "unknown option") : rc;
    }
    if (all) {
        if (argc != optind || unit != NULL)
            return cli_usagef("estimate", "--all takes no SUPPLIER RECIPIENT ITEM and no --unit");
        return estimate_all(&o, &f, at, draws);
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
                             f.known_by, draws, &e, &err);
    const tally_series *series = &e.series;
    if (rc != 0) {
        cli_errorf("%s", err.msg);
    } else if (o.format == 2) {
        printf("date,q05,q25,median,q75,q95,extrapolated\n");
        for (size_t i = 0; i < e.n_days; i++) {
            char d[16];
            tally_present_day(e.q[i].day, d);
            printf("%s,%.0f,%.0f,%.0f,%.0f,%.0f,%s\n", d, e.q[i].q05, e.q[i].q25, e.q[i].q50,
                   e.q[i].q75, e.q[i].q95, e.q[i].extrapolated ? "true" : "false");
        }
    } else if (o.format == 1) {
        tally_buf b;
        tally_buf_init(&b, (size_t)1 << 30);
        tally_present_estimate(&b, &l.v, &e, f.known_by, false);
        tally_json_raw(&b, "\n");
        fwrite(b.ptr, 1, b.len, stdout);
        tally_buf_free(&b);
    } else {
        char d[16], why[256];
        tally_present_day(series->start, d);
        tally_present_start_words(&l.v, series, why, sizeof why);
        printf("%s -> %s, %s, in %s: %zu clusters%s%s\n", sup, rec, tally_item_name((unsigned)bit),
               series->unit, series->n, f.known_by != NULL ? "; known by " : "",
               f.known_by != NULL ? f.known_by : "");
        printf("starts at 0 on %s: %s\n", d, why);
        printf("%-10s %12s %12s %12s %12s %12s\n", "date", "5%", "25%", "median", "75%", "95%");
        for (size_t i = 0; i < e.n_days; i++) {
            tally_present_day(e.q[i].day, d);
            printf("%-10s %12.0f %12.0f %12.0f %12.0f %12.0f%s\n", d, e.q[i].q05, e.q[i].q25,
                   e.q[i].q50, e.q[i].q75, e.q[i].q95, e.q[i].extrapolated ? "  extrapolated" : "");
        }
        tally_present_estimate_notes(&l.v, &e, print_note, NULL);
        printf("\nclusters that drive it:\n%-10s %-11s %26s %-36s %-48s %s\n", "date", "bound",
               "figure", "how", "source = whom it stands for (grade)", "claims");
        for (size_t i = 0; i < series->n; i++) {
            const tally_series_point *sp = &series->v[i];
            tally_point_words w;
            tally_present_point_words(&l.v, sp, &w);
            char who[200], src[64];
            tally_present_source_words(w.lead, who, sizeof who);
            snprintf(src, sizeof src, "%.44s (%c)", who, sp->grade);
            printf("%-10s %-11s %26.26s %-36.36s %-48s %zu%s\n", w.day,
                   tally_present_bound(sp->p.bound), w.figure, w.how, src, w.cluster->n_members,
                   sp->p.overruled ? "  overruled" : "");
        }
    }
    tally_estimate_free(&e);
    cli_unload(&l);
    return cli_done(rc == 0 ? CLI_OK : CLI_FAIL);
}
