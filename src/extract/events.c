/* The event coder: the events a sentence reports, in PLOVER's terms
 * (../shared/docs/EVENTS.md), from the words the claim extractor has read
 * (see events.h for the design).
 *
 * A sentence becomes one candidate: its features (words and word pairs, the
 * triggers of eventwords.gperf and their types, cues of the auxiliary modes,
 * the rules' claims, how many parties it names, its time expressions, the
 * triggers of the sentence before), one slot per type (the trigger of that
 * type, its hedge and date) and its options for the parties. A model
 * decides per type whether the sentence reports such an event, then ranks
 * the options for actor and recipient and chooses the mode, aux and
 * contexts. Work per sentence is linear in its words (a sentence is at most
 * TALLY_SENTENCE_MAX bytes). The claims the extractor gives out (the
 * learned layer's, decided a window of paragraphs at a time) are features of
 * their sentences, a claim with two parties being an AID or AGREE event
 * between them (EVENTS.md): a sentence's candidate waits in a run of blocks
 * until the extractor says no more claims can come for it (events_flush),
 * so what waits is bounded by the learned layer's windows, never by the
 * document.
 *
 * Part of stage 2, extract: includes the public headers of base, the model and
 * read, and extract's own. */
#include "events.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/ascii.h"

enum {
    MAX_DOC_STATES = 24, /* states counted for the document's prior */
    TOP_STATES = 3,      /* of which the most named are options of every sentence */
    MAX_WORD = 24,       /* longer words are no features */
    SPAN_WORDS = 6,      /* a trigger's text: it and the words after it, to punctuation */
    MAX_NAMED_PAIR = 8,  /* parties of a sentence whose pairs are features */
    MAX_SENT_CLAIMS = 4, /* a sentence's given-out claims that are features */
    /* room the features of the given-out claims take, in a sentence's
     * features and in an option's */
    CLAIM_FEATS = 2 * MAX_SENT_CLAIMS + 2,
    OPT_CLAIM_FEATS = 4
};
enum {
    RUN_TEXT = 4096, /* a run of blocks takes no more blocks past this much text */
    SPARE_RUNS = 4   /* emptied runs kept for reuse */
};
/* the most text a run holds (one block, at most the decoder's limit) */
static const size_t MAX_RUN = (size_t)1 << 30;

/* A run of consecutive blocks whose candidates wait for their claims: the
 * candidates, their strings (in `arena`) and the blocks' text, which holds
 * body bytes [base, base + text.len). */
typedef struct ev_run {
    tally_arena *arena;
    ev_cand *v;
    size_t n, cap;
    tally_buf text;
    size_t base;
} ev_run;

struct events_state {
    tally_date date;
    const tally_learn_model *model;
    double threshold;
    ev_sink *sink;
    bool explain;
    /* how often each state was named so far: the document's prior */
    char code[MAX_DOC_STATES][TALLY_PARTY_MAX];
    unsigned count[MAX_DOC_STATES];
    /* how often the rules' claims so far made it supplier and recipient:
     * the document's direction (shells to Russia, oil back) */
    unsigned as_sup[MAX_DOC_STATES], as_rec[MAX_DOC_STATES];
    size_t n_codes;
    uint32_t prev_types; /* trigger types of the sentence before, in its paragraph */
    bool prev_claims;
    size_t sentences;
    /* without a sink: runs[0, n_out) were given out by the last flush (their
     * strings are the events'), runs[n_out, n_runs) wait, the last one open
     * for more blocks when run_open; runs[n_runs, n_runs + n_spare) are
     * empty for reuse */
    ev_run *runs;
    size_t n_runs, n_out, n_spare, cap_runs;
    bool run_open;
    /* with a sink: its candidates [0, sink_done) have their claims' features */
    size_t sink_done;
    /* the claims given out whose candidates wait: read when deciding */
    ev_claim *claims;
    size_t n_claims, cap_claims;
};

events_state *events_new(tally_date date, const tally_learn_model *model, ev_sink *sink,
                         bool explain)
{
    events_state *e = tally_xcalloc(1, sizeof *e);
    e->date = date;
    e->model = model != NULL && model->head[LEARN_EV_SENT].present ? model : NULL;
    e->threshold = e->model != NULL ? e->model->threshold : 0.5;
    e->sink = sink;
    e->explain = explain;
    return e;
}

static void run_free(ev_run *r)
{
    tally_arena_free(r->arena);
    free(r->v);
    tally_buf_free(&r->text);
}

void events_free(events_state *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->n_runs + e->n_spare; i++)
        run_free(&e->runs[i]);
    free(e->runs);
    free(e->claims);
    free(e);
}

/* ---- parties ------------------------------------------------------------------------ */

/* International bodies by the canonical name of their entry in
 * data/actors.tsv, and the code EVENTS.md gives them. */
static const struct {
    const char *name, *code;
} bodies[] = {
    {"United Nations", "UN"}, {"UN Security Council", "UNSC"}, {"UN General Assembly", "UNGA"},
    {"European Union", "EU"}, {"European Commission", "EU"},   {"NATO", "NATO"},
    {"IAEA", "IAEA"}};

static bool has_bytes(const char *t, size_t start, size_t end, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = start; i + n <= end; i++)
        if (memcmp(t + i, w, n) == 0)
            return true;
    return false;
}

bool events_party_code(const char *t, const tally_actor_match *m, char code[TALLY_PARTY_MAX])
{
    const tally_actor *a = m->actor;
    code[0] = '\0';
    if (a->kind == TALLY_ACTOR_OUTLET || a->kind == TALLY_ACTOR_THINK_TANK)
        return false;
    if (a->country[0] != '\0') {
        /* the actor table makes the Soviet Union Russia, as claims count it;
         * EVENTS.md codes it apart */
        if (has_bytes(t, m->start, m->end, "Soviet") || has_bytes(t, m->start, m->end, "USSR"))
            memcpy(code, "SUN", 4);
        else
            memcpy(code, a->country, 4);
        return true;
    }
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
        if (strcmp(a->name, bodies[i].name) == 0) {
            strcpy(code, bodies[i].code);
            return true;
        }
    return false;
}

static bool is_state_kind(tally_actor_kind k)
{
    return k == TALLY_ACTOR_STATE || k == TALLY_ACTOR_DEMONYM || k == TALLY_ACTOR_PLACE;
}

/* The index of `code` among the document's states (added uncounted when
 * new), or SIZE_MAX when the table is full. */
static size_t code_index(events_state *e, const char *code)
{
    for (size_t i = 0; i < e->n_codes; i++)
        if (strcmp(e->code[i], code) == 0)
            return i;
    if (e->n_codes == MAX_DOC_STATES)
        return SIZE_MAX;
    strcpy(e->code[e->n_codes], code);
    e->count[e->n_codes] = e->as_sup[e->n_codes] = e->as_rec[e->n_codes] = 0;
    return e->n_codes++;
}

static void note_code(events_state *e, const char *code)
{
    size_t i = code_index(e, code);
    if (i != SIZE_MAX)
        e->count[i]++;
}

/* Counts the parties of the rules' claims `k` in their roles. */
static void note_roles(events_state *e, const tally_claim *k)
{
    size_t i;
    if (k->supplier[0] != '\0' && (i = code_index(e, k->supplier)) != SIZE_MAX)
        e->as_sup[i]++;
    if (k->recipient[0] != '\0' && (i = code_index(e, k->recipient)) != SIZE_MAX)
        e->as_rec[i]++;
}

/* Whether `code` is (one of) the states the rules' claims of the document
 * so far made most often supplier (`sup`) or recipient; false when none. */
static bool doc_role_top(const events_state *e, const char *code, bool sup)
{
    const unsigned *n = sup ? e->as_sup : e->as_rec;
    unsigned best = 0, mine = 0;
    for (size_t i = 0; i < e->n_codes; i++) {
        if (n[i] > best)
            best = n[i];
        if (strcmp(e->code[i], code) == 0)
            mine = n[i];
    }
    return best > 0 && mine == best;
}

