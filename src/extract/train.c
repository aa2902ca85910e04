/* Training the learned layer (tally_train, `tally train`): documents are read
 * and run through the extractor once, collecting every candidate with its
 * features (learn.h); the gold claims label them (a candidate is in scope
 * when the scorer would match it to a gold claim; the gold claim gives the
 * kind, the source and the states); LIBLINEAR fits an L2-regularised
 * logistic regression per decision. Cross-validation by document trains on
 * k-1 folds and scores the held-out fold with the scorer of score.c, on the
 * candidates already collected (features never depend on a model).
 *
 * Deterministic: documents are sorted by name, the folds shuffled with a
 * fixed seed, features numbered in hash order, and the solver (trust-region
 * Newton on the primal) has no randomness. */
#include "tally/learn.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linear.h>

#include "learn.h"
#include "tally/doc.h"
#include "tally/extract.h"
#include "tally/score.h"
#include "train.h"

enum {
    MIN_DOCS = 2,               /* a feature must occur in this many training documents */
    MAX_LINE = 1 << 20,         /* a gold line longer than this is broken */
    MAX_TEXT = 64 * 1024 * 1024 /* the largest document read */
};
static const double C_SCOPE = 0.1, C_KIND = 1.0, C_RANK = 0.1, C_DOCK = 0.1,
                    DEFAULT_THRESHOLD = 0.4;

/* One document: its candidates (in the sink) and gold claims. */
typedef struct tdoc {
    char *name;
    char *path; /* of the text */
    char *date; /* the header's date, NULL when unknown */
    learn_sink sink;
    tally_score_claim *gold;
    size_t n_gold;
    long *match; /* the gold claim each candidate matches, or -1 */
    unsigned fold;
} tdoc;

typedef struct trainer {
    train_warner w;
    tdoc *docs;
    size_t n_docs;
} trainer;

/* ---- reading a corpus (tally_train's and the event coder's) -------------------------- */

void train_warnf(train_warner *w, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->skipped++;
    if (w->o->on_warning != NULL)
        w->o->on_warning(w->o->user, msg);
}

typedef struct reader {
    train_collector make;
    void *sink;
    char **date;
    tally_extractor *x;
    tally_arena *a;
} reader;

static int on_meta(const tally_doc_meta *meta, tally_format f, void *user, tally_err *err)
{
    reader *r = user;
    (void)f;
    (void)err;
    tally_date date = {0, 0, 0};
    if (meta->date != NULL && tally_date_parse(meta->date, strlen(meta->date), &date) == 0) {
        free(*r->date);
        *r->date = tally_xstrdup(meta->date);
    }
    tally_extractor_free(r->x);
    r->x = r->make(date, meta, r->sink);
    return 0;
}

static int on_block(const tally_block *b, void *user, tally_err *err)
{
    reader *r = user;
    tally_claims cs;
    int rc = tally_extract_block(r->x, b, &cs, r->a, err);
    tally_arena_reset(r->a);
    return rc;
}

int train_read_text(const char *path, train_collector make, void *sink, char **date, tally_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return tally_err_set(err, TALLY_EIO, "%s: %s", path, strerror(errno));
    reader r = {make, sink, date, NULL, tally_arena_new()};
    tally_doc_handler h = {on_meta, on_block, &r};
    tally_doc_opts opts = {TALLY_FORMAT_TXT, 0};
    tally_doc_stats st;
    int rc = tally_doc_read(f, path, &opts, &h, &st, err);
    fclose(f);
    if (rc == 0 && r.x != NULL) {
        tally_claims cs; /* (the candidates are in the sink) */
        while (tally_extract_finish(r.x, &cs, r.a))
            tally_arena_reset(r.a);
    }
    tally_extractor_free(r.x);
    tally_arena_free(r.a);
    return rc;
}

void *train_read_lines(const char *path, size_t size, train_parse_fn parse, train_warner *w,
                       size_t *count)
{
    *count = 0;
    size_t n;
    char *text = tally_slurp_path(path, MAX_TEXT, &n);
    if (text == NULL) {
        train_warnf(w, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 16, number = 0;
    char *v = tally_xmalloc(cap * size);
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && text[e] != '\n')
            e++;
        number++;
        size_t b = i, z = e;
        while (b < z && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r'))
            b++;
        while (z > b && (text[z - 1] == ' ' || text[z - 1] == '\t' || text[z - 1] == '\r'))
            z--;
        i = e + 1;
        if (b == z)
            continue;
        if (*count == cap)
            v = tally_xrealloc(v, (cap *= 2) * size);
        tally_err err = {0, ""};
        if (z - b > MAX_LINE || !parse(text + b, z - b, v + *count * size, &err)) {
            train_warnf(w, "%s:%zu: %s", path, number,
                        z - b > MAX_LINE ? "line too long" : err.msg);
            continue;
        }
        ++*count;
    }
    free(text);
    return v;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static char *join(const char *dir, const char *name, const char *ext)
{
    size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
    char *p = tally_xmalloc(n);
    snprintf(p, n, "%s/%s%s", dir, name, ext);
    return p;
}

static bool exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f != NULL)
        fclose(f);
    return f != NULL;
}

void *train_read_gold(const char *path, const char *gold_ext, size_t size, train_parse_fn parse,
                      train_warner *w, size_t *n)
{
    size_t k = strlen(path) - (ends_with(path, ".txt") ? 4 : 0), e = strlen(gold_ext);
    char *gold = tally_xmalloc(k + e + 1);
    memcpy(gold, path, k);
    memcpy(gold + k, gold_ext, e + 1);
    void *v = train_read_lines(gold, size, parse, w, n);
    free(gold);
    return v;
}

/* The pairs of folder `dir` appended to *v (*n of them, room for *cap). */
static int list_dir(const char *dir, const char *gold_ext, const char *gold_what, train_warner *w,
                    train_pair **v, size_t *n, size_t *cap, tally_err *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return tally_err_set(err, TALLY_EIO, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        bool is_gold = ends_with(name, gold_ext);
        if (!is_gold && !ends_with(name, ".txt"))
            continue;
        char *stem = tally_xstrndup(name, strlen(name) - (is_gold ? strlen(gold_ext) : 4));
        char *other = join(dir, stem, is_gold ? ".txt" : gold_ext);
        bool have = exists(other);
        if (!have)
            train_warnf(w, "%s/%s:1: no %s %s beside it; left out", dir, name,
                        is_gold ? "text" : gold_what, other);
        free(other);
        if (is_gold || !have) {
            free(stem);
            continue;
        }
        if (*n == *cap)
            *v = tally_xrealloc(*v, (*cap = *cap ? *cap * 2 : 64) * sizeof **v);
        (*v)[(*n)++] = (train_pair){stem, join(dir, stem, ".txt")};
    }
    closedir(d);
    return 0;
}

