/* tally: presenting claims and estimates (stage 5). One writer per object,
 * shared by the command line and the server, so `tally claims --format
 * jsonl` and GET /api/claims print the same bytes; and the computations
 * both run (the claims and clusters a query sees, a series' estimates,
 * every series at once).
 *
 * Each output format (tally_output) has its writer here; the command line
 * only chooses. Writers append to a tally_buf and report overflow one way:
 * a buffer at its maximum refuses the rest and is marked full, which the
 * caller checks with tally_buf_full. A number that is NaN or infinite is
 * refused the same way (tally_buf_err): no format can hold one, and the
 * caller sends an error instead. May include the public headers of every
 * stage but the pipeline's. */
#ifndef TALLY_PRESENT_H
#define TALLY_PRESENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tally/claim.h"
#include "tally/doc.h"
#include "tally/estimate.h"
#include "tally/event.h"
#include "tally/event_check.h"
#include "tally/field.h"
#include "tally/figure.h"
#include "tally/learn.h"
#include "tally/mem.h"
#include "tally/number.h"
#include "tally/rank.h"
#include "tally/store.h"

/* ---- formats ------------------------------------------------------------------ */

/** The output formats of lists: a table for people, JSON (JSON Lines for a
 *  list; one object for an estimate) and CSV. A table fits 80 columns: long
 *  names are cut in their middle and the less needed columns left to JSON
 *  and CSV; the wide table (--wide) has every column, nothing cut. A writer
 *  that has no wide layout writes its table. */
typedef enum tally_output {
    TALLY_OUTPUT_TABLE,
    TALLY_OUTPUT_JSON,
    TALLY_OUTPUT_CSV,
    TALLY_OUTPUT_WIDE
} tally_output;

/** Parses "table", "jsonl" or "json", "csv"; returns -1 for another name
 *  (the wide table is chosen by --wide, not by name). */
int tally_output_parse(const char *name);
/** Whether `o` is one of the tables (TALLY_OUTPUT_TABLE or _WIDE). */
static inline bool tally_output_table(tally_output o)
{
    return o == TALLY_OUTPUT_TABLE || o == TALLY_OUTPUT_WIDE;
}

/** Appends `s` as a JSON string, or null when NULL or empty. */
void tally_present_str_or_null(tally_buf *l, const char *s);
/** Appends one CSV cell of `n` bytes, quoted when it holds a comma, a quote
 *  or a line break, then ',' or, for the `last` of its line, '\n'. A cell
 *  that a spreadsheet would evaluate as a formula, starting with '=', '+',
 *  '-', '@', a tab or CR (OWASP's rule for CSV injection), is quoted with an
 *  apostrophe first ("'=HYPERLINK(...)"), so that it shows as the text it
 *  is; a cell that is a number ("-5", "-2.5e-03") is left as it is, and a
 *  negative number stays a number. Every CSV cell of the project, the
 *  dashboard's download aside (web/app.js), is written here. */
void tally_present_csv_cell(tally_buf *b, const char *s, size_t n, bool last);
/** Appends one table cell: `n` bytes of `s` (cut at `trunc` when > 0)
 *  padded to |width| bytes (on the left when width > 0), then a space, or
 *  a newline for the `last` of its line (which is not padded on the right).
 *  A control character in `s` (ESC, a line break, ...) is shown as an escape
 *  (tally/visible.h), never passed to the terminal: widths count the
 *  escaped text. */
void tally_present_table_cell(tally_buf *b, const char *s, size_t n, int width, int trunc,
                              bool last);

/** `s` fitted to `width` bytes for a table: as it is when it fits, else its
 *  head and tail with "..." in the middle ("Institute for...e of War"),
 *  cut between UTF-8 characters; control characters count as the escapes
 *  a table shows for them (tally/visible.h). */
void tally_present_elide(const char *s, size_t width, char *buf, size_t size);

/* ---- claims ------------------------------------------------------------------ */

