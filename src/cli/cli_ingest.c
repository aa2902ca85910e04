/* tally ingest: documents into the claim store, each once, never half.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tally/ingest.h"
#include "tally/mem.h"
#include "tally/store.h"

void cli_ingest_help(FILE *out)
{
    fputs("Usage: tally ingest [--db FILE] [--as txt|md|html] [--date YYYY-MM-DD]\n"
          "                    [--model MODEL | --no-model] PATH...|-\n"
          "\n"
          "Reads documents, extracts their claims and stores both in the database,\n"
          "with every claim's sentence and document. PATH is a file, or a folder\n"
          "read recursively for *.txt, *.md, *.markdown, *.html and *.htm. A file\n"
          "named *.jsonl, or - (stdin) starting with '{', is a feed: one JSON object\n"
          "a line with \"text\" and optionally \"url\", \"title\", \"outlet\", \"date\"\n"
          "and \"format\". Other input on stdin is one document.\n"
          "\n"
          "A document already stored (same URL, or same file, and same content) is\n"
          "left as it is; a changed one replaces its claims and keeps its first date.\n"
          "Documents are committed in batches: a killed ingest leaves whole documents\n"
          "only, and running it again completes the set. A document that cannot be\n"
          "read is reported and the rest go in.\n"
          "\n"
          "Options:\n"
          "      --db FILE     the database (default $TALLY_DB, else ./tally.db);\n"
          "                    created when missing\n"
          "      --as FMT      read bodies as txt, md or html (default: by extension,\n"
          "                    else sniffed)\n"
          "      --date DATE   the date of documents that give none\n" CLI_MODEL_HELP
          "  -q, --quiet       no summary\n"
          "  -h, --help        show this help\n"
          "\n"
          "Prints a summary: documents new, unchanged, replaced and failed, and claims\n"
          "stored. Exit status 1 when any document failed.\n",
          out);
}

/* Commit after this many documents or bytes, or this many seconds: large
 * enough to amortise the commit, small enough to lose little to a kill. */
enum { BATCH_DOCS = 200, BATCH_BYTES = 32 << 20 };
#define BATCH_SECONDS 2.0
#define FILE_MAX ((size_t)1 << 31)

