/* tally extract: the claims of documents, as ../shared/docs/CLAIMS.md defines them.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tally/claim.h"
#include "tally/extract.h"
#include "tally/field.h"
#include "tally/json.h"
#include "tally/mem.h"
#include "tally/pool.h"
#include "tally/present.h"

void cli_extract_help(FILE *out)
{
    fputs("Usage: tally extract [--format jsonl|table] [--date YYYY-MM-DD] [--explain]\n"
          "                     [--model MODEL | --no-model] [--jobs N] [--as txt|md|html]\n"
          "                     FILE...|-\n"
          "\n"
          "Prints every claim in the documents: a figure about material support\n"
          "between states, with what was counted, from which state to which, who\n"
          "says so, since when and as of when, and how hedged. One JSON object a line\n"
          "in the format of CLAIMS.md: doc, sentence, text, kind, supplier, recipient,\n"
          "item, caliber_mm, unit, low, high, qualifier, since, as_of, source,\n"
          "source_country, hedged, and per (day, month or year for a rate; null for\n"
          "a total). Figures that count nothing in scope are left out.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT  jsonl (default) or table\n"
          "      --date DATE   the document date when its header has none\n"
          "                    (YYYY, YYYY-MM or YYYY-MM-DD)\n"
          "      --explain     add \"why\": the words that decided supplier, recipient,\n"
          "                    kind, item and source, and the rule used; with a\n"
          "                    model, \"model\" beside it: the rule that proposed the\n"
          "                    candidate and, for each decision (scope, kind, source,\n"
          "                    supplier, recipient), its probability and the features\n"
          "                    that weighed most\n" CLI_MODEL_HELP
          "      --as FMT      read the body as txt, md or html\n"
          "  -h, --help        show this help\n",
          out);
}

struct extract_ctx {
    char *doc;
    tally_output format;
    bool explain;
    tally_extract_opts opts;
    tally_date fallback;
    tally_extractor *x;
    tally_arena *arena;
    tally_buf line;
    int status;
    const char *path; /* the input, for messages */
    FILE *out, *msgs; /* where its lines and messages go: stdout and stderr, or a worker's */
};

/* What the models did: the rule that proposed the candidate, each decision's
 * probability and its weightiest features. */
static void put_learned(tally_buf *l, const tally_learn_why *w)
{
    TALLY_JSON_LIT(l, ",\"model\":{\"proposed_by\":");
    tally_present_str_or_null(l, w->proposed_by);
    TALLY_JSON_LIT(l, ",\"source_from\":");
    tally_present_str_or_null(l, w->source_from);
    tally_present_learn_decision(l, "scope", &w->scope);
    tally_present_learn_decision(l, "kind", &w->kind);
    tally_present_learn_decision(l, "source", &w->source);
    tally_present_learn_decision(l, "supplier", &w->supplier);
    tally_present_learn_decision(l, "recipient", &w->recipient);
    TALLY_JSON_LIT(l, "}");
}

/* One claim as a line; its sentence, text and reasons are bytes of `body`,
 * which starts at body offset `offset`. */
/* Claim k of `body` (from body offset `offset`) as a row of document c->doc. */
static tally_claim_row claim_row(const struct extract_ctx *c, const char *body, size_t offset,
                                 const tally_claim *k)
{
    tally_claim_row r = {.claim = *k, .doc = c->doc};
    r.sentence = body + (k->sentence_start - offset);
    r.sentence_len = k->sentence_end - k->sentence_start;
    r.text = body + (k->start - offset);
    r.text_len = k->end - k->start;
    return r;
}

static void print_claim(struct extract_ctx *c, const char *body, size_t offset,
                        const tally_claim *k)
{
    tally_claim_row r = claim_row(c, body, offset, k);
    if (c->format == TALLY_OUTPUT_JSON && c->explain) {
        tally_present_claim_json(&c->line, TALLY_IN_CLAIM, &r, true);
        tally_present_claim_why(&c->line, k, body, offset);
        if (k->learned != NULL)
            put_learned(&c->line, k->learned);
        TALLY_JSON_LIT(&c->line, "}\n");
    } else {
        tally_present_claim(&c->line, c->format, TALLY_IN_CLAIM, &r);
    }
    c->status |= cli_write_to(c->out, c->msgs, &c->line);
}

