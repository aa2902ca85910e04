/* The learned layer's candidates and features (see learn.h).
 *
 * Candidates. The rules propose a claim for each figure followed by a
 * counted noun of the lexicon. learn_propose adds one for a figure they pass
 * over: before a noun of casualties ("4,000 casualties", "2,700 others
 * injured": people), before a noun the lexicon does not know ("four HIMARS",
 * "447 goats": unit item), with its noun left out ("the 148 already
 * supplied": the unit of a counted noun elsewhere in the sentence, else of the
 * document's last candidate), and a percentage in any context.
 * learn_fractions turns "half of", "about a third of" into percent figures.
 * The models decide which candidates are claims.
 *
 * Features. Each is a template and a value hashed to 32 bits (murmur3's
 * finaliser): the words around the figure (the two next to it on each
 * side, and the first six letters of those within five as a stem; a bag of
 * the words themselves fits the documents it was learnt on), the roles the
 * lexicon gives those words (a plan, a transfer, a casualty, attribution),
 * the unit, the figure's shape, what the rules decided and why, where the
 * sentence stands in the document; for its kind, the figure's clause (see
 * "the clause"); for a speaker, its kind (person, agency,
 * outlet, state), where it was named (this sentence, the paragraph, an
 * earlier paragraph, the title), the words beside its mention ("according
 * to X", "X said", "told X", "X, citing") and how often the document names
 * it; for a state, the words beside its mention ("to X", "from X", "X
 * sent"), its distance from the figure and its rank in the document.
 *
 * Windows are bounded (15 words left, 10 right; 4 words beside a mention),
 * so the work per candidate does not grow with the sentence. */
#include "learn.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "kindwords.h"
#include "tally/ascii.h"

enum {
    MAX_SPEAKERS = 48, /* names remembered per document */
    MAX_STATES = 24,
    MAX_DOC_STATES = 4, /* the document's most named states a claim may take */
    MAX_RULE_SOURCES = 16,
    MAX_TOKENS = 4096, /* words of a sentence read (the rest is beyond every window) */
    LEFT_NEAR = 5,
    LEFT_FAR = 10,
    RIGHT_NEAR = 4,
    RIGHT_FAR = 6,
    STEM = 6
};

/* ---- words ------------------------------------------------------------------ */

enum { TK_UPPER = 1, TK_DIGIT = 2, TK_PUNCT = 4, TK_FIG = 8 };

typedef struct ltok {
    size_t start, end; /* bytes of the block */
    uint32_t h;        /* FNV-1a of the punctuation; of the lower-cased word, or 0
                        * when not yet computed: a sentence's words are hashed
                        * only when a feature reads them (tok_value) */
    uint32_t roles;    /* the lexicon's roles (CW_*) */
    unsigned char id;  /* the lexicon's CWW_* */
    unsigned char flags;
} ltok;

typedef struct ltoks {
    ltok *v;
    size_t n;
    uint32_t roles; /* of all its tokens (sentence_tokens) */
} ltoks;

static inline bool is_alnum(unsigned char c)
{
    return tally_is_alnum(c);
}

/* bytes of the multi-byte character at t[i] that separate words: spaces,
 * quotes and dashes of U+2000..U+203F, and the Latin-1 block (no-break
 * space, guillemets) */
static bool utf8_sep(const char *t, size_t i, size_t to)
{
    unsigned char c = (unsigned char)t[i];
    return c == 0xC2 || (c == 0xE2 && i + 2 < to && (unsigned char)t[i + 1] == 0x80);
}

static size_t utf8_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static inline uint32_t fnv(const char *s, size_t n)
{
    enum { PRIME = 16777619u };
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    uint32_t h = 2166136261u;
    for (; e - p >= 4; p += 4) { /* (four bytes a turn: fewer loop tests) */
        h = (h ^ tally_ascii_lower[p[0]]) * PRIME;
        h = (h ^ tally_ascii_lower[p[1]]) * PRIME;
        h = (h ^ tally_ascii_lower[p[2]]) * PRIME;
        h = (h ^ tally_ascii_lower[p[3]]) * PRIME;
    }
    for (; p < e; p++)
        h = (h ^ tally_ascii_lower[*p]) * PRIME;
    return h;
}

/* The end of the word at t[i] (letters, digits, inner '-' and '\'', letters
 * of other scripts); sets *ascii when it is ASCII only. */
static size_t word_end(const char *t, size_t i, size_t to, bool *ascii)
{
    size_t j = i;
    *ascii = true;
    while (j < to) {
        unsigned char c = (unsigned char)t[j];
        if (is_alnum(c)) {
            j++;
        } else if ((c == '-' || c == '\'') && j + 1 < to && is_alnum((unsigned char)t[j + 1]) &&
                   j > i) {
            j++;
        } else if (c >= 0x80 && !utf8_sep(t, j, to)) {
            *ascii = false;
            j += utf8_len(c);
        } else {
            break;
        }
    }
    return j < to ? j : to;
}

static void set_roles(const char *t, ltok *k, bool ascii)
{
    k->roles = 0;
    k->id = CWW_NONE;
    if (!ascii)
        return;
    const claim_word *cw = cw_find(t + k->start, k->end - k->start);
    if (cw != NULL) {
        k->roles = cw->roles;
        k->id = (unsigned char)cw->id;
    }
}

/* The punctuation a byte sequence stands for, 0 for none; *len its bytes. */
static char punct_at(const char *t, size_t i, size_t to, size_t *len)
{
    unsigned char c = (unsigned char)t[i];
    *len = 1;
    if (c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '"' || c == '-' ||
        c == '.' || c == '\'')
        return (char)c;
    if (c == 0xE2 && i + 2 < to && (unsigned char)t[i + 1] == 0x80) {
        unsigned char d = (unsigned char)t[i + 2];
        *len = 3;
        if (d == 0x9C || d == 0x9D)
            return '"';
        if (d == 0x93 || d == 0x94)
            return '-';
        if (d == 0x98 || d == 0x99)
            return '\'';
        return 0;
    }
    if (c >= 0x80)
        *len = utf8_len(c);
    return 0;
}

/* The words and punctuation of t[from, to). */
static void tokenize(const char *t, size_t from, size_t to, ltoks *out, tally_arena *a)
{
    size_t cap = (to - from) / 2 + 2;
    if (cap > MAX_TOKENS)
        cap = MAX_TOKENS;
    ltok *v = tally_arena_alloc(a, cap * sizeof *v);
    size_t n = 0;
    for (size_t i = from; i < to && n < cap;) {
        unsigned char c = (unsigned char)t[i];
        if (is_alnum(c) || (c >= 0x80 && !utf8_sep(t, i, to))) {
            bool ascii;
            size_t j = word_end(t, i, to, &ascii);
            if (j == i) {
                i++;
                continue;
            }
            ltok *k = &v[n++];
            k->start = i;
            k->end = j;
            k->h = 0; /* (tok_value) */
            k->flags = (unsigned char)((c >= 'A' && c <= 'Z' ? TK_UPPER : 0) |
                                       (c >= '0' && c <= '9' ? TK_DIGIT : 0));
            set_roles(t, k, ascii && j - i <= 24);
            i = j;
            continue;
        }
        size_t len;
        char p = punct_at(t, i, to, &len);
        if (p != 0) {
            ltok *k = &v[n++];
            *k = (ltok){i, i + len, fnv(&p, 1), 0, CWW_NONE, TK_PUNCT};
        }
        i += len;
    }
    out->v = v;
    out->n = n;
}

/* The rules' words `w` of text `t` as tokens. */
static void tokens_of(const char *t, const learn_words *w, ltoks *out, tally_arena *a)
{
    ltok *v = tally_arena_alloc(a, (w->n + 1) * sizeof *v);
    for (size_t i = 0; i < w->n; i++) {
        const learn_word *x = &w->v[i];
        unsigned char c = (unsigned char)t[x->start];
        v[i] = (ltok){x->start,
                      x->end,
                      x->punct ? fnv(&x->punct, 1) : 0 /* (tok_value) */,
                      x->roles,
                      x->id,
                      (unsigned char)((x->upper ? TK_UPPER : 0) |
                                      (c >= '0' && c <= '9' ? TK_DIGIT : 0) |
                                      (x->punct ? TK_PUNCT : 0))};
    }
    out->v = v;
    out->n = w->n;
}

/* The index of the first token starting at or after byte `at`. */
static size_t tok_at(const ltoks *ts, size_t at)
{
    size_t lo = 0, hi = ts->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ts->v[mid].start < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The word or punctuation beside a mention, read from the raw text: up to
 * two on each side. */
typedef struct beside {
    uint32_t h[4];     /* before 2, before 1, after 1, after 2; 0 for none */
    uint32_t roles[4]; /* their roles */
    unsigned char id[4];
    unsigned char flags[4];
    size_t start[4], end[4];
    /* a state's body after a state's name: "Danish government", "South
     * Korean military intelligence": the end of the phrase, else 0 */
    size_t body_end;
    bool body_says; /* the word after that phrase attributes */
    bool by_says;   /* "stated by X" */
    bool full;      /* index 3 is read: only a state's features, a body and a
                     * filler before an attribution need it (beside_full) */
} beside;

/* the token ending at or before `at`; a word's hash (k->h) only when `hash`
 * (else 0: its reader needs its roles alone) */
static bool near_back(const char *t, size_t n, size_t at, ltok *k, size_t *next, bool hash)
{
    size_t i = at;
    while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\n' || t[i - 1] == '\t'))
        i--;
    if (i == 0)
        return false;
    size_t e = i, b = i;
    while (b > 0 && (is_alnum((unsigned char)t[b - 1]) || t[b - 1] == '-'))
        b--;
    if (b == e) { /* punctuation, or a character of another script */
        b = e - 1;
        while (b > 0 && ((unsigned char)t[b] & 0xC0) == 0x80)
            b--;
        size_t len;
        char p = punct_at(t, b, n, &len);
        *k = (ltok){b, e, p ? fnv(&p, 1) : 0x9e37u, 0, CWW_NONE, TK_PUNCT};
        *next = b;
        return true;
    }
    *k = (ltok){b, e, hash ? fnv(t + b, e - b) : 0, 0, CWW_NONE, 0};
    set_roles(t, k, e - b <= 24);
    *next = b;
    return true;
}

/* the token starting at or after `at` (k->h as near_back's) */
static bool near_fwd(const char *t, size_t n, size_t at, ltok *k, size_t *next, bool hash)
{
    size_t i = at;
    while (i < n && (t[i] == ' ' || t[i] == '\n' || t[i] == '\t'))
        i++;
    if (i >= n)
        return false;
    if (is_alnum((unsigned char)t[i])) {
        bool ascii;
        size_t e = word_end(t, i, n, &ascii);
        *k = (ltok){i, e, hash ? fnv(t + i, e - i) : 0, 0, CWW_NONE, 0};
        set_roles(t, k, ascii && e - i <= 24);
        *next = e;
        return true;
    }
    size_t len;
    char p = punct_at(t, i, n, &len);
    *k = (ltok){i, i + len, p ? fnv(&p, 1) : 0x9e37u, 0, CWW_NONE, TK_PUNCT};
    *next = i + len;
    return true;
}

/* the token ending at or before `at` (backwards), or starting at or after it */
static inline bool near_token(const char *t, size_t n, size_t at, bool back, ltok *k, size_t *next)
{
    return back ? near_back(t, n, at, k, next, true) : near_fwd(t, n, at, k, next, true);
}

/* near_token, but for a reader of the token's roles, flags and place
 * alone: a word is not hashed */
static inline bool near_roles(const char *t, size_t n, size_t at, bool back, ltok *k, size_t *next)
{
    return back ? near_back(t, n, at, k, next, false) : near_fwd(t, n, at, k, next, false);
}

/* The token before the one that starts at *at, for the i-th step back from
 * the mention `b` describes: the first two are b's own (indexes 1, 0). */
static bool back_token(const char *t, size_t n, const beside *b, int i, size_t *at, ltok *k)
{
    if (i >= 2)
        return near_roles(t, n, *at, true, k, at);
    int j = 1 - i;
    if (b->end[j] <= b->start[j])
        return false; /* none (beside_of's near_token found none) */
    *k = (ltok){b->start[j], b->end[j], b->h[j], b->roles[j], b->id[j], b->flags[j]};
    *at = b->start[j];
    return true;
}

/* "stated by German Defense Minister Boris Pistorius", "reported by the
 * NIS": a word of attribution and "by" before the name and its titles;
 * `b` holds the two words before the mention, read from `start` back. */
static bool said_by(const char *t, size_t n, const beside *b, size_t start)
{
    ltok k;
    size_t at = start;
    for (int i = 0; i < 6 && back_token(t, n, b, i, &at, &k); i++) {
        if (k.id == CWW_BY)
            return back_token(t, n, b, i + 1, &at, &k) && (k.roles & CW_SAY) != 0;
        bool title = (k.roles & (CW_OFFICE | CW_BODY)) || k.id == CWW_THE ||
                     (!(k.flags & TK_PUNCT) && t[k.start] >= 'A' && t[k.start] <= 'Z');
        if (!title)
            return false;
    }
    return false;
}

/* Reads index 3 of `b` (the second word after the mention, after index 2's
 * end) in t[0, n), once. */
static void beside_full(const char *t, size_t n, beside *b)
{
    if (b->full)
        return;
    b->full = true;
    ltok k;
    size_t at;
    if (b->end[2] > b->start[2] && near_token(t, n, b->end[2], false, &k, &at)) {
        b->h[3] = k.h;
        b->roles[3] = k.roles;
        b->id[3] = k.id;
        b->flags[3] = k.flags;
        b->start[3] = k.start;
        b->end[3] = k.end;
    }
}

/* The words beside the mention t[start, end) of t[0, n); index 3 waits for
 * beside_full. */
static beside beside_of(const char *t, size_t n, size_t start, size_t end)
{
    beside b;
    memset(&b, 0, sizeof b);
    ltok k;
    size_t at = start;
    for (int i = 1; i >= 0 && near_token(t, n, at, true, &k, &at); i--) {
        b.h[i] = k.h;
        b.roles[i] = k.roles;
        b.id[i] = k.id;
        b.flags[i] = k.flags;
        b.start[i] = k.start;
        b.end[i] = k.end;
    }
    if (near_token(t, n, end, false, &k, &at)) {
        b.h[2] = k.h;
        b.roles[2] = k.roles;
        b.id[2] = k.id;
        b.flags[2] = k.flags;
        b.start[2] = k.start;
        b.end[2] = k.end;
    }
    if (b.roles[2] & (CW_BODY | CW_FILL)) /* (says_beside reads index 3 after a filler) */
        beside_full(t, n, &b);
    if (b.roles[2] & CW_BODY) {
        b.body_end = b.end[2];
        uint32_t next = b.roles[3];
        if (b.roles[3] & CW_BODY) { /* "military intelligence" */
            b.body_end = b.end[3];
            next = near_roles(t, n, b.end[3], false, &k, &at) ? k.roles : 0;
        }
        b.body_says = (next & CW_SAY) != 0;
    }
    bool title = b.h[1] != 0 && (b.id[1] == CWW_BY || (b.roles[1] & (CW_OFFICE | CW_BODY)) ||
                                 (t[b.start[1]] >= 'A' && t[b.start[1]] <= 'Z'));
    b.by_says = title && said_by(t, n, &b, start);
    return b;
}

/* "X said", "X has confirmed", "according to X": the mention attributes */
static bool says_beside(const beside *b)
{
    /* "told lawmakers": the one told listens */
    return (b->roles[2] & CW_SAY) || ((b->roles[1] & CW_SAY) && b->id[1] != CWW_TOLD) ||
           b->id[0] == CWW_ACCORDING || ((b->roles[2] & CW_FILL) && (b->roles[3] & CW_SAY)) ||
           b->by_says;
}

/* Token `k` of `t` is the lower-case word `w` (in any case). */
static bool tok_is(const char *t, const ltok *k, const char *w)
{
    size_t n = k->end - k->start, i = 0;
    for (; i < n; i++) /* (a byte | 0x20 is never the end of w) */
        if (((unsigned char)t[k->start + i] | 0x20) != (unsigned char)w[i])
            return false;
    return w[n] == '\0';
}

/* ---- the document's memory -------------------------------------------------- */

struct spk_mem {
    const tally_actor *actor;
    char name[LEARN_MAX_NAME]; /* the longest form the document wrote */
    char country[4];
    int akind;
    unsigned count, say_count;
    unsigned release_count; /* mentions beside a release ("said in a statement") */
    size_t first_block, last_block, prev_block; /* block 0 is the title */
    bool first_speaker;                         /* the document's first to attribute */
};

struct state_mem {
    char code[4];
    unsigned count;
    size_t first_block;
};

struct rule_mem {
    char name[LEARN_MAX_NAME];
    char country[4];
    unsigned count;
    size_t last_block;
};

/* A person's name the actor table does not know, written as one ("EU
 * spokesman Peter Stano said", "Vadym Skibitskyi, deputy chief of"): two to
 * four capitalised words beside a word of attribution or of an office. */
typedef struct pname {
    size_t start, end;
    bool says;
    char country[4]; /* of a state named in its titles ("Czech Foreign Minister"), or "" */
} pname;

/* A block of the window: what learn_block was given, copied (offsets of its
 * mentions, sentences and figures relative to the block; of its claims, to
 * the body). */
struct wblock {
    learn_block_in in; /* in.text is set when deciding: wtext moves as it grows */
    size_t text_at;    /* of its text in wtext */
    size_t index;      /* its number in the document */
    beside *mb;
    pname *names; /* names of people the actor table does not know */
    size_t n_names;
    tally_claim *claims;
    learn_prop *props;
    size_t n;
};

/* A block read while no window was open, whose mentions wait for the
 * thread that decides (read_deferred): what learn_block was given, its
 * mentions and sentences' words copied (in.text NULL: its text is at
 * text_at of ltext; in.ss, figs and prop NULL), and its number. */
struct lblock {
    learn_block_in in;
    size_t text_at, index;
};

/* What a window's decisions read of the document's states, found once a
 * window (window_facts): the document's memory does not change while a
 * window is decided. */
struct wfacts {
    bool have_pair;
    char pair[7];                      /* the two most named states, in code order (fig_base) */
    uint32_t pair_hash;                /* fnv(pair, 6) */
    size_t top[MAX_DOC_STATES], n_top; /* the most named, first named first on a tie */
    unsigned rank[MAX_STATES];         /* of each state: how many are named more often */
    unsigned rank_none;                /* of a state the document does not name */
};

struct learn_state {
    const tally_learn_model *model;
    learn_sink *sink;
    bool explain;
    const char *headline_source; /* the extractor's buffer */
    char outlet[LEARN_MAX_NAME];
    size_t block;  /* blocks read; the title is block 0 */
    size_t groups; /* figures with candidates so far */
    /* the window: blocks since the first whose claims are not decided yet,
     * kept until a size limit or the document's end, so that a decision
     * sees the names written after its figure too */
    struct wblock *wb;
    size_t n_wb, cap_wb, w_claims;
    tally_arena *warena;
    tally_buf wtext; /* the window's body */
    size_t wstart;   /* the body offset of wtext */
    bool flushed;    /* the last call's claims point into the window */
    /* with the second thread, the mentions of the blocks since the last
     * window handed over are read there, when deciding (read_deferred):
     * those of the window's blocks (deferred), and of the blocks before it */
    bool deferred;
    struct lblock *lb;
    size_t n_lb, cap_lb;
    tally_buf ltext; /* the text of lb's blocks */
    struct spk_mem spk[MAX_SPEAKERS];
    size_t n_spk;
    bool have_speaker;
    struct state_mem st[MAX_STATES];
    size_t n_st;
    struct rule_mem rs[MAX_RULE_SOURCES];
    size_t n_rs;
    /* the speakers' say in the document so far (voice_of): in all, the
     * most and the second most of one speaker (set with the window's
     * speakers) */
    unsigned voice_total, voice_top, voice_second;
    bool have_unit;
    tally_unit last_unit;
    uint32_t last_items;
    char last_currency[4];
    struct wfacts wf; /* of the window being decided */
    /* str_hash(why_name(w)) of each rule w */
    uint32_t why_h[TALLY_WHY_N];
    /* with threads > 1 and a model that only decides, full windows are
     * decided on a second thread (see "the second thread") */
    unsigned threads;
    struct lpipe *pipe;
    tally_claims_render render; /* (learn_render) */
    void *render_ctx;
};

/* How often a speaker has its say in the document: attributing, or beside
 * a release ("a report by", "said in a statement", "Source:") */
static unsigned voice_of(const struct spk_mem *p)
{
    return p->say_count + p->release_count;
}

static bool is_state_kind(tally_actor_kind k)
{
    return k == TALLY_ACTOR_STATE || k == TALLY_ACTOR_DEMONYM || k == TALLY_ACTOR_PLACE;
}

static void copy_name(char *dst, const char *s, size_t n)
{
    if (n >= 4 && (memcmp(s, "the ", 4) == 0 || memcmp(s, "The ", 4) == 0)) {
        s += 4;
        n -= 4;
    }
    if (n >= LEARN_MAX_NAME)
        n = LEARN_MAX_NAME - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

static struct spk_mem *speaker_of(learn_state *l, const tally_actor *a)
{
    for (size_t i = 0; i < l->n_spk; i++)
        if (l->spk[i].actor == a)
            return &l->spk[i];
    return NULL;
}

/* the same length, and the same bytes but for the case bit */
static bool same_name(const char *a, const char *b)
{
    size_t i = 0;
    for (; a[i] != '\0' && b[i] != '\0'; i++)
        if (((unsigned char)a[i] | 0x20) != ((unsigned char)b[i] | 0x20))
            return false;
    return a[i] == b[i];
}

/* The remembered body phrase ("Danish government") named `name`. */
static struct spk_mem *phrase_of(learn_state *l, const char *name)
{
    for (size_t i = 0; i < l->n_spk; i++)
        if (l->spk[i].actor == NULL && same_name(l->spk[i].name, name))
            return &l->spk[i];
    return NULL;
}

/* Notes a speaker: an actor, or a body phrase (actor NULL) named `name`.
 * Returns its memory, or NULL when the document has too many. */
static struct spk_mem *note_speaker(learn_state *l, const tally_actor *a, const char *name,
                                    size_t len, const char *country, int akind, bool says)
{
    char buf[LEARN_MAX_NAME];
    copy_name(buf, name, len);
    struct spk_mem *p = a != NULL ? speaker_of(l, a) : phrase_of(l, buf);
    if (p == NULL) {
        if (l->n_spk >= MAX_SPEAKERS)
            return NULL;
        p = &l->spk[l->n_spk++];
        memset(p, 0, sizeof *p);
        p->actor = a;
        size_t cn = strlen(country);
        memcpy(p->country, country, cn < 3 ? cn : 3); /* an alpha-3 code or "" */
        p->akind = akind;
        p->first_block = p->last_block = p->prev_block = l->block;
    }
    if (strlen(buf) > strlen(p->name) + (p->name[0] ? 4 : 0) || p->name[0] == '\0')
        memcpy(p->name, buf, strlen(buf) + 1);
    if (p->last_block != l->block) {
        p->prev_block = p->last_block;
        p->last_block = l->block;
    }
    p->count++;
    if (says) {
        p->say_count++;
        if (!l->have_speaker)
            p->first_speaker = true;
        l->have_speaker = true;
    }
    return p;
}

/* Whether a word of release ("statement", "report", "Source:") stands
 * within a few words of t[start, end), in its sentence: "said in a
 * statement", "a report by X", "Source: X". */
/* release_near's test of one word: 1 a word of a release, -1 a full stop
 * (the search ends there), 0 neither. */
static int release_step(const char *t, uint32_t roles, unsigned char flags, size_t start)
{
    if (roles & CW_RELEASE)
        return 1;
    return (flags & TK_PUNCT) && t[start] == '.' ? -1 : 0;
}

/* Whether a word of a release is near the mention t[start, end) of t[0, n)
 * that `b` describes (beside_of): within five words before it or six after
 * `end`, short of a full stop. The words `b` holds are not read again: the
 * two before, and the first after when `end` is the mention's own. */
static bool release_near(const char *t, size_t n, const beside *b, size_t start, size_t end,
                         bool own_end)
{
    ltok k;
    size_t at = start, got = 0;
    int r = 0;
    for (int j = 1; j >= 0 && r == 0 && b->end[j] > b->start[j]; j--, got++) {
        r = release_step(t, b->roles[j], b->flags[j], b->start[j]);
        at = b->start[j];
    }
    if (r > 0)
        return true;
    for (size_t i = got; r == 0 && got == 2 && i < 5 && near_roles(t, n, at, true, &k, &at); i++)
        r = release_step(t, k.roles, k.flags, k.start);
    if (r > 0)
        return true;
    r = 0;
    at = end;
    got = 0;
    if (own_end) {
        if (b->end[2] <= b->start[2])
            return false; /* no word after */
        r = release_step(t, b->roles[2], b->flags[2], b->start[2]);
        at = b->end[2];
        got = 1;
    }
    for (size_t i = got; r == 0 && i < 6 && near_roles(t, n, at, false, &k, &at); i++)
        r = release_step(t, k.roles, k.flags, k.start);
    return r > 0;
}

/* Speakers that are no actor of the table: the words the rules read as an
 * attribution, "author", and a state's body ("Danish government"). */
enum { AK_WORDS = 100, AK_AUTHOR = 101, AK_BODY = 102, AK_NAME = 103, NO_DIST = INT32_MIN };

/* Notes mention `m` of text `t`: a name the document wrote, or a state. */
static void note_mention(learn_state *l, const char *t, size_t n, const tally_actor_match *m,
                         const beside *b)
{
    const tally_actor *a = m->actor;
    bool says = says_beside(b);
    if (is_state_kind(a->kind) && a->country[0] != '\0') {
        struct state_mem *s = NULL;
        for (size_t i = 0; i < l->n_st && s == NULL; i++)
            if (memcmp(l->st[i].code, a->country, 4) == 0)
                s = &l->st[i];
        if (s == NULL && l->n_st < MAX_STATES) {
            s = &l->st[l->n_st++];
            memcpy(s->code, a->country, 4);
            s->count = 0;
            s->first_block = l->block;
        }
        if (s != NULL)
            s->count++;
        if (b->body_end > m->end) {
            struct spk_mem *p = note_speaker(l, NULL, t + m->start, b->body_end - m->start,
                                             a->country, AK_BODY, b->body_says);
            if (p != NULL && release_near(t, n, b, m->start, b->body_end, false))
                p->release_count++;
        }
        if (!says) /* "Seoul said": a state that speaks is a speaker too */
            return;
    }
    struct spk_mem *p =
        note_speaker(l, a, t + m->start, m->end - m->start < n ? m->end - m->start : n, a->country,
                     (int)a->kind, says);
    if (p != NULL && release_near(t, n, b, m->start, m->end, true))
        p->release_count++;
}

static inline bool is_lower(unsigned char c)
{
    return tally_is_lower(c);
}

/* The end of a capitalised word at t[i] ("Stano", "Won-sik", "O'Brien"),
 * or i when there is none. */
static size_t cap_word(const char *t, size_t n, size_t i)
{
    if (i + 1 >= n || !(t[i] >= 'A' && t[i] <= 'Z') || !is_lower((unsigned char)t[i + 1]))
        return i;
    size_t j = i + 1;
    while (j < n && (is_alnum((unsigned char)t[j]) || ((t[j] == '-' || t[j] == '\'') && j + 1 < n &&
                                                       is_alnum((unsigned char)t[j + 1]))))
        j++;
    return j;
}

/* Names of people in the words `w` of a sentence (the rules' words: only
 * sentences with figures are read). */
static size_t names_in(const char *t, const learn_words *w, const tally_actor_match *am,
                       size_t n_am, pname *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < w->n && k < cap; i++) {
        size_t j = i;
        while (j < w->n && j < i + 4 && w->v[j].upper && !w->v[j].punct && w->v[j].roles == 0 &&
               w->v[j].id == CWW_NONE && cap_word(t, w->v[j].end, w->v[j].start) > w->v[j].start)
            j++;
        /* two words at least, or one after a title: "Mr Healey" */
        if (j - i < 2 && !(j - i == 1 && i > 0 && (w->v[i - 1].roles & CW_TITLE)))
            continue;
        size_t start = w->v[i].start, end = w->v[j - 1].end;
        bool actor = false;
        for (size_t q = 0; q < n_am && !actor; q++)
            actor = am[q].start < end && start < am[q].end;
        uint32_t before = i > 0 ? w->v[i - 1].roles : 0;
        bool comma = j < w->n && w->v[j].punct == ',';
        uint32_t after = j + comma < w->n ? w->v[j + comma].roles : 0;
        bool says = !comma && (after & CW_SAY);
        if (!actor && (says || (before & CW_OFFICE) || (comma && (after & CW_OFFICE)))) {
            out[k] = (pname){start, end, says, ""};
            /* the titles before the name, and a state among them */
            size_t b = i;
            while (b > 0 && i - b < 5 && !w->v[b - 1].punct &&
                   (w->v[b - 1].upper || (w->v[b - 1].roles & (CW_OFFICE | CW_TITLE | CW_BODY))))
                b--;
            for (size_t q = 0; q < n_am && b < i; q++)
                if (am[q].start >= w->v[b].start && am[q].end <= start &&
                    is_state_kind(am[q].actor->kind))
                    memcpy(out[k].country, am[q].actor->country, 4);
            k++;
        }
        i = j - 1;
    }
    return k;
}

static void why_table(learn_state *l);
static void pipe_free(struct lpipe *p);

learn_state *learn_new(const tally_doc_meta *meta, const char *headline_source,
                       const tally_learn_model *model, learn_sink *sink, bool explain,
                       unsigned threads)
{
    learn_state *l = tally_xcalloc(1, sizeof *l);
    l->warena = tally_arena_new();
    l->threads = threads > 1 ? 2 : 1;
    why_table(l);
    tally_buf_init(&l->wtext, (size_t)1 << 31);
    tally_buf_init(&l->ltext, (size_t)1 << 31);
    l->model = model;
    l->sink = sink;
    l->explain = explain;
    l->headline_source = headline_source;
    if (meta != NULL && meta->outlet != NULL)
        copy_name(l->outlet, meta->outlet, strlen(meta->outlet));
    if (meta != NULL && meta->title != NULL) {
        tally_arena *a = tally_arena_new();
        tally_actor_matches am;
        size_t n = strlen(meta->title);
        if (tally_actors_scan((tally_span){meta->title, n}, &am, a, NULL) == 0)
            for (size_t i = 0; i < am.n; i++) {
                beside b = beside_of(meta->title, n, am.v[i].start, am.v[i].end);
                note_mention(l, meta->title, n, &am.v[i], &b);
            }
        tally_arena_free(a);
    }
    return l;
}

void learn_render(learn_state *l, tally_claims_render render, void *ctx)
{
    l->render = render;
    l->render_ctx = ctx;
}

void learn_free(learn_state *l)
{
    if (l == NULL)
        return;
    pipe_free(l->pipe);
    tally_arena_free(l->warena);
    tally_buf_free(&l->wtext);
    tally_buf_free(&l->ltext);
    free(l->wb);
    free(l->lb);
    free(l);
}

/* ---- fractions ------------------------------------------------------------------- */

/* A word of `t` at i matches lower-case `w` (any case of its first letter). */
static bool word_is(const char *t, size_t n, size_t i, const char *w)
{
    size_t k = strlen(w);
    if (i + k > n || (i > 0 && is_alnum((unsigned char)t[i - 1])) ||
        (i + k < n && is_alnum((unsigned char)t[i + k])))
        return false;
    if (((unsigned char)t[i] | 0x20) != (unsigned char)w[0])
        return false;
    return memcmp(t + i + 1, w + 1, k - 1) == 0;
}

void learn_fractions(const char *t, size_t n, tally_figures *figs)
{
    for (size_t i = 0; i < figs->n; i++) {
        tally_figure *f = &figs->v[i];
        double v = f->has_low ? f->low : f->high;
        if (f->kind != TALLY_FIG_NUMBER || !(v > 0 && v < 1))
            continue;
        size_t k = f->end;
        while (k < n && t[k] == ' ')
            k++;
        if (!word_is(t, n, k, "of"))
            continue;
        /* not a part of a period: "the first half of 2024", "half of 2023" */
        size_t o = k + 2;
        while (o < n && t[o] == ' ')
            o++;
        size_t b = f->start;
        while (b > 0 && t[b - 1] == ' ')
            b--;
        bool ordinal = false;
        static const char *const before[] = {"first", "second", "last", "latter", "former", "next"};
        for (size_t w = 0; w < sizeof before / sizeof before[0] && !ordinal; w++) {
            size_t len = strlen(before[w]);
            ordinal = b >= len && word_is(t, n, b - len, before[w]);
        }
        if (ordinal || (o < n && t[o] >= '0' && t[o] <= '9'))
            continue;
        /* "half of", "about a third of": a share, in percent */
        f->kind = TALLY_FIG_PERCENT;
        f->low *= 100;
        f->high *= 100;
    }
}

/* ---- proposals -------------------------------------------------------------------- */

const char *learn_proposer_name(learn_proposer p)
{
    static const char *const names[LEARN_N_PROPOSERS] = {"a counted noun of the lexicon",
                                                         "a noun of casualties",
                                                         "a noun the lexicon does not know",
                                                         "a counted noun elsewhere in the sentence",
                                                         "the unit of the last candidate",
                                                         "a percentage",
                                                         "a share in words"};
    return (unsigned)p < LEARN_N_PROPOSERS ? names[p] : "?";
}

const char *learn_origin_name(learn_origin o)
{
    static const char *const names[LEARN_N_ORIGINS] = {
        "nothing attributed (author)",   "the rules' pick",
        "named in the sentence",         "named in the paragraph",
        "named earlier or in the title", "no state"};
    return (unsigned)o < LEARN_N_ORIGINS ? names[o] : "?";
}

/* words between a figure and its noun that count nothing: "2,700 others
 * injured", "500 more", "hundreds of AT4 systems" */
static bool skip_word(const char *t, const learn_word *k)
{
    static const char *const words[] = {"others", "other",   "more", "additional", "new",
                                        "extra",  "already", "of",   "the"};
    size_t n = k->end - k->start;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strlen(words[i]) != n)
            continue;
        size_t j = 0;
        while (j < n && ((unsigned char)t[k->start + j] | 0x20) == (unsigned char)words[i][j])
            j++;
        if (j == n)
            return true;
    }
    return false;
}

