/* tally: contradictions (stage 4): claims that cannot all be true.
 *
 * Four rules, each a function below: a range with its ends swapped; an
 * equivalence whose ratio to the count it restates lies outside the factor
 * range of its maker ("conversion"); a bound of a series that a figure of
 * the series contradicts, as the estimate finds it (tally_series_build's
 * conflicts: "below-lower-bound", "above-upper-bound"); and an equivalence
 * whose figure is another source's own conversion of a different count
 * ("misattribution": the US's 10,000 containers put beside South Korea's
 * "3 million rounds", which converts 6,700).
 *
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate_int.h"
#include "tally/estimate.h"
#include "tally/mem.h"
#include "tally/number.h"

/* How far a ratio may stray from a source's own factor range before it is
 * not that source's conversion (rounding of "more than 3 million"). */
#define FACTOR_SLACK 0.05
/* How many equivalences of similar figure one is compared with. */
enum { MATCH_WINDOW = 64 };

static bool delivered(tally_kind k)
{
    return k == TALLY_KIND_TRANSFER || k == TALLY_KIND_EQUIVALENCE;
}

static void fmt_figure(char *buf, size_t size, const tally_obs *o)
{
    tally_figure_words(o->qualifier, o->has_low, o->low, o->has_high, o->high, o->unit, buf, size);
}

/* ---- the claims of each document in the order written --------------------------- */

typedef struct pos {
    int64_t doc;
    size_t sentence;
    int64_t id;
    size_t i; /* index into the observations */
} pos;

