/* tally command line: shared helpers for the subcommands.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#ifndef TALLY_CLI_H
#define TALLY_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "tally/doc.h"
#include "tally/err.h"
#include "tally/estimate.h"
#include "tally/extract.h"
#include "tally/fetch.h"
#include "tally/ingest.h"
#include "tally/present.h"
#include "tally/store.h"
#include "tally/when.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2, CLI_CONTINUE = -1, CLI_UNHANDLED = -2 };

struct cli_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    void (*help)(FILE *out);
};

/** Messages to stderr: "tally: error: ...", "tally: warning: ...". */
void cli_errorf(const char *fmt, ...) TALLY_PRINTF(1, 2);
void cli_warnf(const char *fmt, ...) TALLY_PRINTF(1, 2);
/** The same written to `to` (a worker's messages, shown later in order). */
void cli_errorf_to(FILE *to, const char *fmt, ...) TALLY_PRINTF(2, 3);
void cli_warnf_to(FILE *to, const char *fmt, ...) TALLY_PRINTF(2, 3);
/** printf to stdout for a line of a summary or table that holds names or
 *  paths: the formatted text with its control characters shown
 *  (tally/visible.h), so that none acts on the terminal and a newline in a
 *  name cannot split the line; a final newline ends the line as usual. */
void cli_printf(const char *fmt, ...) TALLY_PRINTF(1, 2);
/** "tally CMD: ..." usage error with a hint to --help; returns CLI_USAGE. */
int cli_usagef(const char *cmd, const char *fmt, ...) TALLY_PRINTF(2, 3);

/** The output formats a command takes (bits of tally_output). */
enum {
    CLI_TABLE = 1u << TALLY_OUTPUT_TABLE,
    CLI_JSON = 1u << TALLY_OUTPUT_JSON,
    CLI_CSV = 1u << TALLY_OUTPUT_CSV
};
/** Parses -f/--format `arg` into *out when it names one of the `allowed`
 *  formats: CLI_CONTINUE, or CLI_USAGE with a message listing them. */
int cli_format_option(const char *cmd, const char *arg, unsigned allowed, tally_output *out);

/** --wide, for the commands whose table has a wide layout (claims, docs,
 *  events, rank); cli_wide applies it once the options are read. */
#define CLI_WIDE_OPTION                                                                            \
    {                                                                                              \
        "wide", no_argument, NULL, 'W'                                                             \
    }
/** Turns *fmt into TALLY_OUTPUT_WIDE when `wide` is set: CLI_CONTINUE, or
 *  CLI_USAGE when the format is not the table. */
int cli_wide(const char *cmd, bool wide, tally_output *fmt);

/** Handles an option every document command takes: -f/--format jsonl|table
 *  ('f'), --as txt|md|html ('a'), -h/--help ('h'), and getopt_long's ':' and
 *  '?'. Returns CLI_CONTINUE when parsing goes on, CLI_OK or CLI_USAGE when
 *  the command must return that, or CLI_UNHANDLED for an option of the
 *  command's own. */
int cli_common_option(const char *cmd, int ch, char **argv, tally_output *out, tally_doc_opts *opts,
                      void (*help)(FILE *out));

/** Writes what the writers put in `b` to stdout and empties it; CLI_FAIL
 *  with a message, and nothing written, when `b` overflowed
 *  (tally_buf_full) or a writer refused a number that is NaN or infinite
 *  (tally_buf_err). */
int cli_write(tally_buf *b);
/** The same to `out`, with its message to `err`. */
int cli_write_to(FILE *out, FILE *err, tally_buf *b);

/** Reads each input (a path, or "-" for stdin) with `h`; messages name the
 *  input. `h->user` is passed through; `on_start` (may be NULL) is called with
 *  the path before each input. Returns CLI_OK, or CLI_FAIL when any input
 *  failed (the others are still read). */
int cli_read_inputs(char **paths, int n, const tally_doc_opts *opts, const tally_doc_handler *h,
                    void (*on_start)(const char *path, void *user));
/** Reads one input as cli_read_inputs does, its messages to `msgs`. */
int cli_read_input(const char *path, const tally_doc_opts *opts, const tally_doc_handler *h,
                   FILE *msgs);

/** Whether the input at `path` (not "-") is a regular file (links
 *  followed), found with stat() and never opened: opening a FIFO blocks.
 *  CLI_OK; else CLI_FAIL with a message naming what it is instead (a FIFO,
 *  a device, a socket, a folder) or why it cannot be read. */