/* the items a unit counts when nothing says more */
static uint32_t unit_items(tally_unit u)
{
    switch (u) {
    case TALLY_UNIT_PERSON:
        return TALLY_ITEM_TROOPS;
    case TALLY_UNIT_VEHICLE:
        return TALLY_ITEM_VEHICLE;
    case TALLY_UNIT_MONEY:
        return TALLY_ITEM_MONEY;
    case TALLY_UNIT_ROUND:
        return TALLY_ITEM_ARTILLERY_SHELL;
    case TALLY_UNIT_MISSILE:
        return TALLY_ITEM_BALLISTIC_MISSILE;
    case TALLY_UNIT_DRONE:
        return TALLY_ITEM_DRONE;
    case TALLY_UNIT_ROCKET:
        return TALLY_ITEM_ROCKET;
    case TALLY_UNIT_BARREL:
    case TALLY_UNIT_TRIP:
        return TALLY_ITEM_OIL;
    case TALLY_UNIT_CONTAINER:
    case TALLY_UNIT_RAILCAR:
    case TALLY_UNIT_SHIP:
    case TALLY_UNIT_TONNE:
        return TALLY_ITEM_MUNITIONS;
    case TALLY_UNIT_PERCENT:
    case TALLY_UNIT_ITEM:
        break;
    }
    return TALLY_ITEM_WEAPONS;
}

static uint32_t unit_bit(tally_unit u)
{
    return 1u << (unsigned)u;
}

/* A plural the lexicon does not know: "howitzers", "HIMARS" is not. */
static bool plural_at(const char *t, const learn_word *k)
{
    return k->end - k->start > 3 && t[k->end - 1] == 's';
}

void learn_noun_alternatives(const char *t, const learn_words *w, const tally_claim *c,
                             learn_prop *p)
{
    /* "rocket systems", "missile elements": the lexicon's noun modifies
     * another, which may count items */
    size_t i = 0;
    while (i < w->n && w->v[i].start < c->end)
        i++;
    if (c->unit == TALLY_UNIT_ITEM || c->unit == TALLY_UNIT_MONEY ||
        c->unit == TALLY_UNIT_PERCENT || i >= w->n || w->v[i].punct || w->v[i].roles != 0 ||
        w->v[i].id != CWW_NONE)
        return;
    if (plural_at(t, &w->v[i]))
        p->alts |= unit_bit(TALLY_UNIT_ITEM);
}

bool learn_propose(const learn_state *l, const char *t, const learn_words *w,
                   const tally_figure *figs, size_t n_figs, const tally_figure *f, tally_claim *c,
                   learn_prop *p)
{
    p->alts = 0;
    if (f->kind == TALLY_FIG_MONEY)
        return false; /* the rules saw a unit price */
    size_t at = 0;    /* the first word after the figure */
    while (at < w->n && w->v[at].start < f->end)
        at++;
    if (f->kind == TALLY_FIG_PERCENT) {
        c->unit = TALLY_UNIT_PERCENT;
        c->end = f->end;
        c->items = 0;
        p->by = LEARN_BY_PERCENT;
        /* "80-90% of the machine tools": what it is a share of */
        if (at < w->n && w->v[at].id == CWW_OF)
            for (size_t i = at + 1; i < w->n && i < at + 12 && !w->v[i].punct; i++)
                if (w->v[i].roles & (CW_ITEM | CW_UNIT)) {
                    const claim_word *cw = cw_find(t + w->v[i].start, w->v[i].end - w->v[i].start);
                    c->items |= cw != NULL ? cw->items : 0;
                }
        if (c->items == 0)
            c->items = TALLY_ITEM_GOODS;
        return true;
    }
    double v = f->has_low ? f->low : f->high;
    if (v < 1)
        return false;
    /* what the sentence and the document count elsewhere */
    const learn_word *near = NULL;
    size_t near_d = SIZE_MAX;
    bool casualty = false;
    for (size_t i = 0; i < w->n; i++) {
        const learn_word *k = &w->v[i];
        casualty = casualty || (k->roles & CW_CASUALTY);
        if (!(k->roles & CW_UNIT))
            continue;
        size_t d = k->start > f->start ? k->start - f->start : f->start - k->start;
        if (d < near_d) {
            near_d = d;
            near = k;
        }
    }
    const claim_word *nw = near != NULL ? cw_find(t + near->start, near->end - near->start) : NULL;
    uint32_t others = 0;
    if (nw != NULL)
        others |= unit_bit((tally_unit)nw->unit);
    if (l->have_unit)
        others |= unit_bit(l->last_unit);
    if (casualty)
        others |= unit_bit(TALLY_UNIT_PERSON);
    if (v >= 100000 && l->last_currency[0] != '\0')
        others |= unit_bit(TALLY_UNIT_MONEY);
    /* the words after the figure: "others injured", "HIMARS", nothing */
    c->end = f->end;
    for (size_t i = at; i < w->n && i < at + 5; i++) {
        const learn_word *k = &w->v[i];
        bool in_fig = false;
        for (size_t q = 0; q < n_figs && !in_fig; q++)
            in_fig = k->start >= figs[q].start && k->start < figs[q].end;
        if (in_fig || k->punct)
            break;
        if (skip_word(t, k))
            continue;
        if (k->roles & CW_CASUALTY) {
            c->unit = TALLY_UNIT_PERSON;
            c->items = TALLY_ITEM_TROOPS;
            c->end = k->end;
            p->by = LEARN_BY_CASUALTY_NOUN;
            return true;
        }
        if (k->roles != 0 || k->id != CWW_NONE)
            break; /* a word the lexicon knows and the rules read */
        if (plural_at(t, k) || k->upper) {
            c->unit = TALLY_UNIT_ITEM;
            c->items = TALLY_ITEM_WEAPONS;
            c->end = k->end;
            p->by = LEARN_BY_OTHER_NOUN;
            p->alts = (others | unit_bit(TALLY_UNIT_PERSON) | unit_bit(TALLY_UNIT_VEHICLE)) &
                      ~(unit_bit(TALLY_UNIT_ITEM) | unit_bit(TALLY_UNIT_MONEY) |
                        unit_bit(TALLY_UNIT_PERCENT));
            return true;
        }
    }
    /* no noun: the nearest counted noun of the sentence, else the
     * document's last; the others are alternatives */
    others &= ~unit_bit(TALLY_UNIT_PERCENT);
    if (nw != NULL) {
        c->unit = (tally_unit)nw->unit;
        c->items = nw->items;
        p->by = LEARN_BY_EARLIER_NOUN;
    } else if (l->have_unit) {
        c->unit = l->last_unit;
        c->items = l->last_items;
        p->by = LEARN_BY_CARRIED_UNIT;
    } else if (others != 0) {
        unsigned u = 0;
        while (!(others & unit_bit((tally_unit)u)))
            u++;
        c->unit = (tally_unit)u;
        c->items = unit_items(c->unit);
        p->by = LEARN_BY_CARRIED_UNIT;
    } else {
        return false;
    }
    if (c->unit == TALLY_UNIT_MONEY)
        memcpy(c->currency, l->last_currency, 4);
    p->alts = others & ~unit_bit(c->unit);
    return true;
}

/* ---- feature vectors --------------------------------------------------------------- */

/* Feature templates. The names are for --explain; the numbers go into the
 * hashes, so a model is tied to this list (make model after changing it). */
/* the templates of the source's document-level features (see
 * source_doc_features), numbered apart from the others */
enum src_tpl {
    SRC_TPL_FIRST = 400,
    SD_SHARE = SRC_TPL_FIRST,
    SD_RANK,
    SD_LEAD,
    SD_AUTHOR_DOM,
    SD_AUTHOR_TOTAL,
    SD_FITS,
    SD_LAST_SAYS,
    SD_NEXT_SAYS,
    SD_RELEASE,
    SD_AUTHOR_LAST,
    SD_AUTHOR_NEXT,
    SD_AUTHOR_LEAD,
    SD_COREF,
    SD_COREF_NEXT,
    SD_AUTHOR_PRONOUN,
    SD_AUTHOR_ROLES,
    SD_AUTHOR_FIRST,
    SD_AUTHOR_WHY,
    SD_STATE_VOICE,
    SD_VOICE_OF_STATE,
};

enum tpl {
    T_BIAS = 1,
    T_UNIT,
    T_CURRENCY,
    T_PROPOSER,
    T_FIGKIND,
    T_QUALIFIER,
    T_VAGUE,
    T_MAGNITUDE,
    T_RULE_KIND,
    T_RULE_KIND_WHY,
    T_L1,
    T_L2,
    T_L3,
    T_R1,
    T_R2,
    T_NOUN,
    T_LEFT_STEM,
    T_RIGHT_STEM,
    T_LEFT_ROLE,
    T_LEFT_FAR_ROLE,
    T_RIGHT_ROLE,
    T_SENT_ROLE,
    T_UNIT_LEFT_ROLE,
    T_UNIT_L1,
    T_N_FIGS,
    T_FIG_INDEX,
    T_FIG_BEFORE,
    T_IN_PAREN,
    T_IN_QUOTE,
    T_CAP_BEFORE,
    T_CAP_AFTER,
    T_SENT_INDEX,
    T_BLOCK_INDEX,
    T_STATES_SENT,
    T_STATES_DOC,
    T_RULE_SUP_WHY,
    T_RULE_REC_WHY,
    T_HEDGED,
    T_GAP,
    T_UNIT_STEM_L,
    T_CLAIM_STATE,
    T_SENT_WORD,
    T_PREV_ROLE,
    T_VERB_FORM,
    T_VERB_FORM_UNIT,
    T_MONEY_FOR,
    T_PAIR,
    T_UNIT_NOUN,
    T_UNIT_SUFFIX,
    T_UNIT_NOUN_CAP,
    T_DOC_PAIR,
    T_DOC_PAIR_UNIT,
    T_VERB_WORD,
    T_RIGHT_VERB,
    /* speakers */
    S_ORIGIN = 100,
    S_KIND,
    S_RULE_WHY,
    S_DIST,
    S_KIND_DIST,
    S_POS,
    S_TOKENS,
    S_B2,
    S_B1,
    S_A1,
    S_A2,
    S_B_ROLE,
    S_A_ROLE,
    S_COUNT,
    S_SAYS,
    S_FIRST,
    S_HEADLINE,
    S_TITLE,
    S_OUTLET,
    S_AUTHOR_SAYS,
    S_AUTHOR_BLOCK,
    S_AUTHOR_DOC,
    S_KIND_ROLE,
    S_PARTY,
    S_FIRST_WORD,
    S_LAST_WORD,
    S_WORDS,
    S_EARLIER_RULE,
    S_KIND_UNIT,
    S_RULE_KIND,
    S_CANONICAL,
    S_CITED,
    S_PICK_ROLE,
    S_PICK_BODY,
    S_PICK_LOWER,
    S_PICK_JUNK,
    S_SAYS_HERE,
    S_MOST_PICKED,
    S_MOST_SAYS,
    S_MOST_NAMED,
    S_NEAREST_SAYS,
    /* states */
    P_NONE = 200,
    P_NONE_UNIT,
    P_NONE_SENT,
    P_CODE,
    P_CODE_UNIT,
    P_CODE_FAMILY,
    P_IN_SENT,
    P_POS,
    P_TOKENS,
    P_B1,
    P_B1_ROLE,
    P_A_ROLE,
    P_MENTION_KIND,
    P_IN_CLAIM,
    P_MENTIONS,
    P_RANK,
    P_TITLE,
    P_PARAGRAPH,
    P_RULE_SUP,
    P_RULE_REC,
    P_SPEAKER,
    P_B2,
    P_A1,
    P_POS_UNIT,
    P_B1_POS,
    /* kinds: the clause */
    K_LEFT = 300,
    K_LEFT_LEMMA,
    K_LEFT_UNIT,
    K_LEFT_NEG,
    K_LEFT_GOV,
    K_LEFT_GOV_CLASS,
    K_RIGHT,
    K_RIGHT_LEMMA,
    K_RIGHT_UNIT,
    K_RIGHT_NEG,
    K_RIGHT_GOV,
    K_RIGHT_GOV_CLASS,
    K_BOTH,
    K_WHOLE,
    K_NEAR,
    K_NEAR_UNIT,
    K_SENT,
    K_LEFT_MOOD,
    K_RIGHT_MOOD,
    K_LEFT_MOD,
    K_RIGHT_MOD,
    K_MAIN,
    K_MAIN_UNIT,
    K_LEFT_GAP,
    K_CONVERSION,
    K_MAIN_CLASS,
    K_CONVERSION_UNIT,
    K_CLAUSE
};

static const char *src_tpl_name(unsigned t);

static const char *tpl_name(unsigned t)
{
    if (t >= SRC_TPL_FIRST)
        return src_tpl_name(t);
    switch ((enum tpl)t) {
    case T_BIAS:
        return "bias";
    case T_UNIT:
        return "unit";
    case T_CURRENCY:
        return "currency";
    case T_PROPOSER:
        return "proposed by";
    case T_FIGKIND:
        return "figure";
    case T_QUALIFIER:
        return "qualifier";
    case T_VAGUE:
        return "vague";
    case T_MAGNITUDE:
        return "digits";
    case T_RULE_KIND:
        return "rules' kind";
    case T_RULE_KIND_WHY:
        return "rules' kind rule";
    case T_L1:
        return "word before";
    case T_L2:
        return "2nd word before";
    case T_L3:
        return "3rd word before";
    case T_R1:
        return "word after";
    case T_R2:
        return "2nd word after";
    case T_NOUN:
        return "counted noun";
    case T_LEFT_STEM:
        return "stem before";
    case T_RIGHT_STEM:
        return "stem after";
    case T_LEFT_ROLE:
        return "role before";
    case T_LEFT_FAR_ROLE:
        return "role far before";
    case T_RIGHT_ROLE:
        return "role after";
    case T_SENT_ROLE:
        return "role in sentence";
    case T_UNIT_LEFT_ROLE:
        return "unit & role before";
    case T_UNIT_L1:
        return "unit & word before";
    case T_N_FIGS:
        return "figures in sentence";
    case T_FIG_INDEX:
        return "figure index";
    case T_FIG_BEFORE:
        return "figure just before";
    case T_IN_PAREN:
        return "in brackets";
    case T_IN_QUOTE:
        return "in quotes";
    case T_CAP_BEFORE:
        return "capital before";
    case T_CAP_AFTER:
        return "capital after";
    case T_SENT_INDEX:
        return "sentence of paragraph";
    case T_BLOCK_INDEX:
        return "paragraph";
    case T_STATES_SENT:
        return "states in sentence";
    case T_STATES_DOC:
        return "states in document";
    case T_RULE_SUP_WHY:
        return "rules' supplier rule";
    case T_RULE_REC_WHY:
        return "rules' recipient rule";
    case T_HEDGED:
        return "hedged";
    case T_GAP:
        return "words to the noun";
    case T_UNIT_STEM_L:
        return "unit & stem before";
    case T_CLAIM_STATE:
        return "whose & unit";
    case T_SENT_WORD:
        return "in sentence";
    case T_PREV_ROLE:
        return "role in sentence before";
    case T_VERB_FORM:
        return "verb form & before it";
    case T_VERB_FORM_UNIT:
        return "verb form & unit";
    case T_VERB_WORD:
        return "verb before it & its auxiliary";
    case T_RIGHT_VERB:
        return "verb after it & its auxiliary";
    case T_MONEY_FOR:
        return "money's items";
    case T_PAIR:
        return "rules' supplier->recipient";
    case T_UNIT_NOUN:
        return "unit & noun";
    case T_UNIT_SUFFIX:
        return "unit & noun's ending";
    case T_UNIT_NOUN_CAP:
        return "unit & a capitalised noun";
    case T_DOC_PAIR:
        return "document's two states";
    case T_DOC_PAIR_UNIT:
        return "document's two states & unit";
    case S_ORIGIN:
        return "found";
    case S_KIND:
        return "kind";
    case S_RULE_WHY:
        return "the rules' pick by";
    case S_DIST:
        return "sentences away";
    case S_KIND_DIST:
        return "kind & sentences away";
    case S_POS:
        return "side of the figure";
    case S_TOKENS:
        return "words away";
    case S_B2:
        return "2nd word before";
    case S_B1:
        return "word before";
    case S_A1:
        return "word after";
    case S_A2:
        return "2nd word after";
    case S_B_ROLE:
        return "role before";
    case S_A_ROLE:
        return "role after";
    case S_COUNT:
        return "times named";
    case S_SAYS:
        return "times attributing";
    case S_FIRST:
        return "first to attribute";
    case S_HEADLINE:
        return "headline's source";
    case S_TITLE:
        return "in the title";
    case S_OUTLET:
        return "the document's outlet";
    case S_AUTHOR_SAYS:
        return "author & attribution in sentence";
    case S_AUTHOR_BLOCK:
        return "author & speaker in paragraph";
    case S_AUTHOR_DOC:
        return "author & speaker in document";
    case S_KIND_ROLE:
        return "kind & role in sentence";
    case S_PARTY:
        return "country is a party";
    case S_FIRST_WORD:
        return "first word";
    case S_LAST_WORD:
        return "last word";
    case S_WORDS:
        return "words";
    case S_EARLIER_RULE:
        return "rules' pick before";
    case S_KIND_UNIT:
        return "kind & unit";
    case S_RULE_KIND:
        return "kind & rules' pick";
    case S_CANONICAL:
        return "full name of an acronym";
    case S_CITED:
        return "cited";
    case S_PICK_ROLE:
        return "a person for the rules' role";
    case S_PICK_BODY:
        return "kind for the rules' body";
    case S_PICK_LOWER:
        return "the rules' pick in lower case";
    case S_PICK_JUNK:
        return "the rules' pick names nobody";
    case S_SAYS_HERE:
        return "kind & attributes";
    case S_MOST_PICKED:
        return "the rules' most picked";
    case S_MOST_SAYS:
        return "attributes most";
    case S_MOST_NAMED:
        return "named most";
    case S_NEAREST_SAYS:
        return "nearest to attribute";
    case P_NONE:
        return "none";
    case P_NONE_UNIT:
        return "none & unit";
    case P_NONE_SENT:
        return "none & states in sentence";
    case P_CODE:
        return "state";
    case P_CODE_UNIT:
        return "state & unit";
    case P_CODE_FAMILY:
        return "state & items";
    case P_IN_SENT:
        return "in sentence";
    case P_POS:
        return "side of the figure";
    case P_TOKENS:
        return "words away";
    case P_B1:
        return "word before";
    case P_B1_ROLE:
        return "role before";
    case P_A_ROLE:
        return "role after";
    case P_MENTION_KIND:
        return "named as";
    case P_IN_CLAIM:
        return "inside the claim";
    case P_MENTIONS:
        return "times in sentence";
    case P_RANK:
        return "rank in document";
    case P_TITLE:
        return "in the title";
    case P_PARAGRAPH:
        return "in the paragraph";
    case P_RULE_SUP:
        return "rules' supplier";
    case P_RULE_REC:
        return "rules' recipient";
    case P_SPEAKER:
        return "the source's country";
    case P_B2:
        return "2nd word before";
    case P_A1:
        return "word after";
    case P_POS_UNIT:
        return "side & unit";
    case P_B1_POS:
        return "word before & side";
    case K_LEFT:
        return "predicate before & its mood";
    case K_LEFT_LEMMA:
        return "predicate before (lemma) & its mood";
    case K_LEFT_UNIT:
        return "predicate before & mood & unit";
    case K_LEFT_NEG:
        return "predicate before negated";
    case K_LEFT_GOV:
        return "predicate before governed by";
    case K_LEFT_GOV_CLASS:
        return "predicate before governed by class";
    case K_RIGHT:
        return "predicate after & its mood";
    case K_RIGHT_LEMMA:
        return "predicate after (lemma) & its mood";
    case K_RIGHT_UNIT:
        return "predicate after & mood & unit";
    case K_RIGHT_NEG:
        return "predicate after negated";
    case K_RIGHT_GOV:
        return "predicate after governed by";
    case K_RIGHT_GOV_CLASS:
        return "predicate after governed by class";
    case K_BOTH:
        return "predicates before & after";
    case K_WHOLE:
        return "part of & done or not";
    case K_NEAR:
        return "class near";
    case K_NEAR_UNIT:
        return "class near & unit";
    case K_SENT:
        return "class in sentence";
    case K_LEFT_MOOD:
        return "predicate before & done or not";
    case K_RIGHT_MOOD:
        return "predicate after & done or not";
    case K_LEFT_MOD:
        return "mood before";
    case K_RIGHT_MOD:
        return "mood after";
    case K_MAIN:
        return "predicate & done or not";
    case K_MAIN_UNIT:
        return "predicate & done or not & unit";
    case K_LEFT_GAP:
        return "predicate before & what stands between";
    case K_CONVERSION:
        return "in brackets after a figure";
    case K_MAIN_CLASS:
        return "predicate";
    case K_CONVERSION_UNIT:
        return "in brackets after a figure & unit";
    case K_CLAUSE:
        return "class in the figure's clause";
    }
    return "?";
}