/* The rank (1 = most named) of `code` among the document's states, or 0
 * when it is not among the TOP_STATES. */
static unsigned doc_rank(const events_state *e, const char *code)
{
    size_t i = 0;
    while (i < e->n_codes && strcmp(e->code[i], code) != 0)
        i++;
    if (i == e->n_codes || e->count[i] == 0)
        return 0;
    unsigned above = 0;
    for (size_t j = 0; j < e->n_codes; j++)
        above += e->count[j] > e->count[i] || (e->count[j] == e->count[i] && j < i);
    return above < TOP_STATES ? above + 1 : 0;
}

/* ---- features ------------------------------------------------------------------------ */

uint32_t events_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h = (h ^ c) * 16777619u;
    }
    return h;
}

static uint32_t mix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h != 0 ? h : 1; /* 0 marks an empty slot of a model's table */
}

/* Feature templates: the first part of a feature's hash and of its name. */
enum tpl {
    F_BIAS = 1,
    F_WORD,
    F_PAIR,
    F_TRIGGER,
    F_TRIGGER_WORD,
    F_CUE,
    F_CLAIM_KIND,
    F_CLAIM_PARTIES,
    F_CLAIM_UNIT,
    F_PARTIES,
    F_BODY,
    F_LENGTH,
    F_PREV_TRIGGER,
    F_PREV_CLAIMS,
    F_WHEN,
    F_SAYS,
    F_FIRST,
    F_ORIGIN,
    F_RANK,
    F_KIND,
    F_BEFORE,
    F_BEFORE2,
    F_AFTER,
    F_START,
    F_POSSESSIVE,
    F_CLAIM_SUP,
    F_CLAIM_REC,
    F_CODE,
    F_MENTIONS,
    F_POS,
    F_DIST,
    F_TYPE,
    F_HAS_TRIGGER,
    F_LOCATED,
    F_NONE,
    F_ONLY,
    F_BEFORE_ROLE,
    F_AFTER_ROLE,
    F_VERB_AFTER,
    F_VERB_BEFORE,
    F_TRIGGER_POS,
    F_TRIGGER_CUE,
    F_DOC_ROLE,
    F_CODE_ITEM,
    F_STEM,
    F_NAMES,
    F_DOC_NAMES,
    F_WITH,
    F_ALPHA,
    F_SPEAKER,
    F_NAMED_PAIR,
    F_GIVEN_KIND,
    F_GIVEN_PAIR,
    F_GIVEN_SUP,
    F_GIVEN_REC
};

static const char *const tpl_names[] = {"",
                                        "bias",
                                        "word",
                                        "words",
                                        "trigger",
                                        "trigger word",
                                        "cue",
                                        "claim kind",
                                        "claim parties",
                                        "claim unit",
                                        "parties",
                                        "body",
                                        "length",
                                        "trigger before",
                                        "claims before",
                                        "time",
                                        "attributed",
                                        "first of paragraph",
                                        "origin",
                                        "document rank",
                                        "kind",
                                        "word before",
                                        "two words before",
                                        "word after",
                                        "starts the sentence",
                                        "possessive",
                                        "rules' supplier",
                                        "rules' recipient",
                                        "code",
                                        "mentions",
                                        "before the trigger",
                                        "distance to the trigger",
                                        "type",
                                        "type's trigger",
                                        "located",
                                        "none",
                                        "only party",
                                        "role before",
                                        "role after",
                                        "verb after",
                                        "verb before",
                                        "trigger and place",
                                        "trigger with",
                                        "document's most frequent",
                                        "code and item",
                                        "stem",
                                        "names",
                                        "document names",
                                        "code with",
                                        "alphabetical",
                                        "speaker's",
                                        "named pair",
                                        "claim given out",
                                        "claim's pair",
                                        "claim's supplier",
                                        "claim's recipient"};

static uint32_t fid(unsigned tpl, uint32_t v)
{
    return mix(v * 0x9E3779B1u + tpl * 0x7feb352du + 0x165667b1u);
}

uint32_t events_conj(uint32_t h, unsigned t)
{
    return mix(h ^ ((t + 1) * 0x27d4eb2fu));
}

/* A feature vector being built in an arena. */
typedef struct fb {
    learn_fv *fv;
    tally_arena *a;
    bool named;
} fb;

static void fv_init(fb *b, learn_fv *fv, uint32_t cap, tally_arena *a, bool named)
{
    fv->n = 0;
    fv->cap = cap;
    fv->h = tally_arena_alloc(a, cap * sizeof *fv->h);
    fv->name = named ? tally_arena_alloc(a, cap * sizeof *fv->name) : NULL;
    *b = (fb){fv, a, named};
}

static void push(fb *b, uint32_t h, const char *name)
{
    learn_fv *fv = b->fv;
    if (fv->n == fv->cap)
        return; /* the bound is computed for the sentence: never reached */
    if (fv->name != NULL)
        fv->name[fv->n] = name;
    fv->h[fv->n++] = h;
}

/* "template=value" as a feature's name, when naming. */
static const char *fname(const fb *b, unsigned tpl, const char *v, size_t n)
{
    if (!b->named)
        return NULL;
    const char *t = tpl_names[tpl];
    size_t tn = strlen(t);
    char *s = tally_arena_alloc(b->a, tn + n + 2);
    memcpy(s, t, tn);
    s[tn] = '=';
    memcpy(s + tn + 1, v, n);
    s[tn + 1 + n] = '\0';
    return s;
}

static void f_str(fb *b, unsigned tpl, const char *v, size_t n)
{
    push(b, fid(tpl, events_hash(v, n)), fname(b, tpl, v, n));
}

static void f_cstr(fb *b, unsigned tpl, const char *v)
{
    f_str(b, tpl, v, strlen(v));
}

static void f_num(fb *b, unsigned tpl, unsigned v)
{
    char s[16];
    int n = 0;
    unsigned x = v;
    char d[16];
    do {
        d[n++] = (char)('0' + x % 10);
        x /= 10;
    } while (x > 0 && n < 15);
    for (int i = 0; i < n; i++)
        s[i] = d[n - 1 - i];
    f_str(b, tpl, s, (size_t)n);
}

/* The claim lexicon's roles of a word that tell a party's part (CW_* of
 * extract.h). */
static const struct {
    uint32_t bit;
    const char *name;
} word_roles[] = {{CW_UNIT, "unit"},     {CW_ITEM, "item"},     {CW_OUT, "out"},
                  {CW_IN, "in"},         {CW_PLAN, "plan"},     {CW_CONSUME, "consume"},
                  {CW_SAY, "say"},       {CW_LOCATE, "locate"}, {CW_RETURN, "return"},
                  {CW_OFFICE, "office"}, {CW_BODY, "body"}};

static void f_roles(fb *b, unsigned tpl, uint32_t r)
{
    for (size_t i = 0; i < sizeof word_roles / sizeof word_roles[0]; i++)
        if (r & word_roles[i].bit)
            f_cstr(b, tpl, word_roles[i].name);
}

static const char *type_slug(unsigned t)
{
    return tally_event_type_name((tally_event_type)t);
}

static void f_type(fb *b, unsigned tpl, unsigned t)
{
    f_cstr(b, tpl, type_slug(t));
}

/* The feature `h` (named `name`) conjoined with type `t`. */
static void push_conj(fb *b, uint32_t h, const char *name, unsigned t)
{
    const char *n = NULL;
    if (b->named && name != NULL) {
        const char *ts = type_slug(t);
        size_t a = strlen(ts), k = strlen(name);
        char *s = tally_arena_alloc(b->a, a + k + 2);
        memcpy(s, ts, a);
        s[a] = ' ';
        memcpy(s + a + 1, name, k + 1);
        n = s;
    }
    push(b, events_conj(h, t), n);
}

static unsigned bucket(size_t v, const size_t *edges, unsigned n)
{
    unsigned i = 0;
    while (i < n && v >= edges[i])
        i++;
    return i;
}