static int cmp_pos(const void *a, const void *b)
{
    const pos *x = a, *y = b;
    if (x->doc != y->doc)
        return x->doc < y->doc ? -1 : 1;
    if (x->sentence != y->sentence)
        return x->sentence < y->sentence ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Observations by document, then position: `order[k]` is an index, `at[i]`
 * the position of observation i in `order`. */
typedef struct doc_order {
    size_t *order, *at;
} doc_order;

static void doc_order_make(const tally_obs *obs, size_t n, doc_order *d)
{
    pos *p = tally_xmalloc((n + 1) * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = (pos){obs[i].doc_id, obs[i].sentence_start, obs[i].id, i};
    qsort(p, n, sizeof *p, cmp_pos);
    d->order = tally_xmalloc((n + 1) * sizeof *d->order);
    d->at = tally_xmalloc((n + 1) * sizeof *d->at);
    for (size_t k = 0; k < n; k++) {
        d->order[k] = p[k].i;
        d->at[p[k].i] = k;
    }
    free(p);
}

static void doc_order_free(doc_order *d)
{
    free(d->order);
    free(d->at);
}

static bool same_pair(const tally_obs *a, const tally_obs *b)
{
    return strcmp(a->supplier, b->supplier) == 0 && strcmp(a->recipient, b->recipient) == 0;
}

/* The count equivalence `e` restates in its document: in its sentence, else
 * the nearest before it, of a unit that converts into the equivalence's
 * (the factor found, a source's own before the model's, in *f). */
static const tally_obs *count_in_doc(const tally_model *m, const tally_obs *obs, const doc_order *d,
                                     size_t e_i, const tally_factor **f)
{
    const tally_obs *e = &obs[e_i];
    for (size_t k = d->at[e_i]; k-- > 0 && obs[d->order[k]].doc_id == e->doc_id;) {
        const tally_obs *c = &obs[d->order[k]];
        if (c->kind == TALLY_KIND_EQUIVALENCE || !delivered(c->kind) ||
            strcmp(c->unit, e->unit) == 0 || !(obs_value(c) > 0))
            continue;
        *f = tally_factor_find(m, c->unit, e->unit, e->items, e->caliber_mm, e->source);
        if (*f != NULL)
            return c;
    }
    return NULL;
}

/* ---- rule: swapped ranges ---------------------------------------------------------- */

static void check_swapped(const tally_obs *obs, size_t n,
                          void (*fn)(const tally_contradiction *, void *), void *user)
{
    for (size_t i = 0; i < n; i++)
        if (obs[i].has_low && obs[i].has_high && obs[i].low > obs[i].high) {
            tally_contradiction x = {.rule = "swapped-range",
                                     .a = i,
                                     .b = i,
                                     .from = {SIZE_MAX, SIZE_MAX},
                                     .id = TALLY_CHECK_SWAPPED};
            char range[TALLY_NUM_TEXT_MAX];
            tally_num_range(obs[i].low, obs[i].high, obs[i].unit, range, sizeof range);
            snprintf(x.why, sizeof x.why, "the range %s (%.80s) has its ends swapped", range,
                     obs[i].source);
            fn(&x, user);
        }
}

/* ---- rule: conversions outside their maker's range ---------------------------------- */

static void check_conversions(const tally_model *m, const tally_obs *obs, size_t n,
                              const doc_order *d, void (*fn)(const tally_contradiction *, void *),
                              void *user)
{
    for (size_t k = 0; k < n; k++) {
        size_t ei = d->order[k];
        const tally_obs *e = &obs[ei];
        if (e->kind != TALLY_KIND_EQUIVALENCE || !(obs_value(e) > 0))
            continue;
        const tally_factor *f = NULL;
        const tally_obs *count = count_in_doc(m, obs, d, ei, &f);
        if (count == NULL)
            continue;
        double ratio = obs_value(e) / obs_value(count);
        if (ratio >= f->low * (1 - FACTOR_SLACK) && ratio <= f->high * (1 + FACTOR_SLACK))
            continue;
        tally_contradiction x = {.rule = "conversion",
                                 .a = ei,
                                 .b = (size_t)(count - obs),
                                 .from = {SIZE_MAX, SIZE_MAX},
                                 .id = TALLY_CHECK_CONVERSION,
                                 .factor = f,
                                 .ratio = ratio};
        char fe[64], fc[64];
        fmt_figure(fe, sizeof fe, e);
        fmt_figure(fc, sizeof fc, count);
        bool own = strcmp(f->source, "model") != 0;
        snprintf(x.why, sizeof x.why,
                 "%s (%.60s) over %s (%.60s) is %.3g %s a %s; %s %.60s %.15g-%.15g (%.160s)", fe,
                 e->source, fc, count->source, ratio, e->unit, count->unit,
                 own ? "the conversions of" : "the factors officials use are", own ? f->source : "",
                 f->low, f->high, f->note[0] ? f->note : f->url);
        fn(&x, user);
    }
}

/* ---- rule: bounds contradicted, as the estimate finds them -------------------------- */

/* A series to look at: a pair of states, an item and a unit with a claim
 * counting for it in that unit. */
typedef struct combo {
    const char *supplier, *recipient, *unit; /* interned, borrowed */
    unsigned bit;
} combo;

static int cmp_combo(const void *a, const void *b)
{
    const combo *x = a, *y = b;
    int c = strcmp(x->supplier, y->supplier);
    if (c == 0)
        c = strcmp(x->recipient, y->recipient);
    if (c == 0)
        c = (x->bit > y->bit) - (x->bit < y->bit);
    if (c == 0)
        c = strcmp(x->unit, y->unit);
    return c;
}

/* A contradiction found, to report each pair of claims once, in the order
 * of their ids (not of the observations, which is the store's). */
typedef struct found {
    int64_t a, b; /* claim ids */
    tally_contradiction x;
} found;

static int cmp_found(const void *p, const void *q)
{
    const found *x = p, *y = q;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

static void check_bounds(const tally_model *m, const tally_obs *obs, size_t n,
                         const tally_clusters *c, void (*fn)(const tally_contradiction *, void *),
                         void *user)
{
    /* the series with a claim in their own unit: one per (pair, item, unit) */
    size_t cap = 64, n_combos = 0;
    combo *cs = tally_xmalloc(cap * sizeof *cs);
    for (size_t i = 0; i < c->n; i++) {
        const tally_obs *o = &obs[c->v[i].lead];
        if (o->supplier[0] == '\0' || o->recipient[0] == '\0')
            continue;
        for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++) {
            if (!(o->items & 1u << bit) || series_counts_for(o, 1u << bit) == 0)
                continue;
            if (n_combos == cap)
                cs = tally_xrealloc(cs, (cap *= 2) * sizeof *cs);
            cs[n_combos++] = (combo){o->supplier, o->recipient, o->unit, bit};
        }
    }
    qsort(cs, n_combos, sizeof *cs, cmp_combo);
    size_t n_found = 0, found_cap = 16;
    found *fs = tally_xmalloc(found_cap * sizeof *fs);
    for (size_t k = 0; k < n_combos; k++) {
        if (k > 0 && cmp_combo(&cs[k], &cs[k - 1]) == 0)
            continue;
        tally_series s;
        memset(&s, 0, sizeof s);
        memcpy(s.supplier, cs[k].supplier, 4);
        memcpy(s.recipient, cs[k].recipient, 4);
        s.item = 1u << cs[k].bit;
        snprintf(s.unit, sizeof s.unit, "%s", cs[k].unit);
        tally_series_build(m, obs, n, c, &s);
        for (size_t j = 0; j < s.n_conflicts; j++) {
            const tally_conflict *cf = &s.conflicts[j];
            const tally_series_point *bp = &s.v[cf->bound], *op = &s.v[cf->other];
            size_t bi = c->v[bp->p.cluster].lead, oi = c->v[op->p.cluster].lead;
            const tally_obs *b = &obs[bi], *o = &obs[oi];
            bool lower = bp->p.bound == TALLY_OBS_LOWER;
            char fb[64], fo[64], db[16], dl[16];
            fmt_figure(fb, sizeof fb, b);
            fmt_figure(fo, sizeof fo, o);
            tally_date_format(tally_date_of(bp->p.day), db);
            tally_date_format(tally_date_of(op->p.day), dl);
            if (n_found == found_cap)
                fs = tally_xrealloc(fs, (found_cap *= 2) * sizeof *fs);
            found *f = &fs[n_found++];
            f->a = o->id;
            f->b = b->id;
            f->x = (tally_contradiction){
                .rule = lower ? "below-lower-bound" : "above-upper-bound",
                .a = oi,
                .b = bi,
                .from = {SIZE_MAX, SIZE_MAX},
                .id = lower ? TALLY_CHECK_BELOW_LOWER : TALLY_CHECK_ABOVE_UPPER,
                .follows = cf->followed_bound ? TALLY_FOLLOWS_B : TALLY_FOLLOWS_A};
            const char *kept = cf->followed_bound ? "the bound" : "the figure";
            const char *why = cf->followed_bound ? "not better graded" : "better graded";
            if (lower)
                snprintf(f->x.why, sizeof f->x.why,
                         "%s (%.80s, %s, %c) counts everything to its date, yet is below %s "
                         "(%.80s) stated for an earlier date, %s (%c); the estimate follows %s: "
                         "%s",
                         fo, o->source, dl, op->grade, fb, b->source, db, bp->grade, kept, why);
            else
                snprintf(f->x.why, sizeof f->x.why,
                         "%s (%.80s, %s, %c) is above %s (%.80s), a ceiling stated for a later "
                         "date, %s (%c); the estimate follows %s: %s",
                         fo, o->source, dl, op->grade, fb, b->source, db, bp->grade, kept, why);
        }
        tally_series_free(&s);
    }
    qsort(fs, n_found, sizeof *fs, cmp_found);
    for (size_t k = 0; k < n_found; k++)
        if (k == 0 || cmp_found(&fs[k], &fs[k - 1]) != 0)
            fn(&fs[k].x, user);
    free(fs);
    free(cs);
}

/* ---- rule: another source's conversion under one's own count ------------------------ */

/* The count an equivalence was made from, by its own source: in its
 * document, else (a curated record keeps a briefing's figures apart) a
 * transfer of the same source, pair and a unit that converts, stated within
 * BRIEFING_DAYS. NULL when there is none. */
static const tally_obs *own_count(const tally_model *m, const tally_obs *obs, const doc_order *d,
                                  const briefing *counts, size_t n_counts, size_t e_i)
{
    const tally_obs *e = &obs[e_i];
    const tally_factor *f = NULL;
    const tally_obs *c = count_in_doc(m, obs, d, e_i, &f);
    if (c != NULL)
        return strcmp(obs_identity(c), obs_identity(e)) == 0 ? c : NULL;
    if (e->stated == LONG_MIN)
        return NULL;
    /* the counts of the identity in the equivalence's briefing */
    const char *id = obs_identity(e);
    const tally_obs *best = NULL;
    for (size_t k = briefing_first(counts, n_counts, id, e->stated - BRIEFING_DAYS);
         k < n_counts && strcmp(counts[k].identity, id) == 0 &&
         counts[k].stated <= e->stated + BRIEFING_DAYS;
         k++) {
        const tally_obs *o = &obs[counts[k].i];
        if (!same_pair(o, e) || strcmp(o->unit, e->unit) == 0 ||
            tally_factor_find(m, o->unit, e->unit, e->items, e->caliber_mm, e->source) == NULL)
            continue;
        if (best == NULL || labs(o->stated - e->stated) < labs(best->stated - e->stated))
            best = o;
    }
    return best;
}

/* Equivalences by unit and figure, to find the ones that agree. */
typedef struct eqv {
    const char *unit;
    double v;
    size_t i;
} eqv;

static int cmp_eqv(const void *a, const void *b)
{
    const eqv *x = a, *y = b;
    int c = strcmp(x->unit, y->unit);
    if (c != 0)
        return c;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* "about 6,700 containers", "more than 10 K containers" (tally/number.h):
 * the qualifier (when `qualified`; none for a range, whose value is one
 * number here) and the figure with its unit. */
static void fmt_words(char *buf, size_t size, const tally_obs *o, bool qualified)
{
    char amount[TALLY_NUM_TEXT_MAX];
    tally_num_amount(obs_value(o), o->unit, amount, sizeof amount);
    const tally_term *t = tally_qualifier_term(o->qualifier);
    const char *words = qualified && t != NULL && o->qualifier != TALLY_Q_RANGE ? t->display : "";
    if (snprintf(buf, size, "%s%s%s", words, words[0] != '\0' ? " " : "", amount) < 0)
        buf[0] = '\0';
}

/* A source's name in a sentence: "the US State Department", "Shin Won-sik". */
static const char *article(const tally_obs *o)
{
    bool person = o->source_kind != NULL && (strcmp(o->source_kind, "official") == 0 ||
                                             strcmp(o->source_kind, "author") == 0);
    return person ? "" : "the ";
}

/* The documents stating own conversion k of `es` (an equivalence over its
 * source's count): equivalences nearby of the same identity and figure
 * whose own counts agree with k's, one a document. */
static size_t conversion_support(const tally_obs *obs, const eqv *es, const tally_obs **own,
                                 size_t n_e, size_t k)
{
    const tally_obs *e = &obs[es[k].i], *c = own[k];
    int64_t docs[2 * MATCH_WINDOW + 1];
    size_t n_docs = 0;
    for (size_t j = k > MATCH_WINDOW ? k - MATCH_WINDOW : 0; j < n_e && j <= k + MATCH_WINDOW;
         j++) {
        const tally_obs *x = &obs[es[j].i];
        if (own[j] == NULL || strcmp(x->unit, e->unit) != 0 ||
            strcmp(obs_identity(x), obs_identity(e)) != 0 ||
            !cluster_figures_agree(obs_value(x), obs_value(e), false) ||
            !cluster_figures_agree(obs_value(own[j]), obs_value(c),
                                   obs_loose(own[j]) || obs_loose(c)))
            continue;
        bool seen = false;
        for (size_t i = 0; i < n_docs; i++)
            seen = seen || docs[i] == x->doc_id;
        if (!seen)
            docs[n_docs++] = x->doc_id;
    }
    return n_docs;
}

static void check_misattributions(const tally_model *m, const tally_obs *obs, size_t n,
                                  const doc_order *d,
                                  void (*fn)(const tally_contradiction *, void *), void *user)
{
    eqv *es = tally_xmalloc((n + 1) * sizeof *es);
    briefing *counts = tally_xmalloc((n + 1) * sizeof *counts);
    size_t n_e = 0, n_counts = 0;
    for (size_t i = 0; i < n; i++) {
        const tally_obs *o = &obs[i];
        if (!(obs_value(o) > 0))
            continue;
        if (o->kind == TALLY_KIND_EQUIVALENCE)
            es[n_e++] = (eqv){o->unit, obs_value(o), i};
        else if (o->kind == TALLY_KIND_TRANSFER && o->stated != LONG_MIN)
            counts[n_counts++] = (briefing){obs_identity(o), o->stated, i};
    }
    qsort(es, n_e, sizeof *es, cmp_eqv);
    briefing_sort(counts, n_counts);
    /* each equivalence's own count (NULL: none), computed once */
    const tally_obs **own = tally_xcalloc(n_e + 1, sizeof *own);
    for (size_t k = 0; k < n_e; k++)
        own[k] = own_count(m, obs, d, counts, n_counts, es[k].i);
    /* how many documents state each own conversion (its source's figure over
     * its source's count) */
    size_t *support = tally_xcalloc(n_e + 1, sizeof *support);
    for (size_t k = 0; k < n_e; k++)
        support[k] = own[k] != NULL ? conversion_support(obs, es, own, n_e, k) : 0;
    for (size_t k = 0; k < n_e; k++) {
        size_t ei = es[k].i;
        const tally_obs *e = &obs[ei];
        const tally_factor *f = NULL;
        const tally_obs *ce = count_in_doc(m, obs, d, ei, &f);
        if (ce == NULL)
            continue;
        /* the equivalences of the same figure nearby in the order, both ways */
        const tally_obs *match = NULL, *match_count = NULL;
        for (int dir = -1; dir <= 1; dir += 2) {
            for (size_t step = 1; step <= MATCH_WINDOW; step++) {
                if ((dir < 0 && step > k) || (dir > 0 && k + step >= n_e))
                    break;
                size_t j = dir < 0 ? k - step : k + step;
                const tally_obs *e2 = &obs[es[j].i];
                if (strcmp(e2->unit, e->unit) != 0 ||
                    !cluster_figures_agree(obs_value(e), obs_value(e2), false))
                    break;
                const tally_obs *c2 = own[j];
                /* another document's conversion, of the same things, made by its
                 * source from a count of its own that is not this one, and better
                 * attested than this pairing as a conversion of its own (more
                 * documents state it; at a tie, a curated record) */
                if (e2->doc_id == e->doc_id || c2 == NULL || !same_pair(e2, e) ||
                    !(e2->items & e->items) ||
                    (e2->caliber_mm > 0 && e->caliber_mm > 0 && e2->caliber_mm != e->caliber_mm) ||
                    strcmp(obs_identity(c2), obs_identity(ce)) == 0 ||
                    cluster_figures_agree(obs_value(c2), obs_value(ce),
                                          obs_loose(c2) || obs_loose(ce)) ||
                    !(support[j] > support[k] ||
                      (support[j] == support[k] && e2->curated && !e->curated)))
                    continue;
                if (match == NULL || e2->id < match->id) {
                    match = e2;
                    match_count = c2;
                }
            }
        }
        if (match == NULL)
            continue;
        tally_contradiction x = {.rule = "misattribution",
                                 .a = ei,
                                 .b = (size_t)(match - obs),
                                 .from = {(size_t)(ce - obs), (size_t)(match_count - obs)},
                                 .id = TALLY_CHECK_MISATTRIBUTION};
        char fe[64], w2[96], wc[96];
        fmt_figure(fe, sizeof fe, e);
        fmt_words(w2, sizeof w2, match_count, true);
        fmt_words(wc, sizeof wc, ce, false);
        snprintf(x.why, sizeof x.why,
                 "%s (%.60s) is the conversion of %s by %s%.60s, stated over %s of %s%.60s "
                 "(claim %lld over claim %lld; %.60s's claim %lld over claim %lld)",
                 fe, e->source, w2, article(match), match->source, wc, article(ce), ce->source,
                 (long long)e->id, (long long)ce->id, match->source, (long long)match->id,
                 (long long)match_count->id);
        fn(&x, user);
    }
    free(support);
    free(own);
    free(counts);
    free(es);
}

void tally_check(const tally_model *m, const tally_obs *obs, size_t n, const tally_clusters *c,
                 void (*fn)(const tally_contradiction *x, void *user), void *user)
{
    doc_order d;
    doc_order_make(obs, n, &d);
    check_swapped(obs, n, fn, user);
    check_conversions(m, obs, n, &d, fn, user);
    check_bounds(m, obs, n, c, fn, user);
    check_misattributions(m, obs, n, &d, fn, user);
    doc_order_free(&d);
}