static inline uint32_t fid(unsigned tpl, uint32_t v)
{
    uint32_t h = learn_mix((uint32_t)tpl * 0x9E3779B1u ^ learn_mix(v + 0x165667B1u));
    return h != 0 ? h : 1;
}

static inline uint32_t fid2(unsigned tpl, uint32_t v, uint32_t w)
{
    return fid(tpl, learn_mix(v) * 31u ^ w);
}

/* Where features go: a vector of their hashes (and their names when
 * explaining). Deciding, the extractor sums a vector's rows with
 * learn_scores as learn_apply does on a stored one: in the same order. */
typedef struct fb {
    learn_fv *fv;
    tally_arena *a;
    bool named;
    const char *t; /* the block's text, for the names of words */
} fb;

/* push() when the vector is full or names are kept */
static void push_slow(fb *b, uint32_t h, const char *name)
{
    learn_fv *fv = b->fv;
    if (fv->n == fv->cap) {
        uint32_t cap = fv->cap ? fv->cap * 2 : 64;
        uint32_t *nh = tally_arena_alloc(b->a, cap * sizeof *nh);
        if (fv->n)
            memcpy(nh, fv->h, fv->n * sizeof *nh);
        fv->h = nh;
        if (b->named) {
            const char **nn = tally_arena_alloc(b->a, cap * sizeof *nn);
            if (fv->n)
                memcpy(nn, fv->name, fv->n * sizeof *nn);
            fv->name = nn;
        }
        fv->cap = cap;
    }
    fv->h[fv->n] = h;
    if (b->named)
        fv->name[fv->n] = name;
    fv->n++;
}

static inline void push(fb *b, uint32_t h, const char *name)
{
    learn_fv *fv = b->fv;
    if (fv->n == fv->cap || b->named)
        push_slow(b, h, name);
    else
        fv->h[fv->n++] = h;
}

static const char *name2(fb *b, unsigned tpl, const char *v, size_t vn, const char *w, size_t wn)
{
    const char *t = tpl_name(tpl);
    size_t n = strlen(t) + vn + wn + 4;
    char *s = tally_arena_alloc(b->a, n);
    if (w != NULL)
        snprintf(s, n, "%s=%.*s&%.*s", t, (int)vn, v, (int)wn, w);
    else
        snprintf(s, n, "%s=%.*s", t, (int)vn, v);
    return s;
}

/* a feature of a named value (`vname` static, or NULL for the number v) */
static void f_val_named(fb *b, unsigned tpl, uint32_t v, const char *vname)
{
    char num[16];
    if (vname == NULL) {
        snprintf(num, sizeof num, "%u", v);
        vname = num;
    }
    push(b, fid(tpl, v), name2(b, tpl, vname, strlen(vname), NULL, 0));
}

static inline void f_val(fb *b, unsigned tpl, uint32_t v, const char *vname)
{
    if (b->named)
        f_val_named(b, tpl, v, vname);
    else
        push(b, fid(tpl, v), NULL);
}

static void f_val2_named(fb *b, unsigned tpl, uint32_t v, const char *vn, uint32_t w,
                         const char *wn)
{
    char n1[16], n2[16];
    if (vn == NULL) {
        snprintf(n1, sizeof n1, "%u", v);
        vn = n1;
    }
    if (wn == NULL) {
        snprintf(n2, sizeof n2, "%u", w);
        wn = n2;
    }
    push(b, fid2(tpl, v, w), name2(b, tpl, vn, strlen(vn), wn, strlen(wn)));
}

static inline void f_val2(fb *b, unsigned tpl, uint32_t v, const char *vn, uint32_t w,
                          const char *wn)
{
    if (b->named)
        f_val2_named(b, tpl, v, vn, w, wn);
    else
        push(b, fid2(tpl, v, w), NULL);
}

/* the value of a token: its word, "#" for a figure, "#n" for another number */
static inline uint32_t tok_value(const fb *b, const ltok *k)
{
    if (k->flags & TK_FIG)
        return 0x23u;
    if (k->flags & TK_DIGIT)
        return 0x2323u;
    return k->h != 0 || (k->flags & TK_PUNCT) ? k->h : fnv(b->t + k->start, k->end - k->start);
}

/* Token `k` of text `t` with its hash, for a builder whose text may be
 * another block's (a speaker's). */
static ltok tok_hashed(const char *t, const ltok *k)
{
    ltok x = *k;
    if (x.h == 0 && !(x.flags & TK_PUNCT))
        x.h = fnv(t + x.start, x.end - x.start);
    return x;
}

static void tok_text(const fb *b, const ltok *k, const char **s, size_t *n)
{
    if (k->flags & TK_FIG) {
        *s = "#";
        *n = 1;
    } else if (k->flags & TK_DIGIT) {
        *s = "#n";
        *n = 2;
    } else {
        *s = b->t + k->start;
        *n = k->end - k->start;
    }
}

/* the name of a token's feature, with a named value before it (vn) or not */
static const char *tok_name(fb *b, unsigned tpl, const char *vn, const ltok *k)
{
    const char *s;
    size_t n;
    tok_text(b, k, &s, &n);
    return vn != NULL ? name2(b, tpl, vn, strlen(vn), s, n) : name2(b, tpl, s, n, NULL, 0);
}

static inline void f_tok(fb *b, unsigned tpl, const ltok *k)
{
    push(b, fid(tpl, tok_value(b, k)), b->named ? tok_name(b, tpl, NULL, k) : NULL);
}

/* a token with a named value before it */
static inline void f_val_tok(fb *b, unsigned tpl, uint32_t v, const char *vn, const ltok *k)
{
    push(b, fid2(tpl, v, tok_value(b, k)), b->named ? tok_name(b, tpl, vn, k) : NULL);
}

/* Word i beside a mention is one the lexicon knows, or punctuation: the
 * others (names, rare words) say little across documents. */
static bool beside_known(const beside *bs, int i)
{
    return bs->h[i] != 0 &&
           (bs->roles[i] != 0 || bs->id[i] != CWW_NONE || (bs->flags[i] & TK_PUNCT));
}

static const char *beside_text(const fb *b, const beside *bs, int i)
{
    if (!b->named)
        return NULL;
    size_t n = bs->end[i] - bs->start[i];
    char *s = tally_arena_alloc(b->a, n + 1);
    memcpy(s, b->t + bs->start[i], n);
    s[n] = '\0';
    return s;
}

static void f_beside(fb *b, unsigned tpl, const beside *bs, int i)
{
    if (beside_known(bs, i))
        f_val(b, tpl, bs->h[i], beside_text(b, bs, i));
}

/* the first STEM letters of a word longer than STEM */
static void f_stem(fb *b, unsigned tpl, const ltok *k)
{
    if ((k->flags & (TK_FIG | TK_DIGIT | TK_PUNCT)) || k->end - k->start <= STEM)
        return;
    uint32_t h = fnv(b->t + k->start, STEM);
    push(b, fid(tpl, h), b->named ? name2(b, tpl, b->t + k->start, STEM, NULL, 0) : NULL);
}

/* a verb (its first STEM letters) with what stands before it */
static void f_verb(fb *b, unsigned tpl, const ltok *k, uint32_t aux, const char *an)
{
    size_t n = k->end - k->start;
    if (n > STEM)
        n = STEM;
    push(b, fid2(tpl, fnv(b->t + k->start, n), aux),
         b->named ? name2(b, tpl, b->t + k->start, n, an, strlen(an)) : NULL);
}

static const char *role_name(unsigned bit)
{
    static const char *const names[] = {
        "unit",  "carrier", "rounds",   "item",    "ballistic", "cruise",   "out",     "in",
        "plan",  "consume", "equiv",    "produce", "stock",     "casualty", "finance", "debt",
        "hedge", "say",     "negation", "return",  "outcome",   "price",    "locate",  "fill",
        "break", "office",  "pronoun",  "body",    "release",   "title"};
    return bit < sizeof names / sizeof names[0] ? names[bit] : "?";
}

/* one feature per role bit of `roles` */
/* The number of the lowest bit set in x (not 0): a de Bruijn sequence's
 * table, so that role loops visit the bits set only. */
static unsigned low_bit(uint32_t x)
{
    static const unsigned char at[32] = {0,  1,  28, 2,  29, 14, 24, 3,  30, 22, 20,
                                         15, 25, 17, 4,  8,  31, 27, 13, 23, 21, 19,
                                         16, 7,  26, 12, 18, 6,  11, 5,  10, 9};
    return at[((x & (0u - x)) * 0x077CB531u) >> 27];
}

static void f_roles(fb *b, unsigned tpl, uint32_t roles)
{
    for (; roles != 0; roles &= roles - 1) { /* lowest bit first */
        unsigned bit = low_bit(roles);
        f_val(b, tpl, bit, role_name(bit));
    }
}

static void f_roles_with(fb *b, unsigned tpl, uint32_t v, const char *vn, uint32_t roles)
{
    for (; roles != 0; roles &= roles - 1) {
        unsigned bit = low_bit(roles);
        f_val2(b, tpl, v, vn, bit, role_name(bit));
    }
}

/* the roles that say something about a claim (not the stop words') */
static uint32_t cue_roles(uint32_t r)
{
    return r & (CW_OUT | CW_IN | CW_PLAN | CW_CONSUME | CW_EQUIV | CW_PRODUCE | CW_STOCK |
                CW_CASUALTY | CW_FINANCE | CW_DEBT | CW_HEDGE | CW_SAY | CW_NEG | CW_RETURN |
                CW_OUTCOME | CW_PRICE | CW_OFFICE | CW_BODY | CW_PRONOUN);
}

/* a string's hash, for names of rules (static strings) */
static uint32_t str_hash(const char *s)
{
    return s != NULL ? fnv(s, strlen(s)) : 0;
}

/* A rule by its name (NULL: none), so that features outlast its number. */
static const char *why_name(tally_why w)
{
    const tally_term *t = tally_why_term(w);
    return w != TALLY_WHY_NONE && t != NULL ? t->slug : NULL;
}

/* Fills l->why_h (once a document). */
static void why_table(learn_state *l)
{
    for (unsigned w = 0; w < TALLY_WHY_N; w++)
        l->why_h[w] = str_hash(why_name((tally_why)w));
}

/* str_hash(why_name(w)), from the document's table (why_table) */
static uint32_t why_hash(const learn_state *l, tally_why w)
{
    if ((unsigned)w >= TALLY_WHY_N)
        return str_hash(why_name(w));
    return l->why_h[w];
}

static unsigned bucket(size_t v, const size_t *edges, unsigned n)
{
    unsigned i = 0;
    while (i < n && v >= edges[i])
        i++;
    return i;
}

static unsigned magnitude(double v)
{
    unsigned m = 0;
    while (v >= 10 && m < 15) {
        v /= 10;
        m++;
    }
    return m;
}

static uint32_t code_value(const char *code)
{
    return (uint32_t)(unsigned char)code[0] << 16 | (uint32_t)(unsigned char)code[1] << 8 |
           (uint32_t)(unsigned char)code[2];
}

/* ---- a block's candidates -------------------------------------------------------- */

/* What learn_block knows of the block while it describes candidates. */
typedef struct blk {
    const learn_state *l;     /* decisions only read it */
    const learn_block_in *in; /* offsets relative to the block */
    tally_arena *a;
    ltoks *toks;              /* of each sentence, split when first needed */
    size_t *msent;            /* the sentence of each actor mention */
    beside *mb;               /* the words beside each mention */
    size_t index;             /* the block's number in the document */
    bool figs_ordered;        /* figures_ordered() of the block's figures */
    signed char speaker_here; /* speaker_in_block() of the block; -1 until read */
} blk;