/* ---- words ---------------------------------------------------------------------------- */

static bool word_ascii(const char *t, const learn_word *w)
{
    for (size_t i = w->start; i < w->end; i++)
        if ((unsigned char)t[i] >= 0x80)
            return false;
    return true;
}

static const event_word *event_word_of(const char *t, const learn_word *w)
{
    if (w->punct != 0 || w->end - w->start > MAX_WORD || !word_ascii(t, w))
        return NULL;
    return ew_lookup(t + w->start, w->end - w->start);
}

/* The index of the first word starting at or after byte `at`. */
static size_t word_at(const learn_words *ws, size_t at)
{
    size_t lo = 0, hi = ws->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ws->v[mid].start < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The word i as a feature value: the text (lower-cased by the hash), or
 * the punctuation. */
static void word_text(const char *t, const learn_word *w, const char **s, size_t *n)
{
    *s = t + w->start;
    *n = w->end - w->start;
    if (*n > MAX_WORD)
        *n = MAX_WORD;
}

/* ---- the candidate ---------------------------------------------------------------------- */

/* Time expressions of the sentence and the one nearest byte `at` (relative
 * to the sentence); year 0 when none, or when it starts a period (ongoing
 * supply has no date). */
static tally_date date_near(const tally_whens *wh, size_t at, tally_date doc)
{
    const tally_when *best = NULL;
    size_t bd = SIZE_MAX;
    for (size_t i = 0; i < wh->n; i++) {
        const tally_when *w = &wh->v[i];
        size_t d = w->start >= at ? w->start - at : at - w->end;
        if (w->end > at && w->start <= at)
            d = 0;
        if (d < bd) {
            bd = d;
            best = w;
        }
    }
    tally_date none = {0, 0, 0};
    if (best == NULL || best->role == TALLY_WHEN_SINCE)
        return none;
    tally_date d = best->date;
    if (best->role == TALLY_WHEN_SPAN && tally_date_cmp(best->date, best->end_date) != 0) {
        /* the smallest date holding the whole span */
        d = best->date;
        if (d.year != best->end_date.year)
            return none;
        if (d.month != best->end_date.month)
            d.month = 0;
        if (d.day != best->end_date.day || d.month == 0)
            d.day = 0;
    }
    if (d.year == doc.year && d.month == doc.month && d.day == doc.day)
        return none;
    return d;
}

/* The verbs of giving or receiving nearest a party's mention on either
 * side, with the word that joins the party to a verb before it: "Russia
 * supplies oil to North Korea" (Russia before an out-verb, North Korea after
 * one, joined by "to"), "received from Russia", "supplied by Iran". */
static void verb_features(fb *b, const learn_words *ws, const char *t, const ev_option *o)
{
    static const uint32_t DIR = CW_OUT | CW_IN;
    for (size_t i = o->last + 1; i < ws->n; i++) {
        const learn_word *w = &ws->v[i];
        if (w->punct != 0 && w->punct != ',')
            break;
        if (w->roles & DIR) {
            f_cstr(b, F_VERB_AFTER, (w->roles & CW_OUT) ? "out" : "in");
            if (w->roles & CW_PLAN)
                f_cstr(b, F_VERB_AFTER, "plan");
            break;
        }
    }
    for (size_t i = o->first; i-- > 0;) {
        const learn_word *w = &ws->v[i];
        if (w->punct != 0 && w->punct != ',')
            break;
        if (w->roles & DIR) {
            const char *dir = (w->roles & CW_OUT) ? "out" : "in";
            f_cstr(b, F_VERB_BEFORE, dir);
            if (o->first > 0 && o->first - 1 > i) {
                const learn_word *p = &ws->v[o->first - 1];
                const char *s;
                size_t n;
                word_text(t, p, &s, &n);
                char k[MAX_WORD + 8];
                snprintf(k, sizeof k, "%s %.*s", dir, (int)n, s);
                f_cstr(b, F_VERB_BEFORE, k);
            }
            break;
        }
    }
}

/* The party's code with each thing the sentence says is carried ("oil",
 * "shells", "loan"): which way the goods of a pair flow is learned from the
 * gold, not the pair alone (oil to North Korea, shells to Russia). */
static void code_item_features(fb *b, const learn_words *ws, const char *t, const char *code)
{
    static const uint32_t WHAT = CW_ITEM | CW_UNIT | CW_FINANCE;
    static const unsigned MAX_ITEMS = 8;
    unsigned n = 0;
    uint32_t hc = events_hash(code, strlen(code));
    for (size_t i = 0; i < ws->n && n < MAX_ITEMS; i++) {
        const learn_word *w = &ws->v[i];
        if (w->punct != 0 || !(w->roles & WHAT))
            continue;
        const char *s;
        size_t sn;
        word_text(t, w, &s, &sn);
        push(b, fid(F_CODE_ITEM, hc * 31u ^ events_hash(s, sn)), fname(b, F_CODE_ITEM, s, sn));
        n++;
    }
}

/* The options for the parties of sentence `in`: each party it names, the
 * document's most named states, none. */
static void options_of(events_state *e, const ev_sentence_in *in, ev_cand *c, fb *b, tally_arena *a,
                       const char (*codes)[TALLY_PARTY_MAX])
{
    const learn_words *ws = &in->w;
    size_t n = 0;
    for (size_t i = 0; i < in->n_am && n < EV_MAX_OPTIONS - TOP_STATES - 1; i++) {
        const char *code = codes[i];
        if (code[0] == '\0')
            continue;
        size_t k = 0;
        while (k < n && strcmp(c->opt[k].code, code) != 0)
            k++;
        size_t first = word_at(ws, in->am[i].start), last = word_at(ws, in->am[i].end);
        if (last > first)
            last--;
        if (k < n) {
            c->opt[k].last = last;
            continue;
        }
        ev_option *o = &c->opt[n++];
        memset(o, 0, sizeof *o);
        strcpy(o->code, code);
        o->origin = EV_FROM_SENTENCE;
        o->first = first;
        o->last = last;
    }
    size_t from_sentence = n;
    /* the document's states */
    for (unsigned r = 1; r <= TOP_STATES && n < EV_MAX_OPTIONS - 1; r++)
        for (size_t i = 0; i < e->n_codes; i++) {
            if (doc_rank(e, e->code[i]) != r)
                continue;
            size_t k = 0;
            while (k < n && strcmp(c->opt[k].code, e->code[i]) != 0)
                k++;
            if (k < n)
                break;
            ev_option *o = &c->opt[n++];
            memset(o, 0, sizeof *o);
            strcpy(o->code, e->code[i]);
            o->origin = EV_FROM_DOCUMENT;
            o->first = o->last = SIZE_MAX;
            break;
        }
    ev_option *none = &c->opt[n++];
    memset(none, 0, sizeof *none);
    none->origin = EV_FROM_NONE;
    none->first = none->last = SIZE_MAX;
    c->n_opt = n;
    /* their features */
    for (size_t k = 0; k < n; k++) {
        ev_option *o = &c->opt[k];
        fb f;
        fv_init(&f, &o->fv, 96 + OPT_CLAIM_FEATS, a, b->named);
        o->doc_rank = o->code[0] ? doc_rank(e, o->code) : 0;
        static const char *const origins[] = {"sentence", "document", "none"};
        f_cstr(&f, F_ORIGIN, origins[o->origin]);
        if (o->origin == EV_FROM_NONE) {
            f_cstr(&f, F_NONE, "none");
            continue;
        }
        f_num(&f, F_RANK, o->doc_rank);
        f_cstr(&f, F_CODE, o->code);
        if (doc_role_top(e, o->code, true))
            f_cstr(&f, F_DOC_ROLE, "supplier");
        if (doc_role_top(e, o->code, false))
            f_cstr(&f, F_DOC_ROLE, "recipient");
        /* the state of who says it: the accuser, the one who denies, thanks
         * or asks, rarely the supplier a third party reports on */
        if (strcmp(o->code, c->source_country) == 0)
            f_cstr(&f, F_SPEAKER, "yes");
        if (strcmp(o->code, c->claim_sup) == 0)
            f_cstr(&f, F_CLAIM_SUP, "yes");
        if (strcmp(o->code, c->claim_rec) == 0)
            f_cstr(&f, F_CLAIM_REC, "yes");
        if (from_sentence == 1 && o->origin == EV_FROM_SENTENCE)
            f_cstr(&f, F_ONLY, "yes");
        code_item_features(&f, ws, in->t, o->code);
        /* the party beside the others the sentence names: who gives to whom
         * in a pair */
        for (size_t q = 0; q < from_sentence; q++)
            if (q != k) {
                char v[2 * TALLY_PARTY_MAX + 2];
                snprintf(v, sizeof v, "%s %s", o->code, c->opt[q].code);
                f_cstr(&f, F_WITH, v);
            }
        if (o->origin != EV_FROM_SENTENCE)
            continue;
        /* where its code stands in the alphabet among the sentence's
         * parties: EVENTS.md makes the first the actor of a meeting, a
         * treaty or an exercise that names no side */
        unsigned before = 0;
        for (size_t q = 0; q < from_sentence; q++)
            before += strcmp(c->opt[q].code, o->code) < 0;
        if (from_sentence > 1)
            f_cstr(&f, F_ALPHA, before == 0 ? "first" : "later");
        /* its first mention in the sentence */
        const tally_actor_match *m = NULL;
        for (size_t i = 0; i < in->n_am && m == NULL; i++)
            if (strcmp(codes[i], o->code) == 0)
                m = &in->am[i];
        f_cstr(&f, F_KIND, tally_actor_kind_name(m->actor->kind));
        const char *s;
        size_t sn;
        if (o->first > 0) {
            const learn_word *w = &ws->v[o->first - 1];
            word_text(in->t, w, &s, &sn);
            f_str(&f, F_BEFORE, s, sn);
            f_roles(&f, F_BEFORE_ROLE, w->roles);
            if (o->first > 1) {
                word_text(in->t, &ws->v[o->first - 2], &s, &sn);
                f_str(&f, F_BEFORE2, s, sn);
            }
        }
        if (o->first <= 1)
            f_cstr(&f, F_START, "yes");
        size_t after = word_at(ws, m->end);
        if (after < ws->n) {
            word_text(in->t, &ws->v[after], &s, &sn);
            f_str(&f, F_AFTER, s, sn);
            f_roles(&f, F_AFTER_ROLE, ws->v[after].roles);
            if (after + 1 < ws->n)
                f_roles(&f, F_AFTER_ROLE, ws->v[after + 1].roles);
        }
        const char *p = in->t + m->end;
        if (m->end + 2 <= in->end && (p[0] == '\'' && p[1] == 's'))
            f_cstr(&f, F_POSSESSIVE, "yes");
        if (m->end + 4 <= in->end && memcmp(p, "\xE2\x80\x99s", 4) == 0)
            f_cstr(&f, F_POSSESSIVE, "yes");
        f_num(&f, F_MENTIONS, o->last > o->first ? 2 : 1);
        verb_features(&f, ws, in->t, o);
    }
}

void events_option_fv(const ev_cand *cd, size_t oi, unsigned t, learn_fv *fv, tally_arena *a,
                      bool named)
{
    const ev_option *o = &cd->opt[oi];
    const ev_slot *sl = &cd->slot[t];
    size_t trigger = sl->word;
    fb b;
    fv_init(&b, fv, 2 * o->fv.n + 10, a, named);
    for (uint32_t i = 0; i < o->fv.n; i++) {
        const char *n = o->fv.name != NULL ? o->fv.name[i] : NULL;
        push(&b, o->fv.h[i], n);
        push_conj(&b, o->fv.h[i], n, t);
    }
    if (o->origin != EV_FROM_SENTENCE || trigger == SIZE_MAX)
        return;
    const char *pos = o->last < trigger ? "before" : o->first > trigger ? "after" : "inside";
    size_t d = o->last < trigger ? trigger - o->last : o->first > trigger ? o->first - trigger : 0;
    static const size_t edges[] = {2, 4, 8, 16};
    fb c = b;
    c.named = named;
    uint32_t h1 = fid(F_POS, events_hash(pos, strlen(pos)));
    const char *n1 = fname(&c, F_POS, pos, strlen(pos));
    push(&b, h1, n1);
    push_conj(&b, h1, n1, t);
    char db[2] = {(char)('0' + bucket(d, edges, 4)), '\0'};
    uint32_t h2 = fid(F_DIST, events_hash(db, 1) ^ events_hash(pos, strlen(pos)));
    const char *n2 = fname(&c, F_DIST, db, 1);
    push_conj(&b, h2, n2, t);
    /* the trigger's word and where the party stands: "received" before it */
    uint32_t h3 = fid(F_TRIGGER_POS, sl->word_hash * 31u ^ events_hash(pos, strlen(pos)));
    push_conj(&b, h3, fname(&c, F_TRIGGER_POS, pos, strlen(pos)), t);
}

void events_attr_fv(const ev_cand *c, unsigned t, learn_fv *fv, tally_arena *a, bool named)
{
    fb b;
    fv_init(&b, fv, 2 * c->fv.n + 4, a, named);
    uint32_t h = fid(F_TYPE, (uint32_t)t + 1);
    push(&b, h, named ? type_slug(t) : NULL);
    push(&b, fid(F_HAS_TRIGGER, c->slot[t].word != SIZE_MAX),
         named ? (c->slot[t].word != SIZE_MAX ? "type's trigger" : "no trigger of the type")
               : NULL);
    for (uint32_t i = 0; i < c->fv.n; i++) {
        const char *n = c->fv.name != NULL ? c->fv.name[i] : NULL;
        push(&b, c->fv.h[i], n);
        push_conj(&b, c->fv.h[i], n, t);
    }
}

/* The length of the word's stem: without the ending of a plural, a past
 * or a gerund ("supplies", "supplied", "supplying": "suppli", "suppl"), so
 * that the few examples of each form count together; n when none. */
static size_t stem_len(const char *s, size_t n)
{
    static const char *const endings[] = {"ing", "ied", "ies", "ed", "es", "s"};
    if (n < 5)
        return n;
    for (size_t i = 0; i < sizeof endings / sizeof endings[0]; i++) {
        size_t k = strlen(endings[i]);
        bool same = n - k >= 3;
        for (size_t j = 0; j < k && same; j++)
            same = tally_to_lower((unsigned char)s[n - k + j]) == (unsigned char)endings[i][j];
        if (same)
            return n - k;
    }
    return n;
}

/* The sentence's own features (EV_SENT). */
static void sentence_fv(const events_state *e, const ev_sentence_in *in, const ev_cand *c, fb *b,
                        const uint32_t *trig_of, size_t n_parties, bool body, const tally_whens *wh,
                        const char (*codes)[TALLY_PARTY_MAX])
{
    const learn_words *ws = &in->w;
    const char *t = in->t;
    push(b, fid(F_BIAS, 1), b->named ? "bias" : NULL);
    const char *prev = NULL;
    size_t prev_n = 0;
    for (size_t i = 0; i < ws->n; i++) {
        const learn_word *w = &ws->v[i];
        if (w->punct != 0) {
            prev = NULL;
            continue;
        }
        const char *s;
        size_t n;
        word_text(t, w, &s, &n);
        f_str(b, F_WORD, s, n);
        size_t sn = stem_len(s, n);
        if (sn < n)
            f_str(b, F_STEM, s, sn);
        if (prev != NULL) {
            uint32_t h = events_hash(prev, prev_n) * 31u ^ events_hash(s, n);
            const char *name = NULL;
            if (b->named) {
                char *x = tally_arena_alloc(b->a, prev_n + n + 2);
                memcpy(x, prev, prev_n);
                x[prev_n] = ' ';
                memcpy(x + prev_n + 1, s, n);
                x[prev_n + n + 1] = '\0';
                name = fname(b, F_PAIR, x, prev_n + n + 1);
            }
            push(b, fid(F_PAIR, h), name);
        }
        prev = s;
        prev_n = n;
    }
    for (unsigned ty = 0; ty < TALLY_EVENT_TYPE_N; ty++)
        if (c->trig_types & (1u << ty))
            f_type(b, F_TRIGGER, ty);
    /* a trigger with the words before it: "will send", "plans to supply",
     * "have been supplied" */
    for (size_t i = 0; i < ws->n; i++) {
        if (trig_of[i] == 0)
            continue;
        const char *p;
        size_t pn;
        for (size_t back = 1; back <= 2 && back <= i; back++) {
            const learn_word *w = &ws->v[i - back];
            if (w->punct != 0)
                break;
            word_text(t, w, &p, &pn);
            uint32_t h = events_hash(p, pn) * 31u + (uint32_t)back;
            push(b, fid(F_TRIGGER_WORD, h), b->named ? fname(b, F_TRIGGER_WORD, p, pn) : NULL);
            for (unsigned ty = 0; ty < TALLY_EVENT_TYPE_N; ty++)
                if (trig_of[i] & (1u << ty))
                    push(b, fid(F_TRIGGER_WORD, h ^ (0x51ed27u * (ty + 1))),
                         b->named ? fname(b, F_TRIGGER_WORD, p, pn) : NULL);
        }
    }
    static const char *const cue_names[EVC_N] = {"future", "hypothetical", "historical",
                                                 "negation"};
    for (unsigned k = 0; k < EVC_N; k++)
        if (c->cues & (1u << k))
            f_cstr(b, F_CUE, cue_names[k]);
    /* each trigger type with the cues and with how many parties are named:
     * "will send" is a promise, an accusation needs someone accused */
    for (unsigned ty = 0; ty < TALLY_EVENT_TYPE_N; ty++) {
        if (!(c->trig_types & (1u << ty)))
            continue;
        char v[48];
        for (unsigned k = 0; k < EVC_N; k++)
            if (c->cues & (1u << k)) {
                snprintf(v, sizeof v, "%s %s", type_slug(ty), cue_names[k]);
                f_cstr(b, F_TRIGGER_CUE, v);
            }
        snprintf(v, sizeof v, "%s %u", type_slug(ty), n_parties > 2 ? 2u : (unsigned)n_parties);
        f_cstr(b, F_TRIGGER_CUE, v);
    }
    for (size_t i = 0; i < in->n_claims; i++) {
        const tally_claim *k = &in->claims[i];
        f_cstr(b, F_CLAIM_KIND, tally_kind_name(k->kind));
        f_cstr(b, F_CLAIM_UNIT, tally_unit_name(k));
        f_num(b, F_CLAIM_PARTIES, (k->supplier[0] != '\0') + (k->recipient[0] != '\0'));
    }
    f_num(b, F_PARTIES, n_parties > 3 ? 3 : (unsigned)n_parties);
    /* who is named: a sanction has a Western actor, aid a pair of the war */
    const char *named[MAX_NAMED_PAIR];
    size_t n_named = 0;
    for (size_t i = 0; i < in->n_am; i++) {
        bool seen = codes[i][0] == '\0';
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(codes[j], codes[i]) == 0;
        if (seen)
            continue;
        f_cstr(b, F_NAMES, codes[i]);
        if (n_named < MAX_NAMED_PAIR)
            named[n_named++] = codes[i];
    }
    /* and each pair of them, in the alphabet's order: the belligerents
     * alone ("Russia lost 7,905 soldiers to Ukraine") are the war, which
     * EVENTS.md leaves out; a supplier beside them is aid */
    for (size_t i = 0; i < n_named; i++)
        for (size_t j = i + 1; j < n_named; j++) {
            bool lt = strcmp(named[i], named[j]) < 0;
            char v[2 * TALLY_PARTY_MAX + 2];
            snprintf(v, sizeof v, "%s %s", lt ? named[i] : named[j], lt ? named[j] : named[i]);
            f_cstr(b, F_NAMED_PAIR, v);
        }
    /* and the document's most named states: what the article is about */
    for (size_t i = 0; i < e->n_codes; i++) {
        unsigned r = doc_rank(e, e->code[i]);
        if (r == 1 || r == 2)
            f_cstr(b, F_DOC_NAMES, e->code[i]);
    }
    if (body)
        f_cstr(b, F_BODY, "yes");
    static const size_t edges[] = {5, 11, 26};
    f_num(b, F_LENGTH, bucket(ws->n, edges, 3));
    for (unsigned ty = 0; ty < TALLY_EVENT_TYPE_N; ty++)
        if (e->prev_types & (1u << ty))
            f_type(b, F_PREV_TRIGGER, ty);
    if (e->prev_claims)
        f_cstr(b, F_PREV_CLAIMS, "yes");
    if (in->paragraph_start)
        f_cstr(b, F_FIRST, "yes");
    static const char *const roles[] = {"since", "as of", "span"};
    for (size_t i = 0; i < wh->n; i++)
        f_cstr(b, F_WHEN, roles[wh->v[i].role]);
    if (c->historical)
        f_cstr(b, F_WHEN, "before 2022");
    if (strcmp(c->source, "author") != 0)
        f_cstr(b, F_SAYS, "yes");
}

/* The trigger's text: its word and those after it up to punctuation,
 * SPAN_WORDS in all. */
static void span_of(const ev_sentence_in *in, size_t wi, size_t *start, size_t *end)
{
    const learn_words *ws = &in->w;
    *start = ws->v[wi].start;
    *end = ws->v[wi].end;
    for (size_t k = wi + 1; k < ws->n && k < wi + SPAN_WORDS && ws->v[k].punct == 0; k++)
        *end = ws->v[k].end;
}

void events_sentence(events_state *e, const ev_sentence_in *in, tally_arena *a)
{
    const learn_words *ws = &in->w;
    const char *t = in->t;
    bool named = e->explain;
    ev_run *run = e->sink == NULL ? &e->runs[e->n_runs - 1] : NULL; /* (events_block opened it) */
    tally_arena *ca = run != NULL ? run->arena : e->sink->arena;
    ev_cand *c = tally_arena_alloc(a, sizeof *c);
    memset(c, 0, sizeof *c);
    c->sentence_start = in->offset + in->start;
    c->sentence_end = in->offset + in->end;
    c->source = tally_arena_strndup(ca, in->source, strlen(in->source));
    snprintf(c->source_country, sizeof c->source_country, "%s", in->source_country);
    /* the parties it names */
    char(*codes)[TALLY_PARTY_MAX] = tally_arena_alloc(a, (in->n_am + 1) * sizeof *codes);
    size_t n_parties = 0;
    bool body = false;
    for (size_t i = 0; i < in->n_am; i++) {
        codes[i][0] = '\0';
        const tally_actor_match *m = &in->am[i];
        if (!events_party_code(t, m, codes[i]))
            continue;
        if (m->actor->country[0] == '\0')
            body = true;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(codes[j], codes[i]) == 0;
        n_parties += !seen;
        if (is_state_kind(m->actor->kind) || m->actor->country[0] == '\0')
            note_code(e, codes[i]);
    }
    /* the rules' claims */
    for (size_t i = 0; i < in->n_claims; i++) {
        const tally_claim *k = &in->claims[i];
        note_roles(e, k);
        c->claim_any = true;
        c->claim_planned = c->claim_planned || k->kind == TALLY_KIND_PLANNED;
        if (c->claim_sup[0] == '\0' && k->supplier[0] != '\0') {
            memcpy(c->claim_sup, k->supplier, 4);
            memcpy(c->claim_rec, k->recipient, 4);
        }
    }
    /* triggers and cues */
    uint32_t *trig_of = tally_arena_alloc(a, (ws->n + 1) * sizeof *trig_of);
    size_t n_trig = 0;
    for (unsigned ty = 0; ty < TALLY_EVENT_TYPE_N; ty++)
        c->slot[ty].word = SIZE_MAX;
    for (size_t i = 0; i < ws->n; i++) {
        trig_of[i] = 0;
        const event_word *w = event_word_of(t, &ws->v[i]);
        if (w == NULL)
            continue;
        c->cues |= w->cues;
        trig_of[i] = w->types;
        n_trig += w->types != 0;
        c->trig_types |= w->types;
        for (unsigned ty = 0; ty < TALLY_EVENT_TYPE_N; ty++)
            if ((w->types & (1u << ty)) && c->slot[ty].word == SIZE_MAX) {
                ev_slot *sl = &c->slot[ty];
                sl->word = i;
                sl->word_hash = events_hash(t + ws->v[i].start, ws->v[i].end - ws->v[i].start);
                sl->mode = (tally_event_mode)w->mode;
                sl->context = w->context;
            }
    }
    /* time */
    tally_whens wh = {NULL, 0};
    if (c->trig_types != 0 || in->n_claims > 0 || n_parties > 0) {
        if (tally_when_scan((tally_span){t + in->start, in->end - in->start}, e->date, &wh, a,
                            NULL) != 0)
            wh.n = 0;
    }
    for (size_t i = 0; i < wh.n; i++)
        if (wh.v[i].date.year != 0 && wh.v[i].date.year < 2022)
            c->historical = true;
    /* each type's slot: its trigger, else the first claim, else the sentence */
    for (unsigned ty = 0; ty < TALLY_EVENT_TYPE_N; ty++) {
        ev_slot *sl = &c->slot[ty];
        size_t wi = sl->word;
        if (wi == SIZE_MAX && in->n_claims > 0) {
            wi = word_at(ws, in->claims[0].start - in->offset);
            if (wi >= ws->n)
                wi = SIZE_MAX;
        }
        if (wi == SIZE_MAX && ws->n > 0)
            wi = 0;
        if (wi == SIZE_MAX) {
            sl->start = c->sentence_start;
            sl->end = c->sentence_end;
            continue;
        }
        size_t s0, s1;
        span_of(in, wi, &s0, &s1);
        sl->start = in->offset + s0;
        sl->end = in->offset + s1;
        sl->hedged = in->hedged_at != NULL && in->hedged_at[wi];
        sl->date = date_near(&wh, s0 - in->start, e->date);
    }
    /* features */
    fb b;
    uint32_t cap =
        (uint32_t)(3 * ws->n + in->n_am + (TALLY_EVENT_TYPE_N + 1) * n_trig + 4 * in->n_claims +
                   64 + MAX_NAMED_PAIR * (MAX_NAMED_PAIR - 1) / 2 + wh.n + 2 * 3 * n_trig +
                   (EVC_N + 1) * TALLY_EVENT_TYPE_N + CLAIM_FEATS);
    fv_init(&b, &c->fv, cap, ca, named);
    sentence_fv(e, in, c, &b, trig_of, n_parties, body, &wh, (const char(*)[TALLY_PARTY_MAX])codes);
    options_of(e, in, c, &b, ca, (const char(*)[TALLY_PARTY_MAX])codes);
    e->prev_types = c->trig_types;
    e->prev_claims = in->n_claims > 0;
    e->sentences++;
    /* decided with the claims given out in it (events_flush) */
    ev_cand **v = run != NULL ? &run->v : &e->sink->v;
    size_t *nv = run != NULL ? &run->n : &e->sink->n;
    size_t *capv = run != NULL ? &run->cap : &e->sink->cap;
    if (*nv == *capv)
        *v = tally_xrealloc(*v, (*capv = *capv ? *capv * 2 : 64) * sizeof **v);
    (*v)[(*nv)++] = *c;
}

/* A run for blocks from body offset `base`: a spare one, or a new one. */
static ev_run *run_new(events_state *e, size_t base)
{
    if (e->n_spare == 0) {
        if (e->n_runs == e->cap_runs)
            e->runs = tally_xrealloc(e->runs, (e->cap_runs = e->cap_runs ? e->cap_runs * 2 : 8) *
                                                  sizeof *e->runs);
        ev_run *r = &e->runs[e->n_runs];
        memset(r, 0, sizeof *r);
        r->arena = tally_arena_new();
        tally_buf_init(&r->text, MAX_RUN);
        e->n_spare++;
    }
    ev_run *r = &e->runs[e->n_runs++];
    e->n_spare--;
    r->base = base;
    e->run_open = true;
    return r;
}

void events_block(events_state *e, const char *text, size_t len, size_t offset)
{
    e->prev_types = 0;
    e->prev_claims = false;
    if (e->sink != NULL) {
        if (tally_buf_append(&e->sink->body, text, len) != 0)
            abort(); /* the body, for training: its limit is the text's */
        return;
    }
    ev_run *r = e->run_open ? &e->runs[e->n_runs - 1] : NULL;
    if (r == NULL || r->text.len >= RUN_TEXT || offset < r->base + r->text.len)
        r = run_new(e, offset);
    /* the blocks at their offsets */
    static const char pad[16] = "                ";
    while (r->base + r->text.len < offset) {
        size_t k = offset - r->base - r->text.len;
        if (tally_buf_append(&r->text, pad, k < sizeof pad ? k : sizeof pad) != 0)
            abort(); /* beyond any block the decoder gives */
    }
    if (tally_buf_append(&r->text, text, len) != 0)
        abort();
}

void events_claims(events_state *e, const tally_claim *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (e->n_claims == e->cap_claims)
            e->claims =
                tally_xrealloc(e->claims, (e->cap_claims = e->cap_claims ? e->cap_claims * 2 : 64) *
                                              sizeof *e->claims);
        /* in their sentences' order, each after those given out before it */
        size_t k = e->n_claims;
        while (k > 0 && e->claims[k - 1].sentence_start > v[i].sentence_start)
            k--;
        memmove(e->claims + k + 1, e->claims + k, (e->n_claims - k) * sizeof *e->claims);
        e->n_claims++;
        ev_claim *c = &e->claims[k];
        c->sentence_start = v[i].sentence_start;
        memcpy(c->supplier, v[i].supplier, 4);
        memcpy(c->recipient, v[i].recipient, 4);
        c->kind = v[i].kind;
    }
}