int cli_check_regular(const char *path);
/** The same for a file of mode `m` (from stat()). */
int cli_check_mode(const char *path, unsigned m);
/** What a file of mode `m` is, for messages: "a FIFO (named pipe)", "a
 *  character device", ...; "a regular file" for one. */
const char *cli_file_kind(unsigned m);

/** Warns that `n` sentences of `label` (a file) were longer than
 *  TALLY_SENTENCE_MAX and read in pieces; nothing when `n` is 0. */
void cli_warn_cut_sentences(const char *label, size_t n);
void cli_warn_cut_sentences_to(FILE *err, const char *label, size_t n);

/** The database to use: `given` (--db), else $TALLY_DB, else "tally.db". */
const char *cli_db_path(const char *given);

/** Opens the existing database `db` (NULL: cli_db_path); reports failure. */
int cli_open_db(const char *db, struct tally_store **s);
/** Reports a store that failed to open: prints err's message; returns the
 *  exit status, CLI_USAGE (2) for a server that cannot be used. */
int cli_store_failed(const tally_err *err);

/** The database, the model (factors and grades) and the view of the claims
 *  passing `f` (NULL: all), as the estimate commands load them. */
struct cli_loaded {
    struct tally_store *s;
    tally_model m;
    tally_view v;
};
/** Loads `l` (db, factors, grades may be NULL: the defaults); reports
 *  failure. Returns CLI_OK, CLI_FAIL, or CLI_USAGE for a filter value that
 *  cannot match. Free with cli_unload after CLI_OK. */
int cli_load(const char *db, const char *factors, const char *grades, const tally_claim_filter *f,
             struct cli_loaded *l);
/** cli_load with only what a series of `item` (one bit; 0: everything) in
 *  `unit` (NULL: its default) needs (tally_view_load_series). */
int cli_load_series(const char *db, const char *factors, const char *grades,
                    const tally_claim_filter *f, uint32_t item, const char *unit,
                    struct cli_loaded *l);
void cli_unload(struct cli_loaded *l);
/** Parses --draws N (100 to 1000000) into *draws: CLI_CONTINUE, or CLI_USAGE
 *  with a message. */
int cli_draws_option(const char *cmd, const char *arg, unsigned *draws);
/** The options of the commands that estimate (estimate, clusters, check,
 *  rank, backtest): -D --db, -F --factors, -G --grades, -f --format
 *  (table, jsonl or csv), -N --draws (0: adaptive) and -h --help. */
struct cli_est_opts {
    const char *db, *factors, *grades;
    tally_output format;
    unsigned draws;
    bool wide; /* --wide (-W), for a command that lists CLI_WIDE_OPTION */
};
/** Handles getopt's `ch` if it is one of those (`help` prints the command's
 *  help): CLI_CONTINUE, CLI_OK after the help, CLI_USAGE with a message, or
 *  what cli_getopt_error says of any other `ch` (CLI_UNHANDLED for an
 *  option of the command's own). */
int cli_est_option(const char *cmd, int ch, char **argv, struct cli_est_opts *o,
                   void (*help)(FILE *));
/** Parses --at DATE (NULL: none) into *d: CLI_CONTINUE, or CLI_USAGE. */
int cli_at_option(const char *cmd, const char *arg, tally_date *d);
/** Flushes stdout: `status`, or CLI_FAIL with a message when writing failed. */
int cli_done(int status);

/** The filters of the commands that read claims (claims, clusters, check):
 *  options for getopt_long, and their handling. */
/* clang-format off */
#define CLI_FILTER_OPTIONS                                                                         \
    {"supplier", required_argument, NULL, 'S'}, {"recipient", required_argument, NULL, 'R'},     \
    {"item", required_argument, NULL, 'I'},     {"kind", required_argument, NULL, 'K'},          \
    {"source", required_argument, NULL, 'O'},   {"since", required_argument, NULL, 's'},         \
    {"until", required_argument, NULL, 'u'},    {"doc", required_argument, NULL, 'c'},           \
    {"known-by", required_argument, NULL, 'k'}, {"limit", required_argument, NULL, 'n'},        \
    {"unit", required_argument, NULL, 'T'}
/* clang-format on */
struct cli_states {
    char supplier[4], recipient[4]; /* storage for the codes of --supplier, --recipient */
};
/** Handles one filter option into `f`: CLI_CONTINUE, CLI_USAGE, or
 *  CLI_UNHANDLED for an option that is not a filter. */