static size_t sentence_of(const blk *k, size_t at)
{
    size_t lo = 0, hi = k->in->n_ss;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (k->in->ss[mid].end <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < k->in->n_ss ? lo : k->in->n_ss - 1;
}

/* The figure holding token `k`, or SIZE_MAX. */
static size_t figure_index(const ltok *k, const tally_figure *figs, size_t n_figs)
{
    for (size_t i = 0; i < n_figs; i++)
        if (k->start >= figs[i].start && k->start < figs[i].end)
            return i;
    return SIZE_MAX;
}

/* Whether each figure ends before the next starts (as the scanner makes
 * them), so that tokens in order meet them in order. */
static bool figures_ordered(const tally_figure *figs, size_t n_figs)
{
    for (size_t i = 0; i < n_figs; i++)
        if (figs[i].start > figs[i].end || (i > 0 && figs[i - 1].end > figs[i].start))
            return false;
    return true;
}

/* figure_index of tokens in order: with ordered figures, the search goes
 * on from *from, the first figure that does not end at or before the last
 * token's start */
static size_t figure_from(const ltok *k, const tally_figure *figs, size_t n_figs, bool ordered,
                          size_t *from)
{
    if (!ordered)
        return figure_index(k, figs, n_figs);
    while (*from < n_figs && figs[*from].end <= k->start)
        (*from)++;
    return *from < n_figs && k->start >= figs[*from].start ? *from : SIZE_MAX;
}

/* The tokens of sentence si; a figure is one token ("#"), its first. */
static const ltoks *sentence_tokens(blk *k, size_t si)
{
    ltoks *ts = &k->toks[si];
    if (ts->v == NULL) {
        if (k->in->sw != NULL && k->in->sw[si].n > 0)
            tokens_of(k->in->text, &k->in->sw[si], ts, k->a);
        else
            tokenize(k->in->text, k->in->ss[si].start, k->in->ss[si].end, ts, k->a);
        size_t u = 0, last = SIZE_MAX, from = 0;
        for (size_t i = 0; i < ts->n; i++) {
            size_t fig = figure_from(&ts->v[i], k->in->figs, k->in->n_figs, k->figs_ordered, &from);
            if (fig != SIZE_MAX && fig == last)
                continue;
            last = fig;
            ts->v[u] = ts->v[i];
            if (fig != SIZE_MAX)
                ts->v[u].flags |= TK_FIG;
            ts->roles |= ts->v[u].roles;
            u++;
        }
        ts->n = u;
    }
    return ts;
}

static unsigned family_of(uint32_t items)
{
    unsigned f = 0;
    if (items & (TALLY_ITEM_MUNITIONS | TALLY_ITEM_ARTILLERY_SHELL | TALLY_ITEM_ROCKET |
                 TALLY_ITEM_BALLISTIC_MISSILE | TALLY_ITEM_CRUISE_MISSILE | TALLY_ITEM_DRONE |
                 TALLY_ITEM_WEAPONS | TALLY_ITEM_AIR_DEFENCE | TALLY_ITEM_VEHICLE))
        f |= 1;
    if (items & (TALLY_ITEM_TROOPS | TALLY_ITEM_WORKERS))
        f |= 2;
    if (items & (TALLY_ITEM_FOOD | TALLY_ITEM_FUEL | TALLY_ITEM_OIL | TALLY_ITEM_GOODS |
                 TALLY_ITEM_TECHNOLOGY))
        f |= 4;
    if (items & (TALLY_ITEM_MONEY | TALLY_ITEM_DEBT_RELIEF | TALLY_ITEM_PRODUCTION_CAPACITY))
        f |= 8;
    return f;
}

static const char *unit_name(const tally_claim *c)
{
    return c->unit == TALLY_UNIT_MONEY ? "money" : tally_unit_name(c);
}

/* The features of the candidate itself (the FIG head). */
/* A verb's form: 0 base, 1 past ("sent", "delivered"), 2 "-ing", 3 "-s". */
static unsigned verb_form(const char *t, const ltok *w)
{
    static const char *const past[] = {"sent",  "gave",    "sold", "got",  "bought",
                                       "paid",  "lent",    "made", "took", "brought",
                                       "built", "forgave", "spent"};
    size_t n = w->end - w->start;
    const char *s = t + w->start;
    for (size_t i = 0; i < sizeof past / sizeof past[0]; i++)
        if (tok_is(t, w, past[i]))
            return 1;
    if (n > 3 && s[n - 2] == 'e' && s[n - 1] == 'd')
        return 1;
    if (n > 4 && s[n - 3] == 'i' && s[n - 2] == 'n' && s[n - 1] == 'g')
        return 2;
    if (n > 3 && s[n - 1] == 's')
        return 3;
    return 0;
}

/* What a word before a verb says of it: 1 a modal ("will", "could"), 2
 * perfect ("has"), 3 a form of "be", 4 "to"; 0 else. */
static unsigned aux_of(const char *t, const ltok *w)
{
    static const char *const modal[] = {"will",  "would", "could",  "may",
                                        "might", "shall", "should", "can"};
    static const char *const perfect[] = {"has", "have", "had"};
    static const char *const be[] = {"is", "are", "was", "were", "been", "be", "being"};
    for (size_t i = 0; i < sizeof modal / sizeof modal[0]; i++)
        if (tok_is(t, w, modal[i]))
            return 1;
    for (size_t i = 0; i < sizeof perfect / sizeof perfect[0]; i++)
        if (tok_is(t, w, perfect[i]))
            return 2;
    for (size_t i = 0; i < sizeof be / sizeof be[0]; i++)
        if (tok_is(t, w, be[i]))
            return 3;
    return w->id == CWW_TO ? 4 : 0;
}

/* What fig_base finds that fig_unit weighs by unit. */
typedef struct fig_ctx {
    uint32_t near_roles; /* the cue roles of the words just before the figure */
    const ltok *l1;      /* the word before, or NULL */
    const ltok *noun;    /* the counted noun, or NULL */
    uint32_t stems[LEFT_NEAR];
    size_t n_stems;
    const char *stem_at[LEFT_NEAR];
    uint32_t verb; /* form * 8 + aux of the verb that moves it, or UINT32_MAX */
    uint32_t doc_pair;
    const char *doc_pair_name;
    char whose[4][4]; /* states inside the claim: "North Korean troops" */
    size_t n_whose;
    uint32_t money_roles;
    const ltoks *ts;
} fig_ctx;

/* The features of a figure's candidate that do not depend on the unit it
 * counts (shared by its alternatives; they come first). */
static void fig_base(blk *k, fb *b, const tally_claim *c, const tally_figure *f, learn_proposer by,
                     size_t si, const ltoks *ts, fig_ctx *x)
{
    const learn_state *l = k->l;
    memset(x, 0, sizeof *x);
    x->verb = UINT32_MAX;
    f_val(b, T_BIAS, 0, "1");
    f_val(b, T_PROPOSER, by, learn_proposer_name(by));
    f_val(b, T_FIGKIND, f->kind, tally_figure_kind_name(f->kind));
    f_val(b, T_QUALIFIER, f->qualifier, tally_qualifier_name(f->qualifier));
    if (f->vague)
        f_val(b, T_VAGUE, 1, "yes");
    f_val(b, T_MAGNITUDE, magnitude(f->has_low ? f->low : f->high), NULL);
    f_val(b, T_RULE_KIND, c->kind, tally_kind_name(c->kind));
    f_val(b, T_RULE_KIND_WHY, why_hash(k->l, c->why_kind.rule), why_name(c->why_kind.rule));
    f_val(b, T_RULE_SUP_WHY, why_hash(k->l, c->why_supplier.rule), why_name(c->why_supplier.rule));
    f_val(b, T_RULE_REC_WHY, why_hash(k->l, c->why_recipient.rule),
          why_name(c->why_recipient.rule));
    if (c->hedged)
        f_val(b, T_HEDGED, 1, "yes");
    size_t fi = tok_at(ts, f->start), fe = tok_at(ts, f->end), ce = tok_at(ts, c->end);
    static const size_t gap_edges[] = {1, 2, 4};
    f_val(b, T_GAP, bucket(ce > fe ? ce - fe : 0, gap_edges, 3), NULL);
    /* left of the figure */
    uint32_t far_roles = 0;
    for (size_t d = 1; d <= LEFT_FAR && d <= fi; d++) {
        const ltok *w = &ts->v[fi - d];
        if (d == 1) {
            f_tok(b, T_L1, w);
            x->l1 = w;
            if ((w->flags & TK_UPPER) && fi >= 2)
                f_val(b, T_CAP_BEFORE, 1, "yes");
            if (w->flags & TK_FIG)
                f_val(b, T_FIG_BEFORE, 1, "adjacent");
        } else if (d == 2) {
            f_tok(b, T_L2, w);
        }
        if (d <= LEFT_NEAR) {
            f_stem(b, T_LEFT_STEM, w);
            x->near_roles |= cue_roles(w->roles);
            if (!(w->flags & (TK_PUNCT | TK_FIG | TK_DIGIT)) && w->end - w->start > STEM) {
                x->stem_at[x->n_stems] = b->t + w->start;
                x->stems[x->n_stems++] = fnv(b->t + w->start, STEM);
            }
            if (d <= 3 && (w->flags & TK_FIG) && d > 1)
                f_val(b, T_FIG_BEFORE, d, NULL);
        } else {
            far_roles |= cue_roles(w->roles);
        }
        if (d <= 3 && (w->flags & TK_PUNCT) && b->t[w->start] == '(')
            f_val(b, T_IN_PAREN, 1, "yes");
    }
    f_roles(b, T_LEFT_ROLE, x->near_roles);
    f_roles(b, T_LEFT_FAR_ROLE, far_roles);
    /* the noun and right of it */
    x->noun = fe < ts->n && fe < ce                                    ? &ts->v[ce - 1]
              : fe < ts->n && !(ts->v[fe].flags & (TK_PUNCT | TK_FIG)) ? &ts->v[fe]
                                                                       : NULL;
    if (x->noun != NULL)
        f_tok(b, T_NOUN, x->noun);
    uint32_t right_roles = 0;
    for (size_t d = 0; d < RIGHT_FAR && ce + d < ts->n; d++) {
        const ltok *w = &ts->v[ce + d];
        if (d == 0)
            f_tok(b, T_R1, w);
        else if (d == 1)
            f_tok(b, T_R2, w);
        if (d < RIGHT_NEAR)
            f_stem(b, T_RIGHT_STEM, w);
        right_roles |= cue_roles(w->roles);
        if (d == 0 && (w->flags & TK_UPPER))
            f_val(b, T_CAP_AFTER, 1, "yes");
    }
    f_roles(b, T_RIGHT_ROLE, right_roles);
    /* the sentence */
    uint32_t all = 0;
    size_t quotes = 0, figs_in = 0, index = 0;
    for (size_t i = 0; i < ts->n; i++) {
        const ltok *w = &ts->v[i];
        if ((w->flags & TK_PUNCT) && b->t[w->start] == '"' && i < fi)
            quotes++;
        if (w->flags & TK_FIG) {
            index += i < fi;
            figs_in++;
        }
    }
    all = cue_roles(ts->roles);
    x->money_roles = ts->roles;
    x->ts = ts;
    f_roles(b, T_SENT_ROLE, all);
    if (quotes % 2 == 1)
        f_val(b, T_IN_QUOTE, 1, "yes");
    static const size_t fig_edges[] = {2, 3, 5};
    f_val(b, T_N_FIGS, bucket(figs_in, fig_edges, 3), NULL);
    f_val(b, T_FIG_INDEX, index > 2 ? 2 : (uint32_t)index, NULL);
    f_val(b, T_SENT_INDEX, si > 2 ? 2 : (uint32_t)si, NULL);
    static const size_t block_edges[] = {2, 3, 5, 9};
    f_val(b, T_BLOCK_INDEX, bucket(k->index, block_edges, 4), NULL);
    /* how many states the sentence and the document name; whose the
     * counted things are ("North Korean troops") */
    char seen[8][4];
    size_t ns = 0;
    const learn_block_in *in = k->in;
    for (size_t i = 0; i < in->n_am; i++) {
        const tally_actor_match *m = &in->am[i];
        if (k->msent[i] != si || !is_state_kind(m->actor->kind) || m->actor->country[0] == '\0')
            continue;
        if (m->start >= f->start && m->end <= c->end && x->n_whose < 4)
            memcpy(x->whose[x->n_whose++], m->actor->country, 4);
        bool dup = false;
        for (size_t j = 0; j < ns && !dup; j++)
            dup = memcmp(seen[j], m->actor->country, 4) == 0;
        if (!dup && ns < 8)
            memcpy(seen[ns++], m->actor->country, 4);
    }
    f_val(b, T_STATES_SENT, ns > 3 ? 3 : (uint32_t)ns, NULL);
    f_val(b, T_STATES_DOC, l->n_st > 4 ? 4 : (uint32_t)l->n_st, NULL);
    /* between which states: the rules' pair, and the document's two most
     * named (North Korea and Russia, or Russia and Ukraine at war) */
    char pair[8];
    memcpy(pair, c->supplier[0] ? c->supplier : "---", 3);
    memcpy(pair + 3, "->", 2);
    memcpy(pair + 5, c->recipient[0] ? c->recipient : "---", 3);
    f_val(b, T_PAIR, fnv(pair, 8), b->named ? tally_arena_strndup(b->a, pair, 8) : NULL);
    if (l->wf.have_pair) { /* (window_facts) */
        x->doc_pair = l->wf.pair_hash;
        x->doc_pair_name = b->named ? tally_arena_strndup(b->a, l->wf.pair, 6) : NULL;
        f_val(b, T_DOC_PAIR, x->doc_pair, x->doc_pair_name);
    }
    /* the cues of the sentence before, when the rules read it */
    if (si > 0 && k->in->sw != NULL && k->in->sw[si - 1].n > 0) {
        const ltoks *ps = sentence_tokens(k, si - 1);
        f_roles(b, T_PREV_ROLE, cue_roles(ps->roles));
    }
    /* the verb that moves it: its form and what stands before it ("will
     * send", "has sent", "plans to deliver", "were killed") */
    for (size_t d = 1; d <= 10 && d <= fi; d++) {
        const ltok *w = &ts->v[fi - d];
        if (!(w->roles & (CW_OUT | CW_IN | CW_PLAN | CW_CONSUME | CW_PRODUCE | CW_FINANCE |
                          CW_CASUALTY | CW_EQUIV | CW_STOCK)))
            continue;
        unsigned form = verb_form(b->t, w), aux = 0;
        for (size_t e = 1; e <= 3 && e + d <= fi && aux == 0; e++)
            aux = aux_of(b->t, &ts->v[fi - d - e]);
        static const char *const forms[] = {"base", "past", "-ing", "-s"};
        static const char *const auxes[] = {"none", "modal", "perfect", "be", "to"};
        f_val2(b, T_VERB_FORM, form, forms[form], aux, auxes[aux]);
        x->verb = form * 8 + aux;
        f_verb(b, T_VERB_WORD, w, aux, auxes[aux]);
        break;
    }
    /* "more are planned to be sent", "troops were dispatched" */
    for (size_t d = 0; d < 6 && ce + d < ts->n; d++) {
        const ltok *w = &ts->v[ce + d];
        if (w->flags & TK_PUNCT)
            break;
        if (!(w->roles & (CW_OUT | CW_IN | CW_PLAN | CW_CONSUME | CW_PRODUCE | CW_FINANCE |
                          CW_CASUALTY | CW_EQUIV | CW_STOCK)))
            continue;
        unsigned aux = 0;
        for (size_t e = 1; e <= 3 && e <= d && aux == 0; e++)
            aux = aux_of(b->t, &ts->v[ce + d - e]);
        static const char *const auxes[] = {"none", "modal", "perfect", "be", "to"};
        f_verb(b, T_RIGHT_VERB, w, aux, auxes[aux]);
        break;
    }
}

/* The features of a figure's candidate that weigh its unit. */
static void fig_unit(fb *b, const tally_claim *c, const fig_ctx *x)
{
    uint32_t unit = (uint32_t)c->unit;
    const char *un = unit_name(c);
    f_val(b, T_UNIT, unit, un);
    if (c->unit == TALLY_UNIT_MONEY)
        f_val(b, T_CURRENCY, code_value(c->currency), c->currency);
    if (x->l1 != NULL)
        f_val_tok(b, T_UNIT_L1, unit, un, x->l1);
    f_roles_with(b, T_UNIT_LEFT_ROLE, unit, un, x->near_roles);
    for (size_t i = 0; i < x->n_stems; i++)
        push(b, fid2(T_UNIT_STEM_L, unit, x->stems[i]),
             b->named ? name2(b, T_UNIT_STEM_L, un, strlen(un), x->stem_at[i], STEM) : NULL);
    /* which unit the noun takes ("officers" count people, "howitzers"
     * items), by the word and by its ending */
    const ltok *noun = x->noun;
    if (noun != NULL) {
        f_val_tok(b, T_UNIT_NOUN, unit, un, noun);
        size_t nl = noun->end - noun->start;
        if (nl > 4 && !(noun->flags & (TK_DIGIT | TK_FIG))) {
            const char *e = b->t + noun->end - 3;
            push(b, fid2(T_UNIT_SUFFIX, unit, fnv(e, 3)),
                 b->named ? name2(b, T_UNIT_SUFFIX, un, strlen(un), e, 3) : NULL);
        }
        if (noun->flags & TK_UPPER)
            f_val(b, T_UNIT_NOUN_CAP, unit, un);
    }
    if (x->doc_pair != 0)
        f_val2(b, T_DOC_PAIR_UNIT, x->doc_pair, x->doc_pair_name, unit, un);
    for (size_t i = 0; i < x->n_whose; i++)
        f_val2(b, T_CLAIM_STATE, code_value(x->whose[i]), x->whose[i], unit, un);
    if (x->verb != UINT32_MAX)
        f_val2(b, T_VERB_FORM_UNIT, x->verb, NULL, unit, un);
    /* money for arms, or money itself */
    if (c->unit == TALLY_UNIT_MONEY) {
        uint32_t items = 0;
        for (size_t i = 0; i < x->ts->n; i++) {
            const ltok *w = &x->ts->v[i];
            if (w->roles & (CW_ITEM | CW_UNIT)) {
                const claim_word *cw = cw_find(b->t + w->start, w->end - w->start);
                items |= cw != NULL ? cw->items : 0;
            }
        }
        f_val(b, T_MONEY_FOR, family_of(items), NULL);
        if (x->money_roles & CW_FINANCE)
            f_val(b, T_MONEY_FOR, 100, "finance words");
    }
}

/* ---- the clause (kind) ------------------------------------------------------------ */

/* What a figure's kind depends on is mostly in its clause: the word that
 * governs it ("sent", "pledged", "package", "killed"), what stands before
 * that word ("will", "plans to", "has been", "is expected to") and the
 * words that make it done or not yet ("already", "next year"). The clause
 * is read by the words of kindwords.gperf, by lemma and class, so that what
 * is learnt of "has sent" holds for "have delivered". */

enum {
    CL_LEFT = 12, /* words before the figure searched for its predicate */
    CL_SPAN = 48, /* words before it read at most (past a list of figures) */
    CL_RIGHT = 8, /* words after the counted noun */
    CL_CHAIN = 5, /* words of a verb's group before the verb */
    CL_NEAR = 4   /* words each side that are the figure's company */
};

/* What stands before a predicate: its mood, tense and voice. */
typedef enum clause_mod {
    CM_NONE,
    CM_NOUN,         /* "delivery of", "package" */
    CM_BASE,         /* "they send" */
    CM_S3,           /* "sends" */
    CM_PAST,         /* "sent" */
    CM_PP,           /* "given", the participle alone: "aid sent" */
    CM_ING,          /* "sending", alone: "including", "bringing" */
    CM_PERFECT,      /* "has sent", "have been sent" */
    CM_PASSIVE,      /* "are sent" */
    CM_PASSIVE_PAST, /* "were sent" */
    CM_PROGRESSIVE,  /* "is sending" */
    CM_WILL,         /* "will send" */
    CM_MAY,          /* "could send" */
    CM_WOULD,        /* "would send" */
    CM_GOVERNED,     /* "plans to send": a word of the lexicon before "to" */
    CM_INF,          /* "to send" after another word: "Iran to send" */
    CM_HABIT,        /* "used to send" */
    CM_N_MODS
} clause_mod;

static const char *clause_mod_name(unsigned m)
{
    static const char *const names[] = {
        "none", "noun",    "base",     "-s",           "past",        "participle",
        "-ing", "perfect", "passive",  "passive past", "progressive", "will",
        "may",  "would",   "governed", "to",           "used to"};
    return m < sizeof names / sizeof names[0] ? names[m] : "?";
}

/* Whether what a mood says is done (1), holds now (2) or is not yet (3). */
static unsigned clause_mood(clause_mod m)
{
    switch (m) {
    case CM_PAST:
    case CM_PP:
    case CM_PERFECT:
    case CM_PASSIVE_PAST:
    case CM_HABIT:
        return 1;
    case CM_BASE:
    case CM_S3:
    case CM_ING:
    case CM_PASSIVE:
    case CM_PROGRESSIVE:
        return 2;
    case CM_WILL:
    case CM_MAY:
    case CM_WOULD:
    case CM_GOVERNED:
    case CM_INF:
        return 3;
    case CM_NONE:
    case CM_NOUN:
    case CM_N_MODS:
        break;
    }
    return 0;
}

static const char *const mood_names[] = {"other", "done", "now", "not yet"};

static const char *kind_class_name(unsigned c)
{
    return kw_class_name(c);
}

/* The kind words of tokens [lo, hi) of a sentence (NULL for the others). */
typedef struct clause_words {
    const kind_word **kw; /* kw[i - lo] */
    size_t lo, hi;
} clause_words;

static const kind_word *cw_at(const clause_words *w, size_t i)
{
    return i >= w->lo && i < w->hi ? w->kw[i - w->lo] : NULL;
}

static int class_at(const clause_words *w, size_t i)
{
    const kind_word *k = cw_at(w, i);
    return k != NULL ? k->cls : KC_NONE;
}

/* A word that may govern a figure: content, not a verb's helper, nor a
 * word that only governs an infinitive ("ready", "about" to). */
static bool is_pred(const kind_word *k)
{
    return k != NULL && k->cls >= KC_MOVE && k->cls <= KC_INCLUDE &&
           (k->form != KF_WORD ||
            (k->cls == KC_VALUE || k->cls == KC_EQUIV || k->cls == KC_CASUALTY));
}

typedef struct clause_pred {
    const kind_word *kw; /* the predicate, or NULL */
    size_t at;           /* its token */
    clause_mod mod;
    const kind_word *gov; /* for CM_GOVERNED: "plans" (to send) */
    bool neg;
    bool rel; /* after the figure, in a relative clause: "drones that Moscow used" */
} clause_pred;

/* The mood, tense and voice of the predicate at token p, from the helpers
 * before it (not before token lo). */
static void clause_chain(const char *t, const ltoks *ts, const clause_words *w, size_t p, size_t lo,
                         clause_pred *out)
{
    const kind_word *k = out->kw;
    bool be = false, be_past = false, have = false, to = false;
    int modal = KC_NONE;
    size_t q = p, stop = p > CL_CHAIN ? p - CL_CHAIN : 0;
    if (stop < lo)
        stop = lo;
    while (q > stop) {
        const kind_word *a = cw_at(w, q - 1);
        if (a == NULL || (ts->v[q - 1].flags & TK_PUNCT))
            break;
        if (a->cls == KC_SKIP || a->cls == KC_DONE) {
        } else if (a->cls == KC_NEG) {
            out->neg = true;
        } else if (a->cls == KC_BE) {
            be = true;
            be_past =
                be_past || tok_is(t, &ts->v[q - 1], "was") || tok_is(t, &ts->v[q - 1], "were");
        } else if (a->cls == KC_HAVE) {
            have = true;
        } else if (a->cls == KC_WILL || a->cls == KC_MAY || a->cls == KC_WOULD) {
            modal = a->cls;
            break;
        } else if (a->cls == KC_TO) {
            to = true;
            q--;
            break;
        } else {
            break;
        }
        q--;
    }
    if (to) {
        /* what governs the infinitive: the word before "to" */
        while (q > lo && class_at(w, q - 1) == KC_SKIP)
            q--;
        const kind_word *g = q > lo && !(ts->v[q - 1].flags & TK_PUNCT) ? cw_at(w, q - 1) : NULL;
        if (g != NULL && g->cls == KC_CONSUME && tok_is(t, &ts->v[q - 1], "used")) {
            out->mod = CM_HABIT;
        } else if (g != NULL && (is_pred(g) || g->cls == KC_INTEND)) {
            out->mod = CM_GOVERNED;
            out->gov = g;
        } else {
            out->mod = CM_INF;
        }
        return;
    }
    if (modal != KC_NONE)
        out->mod = modal == KC_WILL ? CM_WILL : modal == KC_MAY ? CM_MAY : CM_WOULD;
    else if (have && (k->form & KF_PP))
        out->mod = CM_PERFECT;
    else if (be && (k->form & KF_PP))
        out->mod = be_past ? CM_PASSIVE_PAST : CM_PASSIVE;
    else if (be && (k->form & KF_ING))
        out->mod = CM_PROGRESSIVE;
    else if (k->form & KF_PAST)
        out->mod = CM_PAST;
    else if (k->form & KF_PP)
        out->mod = CM_PP;
    else if (k->form & KF_ING)
        out->mod = CM_ING;
    else if (k->form & KF_S3)
        out->mod = CM_S3;
    else if (k->form & KF_BASE)
        out->mod = CM_BASE;
    else
        out->mod = CM_NOUN;
}

/* Ends a clause: the search for a predicate stops there. */
static bool clause_stop(const char *t, const ltok *k, int cls)
{
    if (k->flags & TK_PUNCT) {
        char c = t[k->start];
        return c == ';' || c == ':' || c == '(' || c == ')';
    }
    return cls == KC_SAY || cls == KC_IF;
}

/* The predicate nearest before the figure (token fi) in its clause. */
static clause_pred clause_left(const char *t, const ltoks *ts, const clause_words *w, size_t fi)
{
    clause_pred p = {NULL, 0, CM_NONE, NULL, false, false};
    /* a list of figures shares the predicate of its first: the search
     * goes on CL_LEFT words past each figure it meets */
    size_t budget = CL_LEFT;
    for (size_t i = fi; i > w->lo && budget > 0; budget--) {
        i--;
        const kind_word *k = cw_at(w, i);
        if (clause_stop(t, &ts->v[i], k != NULL ? k->cls : KC_NONE))
            break;
        if (ts->v[i].flags & TK_FIG)
            budget = CL_LEFT + 1;
        if (is_pred(k)) {
            p.kw = k;
            p.at = i;
            clause_chain(t, ts, w, i, w->lo, &p);
            break;
        }
    }
    return p;
}

/* Whether a predicate's mood comes from helpers before it ("were
 * killed", "could join"): then it is the verb of a clause. */
static bool finite(clause_mod m)
{
    return m >= CM_PERFECT && m <= CM_INF;
}

/* The predicate after the counted noun (token ce on): the first that is
 * the verb of a clause ("stationed in Russia were killed": "killed"),
 * else the first ("weapons package"). */
static clause_pred clause_right(const char *t, const ltoks *ts, const clause_words *w, size_t ce)
{
    clause_pred p = {NULL, 0, CM_NONE, NULL, false, false};
    bool rel = false;
    for (size_t i = ce; i < ce + CL_RIGHT && i < w->hi; i++) {
        const kind_word *k = cw_at(w, i);
        rel = rel || (k != NULL && k->cls == KC_REL);
        if (clause_stop(t, &ts->v[i], k != NULL ? k->cls : KC_NONE) ||
            ((ts->v[i].flags & TK_PUNCT) && t[ts->v[i].start] == '.'))
            break;
        if (ts->v[i].flags & TK_FIG) /* what follows is another figure's */
            break;
        if (!is_pred(k))
            continue;
        /* a compound's head is its last noun: "aid bill", "drone deal" */
        while (k->form == KF_NOUN && i + 1 < w->hi && cw_at(w, i + 1) != NULL &&
               (cw_at(w, i + 1)->form & KF_NOUN))
            k = cw_at(w, ++i);
        clause_pred q = {k, i, CM_NONE, NULL, false, rel};
        clause_chain(t, ts, w, i, ce, &q);
        if (p.kw == NULL)
            p = q;
        if (finite(q.mod)) {
            p = q;
            break;
        }
    }
    return p;
}

/* What a part belongs to: for "including" the figure, or a value "of"
 * it, the predicate before ("the package includes", "this batch
 * included", "has supplied ..., including"). */
static clause_pred clause_whole(const char *t, const ltoks *ts, const clause_words *w,
                                const clause_pred *p)
{
    clause_pred q = {NULL, 0, CM_NONE, NULL, false, false};
    if (p->kw == NULL || (p->kw->cls != KC_INCLUDE && p->kw->cls != KC_VALUE))
        return q;
    return clause_left(t, ts, w, p->at);
}

/* The features of a predicate before (side 0) or after (side 1) the figure. */
static void f_pred(fb *b, int side, const clause_pred *p, unsigned unit_family, const char *uf)
{
    static const unsigned tpl[2][6] = {
        {K_LEFT, K_LEFT_LEMMA, K_LEFT_UNIT, K_LEFT_NEG, K_LEFT_GOV, K_LEFT_GOV_CLASS},
        {K_RIGHT, K_RIGHT_LEMMA, K_RIGHT_UNIT, K_RIGHT_NEG, K_RIGHT_GOV, K_RIGHT_GOV_CLASS}};
    const unsigned *tp = tpl[side];
    if (p->kw == NULL) {
        f_val(b, tp[0], 0, "none");
        return;
    }
    const char *cn = kind_class_name((unsigned)p->kw->cls), *mn = clause_mod_name(p->mod);
    unsigned mood = clause_mood(p->mod);
    f_val2(b, tp[0], (uint32_t)p->kw->cls, cn, p->mod, mn);
    f_val2(b, side ? K_RIGHT_MOOD : K_LEFT_MOOD, (uint32_t)p->kw->cls, cn, mood, mood_names[mood]);
    f_val(b, side ? K_RIGHT_MOD : K_LEFT_MOD, p->mod, mn);
    f_val2(b, tp[1], str_hash(p->kw->lemma), p->kw->lemma, p->mod, mn);
    f_val2(b, tp[2], (uint32_t)p->kw->cls * 64u + p->mod,
           b->named ? name2(b, tp[0], cn, strlen(cn), mn, strlen(mn)) : NULL, unit_family, uf);
    if (p->neg)
        f_val(b, tp[3], (uint32_t)p->kw->cls, cn);
    if (p->gov != NULL) {
        f_val2(b, tp[4], str_hash(p->gov->lemma), p->gov->lemma, (uint32_t)p->kw->cls, cn);
        f_val(b, tp[5], (uint32_t)p->gov->cls, kind_class_name((unsigned)p->gov->cls));
    }
}

/* The unit's family for the kind: money, people, a share, or things. */
static unsigned kind_unit_family(const tally_claim *c, const char **name)
{
    static const char *const names[] = {"things", "money", "people", "share"};
    unsigned f = c->unit == TALLY_UNIT_MONEY     ? 1
                 : c->unit == TALLY_UNIT_PERSON  ? 2
                 : c->unit == TALLY_UNIT_PERCENT ? 3
                                                 : 0;
    *name = names[f];
    return f;
}

/* Whether token i ends the figure's clause: a stop (clause_stop), or a
 * comma before "and", "but", "while" or a relative pronoun ("has sent 89
 * tanks, and will continue to aid": the "will" is another clause's). */
static bool clause_edge(const char *t, const ltoks *ts, const clause_words *w, size_t i)
{
    if (clause_stop(t, &ts->v[i], class_at(w, i)))
        return true;
    if (!(ts->v[i].flags & TK_PUNCT) || t[ts->v[i].start] != ',' || i + 1 >= ts->n)
        return false;
    return ts->v[i + 1].id == CWW_AND || tok_is(t, &ts->v[i + 1], "but") ||
           tok_is(t, &ts->v[i + 1], "while") || class_at(w, i + 1) == KC_REL;
}

/* The kind classes of the figure's clause: the words from its edge before
 * the figure (token fi) to its edge after the claim's end (token ce),
 * within the window w. The figure's tense and mood are read there, where
 * the sentence's words mix those of every clause. */
static uint64_t clause_classes(const char *t, const ltoks *ts, const clause_words *w, size_t fi,
                               size_t ce)
{
    size_t lo = fi, hi = ce;
    while (lo > w->lo && !clause_edge(t, ts, w, lo - 1))
        lo--;
    while (hi < w->hi && !clause_edge(t, ts, w, hi))
        hi++;
    uint64_t m = 0;
    for (size_t i = lo; i < hi; i++) {
        int cl = class_at(w, i);
        if (cl != KC_NONE)
            m |= (uint64_t)1 << cl;
    }
    return m;
}

/* The clause features of candidate `c` (figure token fi, claim end ce). */
static uint64_t fig_clause(blk *k, fb *b, const tally_claim *c, const ltoks *ts, size_t fi,
                           size_t ce)
{
    const char *t = b->t;
    clause_words w;
    w.lo = fi > CL_SPAN ? fi - CL_SPAN : 0;
    w.hi = ce + CL_RIGHT + 1 < ts->n ? ce + CL_RIGHT + 1 : ts->n;
    w.kw = tally_arena_alloc(k->a, (w.hi - w.lo + 1) * sizeof *w.kw);
    for (size_t i = w.lo; i < w.hi; i++) {
        const ltok *x = &ts->v[i];
        w.kw[i - w.lo] = (x->flags & (TK_PUNCT | TK_FIG | TK_DIGIT)) || x->end - x->start > 24
                             ? NULL
                             : kw_find(t + x->start, x->end - x->start);
    }
    const char *uf;
    unsigned fam = kind_unit_family(c, &uf);
    clause_pred l = clause_left(t, ts, &w, fi), r = clause_right(t, ts, &w, ce);
    f_pred(b, 0, &l, fam, uf);
    f_pred(b, 1, &r, fam, uf);
    if (l.kw != NULL && r.kw != NULL)
        f_val2(b, K_BOTH, (uint32_t)l.kw->cls, kind_class_name((unsigned)l.kw->cls),
               (uint32_t)r.kw->cls, kind_class_name((unsigned)r.kw->cls));
    /* the predicate of the figure: the one after it when it is a verb's
     * group right after the counted noun ("10,000 troops could join"), or
     * there is none before */
    const clause_pred *mp = &l;
    if (r.kw != NULL && (l.kw == NULL || (r.at < ce + 3 && finite(r.mod) && !r.rel)))
        mp = &r;
    if (mp->kw != NULL) {
        unsigned mood = clause_mood(mp->mod);
        const char *cn = kind_class_name((unsigned)mp->kw->cls);
        f_val(b, K_MAIN_CLASS, (uint32_t)mp->kw->cls, cn);
        f_val2(b, K_MAIN, (uint32_t)mp->kw->cls, cn, mood, mood_names[mood]);
        f_val2(b, K_MAIN_UNIT, (uint32_t)mp->kw->cls * 8u + mood,
               b->named
                   ? name2(b, K_MAIN, cn, strlen(cn), mood_names[mood], strlen(mood_names[mood]))
                   : NULL,
               fam, uf);
    }
    /* how far the predicate before stands: a comma or "and" between */
    if (l.kw != NULL) {
        unsigned gap = fi - l.at <= 3 ? 0 : 1;
        for (size_t i = l.at + 1; i < fi; i++) {
            if ((ts->v[i].flags & TK_PUNCT) && t[ts->v[i].start] == ',')
                gap = gap < 2 ? 2 : gap;
            else if (ts->v[i].id == CWW_AND)
                gap = 3;
        }
        static const char *const gaps[] = {"near", "far", "comma", "and"};
        f_val2(b, K_LEFT_GAP, (uint32_t)l.kw->cls, kind_class_name((unsigned)l.kw->cls), gap,
               gaps[gap]);
    }
    /* a conversion: "500 million pounds ($620 million)", "(EUR 8.6
     * billion)" */
    for (size_t o = fi; o > 0 && o + 2 >= fi;) {
        o--;
        if ((ts->v[o].flags & TK_PUNCT) && t[ts->v[o].start] == '(') {
            bool after_fig = false;
            for (size_t d = 1; d <= 4 && d <= o; d++)
                after_fig = after_fig || (ts->v[o - d].flags & TK_FIG);
            if (after_fig) {
                f_val(b, K_CONVERSION, 1, "yes");
                f_val2(b, K_CONVERSION_UNIT, 1, "yes", fam, uf);
            }
            break;
        }
    }
    clause_pred whole = clause_whole(t, ts, &w, &l);
    if (whole.kw != NULL) {
        unsigned mood = clause_mood(whole.mod);
        f_val2(b, K_WHOLE, (uint32_t)whole.kw->cls, kind_class_name((unsigned)whole.kw->cls), mood,
               mood_names[mood]);
    }
    /* the figure's company, its clause's, and the sentence's */
    uint64_t near = 0, sent = 0, clause = clause_classes(t, ts, &w, fi, ce);
    for (size_t i = w.lo; i < w.hi; i++) {
        int cl = class_at(&w, i);
        if (cl == KC_NONE)
            continue;
        if (i + CL_NEAR >= fi && i < ce + CL_NEAR)
            near |= (uint64_t)1 << cl;
    }
    for (size_t i = 0; i < ts->n; i++) {
        const ltok *x = &ts->v[i];
        if ((x->flags & (TK_PUNCT | TK_FIG | TK_DIGIT)) || x->end - x->start > 24)
            continue;
        const kind_word *kw =
            i >= w.lo && i < w.hi ? w.kw[i - w.lo] : kw_find(t + x->start, x->end - x->start);
        if (kw != NULL)
            sent |= (uint64_t)1 << kw->cls;
    }
    for (unsigned cl = 1; cl < KC_N_CLASSES; cl++) {
        if (clause & ((uint64_t)1 << cl))
            f_val(b, K_CLAUSE, cl, kind_class_name(cl));
        if (near & ((uint64_t)1 << cl)) {
            f_val(b, K_NEAR, cl, kind_class_name(cl));
            f_val2(b, K_NEAR_UNIT, cl, kind_class_name(cl), fam, uf);
        }
        /* the sentence's content words only: its helpers ("will", "has",
         * "to") are other clauses' as often as the figure's */
        if (cl <= KC_INCLUDE && (sent & ((uint64_t)1 << cl)))
            f_val(b, K_SENT, cl, kind_class_name(cl));
    }
    return sent;
}

/* ---- kind --------------------------------------------------------------------------- */

/* The features of the KIND head for candidate `c` (its unit one of the
 * figure's alternatives): what the rules decided, the figure's shape, and
 * its clause. The words around the figure are left out: learnt by surface
 * form they fit the documents they come from (fit 0.998, held out 0.72),
 * where the clause's classes and moods hold across them. */
static uint64_t fig_kind(blk *k, fb *b, const tally_claim *c, const tally_figure *f,
                         learn_proposer by, const ltoks *ts)
{
    f_val(b, T_BIAS, 0, "1");
    f_val(b, T_PROPOSER, by, learn_proposer_name(by));
    f_val(b, T_QUALIFIER, f->qualifier, tally_qualifier_name(f->qualifier));
    f_val(b, T_RULE_KIND, c->kind, tally_kind_name(c->kind));
    f_val(b, T_RULE_KIND_WHY, str_hash(why_name(c->why_kind.rule)), why_name(c->why_kind.rule));
    if (c->hedged)
        f_val(b, T_HEDGED, 1, "yes");
    f_val(b, T_UNIT, (uint32_t)c->unit, unit_name(c));
    return fig_clause(k, b, c, ts, tok_at(ts, f->start), tok_at(ts, c->end));
}

/* ---- speakers ----------------------------------------------------------------------- */

static const long NO_BLOCK = LONG_MAX;

static const char *akind_name(int k)
{
    if (k == AK_WORDS)
        return "words";
    if (k == AK_AUTHOR)
        return "author";
    if (k == AK_BODY)
        return "a state's body";
    if (k == AK_NAME)
        return "a person's name";
    return tally_actor_kind_name((tally_actor_kind)k);
}

/* What is known of a speaker option while its features are written. */
typedef struct spk_ev {
    const char *name;
    char country[4];
    int akind; /* tally_actor_kind, AK_WORDS or AK_AUTHOR */
    learn_origin origin;
    int dist;      /* sentences before the candidate's in its paragraph (negative: after) */
    long block;    /* paragraphs before the candidate's (0: its own; negative: after) */
    unsigned rank; /* how near the mention is: lower is nearer */
    bool before;   /* in the candidate's sentence, before the figure */
    size_t tokens; /* words from the figure in the same sentence */
    const beside *bs;
    const char *bs_text; /* the text of the block of bs */
    const struct spk_mem *mem;
    const char *rule_why; /* the rules picked it for this claim, by this rule */
    bool headline;
    unsigned earlier_rule; /* the rules picked it for claims of the document */
    const tally_actor *actor;
    bool canonical; /* the actor's full name, where the document wrote an acronym */
    bool says;      /* its nearest mention attributes */
    /* the best of the options by one measure (see compare()) */
    bool most_picked, most_says, most_named, nearest_says;
    bool cited;  /* the words after "citing", "quoting" in the sentence */
    bool fits;   /* the rules' pick or what it names */
    bool bs_set; /* placed by a mention of the window */
    size_t went; /* its speaker of the window, SIZE_MAX when none is known yet */
    /* the last to attribute before the claim's sentence, the first after it
     * (0: not; else 1 in its paragraph, 2 the paragraph next to it, 3 further) */
    unsigned last_says, next_says;
    /* the sentence attributes to a pronoun or a role (1 a person's, 2 a
     * body's), and the option is the one named last before (first after)
     * of that class, how far as last_says */
    unsigned pronoun, coref, coref_next;
    /* a state that speaks, and a body or person of it speaks in the
     * document too ("Germany has confirmed" and Pistorius); or that body
     * or person, beside such a state (1, 2 when the state is the pick) */
    bool state_has_voice;
    unsigned voice_of_state;
    unsigned prior; /* the cut's order (see speaker_evs) */
    size_t order;
} spk_ev;

/* What the rules' pick for a claim says of its speaker: "the spy chief"
 * names a role (a person holds it), "South Korean intelligence" a body (an
 * agency is it). */
typedef struct pick_info {
    bool office, body, lower, junk;
    const char *country;
    uint32_t sent_roles;  /* the attribution roles of the claim's sentence */
    bool explicit_source; /* learn_explicit_source of the claim (read once) */
} pick_info;

static spk_ev new_ev(const char *name, const char *country, int akind, learn_origin origin)
{
    spk_ev e = {.name = name,
                .akind = akind,
                .origin = origin,
                .dist = NO_DIST,
                .block = NO_BLOCK,
                .rank = UINT32_MAX,
                .went = SIZE_MAX};
    size_t n = strlen(country);
    memcpy(e.country, country, n < 3 ? n : 3); /* an alpha-3 code or "" */
    return e;
}

/* nearness of a sentence `d` before the candidate's (after when negative):
 * the same, one before, one after, two before, ... */
static unsigned rank_dist(long d)
{
    return d >= 0 ? (unsigned)d * 2 : (unsigned)(-d) * 2 + 1;
}

static spk_ev *find_ev(spk_ev *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (same_name(v[i].name, name))
            return &v[i];
    return NULL;
}

/* The country of an option against the pick's: 0 the same, 1 one unknown,
 * 2 another */
static unsigned country_rel(const char *a, const char *b)
{
    if (a[0] == '\0' || b == NULL || b[0] == '\0')
        return 1;
    return memcmp(a, b, 4) == 0 ? 0 : 2;
}

static const char *src_tpl_name(unsigned t)
{
    switch ((enum src_tpl)t) {
    case SD_SHARE:
        return "share of the document's attributions & sentence";
    case SD_RANK:
        return "rank by attributions & sentence";
    case SD_LEAD:
        return "attributes first & sentence";
    case SD_AUTHOR_DOM:
        return "author & the top speaker's share & sentence";
    case SD_AUTHOR_TOTAL:
        return "author & attributions in document";
    case SD_FITS:
        return "what the rules' pick names & sentence";
    case SD_LAST_SAYS:
        return "last to attribute before & where & sentence";
    case SD_NEXT_SAYS:
        return "first to attribute after & where & sentence";
    case SD_RELEASE:
        return "named beside a release & rank & sentence";
    case SD_AUTHOR_LAST:
        return "author & the last attribution before & sentence";
    case SD_AUTHOR_NEXT:
        return "author & the first attribution after & sentence";
    case SD_AUTHOR_LEAD:
        return "author & paragraph & sentence";
    case SD_COREF:
        return "named last before of the pronoun's class & where & class";
    case SD_COREF_NEXT:
        return "named first after of the pronoun's class & where & class";
    case SD_AUTHOR_PRONOUN:
        return "author & the sentence's pronoun";
    case SD_AUTHOR_ROLES:
        return "author & sentence & role in it";
    case SD_AUTHOR_FIRST:
        return "author & the sentence's first word";
    case SD_AUTHOR_WHY:
        return "author & the rules' source by";
    case SD_STATE_VOICE:
        return "a state whose body or person speaks & sentence";
    case SD_VOICE_OF_STATE:
        return "speaks for a state among the options & sentence";
    }
    return "?";
}

/* How the claim's sentence attributes: 0 to a name the rules read, 1 with
 * words of attribution but no such name ("it said", "the statement said"),
 * 2 not at all. `explicit_source` is learn_explicit_source of the claim. */
static unsigned attribution_of(bool explicit_source, bool sent_says)
{
    return explicit_source ? 0u : sent_says ? 1u : 2u;
}

static const char *const attribution_name[] = {"named", "unnamed", "none"};

/* a share in fifths: 0 none, 1 up to 20 %, ... 5 over 80 % */
static unsigned fifths(unsigned part, unsigned whole)
{
    if (part == 0 || whole == 0)
        return 0;
    unsigned f = (5 * part + whole - 1) / whole;
    return f > 5 ? 5 : f;
}

/* What the document says of an option as its main source: its share of the
 * document's attributions, its rank by them, whether it attributed first,
 * each with how the claim's own sentence attributes; for the author, how
 * much the most attributing speaker dominates. */
static void source_doc_features(blk *k, fb *b, const spk_ev *e, const tally_claim *c,
                                bool sent_says, const pick_info *pk)
{
    const learn_state *l = k->l;
    unsigned at = attribution_of(pk->explicit_source, sent_says);
    const char *an = attribution_name[at];
    if (e->akind == AK_AUTHOR) {
        f_val2(b, SD_AUTHOR_DOM, fifths(l->voice_top, l->voice_total), NULL, at, an);
        static const size_t total_edges[] = {1, 3, 6, 10};
        f_val2(b, SD_AUTHOR_TOTAL, bucket(l->voice_total, total_edges, 4), NULL, at, an);
        f_val2(b, SD_AUTHOR_LAST, e->last_says, NULL, at, an);
        f_val2(b, SD_AUTHOR_NEXT, e->next_says, NULL, at, an);
        f_val2(b, SD_AUTHOR_LEAD, k->index > 3 ? 3u : (unsigned)k->index, NULL, at, an);
        f_val(b, SD_AUTHOR_PRONOUN, e->pronoun, NULL);
        size_t si = sentence_of(k, c->sentence_start);
        const ltoks *ts = si < k->in->n_ss ? sentence_tokens(k, si) : NULL;
        if (ts != NULL && ts->n > 0) {
            uint32_t roles = 0;
            for (size_t i = 0; i < ts->n; i++)
                roles |= cue_roles(ts->v[i].roles);
            f_roles_with(b, SD_AUTHOR_ROLES, at, an, roles);
            ltok first = tok_hashed(k->in->text, &ts->v[0]);
            f_tok(b, SD_AUTHOR_FIRST, &first);
        }
        const char *why = why_name(c->why_source.rule);
        if (why != NULL)
            f_val(b, SD_AUTHOR_WHY, str_hash(why), why);
        return;
    }
    unsigned says = e->mem != NULL ? voice_of(e->mem) : 0;
    f_val2(b, SD_SHARE, fifths(says, l->voice_total), NULL, at, an);
    unsigned rank = says == 0 ? 3u : says == l->voice_top ? 1u : says == l->voice_second ? 2u : 3u;
    f_val2(b, SD_RANK, rank, NULL, at, an);
    if (e->mem != NULL && e->mem->first_speaker)
        f_val2(b, SD_LEAD, 1, NULL, at, an);
    if (e->mem != NULL && e->mem->release_count > 0)
        f_val2(b, SD_RELEASE, rank, NULL, at, an);
    if (e->fits)
        f_val2(b, SD_FITS, 1, NULL, at, an);
    if (e->last_says)
        f_val2(b, SD_LAST_SAYS, e->last_says, NULL, at, an);
    if (e->next_says)
        f_val2(b, SD_NEXT_SAYS, e->next_says, NULL, at, an);
    if (e->state_has_voice)
        f_val2(b, SD_STATE_VOICE, 1, NULL, at, an);
    if (e->voice_of_state)
        f_val2(b, SD_VOICE_OF_STATE, e->voice_of_state, NULL, at, an);
    if (e->coref)
        f_val2(b, SD_COREF, e->coref, NULL, e->pronoun, NULL);
    if (e->coref_next)
        f_val2(b, SD_COREF_NEXT, e->coref_next, NULL, e->pronoun, NULL);
}

static void speaker_features(blk *k, fb *b, const spk_ev *e, const tally_claim *c, bool sent_says,
                             bool block_speaker, const pick_info *pk)
{
    const learn_state *l = k->l;
    const char *kn = akind_name(e->akind);
    f_val(b, S_ORIGIN, e->origin, learn_origin_name(e->origin));
    f_val(b, S_KIND, (uint32_t)e->akind, kn);
    source_doc_features(k, b, e, c, sent_says, pk);
    if (e->akind == AK_AUTHOR) {
        f_val2(b, S_KIND_UNIT, (uint32_t)e->akind, kn, c->unit, unit_name(c));
        f_val(b, S_AUTHOR_SAYS, sent_says, sent_says ? "yes" : "no");
        f_val(b, S_AUTHOR_BLOCK, block_speaker, block_speaker ? "yes" : "no");
        f_val(b, S_AUTHOR_DOC, l->have_speaker, l->have_speaker ? "yes" : "no");
        return;
    }
    if (e->rule_why != NULL) {
        f_val(b, S_RULE_WHY, str_hash(e->rule_why), e->rule_why);
        f_val2(b, S_RULE_KIND, (uint32_t)e->akind, kn, 1, "picked");
    }
    static const size_t tok_edges[] = {3, 6, 12, 24};
    if (e->dist != NO_DIST) {
        int d = e->dist > 3 ? 3 : e->dist < -2 ? -2 : e->dist;
        f_val(b, S_DIST, (uint32_t)(d + 10), NULL);
        f_val2(b, S_KIND_DIST, (uint32_t)e->akind, kn, (uint32_t)(d + 10), NULL);
        if (e->dist == 0) {
            f_val(b, S_POS, e->before ? 1u : 2u, e->before ? "before" : "after");
            f_val(b, S_TOKENS, bucket(e->tokens, tok_edges, 4), NULL);
        }
    } else if (e->block != NO_BLOCK) {
        long d = e->block > 3 ? 3 : e->block < -2 ? -2 : e->block;
        f_val(b, S_DIST, (uint32_t)(30 + d), NULL);
        f_val2(b, S_KIND_DIST, (uint32_t)e->akind, kn, (uint32_t)(30 + d), NULL);
    }
    if (e->bs != NULL) {
        f_beside(b, S_B1, e->bs, 1);
        f_beside(b, S_A1, e->bs, 2);
        f_roles(b, S_B_ROLE, cue_roles(e->bs->roles[1]));
        f_roles(b, S_A_ROLE, cue_roles(e->bs->roles[2]));
    }
    if (e->mem != NULL) {
        static const size_t count_edges[] = {2, 3, 5};
        f_val(b, S_COUNT, bucket(e->mem->count, count_edges, 3), NULL);
        f_val(b, S_SAYS, bucket(e->mem->say_count, count_edges, 3), NULL);
        if (e->mem->first_speaker)
            f_val(b, S_FIRST, 1, "yes");
        if (e->mem->first_block == 0)
            f_val(b, S_TITLE, 1, "yes");
    }
    if (e->headline)
        f_val(b, S_HEADLINE, 1, "yes");
    if (e->cited)
        f_val(b, S_CITED, 1, "yes");
    static const char *const rel[] = {"same country", "country unknown", "other country"};
    unsigned r = country_rel(e->country, pk->country);
    if (pk->office && e->akind == TALLY_ACTOR_OFFICIAL)
        f_val(b, S_PICK_ROLE, r, rel[r]);
    if (pk->body && (e->akind == TALLY_ACTOR_INTELLIGENCE || e->akind == TALLY_ACTOR_GOVERNMENT ||
                     e->akind == AK_BODY))
        f_val2(b, S_PICK_BODY, (uint32_t)e->akind, kn, r, rel[r]);
    if (e->rule_why != NULL) {
        if (pk->lower)
            f_val(b, S_PICK_LOWER, 1, "yes");
        if (pk->junk)
            f_val(b, S_PICK_JUNK, 1, "yes");
    }
    if (e->canonical)
        f_val(b, S_CANONICAL, 1, "yes");
    if (e->says)
        f_val2(b, S_SAYS_HERE, (uint32_t)e->akind, kn,
               e->dist == 0         ? 0u
               : e->dist == NO_DIST ? 2u
                                    : 1u,
               NULL);
    if (e->most_picked)
        f_val(b, S_MOST_PICKED, 1, "yes");
    if (e->most_says)
        f_val(b, S_MOST_SAYS, 1, "yes");
    if (e->most_named)
        f_val(b, S_MOST_NAMED, 1, "yes");
    if (e->nearest_says)
        f_val2(b, S_NEAREST_SAYS, (uint32_t)e->akind, kn, e->before,
               e->before ? "before" : "elsewhere");
    if (l->outlet[0] != '\0' && same_name(e->name, l->outlet))
        f_val(b, S_OUTLET, 1, "yes");
    if (e->country[0] != '\0' &&
        (memcmp(e->country, c->supplier, 4) == 0 || memcmp(e->country, c->recipient, 4) == 0))
        f_val(b, S_PARTY, 1, "yes");
    if (e->earlier_rule)
        f_val(b, S_EARLIER_RULE, e->earlier_rule > 2 ? 2 : e->earlier_rule, NULL);
    /* the sentence attributes, by the speaker's kind */
    f_val2(b, S_KIND_ROLE, (uint32_t)e->akind, kn, (pk->sent_roles & CW_SAY) != 0,
           pk->sent_roles & CW_SAY ? "attributes" : "no attribution");
    /* the name's own words (for names the rules read off the text) */
    if (e->akind == AK_WORDS) {
        const char *s = e->name;
        size_t n = strlen(s), w = 1, fe = 0;
        while (fe < n && s[fe] != ' ')
            fe++;
        size_t lb = n;
        while (lb > 0 && s[lb - 1] != ' ')
            lb--;
        for (size_t i = 0; i < n; i++)
            w += s[i] == ' ';
        push(b, fid(S_FIRST_WORD, fnv(s, fe)),
             b->named ? name2(b, S_FIRST_WORD, s, fe, NULL, 0) : NULL);
        push(b, fid(S_LAST_WORD, fnv(s + lb, n - lb)),
             b->named ? name2(b, S_LAST_WORD, s + lb, n - lb, NULL, 0) : NULL);
        f_val(b, S_WORDS, w > 4 ? 4 : (uint32_t)w, NULL);
    }
}

/* Marks the options that are best by a measure: picked most often by the
 * rules in the document, attributing most often, named most often, and
 * the nearest that attributes. */
static void compare(spk_ev *ev, size_t n)
{
    unsigned picked = 0, says = 0, named = 0, near = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        const spk_ev *e = &ev[i];
        if (e->akind == AK_AUTHOR)
            continue;
        picked = e->earlier_rule > picked ? e->earlier_rule : picked;
        if (e->mem != NULL) {
            says = voice_of(e->mem) > says ? voice_of(e->mem) : says;
            named = e->mem->count > named ? e->mem->count : named;
        }
        if (e->says && e->rank < near)
            near = e->rank;
    }
    for (size_t i = 0; i < n; i++) {
        spk_ev *e = &ev[i];
        if (e->akind == AK_AUTHOR)
            continue;
        e->most_picked = picked > 0 && e->earlier_rule == picked;
        e->most_says = says > 0 && e->mem != NULL && voice_of(e->mem) == says;
        e->most_named = named > 0 && e->mem != NULL && e->mem->count == named;
        e->nearest_says = e->says && e->rank == near;
    }
}

