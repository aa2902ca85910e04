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
          "      --draws N      Monte Carlo draws (default 2000)\n"
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
          "  below-lower-bound  a cumulative figure below an earlier lower bound of the\n"
          "                     same series\n"
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

static void day_text(long day, char out[16])
{
    if (day == LONG_MIN) {
        strcpy(out, "-");
        return;
    }
    tally_date_format(tally_date_of(day), out);
}

/* "more than 10,000 container" */
static void figure_text(const tally_obs *o, char *buf, size_t size)
{
    const char *q = tally_qualifier_name(o->qualifier);
    bool exact = strcmp(q, "exact") == 0;
    if (o->has_low && o->has_high)
        snprintf(buf, size, "%.15g-%.15g %s", o->low, o->high, o->unit);
    else
        snprintf(buf, size, "%s%s%.15g %s", exact ? "" : q, exact ? "" : " ",
                 o->has_low ? o->low : o->high, o->unit);
}

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
    case ':':
        return cli_usagef(cmd, "option '%s' needs a value", argv[optind - 1]);
    case '?':
        return cli_usagef(cmd, "unknown option '%s'", argv[optind - 1]);
    default:
        return CLI_UNHANDLED;
    }
}

/* Opens the database and the model, loads and clusters the observations. */
struct loaded {
    tally_store *s;
    tally_model m;
    tally_obs_set obs;
    tally_clusters c;
};

static int load_all(const struct est_opts *o, const tally_claim_filter *f, struct loaded *l)
{
    memset(l, 0, sizeof *l);
    tally_err err = {0};
    if (tally_model_load(&l->m, o->factors, o->grades, &err) != 0) {
        cli_errorf("%s", err.msg);
        return CLI_FAIL;
    }
    if (cli_open_db(o->db, &l->s) != CLI_OK) {
        tally_model_free(&l->m);
        return CLI_FAIL;
    }
    int rc = tally_obs_load(l->s, f, &l->obs, &err);
    if (rc != 0) {
        cli_errorf("%s", err.msg);
        tally_store_close(l->s);
        tally_model_free(&l->m);
        return rc == TALLY_EUSAGE ? CLI_USAGE : CLI_FAIL;
    }
    if (tally_cluster_obs(l->obs.v, l->obs.n, 0, 0, &l->c) != 0) {
        cli_errorf("clustering failed");
        return CLI_FAIL;
    }
    return CLI_OK;
}

static void unload(struct loaded *l)
{
    tally_clusters_free(&l->c);
    tally_obs_set_free(&l->obs);
    tally_store_close(l->s);
    tally_model_free(&l->m);
}