/** The fields of a claim are the model's (tally/field.h); `in` chooses the
 *  record: TALLY_IN_CLAIM (CLAIMS.md's fields: tally extract) or
 *  TALLY_IN_ROW (a stored claim: tally claims, GET /api/claims). */

/** The line before a list of claims in format `o`: the table's column
 *  heads or the CSV headings (nothing for JSON). */
void tally_present_claims_head(tally_buf *b, tally_output o, unsigned in);
/** One claim as a line of format `o` (a JSON object and a newline in JSON). */
void tally_present_claim(tally_buf *b, tally_output o, unsigned in, const tally_claim_row *r);
/** One claim as a JSON object with no newline; with `open` set the closing
 *  brace is left out, for more fields. A stored claim (TALLY_IN_ROW) has
 *  "figure_text" last: its figure for people (tally_present_claim_figure). */
void tally_present_claim_json(tally_buf *b, unsigned in, const tally_claim_row *r, bool open);
/** The claim's reasons (tally extract --explain) as ,"why":{...}: for each
 *  field the words that decided it and the rule's words. `text` is the
 *  block the claim came from, starting at byte `offset` of the body. */
void tally_present_claim_why(tally_buf *b, const tally_claim *c, const char *text, size_t offset);

/* ---- events (tally/event.h) ------------------------------------------------------- */

/** One learned decision as ,"KEY":{"p":...,"features":[[name, weight], ...]}
 *  (null when the model had no say): tally extract and tally events
 *  --explain. */
void tally_present_learn_decision(tally_buf *l, const char *key, const tally_learn_decision *d);
/** The line before a list of events in format `o`: the table's column
 *  heads or the CSV headings (nothing for JSON). */
void tally_present_events_head(tally_buf *b, tally_output o);
/** One event as a line of format `o`: EVENTS.md's fields in JSON (with
 *  "id", "url", "stated", "note" and "curated" for a stored one: `stored`),
 *  and with `explain` (JSON only) "why": each decision's probability and
 *  weightiest features; a table row; or CSV (id, doc, date, type, mode,
 *  context as "a;b", actor, recipient, about, aux, source, hedged, stated,
 *  url, curated, text, sentence). */
void tally_present_event(tally_buf *b, tally_output o, const tally_event_row *r, bool stored,
                         bool explain);

/** What tally check's event rules read (tally/event_check.h) of the stored
 *  events passing `f`: into *out (the caller frees it with free(); its
 *  strings live in `a`). Returns 0, or tally_store_events' error. */
int tally_present_event_facts(struct tally_store *s, const tally_event_filter *f, tally_arena *a,
                              tally_event_fact **out, size_t *n, tally_err *err) TALLY_MUST_CHECK;
/** tally check: one contradiction of events as a line of format `o`, in the
 *  columns of the claims' (tally_present_contradiction_line): JSON names
 *  "events" ([{id, doc}, ...]) where a claim's has "claims"; CSV writes
 *  the ids as "event:ID". */
void tally_present_event_contradiction_line(tally_buf *b, tally_output o,
                                            const tally_event_fact *ev,
                                            const tally_event_contradiction *x);

/* ---- documents and sources ------------------------------------------------------ */

/** tally docs: the line before the list, and one document, in format `o`. */
void tally_present_docs_head(tally_buf *b, tally_output o);
void tally_present_doc(tally_buf *b, tally_output o, const tally_doc_row *r);
/** The object of a source (tally sources --format jsonl, GET /api/sources). */
void tally_present_source(tally_buf *l, const tally_source_row *r);
/** tally sources: the line before the list, and one source as a line. */
void tally_present_sources_head(tally_buf *b, tally_output o);
void tally_present_source_line(tally_buf *b, tally_output o, const tally_source_row *r);

/* ---- the pieces of estimates ---------------------------------------------------- */

/** A day number as YYYY-MM-DD, or "-" for LONG_MIN. */
void tally_present_day(long day, char out[16]);
/** A claim's figure in words: "more than 10000 container", "7000-9000 round". */
void tally_present_figure(const tally_obs *o, char *buf, size_t size);
/** A stored claim's figure for people (tally/number.h): "more than 3 M
 *  rounds", "$1-2 bn"; the "figure_text" of the API's claims. */