/* The words of the rules' pick for `c`. */
static pick_info pick_of(const tally_claim *c, const ltoks *ts)
{
    pick_info p = {false,
                   false,
                   false,
                   false,
                   c->source_country,
                   ts->roles & (CW_SAY | CW_BODY | CW_OFFICE | CW_PRONOUN | CW_HEDGE),
                   learn_explicit_source(c)};
    const char *s = c->source;
    if (s == NULL || strcmp(s, "author") == 0)
        return p;
    size_t n = strlen(s), words = 0, upper = 0;
    for (size_t i = 0; i < n;) {
        if (!is_alnum((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '-' || s[j] == '\''))
            j++;
        words++;
        upper += s[i] >= 'A' && s[i] <= 'Z';
        const claim_word *cw = j - i <= 24 ? cw_find(s + i, j - i) : NULL;
        if (cw != NULL) {
            p.office = p.office || (cw->roles & CW_OFFICE);
            p.body = p.body || (cw->roles & CW_BODY);
            /* "which", "plans", "and you can": the rules read a clause */
            p.junk = p.junk || (cw->roles & (CW_PLAN | CW_OUT | CW_IN | CW_BREAK | CW_PRONOUN)) ||
                     cw->id == CWW_THAT;
        }
        i = j;
    }
    p.lower = upper == 0;
    p.junk = p.junk || words == 0 || (words == 1 && p.lower);
    return p;
}

/* ---- the window's speakers ----------------------------------------------------------- */

/* A mention of a speaker in the window. */
typedef struct wment {
    const char *text; /* its block's text */
    size_t block;     /* the block's index in the window */
    size_t sent;      /* its sentence in that block; SIZE_MAX when the block has none */
    size_t start, end;
    const beside *bs; /* NULL for a name found by names_in */
    bool says;
} wment;

/* A speaker of the window, and every mention of it: made once a window, so
 * that each candidate looks up speakers, not mentions. */
typedef struct went {
    uint32_t key; /* the name's hash, case aside */
    const char *name;
    char country[4];
    int akind;
    const tally_actor *actor;
    const struct spk_mem *mem;
    bool canonical;
    wment *m; /* in window order */
    size_t n, cap;
    const char *canon; /* its most specific name (canonical_name) */
    char canon_country[4];
    size_t canon_went; /* the speaker of that name (went_index), SIZE_MAX for none */
} went;

/* The nearest mention before a sentence, or after it, of those looked at. */
typedef struct near_mark {
    size_t who; /* the speaker, SIZE_MAX for none */
    size_t block, start;
} near_mark;

typedef struct wspk {
    went *v;
    size_t n, cap;
    /* an index of v by key: open addressing, at most half full, each slot
     * an index of v plus one (0: empty) */
    uint32_t *slot;
    size_t n_slot;
    /* the speakers each block of the window names, and the window's most
     * attributing: the only ones a candidate looks at */
    size_t **by_block, *n_by_block;
    size_t top[8], n_top;
    /* the document's rules' picks (l->rs) fewer than three others are
     * picked more often than (or as often as, and earlier) */
    size_t rs_top[MAX_RULE_SOURCES], n_rs_top;
    /* the options speaker_evs makes of rs_top's picks and of the headline's
     * source when no other option has their name: their names, countries
     * and speakers after option_canon, once a window (window_names) */
    struct canon_opt {
        const char *name;
        char country[4];
        size_t went;
    } rs_canon[MAX_RULE_SOURCES], head_canon;
    /* the people of the window and the document named in full (two words
     * or more), for their surnames: name, first and last word, country */
    struct person_name {
        const char *name, *country;
        size_t first_end, last_at;
    } * people;
    size_t n_people;
    /* the mentions that attribute, of people and of bodies (outlets,
     * states that speak), in window order */
    struct wpos {
        size_t block, start, who;
    } * at[3];
    size_t n_at[3];
} wspk;

enum { AT_SAYS, AT_PERSON, AT_BODY };

static uint32_t name_key(const char *s)
{
    return fnv(s, strlen(s));
}

/* The index of the speaker named `name` (hash `key`), or SIZE_MAX: the
 * only one of the same key and name (add_went adds no other). */
static size_t went_index(const wspk *ws, uint32_t key, const char *name)
{
    if (ws->n_slot == 0)
        return SIZE_MAX;
    for (size_t i = key & (ws->n_slot - 1);; i = (i + 1) & (ws->n_slot - 1)) {
        uint32_t at = ws->slot[i];
        if (at == 0)
            return SIZE_MAX;
        if (ws->v[at - 1].key == key &&
            (ws->v[at - 1].name == name || same_name(ws->v[at - 1].name, name)))
            return at - 1;
    }
}

/* Enters v[i] in the index, making the index larger first when needed. */
static void index_went(wspk *ws, tally_arena *a, size_t i)
{
    if (2 * (ws->n + 1) > ws->n_slot) {
        size_t n_slot = ws->n_slot ? 2 * ws->n_slot : 64;
        ws->slot = tally_arena_alloc(a, n_slot * sizeof *ws->slot);
        memset(ws->slot, 0, n_slot * sizeof *ws->slot);
        ws->n_slot = n_slot;
        for (size_t j = 0; j < i; j++)
            index_went(ws, a, j);
    }
    size_t at = ws->v[i].key & (ws->n_slot - 1);
    while (ws->slot[at] != 0)
        at = (at + 1) & (ws->n_slot - 1);
    ws->slot[at] = (uint32_t)(i + 1);
}

static went *add_went(wspk *ws, tally_arena *a, const char *name, const char *country, int akind,
                      const tally_actor *actor, const struct spk_mem *mem)
{
    uint32_t key = name_key(name);
    size_t at = went_index(ws, key, name);
    if (at != SIZE_MAX)
        return &ws->v[at];
    went *e;
    if (ws->n == ws->cap) {
        size_t cap = ws->cap ? ws->cap * 2 : 32;
        went *v = tally_arena_alloc(a, cap * sizeof *v);
        if (ws->n)
            memcpy(v, ws->v, ws->n * sizeof *v);
        ws->v = v;
        ws->cap = cap;
    }
    e = &ws->v[ws->n++];
    memset(e, 0, sizeof *e);
    e->key = key;
    e->name = tally_arena_strndup(a, name, strlen(name));
    size_t cn = strlen(country);
    memcpy(e->country, country, cn < 3 ? cn : 3);
    e->akind = akind;
    e->actor = actor;
    e->mem = mem;
    index_went(ws, a, ws->n - 1);
    return e;
}

static void add_wment(went *e, tally_arena *a, wment m)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 4;
        wment *v = tally_arena_alloc(a, cap * sizeof *v);
        if (e->n)
            memcpy(v, e->m, e->n * sizeof *v);
        e->m = v;
        e->cap = cap;
    }
    e->m[e->n++] = m;
}