static void end_doc(struct extract_ctx *c);

static int on_meta(const tally_doc_meta *meta, tally_format f, void *user, tally_err *err)
{
    struct extract_ctx *c = user;
    (void)f;
    (void)err;
    tally_date d = c->fallback;
    if (meta->date != NULL) {
        tally_date h;
        if (tally_date_parse(meta->date, strlen(meta->date), &h) == 0)
            d = h;
        else if (strcmp(meta->date, "unknown") != 0)
            cli_warnf_to(c->msgs, "%s: header date '%s' is not YYYY, YYYY-MM or YYYY-MM-DD; %s",
                         c->doc, meta->date,
                         d.year ? "using --date" : "relative dates are left out");
    }
    end_doc(c);
    c->x = tally_extractor_open(d, meta, &c->opts);
    return 0;
}

static void print_claims(struct extract_ctx *c, const tally_claims *cs)
{
    if (cs->text != NULL) /* written by render_claims */
        fwrite(cs->text, 1, cs->text_len, c->out);
    for (size_t i = 0; cs->text == NULL && i < cs->n; i++)
        print_claim(c, cs->body, cs->body_offset, &cs->v[i]);
    tally_arena_reset(c->arena);
}

/* print_claims' lines (without --explain), on the thread that decided the
 * claims (tally_extract_opts.render); false when one cannot be written, for
 * print_claim to say so. */
static bool render_claims(void *ctx, const tally_claims *cs, tally_buf *out)
{
    const struct extract_ctx *c = ctx;
    for (size_t i = 0; i < cs->n; i++) {
        tally_claim_row r = claim_row(c, cs->body, cs->body_offset, &cs->v[i]);
        tally_present_claim(out, c->format, TALLY_IN_CLAIM, &r);
    }
    return !tally_buf_full(out) && tally_buf_err(out) == 0;
}

static int on_block(const tally_block *b, void *user, tally_err *err)
{
    struct extract_ctx *c = user;
    tally_claims cs;
    int rc = tally_extract_block(c->x, b, &cs, c->arena, err);
    if (rc == 0)
        print_claims(c, &cs);
    tally_arena_reset(c->arena);
    return rc;
}

/* Ends the document read last: the claims its extractor still holds, what
 * it met, and the extractor. */
static void end_doc(struct extract_ctx *c)
{
    if (c->x == NULL)
        return;
    tally_claims cs;
    bool more;
    do {
        more = tally_extract_finish(c->x, &cs, c->arena);
        print_claims(c, &cs);
    } while (more);
    cli_warn_cut_sentences_to(c->msgs, c->path, tally_extractor_cut_sentences(c->x));
    tally_extractor_free(c->x);
    c->x = NULL;
}