static int cmp_pair(const void *a, const void *b)
{
    const train_pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : strcmp(x->path, y->path);
}

int train_list(const char *const *dirs, size_t n_dirs, const char *gold_ext, const char *gold_what,
               train_warner *w, train_pair **out, size_t *n, tally_err *err)
{
    train_pair *v = NULL;
    size_t k = 0, cap = 0;
    int rc = 0;
    for (size_t i = 0; i < n_dirs && rc == 0; i++)
        rc = list_dir(dirs[i], gold_ext, gold_what, w, &v, &k, &cap, err);
    if (rc != 0) {
        for (size_t i = 0; i < k; i++) {
            free(v[i].name);
            free(v[i].path);
        }
        free(v);
        v = NULL;
        k = 0;
    }
    if (k > 0)
        qsort(v, k, sizeof *v, cmp_pair);
    *out = v;
    *n = k;
    return rc;
}

/* ---- tally_train's documents ----------------------------------------------------------- */

static tally_extractor *collect_claims(tally_date date, const tally_doc_meta *meta, void *sink)
{
    return extract_new_collecting(date, meta, sink, false);
}

/* Runs the extractor over the document, collecting its candidates. */
static int read_text(tdoc *d, tally_err *err)
{
    d->sink.arena = tally_arena_new();
    tally_buf_init(&d->sink.body, MAX_TEXT);
    return train_read_text(d->path, collect_claims, &d->sink, &d->date, err);
}

/* One line of NAME.gold.jsonl (a claim of CLAIMS.md) into `out`. */
static bool gold_line(const char *s, size_t n, void *out, tally_err *err)
{
    char *doc = NULL;
    if (tally_score_claim_parse(s, n, true, out, &doc, err) != 0)
        return false;
    free(doc);
    return true;
}

static void doc_free(tdoc *d)
{
    free(d->name);
    free(d->path);
    free(d->date);
    tally_arena_free(d->sink.arena);
    free(d->sink.v);
    tally_buf_free(&d->sink.body);
    for (size_t i = 0; i < d->n_gold; i++)
        tally_score_claim_clear(&d->gold[i]);
    free(d->gold);
    free(d->match);
}

/* The scorer's view of claim `c` of document `d`. */
static void score_claim(const tdoc *d, const tally_claim *c, tally_score_claim *out)
{
    tally_score_claim_of(c, d->sink.body.ptr + c->sentence_start,
                         c->sentence_end - c->sentence_start, out);
}

/* Which gold claim each candidate matches, as the scorer pairs them. */
static void align(tdoc *d)
{
    size_t n = d->sink.n;
    tally_score_claim *p = tally_xcalloc(n + 1, sizeof *p);
    for (size_t i = 0; i < n; i++)
        score_claim(d, &d->sink.v[i].claim, &p[i]);
    d->match = tally_xcalloc(n + 1, sizeof *d->match);
    tally_score s;
    memset(&s, 0, sizeof s);
    tally_score_doc(d->gold, d->n_gold, p, n, d->date, &s, d->match);
    for (size_t i = 0; i < n; i++)
        tally_score_claim_clear(&p[i]);
    free(p);
}

/* Reports what the candidates of `d` cannot get right, whatever the models. */
static void report_gaps(const tally_train_opts *o, const tdoc *d)
{
    bool *matched = tally_xcalloc(d->n_gold + 1, sizeof *matched);
    for (size_t k = 0; k < d->sink.n; k++) {
        long g = d->match[k];
        if (g < 0)
            continue;
        matched[g] = true;
        const learn_cand *c = &d->sink.v[k];
        const tally_score_claim *gc = &d->gold[g];
        bool src = false, sup = false, rec = false;
        for (size_t i = 0; i < c->n_speakers; i++)
            src = src || tally_score_source_eq(c->speakers[i].name, gc->source);
        for (size_t i = 0; i < c->n_states; i++) {
            sup = sup || strcmp(c->states[i].country, gc->supplier ? gc->supplier : "") == 0;
            rec = rec || strcmp(c->states[i].country, gc->recipient ? gc->recipient : "") == 0;
        }
        if (!src)
            o->on_gap(o->user, d->name, "source not among the options", gc);
        if (!sup)
            o->on_gap(o->user, d->name, "supplier not among the options", gc);
        if (!rec)
            o->on_gap(o->user, d->name, "recipient not among the options", gc);
    }
    for (size_t g = 0; g < d->n_gold; g++)
        if (!matched[g])
            o->on_gap(o->user, d->name, "no candidate", &d->gold[g]);
    free(matched);
}

/* A speaker's name that the scorer accepts for gold name `g` and that is
 * at least half as long. */
static bool close_name(const char *p, const char *g)
{
    if (p == NULL || g == NULL || !tally_score_source_eq(p, g))
        return false;
    size_t a = strlen(p), b = strlen(g);
    return 2 * a >= b && 2 * b >= a;
}

/* ---- problems for LIBLINEAR ------------------------------------------------------- */

static int cmp_hd(const void *a, const void *b)
{
    const hd *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return (x->doc > y->doc) - (x->doc < y->doc);
}

void train_hds_add(hds *s, const learn_fv *fv, uint32_t doc)
{
    for (uint32_t i = 0; i < fv->n; i++) {
        if (s->n == s->cap)
            s->v = tally_xrealloc(s->v, (s->cap = s->cap ? s->cap * 2 : 4096) * sizeof *s->v);
        s->v[s->n++] = (hd){fv->h[i], doc};
    }
}