static size_t sentence_in(const learn_block_in *in, size_t at)
{
    if (in->n_ss == 0)
        return SIZE_MAX;
    size_t lo = 0, hi = in->n_ss;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (in->ss[mid].end <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < in->n_ss ? lo : in->n_ss - 1;
}

/* A name the document wrote as an acronym: capitals and digits, two to six. */
static bool acronym(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 6)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

static void doc_voices(learn_state *l)
{
    l->voice_total = l->voice_top = l->voice_second = 0;
    for (size_t i = 0; i < l->n_spk; i++) {
        unsigned v = voice_of(&l->spk[i]);
        l->voice_total += v;
        if (v > l->voice_top) {
            l->voice_second = l->voice_top;
            l->voice_top = v;
        } else if (v > l->voice_second) {
            l->voice_second = v;
        }
    }
}

static void window_speakers(learn_state *l, wspk *ws, tally_arena *a)
{
    memset(ws, 0, sizeof *ws);
    doc_voices(l);
    char buf[LEARN_MAX_NAME];
    for (size_t j = 0; j < l->n_wb; j++) {
        const struct wblock *w = &l->wb[j];
        for (size_t i = 0; i < w->in.n_am; i++) {
            const tally_actor_match *m = &w->in.am[i];
            const beside *mb = &w->mb[i];
            size_t sent = sentence_in(&w->in, m->start);
            if (is_state_kind(m->actor->kind)) {
                if (mb->body_end > m->end) { /* "Danish government" */
                    copy_name(buf, w->in.text + m->start, mb->body_end - m->start);
                    went *e =
                        add_went(ws, a, buf, m->actor->country, AK_BODY, NULL, phrase_of(l, buf));
                    add_wment(
                        e, a,
                        (wment){w->in.text, j, sent, m->start, mb->body_end, mb, mb->body_says});
                }
                if (!says_beside(mb))
                    continue;
            }
            const struct spk_mem *p = speaker_of(l, m->actor);
            if (p != NULL && p->name[0] != '\0')
                memcpy(buf, p->name, strlen(p->name) + 1);
            else
                copy_name(buf, w->in.text + m->start, m->end - m->start);
            went *e = add_went(ws, a, buf, m->actor->country, (int)m->actor->kind, m->actor, p);
            add_wment(e, a, (wment){w->in.text, j, sent, m->start, m->end, mb, says_beside(mb)});
        }
        for (size_t i = 0; i < w->n_names; i++) {
            const pname *pn = &w->names[i];
            copy_name(buf, w->in.text + pn->start, pn->end - pn->start);
            went *e = add_went(ws, a, buf, pn->country, AK_NAME, NULL, phrase_of(l, buf));
            add_wment(e, a,
                      (wment){w->in.text, j, sentence_in(&w->in, pn->start), pn->start, pn->end,
                              NULL, pn->says});
        }
    }
    /* an actor written as an acronym ("NIS", "JCS") also by its full name */
    for (size_t i = 0, n = ws->n; i < n; i++) {
        const tally_actor *act = ws->v[i].actor;
        if (act == NULL || !acronym(ws->v[i].name) || same_name(act->name, ws->v[i].name) ||
            went_index(ws, name_key(act->name), act->name) != SIZE_MAX)
            continue;
        went copy = ws->v[i];
        went *e = add_went(ws, a, act->name, copy.country, copy.akind, act, copy.mem);
        e->canonical = true;
        e->m = copy.m;
        e->n = e->cap = copy.n;
    }
    /* speakers of earlier windows and the title */
    for (size_t i = 0; i < l->n_spk; i++) {
        const struct spk_mem *p = &l->spk[i];
        went *e = add_went(ws, a, p->name, p->country, p->akind, p->actor, p);
        e->mem = p;
    }
    /* by block */
    ws->by_block = tally_arena_alloc(a, (l->n_wb + 1) * sizeof *ws->by_block);
    ws->n_by_block = tally_arena_alloc(a, (l->n_wb + 1) * sizeof *ws->n_by_block);
    memset(ws->n_by_block, 0, (l->n_wb + 1) * sizeof *ws->n_by_block);
    for (size_t j = 0; j < l->n_wb; j++)
        ws->by_block[j] = tally_arena_alloc(a, (ws->n + 1) * sizeof **ws->by_block);
    for (size_t i = 0; i < ws->n; i++)
        for (size_t q = 0; q < ws->v[i].n; q++) {
            size_t j = ws->v[i].m[q].block, *n = &ws->n_by_block[j];
            if (*n == 0 || ws->by_block[j][*n - 1] != i)
                ws->by_block[j][(*n)++] = i;
        }
    /* the most attributing, then most named, of the document */
    ws->n_top = 0;
    for (size_t r = 0; r < sizeof ws->top / sizeof ws->top[0]; r++) {
        size_t best = SIZE_MAX;
        unsigned bv = 0;
        for (size_t i = 0; i < ws->n; i++) {
            const struct spk_mem *p = ws->v[i].mem;
            unsigned v = p != NULL ? voice_of(p) * 64 + p->count : 0;
            bool taken = false;
            for (size_t q = 0; q < ws->n_top && !taken; q++)
                taken = ws->top[q] == i;
            if (!taken && v > bv) {
                best = i;
                bv = v;
            }
        }
        if (best == SIZE_MAX)
            break;
        ws->top[ws->n_top++] = best;
    }
    ws->n_rs_top = 0;
    for (size_t i = 0; i < l->n_rs; i++) {
        unsigned more = 0; /* picks more often picked */
        for (size_t q = 0; q < l->n_rs; q++)
            more += l->rs[q].count > l->rs[i].count || (l->rs[q].count == l->rs[i].count && q < i);
        if (more < 3)
            ws->rs_top[ws->n_rs_top++] = i;
    }
}

/* ---- the names of speakers ----------------------------------------------------------- */

/* The words of name `s`: up to 12, as [start, end) byte pairs. */
static size_t name_words(const char *s, size_t *b, size_t *e, size_t cap)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len && n < cap;) {
        while (i < len && s[i] == ' ')
            i++;
        if (i >= len)
            break;
        size_t j = i;
        while (j < len && s[j] != ' ')
            j++;
        b[n] = i;
        e[n++] = j;
        i = j;
    }
    return n;
}

static uint32_t word_roles(const char *s, size_t n)
{
    /* "Minister's", "Mr.": the word without its ending */
    while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ','))
        n--;
    const claim_word *cw = n > 0 && n <= 24 ? cw_find(s, n) : NULL;
    return cw != NULL ? cw->roles : 0;
}

/* Words a[0, an) and b[0, bn) are the same but for ASCII case. */
static bool same_word(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++)
        if (((unsigned char)a[i] | 0x20) != ((unsigned char)b[i] | 0x20))
            return false;
    return true;
}

/* A person the window or the document named in full whose first or last
 * word is `w` ("Healey", "Shoigu", "Lee"), with its country in `country`
 * when it has one; NULL for none. */
static const char *full_name(const wspk *ws, const char *w, size_t wn, char *country)
{
    const struct person_name *best = NULL;
    for (size_t i = 0; i < ws->n_people; i++) {
        const struct person_name *p = &ws->people[i];
        size_t len = strlen(p->name);
        if ((same_word(p->name, p->first_end, w, wn) ||
             same_word(p->name + p->last_at, len - p->last_at, w, wn)) &&
            (best == NULL || len > strlen(best->name)))
            best = p;
    }
    if (best == NULL)
        return NULL;
    if (best->country[0] != '\0')
        memcpy(country, best->country, 4);
    return best->name;
}

/* The people of window speakers `ws` and document memory `l` named in full,
 * into ws->people (in `a`). */
static void people_of(const learn_state *l, wspk *ws, tally_arena *a)
{
    ws->people = tally_arena_alloc(a, (ws->n + l->n_spk + 1) * sizeof *ws->people);
    ws->n_people = 0;
    for (size_t i = 0; i < ws->n + l->n_spk; i++) {
        const char *name = i < ws->n ? ws->v[i].name : l->spk[i - ws->n].name;
        const char *cn = i < ws->n ? ws->v[i].country : l->spk[i - ws->n].country;
        int akind = i < ws->n ? ws->v[i].akind : l->spk[i - ws->n].akind;
        if (akind != TALLY_ACTOR_OFFICIAL && akind != AK_NAME)
            continue;
        size_t b[12], e[12], n = name_words(name, b, e, 12);
        if (n >= 2 && b[0] == 0)
            ws->people[ws->n_people++] = (struct person_name){name, cn, e[0], b[n - 1]};
    }
}

/* The most specific name the document gives for a speaker named `s`
 * (CLAIMS.md): without the titles before a person's name ("Defence
 * Secretary John Healey", "Mr. Shoigu"), and a surname in full when the
 * document wrote it so. Returns `s` or a name in `a` or of the document. */
static const char *canonical_name(const wspk *ws, const char *s, char *country, tally_arena *a)
{
    size_t b[12], e[12], n = name_words(s, b, e, 12);
    if (n == 0)
        return s;
    /* "South Korea's defence minister": the one person of that state the
     * document names */
    if (word_roles(s + b[n - 1], e[n - 1] - b[n - 1]) & CW_OFFICE && country[0] != '\0') {
        const char *one = NULL;
        size_t found = 0;
        for (size_t i = 0; i < ws->n; i++)
            if (ws->v[i].akind == TALLY_ACTOR_OFFICIAL && !ws->v[i].canonical &&
                memcmp(ws->v[i].country, country, 4) == 0 &&
                (one == NULL || !same_name(one, ws->v[i].name))) {
                one = ws->v[i].name;
                found++;
            }
        if (found == 1)
            return one;
    }
    /* the capitalised words after the last title or office */
    size_t from = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (word_roles(s + b[i], e[i] - b[i]) & (CW_OFFICE | CW_TITLE))
            from = i + 1;
    for (size_t i = from; from > 0 && i < n; i++)
        if (!(s[b[i]] >= 'A' && s[b[i]] <= 'Z'))
            from = 0;
    if (n - from == 1) {
        const char *full = full_name(ws, s + b[from], e[from] - b[from], country);
        if (full != NULL)
            return full;
    }
    if (from == 0)
        return s;
    return tally_arena_strndup(a, s + b[from], e[n - 1] - b[from]);
}

/* ---- a candidate's speakers ------------------------------------------------------------- */

enum { MAX_SPEAKER_OPTIONS = 6 };
/* speaker_evs' options at most (author, the cut, the rules' pick, three
 * cited, three of the rules' picks, the headline's source), and its marks
 * of the options named once a window */
enum { OPTIONS_CAP = 10 + MAX_SPEAKER_OPTIONS, PRE_HEAD = 254, PRE_NONE = 255 };

/* The nearest mention of `e` to sentence `si` of window block `wj` (block
 * number `index`), as an option's place. */
/* An option's place (the fields of spk_ev that nearest() sets), so that
 * the speakers the cut leaves out need no spk_ev. */
typedef struct place {
    bool set;
    unsigned rank;
    int dist;
    long block;
    const beside *bs;
    const char *text;
    bool says, before;
    size_t tokens;
} place;

/* the place of an option made by new_ev */
static const place NO_PLACE = {false, UINT32_MAX, NO_DIST, NO_BLOCK, NULL, NULL, false, false, 0};

static void nearest_place(const blk *k, const went *e, size_t wj, size_t si, const ltoks *ts,
                          const tally_figure *f, place *p)
{
    for (size_t i = 0; i < e->n; i++) {
        const wment *m = &e->m[i];
        long bdist = (long)k->index - (long)k->l->wb[m->block].index;
        bool here = m->block == wj && m->sent != SIZE_MAX;
        int dist = here ? (int)si - (int)m->sent : NO_DIST;
        unsigned rank = here ? rank_dist(dist) : 1000 + rank_dist(bdist);
        if (p->set && p->rank <= rank)
            continue;
        p->set = true;
        p->rank = rank;
        p->dist = dist;
        p->block = bdist;
        p->bs = m->bs;
        p->text = m->text;
        p->says = m->says;
        p->before = false;
        if (dist == 0) {
            p->before = m->end <= f->start;
            size_t ti = tok_at(ts, m->start), fi = tok_at(ts, f->start);
            p->tokens = ti > fi ? ti - fi : fi - ti;
        }
    }
    if (!p->set && e->mem != NULL)
        p->block = (long)k->index - (long)e->mem->last_block;
}

static void set_place(spk_ev *ev, const place *p)
{
    ev->bs_set = p->set;
    ev->rank = p->rank;
    ev->dist = p->dist;
    ev->block = p->block;
    ev->bs = p->bs;
    ev->bs_text = p->text;
    ev->says = p->says;
    ev->before = p->before;
    ev->tokens = p->tokens;
}

static void nearest(const blk *k, const went *e, size_t wj, size_t si, const ltoks *ts,
                    const tally_figure *f, spk_ev *ev)
{
    place p = {ev->bs_set,  ev->rank, ev->dist,   ev->block, ev->bs,
               ev->bs_text, ev->says, ev->before, ev->tokens};
    nearest_place(k, e, wj, si, ts, f, &p);
    set_place(ev, &p);
}

/* A speaker of the window placed for the cut. */
typedef struct placed {
    place p;
    unsigned prior; /* the cut's order (see speaker_evs) */
    size_t order;   /* its index in the window's speakers */
    uint64_t key;   /* prior, then order: the cut keeps the lowest */
} placed;

/* Marks a state among the options whose body or person speaks in the
 * document, and those that speak for it: the most specific name of who
 * says so ("Germany has confirmed" is Pistorius's). */
static void state_voices(spk_ev *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        spk_ev *x = &ev[i];
        if (!is_state_kind((tally_actor_kind)x->akind) || x->akind >= AK_WORDS ||
            x->country[0] == '\0')
            continue;
        for (size_t j = 0; j < n; j++) {
            spk_ev *y = &ev[j];
            if (j == i || y->akind == AK_AUTHOR || y->akind == AK_WORDS ||
                is_state_kind((tally_actor_kind)y->akind) ||
                memcmp(y->country, x->country, 4) != 0 || y->mem == NULL || voice_of(y->mem) == 0)
                continue;
            x->state_has_voice = true;
            unsigned v = x->origin == LEARN_FROM_RULES ? 2u : 1u;
            y->voice_of_state = y->voice_of_state > v ? y->voice_of_state : v;
        }
    }
}

/* Who a pronoun or a role stands for: 1 a person ("he said", "the lawmaker
 * added"), 2 a body or a document ("it said", "the report said", "according
 * to the statement"), 0 when the sentence attributes to neither. */
static unsigned pronoun_class(const ltoks *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        const ltok *w = &ts->v[i];
        if (!(w->roles & CW_SAY))
            continue;
        size_t j = i;
        if (w->id == CWW_ACCORDING) { /* "according to the statement" */
            j = i + 2;
            while (j < ts->n && j < i + 4 && (ts->v[j].id == CWW_THE || ts->v[j].id == CWW_A))
                j++;
            if (j >= ts->n)
                continue;
        } else {
            while (j > 0 && i - j < 3 && (ts->v[j - 1].roles & CW_FILL) &&
                   !(ts->v[j - 1].roles & CW_RELEASE))
                j--;
            if (j == 0)
                continue;
            j--;
        }
        const ltok *p = &ts->v[j];
        if (p->id == CWW_HE || (p->roles & CW_OFFICE))
            return 1;
        if (p->roles & (CW_PRONOUN | CW_BODY | CW_RELEASE))
            return 2;
    }
    return 0;
}

/* 1 a person, 2 a body, an outlet or a state that speaks, 0 neither */
static unsigned speaker_class(int akind)
{
    if (akind == TALLY_ACTOR_OFFICIAL || akind == AK_NAME)
        return 1;
    if (akind == AK_AUTHOR || akind == AK_WORDS)
        return 0;
    return 2;
}

/* how far a mark is from window block wj: 1 the same, 2 the next one, 3
 * further */
static unsigned mark_dist(const near_mark *mk, size_t wj)
{
    if (mk->who == SIZE_MAX)
        return 0;
    size_t d = mk->block > wj ? mk->block - wj : wj - mk->block;
    return d == 0 ? 1u : d == 1 ? 2u : 3u;
}

/* Whether option `o` is speaker `who` of the window (or its full name). */
static bool is_mark(const wspk *ws, size_t i, const near_mark *mk)
{
    if (i == SIZE_MAX || mk->who == SIZE_MAX)
        return false;
    return i == mk->who || (ws->v[i].canonical && ws->v[mk->who].m == ws->v[i].m);
}

static int cmp_wpos(const void *a, const void *b)
{
    const struct wpos *x = a, *y = b;
    if (x->block != y->block)
        return x->block < y->block ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->who > y->who) - (x->who < y->who);
}

/* Sorts v[0, n) by cmp_wpos (a total order: any sort gives the same
 * array): by insertion, the lists being short and each speaker's mentions
 * in text order already; long ones by qsort. */