/* The features of the claims k[0, n) given out in candidate `c`'s sentence:
 * a supply claim is an AID (AGREE when planned) between its parties
 * (EVENTS.md), and the learned layer decides them a window at a time. */
static void given_features(ev_cand *c, const ev_claim *k, size_t n, tally_arena *a, bool named)
{
    if (n == 0)
        return;
    fb b = {&c->fv, a, named};
    unsigned sup[EV_MAX_OPTIONS] = {0}, rec[EV_MAX_OPTIONS] = {0};
    for (size_t i = 0; i < n && i < MAX_SENT_CLAIMS; i++) {
        bool planned = k[i].kind == TALLY_KIND_PLANNED;
        f_cstr(&b, F_GIVEN_KIND, tally_kind_name(k[i].kind));
        if (k[i].supplier[0] != '\0' && k[i].recipient[0] != '\0')
            f_cstr(&b, F_GIVEN_PAIR, planned ? "planned" : "other");
        for (size_t o = 0; o < c->n_opt; o++) {
            const char *code = c->opt[o].code;
            if (code[0] == '\0')
                continue;
            if (strcmp(code, k[i].supplier) == 0)
                sup[o] |= planned ? 2u : 1u;
            if (strcmp(code, k[i].recipient) == 0)
                rec[o] |= planned ? 2u : 1u;
        }
    }
    /* a claim's party the options lack (named in an earlier sentence) */
    for (size_t i = 0; i < n && i < MAX_SENT_CLAIMS; i++) {
        const char *party[2] = {k[i].supplier, k[i].recipient};
        for (int r = 0; r < 2; r++) {
            if (party[r][0] == '\0' || c->n_opt == EV_MAX_OPTIONS)
                continue;
            size_t o = 0;
            while (o < c->n_opt && strcmp(c->opt[o].code, party[r]) != 0)
                o++;
            if (o < c->n_opt)
                continue;
            /* before none, which stays last */
            o = c->n_opt - 1;
            c->opt[c->n_opt] = c->opt[o];
            sup[c->n_opt] = sup[o];
            rec[c->n_opt] = rec[o];
            c->n_opt++;
            ev_option *x = &c->opt[o];
            memset(x, 0, sizeof *x);
            snprintf(x->code, sizeof x->code, "%s", party[r]);
            x->origin = EV_FROM_CLAIM;
            x->first = x->last = SIZE_MAX;
            fb xb;
            fv_init(&xb, &x->fv, 2 + OPT_CLAIM_FEATS, a, named);
            f_cstr(&xb, F_ORIGIN, "claim");
            f_cstr(&xb, F_CODE, x->code);
            sup[o] = rec[o] = 0;
            for (size_t j = 0; j < n && j < MAX_SENT_CLAIMS; j++) {
                unsigned bit = k[j].kind == TALLY_KIND_PLANNED ? 2u : 1u;
                sup[o] |= strcmp(k[j].supplier, x->code) == 0 ? bit : 0;
                rec[o] |= strcmp(k[j].recipient, x->code) == 0 ? bit : 0;
            }
        }
    }
    static const char *const how[] = {"", "other", "planned", "both"};
    for (size_t o = 0; o < c->n_opt; o++) {
        fb ob = {&c->opt[o].fv, a, named};
        if (sup[o] != 0)
            f_cstr(&ob, F_GIVEN_SUP, how[sup[o]]);
        if (rec[o] != 0)
            f_cstr(&ob, F_GIVEN_REC, how[rec[o]]);
    }
}