static int done(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("writing output failed");
        return CLI_FAIL;
    }
    return status;
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
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = cli_filter_option("clusters", ch, &f, &states);
        if (rc == CLI_UNHANDLED)
            rc = est_option("clusters", ch, argv, &o, false, cli_clusters_help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef("clusters", "unknown option") : rc;
    }
    if (optind < argc)
        return cli_usagef("clusters", "unexpected argument '%s'", argv[optind]);
    struct loaded l;
    int rc = load_all(&o, &f, &l);
    if (rc != CLI_OK)
        return rc;
    tally_buf b;
    tally_buf_init(&b, (size_t)1 << 30);
    if (o.format == 0)
        printf("%-6s %-3s %-3s %-12s %-30s %-10s %-30s %s\n", "claims", "sup", "rec", "kind",
               "figure", "as_of", "source", "lead (doc)");
    for (size_t i = 0; i < l.c.n; i++) {
        const tally_cluster *k = &l.c.v[i];
        const tally_obs *lead = &l.obs.v[k->lead];
        char fig[96], day[16];
        figure_text(lead, fig, sizeof fig);
        day_text(lead->as_of, day);
        if (o.format == 0) {
            printf("%6zu %-3s %-3s %-12s %-30.30s %-10s %-30.30s %lld (%s)\n", k->n_members,
                   lead->supplier[0] ? lead->supplier : "-",
                   lead->recipient[0] ? lead->recipient : "-", tally_kind_name(lead->kind), fig,
                   day, lead->source, (long long)lead->id, lead->doc);
            continue;
        }
        tally_buf_clear(&b);
        tally_json_raw(&b, "{\"cluster\":");
        tally_json_uint(&b, i + 1);
        tally_json_raw(&b, ",\"lead\":");
        tally_json_uint(&b, (size_t)lead->id);
        tally_json_raw(&b, ",\"source\":");
        tally_json_str(&b, lead->source, strlen(lead->source));
        tally_json_raw(&b, ",\"figure\":");
        tally_json_str(&b, fig, strlen(fig));
        tally_json_raw(&b, ",\"kind\":\"");
        tally_json_raw(&b, tally_kind_name(lead->kind));
        tally_json_raw(&b, "\",\"as_of\":");
        if (lead->as_of != LONG_MIN)
            tally_json_str(&b, day, strlen(day));
        else
            tally_json_raw(&b, "null");
        tally_json_raw(&b, ",\"members\":[");
        for (size_t j = 0; j < k->n_members; j++) {
            const tally_obs *m = &l.obs.v[k->members[j]];
            tally_json_raw(&b, j ? ",{\"id\":" : "{\"id\":");
            tally_json_uint(&b, (size_t)m->id);
            tally_json_raw(&b, ",\"doc\":");
            tally_json_str(&b, m->doc, strlen(m->doc));
            tally_json_raw(&b, ",\"source\":");
            tally_json_str(&b, m->source, strlen(m->source));
            tally_json_raw(&b, "}");
        }
        tally_json_raw(&b, "]}\n");
        fwrite(b.ptr, 1, b.len, stdout);
    }
    tally_buf_free(&b);
    unload(&l);
    return done(CLI_OK);
}

/* ---- tally check --------------------------------------------------------------- */

struct check_out {
    const tally_obs *obs;
    int format;
    size_t n;
};

static void put_claim_ref(tally_buf *b, const tally_obs *o)
{
    char fig[96], day[16];
    figure_text(o, fig, sizeof fig);
    day_text(o->as_of, day);
    tally_json_raw(b, "{\"id\":");
    tally_json_uint(b, (size_t)o->id);
    tally_json_raw(b, ",\"doc\":");
    tally_json_str(b, o->doc, strlen(o->doc));
    tally_json_raw(b, ",\"source\":");
    tally_json_str(b, o->source, strlen(o->source));
    tally_json_raw(b, ",\"figure\":");
    tally_json_str(b, fig, strlen(fig));
    tally_json_raw(b, ",\"as_of\":");
    if (o->as_of != LONG_MIN)
        tally_json_str(b, day, strlen(day));
    else
        tally_json_raw(b, "null");
    tally_json_raw(b, "}");
}

static void on_contradiction(const tally_contradiction *x, void *user)
{
    struct check_out *c = user;
    c->n++;
    const tally_obs *a = &c->obs[x->a], *b = &c->obs[x->b];
    if (c->format == 0) {
        printf("%s: %s\n    claim %lld (%s)", x->rule, x->why, (long long)a->id, a->doc);
        if (x->b != x->a)
            printf(" and claim %lld (%s)", (long long)b->id, b->doc);
        printf("\n");
        return;
    }
    tally_buf l;
    tally_buf_init(&l, (size_t)1 << 20);
    tally_json_raw(&l, "{\"rule\":\"");
    tally_json_raw(&l, x->rule);
    tally_json_raw(&l, "\",\"why\":");
    tally_json_str(&l, x->why, strlen(x->why));
    tally_json_raw(&l, ",\"claims\":[");
    put_claim_ref(&l, a);
    if (x->b != x->a) {
        tally_json_raw(&l, ",");
        put_claim_ref(&l, b);
    }
    tally_json_raw(&l, "]}\n");
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
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = cli_filter_option("check", ch, &f, &states);
        if (rc == CLI_UNHANDLED)
            rc = est_option("check", ch, argv, &o, false, cli_check_help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef("check", "unknown option") : rc;
    }
    if (optind < argc)
        return cli_usagef("check", "unexpected argument '%s'", argv[optind]);
    struct loaded l;
    int rc = load_all(&o, &f, &l);
    if (rc != CLI_OK)
        return rc;
    struct check_out c = {l.obs.v, o.format, 0};
    tally_check(&l.m, l.obs.v, l.obs.n, &l.c, on_contradiction, &c);
    if (o.format == 0)
        printf("%zu contradiction%s among %zu claims\n", c.n, c.n == 1 ? "" : "s", l.obs.n);
    unload(&l);
    return done(CLI_OK);
}