static void sort_wpos(struct wpos *v, size_t n)
{
    if (n > 64) {
        qsort(v, n, sizeof *v, cmp_wpos);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        struct wpos x = v[i];
        size_t j = i;
        for (; j > 0 && cmp_wpos(&x, &v[j - 1]) < 0; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* The window's mentions that attribute, of people and of bodies, sorted
 * (once a window). */
static void positions_of(wspk *ws, tally_arena *a)
{
    size_t total = 0;
    for (size_t i = 0; i < ws->n; i++)
        total += ws->v[i].n;
    for (int l = 0; l < 3; l++) {
        ws->at[l] = tally_arena_alloc(a, (total + 1) * sizeof *ws->at[l]);
        ws->n_at[l] = 0;
    }
    for (size_t i = 0; i < ws->n; i++) {
        const went *e = &ws->v[i];
        if (e->canonical)
            continue;
        unsigned cls = speaker_class(e->akind);
        for (size_t q = 0; q < e->n; q++) {
            struct wpos p = {e->m[q].block, e->m[q].start, i};
            if (e->m[q].says)
                ws->at[AT_SAYS][ws->n_at[AT_SAYS]++] = p;
            if (cls == 1)
                ws->at[AT_PERSON][ws->n_at[AT_PERSON]++] = p;
            else if (cls == 2)
                ws->at[AT_BODY][ws->n_at[AT_BODY]++] = p;
        }
    }
    for (int l = 0; l < 3; l++)
        sort_wpos(ws->at[l], ws->n_at[l]);
}

/* The index of the first position of list `l` at or after byte `at` of
 * window block `wj`. */
static size_t position_at(const wspk *ws, int l, size_t wj, size_t at)
{
    size_t lo = 0, hi = ws->n_at[l];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct wpos *p = &ws->at[l][mid];
        if (p->block < wj || (p->block == wj && p->start < at))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The mentions of list `l` last before sentence `sn` of block wj and first
 * after it, into mk[0] and mk[1]. */
static void nearest_at(const wspk *ws, int l, size_t wj, const tally_sentence *sn, near_mark *mk)
{
    size_t b = position_at(ws, l, wj, sn->start), e = position_at(ws, l, wj, sn->end);
    const struct wpos *v = ws->at[l];
    /* of two speakers at one place, the first of the window */
    while (b > 1 && v[b - 2].block == v[b - 1].block && v[b - 2].start == v[b - 1].start)
        b--;
    mk[0] = b > 0 ? (near_mark){v[b - 1].who, v[b - 1].block, v[b - 1].start}
                  : (near_mark){SIZE_MAX, 0, 0};
    mk[1] = e < ws->n_at[l] ? (near_mark){v[e].who, v[e].block, v[e].start}
                            : (near_mark){SIZE_MAX, 0, 0};
}

/* Option `x`'s most specific name and its country, and the speaker of the
 * window of that name (went_index), SIZE_MAX for none; x->went on entry is
 * its speaker when known. */
static void option_canon(const wspk *ws, spk_ev *x, tally_arena *a)
{
    if (x->went == SIZE_MAX)
        x->went = went_index(ws, name_key(x->name), x->name);
    if (x->went != SIZE_MAX && ws->v[x->went].name == x->name) {
        memcpy(x->country, ws->v[x->went].canon_country, 4);
        x->name = ws->v[x->went].canon;
    } else if (x->went != SIZE_MAX && strcmp(ws->v[x->went].name, x->name) == 0 &&
               memcmp(ws->v[x->went].country, x->country, 4) == 0) {
        /* the words and country of a speaker of the window: canonical_name
         * reads nothing else, so its answer is that speaker's */
        const went *w = &ws->v[x->went];
        memcpy(x->country, w->canon_country, 4);
        x->name = w->canon;
        x->went = w->canon_went;
    } else {
        x->name = canonical_name(ws, x->name, x->country, a);
        x->went = went_index(ws, name_key(x->name), x->name);
    }
}

/* option_canon of the option made of `name` and `country` by speaker_evs,
 * into *co (it reads only the window) */
static void canon_opt_of(const wspk *ws, const char *name, const char *country, int akind,
                         struct canon_opt *co, tally_arena *a)
{
    spk_ev x = new_ev(name, country, akind, LEARN_FROM_DOCUMENT);
    option_canon(ws, &x, a);
    co->name = x.name;
    memcpy(co->country, x.country, 4);
    co->went = x.went;
}

/* The people of the window named in full, and each speaker's most specific
 * name, once a window (after window_speakers). */
static void window_names(const learn_state *l, wspk *ws, tally_arena *a)
{
    people_of(l, ws, a);
    positions_of(ws, a);
    for (size_t i = 0; i < ws->n; i++) {
        went *e = &ws->v[i];
        memcpy(e->canon_country, e->country, 4);
        e->canon = canonical_name(ws, e->name, e->canon_country, a);
    }
    for (size_t i = 0; i < ws->n; i++)
        ws->v[i].canon_went = went_index(ws, name_key(ws->v[i].canon), ws->v[i].canon);
    for (size_t r = 0; r < ws->n_rs_top; r++)
        canon_opt_of(ws, l->rs[ws->rs_top[r]].name, l->rs[ws->rs_top[r]].country, AK_WORDS,
                     &ws->rs_canon[r], a);
    if (l->headline_source != NULL && l->headline_source[0] != '\0')
        canon_opt_of(ws, l->headline_source, "", TALLY_ACTOR_OUTLET, &ws->head_canon, a);
}

/* Marks the options that attributed last before the claim's sentence (of
 * window block wj, sentence si) and first after it, among every speaker of
 * the window ("The NIS told lawmakers ... It said ..."), and, when the
 * sentence attributes to a pronoun or a role, the person or body named
 * last before it and first after it. */
static void relay_marks(const blk *k, const wspk *ws, size_t wj, size_t si, const ltoks *ts,
                        spk_ev *ev, size_t n)
{
    const tally_sentence *sn = &k->in->ss[si];
    unsigned cls = pronoun_class(ts);
    near_mark says[2], named[2];
    nearest_at(ws, AT_SAYS, wj, sn, says);
    if (cls != 0)
        nearest_at(ws, cls == 1 ? AT_PERSON : AT_BODY, wj, sn, named);
    else
        named[0] = named[1] = (near_mark){SIZE_MAX, 0, 0};
    for (size_t o = 0; o < n; o++) {
        ev[o].pronoun = cls;
        if (ev[o].akind == AK_AUTHOR) { /* the author: whoever attributes */
            ev[o].last_says = mark_dist(&says[0], wj);
            ev[o].next_says = mark_dist(&says[1], wj);
            continue;
        }
        size_t i = ev[o].went;
        if (is_mark(ws, i, &says[0]))
            ev[o].last_says = mark_dist(&says[0], wj);
        if (is_mark(ws, i, &says[1]))
            ev[o].next_says = mark_dist(&says[1], wj);
        if (is_mark(ws, i, &named[0]))
            ev[o].coref = mark_dist(&named[0], wj);
        if (is_mark(ws, i, &named[1]))
            ev[o].coref_next = mark_dist(&named[1], wj);
    }
}

/* The speaker options of claim `c` (offsets relative to its block): author,
 * the rules' pick, the parties cited in the sentence, the headline's source,
 * and the nearest speakers of the window and the document. At most
 * MAX_SPEAKER_OPTIONS of the latter, by a cheap order (in the sentence
 * first, attributing first). Returns them in `a`. */
static spk_ev *speaker_evs(blk *k, const tally_claim *c, size_t wj, size_t si, const ltoks *ts,
                           const tally_figure *f, const wspk *ws, size_t *n_out, pick_info *pk_out)
{
    const learn_state *l = k->l;
    /* author, the cut, the rules' pick, three cited, three of the rules'
     * picks, the headline's source */
    size_t cap = OPTIONS_CAP, n = 0;
    spk_ev *ev = tally_arena_alloc(k->a, cap * sizeof *ev);
    /* the options made of rs_top's picks (their index) and of the
     * headline's source, named once a window (ws->rs_canon, head_canon) */
    unsigned char pre[OPTIONS_CAP];
    memset(pre, PRE_NONE, sizeof pre);
    ev[n++] = new_ev("author", "", AK_AUTHOR, LEARN_FROM_AUTHOR);
    /* the speakers of this block and the two on each side, and the
     * document's most attributing, placed; then the best few */
    size_t *pick = tally_arena_alloc(k->a, (ws->n + 1) * sizeof *pick), np = 0;
    bool *seen = tally_arena_alloc(k->a, ws->n + 1);
    memset(seen, 0, ws->n + 1);
    for (size_t j = wj > 2 ? wj - 2 : 0; j < k->l->n_wb && j <= wj + 2; j++)
        for (size_t q = 0; q < ws->n_by_block[j]; q++)
            if (!seen[ws->by_block[j][q]]) {
                seen[ws->by_block[j][q]] = true;
                pick[np++] = ws->by_block[j][q];
            }
    for (size_t q = 0; q < ws->n_top; q++)
        if (!seen[ws->top[q]]) {
            seen[ws->top[q]] = true;
            pick[np++] = ws->top[q];
        }
    placed *all = tally_arena_alloc(k->a, (np + 1) * sizeof *all);
    for (size_t q = 0; q < np; q++) {
        size_t i = pick[q];
        const went *e = &ws->v[i];
        placed *x = &all[q];
        x->p = NO_PLACE;
        x->order = i;
        nearest_place(k, e, wj, si, ts, f, &x->p);
        unsigned said = e->mem != NULL ? voice_of(e->mem) * 8 + e->mem->count : 0;
        x->prior = x->p.set ? x->p.rank * 2 + !x->p.says : 100000 - (said < 9999 ? said : 9999);
        x->key = (uint64_t)x->prior << 32 | (uint64_t)i; /* (a window has fewer speakers) */
    }
    /* the first MAX_SPEAKER_OPTIONS in the cut's order (a total order:
     * `order` differs), as options */
    for (size_t i = 0; i < np && i < MAX_SPEAKER_OPTIONS; i++) {
        size_t min = i;
        for (size_t j = i + 1; j < np; j++)
            if (all[j].key < all[min].key)
                min = j;
        placed tmp = all[i];
        all[i] = all[min];
        all[min] = tmp;
        const went *e = &ws->v[all[i].order];
        spk_ev *x = &ev[n++];
        *x = new_ev(e->name, e->country, e->akind, LEARN_FROM_DOCUMENT);
        x->mem = e->mem;
        x->canonical = e->canonical;
        x->order = all[i].order;
        x->went = all[i].order;
        x->prior = all[i].prior;
        set_place(x, &all[i].p);
        if (x->bs_set && x->block == 0)
            x->origin = x->dist == 0 ? LEARN_FROM_SENTENCE : LEARN_FROM_PARAGRAPH;
    }
    /* the rules' pick, where the rules read it */
    if (c->source != NULL && strcmp(c->source, "author") != 0) {
        spk_ev *e = find_ev(ev, n, c->source);
        if (e == NULL) {
            size_t wi = went_index(ws, name_key(c->source), c->source);
            const went *w = wi != SIZE_MAX ? &ws->v[wi] : NULL;
            spk_ev x = new_ev(tally_arena_strndup(k->a, c->source, strlen(c->source)),
                              c->source_country, AK_WORDS, LEARN_FROM_RULES);
            if (w != NULL) { /* a speaker of the window the cut left out */
                x.akind = w->akind;
                x.mem = w->mem;
                nearest(k, w, wj, si, ts, f, &x);
            }
            const tally_reason *r = &c->why_source;
            if (!x.bs_set && r->end > r->start && r->end <= k->in->len) {
                x.dist = (int)si - (int)sentence_of(k, r->start);
                x.block = 0;
                x.rank = rank_dist(x.dist);
                if (x.dist == 0) {
                    x.before = r->end <= f->start;
                    size_t ti = tok_at(ts, r->start), fi = tok_at(ts, f->start);
                    x.tokens = ti > fi ? ti - fi : fi - ti;
                }
            }
            ev[n++] = x;
            e = &ev[n - 1];
        }
        e->origin = LEARN_FROM_RULES;
        e->rule_why = why_name(c->why_source.rule);
    }
    /* "BBC reports citing Western officials": the one cited */
    const char *t = k->in->text;
    for (size_t i = 0, cited = 0; i + 1 < ts->n && cited < 3; i++) {
        const ltok *w = &ts->v[i];
        if (w->id != CWW_CITING && w->id != CWW_CITED && w->id != CWW_QUOTED)
            continue;
        size_t b = i + 1, e = b;
        while (b < ts->n &&
               (ts->v[b].id == CWW_THE || ts->v[b].id == CWW_A || ts->v[b].id == CWW_BY))
            b++;
        e = b;
        while (e < ts->n && e < b + 6 && !(ts->v[e].flags & (TK_PUNCT | TK_FIG)) &&
               !(ts->v[e].roles & (CW_SAY | CW_OUT | CW_IN | CW_BREAK | CW_HEDGE)) &&
               ts->v[e].id != CWW_THAT && ts->v[e].id != CWW_AS)
            e++;
        if (e == b)
            continue;
        char *name =
            tally_arena_strndup(k->a, t + ts->v[b].start, ts->v[e - 1].end - ts->v[b].start);
        cited++;
        spk_ev *x = find_ev(ev, n, name);
        if (x == NULL) {
            ev[n] = new_ev(name, "", AK_WORDS, LEARN_FROM_SENTENCE);
            x = &ev[n++];
            x->dist = 0;
            x->block = 0;
            x->rank = 0;
            x->before = ts->v[b].start < f->start;
        }
        x->cited = true;
    }
    /* the rules' most frequent picks for the document's claims, and the
     * headline's source */
    for (size_t r = 0; r < ws->n_rs_top; r++) {
        size_t i = ws->rs_top[r];
        spk_ev *x = find_ev(ev, n, l->rs[i].name);
        if (x == NULL) {
            pre[n] = (unsigned char)r;
            ev[n] = new_ev(l->rs[i].name, l->rs[i].country, AK_WORDS, LEARN_FROM_DOCUMENT);
            x = &ev[n++];
            x->block = (long)k->index - (long)l->rs[i].last_block;
        }
        x->earlier_rule = l->rs[i].count;
    }
    if (l->headline_source != NULL && l->headline_source[0] != '\0') {
        spk_ev *x = find_ev(ev, n, l->headline_source);
        if (x == NULL) {
            pre[n] = PRE_HEAD;
            ev[n] = new_ev(l->headline_source, "", TALLY_ACTOR_OUTLET, LEARN_FROM_DOCUMENT);
            x = &ev[n++];
        }
        x->headline = true;
    }
    for (size_t i = 0; i < n; i++) {
        spk_ev *x = &ev[i];
        if (x->akind == AK_AUTHOR)
            continue;
        const struct canon_opt *co = pre[i] == PRE_NONE   ? NULL
                                     : pre[i] == PRE_HEAD ? &ws->head_canon
                                                          : &ws->rs_canon[pre[i]];
        if (co != NULL) { /* (option_canon's answer, once a window) */
            x->name = co->name;
            memcpy(x->country, co->country, 4);
            x->went = co->went;
        } else {
            option_canon(ws, x, k->a);
        }
    }
    /* what the rules' pick names: itself, its full name, the person of its
     * role, the agency of its body, the one it cites */
    pick_info pk = pick_of(c, ts);
    *pk_out = pk;
    for (size_t i = 0; i < n; i++) {
        spk_ev *x = &ev[i];
        unsigned r = country_rel(x->country, pk.country);
        bool body = x->akind == TALLY_ACTOR_INTELLIGENCE || x->akind == TALLY_ACTOR_GOVERNMENT ||
                    x->akind == AK_BODY;
        bool person = x->akind == TALLY_ACTOR_OFFICIAL || x->akind == AK_NAME;
        /* the pick itself, the one it cites, the person of its role, the
         * agency of its body, and who speaks for its state ("London said":
         * the British government; lawmakers relaying their spy agency) */
        x->fits = x->origin == LEARN_FROM_RULES || x->cited || (pk.office && person && r < 2) ||
                  (pk.body && body && r < 2) || (r == 0 && (body || person));
    }
    for (size_t i = 0; i < n; i++) /* the full name of a pick written as an acronym */
        if (ev[i].canonical && ev[i].mem != NULL && c->source != NULL &&
            same_name(ev[i].mem->name, c->source))
            ev[i].fits = true;
    compare(ev, n);
    state_voices(ev, n);
    if (si < k->in->n_ss)
        relay_marks(k, ws, wj, si, ts, ev, n);
    *n_out = n;
    return ev;
}

/* ---- states -------------------------------------------------------------------------- */

typedef struct st_ev {
    char code[4];
    learn_origin origin;
    const tally_actor_match *m; /* the nearest mention in the sentence, or NULL */
    const beside *bs;
    size_t mentions; /* in the sentence */
    bool paragraph;
} st_ev;

static void state_features(blk *k, fb *b, const st_ev *e, const tally_claim *c, const ltoks *ts,
                           const tally_figure *f, size_t states_in_sentence)
{
    const learn_state *l = k->l;
    const char *un = unit_name(c);
    if (e->code[0] == '\0') {
        f_val(b, P_NONE, 1, "yes");
        f_val(b, P_NONE_UNIT, c->unit, un);
        f_val(b, P_NONE_SENT, states_in_sentence > 3 ? 3 : (uint32_t)states_in_sentence, NULL);
        return;
    }
    uint32_t code = code_value(e->code);
    f_val(b, P_CODE, code, e->code);
    f_val2(b, P_CODE_UNIT, code, e->code, c->unit, un);
    f_val2(b, P_CODE_FAMILY, code, e->code, family_of(c->items), NULL);
    if (memcmp(c->supplier, e->code, 4) == 0)
        f_val(b, P_RULE_SUP, why_hash(k->l, c->why_supplier.rule), why_name(c->why_supplier.rule));
    if (memcmp(c->recipient, e->code, 4) == 0)
        f_val(b, P_RULE_REC, why_hash(k->l, c->why_recipient.rule),
              why_name(c->why_recipient.rule));
    if (memcmp(c->source_country, e->code, 4) == 0)
        f_val(b, P_SPEAKER, 1, "yes");
    if (e->paragraph)
        f_val(b, P_PARAGRAPH, 1, "yes");
    /* rank in the document (window_facts) */
    unsigned rank = l->wf.rank_none;
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < l->n_st; i++)
        if (memcmp(l->st[i].code, e->code, 4) == 0) {
            rank = l->wf.rank[i];
            first = l->st[i].first_block;
        }
    f_val(b, P_RANK, rank > 3 ? 3 : rank, NULL);
    if (first == 0)
        f_val(b, P_TITLE, 1, "yes");
    if (e->m == NULL)
        return;
    const tally_actor_match *m = e->m;
    f_val(b, P_IN_SENT, 1, "yes");
    f_val(b, P_MENTIONS, e->mentions > 2 ? 2 : (uint32_t)e->mentions, NULL);
    f_val(b, P_MENTION_KIND, m->actor->kind, tally_actor_kind_name(m->actor->kind));
    bool before = m->end <= f->start;
    const char *side = before ? "before" : "after";
    f_val(b, P_POS, before ? 1u : 2u, side);
    f_val2(b, P_POS_UNIT, before ? 1u : 2u, side, c->unit, un);
    if (m->start >= f->start && m->end <= c->end)
        f_val(b, P_IN_CLAIM, 1, "yes");
    size_t ti = tok_at(ts, m->start), fi = tok_at(ts, f->start);
    static const size_t tok_edges[] = {2, 4, 8, 16};
    f_val(b, P_TOKENS, bucket(ti > fi ? ti - fi : fi - ti, tok_edges, 4), NULL);
    const beside *bs = e->bs;
    if (beside_known(bs, 1)) {
        f_beside(b, P_B1, bs, 1);
        f_val2(b, P_B1_POS, bs->h[1], beside_text(b, bs, 1), before ? 1u : 2u, side);
    }
    f_beside(b, P_B2, bs, 0);
    f_beside(b, P_A1, bs, 2);
    f_roles(b, P_B1_ROLE, cue_roles(bs->roles[1]));
    f_roles(b, P_A_ROLE, cue_roles(bs->roles[2] | bs->roles[3]));
}

static st_ev *find_st(st_ev *v, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(v[i].code, code, 4) == 0)
            return &v[i];
    return NULL;
}

/* The state options of claim `c`: none, the states of its paragraph (those
 * of its sentence placed), the document's most named and the rules'
 * picks. Returns them in `a`; *in_sentence counts the sentence's states. */
static st_ev *state_evs(blk *k, const tally_claim *c, size_t si, const tally_figure *f,
                        size_t *n_out, size_t *in_sentence)
{
    const learn_state *l = k->l;
    const learn_block_in *in = k->in;
    size_t cap = 4 + in->n_am + MAX_DOC_STATES, n = 0;
    st_ev *ev = tally_arena_alloc(k->a, cap * sizeof *ev);
    *in_sentence = 0;
    ev[n++] = (st_ev){"", LEARN_FROM_NONE, NULL, NULL, 0, false};
    for (size_t i = 0; i < in->n_am; i++) {
        const tally_actor_match *m = &in->am[i];
        if (!is_state_kind(m->actor->kind) || m->actor->country[0] == '\0')
            continue;
        st_ev *e = find_st(ev, n, m->actor->country);
        if (e == NULL) {
            e = &ev[n++];
            *e = (st_ev){"", LEARN_FROM_PARAGRAPH, NULL, NULL, 0, false};
            memcpy(e->code, m->actor->country, 4);
        }
        e->paragraph = true;
        if (k->msent[i] != si)
            continue;
        if (e->m == NULL)
            (*in_sentence)++;
        e->origin = LEARN_FROM_SENTENCE;
        e->mentions++;
        size_t d = m->start > f->start ? m->start - f->start : f->start - m->start;
        size_t dm = e->m == NULL             ? SIZE_MAX
                    : e->m->start > f->start ? e->m->start - f->start
                                             : f->start - e->m->start;
        if (d < dm) {
            e->m = m;
            beside_full(in->text, in->len, &k->mb[i]);
            e->bs = &k->mb[i];
        }
    }
    /* the document's most named states (window_facts) */
    for (size_t r = 0; r < l->wf.n_top; r++) {
        size_t best = l->wf.top[r];
        if (find_st(ev, n, l->st[best].code) == NULL) {
            ev[n] = (st_ev){"", LEARN_FROM_DOCUMENT, NULL, NULL, 0, false};
            memcpy(ev[n++].code, l->st[best].code, 4);
        }
    }
    const char *picks[2] = {c->supplier, c->recipient};
    for (int i = 0; i < 2; i++)
        if (picks[i][0] != '\0' && find_st(ev, n, picks[i]) == NULL && n < cap) {
            ev[n] = (st_ev){"", LEARN_FROM_RULES, NULL, NULL, 0, false};
            memcpy(ev[n++].code, picks[i], 4);
        }
    *n_out = n;
    return ev;
}

/* Whether the sentence attributes ("said", "according to"). */
static bool sentence_says(const ltoks *ts)
{
    return (ts->roles & CW_SAY) != 0;
}

/* Whether window block wj names a speaker that is no state. */
static bool speaker_in_block(const wspk *ws, size_t wj)
{
    for (size_t i = 0; i < ws->n; i++) {
        const went *e = &ws->v[i];
        if (e->akind == TALLY_ACTOR_STATE || e->akind == TALLY_ACTOR_DEMONYM ||
            e->akind == TALLY_ACTOR_PLACE || e->canonical)
            continue;
        for (size_t j = 0; j < e->n; j++)
            if (e->m[j].block == wj)
                return true;
    }
    return false;
}

/* speaker_in_block() of window block wj, open as k: read once */
static bool block_speaker_of(blk *k, const wspk *ws, size_t wj)
{
    if (k->speaker_here < 0)
        k->speaker_here = speaker_in_block(ws, wj);
    return k->speaker_here;
}

/* ---- the window ---------------------------------------------------------------------- */

/* A window holds a news article whole; a longer document is decided in
 * windows of this size. */
enum { WINDOW_TEXT = 16 * 1024, WINDOW_CLAIMS = 64 };

static const tally_figure *figure_of(const learn_block_in *in, size_t start)
{
    for (size_t i = 0; i < in->n_figs; i++)
        if (in->figs[i].start == start)
            return &in->figs[i];
    return NULL;
}

static void note_rule_source(learn_state *l, const tally_claim *c)
{
    if (c->source == NULL || strcmp(c->source, "author") == 0)
        return;
    struct rule_mem *r = NULL;
    for (size_t i = 0; i < l->n_rs && r == NULL; i++)
        if (same_name(l->rs[i].name, c->source))
            r = &l->rs[i];
    if (r == NULL) {
        if (l->n_rs >= MAX_RULE_SOURCES)
            return;
        r = &l->rs[l->n_rs++];
        memset(r, 0, sizeof *r);
        copy_name(r->name, c->source, strlen(c->source));
        memcpy(r->country, c->source_country, 4);
    }
    r->count++;
    r->last_block = l->block;
}

/* The currency of the money nearest the claim in its sentence, else the
 * document's last. Offsets of `c` relative to the block. */
static const char *sentence_currency(const learn_block_in *in, const tally_claim *c,
                                     const learn_state *l)
{
    const char *best = l->last_currency;
    size_t bd = SIZE_MAX, s0 = c->sentence_start, s1 = c->sentence_end;
    for (size_t i = 0; i < in->n_figs; i++) {
        const tally_figure *f = &in->figs[i];
        if (f->kind != TALLY_FIG_MONEY || f->start < s0 || f->end > s1)
            continue;
        size_t d = f->start > c->start ? f->start - c->start : c->start - f->start;
        if (d < bd) {
            bd = d;
            best = f->currency;
        }
    }
    return best;
}

static void *copy_of(tally_arena *a, const void *p, size_t n)
{
    void *q = tally_arena_alloc(a, n ? n : 1);
    if (n)
        memcpy(q, p, n);
    return q;
}

static char *arena_dup(tally_arena *a, const char *s)
{
    return s != NULL ? tally_arena_strndup(a, s, strlen(s)) : NULL;
}

/* Claim `c` with its offsets relative to the block at `off`. */
static tally_claim relative(const tally_claim *c, size_t off)
{
    tally_claim r = *c;
    r.sentence_start -= off;
    r.sentence_end -= off;
    r.start -= off;
    r.end -= off;
    tally_reason *why[] = {&r.why_supplier, &r.why_recipient, &r.why_kind, &r.why_item,
                           &r.why_source};
    for (size_t w = 0; w < sizeof why / sizeof why[0]; w++)
        if (why[w]->end > why[w]->start) {
            why[w]->start -= off;
            why[w]->end -= off;
        }
    return r;
}

/* An fb that stores into `fv`. */
static fb store_into(learn_fv *fv, tally_arena *a, bool named, const char *t)
{
    return (fb){fv, a, named, t};
}

/* `fv` emptied, for the next decision's features */
static learn_fv *fv_empty(learn_fv *fv)
{
    fv->n = 0;
    return fv;
}

/* What one figure's candidates share while they are described. */
typedef struct group {
    tally_claim c; /* the rules' claim, offsets relative to the block */
    const tally_figure *f;
    size_t si;
    const ltoks *ts;
} group;

/* The claim of alternative unit `u` of group `g` (u == TALLY_UNIT_ITEM + 1
 * for the rules' own). */
static tally_claim alternative(const blk *k, const group *g, const tally_claim *c, unsigned u)
{
    tally_claim a = *c;
    if (u > TALLY_UNIT_ITEM)
        return a;
    a.unit = (tally_unit)u;
    a.items = unit_items(a.unit);
    if (a.unit == TALLY_UNIT_MONEY)
        memcpy(a.currency, sentence_currency(k->in, &g->c, k->l), 4);
    return a;
}

/* Window block `w` ready for features: its mentions' sentences known, its
 * sentences' words read when first needed (in arena `a`). */
static blk blk_open(const learn_state *l, const struct wblock *w, tally_arena *a)
{
    const learn_block_in *in = &w->in;
    blk k = {l, in, a, NULL, NULL, w->mb, w->index, figures_ordered(in->figs, in->n_figs), -1};
    k.msent = tally_arena_alloc(a, (in->n_am + 1) * sizeof *k.msent);
    for (size_t i = 0; i < in->n_am; i++)
        k.msent[i] = sentence_of(&k, in->am[i].start);
    k.toks = tally_arena_alloc(a, (in->n_ss + 1) * sizeof *k.toks);
    memset(k.toks, 0, (in->n_ss + 1) * sizeof *k.toks);
    return k;
}

/* The candidates of window block `w`, with their features stored, appended
 * to cands[*nc]. */
static void block_candidates(learn_state *l, size_t wj, tally_arena *ca, const wspk *ws,
                             learn_cand *cands, size_t *nc)
{
    struct wblock *w = &l->wb[wj];
    const learn_block_in *in = &w->in;
    blk k = blk_open(l, w, ca);
    for (size_t i = 0; i < w->n; i++) {
        group g;
        g.c = relative(&w->claims[i], in->offset);
        g.f = figure_of(in, g.c.start);
        g.si = sentence_of(&k, g.c.sentence_start);
        g.ts = sentence_tokens(&k, g.si);
        learn_cand *cand = &cands[(*nc)++];
        memset(cand, 0, sizeof *cand);
        cand->claim = w->claims[i];
        cand->proposer = w->props[i].by;
        cand->group = l->groups++;
        if (g.f == NULL)
            continue;
        fb b = store_into(&cand->fig, ca, l->explain, in->text);
        fig_ctx x;
        fig_base(&k, &b, &g.c, g.f, cand->proposer, g.si, g.ts, &x);
        learn_fv base = cand->fig; /* the alternatives share these */
        fig_unit(&b, &g.c, &x);
        fb kb = store_into(&cand->kind, ca, l->explain, in->text);
        cand->classes = fig_kind(&k, &kb, &g.c, g.f, cand->proposer, g.ts);
        size_t ns;
        pick_info pk;
        spk_ev *sev = speaker_evs(&k, &g.c, wj, g.si, g.ts, g.f, ws, &ns, &pk);
        cand->speakers = tally_arena_alloc(ca, (ns + 1) * sizeof *cand->speakers);
        cand->n_speakers = ns;
        bool sent_says = sentence_says(g.ts), block_speaker = block_speaker_of(&k, ws, wj);
        for (size_t o = 0; o < ns; o++) {
            learn_option *op = &cand->speakers[o];
            memset(op, 0, sizeof *op);
            op->name = arena_dup(ca, sev[o].name);
            memcpy(op->country, sev[o].country, 4);
            op->origin = sev[o].origin;
            op->fits = sev[o].fits;
            fb ob = store_into(&op->fv, ca, l->explain,
                               sev[o].bs_text != NULL ? sev[o].bs_text : in->text);
            speaker_features(&k, &ob, &sev[o], &g.c, sent_says, block_speaker, &pk);
        }
        size_t nst, in_sent;
        st_ev *tev = state_evs(&k, &g.c, g.si, g.f, &nst, &in_sent);
        cand->states = tally_arena_alloc(ca, (nst + 1) * sizeof *cand->states);
        cand->n_states = nst;
        for (size_t o = 0; o < nst; o++) {
            learn_option *op = &cand->states[o];
            memset(op, 0, sizeof *op);
            memcpy(op->country, tev[o].code, 4);
            op->origin = tev[o].origin;
            fb ob = store_into(&op->fv, ca, l->explain, in->text);
            state_features(&k, &ob, &tev[o], &g.c, g.ts, g.f, in_sent);
        }
        /* the other units the figure may count share the options */
        for (unsigned u = 0; u <= TALLY_UNIT_ITEM; u++) {
            if (!(w->props[i].alts & unit_bit((tally_unit)u)))
                continue;
            learn_cand *alt = &cands[(*nc)++];
            *alt = *cand;
            tally_claim ac = alternative(&k, &g, &g.c, u);
            alt->claim = alternative(&k, &g, &w->claims[i], u);
            memset(&alt->fig, 0, sizeof alt->fig);
            fb ab = store_into(&alt->fig, ca, l->explain, in->text);
            for (uint32_t q = 0; q < base.n; q++)
                push(&ab, base.h[q], base.name != NULL ? base.name[q] : NULL);
            fig_unit(&ab, &ac, &x);
            memset(&alt->kind, 0, sizeof alt->kind);
            fb akb = store_into(&alt->kind, ca, l->explain, in->text);
            alt->classes = fig_kind(&k, &akb, &ac, g.f, cand->proposer, g.ts);
        }
    }
}

/* The window's speaker decisions for the document stage (learn_doc_decide):
 * v[i] is the decision of claim at[i] of the window's claims (v NULL when
 * the model has no such stage); and its kind decisions for the kind's
 * (learn_dockind_decide), k[i] of claim kat[i] (k NULL when none). */
typedef struct spk_picks {
    learn_spk *v;
    size_t *at;
    size_t n;
    learn_kdec *k;
    size_t *kat;
    size_t nk;
} spk_picks;

/* Decides the claims of window block `w` without storing features: each
 * candidate's weights are summed as its features are found, and a
 * figure's speakers and states are described only when it is kept. The
 * decisions are learn_decide's on stored features, but for the sources,
 * whose decisions go into `sp` (when not NULL) for the document stage.
 * Appends to out. */
static void block_decide(const learn_state *l, size_t wj, const wspk *ws, tally_arena *a,
                         tally_claims *out, spk_picks *sp)
{
    const tally_learn_model *m = l->model;
    const struct wblock *w = &l->wb[wj];
    const learn_block_in *in = &w->in;
    blk k = blk_open(l, w, a);
    learn_fv fv = {NULL, NULL, 0, 0}; /* each decision's features in turn */
    for (size_t i = 0; i < w->n; i++) {
        group g;
        g.c = relative(&w->claims[i], in->offset);
        g.f = figure_of(in, g.c.start);
        if (g.f == NULL || !m->head[LEARN_FIG].present) {
            out->v[out->n++] = w->claims[i];
            continue;
        }
        g.si = sentence_of(&k, g.c.sentence_start);
        g.ts = sentence_tokens(&k, g.si);
        /* scope: the most likely unit, if likely enough */
        double best = -1, z0[LEARN_FIG_OUTS], z[LEARN_FIG_OUTS];
        unsigned bu = TALLY_UNIT_ITEM + 1;
        fig_ctx x;
        fb b = store_into(fv_empty(&fv), a, false, in->text);
        fig_base(&k, &b, &g.c, g.f, w->props[i].by, g.si, g.ts, &x);
        uint32_t n_base = fv.n; /* the alternatives share these */
        learn_scores(m, LEARN_FIG, &fv, z0);
        for (unsigned u = TALLY_UNIT_ITEM + 1;;) {
            tally_claim ac = alternative(&k, &g, &g.c, u);
            fv.n = n_base;
            fig_unit(&b, &ac, &x);
            memcpy(z, z0, sizeof z);
            learn_add_rows(m, LEARN_FIG, fv.h + n_base, fv.n - n_base, z);
            double p = learn_scope_p(z);
            if (p >= m->threshold && (best < 0 || p > best)) {
                best = p;
                bu = u;
            }
            /* the rules' unit first, then the alternatives in order */
            u = u > TALLY_UNIT_ITEM ? 0 : u + 1;
            while (u <= TALLY_UNIT_ITEM && !(w->props[i].alts & unit_bit((tally_unit)u)))
                u++;
            if (u > TALLY_UNIT_ITEM)
                break;
        }
        if (best < 0)
            continue;
        tally_claim *c = &out->v[out->n++];
        *c = alternative(&k, &g, &w->claims[i], bu);
        if (m->head[LEARN_KIND].present) {
            double zk[LEARN_KIND_OUTS];
            tally_claim ac = alternative(&k, &g, &g.c, bu);
            fb kb = store_into(fv_empty(&fv), a, false, in->text);
            uint64_t classes = fig_kind(&k, &kb, &ac, g.f, w->props[i].by, g.ts);
            learn_scores(m, LEARN_KIND, &fv, zk);
            c->kind = learn_kind_of(zk);
            if (sp != NULL && sp->k != NULL) {
                learn_kdec *d = &sp->k[sp->nk];
                d->classes = classes;
                memcpy(d->z, zk, sizeof zk);
                d->first = d->pick = c->kind;
                d->sentence = c->sentence_start;
                sp->kat[sp->nk++] = out->n - 1;
            }
        }
        if (m->head[LEARN_SPEAKER].present) {
            size_t ns;
            pick_info pk;
            spk_ev *sev = speaker_evs(&k, &g.c, wj, g.si, g.ts, g.f, ws, &ns, &pk);
            bool sent_says = sentence_says(g.ts), block_speaker = block_speaker_of(&k, ws, wj);
            learn_option *fit = tally_arena_alloc(a, (ns + 1) * sizeof *fit);
            for (size_t q = 0; q < ns; q++)
                fit[q].fits = sev[q].fits;
            bool explicit = learn_explicit_source(&w->claims[i]);
            /* only the options learn_pick_speaker_of may choose are scored;
             * when one is left, it is the choice */
            bool only = learn_fits_only(fit, ns, explicit);
            double *zs = tally_arena_alloc(a, (ns + 1) * sizeof *zs);
            size_t n_open = 0, last = 0;
            for (size_t o = 0; o < ns; o++) {
                zs[o] = 0;
                if (!only || fit[o].fits) {
                    n_open++;
                    last = o;
                }
            }
            size_t o = last;
            if (n_open > 1) {
                for (size_t q = 0; q < ns; q++) {
                    if (only && !fit[q].fits)
                        continue;
                    fb ob = store_into(fv_empty(&fv), a, false, in->text);
                    speaker_features(&k, &ob, &sev[q], &g.c, sent_says, block_speaker, &pk);
                    learn_scores(m, LEARN_SPEAKER, &fv, &zs[q]);
                }
                o = learn_pick_speaker_of(zs, fit, ns, explicit);
            }
            c->source = arena_dup(a, sev[o].name);
            memcpy(c->source_country, sev[o].country, 4);
            if (sp != NULL && sp->v != NULL) {
                learn_spk *d = &sp->v[sp->n];
                d->o = tally_arena_alloc(a, (n_open + 1) * sizeof *d->o);
                d->n = 0;
                d->bound = only;
                for (size_t q = 0; q < ns; q++)
                    if (!only || fit[q].fits)
                        d->o[d->n++] =
                            (learn_spk_opt){sev[q].name, sev[q].country, sev[q].origin, zs[q]};
                sp->at[sp->n++] = out->n - 1;
            }
        }
        if (m->head[LEARN_STATE].present) {
            size_t nst, in_sent;
            st_ev *tev = state_evs(&k, &g.c, g.si, g.f, &nst, &in_sent);
            double *zs = tally_arena_alloc(a, (nst + 1) * 2 * sizeof *zs);
            char(*codes)[4] = tally_arena_alloc(a, (nst + 1) * sizeof *codes);
            for (size_t o = 0; o < nst; o++) {
                double zz[LEARN_STATE_OUTS];
                fb ob = store_into(fv_empty(&fv), a, false, in->text);
                state_features(&k, &ob, &tev[o], &g.c, g.ts, g.f, in_sent);
                learn_scores(m, LEARN_STATE, &fv, zz);
                zs[o] = zz[LEARN_STATE_SUPPLIER];
                zs[nst + o] = zz[LEARN_STATE_RECIPIENT];
                memcpy(codes[o], tev[o].code, 4);
            }
            size_t sup, rec;
            learn_pick_states(zs, zs + nst, (const char(*)[4])codes, nst,
                              learn_fixed_supplier(&w->claims[i], (const char(*)[4])codes, nst),
                              &sup, &rec);
            memcpy(c->supplier, codes[sup], 4);
            if (rec != SIZE_MAX)
                memcpy(c->recipient, codes[rec], 4);
            else
                c->recipient[0] = '\0';
        }
        if (!learn_has_recipient(m, c)) {
            /* no claim of support (as learn_decide): out, with its decisions */
            if (sp != NULL && sp->v != NULL && sp->n > 0 && sp->at[sp->n - 1] == out->n - 1)
                sp->n--;
            if (sp != NULL && sp->k != NULL && sp->nk > 0 && sp->kat[sp->nk - 1] == out->n - 1)
                sp->nk--;
            out->n--;
        }
    }
}

/* Fills l->wf from the document's states. */
static void window_facts(learn_state *l)
{
    struct wfacts *wf = &l->wf;
    /* the two most named, for fig_base */
    const char *top[2] = {NULL, NULL};
    unsigned cnt[2] = {0, 0};
    for (size_t i = 0; i < l->n_st; i++) {
        if (l->st[i].count > cnt[0]) {
            top[1] = top[0];
            cnt[1] = cnt[0];
            top[0] = l->st[i].code;
            cnt[0] = l->st[i].count;
        } else if (l->st[i].count > cnt[1]) {
            top[1] = l->st[i].code;
            cnt[1] = l->st[i].count;
        }
    }
    wf->have_pair = top[0] != NULL;
    if (wf->have_pair) {
        const char *a = top[0], *z = top[1] != NULL ? top[1] : "---";
        if (strcmp(a, z) > 0) {
            const char *tmp = a;
            a = z;
            z = tmp;
        }
        memcpy(wf->pair, a, 3);
        memcpy(wf->pair + 3, z, 3);
        wf->pair[6] = '\0';
        wf->pair_hash = fnv(wf->pair, 6);
    }
    /* the most named (the first named first on a tie), for state_evs */
    bool taken[MAX_STATES] = {false};
    wf->n_top = 0;
    for (size_t r = 0; r < MAX_DOC_STATES; r++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < l->n_st; i++)
            if (!taken[i] && (best == SIZE_MAX || l->st[i].count > l->st[best].count))
                best = i;
        if (best == SIZE_MAX)
            break;
        taken[best] = true;
        wf->top[wf->n_top++] = best;
    }
    /* ranks, for state_features */
    wf->rank_none = 0;
    for (size_t i = 0; i < l->n_st; i++) {
        wf->rank[i] = 0;
        for (size_t j = 0; j < l->n_st; j++)
            wf->rank[i] += l->st[j].count > l->st[i].count;
        wf->rank_none += l->st[i].count > 0;
    }
}

enum { MAX_NAMES = 32 }; /* names of people a block remembers */

/* Reads the mentions of block `in` (text `t`; number `index`) into the
 * document's memory, with the words beside each into mb (in->n_am), then
 * the names of people its sentences' words hold into *names (in `a`), then
 * the sources the rules gave its claims[0, n_claims). */
static void read_mentions(learn_state *l, const char *t, const learn_block_in *in, size_t index,
                          beside *mb, pname **names, size_t *n_names, tally_arena *a,
                          const tally_claim *claims, size_t n_claims)
{
    size_t block = l->block;
    l->block = index;
    for (size_t i = 0; i < in->n_am; i++) {
        mb[i] = beside_of(t, in->len, in->am[i].start, in->am[i].end);
        note_mention(l, t, in->len, &in->am[i], &mb[i]);
    }
    pname *v = tally_arena_alloc(a, MAX_NAMES * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; in->sw != NULL && i < in->n_ss; i++)
        n += names_in(t, &in->sw[i], in->am, in->n_am, v + n, MAX_NAMES - n);
    for (size_t i = 0; i < n; i++)
        note_speaker(l, NULL, t + v[i].start, v[i].end - v[i].start, v[i].country, AK_NAME,
                     v[i].says);
    *names = v;
    *n_names = n;
    for (size_t i = 0; i < n_claims; i++)
        note_rule_source(l, &claims[i]);
    l->block = block;
}

/* Reads the mentions that wait (take_block): of the blocks before the
 * window, then of the window's, in the order they were read. */
static void read_deferred(learn_state *l)
{
    for (size_t i = 0; i < l->n_lb; i++) {
        const struct lblock *b = &l->lb[i];
        beside *mb = tally_arena_alloc(l->warena, (b->in.n_am + 1) * sizeof *mb);
        pname *names;
        size_t n_names;
        read_mentions(l, l->ltext.ptr + b->text_at, &b->in, b->index, mb, &names, &n_names,
                      l->warena, NULL, 0);
    }
    l->n_lb = 0;
    for (size_t j = 0; l->deferred && j < l->n_wb; j++) {
        struct wblock *w = &l->wb[j];
        read_mentions(l, l->wtext.ptr + w->text_at, &w->in, w->index, w->mb, &w->names, &w->n_names,
                      l->warena, w->claims, w->n);
    }
    l->deferred = false;
}

/* Decides the window's claims into `out`; they and the window stay until
 * the next call. */
static void decide_window(learn_state *l, tally_claims *out, tally_arena *a)
{
    out->v = NULL;
    out->n = 0;
    out->body = l->wtext.ptr;
    out->body_offset = l->wstart;
    out->text = NULL;
    out->text_len = 0;
    l->flushed = true;
    read_deferred(l);
    if (l->n_wb == 0)
        return;
    size_t total = 0;
    for (size_t j = 0; j < l->n_wb; j++) {
        struct wblock *w = &l->wb[j];
        w->in.text = l->wtext.ptr + w->text_at;
        for (size_t i = 0; i < w->n; i++)
            for (uint32_t b = w->props[i].alts | 1u << 31; b != 0; b &= b - 1)
                total++; /* the candidate and one a unit of its alternatives */
    }
    bool store = l->sink != NULL || l->explain || l->model == NULL;
    tally_arena *ca = l->sink != NULL ? l->sink->arena : l->warena;
    window_facts(l);
    wspk ws;
    window_speakers(l, &ws, store ? ca : l->warena);
    window_names(l, &ws, store ? ca : l->warena);
    if (!store) {
        out->v = tally_arena_alloc(a, (total + 1) * sizeof *out->v);
        spk_picks sp = {NULL, NULL, 0, NULL, NULL, 0}, *spp = NULL;
        if (learn_doc_present(l->model)) {
            sp.v = tally_arena_alloc(l->warena, (total + 1) * sizeof *sp.v);
            sp.at = tally_arena_alloc(l->warena, (total + 1) * sizeof *sp.at);
            spp = &sp;
        }
        if (learn_dockind_present(l->model)) {
            sp.k = tally_arena_alloc(l->warena, (total + 1) * sizeof *sp.k);
            sp.kat = tally_arena_alloc(l->warena, (total + 1) * sizeof *sp.kat);
            spp = &sp;
        }
        for (size_t j = 0; j < l->n_wb; j++)
            if (l->wb[j].n > 0)
                block_decide(l, j, &ws, l->warena, out, spp);
        if (sp.k != NULL) {
            /* the kind's document stage: each kind beside the window's others */
            learn_dockind_decide(l->model, sp.k, sp.nk, NULL, l->warena);
            for (size_t i = 0; i < sp.nk; i++)
                out->v[sp.kat[i]].kind = sp.k[i].pick;
        }
        if (sp.v != NULL) {
            /* the document stage: each source beside the window's others */
            learn_doc_decide(l->model, sp.v, sp.n, NULL, l->warena);
            for (size_t i = 0; i < sp.n; i++) {
                const learn_spk_opt *o = &sp.v[i].o[sp.v[i].pick];
                tally_claim *c = &out->v[sp.at[i]];
                c->source = arena_dup(l->warena, o->name);
                memcpy(c->source_country, o->country, 4);
            }
        }
        return;
    }
    learn_cand *cands = tally_arena_alloc(ca, (total + 1) * sizeof *cands);
    size_t nc = 0;
    for (size_t j = 0; j < l->n_wb; j++)
        if (l->wb[j].n > 0)
            block_candidates(l, j, ca, &ws, cands, &nc);
    if (l->sink != NULL) {
        learn_sink *s = l->sink;
        for (size_t i = 0; i < nc; i++) {
            if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 64;
                s->v = tally_xrealloc(s->v, s->cap * sizeof *s->v);
            }
            s->v[s->n] = cands[i];
            s->v[s->n].claim.source = arena_dup(ca, cands[i].claim.source);
            s->n++;
        }
    }
    if (l->model == NULL)
        return;
    out->v = tally_arena_alloc(a, (total + 1) * sizeof *out->v);
    out->n = learn_decide(l->model, cands, nc, out->v, l->explain, a);
}

