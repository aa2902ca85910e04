/* The kind decision's document stage (learn.h, "the kind decision's document
 * stage").
 *
 * The KIND head (the first stage) reads a figure's own clause. Held out, its
 * errors cluster by document: the gold's conventions are about the document
 * ("the items of an announced package are planned whatever the tense"; a
 * list of figures shares one kind). The second stage re-decides each kept
 * claim's kind among those the first stage scores within LEARN_DOCK_MARGIN
 * of its best (the decisions it hesitates on: transfer or planned,
 * financial or planned): the score of kind k is w_z times the first
 * stage's score of k (less its best), plus a bias of k, plus a weight of k
 * for each of the claim's document features:
 * - the kind classes (kindwords.h: package, commit, announce, finance,
 *   consume...) of the window's other kept claims' sentences, counted;
 * - the share of those claims the first stage gave each kind, with this
 *   claim's first-stage kind.
 * It is learned by stacking, as the source's document stage (docsource.c;
 * train.c's stack_inner): its inputs on each training document come from a
 * first stage trained without that document, so that it learns how far the
 * first stage is to be trusted on documents it has not seen.
 *
 * Cross-validated by document on dev + train, kind accuracy went from
 * 0.830 to 0.846 (mean of seeds 1-5; seeds 6-10: 0.826 to 0.836). Ranking
 * all kinds instead of the close ones lowered it (0.826), and so did the
 * first stage's kinds of the same sentence.
 *
 * Its weights live in the KIND head beside the first stage's: the rows of
 * features of their own (learn_doc_fid, templates from 520; column k is the
 * weight for kind k), the bias row (key LEARN_DOCK_BIAS) and w_z (key
 * LEARN_DOCK_Z, in every column); a model without them decides as the
 * first stage alone. Everything is allocated in the caller's
 * arena. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kindwords.h"
#include "learn.h"

enum {
    K_DOC = 520, /* the first stage's kind, a kind, the share of the window's others with it */
    K_CUE        /* a kind class (kindwords.h) and how many others' sentences have it */
};

static const char *const tpl_names[] = {"dockind.doc", "dockind.cue"};

bool learn_dockind_open(double x)
{
    return x >= -LEARN_DOCK_MARGIN;
}

bool learn_dockind_present(const tally_learn_model *m)
{
    return m->head[LEARN_KIND].present && learn_row(m, LEARN_KIND, LEARN_DOCK_Z) != NULL;
}

void learn_dockind_inputs(const double *z, double *x)
{
    double best = z[0];
    for (unsigned k = 1; k < LEARN_N_KINDS; k++)
        best = z[k] > best ? z[k] : best;
    for (unsigned k = 0; k < LEARN_N_KINDS; k++) {
        double d = z[k] - best; /* the first stage's log-odds against its best, bounded */
        x[k] = d < -LEARN_DOCK_FLOOR ? -LEARN_DOCK_FLOOR : d;
    }
}

/* Adds a feature; its name (--explain) says the class or the kinds:
 * "dockind.cue=package/2" (a class, how many others have it, bucketed),
 * "dockind.doc=transfer/planned/5" (the first stage's kind, a kind, the
 * share's bucket). */
static void put(learn_fv *fv, tally_arena *a, bool named, unsigned tpl, unsigned x, unsigned y,
                unsigned z)
{
    learn_doc_put(fv, a, named, tpl_names[tpl - K_DOC], tpl, x, y, z);
    if (!named)
        return;
    char buf[64];
    int len =
        tpl == K_CUE
            ? snprintf(buf, sizeof buf, "%s=%s/%u", tpl_names[tpl - K_DOC], kw_class_name(x), y)
            : snprintf(buf, sizeof buf, "%s=%s/%s/%u", tpl_names[tpl - K_DOC],
                       tally_kind_name((tally_kind)x), tally_kind_name((tally_kind)y), z);
    fv->name[fv->n - 1] = tally_arena_strndup(a, buf, (size_t)len);
}

/* The window's kept claims counted once: how many sentences have each kind
 * class and how many claims the first stage gave each kind. A claim's
 * features read these less its own (pool_features), so that a window of n
 * claims costs n, not n squared. */
typedef struct {
    unsigned cue[KC_INCLUDE + 1], doc[LEARN_N_KINDS], n;
} pool;

static void pool_of(const learn_kdec *v, size_t n, pool *p)
{
    memset(p, 0, sizeof *p);
    for (size_t j = 0; j < n; j++) {
        for (unsigned c = KC_MOVE; c <= KC_INCLUDE; c++)
            p->cue[c] += (v[j].classes >> c) & 1u;
        p->doc[v[j].first]++;
        p->n++;
    }
}

/* Decision s's features beside pool p, s's own counts taken out when it is
 * in the pool. */
