/* tally train: the learned layer's models from annotated documents, with
 * cross-validation by document; tally score: claims scored against gold
 * claims, the report of ../shared/tools/score-claims. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tally/json.h"
#include "tally/learn.h"
#include "tally/mem.h"
#include "tally/present.h"
#include "tally/score.h"

void cli_train_help(FILE *out)
{
    fputs("Usage: tally train [-o MODEL] [--folds K] [--seed N] [--c C] [--threshold P]\n"
          "                   [--min-f1 X] CORPUS_DIR...\n"
          "\n"
          "Trains the extractor's learned decisions (is a figure an in-scope claim, its\n"
          "kind, its source, its supplier and recipient) from annotated documents: each\n"
          "NAME.txt of the folders with NAME.gold.jsonl beside it, claims in the format\n"
          "of CLAIMS.md. With --folds K it first cross-validates by document (K folds,\n"
          "shuffled with a fixed seed) and prints each fold's held-out F1 and their mean,\n"
          "and the attribute accuracy over the folds: the estimate of how extraction\n"
          "does on articles it has never seen. Then it trains on every document and\n"
          "writes the model, which `tally extract --model MODEL` and `tally ingest\n"
          "--model MODEL` use. The same files and options give the same model.\n"
          "\n"
          "A broken gold line, a gold file without its text or a text without gold, an\n"
          "unknown unit, kind or item is reported as FILE:LINE: reason and left out;\n"
          "training goes on with the rest (the exit status is then 1).\n"
          "\n"
          "Options:\n"
          "  -o, --output MODEL  write the model there (- for stdout; the report then\n"
          "                      goes to stderr); without it nothing is written\n"
          "  -k, --folds K       cross-validate with K folds first (2 to 100)\n"
          "      --seed N        the folds' shuffle (default 1)\n"
          "      --c C           inverse regularisation of every regression (default:\n"
          "                      each its own, 0.1 for scope and the rankings, 1 for kind)\n"
          "      --threshold P   the probability a candidate needs to be a claim\n"
          "                      (default 0.4, chosen by cross-validation)\n"
          "      --min-f1 X      exit 1 when the cross-validated mean F1 is below X\n"
          "      --predictions FILE  write the claims each fold predicts on its held-out\n"
          "                      documents (JSON Lines; score them with tally score)\n"
          "      --events        train the event coder instead: NAME.events.jsonl beside\n"
          "                      each text (EVENTS.md), scored as score-events scores;\n"
          "                      --threshold is then the probability an event's type\n"
          "                      needs; the model is tally events --model's\n"
          "      --docs          with --events and --folds: each document's held-out\n"
          "                      gold, predicted and matched events\n"
          "      --gaps          list what no decision can get right: gold claims no\n"
          "                      candidate matches, and sources and states that none of\n"
          "                      a candidate's options gives (what the rules miss)\n"
          "  -h, --help          show this help\n",
          out);
}

void cli_score_help(FILE *out)
{
    fputs("Usage: tally score [--docs] [--min-f1 X] CORPUS_DIR PREDICTIONS\n"
          "\n"
          "Scores predicted claims (JSON Lines, one claim a line with its \"doc\"; or a\n"
          "folder of NAME.jsonl; or - for stdin) against the gold claims of\n"
          "CORPUS_DIR (NAME.txt and NAME.gold.jsonl) as ../shared/tools/score-claims\n"
          "does, and prints the same report: attribute accuracy over matched claims,\n"
          "then the headline (claims F1, precision, recall, strict share). A\n"
          "prediction matches a gold claim of its document when their sentences\n"
          "overlap, their units agree and their values agree within 0.5 %.\n"
          "\n"
          "Options:\n"
          "      --docs      also print a line per document\n"
          "      --min-f1 X  exit 1 when the claims F1 is below X\n"
          "  -h, --help      show this help\n",
          out);
}

static void on_warning(void *user, const char *msg)
{
    (void)user;
    cli_warnf("%s", msg);
}

static void on_gap(void *user, const char *doc, const char *what, const tally_score_claim *g)
{
    (void)user;
    printf("gap: %s: %s: \"%s\" %s %s; source %s; %s -> %s | %s\n", doc, what,
           g->unit ? g->unit : "", g->kind ? g->kind : "", g->items ? g->items : "",
           g->source ? g->source : "null", g->supplier ? g->supplier : "null",
           g->recipient ? g->recipient : "null", g->sentence ? g->sentence : "");
}

/* --predictions: a held-out claim `c` or event `e` as a JSON line of `f`,
 * with its sentence and text cut from `body` */