/* ---- the second thread -------------------------------------------------------- */

/* A full window's decisions read the window and the document's memory as
 * they are when it is full, and write only into the window's arena and its
 * claims. With a model that only decides (no sink, no --explain) and two
 * threads, the window is handed over whole with a copy of the document's
 * memory (a snapshot) and decided on a second thread, while this one reads
 * on; its claims come out, in order, from a later call. The snapshot is
 * what decide_window would read here, so the claims are the same whatever
 * the threads; only when they come out differs (learn_finish then returns
 * the rest over several calls). */
enum {
    PIPE_DEPTH = 4,             /* windows handed over and not yet given out */
    PIPE_SLOTS = PIPE_DEPTH + 1 /* and the one the last call gave out */
};

enum job_state { JOB_FREE, JOB_QUEUED, JOB_DONE, JOB_OUT };

/* Copies the document's memory of its speakers, states and the rules'
 * sources (note_mention, note_speaker, note_rule_source) from `from` into
 * `to`. With the second thread, that memory is read and written there
 * only: each window's snapshot takes it from the pipe's (lpipe.mem), reads
 * the mentions of its blocks into it (read_deferred) and gives it back. */
static void mem_copy(learn_state *to, const learn_state *from)
{
    memcpy(to->spk, from->spk, from->n_spk * sizeof *to->spk);
    to->n_spk = from->n_spk;
    to->have_speaker = from->have_speaker;
    memcpy(to->st, from->st, from->n_st * sizeof *to->st);
    to->n_st = from->n_st;
    memcpy(to->rs, from->rs, from->n_rs * sizeof *to->rs);
    to->n_rs = from->n_rs;
}

struct wjob {
    learn_state *snap; /* the state and window when handed over; when free, spare buffers */
    char headline[LEARN_MAX_NAME];
    tally_claims out;
    tally_buf text; /* out's claims written (learn_render) */
    enum job_state state;
};

struct lpipe {
    pthread_t thread;
    bool started, quit;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* broadcast on every change of state */
    struct wjob job[PIPE_SLOTS];
    size_t head, n;   /* the oldest job handed over and not given out, and their count */
    size_t next;      /* the second thread's next job */
    size_t out;       /* the job given out by the last call, SIZE_MAX for none */
    learn_state *mem; /* the document's memory (mem_copy), the second thread's own */
};

static void pipe_lock(struct lpipe *p)
{
    if (pthread_mutex_lock(&p->mu) != 0)
        abort(); /* a mutex made here, never locked twice */
}

static void pipe_unlock(struct lpipe *p)
{
    if (pthread_mutex_unlock(&p->mu) != 0)
        abort();
}

static void pipe_wait(struct lpipe *p)
{
    if (pthread_cond_wait(&p->cv, &p->mu) != 0)
        abort();
}

static void pipe_signal(struct lpipe *p)
{
    if (pthread_cond_broadcast(&p->cv) != 0)
        abort();
}

/* Writes job j's claims with the caller's render (learn_render) into
 * j->text, for its thread to write out as they are. */
static void write_claims(struct wjob *j)
{
    const learn_state *s = j->snap;
    if (s->render == NULL || j->out.n == 0)
        return;
    if (j->text.max == 0)
        tally_buf_init(&j->text, (size_t)1 << 30);
    tally_buf_clear(&j->text);
    if (s->render(s->render_ctx, &j->out, &j->text)) {
        j->out.text = j->text.ptr;
        j->out.text_len = j->text.len;
    }
}

static void *pipe_thread(void *arg)
{
    struct lpipe *p = arg;
    pipe_lock(p);
    for (;;) {
        struct wjob *j = &p->job[p->next];
        if (j->state != JOB_QUEUED) {
            if (p->quit)
                break;
            pipe_wait(p);
            continue;
        }
        p->next = (p->next + 1) % PIPE_SLOTS;
        pipe_unlock(p);
        mem_copy(j->snap, p->mem);
        decide_window(j->snap, &j->out, j->snap->warena);
        mem_copy(p->mem, j->snap);
        write_claims(j);
        pipe_lock(p);
        j->state = JOB_DONE;
        pipe_signal(p);
    }
    pipe_unlock(p);
    return NULL;
}

/* A window's buffers (the fields window_clear empties). */
typedef struct wbufs {
    struct wblock *wb;
    size_t cap_wb;
    tally_arena *warena;
    tally_buf wtext;
    struct lblock *lb;
    size_t cap_lb;
    tally_buf ltext;
} wbufs;

static wbufs take_bufs(learn_state *l)
{
    return (wbufs){l->wb, l->cap_wb, l->warena, l->wtext, l->lb, l->cap_lb, l->ltext};
}

static void put_bufs(learn_state *l, wbufs b)
{
    l->wb = b.wb;
    l->cap_wb = b.cap_wb;
    l->warena = b.warena != NULL ? b.warena : tally_arena_new();
    l->wtext = b.wtext;
    l->lb = b.lb;
    l->cap_lb = b.cap_lb;
    l->ltext = b.ltext;
    if (b.warena == NULL) {
        tally_buf_init(&l->wtext, (size_t)1 << 31);
        tally_buf_init(&l->ltext, (size_t)1 << 31);
    }
    l->n_wb = 0;
    l->w_claims = 0;
    l->flushed = false;
    l->n_lb = 0;
    l->deferred = false;
}

/* Whether full windows go to the second thread. */
static bool piped(const learn_state *l)
{
    return l->threads > 1 && l->sink == NULL && !l->explain && l->model != NULL;
}

/* The job the last call gave out, free again (its claims are read). */
static void pipe_recycle(learn_state *l)
{
    struct lpipe *p = l->pipe;
    if (p == NULL || p->out == SIZE_MAX)
        return;
    struct wjob *j = &p->job[p->out];
    tally_arena_rewind(j->snap->warena);
    tally_buf_clear(&j->snap->wtext);
    tally_buf_clear(&j->snap->ltext);
    pipe_lock(p);
    j->state = JOB_FREE;
    pipe_unlock(p);
    p->out = SIZE_MAX;
}

/* Hands the full window over to the second thread (started on first use);
 * false when no thread can be started: decide it here. */
static bool pipe_submit(learn_state *l)
{
    struct lpipe *p = l->pipe;
    if (p == NULL) {
        p = tally_xcalloc(1, sizeof *p);
        p->out = SIZE_MAX;
        p->mem = tally_xcalloc(1, sizeof *p->mem);
        mem_copy(p->mem, l); /* (the title's: the blocks' mentions wait, read_deferred) */
        if (pthread_mutex_init(&p->mu, NULL) != 0 || pthread_cond_init(&p->cv, NULL) != 0)
            abort(); /* (no resources on Linux) */
        if (pthread_create(&p->thread, NULL, pipe_thread, p) != 0) {
            pthread_cond_destroy(&p->cv);
            pthread_mutex_destroy(&p->mu);
            free(p->mem);
            free(p);
            l->threads = 1;
            return false;
        }
        p->started = true;
        l->pipe = p;
    }
    struct wjob *j = &p->job[(p->head + p->n) % PIPE_SLOTS];
    if (j->snap == NULL)
        j->snap = tally_xcalloc(1, sizeof *j->snap);
    wbufs spare = take_bufs(j->snap);
    *j->snap = *l; /* the window goes with the snapshot */
    j->snap->pipe = NULL;
    if (l->headline_source != NULL) {
        size_t hn = strlen(l->headline_source); /* (shorter: the extractor's is as long) */
        hn = hn < sizeof j->headline ? hn : sizeof j->headline - 1;
        memcpy(j->headline, l->headline_source, hn);
        j->headline[hn] = '\0';
        j->snap->headline_source = j->headline;
    }
    put_bufs(l, spare);
    pipe_lock(p);
    j->state = JOB_QUEUED;
    p->n++;
    pipe_signal(p);
    pipe_unlock(p);
    return true;
}

/* Gives out the oldest window handed over into `out`: when it is decided,
 * or (wait) once it is. False when none is given out. */
static bool pipe_deliver(learn_state *l, tally_claims *out, bool wait)
{
    struct lpipe *p = l->pipe;
    if (p == NULL || p->n == 0)
        return false;
    struct wjob *j = &p->job[p->head];
    pipe_lock(p);
    while (wait && j->state != JOB_DONE)
        pipe_wait(p);
    bool done = j->state == JOB_DONE;
    if (done)
        j->state = JOB_OUT;
    pipe_unlock(p);
    if (!done)
        return false;
    *out = j->out;
    p->out = p->head;
    p->head = (p->head + 1) % PIPE_SLOTS;
    p->n--;
    return true;
}

static void pipe_free(struct lpipe *p)
{
    if (p == NULL)
        return;
    pipe_lock(p);
    p->quit = true;
    pipe_signal(p);
    pipe_unlock(p);
    if (p->started && pthread_join(p->thread, NULL) != 0)
        abort(); /* a thread made here and joined once */
    for (size_t i = 0; i < PIPE_SLOTS; i++) {
        learn_state *s = p->job[i].snap;
        if (s == NULL)
            continue;
        tally_arena_free(s->warena);
        tally_buf_free(&s->wtext);
        tally_buf_free(&s->ltext);
        free(s->wb);
        free(s->lb);
        free(s);
        tally_buf_free(&p->job[i].text);
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p->mem);
    free(p);
}

static void window_clear(learn_state *l)
{
    tally_arena_rewind(l->warena);
    tally_buf_clear(&l->wtext);
    tally_buf_clear(&l->ltext);
    l->n_lb = 0;
    l->n_wb = 0;
    l->w_claims = 0;
    l->flushed = false;
}

/* The words of in's sentences (in->sw) copied into `a`, or NULL for none. */
static learn_words *copy_words(tally_arena *a, const learn_block_in *in)
{
    if (in->sw == NULL)
        return NULL;
    learn_words *sw = tally_arena_alloc(a, (in->n_ss + 1) * sizeof *sw);
    for (size_t i = 0; i < in->n_ss; i++)
        sw[i] =
            (learn_words){copy_of(a, in->sw[i].v, in->sw[i].n * sizeof *in->sw[i].v), in->sw[i].n};
    return sw;
}

/* Keeps block `in`, in no window, for read_deferred. */
static void defer_block(learn_state *l, const learn_block_in *in)
{
    if (l->n_lb == l->cap_lb) {
        l->cap_lb = l->cap_lb ? l->cap_lb * 2 : 16;
        l->lb = tally_xrealloc(l->lb, l->cap_lb * sizeof *l->lb);
    }
    if (l->n_lb == 0 && l->n_wb == 0)
        l->wstart = in->offset; /* (a snapshot of no window: learn_undecided_from) */
    struct lblock *b = &l->lb[l->n_lb++];
    b->in = *in;
    b->in.text = NULL;
    b->in.ss = NULL;
    b->in.figs = NULL;
    b->in.prop = NULL;
    b->in.am = copy_of(l->warena, in->am, in->n_am * sizeof *in->am);
    b->in.sw = copy_words(l->warena, in);
    b->text_at = l->ltext.len;
    b->index = l->block;
    if (tally_buf_append(&l->ltext, in->text, in->len) != 0)
        abort(); /* at most WINDOW_TEXT and a block of max_block bytes */
}

/* learn_block, but for giving out what the second thread decided. */
static void take_block(learn_state *l, const learn_block_in *in, tally_claim *v, size_t n,
                       tally_arena *a, tally_claims *out)
{
    if (l->flushed)
        window_clear(l);
    l->block++;
    if (l->sink != NULL && tally_buf_append(&l->sink->body, in->text, in->len) != 0)
        abort(); /* the body, for training: its limit is the text's */
    bool keep = l->n_wb > 0 || n > 0;
    tally_arena *wa = keep ? l->warena : a;
    beside *mb = tally_arena_alloc(wa, (in->n_am + 1) * sizeof *mb);
    pname *names = NULL;
    size_t n_names = 0;
    /* with the second thread, the mentions are read there (read_deferred):
     * this one reads on */
    bool defer = piped(l);
    if (!defer)
        read_mentions(l, in->text, in, l->block, mb, &names, &n_names, wa, v, n);
    else if (!keep && (in->n_am > 0 || in->sw != NULL))
        defer_block(l, in);
    for (size_t i = 0; i < n; i++) {
        const tally_claim *c = &v[i];
        if (c->unit == TALLY_UNIT_MONEY) {
            memcpy(l->last_currency, c->currency, 4);
        } else if (c->unit != TALLY_UNIT_PERCENT) {
            l->have_unit = true;
            l->last_unit = c->unit;
            l->last_items = c->items;
        }
    }
    if (!keep) {
        /* blocks without claims wait for a window no longer than one */
        if (defer && l->ltext.len >= WINDOW_TEXT && !pipe_submit(l))
            decide_window(l, out, a);
        return;
    }
    /* into the window */
    if (l->n_wb == 0)
        l->wstart = in->offset;
    if (tally_buf_append(&l->wtext, in->text, in->len) != 0)
        abort(); /* a window holds a few blocks of at most max_block bytes */
    if (l->n_wb == l->cap_wb) {
        l->cap_wb = l->cap_wb ? l->cap_wb * 2 : 16;
        l->wb = tally_xrealloc(l->wb, l->cap_wb * sizeof *l->wb);
    }
    struct wblock *w = &l->wb[l->n_wb++];
    memset(w, 0, sizeof *w);
    w->in = *in;
    w->in.text = NULL;
    w->text_at = in->offset - l->wstart;
    w->index = l->block;
    w->mb = mb;
    w->names = names;
    w->n_names = n_names;
    w->in.am = copy_of(wa, in->am, in->n_am * sizeof *in->am);
    w->in.ss = copy_of(wa, in->ss, in->n_ss * sizeof *in->ss);
    w->in.figs = copy_of(wa, in->figs, in->n_figs * sizeof *in->figs);
    w->in.prop = NULL;
    w->claims = copy_of(wa, v, n * sizeof *v);
    for (size_t i = 0; i < n; i++) /* strings the block's arena holds */
        w->claims[i].source = arena_dup(wa, v[i].source);
    w->props = copy_of(wa, in->prop, n * sizeof *in->prop);
    w->in.sw = copy_words(wa, in);
    w->n = n;
    l->deferred = l->deferred || defer;
    l->w_claims += n;
    if (l->wtext.len >= WINDOW_TEXT || l->w_claims >= WINDOW_CLAIMS)
        if (!piped(l) || !pipe_submit(l))
            decide_window(l, out, a);
}

void learn_block(learn_state *l, const learn_block_in *in, tally_claim *v, size_t n, tally_arena *a,
                 tally_claims *out)
{
    out->v = NULL;
    out->n = 0;
    out->body = in->text;
    out->body_offset = in->offset;
    pipe_recycle(l);
    take_block(l, in, v, n, a, out);
    /* the oldest window handed over, when decided; at once when as many
     * wait as may */
    if (l->pipe != NULL)
        pipe_deliver(l, out, l->pipe->n >= PIPE_DEPTH);
}

bool learn_finish(learn_state *l, tally_claims *out, tally_arena *a)
{
    pipe_recycle(l);
    if (l->flushed)
        window_clear(l);
    if (l->pipe == NULL || (l->pipe->n == 0 && l->n_wb == 0)) {
        decide_window(l, out, a);
        return false;
    }
    /* windows wait on the second thread: the last one too, then each in turn */
    if (l->n_wb > 0 && !pipe_submit(l)) {
        decide_window(l, out, a);
        return false;
    }
    pipe_deliver(l, out, true);
    return l->pipe->n > 0;
}

size_t learn_undecided_from(const learn_state *l)
{
    /* windows are given out in order: the oldest handed over, else the one
     * being filled (wstart is set before a window is handed over and not
     * written after) */
    if (l->pipe != NULL && l->pipe->n > 0)
        return l->pipe->job[l->pipe->head].snap->wstart;
    return l->n_wb > 0 && !l->flushed ? l->wstart : SIZE_MAX;
}