fmap train_fmap_of(hds *s)
{
    if (s->n > 0)
        qsort(s->v, s->n, sizeof *s->v, cmp_hd);
    fmap m = {tally_xmalloc((s->n + 1) * sizeof *m.h), 0};
    for (size_t i = 0; i < s->n;) {
        size_t j = i, docs = 0;
        uint32_t last = UINT32_MAX;
        for (; j < s->n && s->v[j].h == s->v[i].h; j++)
            if (s->v[j].doc != last) {
                docs++;
                last = s->v[j].doc;
            }
        if (docs >= MIN_DOCS)
            m.h[m.n++] = s->v[i].h;
        i = j;
    }
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
    return m;
}

static int fmap_index(const fmap *m, uint32_t h)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->h[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n && m->h[lo] == h ? (int)lo + 1 : 0;
}

static int cmp_node(const void *a, const void *b)
{
    const struct feature_node *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

static void prob_push(prob *pr, struct feature_node *x, size_t n, double y);

/* Adds the instance `a` minus `b` (b may be NULL) with label y, and the
 * n_extra real-valued features of indices extra, extra + 1, ... (past m's)
 * of values value[0, n_extra). */
static void prob_add_diff_x(prob *pr, const fmap *m, const learn_fv *a, const learn_fv *b,
                            int extra, const double *value, size_t n_extra, double y)
{
    size_t cap = a->n + (b != NULL ? b->n : 0) + n_extra + 1, n = 0;
    struct feature_node *x = tally_xmalloc(cap * sizeof *x);
    for (size_t i = 0; i < n_extra; i++)
        x[n++] = (struct feature_node){extra + (int)i, value[i]};
    for (uint32_t i = 0; i < a->n; i++) {
        int j = fmap_index(m, a->h[i]);
        if (j > 0)
            x[n++] = (struct feature_node){j, 1.0};
    }
    for (uint32_t i = 0; b != NULL && i < b->n; i++) {
        int j = fmap_index(m, b->h[i]);
        if (j > 0)
            x[n++] = (struct feature_node){j, -1.0};
    }
    prob_push(pr, x, n, y);
}

/* Appends instance x[0, n) (in a block of n + 1 nodes that pr then owns)
 * with label y: sorted by index, a feature twice counted twice. */
static void prob_push(prob *pr, struct feature_node *x, size_t n, double y)
{
    qsort(x, n, sizeof *x, cmp_node);
    size_t u = 0; /* a feature twice counts twice, as in a prediction */
    for (size_t i = 0; i < n; i++) {
        if (u > 0 && x[u - 1].index == x[i].index)
            x[u - 1].value += x[i].value;
        else
            x[u++] = x[i];
    }
    size_t z = 0; /* what cancels is left out */
    for (size_t i = 0; i < u; i++)
        if (x[i].value != 0)
            x[z++] = x[i];
    x[z] = (struct feature_node){-1, 0};
    if ((size_t)pr->p.l == pr->cap) {
        pr->cap = pr->cap ? pr->cap * 2 : 256;
        pr->p.y = tally_xrealloc(pr->p.y, pr->cap * sizeof *pr->p.y);
        pr->p.x = tally_xrealloc(pr->p.x, pr->cap * sizeof *pr->p.x);
    }
    pr->p.y[pr->p.l] = y;
    pr->p.x[pr->p.l] = x;
    pr->p.l++;
}

/* Adds the instance `a` minus `b` (b may be NULL) with label y. */
static void prob_add_diff(prob *pr, const fmap *m, const learn_fv *a, const learn_fv *b, double y)
{
    prob_add_diff_x(pr, m, a, b, 0, NULL, 0, y);
}

void train_prob_add(prob *pr, const fmap *m, const learn_fv *fv, double y)
{
    prob_add_diff(pr, m, fv, NULL, y);
}

/* The features of each option of learn_option array `o`. */
static const learn_fv *option_fv(const void *o, size_t i)
{
    return &((const learn_option *)o)[i].fv;
}

void train_prob_add_ranking_of(prob *pr, const fmap *m, const void *o, size_t n,
                               const learn_fv *(*fv)(const void *o, size_t i), const bool *right)
{
    size_t pairs = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; right[i] && j < n; j++)
            if (!right[j]) {
                if (pairs++ % 2 == 0)
                    prob_add_diff(pr, m, fv(o, i), fv(o, j), 1);
                else
                    prob_add_diff(pr, m, fv(o, j), fv(o, i), -1);
            }
}

static void prob_add_ranking(prob *pr, const fmap *m, const learn_option *o, size_t n,
                             const bool *right)
{
    train_prob_add_ranking_of(pr, m, o, n, option_fv, right);
}

void train_prob_free(prob *pr)
{
    for (int i = 0; i < pr->p.l; i++)
        free(pr->p.x[i]);
    free(pr->p.x);
    free(pr->p.y);
}

static void quiet(const char *s)
{
    (void)s;
}

void train_fit(prob *pr, size_t n_features, double c, unsigned n_out, float *w, unsigned stride,
               unsigned off, float *bias)
{
    for (unsigned k = 0; k < n_out; k++)
        bias[off + k] = n_out > 1 ? -1e30f : 0;
    if (pr->p.l == 0)
        return;
    pr->p.n = (int)n_features;
    pr->p.bias = -1;
    int pos_label = 1;
    double pos_weight = pr->pos_weight;
    struct parameter param = {L2R_LR, 0.01, c, 0, NULL, NULL, 0.1, NULL};
    if (pos_weight > 0) {
        param.nr_weight = 1;
        param.weight_label = &pos_label;
        param.weight = &pos_weight;
    }
    set_print_string_function(quiet);
    if (check_parameter(&pr->p, &param) != NULL)
        return;
    struct model *m = train(&pr->p, &param);
    int nc = get_nr_class(m);
    int labels[LEARN_MAX_OUTS + 2];
    get_labels(m, labels);
    for (int k = 0; k < nc; k++) {
        int lab = labels[k];
        if (n_out > 1 && lab >= 0 && (unsigned)lab < n_out)
            bias[off + (unsigned)lab] = 0;
    }
    for (size_t j = 0; j < n_features; j++) {
        if (n_out == 1) { /* binary: the weight of label +1 */
            double v = nc == 2 ? get_decfun_coef(m, (int)j + 1, 0) : 0;
            if (nc == 2 && labels[0] != 1)
                v = -v;
            w[j * stride + off] = (float)v;
            continue;
        }
        for (int k = 0; k < nc; k++) {
            int lab = labels[k];
            if (lab < 0 || (unsigned)lab >= n_out)
                continue;
            double v;
            if (nc == 2)
                v = k == 0 ? get_decfun_coef(m, (int)j + 1, 0) : -get_decfun_coef(m, (int)j + 1, 0);
            else
                v = get_decfun_coef(m, (int)j + 1, k);
            w[j * stride + off + (unsigned)lab] = (float)v;
        }
    }
    if (n_out > 1 && nc == 1)
        bias[off + (unsigned)labels[0]] = 1;
    free_and_destroy_model(&m);
}