struct ingest_run {
    tally_store *s;
    tally_doc_opts opts;
    tally_extract_opts extract;
    const char *date;
    size_t n_new, n_unchanged, n_replaced, n_failed, n_claims;
    size_t batch_docs, batch_bytes;
    double batch_start, last_progress;
    bool progress, in_tx, fatal;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(struct ingest_run *r, bool last)
{
    if (!r->progress)
        return;
    double t = now();
    if (!last && t - r->last_progress < 0.2)
        return;
    r->last_progress = t;
    size_t docs = r->n_new + r->n_unchanged + r->n_replaced + r->n_failed;
    fprintf(stderr, "\rtally ingest: %zu documents, %zu claims%s", docs, r->n_claims,
            last ? "\r\033[K" : "");
}

static int commit(struct ingest_run *r)
{
    tally_err err = {0};
    if (r->in_tx && tally_store_commit(r->s, &err) != 0) {
        cli_errorf("%s", err.msg);
        r->fatal = true;
        return CLI_FAIL;
    }
    r->in_tx = false;
    r->batch_docs = r->batch_bytes = 0;
    return CLI_OK;
}

/* Ingests one document's bytes; counts the outcome. */
static void ingest_one(struct ingest_run *r, tally_ingest_input *in)
{
    in->extract = &r->extract;
    tally_err err = {0};
    if (!r->in_tx) {
        if (tally_store_begin(r->s, &err) != 0) {
            cli_errorf("%s", err.msg);
            r->fatal = true;
            return;
        }
        r->in_tx = true;
        r->batch_start = now();
    }
    in->format = r->opts.format;
    in->date = r->date;
    tally_ingest_result res;
    int rc = tally_ingest(r->s, in, &res, &err);
    if (rc != 0) {
        cli_errorf("%s", err.msg);
        r->n_failed++;
        /* the database itself failed: the batch cannot go on */
        if (rc == TALLY_ESTORE)
            r->fatal = true;
        return;
    }
    if (res.invalid_utf8 > 0)
        cli_warnf("%s: %zu invalid UTF-8 sequence%s replaced by U+FFFD", in->origin,
                  res.invalid_utf8, res.invalid_utf8 == 1 ? "" : "s");
    switch (res.status) {
    case TALLY_DOC_NEW:
        r->n_new++;
        break;
    case TALLY_DOC_UNCHANGED:
        r->n_unchanged++;
        break;
    case TALLY_DOC_REPLACED:
        r->n_replaced++;
        break;
    }
    r->n_claims += res.claims;
    r->batch_docs++;
    r->batch_bytes += in->len;
    if (r->batch_docs >= BATCH_DOCS || r->batch_bytes >= BATCH_BYTES ||
        now() - r->batch_start >= BATCH_SECONDS)
        commit(r);
    show_progress(r, false);
}

/* The short name of a feed item: from its URL, else "feed-LINE". */
static char *feed_name(const char *url, size_t line)
{
    if (url != NULL)
        return tally_url_name(url);
    char buf[32];
    snprintf(buf, sizeof buf, "feed-%zu", line);
    return tally_xstrdup(buf);
}

static const char *json_field(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A feed: one JSON object a line. */
static void ingest_feed(struct ingest_run *r, FILE *f, const char *label)
{
    char *line = NULL;
    size_t cap = 0, no = 0;
    ssize_t got;
    while (!r->fatal && (got = getline(&line, &cap, f)) != -1) {
        no++;
        size_t n = (size_t)got;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        size_t lead = 0;
        while (lead < n && (line[lead] == ' ' || line[lead] == '\t'))
            lead++;
        if (lead == n)
            continue;
        char origin[512];
        snprintf(origin, sizeof origin, "%s:%zu", label, no);
        json_error_t jerr;
        json_t *o = json_loadb(line, n, 0, &jerr);
        const char *text = o != NULL ? json_field(o, "text") : NULL;
        const char *format = o != NULL ? json_field(o, "format") : NULL;
        int fmt = format != NULL ? tally_format_parse(format) : (int)r->opts.format;
        if (o == NULL || !json_is_object(o) || text == NULL || fmt < 0) {
            cli_errorf("%s: %s", origin,
                       o == NULL            ? jerr.text
                       : !json_is_object(o) ? "not a JSON object"
                       : text == NULL       ? "no \"text\" string"
                                            : "\"format\" is not txt, md or html");
            r->n_failed++;
            json_decref(o);
            continue;
        }
        char *name = feed_name(json_field(o, "url"), no);
        tally_ingest_input in = {
            .data = text,
            .len = strlen(text),
            .name = name,
            .origin = origin,
            .meta = {json_field(o, "url"), json_field(o, "title"), json_field(o, "outlet"),
                     json_field(o, "date")},
        };
        tally_format saved = r->opts.format;
        r->opts.format = (tally_format)fmt;
        ingest_one(r, &in);
        r->opts.format = saved;
        free(name);
        json_decref(o);
    }
    if (ferror(f)) {
        cli_errorf("%s: read error", label);
        r->n_failed++;
    }
    free(line);
}

static bool has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcmp(path + n - e, ext) == 0;
}

static bool is_document(const char *name)
{
    /* not .jsonl: a folder of articles often holds other JSON Lines (gold
     * claims, extractor output); feeds are named one by one */
    static const char *const exts[] = {".txt", ".md", ".markdown", ".html", ".htm"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (has_ext(name, exts[i]))
            return true;
    return false;
}

static void ingest_path(struct ingest_run *r, const char *path, bool explicit);

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* A folder: its documents and subfolders in name order, hidden ones left out. */
static void ingest_dir(struct ingest_run *r, const char *path)
{
    struct dirent **list = NULL;
    int n = scandir(path, &list, NULL, by_name);
    if (n < 0) {
        cli_errorf("%s: %s", path, strerror(errno));
        r->n_failed++;
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *e = list[i]->d_name;
        if (e[0] != '.' && !r->fatal) {
            size_t len = strlen(path) + strlen(e) + 2;
            char *child = tally_xmalloc(len);
            snprintf(child, len, "%s%s%s", path, has_ext(path, "/") ? "" : "/", e);
            ingest_path(r, child, false);
            free(child);
        }
        free(list[i]);
    }
    free(list);
}

static void ingest_path(struct ingest_run *r, const char *path, bool explicit)
{
    struct stat st;
    if (strcmp(path, "-") != 0) {
        /* a symbolic link to a folder is not followed inside a walk: no loops */
        int rc = explicit ? stat(path, &st) : lstat(path, &st);
        if (rc != 0) {
            cli_errorf("%s: %s", path, strerror(errno));
            r->n_failed++;
            return;
        }
        if (S_ISDIR(st.st_mode)) {
            ingest_dir(r, path);
            return;
        }
        if (!S_ISREG(st.st_mode) || (!explicit && !is_document(path)))
            return;
    }
    bool is_stdin = strcmp(path, "-") == 0;
    const char *label = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        cli_errorf("%s: %s", path, strerror(errno));
        r->n_failed++;
        return;
    }
    bool feed = has_ext(path, ".jsonl");
    if (is_stdin) {
        int c;
        while ((c = getc(f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
            ;
        if (c != EOF)
            ungetc(c, f);
        feed = c == '{';
    }
    if (feed) {
        ingest_feed(r, f, label);
    } else {
        size_t len = 0;
        char *data = tally_slurp(f, FILE_MAX, &len);
        if (data == NULL) {
            cli_errorf("%s: %s", label, strerror(errno));
            r->n_failed++;
        } else {
            char *name = is_stdin ? tally_xstrdup("stdin") : tally_doc_name(path);
            tally_ingest_input in = {.data = data,
                                     .len = len,
                                     .name = name,
                                     .origin = label,
                                     .path = is_stdin ? NULL : path};
            ingest_one(r, &in);
            free(name);
            free(data);
        }
    }
    if (!is_stdin)
        fclose(f);
}

int cli_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"as", required_argument, NULL, 'a'},
                                             {"date", required_argument, NULL, 'd'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             CLI_MODEL_OPTIONS,
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct ingest_run r = {0};
    tally_learn_model *model = NULL;
    const char *db = NULL;
    bool quiet = false;
    tally_output unused = TALLY_OUTPUT_JSON; /* (ingest takes no --format) */
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        if (ch == 'D') {
            db = optarg;
        } else if (ch == 'd') {
            tally_date d;
            if (tally_date_parse(optarg, strlen(optarg), &d) != 0)
                return cli_usagef("ingest", "bad date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)", optarg);
            r.date = optarg;
        } else if (ch == 'q') {
            quiet = true;
        } else {
            int rc = cli_model_option("ingest", ch, &r.extract, &model);
            if (rc == CLI_UNHANDLED)
                rc = cli_common_option("ingest", ch, argv, &unused, &r.opts, cli_ingest_help);
            if (rc != CLI_CONTINUE) {
                tally_learn_model_free(model);
                return rc == CLI_UNHANDLED ? cli_usagef("ingest", "unknown option") : rc;
            }
        }
    }
    if (optind >= argc) {
        tally_learn_model_free(model);
        return cli_usagef("ingest", "no input: give files, folders, or - for stdin");
    }
    db = cli_db_path(db);
    tally_err err = {0};
    if (tally_store_open(db, TALLY_STORE_WRITE, &r.s, &err) != 0) {
        cli_errorf("%s", err.msg);
        tally_learn_model_free(model);
        return CLI_FAIL;
    }
    r.progress = isatty(STDERR_FILENO);
    for (int i = optind; i < argc && !r.fatal; i++)
        ingest_path(&r, argv[i], true);
    if (r.fatal)
        tally_store_rollback(r.s);
    else
        commit(&r);
    if (!r.fatal && r.n_claims > 0 && tally_store_analyze(r.s, &err) != 0)
        cli_warnf("%s", err.msg); /* queries still work, maybe slower */
    show_progress(&r, true);
    tally_store_close(r.s);
    tally_learn_model_free(model);
    if (!quiet)
        printf("%s: documents: %zu new, %zu unchanged, %zu replaced, %zu failed; claims: %zu "
               "stored\n",
               db, r.n_new, r.n_unchanged, r.n_replaced, r.n_failed, r.n_claims);
    if (fflush(stdout) != 0)
        r.fatal = true;
    return r.fatal || r.n_failed > 0 ? CLI_FAIL : CLI_OK;
}