int cli_filter_option(const char *cmd, int ch, tally_claim_filter *f, struct cli_states *st);

/** The options choosing the extractor's learned model (tally extract and
 *  ingest): --model FILE, --no-model, and the threads extraction may use,
 *  --jobs N (tally_extract_opts.threads: documents on N workers, a document
 *  read alone with its decisions on a second thread); and their help lines. */
#define CLI_MODEL_OPTIONS                                                                          \
    {"model", required_argument, NULL, 'M'}, {"no-model", no_argument, NULL, 'N'},                 \
    {                                                                                              \
        "jobs", required_argument, NULL, 'J'                                                       \
    }
#define CLI_MODEL_HELP                                                                             \
    "      --model MODEL the decisions of MODEL (tally train -o) instead of the\n"                 \
    "                    bundled model\n"                                                          \
    "      --no-model    the rules' claims as they are, no learned decisions\n"                    \
    "      --jobs N      threads to use (default: the number of cores): documents\n"               \
    "                    up to 1 MiB are read and extracted N at a time, their\n"                  \
    "                    results written in order; a larger one is read alone,\n"                  \
    "                    its model's decisions on a second thread. The output is\n"                \
    "                    the same for any N\n"
/** Handles --model ('M', loading the file into *model, which the caller
 *  frees with tally_learn_model_free), --no-model ('N') and --jobs ('J')
 *  into `o`: CLI_CONTINUE, CLI_FAIL (a model that cannot be read),
 *  CLI_USAGE (a bad --jobs), or CLI_UNHANDLED for another option. */
int cli_model_option(const char *cmd, int ch, tally_extract_opts *o, tally_learn_model **model);
/** The options of the commands that read documents and extract from them
 *  (tally extract, tally events): --date ('d', the date of documents that
 *  give none, into *fallback), --explain ('e') and those of
 *  cli_model_option; returns as cli_model_option does. */
int cli_reading_option(const char *cmd, int ch, tally_date *fallback, bool *explain,
                       tally_extract_opts *o, tally_learn_model **model);

/** getopt_long's ':' (a missing value) and '?' (an unknown option) as a
 *  usage error naming the option; CLI_UNHANDLED for any other `ch`. */
int cli_getopt_error(const char *cmd, int ch, char **argv);

/** tally ingest's run, shared with tally fetch: documents go into the
 *  database in batches, and the summary counts what was committed. */
/* What was read, and what the summary says: only what was committed. The
 * documents of a batch are counted when it commits; a batch that does not
 * (a full disk, a failing database) counts them as failed. */
struct cli_ingest_run {
    tally_store *s;
    const char *db; /* its path, for the summary */
    tally_doc_opts opts;
    tally_extract_opts extract;
    const char *date;
    size_t n_new, n_unchanged, n_replaced, n_failed, n_claims, n_events; /* committed */
    size_t b_new, b_replaced, b_claims, b_events; /* in the open batch, not committed yet */
    bool no_events;                               /* claims only (--no-events) */
    const char *b_first;                          /* the batch's first document, for messages */
    char *b_first_copy;
    size_t batch_docs, batch_bytes;
    double batch_start, last_progress;
    bool progress, in_tx, fatal;
    struct tally_pool *pool; /* documents extracted on workers (--jobs N > 1), else NULL */
    /* the bytes of the documents handed to the pool and not stored yet, and
     * how many it may hold (SIZE_MAX: no bound but the pool's depth) */
    size_t queued_bytes, queue_budget;
    /* worker i's own read-only handle on the database, for whether a
     * document is stored already (NULL: none; extracted anyway) */
    tally_store **hints;
    bool *yielded; /* worker i has lowered its priority (its own to write) */
    unsigned n_hints;
    /* a server (tally_store_many_writers): each worker stores what it
     * extracts, on a connection of its own (cli_ingest.c); else NULL */
    struct cli_writers *writers;
    /* SQLite with workers: the write-ahead log copied into the database on
     * a thread of its own after each commit (cli_ingest.c); else NULL */
    struct cli_checkpointer *checkpointer;
};

/** Opens the database `db` (NULL: cli_db_path) for `r` (zeroed, bar its
 *  options: opts, extract, date): CLI_OK, or CLI_FAIL with a message. */
int cli_ingest_start(struct cli_ingest_run *r, const char *db);
/** Ingests one document: at once, or handed to r->pool and stored in the
 *  order given by a later call or cli_ingest_finish; reports a failure and
 *  counts the outcome. */
