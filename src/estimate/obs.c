/* tally: claims from the store as the estimator's observations (stage 4),
 * each source resolved to whom it stands for.
 *
 * Names repeat a lot (a few thousand sources for a million claims), so each
 * distinct string is kept once, and what a name says of its identity is
 * worked out once a name:
 * - a name the actor table knows whole is its canonical name (the store
 *   keeps names so already; a database made before an alias was added gets
 *   it here);
 * - data/identities.tsv says whom a name stands for, on which days ("Shin
 *   Won-sik": the South Korean defence ministry while he was its minister);
 * - a name that only describes ("Seoul", "a South Korean think tank": no
 *   capital letter outside a state, demonym or place) is descriptive. Its
 *   document may set it beside a named source of the same country ("INSS,
 *   a South Korean think tank"): then it is that source. Otherwise it
 *   echoes a named source of its country in the clusters
 *   (tally_identity_link).
 *
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "estimate_int.h"
#include "tally/actor.h"
#include "tally/estimate.h"
#include "tally/mem.h"
#include "tally/store.h"

/* What a distinct name says of its identity. */
typedef struct name_info {
    const char *canonical; /* interned: the actor table's name, else the name itself */
    bool descriptive;
    char country[4]; /* a descriptive name's country ("" when it names none) */
    bool has_identities;
} name_info;

/* An open-addressing set of strings living in the arena, each with its
 * name_info (made on first need). */
