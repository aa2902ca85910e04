/* tally: claims from the store as the estimator's observations (stage 4).
 * Names repeat a lot (a few thousand sources for a million claims), so each
 * distinct string is kept once.
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tally/estimate.h"
#include "tally/mem.h"
#include "tally/store.h"

/* An open-addressing set of strings living in the arena. */
typedef struct interner {
    const char **slot;
    size_t cap, n;
    tally_arena *arena;
} interner;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static const char *intern(interner *t, const char *s)
{
    if (s == NULL)
        return NULL;
    if (2 * (t->n + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        const char **slot = tally_xcalloc(cap, sizeof *slot);
        for (size_t i = 0; i < t->cap; i++)
            if (t->slot[i] != NULL) {
                size_t j = hash(t->slot[i]) & (cap - 1);
                while (slot[j] != NULL)
                    j = (j + 1) & (cap - 1);
                slot[j] = t->slot[i];
            }
        free(t->slot);
        t->slot = slot;
        t->cap = cap;
    }
    size_t j = hash(s) & (t->cap - 1);
    while (t->slot[j] != NULL) {
        if (strcmp(t->slot[j], s) == 0)
            return t->slot[j];
        j = (j + 1) & (t->cap - 1);
    }
    t->n++;
    return t->slot[j] = tally_arena_strndup(t->arena, s, strlen(s));
}

struct load {
    tally_obs_set *out;
    size_t cap;
    interner names;
};

static long day_or_none(tally_date d, bool end)
{
    return d.year != 0 ? tally_day_of(d, end) : LONG_MIN;
}

static int on_row(const tally_claim_row *r, void *user)
{
    struct load *l = user;
    tally_obs_set *o = l->out;
    if (o->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        o->v = tally_xrealloc(o->v, l->cap * sizeof *o->v);
    }
    const tally_claim *c = &r->claim;
    tally_obs *x = &o->v[o->n++];
    memset(x, 0, sizeof *x);
    x->id = r->id;
    x->doc_id = r->doc_id;
    x->doc = intern(&l->names, r->doc);
    /* one spelling a source: what clustering and factors compare */
    x->source = intern(&l->names, r->source_name != NULL ? r->source_name : "author");
    x->source_kind = intern(&l->names, r->source_kind != NULL ? r->source_kind : "other");
    memcpy(x->source_country, c->source_country, 4);
    x->kind = c->kind;
    memcpy(x->supplier, c->supplier, 4);
    memcpy(x->recipient, c->recipient, 4);
    x->items = c->items;
    x->caliber_mm = c->caliber_mm;
    x->unit = intern(&l->names, tally_unit_name(c));
    x->has_low = c->has_low;
    x->has_high = c->has_high;
    x->low = c->low;
    x->high = c->high;
    x->qualifier = c->qualifier;
    tally_date stated = {0, 0, 0};
    if (r->stated != NULL && tally_date_parse(r->stated, strlen(r->stated), &stated) != 0)
        stated = (tally_date){0, 0, 0};
    x->stated = day_or_none(stated, true);
    x->since = day_or_none(c->since, false);
    /* a figure holds at the end of its as_of period ("2024-02": by the 29th) */
    x->as_of = c->as_of.year != 0 ? tally_day_of(c->as_of, true) : x->stated;
    x->hedged = c->hedged;
    x->curated = r->curated;
    x->rate = c->per != TALLY_PER_NONE;
    x->sentence_start = c->sentence_start;
    x->sentence_end = c->sentence_end;
    return 0;
}

int tally_obs_load(struct tally_store *s, const struct tally_claim_filter *f, tally_obs_set *out,
                   tally_err *err)
{
    memset(out, 0, sizeof *out);
    out->arena = tally_arena_new();
    struct load l = {out, 0, {NULL, 0, 0, out->arena}};
    tally_claim_filter all = {0};
    tally_claim_filter q = f != NULL ? *f : all;
    q.no_sentences = true;
    int rc = tally_store_claims(s, &q, on_row, &l, err);
    free(l.names.slot);
    if (rc != 0)
        tally_obs_set_free(out);
    return rc;
}

void tally_obs_set_free(tally_obs_set *o)
{
    free(o->v);
    tally_arena_free(o->arena);
    memset(o, 0, sizeof *o);
}