void cli_ingest_doc(struct cli_ingest_run *r, tally_ingest_input *in);
/** Commits the last batch, closes the database and prints the summary
 *  unless `quiet`: CLI_OK, or CLI_FAIL when any document failed. */
int cli_ingest_finish(struct cli_ingest_run *r, bool quiet);

/** What tally fetch and tally watch share (cli_fetch.c): one fetcher, one
 *  ingest run, and the counts of the pages. */
struct cli_web_names {
    char **v; /* the names given in this run, so that two pages never save to one file */
    size_t n;
};
struct cli_web_run {
    const char *cmd; /* "fetch", "watch": in messages */
    struct cli_ingest_run r;
    tally_fetcher *f;
    const char *save_dir;
    size_t max_bytes;
    struct cli_web_names names;
    size_t fetched, not_modified, failed, bytes, pending;
    bool progress; /* a progress line on stderr (a terminal) */
};
/** The URLs of a file (one a line, blank lines and # comments left out; -
 *  for stdin), appended to *urls (owned): CLI_OK, or CLI_FAIL with a
 *  message. */
int cli_read_urls(const char *path, char ***urls, size_t *n);
/** Takes an option the two commands share (getopt's `ch`: 's' --save, 't'
 *  --timeout, 'm' --max-size, 'r' --retries, 'w' --delay): CLI_OK,
 *  CLI_USAGE with a message, or CLI_UNHANDLED for another. */
int cli_web_option(struct cli_web_run *w, int ch, const char *arg, tally_fetch_opts *fo);
/** Opens the fetcher and the database: CLI_OK, or CLI_FAIL with a message. */
int cli_web_start(struct cli_web_run *w, const tally_fetch_opts *fo, const char *db);
/** Downloads `url` with the validators stored for it: CLI_OK with `page`
 *  set (free it), else CLI_FAIL, the failure named (not counted). */
int cli_web_get(struct cli_web_run *w, const char *url, tally_page *page);
/** Names a failure of `url` on stderr (its public form) with `why`. */
void cli_web_failed(struct cli_web_run *w, const char *url, const char *why);
/** Downloads the page at `url` and ingests it (a 304 counts as not
 *  modified), keeping its raw bytes and validators beside the document;
 *  `item` (may be NULL), the feed's item that linked it, gives the title
 *  and date the page lacks. CLI_OK, or CLI_FAIL when it failed (named and
 *  counted). */
int cli_web_page(struct cli_web_run *w, const char *url, const tally_feed_item *item);
/** Prints the pages' summary, finishes the ingest (its summary) and closes
 *  the fetcher: CLI_OK, or CLI_FAIL when anything failed. */
int cli_web_finish(struct cli_web_run *w, bool quiet);

/** Subcommands. */
int cli_figures(int argc, char **argv);
void cli_figures_help(FILE *out);
int cli_extract(int argc, char **argv);
void cli_extract_help(FILE *out);
int cli_events(int argc, char **argv);
void cli_events_help(FILE *out);
int cli_ingest(int argc, char **argv);
void cli_ingest_help(FILE *out);
int cli_import(int argc, char **argv);
void cli_import_help(FILE *out);
int cli_copy(int argc, char **argv);
void cli_copy_help(FILE *out);
int cli_claims(int argc, char **argv);
void cli_claims_help(FILE *out);
int cli_docs(int argc, char **argv);
void cli_docs_help(FILE *out);
int cli_sources(int argc, char **argv);
void cli_sources_help(FILE *out);
int cli_clusters(int argc, char **argv);
void cli_clusters_help(FILE *out);
int cli_estimate(int argc, char **argv);
void cli_estimate_help(FILE *out);
int cli_check(int argc, char **argv);
void cli_check_help(FILE *out);
int cli_serve(int argc, char **argv);
void cli_serve_help(FILE *out);
int cli_report(int argc, char **argv);
void cli_report_help(FILE *out);
int cli_backtest(int argc, char **argv);
int cli_rank(int argc, char **argv);
void cli_rank_help(FILE *out);
void cli_backtest_help(FILE *out);
int cli_fetch(int argc, char **argv);
void cli_fetch_help(FILE *out);
int cli_watch(int argc, char **argv);
void cli_watch_help(FILE *out);
int cli_train(int argc, char **argv);
void cli_train_help(FILE *out);
int cli_score(int argc, char **argv);
void cli_score_help(FILE *out);

#endif