typedef struct interner {
    const char **slot;
    name_info **info;
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

static size_t slot_of(const interner *t, const char *s)
{
    size_t j = hash(s) & (t->cap - 1);
    while (t->slot[j] != NULL && strcmp(t->slot[j], s) != 0)
        j = (j + 1) & (t->cap - 1);
    return j;
}

static const char *intern(interner *t, const char *s)
{
    if (s == NULL)
        return NULL;
    if (2 * (t->n + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        interner grown = {tally_xcalloc(cap, sizeof *t->slot), tally_xcalloc(cap, sizeof *t->info),
                          cap, t->n, t->arena};
        for (size_t i = 0; i < t->cap; i++)
            if (t->slot[i] != NULL) {
                size_t j = slot_of(&grown, t->slot[i]);
                grown.slot[j] = t->slot[i];
                grown.info[j] = t->info[i];
            }
        free(t->slot);
        free(t->info);
        *t = grown;
    }
    size_t j = slot_of(t, s);
    if (t->slot[j] == NULL) {
        t->n++;
        t->slot[j] = tally_arena_strndup(t->arena, s, strlen(s));
    }
    return t->slot[j];
}

static bool ascii_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

/* What `name` (interned) says of its identity, worked out once. */
static const name_info *info_of(interner *t, const tally_model *m, const char *name)
{
    size_t j = slot_of(t, name);
    if (t->info[j] != NULL)
        return t->info[j];
    name_info *x = tally_arena_new_obj(t->arena, name_info);
    memset(x, 0, sizeof *x);
    x->canonical = name;
    tally_arena *a = tally_arena_new();
    tally_actor_matches ms;
    size_t len = strlen(name);
    if (tally_actors_scan((tally_span){name, len}, &ms, a, NULL) == 0) {
        if (ms.n == 1 && ms.v[0].start == 0 && ms.v[0].end == len &&
            ms.v[0].actor->kind != TALLY_ACTOR_STATE &&
            ms.v[0].actor->kind != TALLY_ACTOR_DEMONYM && ms.v[0].actor->kind != TALLY_ACTOR_PLACE)
            x->canonical = NULL; /* interned below: intern may move the table */
        /* descriptive: every capital inside a state, demonym or place */
        bool plain = strcmp(name, "author") != 0;
        for (size_t k = 0; k < ms.n && plain; k++) {
            tally_actor_kind kind = ms.v[k].actor->kind;
            if (kind != TALLY_ACTOR_STATE && kind != TALLY_ACTOR_DEMONYM &&
                kind != TALLY_ACTOR_PLACE)
                plain = false;
            else if (x->country[0] == '\0')
                memcpy(x->country, ms.v[k].actor->country, 4);
        }
        for (size_t i = 0, k = 0; i < len && plain; i++) {
            while (k < ms.n && ms.v[k].end <= i)
                k++;
            bool inside = k < ms.n && ms.v[k].start <= i;
            if (ascii_upper((unsigned char)name[i]) && !inside)
                plain = false;
        }
        x->descriptive = plain;
        if (x->canonical == NULL) {
            const char *canon = ms.v[0].actor->name;
            tally_arena_free(a);
            a = NULL;
            x->canonical = intern(t, canon);
            j = slot_of(t, name);
        }
    }
    tally_arena_free(a);
    x->has_identities = m != NULL && tally_identity_find(m, x->canonical, LONG_MIN) != NULL;
    t->info[j] = x;
    return x;
}

struct load {
    tally_obs_set *out;
    const tally_model *m;
    size_t cap;
    interner names;
    uint32_t skip_items; /* rows with any of these items were loaded already */
    /* the interned copy of a row's string by its address: a lean row's
     * document and source names keep theirs for the whole query
     * (tally_claim_filter.lean), so each is hashed once; emptied between
     * queries */
    addr_map row_strings;
    addr_map infos; /* an interned source name's name_info */
    /* the observations link_appositions looks at (descriptive, not
     * curated), ascending: walking every observation for them reads a
     * cache line of each */
    size_t *desc, n_desc, cap_desc;
    /* the last row's stated date and its day: a document's claims come
     * together, and share it */
    char stated[16];
    size_t stated_len; /* 0: none kept */
    long stated_day;
};

static void load_free(struct load *l)
{
    free(l->names.slot);
    free(l->names.info);
    addr_map_free(&l->row_strings);
    addr_map_free(&l->infos);
    free(l->desc);
}

static void desc_push(struct load *l, size_t i)
{
    if (l->n_desc == l->cap_desc) {
        l->cap_desc = l->cap_desc ? 2 * l->cap_desc : 64;
        l->desc = tally_xrealloc(l->desc, l->cap_desc * sizeof *l->desc);
    }
    l->desc[l->n_desc++] = i;
}

/* intern(l->names, s) for a string whose address stands for it during the
 * query. */
static const char *intern_row(struct load *l, const char *s)
{
    const char *got = addr_map_get(&l->row_strings, s);
    if (got == NULL) {
        got = intern(&l->names, s);
        addr_map_put(&l->row_strings, s, (void *)(uintptr_t)got);
    }
    return got;
}

static long day_or_none(tally_date d, bool end)
{
    return d.year != 0 ? tally_day_of(d, end) : LONG_MIN;
}

/* The identity of `x` from its name, on the day it was stated. */
static void identify(struct load *l, tally_obs *x)
{
    const name_info *ni = addr_map_get(&l->infos, x->source);
    if (ni == NULL) {
        ni = info_of(&l->names, l->m, x->source);
        addr_map_put(&l->infos, x->source, (void *)(uintptr_t)ni);
    }
    x->identity = ni->canonical;
    x->descriptive = ni->descriptive && (ni->country[0] != '\0' || x->source_country[0] != '\0');
    if (x->descriptive && ni->country[0] != '\0')
        memcpy(x->source_country, ni->country, 4);
    if (!ni->has_identities)
        return;
    const tally_identity *id = tally_identity_find(l->m, ni->canonical, x->stated);
    if (id == NULL)
        return;
    x->identity = intern(&l->names, id->identity);
    x->identity_kind = intern(&l->names, id->kind);
    memcpy(x->identity_country, id->country, 4);
}

static int on_row(const tally_claim_row *r, void *user)
{
    struct load *l = user;
    tally_obs_set *o = l->out;
    if (r->claim.items & l->skip_items)
        return 0;
    if (o->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        o->v = big_realloc(o->v, l->cap * sizeof *o->v);
    }
    const tally_claim *c = &r->claim;
    tally_obs *x = &o->v[o->n++];
    memset(x, 0, sizeof *x);
    x->id = r->id;
    x->doc_id = r->doc_id;
    x->doc = r->doc != NULL ? intern_row(l, r->doc) : "";
    /* one spelling a source: what clustering and factors compare */
    x->source =
        r->source_name != NULL ? intern_row(l, r->source_name) : intern(&l->names, "author");
    x->written = c->source == NULL             ? x->source
                 : c->source == r->source_name ? x->source
                                               : intern(&l->names, c->source);
    x->source_kind =
        r->source_kind != NULL ? intern_row(l, r->source_kind) : intern(&l->names, "other");
    memcpy(x->source_country, c->source_country, 4);
    x->kind = c->kind;
    memcpy(x->supplier, c->supplier, 4);
    memcpy(x->recipient, c->recipient, 4);
    x->items = c->items;
    x->caliber_mm = c->caliber_mm;
    /* a unit's name is the table's (a currency is the row's own) */
    x->unit = c->unit != TALLY_UNIT_MONEY ? intern_row(l, tally_unit_name(c))
                                          : intern(&l->names, tally_unit_name(c));
    x->has_low = c->has_low;
    x->has_high = c->has_high;
    x->low = c->low;
    x->high = c->high;
    x->qualifier = c->qualifier;
    size_t stated_len = r->stated != NULL ? strlen(r->stated) : 0;
    if (stated_len > 0 && stated_len == l->stated_len &&
        memcmp(r->stated, l->stated, stated_len) == 0) {
        x->stated = l->stated_day;
    } else {
        tally_date stated = {0, 0, 0};
        if (r->stated != NULL && tally_date_parse(r->stated, stated_len, &stated) != 0)
            stated = (tally_date){0, 0, 0};
        x->stated = day_or_none(stated, true);
        l->stated_len = stated_len < sizeof l->stated ? stated_len : 0;
        memcpy(l->stated, r->stated != NULL ? r->stated : "", l->stated_len);
        l->stated_day = x->stated;
    }
    x->since = day_or_none(c->since, false);
    /* a figure holds at the end of its as_of period ("2024-02": by the 29th) */
    x->as_of = c->as_of.year != 0 ? tally_day_of(c->as_of, true) : x->stated;
    x->hedged = c->hedged;
    x->curated = r->curated;
    x->rate = c->per != TALLY_PER_NONE; /* a rate per day, month or year, not a total */
    x->sentence_start = c->sentence_start;
    x->sentence_end = c->sentence_end;
    identify(l, x);
    if (x->descriptive && !x->curated)
        desc_push(l, o->n - 1);
    return 0;
}

/* ASCII case-insensitive search of `needle` in text[0, n). */
static const char *find_ci(const char *text, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k > 0 && i + k <= n; i++)
        if (strncasecmp(text + i, needle, k) == 0)
            return text + i;
    return NULL;
}

/* Whether text[a, b) is only the glue of an apposition: commas, brackets,
 * spaces and an article ("INSS, a South Korean think tank", "the think
 * tank INSS"). */
static bool glue(const char *text, size_t a, size_t b)
{
    if (b < a || b - a > 8)
        return false;
    for (size_t i = a; i < b; i++) {
        char ch = text[i];
        if (ch == ',' || ch == ' ' || ch == '(' || ch == ')')
            continue;
        if (i + 1 < b && (ch == 'a' || ch == 'A') && text[i + 1] == ' ')
            continue;
        if (i + 2 < b && strncasecmp(text + i, "an ", 3) == 0) {
            i += 1;
            continue;
        }
        if (i + 3 < b && strncasecmp(text + i, "the ", 4) == 0) {
            i += 2;
            continue;
        }
        return false;
    }
    return true;
}

/* The named actor a document sets beside description `desc` of `country`
 * ("INSS, a South Korean think tank"), or NULL. */
static const tally_actor *apposition(const char *body, size_t n, const char *desc,
                                     const char *country, tally_arena *a)
{
    tally_actor_matches ms;
    if (tally_actors_scan((tally_span){body, n}, &ms, a, NULL) != 0)
        return NULL;
    size_t dl = strlen(desc);
    for (const char *p = find_ci(body, n, desc); p != NULL;
         p = find_ci(p + 1, n - (size_t)(p + 1 - body), desc)) {
        size_t ds = (size_t)(p - body), de = ds + dl;
        for (size_t k = 0; k < ms.n; k++) {
            const tally_actor *act = ms.v[k].actor;
            if (act->kind == TALLY_ACTOR_STATE || act->kind == TALLY_ACTOR_DEMONYM ||
                act->kind == TALLY_ACTOR_PLACE || strcmp(act->country, country) != 0)
                continue;
            if ((ms.v[k].end <= ds && glue(body, ms.v[k].end, ds)) ||
                (ms.v[k].start >= de && glue(body, de, ms.v[k].start)))
                return act;
        }
    }
    return NULL;
}

/* Descriptive sources their documents name beside a named source; sets
 * *changed when any is. */
static int link_appositions(struct load *l, struct tally_store *s, bool *changed, tally_err *err)
{
    tally_obs_set *o = l->out;
    int rc = 0;
    tally_buf body;
    tally_buf_init(&body, (size_t)1 << 28);
    int64_t loaded = -1;
    for (size_t k = 0; k < l->n_desc && rc == 0; k++) {
        tally_obs *x = &o->v[l->desc[k]];
        if (x->doc_id != loaded) {
            rc = tally_store_body(s, x->doc_id, &body, err);
            if (rc == TALLY_ENOTFOUND) { /* gone since the claims were read */
                rc = 0;
                tally_buf_clear(&body);
            }
            loaded = x->doc_id;
        }
        tally_arena *a = tally_arena_new();
        const tally_actor *act =
            apposition(body.ptr != NULL ? body.ptr : "", body.len, x->source, x->source_country, a);
        if (act != NULL) {
            /* no longer a description: a named source, whose echoes it joins */
            x->descriptive = false;
            *changed = true;
            x->identity = intern(&l->names, act->name);
            const tally_identity *id =
                l->m != NULL ? tally_identity_find(l->m, act->name, x->stated) : NULL;
            if (id != NULL) {
                x->identity = intern(&l->names, id->identity);
                x->identity_kind = intern(&l->names, id->kind);
                memcpy(x->identity_country, id->country, 4);
            } else {
                x->identity_kind = intern(&l->names, tally_actor_kind_name(act->kind));
                memcpy(x->identity_country, act->country, 4);
            }
        }
        tally_arena_free(a);
    }
    tally_buf_free(&body);
    return rc;
}

/* Whether counts in other units convert into the unit of a series of
 * `item` (`unit`, else the default unit of the claims of `obs`, for which
 * they are clustered into *c): a factor of `m` into that unit for that item
 * (tally_series_build converts counts of munitions only so). */
static bool converts_into(const tally_model *m, const tally_obs_set *obs, uint32_t item,
                          const char *unit, const struct tally_claim_filter *f, tally_clusters *c)
{
    if (unit == NULL && f != NULL && f->supplier != NULL && f->recipient != NULL) {
        (void)tally_cluster_obs(obs->v, obs->n, 0, 0, c); /* fails only by aborting */
        unit = tally_series_default_unit(obs->v, c, f->supplier, f->recipient, item);
    }
    bool any = false;
    for (size_t i = 0; unit != NULL && i < m->n_factors && !any; i++)
        any = (m->factors[i].item & item) && strcmp(m->factors[i].to, unit) == 0;
    return any;
}

/* ---- every claim, read on several threads ------------------------------------------ */

/* Reading every claim is split into ranges of ids when there are more than
 * SPLIT_MIN, one a processor (at most SPLIT_MAX), each read on a handle of
 * its own into observations of its own, then joined in id order: what one
 * scan gives, strings interned anew into the first part's table. */
enum { SPLIT_MIN = 100000, SPLIT_MAX = 8, COMMON_SHARE = 10, JOIN_COST = 3 };

typedef struct part {
    struct tally_store *s; /* its own handle */
    tally_claim_filter q;
    tally_obs_set set;
    struct load l;
    tally_err err;
    int rc;
} part;

static void *read_part(void *arg)
{
    part *p = arg;
    p->rc = tally_store_claims(p->s, &p->q, on_row, &p->l, &p->err);
    return NULL;
}

static void free_part(part *p)
{
    load_free(&p->l);
    tally_obs_set_free(&p->set);
    tally_store_close(p->s);
}

/* The last string a field of join_part moved: the next row's is often the
 * same (one document's claims, one unit). */
typedef struct moved {
    const char *from, *to;
} moved;

/* The string of `to` for `s` of another table (NULL for NULL). */
static const char *reintern(struct load *to, addr_map *seen, moved *last, const char *s)
{
    if (s == NULL || s == last->from)
        return s == NULL ? NULL : last->to;
    const char *got = addr_map_get(seen, s);
    if (got == NULL) {
        got = intern(&to->names, s);
        addr_map_put(seen, s, (void *)(uintptr_t)got);
    }
    *last = (moved){s, got};
    return got;
}

/* Appends part p's observations to l's, their strings l's own. */
static void join_part(struct load *l, part *p)
{
    tally_obs_set *o = l->out;
    size_t n = p->set.n;
    if (o->n + n > l->cap) {
        l->cap = o->n + n;
        o->v = big_realloc(o->v, l->cap * sizeof *o->v);
    }
    for (size_t k = 0; k < p->l.n_desc; k++)
        desc_push(l, o->n + p->l.desc[k]);
    addr_map seen = {0};
    moved last[7] = {{NULL, NULL}};
    for (size_t i = 0; i < n; i++) {
        tally_obs *x = &o->v[o->n++];
        *x = p->set.v[i];
        x->doc = reintern(l, &seen, &last[0], x->doc);
        x->source = reintern(l, &seen, &last[1], x->source);
        x->identity = reintern(l, &seen, &last[2], x->identity);
        x->identity_kind = reintern(l, &seen, &last[3], x->identity_kind);
        x->written = reintern(l, &seen, &last[4], x->written);
        x->source_kind = reintern(l, &seen, &last[5], x->source_kind);
        x->unit = reintern(l, &seen, &last[6], x->unit);
    }
    addr_map_free(&seen);
}

/* Room in `o` (of capacity *cap) for `rows` more observations, taken at
 * once: grown by doubling, a state's observations were copied at each step
 * (realloc copies what the heap holds), each copy faulting in fresh pages,
 * half the page faults of tally rank. Only what is written is touched, so
 * room for rows that the filter drops costs address space, not memory. A
 * reservation the system refuses is skipped: on_row grows as before. */
static void reserve_rows(tally_obs_set *o, size_t *cap, int64_t rows)
{
    if (rows <= 0 || (uint64_t)rows > SIZE_MAX / 2 / sizeof *o->v - o->n)
        return;
    size_t want = o->n + (size_t)rows;
    if (want <= *cap)
        return;
    tally_obs *v = realloc(o->v, want * sizeof *o->v);
    if (v == NULL)
        return;
    big_advise(v, want * sizeof *o->v);
    o->v = v;
    *cap = want;
}

/* Reads every claim passing `q` (which must lead by nothing but its ids'
 * order: no item, document or source, and states only with by_id) into l
 * on several threads.
 * Returns 0, an error, or 1 when it read nothing and one scan should: too
 * few claims, one processor, a handle or thread not made, or a commit by
 * another connection while it read (the parts could have seen different
 * versions). */
static int read_split(struct tally_store *s, const tally_claim_filter *q, size_t n_parts,
                      int64_t least, struct load *l, tally_err *err)
{
    int64_t lo = 0, hi = 0, before = 0, after = 0;
    n_parts = n_parts > SPLIT_MAX ? SPLIT_MAX : n_parts;
    if (n_parts < 2 || q->id != 0 || q->id_from != 0 || q->id_below != 0)
        return 1;
    int rc = tally_store_claim_ids(s, &lo, &hi, err);
    if (rc == 0 && hi - lo < least)
        return 1;
    if (rc == 0)
        rc = tally_store_data_version(s, &before, err);
    if (rc != 0)
        return rc;
    part parts[SPLIT_MAX];
    pthread_t threads[SPLIT_MAX];
    size_t made = 0, started = 0;
    /* this thread reads the first range and then copies every other part
     * into its own (join_part): a copied row costs about JOIN_COST
     * hundredths of a read one (callgrind, tally rank RUS --to on a
     * 200,000-claim tally_gendb database: the join 21 M instructions, the
     * other thread's read of the rows it copies 696 M; it was a third
     * while each part's array grew by copying), so its range is the
     * smaller, that all finish together. With P parts, a first share f
     * such that f + c (1 - f) = (1 - f) / (P - 1), c = JOIN_COST / 100:
     * f = (100 - J (P - 1)) / (100 P - J (P - 1)), at least half an even
     * share. */
    int64_t p_n = (int64_t)n_parts, all = hi - lo;
    int64_t first_span = all * (100 - JOIN_COST * (p_n - 1)) / (100 * p_n - JOIN_COST * (p_n - 1));
    first_span = first_span > all / (2 * p_n) ? first_span : all / (2 * p_n);
    first_span += 1;
    int64_t span = (all - first_span) / (p_n - 1) + 1;
    for (; made < n_parts - 1; made++) {
        part *p = &parts[made];
        memset(p, 0, sizeof *p);
        if (tally_store_reopen(s, &p->s, &p->err) != 0)
            break;
        p->set.arena = tally_arena_new();
        p->l = (struct load){.out = &p->set, .m = l->m, .names = {.arena = p->set.arena}};
        p->q = *q;
        p->q.id_from = lo + first_span + span * (int64_t)made;
        p->q.id_below = made + 2 < n_parts ? lo + first_span + span * (int64_t)(made + 1) : 0;
        reserve_rows(&p->set, &p->l.cap,
                     (p->q.id_below != 0 ? p->q.id_below : hi + 1) - p->q.id_from);
    }
    /* the first range and every part joined after it */
    reserve_rows(l->out, &l->cap, hi + 1 - lo);
    for (; started < made; started++)
        if (pthread_create(&threads[started], NULL, read_part, &parts[started]) != 0)
            break;
    /* the first range here, into l itself */
    tally_claim_filter first = *q;
    first.id_below = lo + first_span;
    rc = made == n_parts - 1 && started == made ? tally_store_claims(s, &first, on_row, l, err) : 1;
    /* a part's handle closes as soon as its thread is done: the pages of
     * the database it mapped (SQLite's mmap_size) leave the resident set
     * before the join touches more memory (the peak of tally rank) */
    for (size_t k = 0; k < started; k++) {
        pthread_join(threads[k], NULL);
        tally_store_close(parts[k].s);
        parts[k].s = NULL;
    }
    for (size_t k = 0; k < started && rc == 0; k++)
        if (parts[k].rc != 0)
            rc = tally_err_set(err, parts[k].rc, "%s", parts[k].err.msg);
    if (rc == 0)
        rc = tally_store_data_version(s, &after, err);
    if (rc == 0 && after != before)
        rc = 1;
    for (size_t k = 0; k < started && rc == 0; k++)
        join_part(l, &parts[k]);
    for (size_t k = 0; k < made; k++)
        free_part(&parts[k]);
    return rc;
}

/* Whether the claims of `q`'s states alone are better read by scanning
 * every claim in id order (tally_claim_filter.by_id, on threads) than by a
 * state's index: a database of `least_claims` or more (SPLIT_MIN; 0 for a
 * test) of which the states name at least one in COMMON_SHARE. An index
 * walk looks each row up by its id: in the sqlite3 shell, summing a column
 * of Russia's 666,554 claims of the million-claim bench database costs 1.6
 * s of CPU by its index and 0.2 s by a scan of them all. Counted on the
 * index only up to that share: a few milliseconds. */
static int common_states(struct tally_store *s, const tally_claim_filter *q, int64_t least_claims,
                         bool *common, tally_err *err)
{
    int64_t lo = 0, hi = 0, n = 0;
    *common = false;
    if (q->doc != NULL || q->source != NULL || q->item != NULL || q->kind != NULL ||
        (q->supplier == NULL && q->recipient == NULL) || q->id != 0 || q->id_from != 0 ||
        q->id_below != 0)
        return 0;
    int rc = tally_store_claim_ids(s, &lo, &hi, err);
    if (rc != 0 || hi - lo < least_claims)
        return rc;
    int64_t least = (hi - lo + 1) / COMMON_SHARE;
    rc = tally_store_count_states(s, q->supplier, q->recipient, least, &n, err);
    *common = rc == 0 && n >= least;
    return rc;
}

/* Loads the claims passing `f` of `item` (a bit; 0: every claim); for a
 * series of an arms item, then the claims of munitions too when a factor
 * converts counts into the series' unit (`unit`, else its default unit).
 * When `c` is not NULL and the clusters of what was loaded were made on the
 * way (to find the default unit), they are handed over in *c (else it is
 * left empty). */
static int load(struct tally_store *s, const tally_model *m, const struct tally_claim_filter *f,
                uint32_t item, const char *unit, size_t parts, tally_obs_set *out,
                tally_clusters *c, tally_err *err)
{
    memset(out, 0, sizeof *out);
    out->arena = tally_arena_new();
    tally_clusters made = {0};
    bool made_ok = false, changed = false;
    struct load l = {.out = out, .m = m, .names = {.arena = out->arena}};
    tally_claim_filter all = {0};
    tally_claim_filter q = f != NULL ? *f : all;
    q.no_sentences = true;
    q.lean = true;
    /* a series' estimate shows no document's name: none read */
    q.no_doc_names = q.no_doc_names || item != 0;
    int rc = 0;
    bool leads = q.doc != NULL || q.source != NULL || q.item != NULL || q.supplier != NULL ||
                 q.recipient != NULL || q.kind != NULL;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n_parts = parts != 0 ? parts : cpus > 1 ? (size_t)cpus : 1;
    if (item == 0 && leads &&
        (rc = common_states(s, &q, parts != 0 ? 0 : SPLIT_MIN, &q.by_id, err)) != 0)
        goto out;
    if (item == 0 && (!leads || q.by_id) &&
        (rc = read_split(s, &q, n_parts, parts != 0 ? 0 : SPLIT_MIN, &l, err)) == 1) {
        /* one scan instead: from an empty start */
        out->n = 0;
        l.n_desc = 0;
        addr_map_free(&l.row_strings);
        rc = tally_store_claims(s, &q, on_row, &l, err);
    } else if (item == 0 && leads && !q.by_id) {
        rc = tally_store_claims(s, &q, on_row, &l, err);
    } else if (item != 0) {
        for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
            if (item == 1u << bit)
                q.item = tally_item_name(bit);
        rc = tally_store_claims(s, &q, on_row, &l, err);
    }
    if (rc == 0 && item != 0 && item != TALLY_ITEM_MUNITIONS &&
        (tally_item_families(item) & TALLY_ITEM_FAM_ARMS) && m != NULL) {
        made_ok = true;
        if (converts_into(m, out, item, unit, f, &made)) {
            made_ok = false;     /* the clusters of fewer claims */
            l.skip_items = item; /* a claim of both came already */
            q.item = tally_item_name(TALLY_ITEM_INDEX_MUNITIONS);
            addr_map_free(&l.row_strings); /* the last query's addresses */
            rc = tally_store_claims(s, &q, on_row, &l, err);
        }
    }
    if (rc == 0)
        rc = link_appositions(&l, s, &changed, err);
out:
    load_free(&l);
    /* the clusters made hold for what was loaded unless an identity moved since */
    if (rc == 0 && c != NULL && made_ok && !changed && made.v != NULL)
        *c = made;
    else
        tally_clusters_free(&made);
    if (rc != 0)
        tally_obs_set_free(out);
    return rc;
}

/* A descriptive source of a document that echoes a named one: the whole
 * document's use of that description stands for it. */
typedef struct desc_link {
    int64_t doc;
    const char *source;
    const tally_obs *named;
} desc_link;

static void take_identity(tally_obs *x, const tally_obs *named)
{
    x->identity = named->identity != NULL ? named->identity : named->source;
    x->identity_kind = named->identity_kind != NULL ? named->identity_kind : named->source_kind;
    memcpy(x->identity_country,
           named->identity_kind != NULL ? named->identity_country : named->source_country, 4);
}

char tally_obs_row_grade(const tally_model *m, const tally_claim_row *r)
{
    tally_obs_set set = {0};
    set.arena = tally_arena_new();
    struct load l = {.out = &set, .m = m, .names = {.arena = set.arena}};
    char g = '?';
    if (m != NULL && on_row(r, &l) == 0 && set.n == 1)
        (void)tally_obs_sigma(m, &set.v[0], &g, NULL);
    load_free(&l);
    tally_obs_set_free(&set);
    return g;
}

int tally_obs_load(struct tally_store *s, const tally_model *m, const struct tally_claim_filter *f,
                   tally_obs_set *out, tally_err *err)
{
    return load(s, m, f, 0, NULL, 0, out, NULL, err);
}

int obs_load_parts(struct tally_store *s, const tally_model *m, const struct tally_claim_filter *f,
                   size_t parts, tally_obs_set *out, tally_err *err)
{
    return load(s, m, f, 0, NULL, parts > 0 ? parts : 1, out, NULL, err);
}

int tally_obs_load_series(struct tally_store *s, const tally_model *m,
                          const struct tally_claim_filter *f, uint32_t item, const char *unit,
                          tally_obs_set *out, tally_clusters *c, tally_err *err)
{
    if (c != NULL)
        memset(c, 0, sizeof *c);
    return load(s, m, f, item, unit, 0, out, c, err);
}

void tally_identity_link(tally_obs *obs, size_t n, const tally_clusters *c)
{
    desc_link *links = NULL;
    size_t n_links = 0;
    for (size_t i = 0; i < c->n; i++) {
        const tally_cluster *k = &c->v[i];
        const tally_obs *lead = &obs[k->lead];
        if (lead->descriptive)
            continue;
        for (size_t j = 0; j < k->n_members; j++) {
            const tally_obs *x = &obs[k->members[j]];
            if (!x->descriptive)
                continue;
            links = tally_xrealloc(links, (n_links + 1) * sizeof *links);
            links[n_links++] = (desc_link){x->doc_id, x->source, lead};
        }
    }
    for (size_t i = 0; i < n && n_links > 0; i++) {
        tally_obs *x = &obs[i];
        if (!x->descriptive)
            continue;
        for (size_t k = 0; k < n_links; k++)
            if (links[k].doc == x->doc_id && links[k].source == x->source) {
                take_identity(x, links[k].named);
                break;
            }
    }
    free(links);
}

void tally_obs_set_free(tally_obs_set *o)
{
    free(o->v);
    tally_arena_free(o->arena);
    memset(o, 0, sizeof *o);
}