static void on_start(const char *path, void *user)
{
    struct extract_ctx *c = user;
    end_doc(c);
    free(c->doc);
    c->doc = tally_doc_name(path);
    c->path = strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* Extracts one input (a path, or - for stdin) to c->out and c->msgs. */
static int extract_input(struct extract_ctx *c, const char *path, const tally_doc_opts *opts)
{
    tally_doc_handler h = {.on_meta = on_meta, .on_block = on_block, .user = c};
    on_start(path, c);
    int status = cli_read_input(path, opts, &h, c->msgs);
    end_doc(c);
    return status;
}

/* What every input's extraction shares. */
struct extract_setup {
    const struct extract_ctx *c; /* its options: format, explain, opts, fallback */
    const tally_doc_opts *opts;
};

/* One input extracted on a worker: its lines and messages, held until
 * they are written in the order of the inputs. */
struct extract_job {
    const char *path;
    char *out, *msgs;
    size_t out_len, msgs_len;
    int status;
};

/* The largest file extracted on a worker: its lines are held whole. */
enum { APART_MAX = 1 << 20 };

static FILE *memstream(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    if (f == NULL) {
        fputs("tally: out of memory\n", stderr);
        abort();
    }
    return f;
}

static void extract_job_run(void *job, void *ctx, unsigned worker)
{
    (void)worker;
    struct extract_job *j = job;
    const struct extract_setup *su = ctx;
    struct extract_ctx c = {.format = su->c->format,
                            .explain = su->c->explain,
                            .opts = su->c->opts,
                            .fallback = su->c->fallback};
    c.opts.threads = 1; /* the workers are the parallelism */
    c.opts.render = NULL;
    c.out = memstream(&j->out, &j->out_len);
    c.msgs = memstream(&j->msgs, &j->msgs_len);
    c.arena = tally_arena_new();
    tally_buf_init(&c.line, (size_t)1 << 30);
    j->status = extract_input(&c, j->path, su->opts);
    j->status |= c.status;
    tally_arena_free(c.arena);
    tally_buf_free(&c.line);
    free(c.doc);
    fclose(c.out);
    fclose(c.msgs);
}

/* Writes a worker's lines and messages; its status. */
static int extract_job_show(struct extract_job *j)
{
    fwrite(j->out, 1, j->out_len, stdout);
    fwrite(j->msgs, 1, j->msgs_len, stderr);
    int status = j->status;
    free(j->out);
    free(j->msgs);
    free(j);
    return status;
}

/* Whether `path` is a regular file small enough for a worker. */
static bool apart(const char *path)
{
    struct stat st;
    return strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           st.st_size <= APART_MAX;
}

/* Extracts every input in order: small files on `jobs` workers (their
 * output held and written in turn), the others here. */
static int extract_all(struct extract_ctx *c, char **paths, int n, const tally_doc_opts *opts,
                       unsigned jobs)
{
    struct extract_setup su = {c, opts};
    tally_pool *pool =
        jobs > 1 && n > 1 ? tally_pool_new(jobs, 4 * jobs, extract_job_run, NULL, &su) : NULL;
    int status = CLI_OK;
    for (int i = 0; i < n; i++) {
        if (pool == NULL || !apart(paths[i])) {
            for (void *j; pool != NULL && (j = tally_pool_take(pool)) != NULL;)
                status |= extract_job_show(j);
            status |= extract_input(c, paths[i], opts);
            continue;
        }
        while (tally_pool_full(pool))
            status |= extract_job_show(tally_pool_take(pool));
        struct extract_job *j = tally_xcalloc(1, sizeof *j);
        j->path = paths[i];
        tally_pool_put(pool, j);
    }
    for (void *j; pool != NULL && (j = tally_pool_take(pool)) != NULL;)
        status |= extract_job_show(j);
    tally_pool_free(pool);
    return status;
}

int cli_extract(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"date", required_argument, NULL, 'd'},
                                             {"explain", no_argument, NULL, 'e'},
                                             {"as", required_argument, NULL, 'a'},
                                             CLI_MODEL_OPTIONS,
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct extract_ctx c = {.format = TALLY_OUTPUT_JSON, .out = stdout, .msgs = stderr};
    tally_learn_model *model = NULL;
    tally_doc_opts opts = {0};
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
        int rc = cli_reading_option("extract", ch, &c.fallback, &c.explain, &c.opts, &model);
        if (rc == CLI_UNHANDLED)
            rc = cli_common_option("extract", ch, argv, &c.format, &opts, cli_extract_help);
        if (rc != CLI_CONTINUE) {
            tally_learn_model_free(model);
            return rc == CLI_UNHANDLED ? cli_usagef("extract", "unknown option") : rc;
        }
    }
    c.opts.explain = c.explain;
    if (!c.explain) {
        c.opts.render = render_claims;
        c.opts.render_ctx = &c;
    }
    if (optind >= argc) {
        tally_learn_model_free(model);
        return cli_usagef("extract", "no input: give files, or - for stdin");
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    c.arena = tally_arena_new();
    tally_buf_init(&c.line, (size_t)1 << 30);
    tally_present_claims_head(&c.line, c.format, TALLY_IN_CLAIM);
    c.status = cli_write(&c.line);
    unsigned jobs = c.opts.threads > 0 ? c.opts.threads : tally_cores();
    int status = extract_all(&c, argv + optind, argc - optind, &opts, jobs);
    status |= c.status;
    tally_learn_model_free(model);
    tally_arena_free(c.arena);
    tally_buf_free(&c.line);
    free(c.doc);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("writing output failed");
        status = CLI_FAIL;
    }
    return status;
}