/* The ranking pairs of the source of candidate `cd` against gold `gc`: the
 * right options (the names the scorer accepts that are most of the gold
 * name: "US" is inside "US officials" and "Russian", and says little)
 * against the wrong ones, among what an explicit pick fits when it fits
 * any. */
static void speaker_pairs(prob *pr, const fmap *m, const learn_cand *cd,
                          const tally_score_claim *gc)
{
    size_t n = cd->n_speakers;
    bool *right = tally_xcalloc(n + 1, sizeof *right);
    learn_option *opt = tally_xcalloc(n + 1, sizeof *opt);
    bool any = false;
    for (size_t o = 0; o < n; o++)
        any |= right[o] = close_name(cd->speakers[o].name, gc->source);
    for (size_t o = 0; o < n && !any; o++)
        right[o] = tally_score_source_eq(cd->speakers[o].name, gc->source);
    bool fitting = false;
    for (size_t o = 0; o < n && learn_explicit_source(&cd->claim); o++)
        fitting = fitting || cd->speakers[o].fits;
    size_t no = 0;
    for (size_t o = 0; o < n; o++)
        if (!fitting || cd->speakers[o].fits) {
            right[no] = right[o];
            opt[no++] = cd->speakers[o];
        }
    prob_add_ranking(pr, m, opt, no, right);
    free(right);
    free(opt);
}

/* ---- the source decision's document stage (docsource.c), by stacking ------------------ */

enum { DOC_FOLDS = 5, DOC_SEED = 1 }; /* the inner folds that give its inputs */

/* The document stage's training instances: each matched candidate's options,
 * their features and first-stage scores, and which are right. */
typedef struct dinst {
    learn_fv *fv;
    double *z;
    bool *right;
    size_t n;
} dinst;

typedef struct dstage {
    tally_arena *a;
    hds acc;
    dinst *v;
    size_t n, cap;
} dstage;

/* The candidates of document `d` that model `m` keeps, as learn_decide
 * keeps them (of each figure's, the likeliest over the threshold, if it
 * has a recipient), into from[] in order; returns how many. */
static size_t kept_of(const tally_learn_model *m, const tdoc *d, size_t *from)
{
    size_t n = d->sink.n, nk = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i, best = SIZE_MAX;
        double bp = 0;
        tally_claim c, bc;
        for (; j < n && d->sink.v[j].group == d->sink.v[i].group; j++) {
            double p = learn_apply(m, &d->sink.v[j], &c, NULL);
            if (p >= m->threshold && (best == SIZE_MAX || p > bp)) {
                best = j;
                bp = p;
                bc = c;
            }
        }
        if (best != SIZE_MAX && learn_has_recipient(m, &bc))
            from[nk++] = best;
        i = j;
    }
    return nk;
}

/* The instances of document `d` (number `doc`) under model `m`, which was
 * trained without it: the window's pool is the claims m keeps, from[0, nk). */
static void doc_stage_collect(const tally_learn_model *m, const tdoc *d, uint32_t doc,
                              const size_t *from, size_t nk, dstage *ds)
{
    size_t n = d->sink.n;
    tally_arena *a = ds->a;
    learn_spk *s = tally_arena_alloc(a, (n + 1) * sizeof *s);
    bool *kept = tally_arena_alloc(a, (n + 1) * sizeof *kept);
    learn_spk *pool_v = tally_arena_alloc(a, (nk + 1) * sizeof *pool_v);
    size_t n_pool = 0;
    for (size_t j = 0; j < n; j++) {
        kept[j] = false;
        learn_doc_spk_of(m, &d->sink.v[j], &s[j], a);
    }
    for (size_t i = 0; i < nk; i++) {
        kept[from[i]] = true;
        pool_v[n_pool++] = s[from[i]];
    }
    learn_doc_pool pool;
    learn_doc_pool_of(&pool, pool_v, n_pool, a);
    for (size_t k = 0; k < n; k++) {
        long g = d->match[k];
        if (g < 0 || s[k].n < 2)
            continue;
        const char *gs = d->gold[g].source;
        dinst di = {tally_arena_alloc(a, s[k].n * sizeof *di.fv),
                    tally_arena_alloc(a, s[k].n * sizeof *di.z),
                    tally_arena_alloc(a, s[k].n * sizeof *di.right), s[k].n};
        size_t n_right = 0;
        for (size_t o = 0; o < s[k].n; o++)
            n_right += di.right[o] = close_name(s[k].o[o].name, gs);
        for (size_t o = 0; o < s[k].n && n_right == 0; o++)
            di.right[o] = tally_score_source_eq(s[k].o[o].name, gs);
        n_right = 0;
        for (size_t o = 0; o < s[k].n; o++)
            n_right += di.right[o];
        if (n_right == 0 || n_right == s[k].n)
            continue;
        for (size_t o = 0; o < s[k].n; o++) {
            di.fv[o] = (learn_fv){NULL, NULL, 0, 0};
            learn_doc_features(&pool, &s[k], kept[k], o, &di.fv[o], false, a);
            di.z[o] = s[k].o[o].z;
            train_hds_add(&ds->acc, &di.fv[o], doc);
        }
        if (ds->n == ds->cap)
            ds->v = tally_xrealloc(ds->v, (ds->cap = ds->cap ? 2 * ds->cap : 256) * sizeof *ds->v);
        ds->v[ds->n++] = di;
    }
}

static void train_model(const trainer *t, const bool *use, bool stacked, double c, double threshold,
                        const char *note, tally_buf *out);

/* What a stacked stage collects from one training document (number `doc`)
 * under first-stage model `m`, which was trained without it. */
typedef void (*stack_collect_fn)(const tally_learn_model *m, const tdoc *d, uint32_t doc,
                                 void *user);

