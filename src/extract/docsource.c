/* The source decision's document stage (learn.h, "the source decision's
 * document stage").
 *
 * The SPEAKER head (the first stage) ranks a claim's options on what is near
 * the claim and on what the document says of each option. It does not see
 * what was decided for the window's other claims. But a claim its sentence
 * does not attribute mostly takes the source the document's attributed
 * claims name (an article relaying one release, one briefing, one outlet's
 * reporting), and else `author`. The second stage re-ranks each claim's
 * options on the first stage's score beside the share of the window's other
 * bound claims (those whose sentence names the speaker) that picked the
 * option's name, learned by stacking: `tally train` computes these inputs on
 * each training document with a first stage trained without it (inner
 * folds), so that the second stage learns how far the first is to be
 * trusted on a document it has not seen.
 *
 * Cross-validated by document on dev + train (mean of seeds 1-5), source
 * accuracy went from 0.590 to 0.620 with it. Features that pooled the first
 * stage's probabilities over the unattributed claims themselves lowered it
 * (0.555): the first stage's errors on them are the same in a whole document.
 *
 * Its weights live in the SPEAKER head beside the first stage's, under
 * features of their own (templates from 500) and one weight for the first
 * stage's score (key LEARN_DOC_Z); a model without them decides as the
 * first stage alone. Everything here is allocated in the caller's arena. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "learn.h"
#include "tally/ascii.h"

enum {
    D_BOUND = 500, /* the share of the window's other bound claims whose pick it is */
    D_BOUND_OWN    /* that with the option's own rank in the claim */
};

uint32_t learn_doc_fid(unsigned tpl, unsigned a, unsigned b, unsigned c)
{
    uint32_t h = learn_mix(0x51ed27u ^ (uint32_t)tpl * 0x9E3779B1u);
    h = learn_mix(h ^ (uint32_t)a * 0x85ebca6bu);
    h = learn_mix(h ^ (uint32_t)b * 0xc2b2ae35u);
    h = learn_mix(h ^ (uint32_t)c * 0x27d4eb2fu);
    return h > LEARN_DOC_KEYS ? h : LEARN_DOC_KEYS + 1; /* 0 is an empty slot */
}

static const char *const tpl_names[] = {"doc.bound", "doc.bound_own"};

/* A name of the window and the bound claims the first stage gave it. */
struct learn_doc_name {
    const char *name; /* "" for author */
    unsigned bound;
};

static const char *key_of(const learn_spk_opt *o)
{
    return o->origin == LEARN_FROM_AUTHOR || o->name == NULL ? "" : o->name;
}

static bool same_name(const char *a, const char *b)
{
    if (a == b) /* (the options of one speaker share its name) */
        return true;
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if (tally_ascii_lower[(unsigned char)*a] != tally_ascii_lower[(unsigned char)*b])
            return false;
    return *a == *b;
}

static size_t name_of(const learn_doc_pool *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (same_name(key, p->v[i].name))
            return i;
    return SIZE_MAX;
}

size_t learn_doc_first(const learn_spk *s)
{
    size_t best = 0;
    for (size_t o = 1; o < s->n; o++)
        if (s->o[o].z > s->o[best].z)
            best = o;
    return best;
}

void learn_doc_pool_of(learn_doc_pool *p, const learn_spk *v, size_t n, tally_arena *a)
{
    memset(p, 0, sizeof *p);
    for (size_t k = 0; k < n; k++) {
        if (!v[k].bound || v[k].n == 0)
            continue;
        const char *key = key_of(&v[k].o[learn_doc_first(&v[k])]);
        size_t i = name_of(p, key);
        if (i == SIZE_MAX) {
            if (p->n == p->cap) {
                size_t cap = p->cap ? 2 * p->cap : 16;
                struct learn_doc_name *nv = tally_arena_alloc(a, cap * sizeof *nv);
                if (p->n)
                    memcpy(nv, p->v, p->n * sizeof *nv);
                p->v = nv;
                p->cap = cap;
            }
            i = p->n++;
            p->v[i] = (struct learn_doc_name){key, 0};
        }
        p->v[i].bound++;
        p->n_bound++;
    }
}