void tally_present_claim_figure(const tally_claim *c, char *buf, size_t size);
/** A claim's source as written and, when it stands for another, whom:
 *  "Shin Won Sik = South Korean defence ministry", "INSS". */
void tally_present_source_words(const tally_obs *o, char *buf, size_t size);
/** "point", "lower bound", "upper bound" or "range". */
const char *tally_present_bound(tally_bound b);
/** How a point was derived: "counted", "x 400-480 a container (Shin Won-sik)", ... */
void tally_present_how(const tally_series_point *sp, char *buf, size_t size);

/* ---- what a query sees: claims, clusters and estimates ---------------------------- */

/** The claims passing a filter as observations, and their echo clusters. */
typedef struct tally_view {
    tally_obs_set obs;
    tally_clusters c;
} tally_view;

/** Loads the claims of `s` passing `f` (NULL: all), their sources'
 *  identities by `m` (may be NULL), and clusters them. Returns 0, or the
 *  error of tally_obs_load (TALLY_EUSAGE for a filter value that cannot
 *  match) with `err` set. Free with tally_view_free. */
int tally_view_load(tally_view *v, struct tally_store *s, const tally_model *m,
                    const tally_claim_filter *f, tally_err *err) TALLY_MUST_CHECK;
/** The view one series of `item` (one bit) in `unit` (NULL: its default)
 *  needs: the claims passing `f` of that item and of what converts into it
 *  (tally_obs_load_series), clustered; as tally_view_load otherwise. */
int tally_view_load_series(tally_view *v, struct tally_store *s, const tally_model *m,
                           const tally_claim_filter *f, uint32_t item, const char *unit,
                           tally_err *err) TALLY_MUST_CHECK;
/** Frees the view; accepts one that failed to load. */
void tally_view_free(tally_view *v);

/** One series estimated: its points, the days asked and their quantiles. */
typedef struct tally_estimate {
    tally_series series;
    long *days;
    tally_quantiles *q; /* q[i] is for days[i] */
    size_t n_days;
    tally_fit_info info;
} tally_estimate;

/** How many months past the last evidence a monthly series goes on (the
 *  recent rate carried on, each such month flagged extrapolated). */
enum { TALLY_OUTLOOK_MONTHS = 6 };

/** Estimates what `supplier` (alpha-3) sent `recipient` of `item` (one item
 *  bit) in `unit` (NULL: the series' default unit) from the clusters of `v`,
 *  at `at` (NULL: on the first day of each month from the series' start to
 *  TALLY_OUTLOOK_MONTHS after its last point, and on its last point's day),
 *  with `draws` Monte Carlo draws. Returns 0;
 *  TALLY_ENOTFOUND with `err` saying so when no claim counts for the series
 *  (`known_by`, which may be NULL, only words that message); or the error of
 *  tally_reconcile. Free `out` with tally_estimate_free in every case. */
int tally_view_estimate(const tally_view *v, const tally_model *m, const char *supplier,
                        const char *recipient, uint32_t item, const char *unit,
                        const tally_date *at, const char *known_by, unsigned draws,
                        tally_estimate *out, tally_err *err) TALLY_MUST_CHECK;
void tally_estimate_free(tally_estimate *e);

/** One series of tally_view_flows: every pair of states and item with a
 *  claim that counts for it, in its default unit. Its points' cluster
 *  numbers are the flow's own (tally_view_estimate gives the view's). */
typedef struct tally_flow {
    const tally_series *series;
    const char *item;     /* the item's slug */
    long day;             /* the day estimated */
    tally_quantiles q;    /* when rc == 0 */
    tally_fit_info info;  /* when rc == 0 */
    int rc;               /* 0, or tally_reconcile's error */
    const tally_err *err; /* its message when rc != 0 */
} tally_flow;

/** Calls `fn` for each series of `v` (by supplier, recipient, then item),
 *  estimated at `at` (NULL: at its last point), with `draws` draws. When
 *  `estimate` is false nothing is reconciled (rc 0, q all 0): the list of
 *  series alone. Returns the number of series estimated. */