/* Stacking, for any second stage: splits the documents `use` into inner
 * folds (fixed seed), trains a first-stage model on all but one and hands
 * each document of that one to collect(), so that a second stage learns how
 * the first does on documents it has not seen. */
static void stack_inner(const trainer *t, const bool *use, double c, double threshold,
                        stack_collect_fn collect, void *user)
{
    size_t n_use = 0;
    for (size_t i = 0; i < t->n_docs; i++)
        n_use += use[i];
    unsigned *fold = tally_xmalloc((n_use + 1) * sizeof *fold);
    bool *inner = tally_xmalloc((t->n_docs + 1) * sizeof *inner);
    unsigned k = n_use < DOC_FOLDS ? (unsigned)n_use : DOC_FOLDS;
    if (k > 1)
        train_folds(n_use, k, DOC_SEED, fold);
    tally_buf bytes;
    tally_buf_init(&bytes, (size_t)1 << 30);
    for (unsigned f = 0; f < k && k > 1; f++) {
        for (size_t i = 0, u = 0; i < t->n_docs; i++) {
            inner[i] = use[i] && fold[u] != f;
            u += use[i];
        }
        train_model(t, inner, false, c, threshold, "", &bytes);
        tally_learn_model *m;
        if (tally_learn_model_parse(bytes.ptr, bytes.len, &m, NULL) != 0)
            continue;
        for (size_t i = 0, u = 0; i < t->n_docs; i++)
            if (use[i] && fold[u++] == f)
                collect(m, &t->docs[i], (uint32_t)i, user);
        tally_learn_model_free(m);
    }
    tally_buf_free(&bytes);
    free(fold);
    free(inner);
}

static void head_add_rows(learn_head_w *h, fmap *keys, const uint32_t *k2, const float *w2,
                          size_t n2);

/* The document stage's weights from the instances `ds` that stack_inner
 * collected for a model's documents (their inputs from models trained on
 * the others), so that it learns how the first stage does on unseen
 * documents. Adds them to the SPEAKER head `h` (whose keys m_keys holds). */
static void doc_stage_fit(dstage *dsp, double c, learn_head_w *h, fmap *keys)
{
    dstage ds = *dsp;
    fmap dm = train_fmap_of(&ds.acc);
    prob pr = {0};
    int zi = (int)dm.n + 1;
    for (size_t i = 0; i < ds.n; i++) {
        const dinst *di = &ds.v[i];
        size_t pairs = 0;
        for (size_t p = 0; p < di->n; p++)
            for (size_t q = 0; di->right[p] && q < di->n; q++)
                if (!di->right[q]) {
                    double dz = di->z[p] - di->z[q], mz = -dz;
                    if (pairs++ % 2 == 0)
                        prob_add_diff_x(&pr, &dm, &di->fv[p], &di->fv[q], zi, &dz, 1, 1);
                    else
                        prob_add_diff_x(&pr, &dm, &di->fv[q], &di->fv[p], zi, &mz, 1, -1);
                }
    }
    float *w = tally_xcalloc(dm.n + 2, sizeof *w), bias[LEARN_MAX_OUTS];
    if (pr.p.l == 0) /* nothing to learn from: the first stage decides alone */
        goto out;
    train_fit(&pr, dm.n + 1, c, 1, w, 1, 0, bias);
    /* the second stage's rows and LEARN_DOC_Z's (the weight of z), in key
     * order, added to the first stage's */
    uint32_t *k2 = tally_xmalloc((dm.n + 1) * sizeof *k2);
    float *w2 = tally_xmalloc((dm.n + 1) * sizeof *w2);
    size_t n2 = 0;
    bool z_done = false;
    for (size_t i = 0; i <= dm.n; i++) {
        if (!z_done && (i == dm.n || dm.h[i] >= LEARN_DOC_Z)) {
            bool same = i < dm.n && dm.h[i] == LEARN_DOC_Z;
            k2[n2] = LEARN_DOC_Z;
            w2[n2++] = w[dm.n] + (same ? w[i] : 0);
            z_done = true;
            if (same)
                continue;
        }
        if (i < dm.n) {
            k2[n2] = dm.h[i];
            w2[n2++] = w[i];
        }
    }
    head_add_rows(h, keys, k2, w2, n2);
    free(k2);
    free(w2);
out:
    free(w);
    train_prob_free(&pr);
    free(dm.h);
    free(ds.v);
    tally_arena_free(ds.a);
}

/* ---- the kind decision's document stage (dockind.c), by stacking ------------------- */

/* One training instance: a kept, matched claim's stage features, inputs and gold kind. */
typedef struct kinst {
    learn_fv fv;
    double x[LEARN_N_KINDS];
    unsigned y;
} kinst;

typedef struct kstage {
    tally_arena *a;
    hds acc;
    kinst *v;
    size_t n, cap;
} kstage;

/* The instances of document `d` (number `doc`) under model `m`, trained
 * without it: the claims m keeps, from[0, nk), with the KIND head's scores. */
static void kind_stage_collect(const tally_learn_model *m, const tdoc *d, uint32_t doc,
                               const size_t *from, size_t nk, kstage *ks)
{
    learn_kdec *v = tally_arena_alloc(ks->a, (nk + 1) * sizeof *v);
    for (size_t i = 0; i < nk; i++) {
        const learn_cand *cd = &d->sink.v[from[i]];
        learn_kdec *k = &v[i];
        learn_scores(m, LEARN_KIND, &cd->kind, k->z);
        k->first = k->pick = learn_kind_of(k->z);
        k->sentence = cd->claim.sentence_start;
        k->classes = cd->classes;
    }
    for (size_t i = 0; i < nk; i++) {
        long g = d->match[from[i]];
        if (g < 0)
            continue;
        if (ks->n == ks->cap)
            ks->v = tally_xrealloc(ks->v, (ks->cap = ks->cap ? 2 * ks->cap : 256) * sizeof *ks->v);
        kinst *e = &ks->v[ks->n++];
        e->fv = (learn_fv){NULL, NULL, 0, 0};
        learn_dockind_features(v, nk, &v[i], &e->fv, false, ks->a);
        learn_dockind_inputs(v[i].z, e->x);
        e->y = (unsigned)tally_kind_parse(d->gold[g].kind);
        train_hds_add(&ks->acc, &e->fv, doc);
    }
}

/* Adds rows keys k2[0, n2) (sorted, unique) of weights w2 (h->outs a row)
 * to head h, whose keys `keys` holds: a key of both gets the sum. */