static void write_heldout(FILE *f, const char *doc, const tally_claim *c, const tally_event *e,
                          const char *body)
{
    size_t s0 = c != NULL ? c->sentence_start : e->sentence_start;
    size_t s1 = c != NULL ? c->sentence_end : e->sentence_end;
    size_t t0 = c != NULL ? c->start : e->start, t1 = c != NULL ? c->end : e->end;
    tally_buf l;
    tally_buf_init(&l, (size_t)1 << 24);
    if (c != NULL) {
        tally_claim_row r = {.claim = *c, .doc = doc};
        r.sentence = body + s0;
        r.sentence_len = s1 - s0;
        r.text = body + t0;
        r.text_len = t1 - t0;
        tally_present_claim(&l, TALLY_OUTPUT_JSON, TALLY_IN_CLAIM, &r);
    } else {
        tally_event_row r = {.event = *e, .doc = doc};
        r.sentence = body + s0;
        r.sentence_len = s1 - s0;
        r.text = body + t0;
        r.text_len = t1 - t0;
        tally_present_event(&l, TALLY_OUTPUT_JSON, &r, false, false);
    }
    fwrite(l.ptr, 1, l.len, f);
    tally_buf_free(&l);
}

static void on_heldout(void *user, const char *doc, const tally_claim *c, const char *body)
{
    write_heldout(user, doc, c, NULL, body);
}

static void on_heldout_event(void *user, const char *doc, const tally_event *e, const char *body)
{
    write_heldout(user, doc, NULL, e, body);
}

static void print_attrs(FILE *out, const tally_score *s)
{
    fputs("attribute accuracy over matched claims:\n", out);
    for (int a = 0; a < TALLY_SCORE_N_ATTRS; a++)
        fprintf(out, "  %-15s %.3f\n", tally_score_attr_name((tally_score_attr)a),
                tally_score_attr_rate(s, (tally_score_attr)a));
}

static void print_line(FILE *out, const char *label, const tally_score *s)
{
    double p, r, f1 = tally_score_f1(s, &p, &r);
    fprintf(out,
            "%s: F1 %.3f (P %.3f R %.3f) kind %.3f source %.3f supplier %.3f recipient %.3f; "
            "%zu docs, %zu gold, %zu predicted\n",
            label, f1, p, r, tally_score_attr_rate(s, TALLY_SCORE_KIND),
            tally_score_attr_rate(s, TALLY_SCORE_SOURCE),
            tally_score_attr_rate(s, TALLY_SCORE_SUPPLIER),
            tally_score_attr_rate(s, TALLY_SCORE_RECIPIENT), s->docs, s->gold, s->predicted);
}

static bool parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}

/* the command line, for the model's note */
static char *command_line(int argc, char **argv)
{
    tally_buf b;
    tally_buf_init(&b, 1 << 16);
    int rc = tally_buf_append(&b, "tally", 5);
    for (int i = 0; i < argc && rc == 0; i++) {
        rc = tally_buf_append(&b, " ", 1);
        if (rc == 0)
            rc = tally_buf_append(&b, argv[i], strlen(argv[i]));
    }
    if (rc != 0 || b.ptr == NULL) {
        tally_buf_free(&b);
        return tally_xstrdup("tally train");
    }
    return b.ptr;
}