size_t tally_view_flows(const tally_view *v, const tally_model *m, const tally_date *at,
                        unsigned draws, bool estimate, void (*fn)(const tally_flow *fl, void *user),
                        void *user);

/** The words of one point of a series estimated from `v`: its cluster, the
 *  cluster's lead claim, the day, the lead's figure and how it was derived
 *  (tally estimate's table, its JSON, the report). */
typedef struct tally_point_words {
    const tally_cluster *cluster;
    const tally_obs *lead;
    char day[16], figure[96], how[160];
} tally_point_words;
void tally_present_point_words(const tally_view *v, const tally_series_point *sp,
                               tally_point_words *w);

/** A series' headline, in words, in three parts that each fit 80 columns
 *  (the command line prints them a line each, the report and the dashboard
 *  as one paragraph):
 *    number: "9.33 M rounds by 2024-10-31" (and ", extrapolated since
 *            2024-03-31" after the last evidence);
 *    range:  "50 % likely 6.1-12.4 M rounds, 90 % likely 4.2-20 M rounds";
 *    backing: "from 5 independent sources in 21 clusters" (sources told
 *            apart as the estimate tells them: one bias each). */
typedef struct tally_headline {
    char number[160], range[2 * TALLY_NUM_TEXT_MAX + 40], backing[96];
    char median[TALLY_NUM_TEXT_MAX]; /* number's parts: "9.33 M rounds", */
    char day[16], since[16];         /* "2024-10-31", "" or "2024-03-31" */
    size_t sources;                  /* the independent sources behind it */
} tally_headline;
/** The headline of series `s` estimated `q`, whose last evidence is `last`. */
void tally_present_headline(const tally_series *s, const tally_quantiles *q, long last,
                            tally_headline *h);
/** The quantiles of `e` its headline is about: the one day asked for (--at),
 *  else the last evidence's day, else the last day not extrapolated. */
const tally_quantiles *tally_present_headline_day(const tally_estimate *e);

/** Why a series starts when it does: "the earliest \"since\" (ROK Defense
 *  Intelligence Agency: more-than 13000 container since 2022-07-01)" or
 *  "no claim says since when: the day before the first evidence". */
void tally_present_start_words(const tally_view *v, const tally_series *s, char *buf, size_t size);
/** What the estimate followed in a conflict: "followed the lower bound of US
 *  State Department (more-than 10000 container, 2024-02-23, B) over Shin
 *  Won-sik (about 6700 container, 2024-02-26, B): not better graded". */
void tally_present_conflict_words(const tally_view *v, const tally_series *s,
                                  const tally_conflict *c, char *buf, size_t size);
/** The words of an estimate's extra findings, one line each (without the
 *  newline), into `fn`: the last evidence and the rate carried on after it,
 *  the widening for disagreement, each conflict. */
void tally_present_estimate_notes(const tally_view *v, const tally_estimate *e,
                                  void (*fn)(const char *line, void *user), void *user);

/* ---- the objects of estimates ----------------------------------------------------- */

/** The object of `tally estimate ... --format json`. With `refs` set each
 *  point also names its cluster's "lead" claim and the cluster's number
 *  (GET /api/series). */
void tally_present_estimate(tally_buf *b, const tally_view *v, const tally_estimate *e,
                            const char *known_by, bool refs);
/** The object of a cluster (tally clusters --format jsonl); `number` counts from 1. */
void tally_present_cluster(tally_buf *b, const tally_view *v, size_t number);
/** What the words of a contradiction are written from: the model (each
 *  claim's grade), the observations it names and the store they came from
 *  (each claim's document: outlet, title, date and URL). */
typedef struct tally_contra_ctx {
    const tally_model *m;
    const tally_obs *obs;
    struct tally_store *s; /* NULL: documents by their names only */
} tally_contra_ctx;

/** A claim's document as people name it: its outlet, title, date and URL
 *  from the store `s`; when `s` is NULL, or the claim is not found, or the
 *  store has no outlet or title, the document's name stands for them. */