static void head_add_rows(learn_head_w *h, fmap *keys, const uint32_t *k2, const float *w2,
                          size_t n2)
{
    unsigned outs = h->outs;
    size_t n = h->n + n2, u = 0, a = 0, b = 0;
    uint32_t *key = tally_xmalloc((n + 1) * sizeof *key);
    float *wt = tally_xcalloc(n * outs + 1, sizeof *wt);
    while (a < h->n || b < n2) {
        uint32_t ka = a < h->n ? h->key[a] : UINT32_MAX, kb = b < n2 ? k2[b] : UINT32_MAX;
        uint32_t kmin = ka < kb ? ka : kb;
        key[u] = kmin;
        for (unsigned o = 0; o < outs; o++)
            wt[u * outs + o] =
                (ka == kmin ? h->w[a * outs + o] : 0) + (kb == kmin ? w2[b * outs + o] : 0);
        a += ka == kmin;
        b += kb == kmin;
        u++;
    }
    free(keys->h);
    free(h->w);
    keys->h = key;
    keys->n = u;
    h->key = key;
    h->n = u;
    h->w = wt;
}

/* The kind stage's weights from the instances `ks`: a ranking of the kinds
 * of each claim that the stage may choose (the gold kind above each other),
 * on the first stage's
 * score of the kind (one weight) and, for each kind, a bias and a weight of
 * each document feature. LIBLINEAR's feature j * LEARN_N_KINDS + k + 1 is
 * document feature j (of dm) for kind k; then the biases, then w_z. The
 * weights go into the KIND head `h` (whose keys `keys` holds), column k for
 * kind k. */
static void kind_stage_fit(kstage *ks, double c, learn_head_w *h, fmap *keys)
{
    enum { K = LEARN_N_KINDS };
    fmap dm = train_fmap_of(&ks->acc);
    prob pr = {0};
    int bias0 = (int)dm.n * K + 1, zi = bias0 + K;
    size_t pairs = 0;
    for (size_t i = 0; i < ks->n; i++) {
        const kinst *e = &ks->v[i];
        for (unsigned q = 0; q < K; q++) {
            /* among the kinds the stage may choose */
            if (q == e->y || !learn_dockind_open(e->x[q]) || !learn_dockind_open(e->x[e->y]))
                continue;
            /* the gold kind y against q: +(y) -(q), or the reverse every other pair */
            double sign = pairs++ % 2 == 0 ? 1 : -1;
            struct feature_node *x = tally_xmalloc((2 * e->fv.n + 4) * sizeof *x);
            size_t n = 0;
            for (uint32_t f = 0; f < e->fv.n; f++) {
                int j = fmap_index(&dm, e->fv.h[f]);
                if (j == 0)
                    continue;
                x[n++] = (struct feature_node){(j - 1) * K + (int)e->y + 1, sign};
                x[n++] = (struct feature_node){(j - 1) * K + (int)q + 1, -sign};
            }
            x[n++] = (struct feature_node){bias0 + (int)e->y, sign};
            x[n++] = (struct feature_node){bias0 + (int)q, -sign};
            x[n++] = (struct feature_node){zi, sign * (e->x[e->y] - e->x[q])};
            prob_push(&pr, x, n, sign);
        }
    }
    size_t nf = (size_t)zi, outs = LEARN_KIND_OUTS;
    float *w = tally_xcalloc(nf + 1, sizeof *w), bias[LEARN_MAX_OUTS];
    uint32_t *k2 = tally_xmalloc((dm.n + 3) * sizeof *k2);
    float *w2 = tally_xcalloc((dm.n + 2) * outs + 1, sizeof *w2);
    if (pr.p.l == 0) /* nothing to learn from: the first stage decides alone */
        goto out;
    train_fit(&pr, nf, c, 1, w, 1, 0, bias);
    /* w_z and the biases first (their keys are below the features') */
    k2[0] = LEARN_DOCK_Z;
    k2[1] = LEARN_DOCK_BIAS;
    for (size_t k = 0; k < K; k++) {
        w2[k] = w[zi - 1];
        w2[outs + k] = w[(size_t)bias0 - 1 + k];
    }
    for (size_t j = 0; j < dm.n; j++) {
        k2[2 + j] = dm.h[j];
        for (size_t k = 0; k < K; k++)
            w2[(2 + j) * outs + k] = w[j * K + k];
    }
    head_add_rows(h, keys, k2, w2, dm.n + 2);
out:
    free(w);
    free(w2);
    free(k2);
    train_prob_free(&pr);
    free(dm.h);
    free(ks->v);
}

/* What stack_inner collects for both second stages. */
typedef struct stages {
    dstage src;
    kstage kind;
} stages;

static void stacked_collect(const tally_learn_model *m, const tdoc *d, uint32_t doc, void *user)
{
    stages *st = user;
    size_t *from = tally_xmalloc((d->sink.n + 1) * sizeof *from);
    size_t nk = kept_of(m, d, from);
    doc_stage_collect(m, d, doc, from, nk, &st->src);
    kind_stage_collect(m, d, doc, from, nk, &st->kind);
    free(from);
}

/* ---- training one model ---------------------------------------------------------- */

/* Trains on the documents `use` and writes the model into `out`; with
 * `stacked`, with the source decision's document stage. */