unsigned learn_doc_bucket(double x)
{
    return x <= 0.0 ? 0 : x < 0.1 ? 1 : x < 0.25 ? 2 : x < 0.5 ? 3 : x < 0.75 ? 4 : 5;
}

unsigned learn_doc_count_bucket(unsigned n)
{
    return n == 0 ? 0 : n == 1 ? 1 : n < 4 ? 2 : n < 8 ? 3 : 4;
}

void learn_doc_put(learn_fv *fv, tally_arena *a, bool named, const char *tpl_name, unsigned tpl,
                   unsigned x, unsigned y, unsigned z)
{
    if (fv->n == fv->cap) {
        uint32_t cap = fv->cap ? 2 * fv->cap : 8;
        uint32_t *nh = tally_arena_alloc(a, cap * sizeof *nh);
        const char **nn = named ? tally_arena_alloc(a, cap * sizeof *nn) : NULL;
        if (fv->n) {
            memcpy(nh, fv->h, fv->n * sizeof *nh);
            if (named)
                memcpy(nn, fv->name, fv->n * sizeof *nn);
        }
        fv->h = nh;
        fv->name = nn;
        fv->cap = cap;
    }
    if (named) {
        char buf[48];
        int len = snprintf(buf, sizeof buf, "%s=%u/%u/%u", tpl_name, x, y, z);
        fv->name[fv->n] = tally_arena_strndup(a, buf, (size_t)len);
    }
    fv->h[fv->n++] = learn_doc_fid(tpl, x, y, z);
}

static void put(learn_fv *fv, tally_arena *a, bool named, unsigned tpl, unsigned x, unsigned y,
                unsigned z)
{
    learn_doc_put(fv, a, named, tpl_names[tpl - D_BOUND], tpl, x, y, z);
}

/* The values of option o's two features (learn_doc_features) into t:
 * whether s is bound and o is author (t[0]), the share of the pool's other
 * bound claims that picked o's name (t[1]), how many they are (t[2], a
 * bucket) and o's rank among s's options (t[3]). `first` is s's first-stage
 * pick (learn_doc_first). */
static void doc_values(const learn_doc_pool *p, const learn_spk *s, bool in_pool, size_t o,
                       size_t first, unsigned t[4])
{
    const learn_spk_opt *op = &s->o[o];
    unsigned own_rank = 0;
    for (size_t q = 0; q < s->n; q++)
        own_rank += s->o[q].z > op->z || (s->o[q].z == op->z && q < o);
    own_rank = own_rank > 3 ? 3 : own_rank;
    /* the bound claims but s */
    bool self = in_pool && s->bound && s->n > 0;
    unsigned n_bound = p->n_bound - self;
    size_t i = name_of(p, key_of(op));
    unsigned mine = i != SIZE_MAX ? p->v[i].bound : 0;
    if (self && same_name(key_of(&s->o[first]), key_of(op)))
        mine--;
    unsigned share = n_bound > 0 ? 1 + learn_doc_bucket((double)mine / n_bound) : 0;
    unsigned e = s->bound, au = op->origin == LEARN_FROM_AUTHOR;
    t[0] = e * 2 + au;
    t[1] = share;
    t[2] = learn_doc_count_bucket(n_bound);
    t[3] = own_rank;
}

void learn_doc_features(const learn_doc_pool *p, const learn_spk *s, bool in_pool, size_t o,
                        learn_fv *fv, bool named, tally_arena *a)
{
    fv->n = 0;
    unsigned t[4];
    doc_values(p, s, in_pool, o, s->n > 0 ? learn_doc_first(s) : 0, t);
    put(fv, a, named, D_BOUND, t[0], t[1], t[2]);
    put(fv, a, named, D_BOUND_OWN, t[0], t[1], t[3]);
}

bool learn_doc_present(const tally_learn_model *m)
{
    return m->head[LEARN_SPEAKER].present && learn_row(m, LEARN_SPEAKER, LEARN_DOC_Z) != NULL;
}