/* Writes the model to `output` (NULL: nowhere; "-": stdout). */
static int write_model(const char *output, const tally_buf *model)
{
    if (output == NULL)
        return CLI_OK;
    FILE *f = strcmp(output, "-") == 0 ? stdout : fopen(output, "wb");
    if (f == NULL || fwrite(model->ptr, 1, model->len, f) != model->len ||
        (f != stdout && fclose(f) != 0) || (f == stdout && fflush(f) != 0)) {
        cli_errorf("%s: %s", output, strerror(errno));
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* The end of a training run, claims' or events': the cross-validated mean
 * `mean` (of `what`, with folds) against --min-f1, the fit line already
 * printed, the time and size, the model written, bad inputs counted. */
static int end_training(FILE *out, const char *what, bool folds, double mean, double min_f1,
                        double secs, const tally_buf *model, const char *output, size_t skipped,
                        int status)
{
    if (folds && min_f1 >= 0 && mean < min_f1) {
        cli_errorf("cross-validated %s %.3f is below %.3f", what, mean, min_f1);
        status = CLI_FAIL;
    }
    fprintf(out, "trained in %.1f s; model %zu bytes\n", secs, model->len);
    if (write_model(output, model) != CLI_OK)
        status = CLI_FAIL;
    if (skipped > 0 && status == CLI_OK) {
        cli_warnf("%zu bad input%s left out (see above)", skipped, skipped == 1 ? "" : "s");
        status = CLI_FAIL;
    }
    return status;
}

static void print_event_line(FILE *out, const char *label, const tally_event_score *s)
{
    double p, r, f1 = tally_event_score_f1(s, &p, &r);
    fprintf(out,
            "%s: events F1 %.3f (P %.3f R %.3f) mode %.3f aux %.3f date %.3f source %.3f; "
            "%zu docs, %zu gold, %zu predicted\n",
            label, f1, p, r, tally_event_score_attr(s, TALLY_EVATTR_MODE),
            tally_event_score_attr(s, TALLY_EVATTR_AUX),
            tally_event_score_attr(s, TALLY_EVATTR_DATE),
            tally_event_score_attr(s, TALLY_EVATTR_SOURCE), s->docs, s->gold, s->predicted);
}

/* tally train --events: the event coder's model, as score-events scores it. */
static int train_events(char **dirs, int n, const tally_train_opts *o, const char *output,
                        double min_f1, bool docs, FILE *out)
{
    tally_buf model;
    tally_buf_init(&model, (size_t)1 << 30);
    tally_event_train_report rep;
    tally_err err = {0, ""};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = tally_events_train((const char *const *)dirs, (size_t)n, o, &model, &rep, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int status = CLI_OK;
    if (rc != 0) {
        cli_errorf("%s", err.msg);
        status = CLI_FAIL;
        goto out;
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(out, "%zu documents, %zu gold events, %zu sentences\n", rep.docs, rep.gold,
            rep.candidates);
    fprintf(out,
            "gold events no decision can get right: %zu in no sentence read, %zu whose actor "
            "and %zu whose recipient no option gives\n",
            rep.gap_sentence, rep.gap_actor, rep.gap_recipient);
    double mean = 0;
    if (rep.folds > 1) {
        double sum = 0;
        for (unsigned f = 0; f < rep.folds; f++) {
            char label[32];
            snprintf(label, sizeof label, "fold %u/%u", f + 1, rep.folds);
            print_event_line(out, label, &rep.fold[f]);
            sum += tally_event_score_f1(&rep.fold[f], NULL, NULL);
        }
        for (size_t i = 0; docs && i < rep.n_doc; i++)
            cli_printf("  %s: gold %zu predicted %zu matched %zu\n", rep.doc[i].name,
                       rep.doc[i].gold, rep.doc[i].predicted, rep.doc[i].matched);
        fputs("per type (matched / gold / predicted), cross-validated:\n", out);
        for (unsigned t = 0; t < TALLY_EVENT_TYPE_N; t++)
            if (rep.cv.type_gold[t] + rep.cv.type_predicted[t] > 0)
                fprintf(out, "  %-10s %3zu / %3zu / %3zu\n",
                        tally_event_type_name((tally_event_type)t), rep.cv.type_matched[t],
                        rep.cv.type_gold[t], rep.cv.type_predicted[t]);
        fputs("attribute accuracy over matched events, cross-validated:\n", out);
        for (int a = 0; a < TALLY_EVATTR_N; a++)
            fprintf(out, "  %-8s %.3f\n", tally_event_attr_name((tally_event_attr)a),
                    tally_event_score_attr(&rep.cv, (tally_event_attr)a));
        print_event_line(out, "cross-validated, folds pooled", &rep.cv);
        mean = sum / rep.folds;
        fprintf(out, "cross-validated events F1 %.3f (mean of %u folds by document, seed %u)\n",
                mean, rep.folds, o->seed);
    }
    print_event_line(out, "fit (the final model on its own training documents)", &rep.fit);
    status = end_training(out, "events F1", rep.folds > 1, mean, min_f1, secs, &model, output,
                          rep.skipped, status);
out:
    tally_event_train_report_free(&rep);
    tally_buf_free(&model);
    return status;
}

int cli_train(int argc, char **argv)
{
    enum {
        OPT_SEED = 256,
        OPT_C,
        OPT_THRESHOLD,
        OPT_MIN_F1,
        OPT_GAPS,
        OPT_PREDICTIONS,
        OPT_EVENTS,
        OPT_DOCS
    };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"folds", required_argument, NULL, 'k'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"c", required_argument, NULL, OPT_C},
        {"threshold", required_argument, NULL, OPT_THRESHOLD},
        {"min-f1", required_argument, NULL, OPT_MIN_F1},
        {"gaps", no_argument, NULL, OPT_GAPS},
        {"predictions", required_argument, NULL, OPT_PREDICTIONS},
        {"events", no_argument, NULL, OPT_EVENTS},
        {"docs", no_argument, NULL, OPT_DOCS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    tally_train_opts o = {.seed = 1, .on_warning = on_warning};
    const char *output = NULL, *predictions = NULL;
    double min_f1 = -1, v;
    bool events = false, docs = false;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:k:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            output = optarg;
            break;
        case 'k':
            if (!parse_double(optarg, 2, 100, &v) || v != (unsigned)v)
                return cli_usagef("train", "--folds wants a whole number from 2 to 100");
            o.folds = (unsigned)v;
            break;
        case OPT_SEED:
            if (!parse_double(optarg, 0, 4294967295.0, &v) || v != (unsigned)v)
                return cli_usagef("train", "--seed wants a whole number");
            o.seed = (unsigned)v;
            break;
        case OPT_C:
            if (!parse_double(optarg, 1e-6, 1e6, &o.c))
                return cli_usagef("train", "--c wants a number from 1e-6 to 1e6");
            break;
        case OPT_THRESHOLD:
            if (!parse_double(optarg, 0.01, 0.99, &o.threshold))
                return cli_usagef("train", "--threshold wants a probability from 0.01 to 0.99");
            break;
        case OPT_MIN_F1:
            if (!parse_double(optarg, 0, 1, &min_f1))
                return cli_usagef("train", "--min-f1 wants a number from 0 to 1");
            break;
        case OPT_GAPS:
            o.on_gap = on_gap;
            break;
        case OPT_PREDICTIONS:
            predictions = optarg;
            break;
        case OPT_EVENTS:
            events = true;
            break;
        case OPT_DOCS:
            docs = true;
            break;
        case 'h':
            cli_train_help(stdout);
            return CLI_OK;
        default:
            return cli_getopt_error("train", ch, argv);
        }
    }
    if (optind >= argc)
        return cli_usagef("train", "no corpus: give folders of NAME.txt + NAME.gold.jsonl");
    if (events && o.on_gap != NULL)
        return cli_usagef("train", "--gaps is the claims' (not with --events)");
    FILE *out = output != NULL && strcmp(output, "-") == 0 ? stderr : stdout;
    if (events) {
        FILE *epf = NULL;
        if (predictions != NULL && (epf = fopen(predictions, "w")) == NULL) {
            cli_errorf("%s: %s", predictions, strerror(errno));
            return CLI_FAIL;
        }
        o.on_heldout_event = epf != NULL ? on_heldout_event : NULL;
        o.user = epf;
        char *enote = command_line(argc, argv);
        o.note = enote;
        int st = train_events(argv + optind, argc - optind, &o, output, min_f1, docs, out);
        free(enote);
        if (epf != NULL && fclose(epf) != 0) {
            cli_errorf("%s: %s", predictions, strerror(errno));
            st = CLI_FAIL;
        }
        return st;
    }
    FILE *pf = NULL;
    if (predictions != NULL) {
        pf = fopen(predictions, "w");
        if (pf == NULL) {
            cli_errorf("%s: %s", predictions, strerror(errno));
            return CLI_FAIL;
        }
        o.on_heldout = on_heldout;
        o.user = pf;
    }
    char *note = command_line(argc, argv);
    o.note = note;
    tally_buf model;
    tally_buf_init(&model, (size_t)1 << 30);
    tally_train_report rep;
    tally_err err = {0, ""};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = tally_train((const char *const *)(argv + optind), (size_t)(argc - optind), &o, &model,
                         &rep, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int status = CLI_OK;
    if (rc != 0) {
        cli_errorf("%s", err.msg);
        status = CLI_FAIL;
        goto out;
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(out, "%zu documents, %zu gold claims, %zu candidates\n", rep.docs, rep.gold,
            rep.candidates);
    double mean = 0;
    if (rep.folds > 1) {
        double sum = 0;
        for (unsigned f = 0; f < rep.folds; f++) {
            char label[32];
            snprintf(label, sizeof label, "fold %u/%u", f + 1, rep.folds);
            print_line(out, label, &rep.fold[f]);
            sum += tally_score_f1(&rep.fold[f], NULL, NULL);
        }
        mean = sum / rep.folds;
        print_attrs(out, &rep.cv);
        print_line(out, "cross-validated, folds pooled", &rep.cv);
        fprintf(out, "cross-validated F1 %.3f (mean of %u folds by document, seed %u)\n", mean,
                rep.folds, o.seed);
    }
    print_line(out, "fit (the final model on its own training documents)", &rep.fit);
    status = end_training(out, "F1", rep.folds > 1, mean, min_f1, secs, &model, output, rep.skipped,
                          status);
out:
    if (pf != NULL && fclose(pf) != 0) {
        cli_errorf("%s: %s", predictions, strerror(errno));
        status = CLI_FAIL;
    }
    tally_train_report_free(&rep);
    tally_buf_free(&model);
    free(note);
    return status;
}

/* ---- tally score ------------------------------------------------------------------ */

typedef struct scored {
    char *doc;
    tally_score_claim c;
} scored;

typedef struct claim_list {
    scored *v;
    size_t n, cap;
} claim_list;

/* Reads the JSON Lines at `path` (or stdin) into `l`; `doc` names claims
 * without a "doc" field. Returns false with a message on failure. */
static bool read_claims(const char *path, const char *doc, claim_list *l)
{
    size_t n;
    char *text = strcmp(path, "-") == 0 ? tally_slurp(stdin, (size_t)1 << 30, &n)
                                        : tally_slurp_path(path, (size_t)1 << 30, &n);
    if (text == NULL) {
        cli_errorf("%s: %s", path, strerror(errno));
        return false;
    }
    bool ok = true;
    size_t line = 0;
    for (size_t i = 0; i < n && ok;) {
        size_t e = i;
        while (e < n && text[e] != '\n')
            e++;
        line++;
        size_t b = i;
        i = e + 1;
        while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r'))
            b++;
        if (b == e)
            continue;
        if (l->n == l->cap)
            l->v = tally_xrealloc(l->v, (l->cap = l->cap ? l->cap * 2 : 256) * sizeof *l->v);
        scored *s = &l->v[l->n];
        tally_err err = {0, ""};
        if (tally_score_claim_parse(text + b, e - b, false, &s->c, &s->doc, &err) != 0) {
            cli_errorf("%s:%zu: %s", path, line, err.msg);
            ok = false;
            break;
        }
        if (s->doc == NULL && doc != NULL)
            s->doc = tally_xstrdup(doc);
        l->n++;
    }
    free(text);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names NAME of the files NAME`ext` of `dir`, sorted (NULL on error). */
static char **list_names(const char *dir, const char *ext, size_t *n)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    size_t cap = 64, k = 0, el = strlen(ext);
    char **v = tally_xmalloc(cap * sizeof *v);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= el || strcmp(e->d_name + len - el, ext) != 0)
            continue;
        if (k == cap)
            v = tally_xrealloc(v, (cap *= 2) * sizeof *v);
        v[k++] = tally_xstrndup(e->d_name, len - el);
    }
    closedir(d);
    qsort(v, k, sizeof *v, cmp_str);
    *n = k;
    return v;
}

/* The header's date as score-claims reads it: the "date:" among the lines
 * before the first blank one; NULL when absent, empty or "unknown". */
static char *header_date(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char line[4096], *date = NULL;
    while (fgets(line, sizeof line, f) != NULL) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                         line[n - 1] == '\t'))
            line[--n] = '\0';
        size_t b = 0;
        while (line[b] == ' ' || line[b] == '\t')
            b++;
        if (line[b] == '\0')
            break;
        char *colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        char *k = line + b, *ke = colon;
        while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
            ke--;
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        if (ke - k == 4 && memcmp(k, "date", 4) == 0) {
            free(date);
            date = tally_xstrdup(v);
        }
    }
    fclose(f);
    if (date != NULL && (date[0] == '\0' || strcmp(date, "unknown") == 0)) {
        free(date);
        date = NULL;
    }
    return date;
}

