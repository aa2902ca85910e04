/* tally claims, tally docs, tally sources: what the store holds. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally/json.h"
#include "tally/mem.h"
#include "tally/present.h"
#include "tally/store.h"

enum out_format { OUT_TABLE, OUT_JSONL, OUT_CSV };

void cli_claims_help(FILE *out)
{
    fputs("Usage: tally claims [--db FILE] [--supplier S] [--recipient R] [--item I]\n"
          "                    [--kind K] [--source TEXT] [--since D] [--until D]\n"
          "                    [--doc NAME] [--known-by D] [--limit N]\n"
          "                    [--format table|jsonl|csv]\n"
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
          "      --source TEXT a part of the source's name, any case (Shin, NIS)\n"
          "      --since D     dated D or later (YYYY, YYYY-MM or YYYY-MM-DD)\n"
          "      --until D     dated within D or earlier\n"
          "      --doc NAME    from the document of this name, URL or key\n"
          "      --known-by D  stated within D or earlier: what was knowable then\n"
          "      --limit N     at most N claims\n"
          "Output:\n"
          "  -f, --format FMT  table (default), jsonl (CLAIMS.md fields plus id,\n"
          "                    source_kind, stated, note, curated and the document's\n"
          "                    url, title, outlet and date) or csv (the same columns)\n"
          "      --db FILE     the database (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help        show this help\n",
          out);
}

void cli_docs_help(FILE *out)
{
    fputs("Usage: tally docs [--db FILE] [--format table|jsonl|csv]\n"
          "\n"
          "Prints the stored documents by date: name, date, claims, outlet, URL or\n"
          "origin. Curated records (tally import) are marked.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  table (default), jsonl or csv\n"
          "      --db FILE     the database (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help        show this help\n",
          out);
}

void cli_sources_help(FILE *out)
{
    fputs("Usage: tally sources [--db FILE] [--format table|jsonl|csv]\n"
          "\n"
          "Prints who asserts the stored claims, most claims first: the normalised\n"
          "name, country, kind (government, intelligence, official, outlet,\n"
          "think-tank, author, other), claims and documents.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  table (default), jsonl or csv\n"
          "      --db FILE     the database (default $TALLY_DB, else ./tally.db)\n"
          "  -h, --help        show this help\n",
          out);
}

/* ---- CSV ---------------------------------------------------------------- */

/* A text field and its separator (a newline after the last). */
static void csv_field(tally_buf *l, const char *s, bool last)
{
    tally_present_csv_str(l, s);
    tally_json_raw_n(l, last ? "\n" : ",", 1);
}

/* A number field (empty when there is none) and its comma. */
static void csv_num(tally_buf *l, bool has, double v)
{
    if (has)
        tally_present_csv_num(l, v);
    tally_json_raw_n(l, ",", 1);
}

/* ---- claims ------------------------------------------------------------- */

struct claims_out {
    enum out_format fmt;
    tally_buf line;
};

static const char *const claim_csv_head[] = {
    "id",          "doc",           "kind",   "supplier", "recipient",
    "item",        "caliber_mm",    "unit",   "low",      "high",
    "qualifier",   "since",         "as_of",  "source",   "source_country",
    "source_kind", "source_detail", "hedged", "stated",   "note",
    "curated",     "url",           "title",  "outlet",   "date",
    "sentence",    "text"};