static void pool_features(const pool *p, const learn_kdec *s, bool in_pool, learn_fv *fv,
                          bool named, tally_arena *a)
{
    fv->n = 0;
    unsigned self = in_pool ? 1u : 0u, others = p->n - self;
    for (unsigned c = KC_MOVE; c <= KC_INCLUDE; c++) {
        unsigned cue = p->cue[c] - (in_pool ? (unsigned)((s->classes >> c) & 1u) : 0u);
        if (cue > 0)
            put(fv, a, named, K_CUE, c, learn_doc_count_bucket(cue), 0);
    }
    for (unsigned k = 0; k < LEARN_N_KINDS; k++) {
        unsigned doc = p->doc[k] - (in_pool && k == (unsigned)s->first ? 1u : 0u);
        if (doc > 0)
            put(fv, a, named, K_DOC, s->first, k, learn_doc_bucket((double)doc / others));
    }
}

void learn_dockind_features(const learn_kdec *v, size_t n, const learn_kdec *s, learn_fv *fv,
                            bool named, tally_arena *a)
{
    pool p;
    pool_of(v, n, &p);
    bool in_pool = false;
    for (size_t j = 0; j < n && !in_pool; j++)
        in_pool = &v[j] == s;
    pool_features(&p, s, in_pool, fv, named, a);
}

void learn_dockind_scores(const tally_learn_model *m, const learn_fv *fv, const double *z,
                          double *out)
{
    double x[LEARN_N_KINDS];
    learn_dockind_inputs(z, x);
    for (unsigned k = 0; k < LEARN_N_KINDS; k++)
        out[k] = 0;
    learn_add_rows(m, LEARN_KIND, fv->h, fv->n, out);
    const unsigned char *bias = learn_row(m, LEARN_KIND, LEARN_DOCK_BIAS);
    const unsigned char *wz = learn_row(m, LEARN_KIND, LEARN_DOCK_Z);
    for (unsigned k = 0; k < LEARN_N_KINDS; k++) {
        out[k] += (bias != NULL ? (double)learn_f32(bias + 4 * k) : 0) +
                  (wz != NULL ? (double)learn_f32(wz + 4 * k) * x[k] : 0);
        if (z[k] <= -1e29) /* a kind the first stage never saw stays out */
            out[k] = z[k];
        else if (!learn_dockind_open(x[k])) /* nor one far below its best */
            out[k] = -1e30;
    }
}

/* Whether the stage may choose another kind than the first stage's best,
 * from its scores z: a second kind within LEARN_DOCK_MARGIN of the best.
 * When none is, learn_dockind_scores leaves every other kind at -1e30 or at
 * its first-stage score (<= -1e29), so the stage's pick is the best's
 * whatever its features: they need not be built. */
static bool hesitates(const double *z)
{
    double x[LEARN_N_KINDS];
    learn_dockind_inputs(z, x);
    unsigned open = 0;
    for (unsigned k = 0; k < LEARN_N_KINDS; k++)
        open += learn_dockind_open(x[k]);
    return open > 1;
}

/* The softmax share of z[best] among n scores. */
static double share_of(const double *z, size_t n, size_t best)
{
    double sum = 0;
    for (size_t o = 0; o < n; o++)
        sum += exp(z[o] - z[best]);
    return 1.0 / sum;
}

void learn_dockind_decide(const tally_learn_model *m, learn_kdec *v, size_t n,
                          tally_learn_decision *const *why, tally_arena *a)
{
    bool doc = learn_dockind_present(m);
    learn_fv fv = {NULL, NULL, 0, 0};
    pool p;
    if (doc)
        pool_of(v, n, &p);
    for (size_t i = 0; i < n; i++) {
        learn_kdec *s = &v[i];
        s->pick = s->first;
        if (!doc)
            continue;
        bool named = why != NULL && why[i] != NULL;
        if (!named && !hesitates(s->z))
            continue; /* the only kind the stage may choose is the first stage's */
        double out[LEARN_N_KINDS];
        pool_features(&p, s, true, &fv, named, a);
        learn_dockind_scores(m, &fv, s->z, out);
        s->pick = learn_kind_of(out);
        if (named) {
            tally_learn_decision *d = why[i];
            learn_explain(m, LEARN_KIND, &fv, s->pick, share_of(out, LEARN_N_KINDS, s->pick), d);
            double x[LEARN_N_KINDS];
            learn_dockind_inputs(s->z, x);
            const unsigned char *bias = learn_row(m, LEARN_KIND, LEARN_DOCK_BIAS);
            const unsigned char *wz = learn_row(m, LEARN_KIND, LEARN_DOCK_Z);
            learn_explain_add(d, "dockind.first_stage_score",
                              wz != NULL ? (double)learn_f32(wz + 4 * s->pick) * x[s->pick] : 0);
            learn_explain_add(d, "dockind.bias",
                              bias != NULL ? (double)learn_f32(bias + 4 * s->pick) : 0);
        }
    }
}