typedef struct tally_doc_ref {
    char outlet[128], title[256], date[16], url[512];
} tally_doc_ref;
void tally_present_doc_ref(struct tally_store *s, const tally_obs *o, tally_doc_ref *d);
/** The grade of the source of `o` (data/grades.tsv, 'A'..'F'), as the
 *  estimate weighs it; '?' when `m` is NULL. */
char tally_present_grade(const tally_model *m, const tally_obs *o);

/** A contradiction as an analyst would write it: a title ("A total below
 *  an earlier lower bound") and sentences naming both claims' sources,
 *  grades, figures, dates and outlets, what the estimate follows and why
 *  (or, for the rules that do not bear on one estimate, what to check). */
typedef struct tally_contra_words {
    char title[96];
    char sentence[2048];
} tally_contra_words;
void tally_present_contradiction_words(const tally_contra_ctx *cx, const tally_contradiction *x,
                                       tally_contra_words *w);
/** The object of a contradiction (tally check --format jsonl): the rule,
 *  its words ("title", "sentence"), the technical "why", the claim it
 *  "follows" (an id, or null), and its claims, each with its grade and its
 *  document's outlet, title, date and URL. */
void tally_present_contradiction(tally_buf *b, const tally_contra_ctx *cx,
                                 const tally_contradiction *x);
/** The object of a flow (tally estimate --all --format json, GET /api/flows);
 *  with `estimate` false only supplier, recipient, item, unit and clusters. */
void tally_present_flow(tally_buf *b, const tally_flow *fl, bool estimate);

/** tally backtest: what it found over all the totals. */
typedef struct tally_backtest_summary {
    const char *cutoff; /* as given */
    size_t totals, estimated, in50, in90;
    double median_abs_log_error;
} tally_backtest_summary;
/** tally backtest: the line before the list, one total as a line (the
 *  object of a total in JSON), and the summary after them (in a table with
 *  `misses`, the lines of the totals the 90 % interval missed, which may be
 *  NULL). */
void tally_present_backtest_head(tally_buf *b, tally_output o);
void tally_present_backtest_line(tally_buf *b, tally_output o, const tally_obs *obs,
                                 const tally_backtest_case *c);
void tally_present_backtest_tail(tally_buf *b, tally_output o, const tally_backtest_summary *s,
                                 const tally_buf *misses);

/* ---- the lines of the estimate commands, in each format ---------------------------------- */

/** tally clusters: the line before the list, and one cluster (numbered
 *  from 1) as a line. */
void tally_present_clusters_head(tally_buf *b, tally_output o);
void tally_present_cluster_line(tally_buf *b, tally_output o, const tally_view *v, size_t number);
/** tally check: the line before the list, one contradiction as a line, and
 *  the summary after them (`n` found among `claims`). */
void tally_present_contradictions_head(tally_buf *b, tally_output o);
void tally_present_contradiction_line(tally_buf *b, tally_output o, const tally_contra_ctx *cx,
                                      const tally_contradiction *x);
void tally_present_contradictions_tail(tally_buf *b, tally_output o, size_t n, size_t claims);
/** tally estimate: one series estimated (a table with its clusters, the
 *  JSON object, or CSV of its dates and quantiles). */
void tally_present_estimate_out(tally_buf *b, tally_output o, const tally_view *v,
                                const tally_estimate *e, const char *known_by);
/** tally estimate --all: the line before the list, one flow as a line, and
 *  the summary after them. */
void tally_present_flows_head(tally_buf *b, tally_output o);
void tally_present_flow_line(tally_buf *b, tally_output o, const tally_flow *fl);
void tally_present_flows_tail(tally_buf *b, tally_output o, size_t series, const tally_view *v);

/* ---- figures as the scanner finds them (tally figures) ----------------------------------- */

/** The line before a list of figures, and one figure of block `bl` of
 *  document `doc` as a line. */
void tally_present_figures_head(tally_buf *b, tally_output o);
void tally_present_figure_line(tally_buf *b, tally_output o, const char *doc, const tally_block *bl,
                               const tally_figure *f);