/* Adds to candidates v[0, n) (in the body's order) the features of the
 * claims given out in their sentences, from e->claims[*ci] on (sorted). */
static void attach_claims(events_state *e, ev_cand *v, size_t n, size_t *ci, tally_arena *a)
{
    for (size_t i = 0; i < n; i++) {
        while (*ci < e->n_claims && e->claims[*ci].sentence_start < v[i].sentence_start)
            (*ci)++;
        size_t c0 = *ci;
        while (*ci < e->n_claims && e->claims[*ci].sentence_start < v[i].sentence_end)
            (*ci)++;
        given_features(&v[i], e->claims + c0, *ci - c0, a, e->explain);
    }
}

/* Forgets the claims before body offset `end` (their candidates are decided). */
static void drop_claims(events_state *e, size_t end)
{
    size_t k = 0;
    while (k < e->n_claims && e->claims[k].sentence_start < end)
        k++;
    if (k == 0)
        return;
    memmove(e->claims, e->claims + k, (e->n_claims - k) * sizeof *e->claims);
    e->n_claims -= k;
}

/* The runs the last flush gave out, empty again (kept for reuse, a few). */
static void runs_recycle(events_state *e)
{
    size_t k = e->n_out;
    if (k == 0)
        return;
    for (size_t i = 0; i < k; i++) {
        ev_run *r = &e->runs[i];
        tally_arena_rewind(r->arena);
        tally_buf_clear(&r->text);
        r->n = 0;
    }
    /* rotate them behind the waiting ones, among the spares */
    ev_run tmp[8];
    while (k > 0) {
        size_t m = k < 8 ? k : 8, all = e->n_runs + e->n_spare;
        memcpy(tmp, e->runs, m * sizeof *tmp);
        memmove(e->runs, e->runs + m, (all - m) * sizeof *e->runs);
        memcpy(e->runs + all - m, tmp, m * sizeof *tmp);
        e->n_runs -= m;
        e->n_spare += m;
        k -= m;
    }
    e->n_out = 0;
    while (e->n_spare > SPARE_RUNS)
        run_free(&e->runs[e->n_runs + --e->n_spare]);
}