static int print_claim_row(const tally_claim_row *r, void *user)
{
    struct claims_out *o = user;
    const tally_claim *k = &r->claim;
    tally_buf *l = &o->line;
    tally_buf_clear(l);
    if (o->fmt == OUT_TABLE) {
        tally_present_claim_table_row(l, k, r->doc);
        return cli_write(l) == CLI_OK ? 0 : TALLY_ESTOP;
    }
    if (o->fmt == OUT_JSONL) {
        tally_present_claim_row(l, r, false);
        tally_json_raw(l, "\n");
        return cli_write(l) == CLI_OK ? 0 : TALLY_ESTOP;
    }
    char id[32], since[16] = "", as_of[16] = "", items[256] = "";
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    if (k->since.year)
        tally_date_format(k->since, since);
    if (k->as_of.year)
        tally_date_format(k->as_of, as_of);
    size_t n = 0;
    for (unsigned i = 0; i < TALLY_ITEM_COUNT; i++)
        if (k->items & (1u << i))
            n += (size_t)snprintf(items + n, sizeof items - n, "%s%s", n ? ";" : "",
                                  tally_item_name(i));
    csv_field(l, id, false);
    csv_field(l, r->doc, false);
    csv_field(l, tally_kind_name(k->kind), false);
    csv_field(l, k->supplier, false);
    csv_field(l, k->recipient, false);
    csv_field(l, items, false);
    csv_num(l, k->caliber_mm > 0, k->caliber_mm);
    csv_field(l, tally_unit_name(k), false);
    csv_num(l, k->has_low, k->low);
    csv_num(l, k->has_high, k->high);
    csv_field(l, tally_qualifier_name(k->qualifier), false);
    csv_field(l, since[0] ? since : NULL, false);
    csv_field(l, as_of[0] ? as_of : NULL, false);
    csv_field(l, k->source, false);
    csv_field(l, k->source_country, false);
    csv_field(l, r->source_kind, false);
    csv_field(l, r->source_detail, false);
    csv_field(l, k->hedged ? "true" : "false", false);
    csv_field(l, r->stated, false);
    csv_field(l, r->note, false);
    csv_field(l, r->curated ? "true" : "false", false);
    csv_field(l, r->url, false);
    csv_field(l, r->title, false);
    csv_field(l, r->outlet, false);
    csv_field(l, r->date, false);
    tally_present_csv_text(l, r->sentence, r->sentence != NULL ? r->sentence_len : 0);
    tally_json_raw_n(l, ",", 1);
    csv_field(l, r->text, true);
    return cli_write(l) == CLI_OK ? 0 : TALLY_ESTOP;
}