double learn_doc_score(const tally_learn_model *m, const learn_fv *fv, double z)
{
    double s = 0;
    learn_scores(m, LEARN_SPEAKER, fv, &s);
    const unsigned char *row = learn_row(m, LEARN_SPEAKER, LEARN_DOC_Z);
    return s + (row != NULL ? learn_f32(row) * z : 0);
}

/* The softmax share of the best of n scores z (at `best`). */
static double share_of(const double *z, size_t n, size_t best)
{
    double sum = 0;
    for (size_t o = 0; o < n; o++)
        sum += exp(z[o] - z[best]);
    return 1.0 / sum;
}

/* Explains the pick of s: the document stage's features, and the first
 * stage's score as one more (its weight times the score). */
static void explain(const tally_learn_model *m, const learn_doc_pool *p, const learn_spk *s,
                    double share, tally_learn_decision *d, tally_arena *a)
{
    learn_fv fv = {NULL, NULL, 0, 0};
    learn_doc_features(p, s, true, s->pick, &fv, true, a);
    learn_explain(m, LEARN_SPEAKER, &fv, 0, share, d);
    const unsigned char *row = learn_row(m, LEARN_SPEAKER, LEARN_DOC_Z);
    double w = (row != NULL ? learn_f32(row) : 0) * s->o[s->pick].z;
    learn_explain_add(d, "doc.first_stage_score", w);
}

void learn_doc_decide(const tally_learn_model *m, learn_spk *v, size_t n,
                      tally_learn_decision *const *why, tally_arena *a)
{
    bool doc = learn_doc_present(m);
    learn_doc_pool pool;
    if (doc)
        learn_doc_pool_of(&pool, v, n, a);
    learn_fv fv = {NULL, NULL, 0, 0};
    /* The features' part of an option's score (learn_scores of its two
     * features), a function of their values alone: summed once for each
     * values met in the window. t[1] < 7, t[2] < 5 and t[3] < 4. */
    enum { N_MEMO = 4 * 7 * 5 * 4 };
    double memo[N_MEMO];
    bool known[N_MEMO] = {false};
    const unsigned char *zrow = doc ? learn_row(m, LEARN_SPEAKER, LEARN_DOC_Z) : NULL;
    for (size_t i = 0; i < n; i++) {
        learn_spk *s = &v[i];
        s->pick = s->n > 0 ? learn_doc_first(s) : 0;
        if (!doc || s->n < 2)
            continue;
        size_t first = s->pick;
        double *z = tally_arena_alloc(a, s->n * sizeof *z);
        for (size_t o = 0; o < s->n; o++) {
            unsigned t[4];
            doc_values(&pool, s, true, o, first, t);
            unsigned key = ((t[0] * 7 + t[1]) * 5 + t[2]) * 4 + t[3];
            if (!known[key]) {
                fv.n = 0;
                put(&fv, a, false, D_BOUND, t[0], t[1], t[2]);
                put(&fv, a, false, D_BOUND_OWN, t[0], t[1], t[3]);
                memo[key] = 0;
                learn_scores(m, LEARN_SPEAKER, &fv, &memo[key]);
                known[key] = true;
            }
            /* as learn_doc_score */
            z[o] = memo[key] + (zrow != NULL ? learn_f32(zrow) * s->o[o].z : 0);
            if (o == 0 || z[o] > z[s->pick])
                s->pick = o;
        }
        if (why != NULL && why[i] != NULL)
            explain(m, &pool, s, share_of(z, s->n, s->pick), why[i], a);
    }
}

void learn_doc_spk_of(const tally_learn_model *m, const learn_cand *k, learn_spk *s, tally_arena *a)
{
    bool only = learn_fits_only(k->speakers, k->n_speakers, learn_explicit_source(&k->claim));
    s->o = tally_arena_alloc(a, (k->n_speakers + 1) * sizeof *s->o);
    s->n = 0;
    s->bound = only;
    s->pick = 0;
    for (size_t i = 0; i < k->n_speakers; i++) {
        const learn_option *op = &k->speakers[i];
        if (only && !op->fits)
            continue;
        double z = 0;
        learn_scores(m, LEARN_SPEAKER, &op->fv, &z);
        s->o[s->n++] = (learn_spk_opt){op->name, op->country, op->origin, z};
    }
}