void events_flush(events_state *e, size_t upto, tally_arena *a, tally_events *out)
{
    *out = (tally_events){NULL, 0, NULL, 0};
    size_t ci = 0;
    if (e->sink != NULL) { /* training decides; the features are the same */
        ev_sink *s = e->sink;
        size_t k = e->sink_done;
        while (k < s->n && s->v[k].sentence_start < upto)
            k++;
        attach_claims(e, s->v + e->sink_done, k - e->sink_done, &ci, s->arena);
        e->sink_done = k;
        drop_claims(e, k < s->n ? s->v[k].sentence_start : SIZE_MAX);
        return;
    }
    runs_recycle(e);
    /* the runs whose blocks all lie before `upto` */
    size_t k = 0;
    while (k < e->n_runs && e->runs[k].base + e->runs[k].text.len <= upto)
        k++;
    if (k == 0)
        return;
    if (k == e->n_runs)
        e->run_open = false;
    e->n_out = k;
    /* their text, at its offsets, is the events' body */
    size_t base = e->runs[0].base, end = e->runs[k - 1].base + e->runs[k - 1].text.len;
    char *body = tally_arena_alloc(a, end - base + 1);
    memset(body, ' ', end - base);
    body[end - base] = '\0';
    size_t cap = 0, m = 0;
    tally_event *ev = NULL;
    for (size_t r = 0; r < k; r++) {
        ev_run *run = &e->runs[r];
        memcpy(body + (run->base - base), run->text.ptr, run->text.len);
        attach_claims(e, run->v, run->n, &ci, run->arena);
        for (size_t i = 0; i < run->n; i++) {
            if (m + EV_MAX_EVENTS > cap)
                ev = tally_xrealloc(ev, (cap = 2 * cap + EV_MAX_EVENTS) * sizeof *ev);
            m += events_decide(e->model, e->threshold, &run->v[i], ev + m, e->explain, a);
        }
    }
    drop_claims(e, k < e->n_runs ? e->runs[k].base : SIZE_MAX);
    *out = (tally_events){NULL, 0, body, base};
    if (m > 0) {
        out->v = tally_arena_alloc(a, m * sizeof *ev);
        memcpy(out->v, ev, m * sizeof *ev);
        out->n = m;
    }
    free(ev);
}