/* ---- tally estimate --------------------------------------------------------------- */

static const char *bound_name(tally_bound b)
{
    switch (b) {
    case TALLY_OBS_LOWER:
        return "lower bound";
    case TALLY_OBS_UPPER:
        return "upper bound";
    case TALLY_OBS_RANGE:
        return "range";
    case TALLY_OBS_POINT:
        break;
    }
    return "point";
}

static void how_text(const tally_series_point *sp, char *buf, size_t size)
{
    switch (sp->how) {
    case TALLY_DERIVED_DIRECT:
        snprintf(buf, size, "counted");
        break;
    case TALLY_DERIVED_OWN:
        snprintf(buf, size, "the source's own conversion");
        break;
    case TALLY_DERIVED_LAUNCHED:
        snprintf(buf, size, "launched: at least as many sent");
        break;
    case TALLY_DERIVED_CONVERTED:
        snprintf(buf, size, "x %.6g-%.6g a %.15s (%.60s)", sp->factor->low, sp->factor->high,
                 sp->factor->from, sp->factor->source);
        break;
    }
}

static void json_num_field(tally_buf *b, const char *key, double v)
{
    tally_json_raw(b, ",\"");
    tally_json_raw(b, key);
    tally_json_raw(b, "\":");
    tally_json_num(b, round(v));
}

/* Clusters ordered by their lead's pair of states, to take each pair's
 * clusters as one slice (qsort has no context argument in C17). */
static const tally_obs *pair_obs;

static int by_pair(const void *a, const void *b)
{
    const tally_obs *x = &pair_obs[((const tally_cluster *)a)->lead],
                    *y = &pair_obs[((const tally_cluster *)b)->lead];
    int c = strcmp(x->supplier, y->supplier);
    return c != 0 ? c : strcmp(x->recipient, y->recipient);
}

/* tally estimate --all: every series (pair of states, item) with a claim
 * that counts for it, in its default unit, at --at (else its last point). */