/* ---- the HTML report ------------------------------------------------------------------ */

/** Appends `n` bytes of `s` escaped for HTML text and quoted attribute
 *  values (& < > " ' as entities). Returns 0, or TALLY_ELIMIT when `b` is
 *  full (it then holds a prefix of the escaped text). */
int tally_present_html(tally_buf *b, const char *s, size_t n);

/** What tally_report_html reports on. */
typedef struct tally_report_opts {
    const tally_date *at; /* the day of the headline estimates; NULL: each series' last claim */
    const char *known_by; /* the view's known_by filter, for the words; may be NULL */
    const char *db;       /* the database's name, for the title; may be NULL */
    unsigned draws;       /* Monte Carlo draws (0: as many as needed, at most 2000) */
    const tally_prices *prices; /* for the first section, who gives the most (tally_rank);
                                   NULL: no such section */
} tally_report_opts;

/** Appends one self-contained HTML page (tally report): first, when
 *  `o->prices` is given, who gives the state that receives from the most
 *  partners the most, in words (tally_rank by value at `o->at`, else at the
 *  last claim: each partner's rank with its probability and interval, the
 *  partners not ranked and the parts not priced); then every series of
 *  `v` as tally_view_flows lists them, each with its estimate at `o->at`
 *  (that of tally estimate --all), an inline SVG chart of its monthly
 *  series (tally_view_estimate) and the clusters that drive it; then the
 *  contradictions (tally_check), the sources and the documents of `s` with
 *  their URLs. No scripts, no external requests: CSS in a <style>, charts
 *  as SVG, links only to documents' http(s) URLs. Returns 0; TALLY_ELIMIT
 *  when `b` reached its maximum; TALLY_EINPUT when a number to draw or
 *  print is NaN or infinite; or the error of tally_store_docs or
 *  tally_store_sources, with `err` set. */
int tally_report_html(tally_buf *b, struct tally_store *s, const tally_view *v,
                      const tally_model *m, const tally_report_opts *o,
                      tally_err *err) TALLY_MUST_CHECK;
/** The report's "relations" section (src/present/report_relations.c): for
 *  each pair of states of the claims of `v`, the stored events between
 *  them either way, by date (those stated by `known_by` when not NULL).
 *  Returns 0 or tally_store_events' error with `err` set; `b` is marked
 *  full when it reached its maximum. */
int tally_report_relations(tally_buf *b, struct tally_store *s, const tally_view *v,
                           const char *known_by, tally_err *err) TALLY_MUST_CHECK;

/** The page of terms and method: each term the dashboard, the report and
 *  tally check use, with an id to link to ("/method#term-cluster", "#term-grade",
 *  "#grade-B", "#term-lower-bound", "#unit-round"), the grades of `m` with what
 *  they mean and which sources get them, its conversion factors with their
 *  sources, and how an estimate is made. `standalone`: a whole page, styled
 *  by the dashboard's stylesheet (tally serve's /method); else one
 *  <section id="method"> (the report's last). */
void tally_present_method_html(tally_buf *b, const tally_model *m, bool standalone);

/* ---- parameters ---------------------------------------------------------------------- */

/** A state given as alpha-3 (any case) or a name the actor table knows
 *  ("North Korea"): its code in `out`, or NULL. */
const char *tally_present_state_code(const char *v, char out[4]);
/** A party of an event (tally/event.h): a state as tally_present_state_code
 *  reads it, or the code of the Soviet Union or a body in any case ("unga"
 *  -> "UNGA"; tally_party_other): its code in `out`, or NULL. */
const char *tally_present_party_code(const char *v, char out[TALLY_PARTY_MAX]);

/** tally rank: the ranking `r` as a table (partners by rank with their
 *  intervals, the odds of each rank and each one's parts; then the partners
 *  not ranked and why), JSON Lines (one object a partner, with its parts)
 *  or CSV (one row a partner). */
void tally_present_ranking(tally_buf *b, tally_output o, const tally_ranking *r);

#endif