/* Options every store command takes: --db and --format. */
static int store_option(const char *cmd, int ch, char **argv, const char **db, enum out_format *fmt,
                        void (*help)(FILE *))
{
    switch (ch) {
    case 'D':
        *db = optarg;
        return CLI_CONTINUE;
    case 'f':
        if (strcmp(optarg, "table") == 0)
            *fmt = OUT_TABLE;
        else if (strcmp(optarg, "jsonl") == 0)
            *fmt = OUT_JSONL;
        else if (strcmp(optarg, "csv") == 0)
            *fmt = OUT_CSV;
        else
            return cli_usagef(cmd, "unknown format '%s' (table, jsonl or csv)", optarg);
        return CLI_CONTINUE;
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
    if (rc == TALLY_ESTOP) /* a row was refused, and said so */
        return CLI_FAIL;
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
                                             CLI_FILTER_OPTIONS,
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    tally_claim_filter f = {0};
    const char *db = NULL;
    enum out_format fmt = OUT_TABLE;
    struct cli_states states;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = cli_filter_option("claims", ch, &f, &states);
        if (rc == CLI_UNHANDLED)
            rc = store_option("claims", ch, argv, &db, &fmt, cli_claims_help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef("claims", "unknown option") : rc;
    }
    if (optind < argc)
        return cli_usagef("claims", "unexpected argument '%s'", argv[optind]);
    tally_store *s;
    if (cli_open_db(db, &s) != CLI_OK)
        return CLI_FAIL;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    struct claims_out o = {fmt, {0}};
    tally_buf_init(&o.line, (size_t)1 << 26);
    if (fmt == OUT_TABLE)
        tally_present_claim_table_head(stdout);
    else if (fmt == OUT_CSV) {
        for (size_t i = 0; i < sizeof claim_csv_head / sizeof claim_csv_head[0]; i++)
            csv_field(&o.line, claim_csv_head[i],
                      i + 1 == sizeof claim_csv_head / sizeof claim_csv_head[0]);
        (void)cli_write(&o.line);
    }
    tally_err err = {0};
    int rc = tally_store_claims(s, &f, print_claim_row, &o, &err);
    tally_buf_free(&o.line);
    return finish(s, rc, &err);
}

/* ---- docs and sources --------------------------------------------------- */

static int print_doc(const tally_doc_row *r, void *user)
{
    enum out_format fmt = *(const enum out_format *)user;
    char id[32], claims[32], bytes[32];
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    snprintf(claims, sizeof claims, "%lld", (long long)r->claims);
    snprintf(bytes, sizeof bytes, "%lld", (long long)r->body_bytes);
    if (fmt == OUT_TABLE) {
        cli_printf("%-30.30s %-10s %6s %c %-20.20s %s\n", r->name, r->date ? r->date : "-", claims,
                   r->curated ? 'c' : '-', r->outlet ? r->outlet : "-",
                   r->url      ? r->url
                   : r->origin ? r->origin
                               : r->key);
        return 0;
    }
    const char *fields[][2] = {{"id", id},
                               {"name", r->name},
                               {"date", r->date},
                               {"revised", r->revised},
                               {"claims", claims},
                               {"curated", r->curated ? "true" : "false"},
                               {"title", r->title},
                               {"outlet", r->outlet},
                               {"url", r->url},
                               {"key", r->key},
                               {"origin", r->origin},
                               {"hash", r->hash},
                               {"body_bytes", bytes},
                               {"ingested_at", r->ingested_at}};
    size_t n = sizeof fields / sizeof fields[0];
    tally_buf l;
    tally_buf_init(&l, (size_t)1 << 20);
    for (size_t i = 0; i < n && fmt == OUT_CSV; i++)
        csv_field(&l, fields[i][1], i + 1 == n);
    for (size_t i = 0; i < n && fmt == OUT_JSONL; i++) {
        tally_json_raw(&l, i == 0 ? "{\"" : ",\"");
        tally_json_raw(&l, fields[i][0]);
        tally_json_raw(&l, "\":");
        /* numbers and booleans bare, the rest as strings */
        if (i == 0 || i == 4 || i == 5 || i == 12)
            tally_json_raw(&l, fields[i][1]);
        else
            tally_present_str_or_null(&l, fields[i][1]);
    }
    if (fmt == OUT_JSONL)
        tally_json_raw(&l, "}\n");
    int rc = cli_write(&l) == CLI_OK ? 0 : TALLY_ESTOP;
    tally_buf_free(&l);
    return rc;
}

static int print_source(const tally_source_row *r, void *user)
{
    enum out_format fmt = *(const enum out_format *)user;
    char claims[32], docs[32];
    snprintf(claims, sizeof claims, "%lld", (long long)r->claims);
    snprintf(docs, sizeof docs, "%lld", (long long)r->documents);
    if (fmt == OUT_TABLE) {
        cli_printf("%-40.40s %-3s %-12s %7s %5s\n", r->name, r->country ? r->country : "-", r->kind,
                   claims, docs);
        return 0;
    }
    tally_buf l;
    tally_buf_init(&l, (size_t)1 << 16);
    if (fmt == OUT_CSV) {
        csv_field(&l, r->name, false);
        csv_field(&l, r->country, false);
        csv_field(&l, r->kind, false);
        csv_field(&l, claims, false);
        csv_field(&l, docs, true);
    } else {
        tally_present_source(&l, r);
        tally_json_raw(&l, "\n");
    }
    int rc = cli_write(&l) == CLI_OK ? 0 : TALLY_ESTOP;
    tally_buf_free(&l);
    return rc;
}

/* tally docs and tally sources: the same options, a different listing. */
static int list_cmd(const char *cmd, int argc, char **argv, void (*help)(FILE *), bool docs)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *db = NULL;
    enum out_format fmt = OUT_TABLE;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = store_option(cmd, ch, argv, &db, &fmt, help);
        if (rc != CLI_CONTINUE)
            return rc == CLI_UNHANDLED ? cli_usagef(cmd, "unknown option") : rc;
    }
    if (optind < argc)
        return cli_usagef(cmd, "unexpected argument '%s'", argv[optind]);
    tally_store *s;
    if (cli_open_db(db, &s) != CLI_OK)
        return CLI_FAIL;
    if (fmt == OUT_TABLE && docs)
        printf("%-30s %-10s %6s %c %-20s %s\n", "name", "date", "claims", 'c', "outlet", "url");
    else if (fmt == OUT_TABLE)
        printf("%-40s %-3s %-12s %7s %5s\n", "source", "cty", "kind", "claims", "docs");
    else if (fmt == OUT_CSV)
        fputs(docs ? "id,name,date,revised,claims,curated,title,outlet,url,key,origin,hash,"
                     "body_bytes,ingested_at\n"
                   : "name,country,kind,claims,documents\n",
              stdout);
    tally_err err = {0};
    int rc = docs ? tally_store_docs(s, print_doc, &fmt, &err)
                  : tally_store_sources(s, print_source, &fmt, &err);
    return finish(s, rc, &err);
}

int cli_docs(int argc, char **argv)
{
    return list_cmd("docs", argc, argv, cli_docs_help, true);
}

int cli_sources(int argc, char **argv)
{
    return list_cmd("sources", argc, argv, cli_sources_help, false);
}