static void train_model(const trainer *t, const bool *use, bool stacked, double c, double threshold,
                        const char *note, tally_buf *out)
{
    learn_head_w heads[LEARN_N_HEADS];
    memset(heads, 0, sizeof heads);
    /* the features each head keeps */
    hds acc[LEARN_N_HEADS];
    memset(acc, 0, sizeof acc);
    for (size_t i = 0; i < t->n_docs; i++) {
        const tdoc *d = &t->docs[i];
        if (!use[i])
            continue;
        for (size_t k = 0; k < d->sink.n; k++) {
            const learn_cand *cd = &d->sink.v[k];
            train_hds_add(&acc[LEARN_FIG], &cd->fig, (uint32_t)i);
            if (d->match[k] < 0)
                continue;
            train_hds_add(&acc[LEARN_KIND], &cd->kind, (uint32_t)i);
            for (size_t o = 0; o < cd->n_speakers; o++)
                train_hds_add(&acc[LEARN_SPEAKER], &cd->speakers[o].fv, (uint32_t)i);
            for (size_t o = 0; o < cd->n_states; o++)
                train_hds_add(&acc[LEARN_STATE], &cd->states[o].fv, (uint32_t)i);
        }
    }
    fmap maps[LEARN_N_HEADS];
    for (int h = 0; h < LEARN_N_HEADS; h++)
        maps[h] = train_fmap_of(&acc[h]);
    /* the problems */
    prob scope = {0}, kind = {0}, speaker = {0}, sup = {0}, rec = {0};
    for (size_t i = 0; i < t->n_docs; i++) {
        const tdoc *d = &t->docs[i];
        if (!use[i])
            continue;
        for (size_t k = 0; k < d->sink.n; k++) {
            const learn_cand *cd = &d->sink.v[k];
            long g = d->match[k];
            train_prob_add(&scope, &maps[LEARN_FIG], &cd->fig, g >= 0 ? 1 : -1);
            if (g < 0)
                continue;
            const tally_score_claim *gc = &d->gold[g];
            train_prob_add(&kind, &maps[LEARN_KIND], &cd->kind, tally_kind_parse(gc->kind));
            speaker_pairs(&speaker, &maps[LEARN_SPEAKER], cd, gc);
            bool *right = tally_xcalloc(cd->n_speakers + cd->n_states + 1, sizeof *right);
            const char *want[2] = {gc->supplier ? gc->supplier : "",
                                   gc->recipient ? gc->recipient : ""};
            prob *pr[2] = {&sup, &rec};
            for (int r = 0; r < 2; r++) {
                /* an explicit supplier stays the rules' */
                if (r == 0 && learn_explicit_supplier(&cd->claim))
                    continue;
                for (size_t o = 0; o < cd->n_states; o++)
                    right[o] = strcmp(cd->states[o].country, want[r]) == 0;
                prob_add_ranking(pr[r], &maps[LEARN_STATE], cd->states, cd->n_states, right);
            }
            free(right);
        }
    }
    for (int h = 0; h < LEARN_N_HEADS; h++) {
        heads[h].outs = learn_head_outputs((learn_head)h);
        heads[h].n = maps[h].n;
        heads[h].key = maps[h].h;
        heads[h].w = tally_xcalloc(maps[h].n * heads[h].outs + 1, sizeof *heads[h].w);
    }
    /* the regularisation of each decision, chosen by cross-validation on
     * ../shared/corpus (stronger for scope and the rankings, whose features
     * are many and sparse); opts->c, when given, sets all */
    double cs = c > 0 ? c : C_SCOPE, ck = c > 0 ? c : C_KIND, cr = c > 0 ? c : C_RANK;
    train_fit(&scope, maps[LEARN_FIG].n, cs, 1, heads[LEARN_FIG].w, LEARN_FIG_OUTS, LEARN_FIG_SCOPE,
              heads[LEARN_FIG].bias);
    train_fit(&kind, maps[LEARN_KIND].n, ck, LEARN_N_KINDS, heads[LEARN_KIND].w, LEARN_KIND_OUTS, 0,
              heads[LEARN_KIND].bias);
    train_fit(&speaker, maps[LEARN_SPEAKER].n, cr, 1, heads[LEARN_SPEAKER].w, 1, 0,
              heads[LEARN_SPEAKER].bias);
    if (stacked) {
        /* the second stages, on inputs from inner folds */
        stages st = {{tally_arena_new(), {NULL, 0, 0}, NULL, 0, 0},
                     {tally_arena_new(), {NULL, 0, 0}, NULL, 0, 0}};
        stack_inner(t, use, c, threshold, stacked_collect, &st);
        doc_stage_fit(&st.src, cr, &heads[LEARN_SPEAKER], &maps[LEARN_SPEAKER]);
        kind_stage_fit(&st.kind, C_DOCK, &heads[LEARN_KIND], &maps[LEARN_KIND]);
        tally_arena_free(st.kind.a);
    }
    train_fit(&sup, maps[LEARN_STATE].n, cr, 1, heads[LEARN_STATE].w, LEARN_STATE_OUTS,
              LEARN_STATE_SUPPLIER, heads[LEARN_STATE].bias);
    train_fit(&rec, maps[LEARN_STATE].n, cr, 1, heads[LEARN_STATE].w, LEARN_STATE_OUTS,
              LEARN_STATE_RECIPIENT, heads[LEARN_STATE].bias);
    learn_model_write(heads, threshold, note, out);
    prob *all[] = {&scope, &kind, &speaker, &sup, &rec};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        train_prob_free(all[i]);
    for (int h = 0; h < LEARN_N_HEADS; h++) {
        free(maps[h].h);
        free(heads[h].w);
    }
}

/* Scores model `m` on document `d`; reports the claims to `o` when held out. */
static void score_doc(const tally_learn_model *m, const tdoc *d, tally_score *acc,
                      const tally_train_opts *o)
{
    tally_score_claim *p = tally_xcalloc(d->sink.n + 1, sizeof *p);
    tally_claim *out = tally_xcalloc(d->sink.n + 1, sizeof *out);
    size_t n = learn_decide(m, d->sink.v, d->sink.n, out, false, NULL);
    for (size_t k = 0; k < n; k++) {
        score_claim(d, &out[k], &p[k]);
        if (o != NULL && o->on_heldout != NULL)
            o->on_heldout(o->user, d->name, &out[k], d->sink.body.ptr);
    }
    tally_score_doc(d->gold, d->n_gold, p, n, d->date, acc, NULL);
    free(out);
    for (size_t i = 0; i < n; i++)
        tally_score_claim_clear(&p[i]);
    free(p);
}

/* ---- the whole -------------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void train_folds(size_t n, unsigned k, unsigned seed, unsigned *fold)
{
    size_t *order = tally_xmalloc((n + 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    uint64_t s = seed;
    for (size_t i = n - 1; i > 0 && n > 0; i--) {
        size_t j = (size_t)(splitmix(&s) % (i + 1));
        size_t tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    for (size_t i = 0; i < n; i++)
        fold[order[i]] = (unsigned)(i % k);
    free(order);
}

unsigned train_set_folds(const tally_train_opts *o, void *docs, size_t n, size_t size,
                         size_t fold_at)
{
    unsigned k = o->folds > 1 ? o->folds : 0;
    if (k > n)
        k = (unsigned)n;
    if (k < 2)
        return k;
    unsigned *fold = tally_xmalloc(n * sizeof *fold);
    train_folds(n, k, o->seed, fold);
    for (size_t i = 0; i < n; i++)
        memcpy((char *)docs + i * size + fold_at, &fold[i], sizeof fold[i]);
    free(fold);
    return k;
}

void tally_train_report_free(tally_train_report *r)
{
    if (r == NULL)
        return;
    free(r->fold);
    r->fold = NULL;
}

/* Reads the documents of folders `dirs` into `t` (one that cannot be read
 * is reported and left out). */