/* The bundled model's bytes (data/events-model.bin, embedded by CMake). */
extern const unsigned char tally_events_model_bin[];
extern const size_t tally_events_model_bin_len;

bool events_model_bundled_view(tally_learn_model *out)
{
    return tally_events_model_bin_len > 0 &&
           learn_model_view(tally_events_model_bin, tally_events_model_bin_len, out) &&
           out->head[LEARN_EV_SENT].present;
}

/* ---- decisions ---------------------------------------------------------------------------- */

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

static void event_of(const ev_cand *c, unsigned t, const char *actor, const char *recipient,
                     double p, tally_event *ev)
{
    const ev_slot *sl = &c->slot[t];
    memset(ev, 0, sizeof *ev);
    ev->sentence_start = c->sentence_start;
    ev->sentence_end = c->sentence_end;
    ev->start = sl->start;
    ev->end = sl->end;
    ev->type = (tally_event_type)t;
    snprintf(ev->actor, sizeof ev->actor, "%s", actor);
    snprintf(ev->recipient, sizeof ev->recipient, "%s", recipient);
    ev->date = sl->date;
    ev->source = c->source;
    memcpy(ev->source_country, c->source_country, 4);
    ev->hedged = sl->hedged;
    ev->p = p;
    /* the lexicon's mode if it is one of the type's */
    const tally_term *mt = tally_event_mode_term(sl->mode);
    if (mt != NULL && (mt->family & (1u << t)))
        ev->mode = sl->mode;
    ev->context = sl->context;
    if (t == TALLY_EVENT_AGREE)
        ev->aux = TALLY_EVAUX_FUTURE;
    else if (c->historical)
        ev->aux = TALLY_EVAUX_HISTORICAL;
}