static char *path_of(const char *dir, const char *name, const char *ext)
{
    size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
    char *p = tally_xmalloc(n);
    snprintf(p, n, "%s/%s%s", dir, name, ext);
    return p;
}

int cli_score(int argc, char **argv)
{
    enum { OPT_DOCS = 256, OPT_MIN_F1 };
    static const struct option longopts[] = {{"docs", no_argument, NULL, OPT_DOCS},
                                             {"min-f1", required_argument, NULL, OPT_MIN_F1},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    bool per_doc = false;
    double min_f1 = -1;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (ch == OPT_DOCS) {
            per_doc = true;
        } else if (ch == OPT_MIN_F1) {
            if (!parse_double(optarg, 0, 1, &min_f1))
                return cli_usagef("score", "--min-f1 wants a number from 0 to 1");
        } else if (ch == 'h') {
            cli_score_help(stdout);
            return CLI_OK;
        } else {
            return cli_getopt_error("score", ch, argv);
        }
    }
    if (argc - optind != 2)
        return cli_usagef("score", "give a corpus folder and a predictions file");
    const char *corpus = argv[optind], *pred_path = argv[optind + 1];
    int status = CLI_OK;
    claim_list preds = {0}, gold = {0};
    size_t n_docs = 0, n_pred_files = 0;
    char **docs = list_names(corpus, ".txt", &n_docs), **pred_files = NULL;
    if (docs == NULL) {
        cli_errorf("%s: %s", corpus, strerror(errno));
        return CLI_FAIL;
    }
    DIR *pd = strcmp(pred_path, "-") != 0 ? opendir(pred_path) : NULL;
    if (pd != NULL) {
        closedir(pd);
        pred_files = list_names(pred_path, ".jsonl", &n_pred_files);
        for (size_t i = 0; i < n_pred_files && status == CLI_OK; i++) {
            char *p = path_of(pred_path, pred_files[i], ".jsonl");
            if (!read_claims(p, pred_files[i], &preds))
                status = CLI_FAIL;
            free(p);
        }
    } else if (!read_claims(pred_path, NULL, &preds)) {
        status = CLI_FAIL;
    }
    tally_score total;
    memset(&total, 0, sizeof total);
    for (size_t d = 0; d < n_docs && status == CLI_OK; d++) {
        char *gp = path_of(corpus, docs[d], ".gold.jsonl");
        FILE *gf = fopen(gp, "rb");
        gold.n = 0;
        if (gf != NULL) {
            fclose(gf);
            if (!read_claims(gp, NULL, &gold))
                status = CLI_FAIL;
        }
        free(gp);
        tally_score_claim *g = tally_xcalloc(gold.n + 1, sizeof *g), *p;
        for (size_t i = 0; i < gold.n; i++)
            g[i] = gold.v[i].c;
        size_t np = 0;
        for (size_t i = 0; i < preds.n; i++)
            np += preds.v[i].doc != NULL && strcmp(preds.v[i].doc, docs[d]) == 0;
        p = tally_xcalloc(np + 1, sizeof *p);
        np = 0;
        for (size_t i = 0; i < preds.n; i++)
            if (preds.v[i].doc != NULL && strcmp(preds.v[i].doc, docs[d]) == 0)
                p[np++] = preds.v[i].c;
        char *tp = path_of(corpus, docs[d], ".txt");
        char *date = header_date(tp);
        tally_score one;
        memset(&one, 0, sizeof one);
        tally_score_doc(g, gold.n, p, np, date, &one, NULL);
        tally_score_add(&total, &one);
        if (per_doc)
            printf("  %s: gold %zu predicted %zu matched %zu\n", docs[d], one.gold, one.predicted,
                   one.matched);
        free(date);
        free(tp);
        free(g);
        free(p);
        for (size_t i = 0; i < gold.n; i++) {
            tally_score_claim_clear(&gold.v[i].c);
            free(gold.v[i].doc);
        }
    }
    if (status == CLI_OK) {
        /* predictions naming documents the corpus does not have */
        const char **unknown = tally_xcalloc(preds.n + 1, sizeof *unknown);
        size_t nu = 0;
        for (size_t i = 0; i < preds.n; i++) {
            const char *doc = preds.v[i].doc != NULL ? preds.v[i].doc : "None";
            if (bsearch(&doc, docs, n_docs, sizeof *docs, cmp_str) == NULL)
                unknown[nu++] = doc;
        }
        qsort(unknown, nu, sizeof *unknown, cmp_str);
        size_t shown = 0;
        for (size_t i = 0; i < nu && shown < 5; i++)
            if (i == 0 || strcmp(unknown[i], unknown[i - 1]) != 0)
                printf("%s%s", shown++ == 0 ? "  predictions name unknown documents: " : ", ",
                       unknown[i]);
        if (shown > 0)
            printf("\n");
        free((void *)unknown);
        double p, r, f1 = tally_score_f1(&total, &p, &r);
        print_attrs(stdout, &total);
        printf("claims F1 %.3f (P %.3f R %.3f) strict %.2f on %zu docs, %zu gold, %zu predicted\n",
               f1, p, r, total.gold ? (double)total.strict / (double)total.gold : 1.0, n_docs,
               total.gold, total.predicted);
        if (min_f1 >= 0 && f1 < min_f1)
            status = CLI_FAIL;
    }
    for (size_t i = 0; i < preds.n; i++) {
        tally_score_claim_clear(&preds.v[i].c);
        free(preds.v[i].doc);
    }
    free(preds.v);
    free(gold.v);
    for (size_t i = 0; i < n_docs; i++)
        free(docs[i]);
    free(docs);
    for (size_t i = 0; i < n_pred_files; i++)
        free(pred_files[i]);
    free(pred_files);
    return cli_done(status);
}