static int read_corpus(trainer *t, const char *const *dirs, size_t n_dirs, tally_err *err)
{
    const tally_train_opts *opts = t->w.o;
    train_pair *pairs;
    size_t n_pairs;
    int rc = train_list(dirs, n_dirs, ".gold.jsonl", "gold file", &t->w, &pairs, &n_pairs, err);
    if (rc != 0)
        return rc;
    t->docs = tally_xcalloc(n_pairs + 1, sizeof *t->docs);
    size_t kept = 0;
    for (size_t i = 0; i < n_pairs; i++) {
        tdoc *d = &t->docs[kept];
        memset(d, 0, sizeof *d);
        d->name = pairs[i].name;
        d->path = pairs[i].path;
        d->gold =
            train_read_gold(d->path, ".gold.jsonl", sizeof *d->gold, gold_line, &t->w, &d->n_gold);
        tally_err e = {0, ""};
        if (read_text(d, &e) != 0) {
            train_warnf(&t->w, "%s:1: %s; left out", d->path, e.msg);
            doc_free(d);
            continue;
        }
        align(d);
        if (opts->on_gap != NULL)
            report_gaps(opts, d);
        kept++;
    }
    free(pairs);
    t->n_docs = kept;
    if (t->n_docs == 0)
        return tally_err_set(err, TALLY_EINPUT, "no documents with gold claims to train on");
    return 0;
}

void train_claims_without(const char *const *dirs, size_t n_dirs, const char *const *names,
                          const unsigned *fold, size_t n, unsigned k, tally_buf *models)
{
    static const tally_train_opts quiet_opts = {0};
    trainer t = {{&quiet_opts, 0}, NULL, 0};
    bool *use = NULL;
    tally_err err = {0, ""};
    if (read_corpus(&t, dirs, n_dirs, &err) != 0)
        goto out; /* no claims to learn from: the models stay empty */
    /* each claims document's fold among the named ones (k: none) */
    unsigned *of = tally_xmalloc((t.n_docs + 1) * sizeof *of);
    for (size_t i = 0; i < t.n_docs; i++) {
        of[i] = k;
        for (size_t j = 0; j < n && of[i] == k; j++)
            if (strcmp(t.docs[i].name, names[j]) == 0)
                of[i] = fold[j];
    }
    use = tally_xcalloc(t.n_docs + 1, sizeof *use);
    for (unsigned f = 0; f < k; f++)
        for (unsigned g = f; g < k; g++) {
            for (size_t i = 0; i < t.n_docs; i++)
                use[i] = of[i] != f && of[i] != g;
            train_model(&t, use, true, 0, DEFAULT_THRESHOLD, "", &models[f * k + g]);
        }
    free(of);
out:
    free(use);
    for (size_t i = 0; i < t.n_docs; i++)
        doc_free(&t.docs[i]);
    free(t.docs);
}

int tally_train(const char *const *dirs, size_t n_dirs, const tally_train_opts *opts,
                tally_buf *model, tally_train_report *rep, tally_err *err)
{
    trainer t = {{opts, 0}, NULL, 0};
    bool *use = NULL; /* the documents a model trains on */
    memset(rep, 0, sizeof *rep);
    double c = opts->c; /* 0: each decision's own */
    double threshold = opts->threshold > 0 ? opts->threshold : DEFAULT_THRESHOLD;
    int rc = read_corpus(&t, dirs, n_dirs, err);
    if (rc != 0)
        goto out;
    rep->docs = t.n_docs;
    use = tally_xcalloc(t.n_docs + 1, sizeof *use);
    for (size_t i = 0; i < t.n_docs; i++) {
        rep->gold += t.docs[i].n_gold;
        rep->candidates += t.docs[i].sink.n;
    }
    /* the folds: a fixed shuffle of the sorted documents */
    unsigned k = train_set_folds(opts, t.docs, t.n_docs, sizeof *t.docs, offsetof(tdoc, fold));
    if (k > 1) {
        rep->folds = k;
        rep->fold = tally_xcalloc(k, sizeof *rep->fold);
        tally_buf bytes;
        tally_buf_init(&bytes, (size_t)1 << 30);
        for (unsigned f = 0; f < k; f++) {
            for (size_t i = 0; i < t.n_docs; i++)
                use[i] = t.docs[i].fold != f;
            train_model(&t, use, true, c, threshold, "", &bytes);
            tally_learn_model *m;
            if (tally_learn_model_parse(bytes.ptr, bytes.len, &m, err) != 0) {
                rc = err != NULL ? err->code : TALLY_EINPUT;
                tally_buf_free(&bytes);
                goto out;
            }
            for (size_t i = 0; i < t.n_docs; i++)
                if (t.docs[i].fold == f)
                    score_doc(m, &t.docs[i], &rep->fold[f], opts);
            tally_score_add(&rep->cv, &rep->fold[f]);
            tally_learn_model_free(m);
        }
        tally_buf_free(&bytes);
    }
    /* the model of all the documents */
    for (size_t i = 0; i < t.n_docs; i++)
        use[i] = true;
    train_model(&t, use, true, c, threshold, opts->note, model);
    tally_learn_model *m;
    if (tally_learn_model_parse(model->ptr, model->len, &m, err) != 0) {
        rc = err != NULL ? err->code : TALLY_EINPUT;
        goto out;
    }
    for (size_t i = 0; i < t.n_docs; i++)
        score_doc(m, &t.docs[i], &rep->fit, NULL);
    tally_learn_model_free(m);
out:
    free(use);
    rep->skipped = t.w.skipped;
    for (size_t i = 0; i < t.n_docs; i++)
        doc_free(&t.docs[i]);
    free(t.docs);
    return rc;
}