/* The rules: the claims' AID (or AGREE), and each trigger's first type
 * between the first two parties the sentence names. */
static size_t rules_decide(const ev_cand *c, tally_event *out)
{
    size_t n = 0;
    if (c->claim_any && c->claim_sup[0] != '\0' && c->claim_rec[0] != '\0') {
        unsigned t = c->claim_planned ? TALLY_EVENT_AGREE : TALLY_EVENT_AID;
        event_of(c, t, c->claim_sup, c->claim_rec, 1, &out[n++]);
    }
    const ev_option *a = NULL, *b = NULL;
    for (size_t i = 0; i < c->n_opt; i++)
        if (c->opt[i].origin == EV_FROM_SENTENCE) {
            if (a == NULL)
                a = &c->opt[i];
            else if (b == NULL)
                b = &c->opt[i];
        }
    if (a == NULL || b == NULL)
        return n;
    static const unsigned verbal[] = {TALLY_EVENT_CONSULT,  TALLY_EVENT_SUPPORT,
                                      TALLY_EVENT_SANCTION, TALLY_EVENT_ACCUSE,
                                      TALLY_EVENT_REJECT,   TALLY_EVENT_COOPERATE};
    for (size_t i = 0; i < sizeof verbal / sizeof verbal[0]; i++)
        if (c->slot[verbal[i]].word != SIZE_MAX) {
            event_of(c, verbal[i], a->code, b->code, 1, &out[n++]);
            break;
        }
    return n;
}

static size_t argmax(const double *z, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (z[i] > z[best])
            best = i;
    return best;
}

static double share(const double *z, size_t n, size_t i)
{
    double sum = 0;
    for (size_t k = 0; k < n; k++)
        sum += exp(z[k] - z[i]);
    return 1.0 / sum;
}

/* How much less likely (in log-odds) a second pair of parties of one type
 * in one sentence may be, and still be an event (chosen by cross-validation
 * on ../shared/corpus: 0.5 gains recall for as much precision as it costs
 * up to there). */
static const double SECOND_MARGIN = 0.5;
/* Adds the event v[0] with option a as actor and r as recipient after the
 * n_type events of its type at v, with v[0]'s attributes, unless one has
 * that pair, the parties are one, or EV_PER_TYPE events are made. */
static void pair_add(const ev_cand *c, tally_event *v, size_t *n_type, size_t a, size_t r)
{
    const char *ac = c->opt[a].code, *rc = c->opt[r].code;
    if (*n_type >= EV_PER_TYPE || (ac[0] != '\0' && strcmp(ac, rc) == 0))
        return;
    for (size_t k = 0; k < *n_type; k++)
        if (strcmp(v[k].actor, ac) == 0 && strcmp(v[k].recipient, rc) == 0)
            return;
    tally_event *e = &v[(*n_type)++];
    *e = v[0];
    snprintf(e->actor, sizeof e->actor, "%s", ac);
    snprintf(e->recipient, sizeof e->recipient, "%s", rc);
    e->why = NULL;
}

size_t events_decide(const tally_learn_model *m, double threshold, const ev_cand *c,
                     tally_event *out, bool explain, tally_arena *a)
{
    if (m == NULL || !m->head[LEARN_EV_SENT].present)
        return rules_decide(c, out);
    double zt[LEARN_EV_SENT_OUTS];
    learn_scores(m, LEARN_EV_SENT, &c->fv, zt);
    size_t n = 0;
    tally_arena *scratch = explain ? NULL : tally_arena_new();
    tally_arena *fa = explain ? a : scratch;
    for (unsigned t = 0; t < TALLY_EVENT_TYPE_N; t++) {
        double p = sigmoid(zt[t]);
        if (p < threshold)
            continue;
        /* the parties */
        double za[EV_MAX_OPTIONS], zr[EV_MAX_OPTIONS], row[LEARN_EV_PARTY_OUTS];
        learn_fv ofv[EV_MAX_OPTIONS];
        for (size_t i = 0; i < c->n_opt; i++) {
            events_option_fv(c, i, t, &ofv[i], fa, explain);
            learn_scores(m, LEARN_EV_PARTY, &ofv[i], row);
            za[i] = row[LEARN_EV_PARTY_ACTOR];
            zr[i] = row[LEARN_EV_PARTY_RECIPIENT];
        }
        size_t ai = argmax(za, c->n_opt), ri = SIZE_MAX;
        for (size_t i = 0; i < c->n_opt; i++) {
            if (c->opt[ai].code[0] != '\0' && strcmp(c->opt[i].code, c->opt[ai].code) == 0)
                continue;
            if (ri == SIZE_MAX || zr[i] > zr[ri])
                ri = i;
        }
        const char *rec = ri != SIZE_MAX ? c->opt[ri].code : "";
        tally_event *ev = &out[n++];
        event_of(c, t, c->opt[ai].code, rec, p, ev);
        /* the attributes */
        learn_fv afv;
        events_attr_fv(c, t, &afv, fa, explain);
        double z[LEARN_EV_ATTR_OUTS];
        learn_scores(m, LEARN_EV_ATTR, &afv, z);
        size_t best = 0;
        for (unsigned md = 1; md < TALLY_EVMODE_N; md++) {
            const tally_term *mt = tally_event_mode_term((tally_event_mode)md);
            if (mt != NULL && (mt->family & (1u << t)) && z[LEARN_EV_ATTR_MODE + md] > z[best])
                best = md;
        }
        ev->mode = (tally_event_mode)best;
        size_t aux = argmax(z + LEARN_EV_ATTR_AUX, TALLY_EVAUX_N);
        ev->aux = (tally_event_aux)aux;
        ev->context = 0;
        for (unsigned k = 0; k < TALLY_EVCTX_N; k++)
            if (z[LEARN_EV_ATTR_CONTEXT + k] > 0)
                ev->context |= 1u << k;
        /* a second pair nearly as likely: the other way of a barter, or
         * another actor named in the sentence beside the first */
        size_t a2 = SIZE_MAX, r2 = SIZE_MAX;
        double first = za[ai] + (ri != SIZE_MAX ? zr[ri] : 0), second = -1e300;
        for (size_t i = 0; i < c->n_opt && ri != SIZE_MAX; i++) {
            if (i == ai || c->opt[i].origin != EV_FROM_SENTENCE)
                continue;
            for (size_t j = 0; j < c->n_opt; j++) {
                if (j == i ||
                    (c->opt[j].code[0] != '\0' && strcmp(c->opt[j].code, c->opt[i].code) == 0))
                    continue;
                if (za[i] + zr[j] > second) {
                    second = za[i] + zr[j];
                    a2 = i;
                    r2 = j;
                }
            }
        }
        size_t n_type = 1;
        if (a2 != SIZE_MAX && second >= first - SECOND_MARGIN)
            pair_add(c, out + n - 1, &n_type, a2, r2);
        n += n_type - 1;
        if (explain) {
            tally_event_why *why = tally_arena_alloc(a, sizeof *why);
            memset(why, 0, sizeof *why);
            learn_explain(m, LEARN_EV_SENT, &c->fv, t, p, &why->type);
            learn_explain(m, LEARN_EV_PARTY, &ofv[ai], LEARN_EV_PARTY_ACTOR,
                          share(za, c->n_opt, ai), &why->actor);
            if (ri != SIZE_MAX)
                learn_explain(m, LEARN_EV_PARTY, &ofv[ri], LEARN_EV_PARTY_RECIPIENT,
                              share(zr, c->n_opt, ri), &why->recipient);
            learn_explain(m, LEARN_EV_ATTR, &afv, LEARN_EV_ATTR_AUX + (unsigned)aux,
                          share(z + LEARN_EV_ATTR_AUX, TALLY_EVAUX_N, aux), &why->aux);
            ev->why = why;
        }
        if (scratch != NULL)
            tally_arena_reset(scratch);
    }
    tally_arena_free(scratch);
    return n;
}