static int estimate_all(const struct est_opts *o, const tally_claim_filter *f, const char *at,
                        unsigned draws)
{
    tally_date at_date = {0, 0, 0};
    if (at != NULL && tally_date_parse(at, strlen(at), &at_date) != 0)
        return cli_usagef("estimate", "bad date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)", at);
    struct loaded l;
    int rc = load_all(o, f, &l);
    if (rc != CLI_OK)
        return rc;
    pair_obs = l.obs.v;
    qsort(l.c.v, l.c.n, sizeof *l.c.v, by_pair);
    if (o->format == 2)
        printf("supplier,recipient,item,unit,clusters,date,q05,q25,median,q75,q95\n");
    else if (o->format == 0)
        printf("%-3s %-3s %-18s %-9s %8s %-10s %12s %12s %12s %12s %12s\n", "sup", "rec", "item",
               "unit", "clusters", "date", "5%", "25%", "median", "75%", "95%");
    size_t n_series = 0;
    tally_err err = {0};
    for (size_t i = 0, j; i < l.c.n; i = j) {
        const tally_obs *lead = &l.obs.v[l.c.v[i].lead];
        for (j = i + 1; j < l.c.n && by_pair(&l.c.v[i], &l.c.v[j]) == 0;)
            j++;
        if (lead->supplier[0] == '\0' || lead->recipient[0] == '\0')
            continue;
        tally_clusters pair = {l.c.v + i, j - i, NULL};
        for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++) {
            const char *unit = tally_series_default_unit(l.obs.v, &pair, lead->supplier,
                                                         lead->recipient, 1u << bit);
            if (unit == NULL)
                continue;
            tally_series series;
            memset(&series, 0, sizeof series);
            memcpy(series.supplier, lead->supplier, 4);
            memcpy(series.recipient, lead->recipient, 4);
            series.item = 1u << bit;
            snprintf(series.unit, sizeof series.unit, "%s", unit);
            tally_series_build(&l.m, l.obs.v, l.obs.n, &pair, &series);
            if (series.n == 0) {
                tally_series_free(&series);
                continue;
            }
            long day = at != NULL ? tally_day_of(at_date, true) : series.v[series.n - 1].p.day;
            tally_point *pts = tally_xmalloc(series.n * sizeof *pts);
            for (size_t k = 0; k < series.n; k++)
                pts[k] = series.v[k].p;
            tally_quantiles q;
            rc = tally_reconcile(pts, series.n, series.start, &day, 1, draws, 20241126u, &q, &err);
            free(pts);
            const char *item = tally_item_name(bit);
            char d[16];
            day_text(day, d);
            if (rc != 0)
                cli_warnf("%s -> %s %s: %s", series.supplier, series.recipient, item, err.msg);
            else if (o->format == 2)
                printf("%s,%s,%s,%s,%zu,%s,%.0f,%.0f,%.0f,%.0f,%.0f\n", series.supplier,
                       series.recipient, item, series.unit, series.n, d, q.q05, q.q25, q.q50, q.q75,
                       q.q95);
            else if (o->format == 1)
                printf("{\"supplier\":\"%s\",\"recipient\":\"%s\",\"item\":\"%s\",\"unit\":\"%s\","
                       "\"clusters\":%zu,\"date\":\"%s\",\"q05\":%.0f,\"q25\":%.0f,"
                       "\"median\":%.0f,\"q75\":%.0f,\"q95\":%.0f}\n",
                       series.supplier, series.recipient, item, series.unit, series.n, d, q.q05,
                       q.q25, q.q50, q.q75, q.q95);
            else
                printf("%-3s %-3s %-18s %-9s %8zu %-10s %12.0f %12.0f %12.0f %12.0f %12.0f\n",
                       series.supplier, series.recipient, item, series.unit, series.n, d, q.q05,
                       q.q25, q.q50, q.q75, q.q95);
            n_series += rc == 0;
            tally_series_free(&series);
        }
    }
    if (o->format == 0)
        printf("%zu series from %zu claims in %zu clusters\n", n_series, l.obs.n, l.c.n);
    unload(&l);
    return done(CLI_OK);
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
    unsigned draws = 2000;
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
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || v < 100 || v > 1000000)
                return cli_usagef("estimate", "--draws needs a number from 100 to 1000000");
            draws = (unsigned)v;
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
    const char *sup = cli_state_code(argv[optind], st.supplier);
    const char *rec = cli_state_code(argv[optind + 1], st.recipient);
    int bit = tally_item_parse(argv[optind + 2]);
    if (sup == NULL || rec == NULL)
        return cli_usagef("estimate", "unknown state '%s'",
                          sup == NULL ? argv[optind] : argv[optind + 1]);
    if (bit < 0)
        return cli_usagef("estimate", "unknown item '%s' (an item of CLAIMS.md)", argv[optind + 2]);
    tally_date at_date = {0, 0, 0};
    if (at != NULL && tally_date_parse(at, strlen(at), &at_date) != 0)
        return cli_usagef("estimate", "bad date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)", at);
    f.supplier = sup;
    f.recipient = rec;
    struct loaded l;
    int rc = load_all(&o, &f, &l);
    if (rc != CLI_OK)
        return rc;
    tally_series series;
    memset(&series, 0, sizeof series);
    memcpy(series.supplier, sup, 4);
    memcpy(series.recipient, rec, 4);
    series.item = 1u << bit;
    if (unit == NULL)
        unit = tally_series_default_unit(l.obs.v, &l.c, sup, rec, series.item);
    if (unit == NULL) {
        cli_errorf("no transfer of %s from %s to %s among %zu stored claims%s", argv[optind + 2],
                   sup, rec, l.obs.n, f.known_by != NULL ? " known by then" : "");
        unload(&l);
        return CLI_FAIL;
    }
    snprintf(series.unit, sizeof series.unit, "%s", unit);
    tally_series_build(&l.m, l.obs.v, l.obs.n, &l.c, &series);
    if (series.n == 0) {
        cli_errorf("no claims of %s from %s to %s in %s%s", argv[optind + 2], sup, rec, unit,
                   f.known_by != NULL ? " known by then" : "");
        tally_series_free(&series);
        unload(&l);
        return CLI_FAIL;
    }
    /* the days: --at, else the first of each month from the start to the
     * last point, and the last point's day */
    long last = LONG_MIN;
    for (size_t i = 0; i < series.n; i++)
        if (series.v[i].p.day > last)
            last = series.v[i].p.day;
    size_t n_days = 0, cap = 64;
    long *days = tally_xmalloc(cap * sizeof *days);
    if (at != NULL) {
        days[n_days++] = tally_day_of(at_date, true);
    } else {
        tally_date d = tally_date_of(series.start);
        d.day = 1;
        for (long day = tally_day_of(d, false); day < last;) {
            if (day > series.start) {
                if (n_days == cap)
                    days = tally_xrealloc(days, (cap *= 2) * sizeof *days);
                days[n_days++] = day;
            }
            d.month = d.month == 12 ? 1 : d.month + 1;
            d.year += d.month == 1;
            day = tally_day_of(d, false);
        }
        if (n_days == cap)
            days = tally_xrealloc(days, (cap *= 2) * sizeof *days);
        days[n_days++] = last;
    }
    tally_point *pts = tally_xmalloc(series.n * sizeof *pts);
    for (size_t i = 0; i < series.n; i++)
        pts[i] = series.v[i].p;
    tally_quantiles *q = tally_xmalloc(n_days * sizeof *q);
    tally_err err = {0};
    rc = tally_reconcile(pts, series.n, series.start, days, n_days, draws, 20241126u, q, &err);
    if (rc != 0) {
        cli_errorf("%s", err.msg);
    } else if (o.format == 2) {
        printf("date,q05,q25,median,q75,q95\n");
        for (size_t i = 0; i < n_days; i++) {
            char d[16];
            day_text(q[i].day, d);
            printf("%s,%.0f,%.0f,%.0f,%.0f,%.0f\n", d, q[i].q05, q[i].q25, q[i].q50, q[i].q75,
                   q[i].q95);
        }
    } else if (o.format == 1) {
        tally_buf b;
        tally_buf_init(&b, (size_t)1 << 30);
        char d[16];
        tally_json_raw(&b, "{\"supplier\":\"");
        tally_json_raw(&b, sup);
        tally_json_raw(&b, "\",\"recipient\":\"");
        tally_json_raw(&b, rec);
        tally_json_raw(&b, "\",\"item\":\"");
        tally_json_raw(&b, tally_item_name((unsigned)bit));
        tally_json_raw(&b, "\",\"unit\":");
        tally_json_str(&b, series.unit, strlen(series.unit));
        day_text(series.start, d);
        tally_json_raw(&b, ",\"start\":");
        tally_json_str(&b, d, strlen(d));
        tally_json_raw(&b, ",\"known_by\":");
        if (f.known_by != NULL)
            tally_json_str(&b, f.known_by, strlen(f.known_by));
        else
            tally_json_raw(&b, "null");
        tally_json_raw(&b, ",\"estimates\":[");
        for (size_t i = 0; i < n_days; i++) {
            day_text(q[i].day, d);
            tally_json_raw(&b, i ? ",{\"date\":" : "{\"date\":");
            tally_json_str(&b, d, strlen(d));
            json_num_field(&b, "q05", q[i].q05);
            json_num_field(&b, "q25", q[i].q25);
            json_num_field(&b, "median", q[i].q50);
            json_num_field(&b, "q75", q[i].q75);
            json_num_field(&b, "q95", q[i].q95);
            tally_json_raw(&b, "}");
        }
        tally_json_raw(&b, "],\"points\":[");
        for (size_t i = 0; i < series.n; i++) {
            const tally_series_point *sp = &series.v[i];
            const tally_cluster *k = &l.c.v[sp->p.cluster];
            const tally_obs *lead = &l.obs.v[k->lead];
            char how[160];
            how_text(sp, how, sizeof how);
            day_text(sp->p.day, d);
            tally_json_raw(&b, i ? ",{\"date\":" : "{\"date\":");
            tally_json_str(&b, d, strlen(d));
            tally_json_raw(&b, ",\"bound\":\"");
            tally_json_raw(&b, bound_name(sp->p.bound));
            tally_json_raw(&b, "\"");
            json_num_field(&b, "value", sp->p.value);
            json_num_field(&b, "value_high", sp->p.value_high);
            tally_json_raw(&b, ",\"sigma\":");
            tally_json_num(&b, round(sp->p.sigma * 1000) / 1000);
            tally_json_raw(&b, ",\"how\":");
            tally_json_str(&b, how, strlen(how));
            tally_json_raw(&b, ",\"unit\":");
            tally_json_str(&b, lead->unit, strlen(lead->unit));
            tally_json_raw(&b, ",\"source\":");
            tally_json_str(&b, lead->source, strlen(lead->source));
            tally_json_raw(&b, ",\"grade\":\"");
            char g[2] = {sp->grade, 0};
            tally_json_raw(&b, g);
            tally_json_raw(&b, "\",\"claims\":[");
            for (size_t j = 0; j < k->n_members; j++) {
                if (j)
                    tally_json_raw(&b, ",");
                tally_json_uint(&b, (size_t)l.obs.v[k->members[j]].id);
            }
            tally_json_raw(&b, "]}");
        }
        tally_json_raw(&b, "]}\n");
        fwrite(b.ptr, 1, b.len, stdout);
        tally_buf_free(&b);
    } else {
        char d[16];
        day_text(series.start, d);
        printf("%s -> %s, %s, in %s: %zu clusters; 0 on %s%s%s\n", sup, rec,
               tally_item_name((unsigned)bit), series.unit, series.n, d,
               f.known_by != NULL ? "; known by " : "", f.known_by != NULL ? f.known_by : "");
        printf("%-10s %12s %12s %12s %12s %12s\n", "date", "5%", "25%", "median", "75%", "95%");
        for (size_t i = 0; i < n_days; i++) {
            day_text(q[i].day, d);
            printf("%-10s %12.0f %12.0f %12.0f %12.0f %12.0f\n", d, q[i].q05, q[i].q25, q[i].q50,
                   q[i].q75, q[i].q95);
        }
        printf("\nclusters that drive it:\n%-10s %-11s %26s %-36s %-28s %s\n", "date", "bound",
               "figure", "how", "source (grade)", "claims");
        for (size_t i = 0; i < series.n; i++) {
            const tally_series_point *sp = &series.v[i];
            const tally_cluster *k = &l.c.v[sp->p.cluster];
            const tally_obs *lead = &l.obs.v[k->lead];
            char fig[96], how[160], src[64];
            figure_text(lead, fig, sizeof fig);
            how_text(sp, how, sizeof how);
            snprintf(src, sizeof src, "%.24s (%c)", lead->source, sp->grade);
            day_text(sp->p.day, d);
            printf("%-10s %-11s %26.26s %-36.36s %-28s %zu\n", d, bound_name(sp->p.bound), fig, how,
                   src, k->n_members);
        }
    }
    free(q);
    free(pts);
    free(days);
    tally_series_free(&series);
    unload(&l);
    return done(rc == 0 ? CLI_OK : CLI_FAIL);
}
