/* The claim extractor: figures become claims once they say what was counted,
 * between which states, who says so, when, and how hedged.
 *
 * Per block: sentences (segment.h), figures (figure.h), actors (actor.h) and
 * time expressions (when.h) are found once; then each figure with a counted
 * noun is read against the words of its sentence (claimwords.gperf). The
 * extractor keeps what the document said before: the people it named (for
 * "Shin said" and "the defence minister said"), the states it is about (for
 * claims that name neither), and the speaker and dates of the paragraph.
 *
 * Time is linear in the input, whatever its shape (issue 13): a figure's
 * look-back and look-ahead never leave its sentence, which is at most
 * TALLY_SENTENCE_MAX bytes (segment.h cuts longer ones), and what is read
 * across sentences is state kept as the text goes (the speaker, the last
 * count an equivalence restates, at most MAX_PEOPLE people and
 * MAX_COUNTRIES states), never a search back through the block. A new rule
 * (or a learned decision) keeps to that window: its features come from the
 * sentence, or from state updated once per sentence or claim.
 *
 * Part of stage 2, extract: includes the public headers of base, the model and
 * read, and extract's own. */
#include "tally/extract.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "extract.h"
#include "learn.h"
#include "tally/actor.h"
#include "tally/ascii.h"
#include "tally/figure.h"
#include "tally/segment.h"

enum { MAX_PEOPLE = 64, MAX_NAME = 120, MAX_COUNTRIES = 16 };

/* The state at war that the reports in scope are about: arms flow to it, food
 * and oil flow back, and what it produces it keeps. */
static const char war_state[4] = "RUS";

struct tally_extractor {
    tally_date date;
    /* officials named so far, for surnames and roles */
    struct person {
        const tally_actor *actor;
        char written[MAX_NAME]; /* the name as the document first wrote it in full */
        /* the actor's first and last names, for "Shin said": bytes [0,
         * first_len) and [last_at, last_at + last_len) of its name; 0 and 0
         * for a name of one word */
        size_t first_len, last_at, last_len;
    } people[MAX_PEOPLE];
    size_t n_people;
    /* the document's default source: a headline's "... - Bloomberg" */
    char headline_source[MAX_NAME];
    char headline_country[4];
    char outlet_country[4]; /* the country of the outlet in the header */
    /* Russia and Russian as actors, for texts that write them in lower case */
    const tally_actor *russia, *russian;
    /* the dates the last speaker gave, for the sentences of the same briefing */
    char last_source[MAX_NAME];
    tally_date last_since, last_as_of;
    /* how often each state was a party so far: the document's prior */
    char country[MAX_COUNTRIES][4];
    unsigned count[MAX_COUNTRIES];
    size_t n_countries;
    size_t cut_sentences; /* sentences over TALLY_SENTENCE_MAX, cut */
    /* the learned layer (learn.h): NULL when the rules decide alone */
    learn_state *learn;
    tally_learn_model bundled;
    /* the event coder (events.h): NULL when events are not asked for */
    events_state *events;
    tally_learn_model bundled_events;
};

size_t tally_extractor_cut_sentences(const tally_extractor *x)
{
    return x != NULL ? x->cut_sentences : 0;
}

void tally_extractor_free(tally_extractor *x)
{
    if (x != NULL) {
        learn_free(x->learn);
        events_free(x->events);
    }
    free(x);
}

/* ---- words of a sentence ------------------------------------------------ */

typedef struct word {
    size_t start, end; /* bytes of the block */
    const claim_word *cw;
    uint32_t roles;   /* cw's roles, 0 without */
    unsigned char id; /* cw's enum cw_id, CWW_NONE without */
    char punct;       /* for punctuation: the character (',' ';' ':' '(' ')' '-'); 0 for words */
    bool upper;       /* starts with a capital */
    bool ascii;       /* a word of ASCII bytes only, which may be a claim word */
} word;

typedef struct words {
    word *v;
    size_t n;
    /* what its words may hold, for skipping a search: the roles of all and
     * whether one is ';' (of a sentence: a part of one keeps them) */
    uint32_t roles;
    bool semi;
} words;

/* What a byte is to split_words: a letter or digit (W), clause punctuation
 * (P: , ; : ( ) "), a byte of a multi-byte character (H) or else (0). One
 * load a byte instead of a chain of compares: every byte of a sentence with
 * a figure passes here. */
enum { B_OTHER, B_WORD, B_PUNCT, B_HIGH };
#define W B_WORD
#define P B_PUNCT
#define H B_HIGH
static const unsigned char byte_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
    0, 0, P, 0, 0, 0, 0, 0, P, P, 0, 0, P, 0, 0, 0, /* 0x20  !"#$%&'()*+,-./ */
    W, W, W, W, W, W, W, W, W, W, P, P, 0, 0, 0, 0, /* 0x30 0-9 :;<=>? */
    0, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, /* 0x40 @A-O */
    W, W, W, W, W, W, W, W, W, W, W, 0, 0, 0, 0, 0, /* 0x50 P-Z[\]^_ */
    0, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, /* 0x60 `a-o */
    W, W, W, W, W, W, W, W, W, W, W, 0, 0, 0, 0, 0, /* 0x70 p-z{|}~ */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0x80 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0x90 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xA0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xB0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xC0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xD0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xE0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H  /* 0xF0 */
};
#undef W
#undef P
#undef H

static int class_at(const char *t, size_t i)
{
    return byte_class[(unsigned char)t[i]];
}

/* The end of the letters and digits from t[i]. Four bytes a step while four
 * are left: one bound test for four loads, on every byte of a word. */
static size_t alnum_end(const char *t, size_t i, size_t end)
{
    const unsigned char *p = (const unsigned char *)t + i, *e = (const unsigned char *)t + end;
    for (; e - p >= 4; p += 4) {
        if (byte_class[p[0]] != B_WORD)
            return (size_t)(p - (const unsigned char *)t);
        if (byte_class[p[1]] != B_WORD)
            return (size_t)(p + 1 - (const unsigned char *)t);
        if (byte_class[p[2]] != B_WORD)
            return (size_t)(p + 2 - (const unsigned char *)t);
        if (byte_class[p[3]] != B_WORD)
            return (size_t)(p + 3 - (const unsigned char *)t);
    }
    while (p < e && byte_class[*p] == B_WORD)
        p++;
    return (size_t)(p - (const unsigned char *)t);
}

/* The end of the word that starts at t[i] (i itself when there is none):
 * letters, digits, inner hyphens and apostrophes, letters of other scripts
 * and the typographic apostrophe. Sets `*ascii` when it is ASCII only. */
static size_t word_end(const char *t, size_t i, size_t end, bool *ascii)
{
    size_t j = i;
    *ascii = true;
    for (;;) {
        j = alnum_end(t, j, end);
        if (j >= end)
            return j;
        unsigned char d = (unsigned char)t[j];
        if ((d == '-' || d == '\'') && j + 1 < end && class_at(t, j + 1) == B_WORD) {
            j++;
        } else if (d >= 0x80) {
            if (d == 0xE2 && j + 2 < end && (unsigned char)t[j + 1] == 0x80)
                return j; /* quotes, dashes and spaces of U+2000..U+203F */
            if (d == 0xC2)
                return j; /* no-break space, guillemets */
            *ascii = false;
            j++;
        } else {
            return j;
        }
    }
}

/* Words (letters, digits, inner hyphens and apostrophes) and clause
 * punctuation of text[start, end). The words are found first and looked up
 * after, in a loop that keeps little but the word in registers. */
static void split_words(const char *t, size_t start, size_t end, words *out, tally_arena *a)
{
    size_t cap = (end - start) / 2 + 2, n = 0;
    out->roles = 0;
    out->semi = false;
    word *v = tally_arena_alloc(a, cap * sizeof *v);
    size_t i = start;
    while (i < end && n < cap) {
        unsigned char c = (unsigned char)t[i];
        int k = byte_class[c];
        if (k == B_OTHER) {
            i++;
            continue;
        }
        word *w = &v[n];
        if (k == B_PUNCT) {
            *w = (word){i, i + 1, NULL, 0, CWW_NONE, (char)c, false, false};
            out->semi = out->semi || c == ';';
            n++;
            i++;
            continue;
        }
        bool ascii;
        size_t j = word_end(t, i, end, &ascii);
        if (j == i) { /* a multi-byte symbol: skip the whole character */
            i++;
            while (i < end && ((unsigned char)t[i] & 0xC0) == 0x80)
                i++;
            continue;
        }
        *w = (word){i, j, NULL, 0, CWW_NONE, 0, c >= 'A' && c <= 'Z', ascii};
        n++;
        /* the space after a word, the most common separator, at once */
        i = j < end && t[j] == ' ' ? j + 1 : j;
    }
    for (word *w = v; w < v + n; w++) {
        const claim_word *cw = w->ascii ? cw_find(t + w->start, w->end - w->start) : NULL;
        if (cw != NULL) {
            w->cw = cw;
            w->roles = cw->roles;
            w->id = (unsigned char)cw->id;
            out->roles |= cw->roles;
        }
    }
    out->v = v;
    out->n = n;
}

/* The words `ws` for the learned layer (learn.h), in `a`. */
static learn_words words_for_learn(const words *ws, tally_arena *a)
{
    learn_word *v = tally_arena_alloc(a, (ws->n + 1) * sizeof *v);
    for (size_t i = 0; i < ws->n; i++) {
        const word *w = &ws->v[i];
        v[i] = (learn_word){w->start, w->end, w->roles, w->id, w->punct, w->upper};
    }
    return (learn_words){v, ws->n};
}

/* Word `w` is the word `id` names, in any case ("The" is CWW_THE). */
static bool is_word(const word *w, enum cw_id id)
{
    return w->id == id;
}

static bool has_role(const word *w, uint32_t roles)
{
    return (w->roles & roles) != 0;
}

/* Word j, a word of attribution, attributes here: not "wrote off". */
static bool says(const struct words *ws, size_t j)
{
    if (j + 1 < ws->n && is_word(&ws->v[j + 1], CWW_OFF))
        return false;
    /* "Member states have delivered", "reports had shown": a noun */
    if (j + 1 < ws->n && is_word(&ws->v[j + 1], CWW_HAVE))
        return false;
    /* "deliveries reported to the UN" describes; "X told" and "X said" attribute */
    if (j + 1 < ws->n && is_word(&ws->v[j + 1], CWW_TO) && !is_word(&ws->v[j], CWW_TOLD) &&
        !is_word(&ws->v[j], CWW_ACCORDING))
        return false;
    /* "put the total at 10,000" estimates; "the importance it puts on" does not */
    if (is_word(&ws->v[j], CWW_PUT) || is_word(&ws->v[j], CWW_PUTS)) {
        for (size_t k = j + 1; k < ws->n && k < j + 10; k++)
            if (is_word(&ws->v[k], CWW_AT))
                return true;
        return false;
    }
    return true;
}

/* Word j attributes ("said", "according"), unless it is "wrote off". Callers
 * ask of every word, and few have the role: that test is inline. */
static inline bool is_say(const struct words *ws, size_t j)
{
    return has_role(&ws->v[j], CW_SAY) && says(ws, j);
}

/* Index of the first word starting at or after byte `at`. */
static size_t word_at(const words *ws, size_t at)
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

/* ---- what was counted ---------------------------------------------------- */

typedef struct sentence {
    const char *t;                   /* the block's text */
    size_t start, end;               /* the sentence, bytes of the block */
    words ws;                        /* its words */
    const tally_actor_match *actors; /* actors inside it */
    size_t n_actors;
    const tally_figure *figs; /* figures inside it */
    size_t n_figs;
} sentence;

/* A caliber written near the noun: "152mm", "122 mm", "152-mm". */
static double caliber_in(const char *t, size_t start, size_t end)
{
    for (size_t i = start; i < end; i++) {
        if (!tally_is_digit((unsigned char)t[i]) ||
            (i > start && tally_is_digit((unsigned char)t[i - 1])))
            continue;
        double v = 0;
        size_t j = i;
        while (j < end && tally_is_digit((unsigned char)t[j]) && j - i < 4)
            v = v * 10 + (t[j++] - '0');
        if (j < end && (t[j] == ' ' || t[j] == '-'))
            j++;
        if (j + 1 < end && (t[j] == 'm' || t[j] == 'M') && (t[j + 1] == 'm' || t[j + 1] == 'M') &&
            (j + 2 >= end || !tally_is_alpha((unsigned char)t[j + 2])) && v >= 20 && v <= 400)
            return v;
    }
    return 0;
}

/* Whether word `w` of the sentence starts one of its figures. */
static bool starts_figure(const sentence *s, const word *w)
{
    for (size_t i = 0; i < s->n_figs; i++)
        if (s->figs[i].start == w->start)
            return true;
    return false;
}

/* Items named after a carrier or "rounds": "containers of food, fuel and
 * other necessities", "rounds of 122mm rockets". Looks at most 8 words on. */
static uint32_t contents(const sentence *s, size_t k)
{
    uint32_t items = 0;
    if (k >= s->ws.n ||
        !(is_word(&s->ws.v[k], CWW_OF) || is_word(&s->ws.v[k], CWW_WITH) ||
          is_word(&s->ws.v[k], CWW_CARRYING) || is_word(&s->ws.v[k], CWW_CONTAINING)))
        return 0;
    for (size_t j = k + 1; j < s->ws.n && j < k + 9; j++) {
        const word *w = &s->ws.v[j];
        if (w->punct == ';' || w->punct == ':' || w->punct == '(' ||
            has_role(w, CW_OUT | CW_IN | CW_SAY | CW_EQUIV))
            break;
        if (has_role(w, CW_ITEM | CW_UNIT))
            items |= w->cw->items;
        if (is_word(w, CWW_MILITARY) && j + 1 < s->ws.n &&
            (is_word(&s->ws.v[j + 1], CWW_AID) || is_word(&s->ws.v[j + 1], CWW_EQUIPMENT) ||
             is_word(&s->ws.v[j + 1], CWW_SUPPLIES)))
            return TALLY_ITEM_MUNITIONS | TALLY_ITEM_WEAPONS;
        /* "multiple rocket launchers" are what the rounds are for */
        if (is_word(w, CWW_LAUNCHERS) && j > 0 && is_word(&s->ws.v[j - 1], CWW_ROCKET))
            items = (items & ~TALLY_ITEM_WEAPONS) | TALLY_ITEM_ROCKET;
    }
    return items;
}

/* Word w is a model's designator: letters and digits ("F-16", "Su-25"). */
static bool designator(const sentence *s, const word *w)
{
    bool letter = false, digit = false;
    for (size_t i = w->start; i < w->end; i++) {
        unsigned char ch = (unsigned char)s->t[i];
        digit = digit || tally_is_digit(ch);
        letter = letter || tally_is_upper(ch);
    }
    return letter && digit;
}

/* Cue word k modifies the counted noun after it rather than ending the
 * figure's noun phrase: "shipping containers", "launch rocket systems";
 * "and" between two modifiers of one noun: "artillery and rocket shells",
 * "offensive and defensive missiles". */
static bool modifies_noun(const sentence *s, size_t k)
{
    const word *w = &s->ws.v[k];
    if (k + 1 >= s->ws.n || has_role(w, CW_SAY | CW_NEG))
        return false;
    const word *nx = &s->ws.v[k + 1];
    if (nx->punct != 0 || nx->start >= s->end)
        return false;
    if (is_word(w, CWW_AND) || is_word(w, CWW_OR)) {
        /* after a modifier, not after a noun: "Four HIMARS and ammunition" */
        const word *pv = k > 0 ? &s->ws.v[k - 1] : NULL;
        if (pv == NULL || !(has_role(pv, CW_ITEM) ||
                            (pv->cw == NULL && !tally_is_upper((unsigned char)s->t[pv->start]))))
            return false;
        return has_role(nx, CW_ITEM | CW_UNIT) ||
               (nx->cw == NULL && k + 2 < s->ws.n && s->ws.v[k + 2].punct == 0 &&
                s->ws.v[k + 2].start < s->end && has_role(&s->ws.v[k + 2], CW_UNIT));
    }
    return !has_role(w, CW_BREAK) && has_role(nx, CW_ITEM | CW_UNIT);
}

/* The counted noun after figure `f`: sets unit, items, caliber and the end
 * of the claim's text. Returns false when nothing in scope is counted. */
static bool counted(const sentence *s, const tally_figure *f, tally_claim *c)
{
    size_t after = word_at(&s->ws, f->end);
    size_t at = word_at(&s->ws, f->start);
    if (f->kind == TALLY_FIG_MONEY) {
        /* "$7,000 per drone", "costs $20,000 each": a unit price */
        if ((after < s->ws.n && has_role(&s->ws.v[after], CW_PRICE)) ||
            (at > 0 && has_role(&s->ws.v[at - 1], CW_PRICE)) ||
            (after + 1 < s->ws.n && is_word(&s->ws.v[after], CWW_A) &&
             (is_word(&s->ws.v[after + 1], CWW_PIECE) || is_word(&s->ws.v[after + 1], CWW_UNIT))))
            return false;
        c->unit = TALLY_UNIT_MONEY;
        memcpy(c->currency, f->currency, sizeof c->currency);
        c->items = TALLY_ITEM_MONEY;
        c->end = f->end;
        return true;
    }
    if (f->kind == TALLY_FIG_PERCENT) {
        /* a share of production or of a quota; port and market statistics
         * are out of scope */
        bool scope = false;
        for (size_t j = 0; j < s->ws.n && !scope; j++)
            scope = has_role(&s->ws.v[j], CW_PRODUCE) || is_word(&s->ws.v[j], CWW_CAPACITY) ||
                    is_word(&s->ws.v[j], CWW_QUOTA);
        if (!scope)
            return false;
        c->unit = TALLY_UNIT_PERCENT;
        c->items = TALLY_ITEM_PRODUCTION_CAPACITY;
        c->end = f->end;
        return true;
    }
    size_t k = word_at(&s->ws, f->end);
    uint32_t modifiers = 0; /* "oil tankers", "freight railcars" */
    for (size_t skipped = 0; k < s->ws.n && skipped < 6; k++, skipped++) {
        const word *w = &s->ws.v[k];
        if (w->punct != 0 && w->punct != '"')
            return false;
        if (w->start >= s->end)
            return false;
        /* another figure: this one counts nothing ("2 or 3 drones" is two claims) */
        if (starts_figure(s, w))
            return false;
        /* "rocket launchers", "tank shells": the compound's last noun counts */
        for (;;) {
            if (has_role(w, CW_UNIT) && k + 1 < s->ws.n && s->ws.v[k + 1].punct == 0 &&
                has_role(&s->ws.v[k + 1], CW_UNIT) && s->ws.v[k + 1].start < s->end) {
                w = &s->ws.v[++k];
                continue;
            }
            /* "drone detection systems": a word the lexicon does not know
             * between two counted nouns */
            if (has_role(w, CW_UNIT) && k + 2 < s->ws.n && s->ws.v[k + 1].punct == 0 &&
                s->ws.v[k + 1].cw == NULL &&
                !tally_is_upper((unsigned char)s->t[s->ws.v[k + 1].start]) &&
                s->ws.v[k + 2].punct == 0 && has_role(&s->ws.v[k + 2], CW_UNIT) &&
                s->ws.v[k + 2].start < s->end) {
                k += 2;
                w = &s->ws.v[k];
                continue;
            }
            break;
        }
        if (has_role(w, CW_UNIT)) {
            /* "half of the shells" counts no shells */
            if ((f->has_low && f->low < 1) || (!f->has_low && f->has_high && f->high < 1))
                return false;
            c->unit = (tally_unit)w->cw->unit;
            c->items = w->cw->items;
            c->end = w->end;
            if (c->unit == TALLY_UNIT_MISSILE && k > 0 && has_role(&s->ws.v[k - 1], CW_CRUISE))
                c->items = TALLY_ITEM_CRUISE_MISSILE;
            /* "F-16 fighters", "Su-25 fighters": a model's people are aircraft */
            if (c->unit == TALLY_UNIT_PERSON && k > 0 && designator(s, &s->ws.v[k - 1])) {
                c->unit = TALLY_UNIT_VEHICLE;
                c->items = TALLY_ITEM_VEHICLE;
            }
            /* "unmanned aerial vehicles" count drones */
            if (c->unit == TALLY_UNIT_VEHICLE && (modifiers & TALLY_ITEM_DRONE)) {
                c->unit = TALLY_UNIT_DRONE;
                c->items = TALLY_ITEM_DRONE;
            }
            uint32_t inside = (w->cw->roles & (CW_CARRIER | CW_ROUNDS)) ? contents(s, k + 1) : 0;
            if (inside != 0)
                c->items = inside;
            else if (modifiers != 0 && (w->cw->roles & CW_CARRIER))
                c->items = modifiers;
            /* "rockets and artillery shells": both are counted */
            if (k + 2 < s->ws.n &&
                (is_word(&s->ws.v[k + 1], CWW_AND) || is_word(&s->ws.v[k + 1], CWW_OR))) {
                for (size_t j = k + 2; j < s->ws.n && j < k + 5; j++) {
                    const word *o = &s->ws.v[j];
                    /* "4 systems and 18 howitzers": the second has its own figure */
                    if (o->punct != 0 || has_role(o, CW_OUT | CW_IN | CW_SAY) ||
                        starts_figure(s, o))
                        break;
                    if (has_role(o, CW_UNIT) && (tally_unit)o->cw->unit == c->unit) {
                        c->items |= o->cw->items;
                        c->end = o->end;
                        break;
                    }
                }
            }
            c->caliber_mm = caliber_in(s->t, f->end, k + 8 < s->ws.n ? s->ws.v[k + 8].end : s->end);
            return true;
        }
        if (has_role(w, CW_ITEM))
            modifiers |= w->cw->items;
        if (has_role(w, CW_OUT | CW_IN | CW_SAY | CW_PLAN | CW_CONSUME | CW_EQUIV | CW_NEG |
                            CW_BREAK) &&
            !modifies_noun(s, k))
            return false;
    }
    /* "the number of artillery shells ... could be as high as 3 million" */
    for (size_t j = 0; j + 2 < at; j++) {
        if (!is_word(&s->ws.v[j], CWW_NUMBER) || !is_word(&s->ws.v[j + 1], CWW_OF))
            continue;
        for (size_t u = j + 2; u < at && u < j + 6; u++)
            if (has_role(&s->ws.v[u], CW_UNIT)) {
                c->unit = (tally_unit)s->ws.v[u].cw->unit;
                c->items = s->ws.v[u].cw->items;
                c->end = f->end;
                return true;
            }
    }
    return false;
}

/* "Seventy of 250 drones were destroyed": a part counted by its fate is an
 * outcome, which is out of scope (the 250 stays). */
static bool outcome(const sentence *s, const tally_figure *f)
{
    size_t k = word_at(&s->ws, f->end);
    if (k >= s->ws.n || !is_word(&s->ws.v[k], CWW_OF) || k + 1 >= s->ws.n)
        return false;
    bool whole = false;
    for (size_t i = 0; i < s->n_figs && !whole; i++)
        whole = s->figs[i].start == s->ws.v[k + 1].start ||
                (k + 2 < s->ws.n && s->figs[i].start == s->ws.v[k + 2].start);
    if (!whole)
        return false;
    for (size_t j = 0; j < s->ws.n; j++)
        if (has_role(&s->ws.v[j], CW_OUTCOME))
            return true;
    return false;
}

/* ---- what kind of claim ---------------------------------------------------- */

/* The nearest cue before the figure decides: "accommodate" makes an
 * equivalence, "fired" a consumption, "purchasing" a plan, "shipped" a
 * transfer. Money is financial unless it values goods moved. */
static tally_kind kind_of(const sentence *s, const tally_figure *f, tally_claim *c)
{
    size_t k = word_at(&s->ws, f->start);
    if (c->unit == TALLY_UNIT_MONEY) {
        /* "$300 million worth of components": the value of goods moved */
        size_t after = word_at(&s->ws, f->end);
        if (after + 1 < s->ws.n && is_word(&s->ws.v[after], CWW_WORTH) &&
            is_word(&s->ws.v[after + 1], CWW_OF)) {
            c->why_kind.start = s->ws.v[after].start;
            c->why_kind.end = s->ws.v[after + 1].end;
            c->why_kind.rule = TALLY_WHY_VALUE_OF_GOODS;
            uint32_t goods = 0;
            for (size_t j = after + 2; j < s->ws.n && j < after + 6; j++)
                if (has_role(&s->ws.v[j], CW_ITEM | CW_UNIT))
                    goods |= s->ws.v[j].cw->items;
            c->items = goods != 0 ? goods : TALLY_ITEM_GOODS;
            return TALLY_KIND_TRANSFER;
        }
        c->why_kind.rule = TALLY_WHY_MONEY;
        for (size_t j = 0; j < s->ws.n; j++)
            if (has_role(&s->ws.v[j], CW_DEBT)) {
                c->items = TALLY_ITEM_DEBT_RELIEF;
                c->why_kind.start = s->ws.v[j].start;
                c->why_kind.end = s->ws.v[j].end;
            }
        return TALLY_KIND_FINANCIAL;
    }
    if (c->unit == TALLY_UNIT_PERCENT) {
        c->why_kind.rule = TALLY_WHY_PERCENT;
        return TALLY_KIND_PRODUCTION;
    }
    /* "the 24 missiles fired": a participle right after the noun */
    size_t e = word_at(&s->ws, c->end);
    if (e < s->ws.n && has_role(&s->ws.v[e], CW_CONSUME)) {
        c->why_kind.start = s->ws.v[e].start;
        c->why_kind.end = s->ws.v[e].end;
        c->why_kind.rule = TALLY_WHY_PARTICIPLE;
        return TALLY_KIND_CONSUMPTION;
    }
    while (k-- > 0) {
        const word *w = &s->ws.v[k];
        uint32_t r = w->roles;
        tally_kind kind;
        if (r & CW_EQUIV)
            kind = TALLY_KIND_EQUIVALENCE;
        else if (r & CW_CONSUME)
            kind = TALLY_KIND_CONSUMPTION;
        else if (r & CW_PLAN)
            kind = TALLY_KIND_PLANNED;
        else if (r & CW_PRODUCE)
            kind = TALLY_KIND_PRODUCTION;
        else if ((r & CW_CASUALTY) && c->unit == TALLY_UNIT_PERSON)
            kind = TALLY_KIND_CASUALTY;
        else if (r & CW_STOCK)
            kind = TALLY_KIND_STOCK;
        else if (r & (CW_OUT | CW_IN)) {
            kind = TALLY_KIND_TRANSFER;
            /* "arrangements for moving", "plans to send": not done yet */
            for (size_t j = k; j-- > 0 && k - j <= 4;)
                if (has_role(&s->ws.v[j], CW_PLAN) && !has_role(&s->ws.v[j], CW_IN | CW_OUT)) {
                    kind = TALLY_KIND_PLANNED;
                    break;
                }
        } else {
            continue;
        }
        c->why_kind.start = w->start;
        c->why_kind.end = w->end;
        c->why_kind.rule = TALLY_WHY_NEAREST_VERB;
        return kind;
    }
    c->why_kind.rule = TALLY_WHY_DEFAULT;
    return TALLY_KIND_TRANSFER;
}

/* ---- between which states ------------------------------------------------ */

static bool is_party(const tally_actor *a)
{
    return a->country[0] != '\0' &&
           (a->kind == TALLY_ACTOR_STATE || a->kind == TALLY_ACTOR_DEMONYM ||
            a->kind == TALLY_ACTOR_PLACE);
}

/* The word just before byte `at` in the sentence, or NULL. */
static const word *word_before(const sentence *s, size_t at)
{
    size_t k = word_at(&s->ws, at);
    return k > 0 ? &s->ws.v[k - 1] : NULL;
}

/* A state after "at", "on", "in", "against" is a place or a target, not a
 * party: "fired at Ukraine", "the war in Ukraine", "speaking in Kyiv". */
static bool located(const word *before)
{
    return before != NULL && has_role(before, CW_LOCATE);
}

static void set_party(char *dst, tally_reason *why, const tally_actor_match *m, tally_why rule)
{
    memcpy(dst, m->actor->country, 4);
    why->start = m->start;
    why->end = m->end;
    why->rule = rule;
}

/* `code` is an actor's or a claim's char[4]: an alpha-3 code and its NUL, or
 * "" (four bytes to compare, one word, where strcmp is a call). */
static void note_country(tally_extractor *x, const char *code)
{
    if (code[0] == '\0')
        return;
    for (size_t i = 0; i < x->n_countries; i++)
        if (memcmp(x->country[i], code, 4) == 0) {
            x->count[i]++;
            return;
        }
    if (x->n_countries < MAX_COUNTRIES) {
        memcpy(x->country[x->n_countries], code, 4);
        x->count[x->n_countries++] = 1;
    }
}

/* States named in a part of a claim count three times a mere mention. */
static void note_parties(tally_extractor *x, const tally_claim *c)
{
    for (int i = 0; i < 3; i++) {
        note_country(x, c->supplier);
        note_country(x, c->recipient);
    }
}

/* The states the document is most about, most named first. */
static void top_two(const tally_extractor *x, const char **a, const char **b)
{
    *a = *b = NULL;
    unsigned ca = 0, cb = 0;
    for (size_t i = 0; i < x->n_countries; i++) {
        if (x->count[i] > ca) {
            *b = *a;
            cb = ca;
            *a = x->country[i];
            ca = x->count[i];
        } else if (x->count[i] > cb) {
            *b = x->country[i];
            cb = x->count[i];
        }
    }
}

/* Goods that flow to the war's buyers rather than from them: with only the
 * two states known, arms go to the state at war, food, oil and money come
 * back. */
static bool returns_to_supplier(uint32_t items)
{
    unsigned f = tally_item_families(items);
    return (f & (TALLY_ITEM_FAM_GOODS | TALLY_ITEM_FAM_MONEY)) != 0 && !(f & TALLY_ITEM_FAM_ARMS);
}

/* What a state's place in the sentence says of its part in a claim. */
typedef enum clue { CLUE_NONE, CLUE_SUPPLIER, CLUE_RECIPIENT } clue;

typedef struct party_clue {
    const tally_actor_match *m;
    clue role;
    size_t distance; /* bytes from the figure; 0 for the item's own demonym */
    tally_why rule;
} party_clue;

/* The clue of mention `m` for figure `f`: "to X", "from X", "by X", "supplying
 * X (with)", "X sent", "X received", "X fired", "North Korean missiles". */
static party_clue clue_of(const sentence *s, const tally_figure *f, const tally_claim *c,
                          const tally_actor_match *m)
{
    party_clue pc = {m, CLUE_NONE, 0, TALLY_WHY_NONE};
    pc.distance = m->start > f->start ? m->start - f->start : f->start - m->start;
    const word *before = word_before(s, m->start);
    size_t k = word_at(&s->ws, m->end); /* the word after the mention */
    bool carrier = (tally_unit_term(c->unit)->family & TALLY_UNIT_FAM_CARRIER) != 0;
    if (m->start > f->start && m->start <= c->end &&
        (carrier || m->actor->kind != TALLY_ACTOR_DEMONYM)) {
        /* "five Russian railcars", "U.S.-sanctioned ships": whose carrier,
         * not whose goods */
        pc.role = CLUE_NONE;
    } else if (m->actor->kind == TALLY_ACTOR_DEMONYM && m->start > f->start && m->start <= c->end) {
        pc.role = CLUE_SUPPLIER;
        pc.distance = 0;
        pc.rule = TALLY_WHY_DEMONYM;
    } else if (before != NULL && is_word(before, CWW_TO)) {
        pc.role = CLUE_RECIPIENT;
        pc.rule = TALLY_WHY_TO_X;
    } else if (before != NULL && is_word(before, CWW_FROM)) {
        pc.role = CLUE_SUPPLIER;
        pc.rule = TALLY_WHY_FROM_X;
    } else if (before != NULL && is_word(before, CWW_BY) && m->start > f->start) {
        pc.role = CLUE_SUPPLIER;
        pc.rule = TALLY_WHY_BY_X;
    } else if (before != NULL && has_role(before, CW_OUT)) {
        pc.role = CLUE_RECIPIENT;
        pc.rule = TALLY_WHY_SUPPLYING_X;
    } else if (!located(before)) {
        /* "X sent", "X has reportedly shipped", "X received", "X fired" */
        for (size_t j = k; j < s->ws.n && j < k + 4; j++) {
            const word *w = &s->ws.v[j];
            /* "Kyiv said Moscow received": a speaker, not the subject */
            if (w->punct != 0 || is_say(&s->ws, j))
                break;
            if (has_role(w, CW_IN | CW_CONSUME)) {
                pc.role = CLUE_RECIPIENT;
                pc.rule = TALLY_WHY_RECEIVER;
                break;
            }
            if (has_role(w, CW_OUT | CW_PRODUCE | CW_EQUIV)) {
                pc.role = CLUE_SUPPLIER;
                pc.rule = TALLY_WHY_SENDER;
                break;
            }
        }
    }
    return pc;
}

static void parties_of(tally_extractor *x, const sentence *s, const tally_figure *f, tally_claim *c,
                       const tally_reason *src);

static void parties(tally_extractor *x, const sentence *s, const tally_figure *f, tally_claim *c,
                    const tally_reason *src)
{
    parties_of(x, s, f, c, src);
    /* "Russia's shell production": the state at war making its own goes to
     * no one unless the sentence names a recipient */
    if (c->kind == TALLY_KIND_PRODUCTION && strcmp(c->supplier, war_state) == 0 &&
        (c->why_recipient.rule == TALLY_WHY_NONE ||
         (tally_why_term(c->why_recipient.rule)->family & TALLY_WHY_FAM_DOCUMENT))) {
        c->recipient[0] = '\0';
        c->why_recipient.rule = TALLY_WHY_OWN_PRODUCTION;
    }
}

static void parties_of(tally_extractor *x, const sentence *s, const tally_figure *f, tally_claim *c,
                       const tally_reason *src)
{
    bool flip = false;
    for (size_t j = 0; (s->ws.roles & CW_RETURN) && j + 1 < s->ws.n; j++)
        if (is_word(&s->ws.v[j], CWW_IN) && has_role(&s->ws.v[j + 1], CW_RETURN))
            flip = true;
    /* the nearest clue decides each role; the item's demonym goes first */
    party_clue best_sup = {NULL, CLUE_NONE, SIZE_MAX, TALLY_WHY_NONE};
    party_clue best_rec = {NULL, CLUE_NONE, SIZE_MAX, TALLY_WHY_NONE};
    /* the figure's own clause when ';' joins several */
    size_t clause_lo = s->start, clause_hi = s->end;
    for (size_t j = 0; s->ws.semi && j < s->ws.n; j++)
        if (s->ws.v[j].punct == ';') {
            if (s->ws.v[j].end <= f->start)
                clause_lo = s->ws.v[j].end;
            else if (clause_hi == s->end)
                clause_hi = s->ws.v[j].start;
        }
    for (size_t i = 0; i < s->n_actors; i++) {
        const tally_actor_match *m = &s->actors[i];
        if (!is_party(m->actor) || m->start < clause_lo || m->end > clause_hi)
            continue;
        /* "South Korea said": the state is the source here */
        if (src->end > src->start && m->start >= src->start && m->end <= src->end)
            continue;
        party_clue pc = clue_of(s, f, c, m);
        if (pc.role == CLUE_SUPPLIER && pc.distance < best_sup.distance)
            best_sup = pc;
        else if (pc.role == CLUE_RECIPIENT && pc.distance < best_rec.distance)
            best_rec = pc;
    }
    if (best_sup.m != NULL)
        set_party(c->supplier, &c->why_supplier, best_sup.m, best_sup.rule);
    if (best_rec.m != NULL && strcmp(best_rec.m->actor->country, c->supplier) != 0)
        set_party(c->recipient, &c->why_recipient, best_rec.m, best_rec.rule);
    note_parties(x, c);
    /* a factory's share of its capacity goes to no one */
    if (c->unit == TALLY_UNIT_PERCENT && c->kind == TALLY_KIND_PRODUCTION) {
        if (c->supplier[0] == '\0') {
            const char *a1, *b1;
            top_two(x, &a1, &b1);
            if (a1 != NULL && strcmp(a1, "RUS") == 0)
                a1 = b1;
            if (a1 != NULL) {
                memcpy(c->supplier, a1, 4);
                c->why_supplier.rule = TALLY_WHY_DOC_PRODUCER;
            }
        }
        c->recipient[0] = '\0';
        return;
    }
    /* what the sentence leaves open comes from the document's two states */
    const char *a, *b;
    top_two(x, &a, &b);
    if (c->supplier[0] != '\0' && c->recipient[0] == '\0' && a != NULL) {
        const char *other = strcmp(a, c->supplier) != 0 ? a : b;
        if (other != NULL) {
            memcpy(c->recipient, other, 4);
            c->why_recipient.rule = TALLY_WHY_DOC_OTHER_STATE;
        }
        return;
    }
    if (c->recipient[0] != '\0' && c->supplier[0] == '\0' && a != NULL) {
        const char *other = strcmp(a, c->recipient) != 0 ? a : b;
        if (other != NULL) {
            memcpy(c->supplier, other, 4);
            c->why_supplier.rule = TALLY_WHY_DOC_OTHER_STATE;
        }
        return;
    }
    if (a != NULL && b != NULL && c->supplier[0] == '\0' && c->recipient[0] == '\0') {
        const char *sup = a, *rec = b;
        /* the pair's usual direction: toward Russia for arms */
        if (strcmp(a, war_state) == 0) {
            sup = b;
            rec = a;
        }
        if (returns_to_supplier(c->items) || flip) {
            const char *tmp = sup;
            sup = rec;
            rec = tmp;
        }
        memcpy(c->supplier, sup, 4);
        memcpy(c->recipient, rec, 4);
        c->why_supplier.rule = TALLY_WHY_DOC_STATES;
        c->why_recipient.rule = TALLY_WHY_DOC_STATES;
    }
}

/* ---- who says so ------------------------------------------------------------ */

typedef struct source {
    const char *name; /* in the arena or the extractor */
    char country[4];
    bool outlet; /* an outlet's own reporting: a named speaker goes first */
    tally_reason why;
} source;

/* A person the document named before whose surname (first or last name:
 * "Kirby", "Shin") is `w`, or who holds the role that `w` names for the
 * country `country` ("the defence minister"). */
static const struct person *known_person(const tally_extractor *x, const char *t, const word *w,
                                         const char *country)
{
    size_t n = w->end - w->start;
    for (size_t i = x->n_people; i-- > 0;) {
        const struct person *p = &x->people[i];
        const char *name = p->actor->name;
        if ((p->first_len == n && memcmp(t + w->start, name, n) == 0) ||
            (p->last_len == n && memcmp(t + w->start, name + p->last_at, n) == 0))
            return p;
    }
    if (country == NULL || !has_role(w, CW_OFFICE))
        return NULL;
    for (size_t i = x->n_people; i-- > 0;)
        if (strcmp(x->people[i].actor->country, country) == 0)
            return &x->people[i];
    return NULL;
}

/* Words that may stand between a speaker and the verb: "Kirby also said",
 * "the NIS here claimed", "officials on Monday said". */
static bool filler(const words *ws, size_t k)
{
    const word *w = &ws->v[k];
    if (has_role(w, CW_FILL))
        return true;
    return (is_word(w, CWW_ON) || is_word(w, CWW_LAST) || is_word(w, CWW_THIS)) && k + 1 < ws->n;
}

/* "EU spokesman Peter Stano", "Pentagon spokesman Major General Pat Ryder":
 * a body's office, then a person's name that ends the words [from, to) of
 * the attribution. The person is the source, by the most specific name
 * (CLAIMS.md). Returns the name's first word, or SIZE_MAX. */
static size_t person_after_office(const sentence *s, size_t from, size_t to, size_t at)
{
    size_t j = from;
    while (j < to && s->ws.v[j].start < at)
        j++;
    if (j >= to || !has_role(&s->ws.v[j], CW_OFFICE))
        return SIZE_MAX;
    while (j < to && has_role(&s->ws.v[j], CW_OFFICE | CW_TITLE))
        j++;
    if (to - j < 2 || to - j > 4)
        return SIZE_MAX;
    for (size_t k = j; k < to; k++)
        if (!s->ws.v[k].upper || has_role(&s->ws.v[k], CW_OFFICE | CW_TITLE | CW_BODY))
            return SIZE_MAX;
    return j;
}

/* Builds the source from the words [from, to) of the sentence: an actor in
 * them if there is one (an official first), else the words themselves. */
static bool source_in(const tally_extractor *x, const sentence *s, size_t from, size_t to,
                      bool near_only, tally_arena *a, source *out)
{
    if (from >= to)
        return false;
    size_t lo = s->ws.v[from].start, hi = s->ws.v[to - 1].end;
    const tally_actor_match *best = NULL;
    for (size_t i = 0; i < s->n_actors; i++) {
        const tally_actor_match *m = &s->actors[i];
        if (m->start < lo || m->end > hi)
            continue;
        bool official = m->actor->kind == TALLY_ACTOR_OFFICIAL;
        bool best_official = best != NULL && best->actor->kind == TALLY_ACTOR_OFFICIAL;
        if (best == NULL || official || (!best_official && !is_party(m->actor)))
            best = m;
    }
    /* the words, without a leading article */
    size_t k = from;
    while (k < to && (is_word(&s->ws.v[k], CWW_THE) || is_word(&s->ws.v[k], CWW_A) ||
                      is_word(&s->ws.v[k], CWW_AN)))
        k++;
    if (k >= to)
        return false;
    /* a surname or a role the document has named */
    char country[4] = "";
    if (best != NULL)
        memcpy(country, best->actor->country, 4);
    for (size_t j = k; j < to; j++) {
        const struct person *p = known_person(x, s->t, &s->ws.v[j], country[0] ? country : NULL);
        if (p != NULL && (best == NULL || best->actor->kind != TALLY_ACTOR_OFFICIAL)) {
            out->name = p->written;
            out->outlet = false;
            memcpy(out->country, p->actor->country, 4);
            out->why.start = s->ws.v[j].start;
            out->why.end = s->ws.v[j].end;
            out->why.rule = TALLY_WHY_NAMED_PERSON;
            return true;
        }
    }
    size_t named = best != NULL && best->actor->kind != TALLY_ACTOR_OFFICIAL
                       ? person_after_office(s, k, to, best->end)
                       : SIZE_MAX;
    if (named != SIZE_MAX) {
        out->name = tally_arena_strndup(a, s->t + s->ws.v[named].start, hi - s->ws.v[named].start);
        out->outlet = false;
        memcpy(out->country, best->actor->country, 4);
        out->why.start = s->ws.v[named].start;
        out->why.end = hi;
        out->why.rule = TALLY_WHY_ATTRIBUTION_ACTOR;
        return true;
    }
    if (best != NULL && (!is_party(best->actor) || !near_only || best->end == hi ||
                         best->start == s->ws.v[k].start)) {
        /* named as written ("Shin Wonsik", "NIS"); a state or demonym with a
         * body keeps it ("U.S. officials", "South Korean intelligence") */
        size_t from_at = best->start, to_at = best->end;
        if (is_party(best->actor) && best->end < hi)
            to_at = hi;
        if (to_at - from_at > 4 && strncmp(s->t + from_at, "the ", 4) == 0)
            from_at += 4;
        if (to_at - from_at > 4 && strncmp(s->t + from_at, "The ", 4) == 0)
            from_at += 4;
        out->name = tally_arena_strndup(a, s->t + from_at, to_at - from_at);
        out->outlet = best->actor->kind == TALLY_ACTOR_OUTLET;
        /* "Kirby said": the full name written before */
        if (best->actor->kind == TALLY_ACTOR_OFFICIAL && strchr(out->name, ' ') == NULL)
            for (size_t i = 0; i < x->n_people; i++)
                if (x->people[i].actor == best->actor)
                    out->name = x->people[i].written;
        memcpy(out->country, best->actor->country, 4);
        out->why.start = best->start;
        out->why.end = best->end;
        out->why.rule = TALLY_WHY_ATTRIBUTION_ACTOR;
        return true;
    }
    if (near_only && !s->ws.v[k].upper && to - k > 4)
        return false;
    /* "he said", "the publication reports": the speaker named before */
    if (has_role(&s->ws.v[to - 1], CW_PRONOUN) || has_role(&s->ws.v[k], CW_PRONOUN))
        return false;
    out->name = tally_arena_strndup(a, s->t + s->ws.v[k].start, hi - s->ws.v[k].start);
    out->outlet = false;
    /* "the defense ministry said" in a Korean paper is Korea's ministry */
    out->country[0] = '\0';
    for (size_t j = k; j < to; j++)
        if (has_role(&s->ws.v[j], CW_BODY))
            memcpy(out->country, x->outlet_country, 4);
    out->why.start = s->ws.v[k].start;
    out->why.end = hi;
    out->why.rule = TALLY_WHY_ATTRIBUTION_WORDS;
    return true;
}

/* Word `w` of `s` is inside a name the actor table knows: "States" of
 * "the United States said" is no verb. */
static bool in_name(const sentence *s, const word *w)
{
    for (size_t i = 0; i < s->n_actors; i++)
        if (s->actors[i].start <= w->start && w->end <= s->actors[i].end)
            return true;
    return false;
}

/* "X said", "X told", "X claims": the words before the verb. */
static bool say_subject(const tally_extractor *x, const sentence *s, tally_arena *a, source *out)
{
    for (size_t j = 0; j < s->ws.n; j++) {
        const word *w = &s->ws.v[j];
        if (!is_say(&s->ws, j) || is_word(w, CWW_ACCORDING) || in_name(s, w))
            continue;
        /* "quoted the NIS as saying": the one quoted */
        if ((is_word(w, CWW_QUOTED) || is_word(w, CWW_CITED)) && j + 2 < s->ws.n) {
            size_t e = j + 1;
            while (e < s->ws.n && e < j + 8 && !is_word(&s->ws.v[e], CWW_AS))
                e++;
            if (e < s->ws.n && is_word(&s->ws.v[e], CWW_AS) &&
                source_in(x, s, j + 1, e, false, a, out))
                return true;
        }
        /* "cited by Reuters", "reported by Yonhap" */
        if (j + 2 < s->ws.n && is_word(&s->ws.v[j + 1], CWW_BY)) {
            size_t e = j + 2;
            while (e < s->ws.n && s->ws.v[e].punct == 0 && e < j + 8)
                e++;
            if (source_in(x, s, j + 2, e, false, a, out))
                return true;
        }
        size_t e = j;
        while (e > 0 && filler(&s->ws, e - 1))
            e--;
        /* "The FT, citing Ukrainian intelligence, reported": the one cited */
        if (e > 1 && s->ws.v[e - 1].punct == ',')
            for (size_t q = e - 1; q-- > 0 && e - q < 12 && s->ws.v[q].punct == 0;)
                if (is_word(&s->ws.v[q], CWW_CITING)) {
                    if (source_in(x, s, q + 1, e - 1, false, a, out))
                        return true;
                    break;
                }
        size_t b = e, named_end = e;
        /* "the Defense Intelligence Agency (DIA) said": the speaker's
         * acronym in brackets stays with the name before it, which names
         * the speaker when the actor table knows it */
        if (b > 3 && s->ws.v[b - 1].punct == ')' && s->ws.v[b - 2].punct == 0 &&
            s->ws.v[b - 3].punct == '(' && s->ws.v[b - 4].punct == 0 && s->ws.v[b - 2].upper)
            b = named_end = b - 3;
        while (b > 0 && s->ws.v[b - 1].punct == 0 && e - b < 16 &&
               !has_role(&s->ws.v[b - 1], CW_SAY | CW_OUT | CW_IN | CW_HEDGE) &&
               !is_word(&s->ws.v[b - 1], CWW_THAT) && !is_word(&s->ws.v[b - 1], CWW_TO) &&
               !is_word(&s->ws.v[b - 1], CWW_CAN))
            b--;
        /* "Vadym Skibitskyi, deputy chief of ..., told": past the apposition,
         * when the words before the verb name no official */
        bool official = false;
        for (size_t i = 0; i < s->n_actors && b < e; i++)
            official = official || (s->actors[i].actor->kind == TALLY_ACTOR_OFFICIAL &&
                                    s->actors[i].start >= s->ws.v[b].start &&
                                    s->actors[i].end <= s->ws.v[e - 1].end);
        if (!official) {
            /* the nearest official within 30 words, with no verb between */
            size_t lo = e > 30 ? e - 30 : 0;
            for (size_t i = s->n_actors; i-- > 0;) {
                const tally_actor_match *m = &s->actors[i];
                if (m->actor->kind != TALLY_ACTOR_OFFICIAL || m->end > s->ws.v[j].start ||
                    m->start < s->ws.v[lo].start)
                    continue;
                bool verb = false;
                for (size_t q = word_at(&s->ws, m->end); q < j && !verb; q++)
                    verb = has_role(&s->ws.v[q], CW_SAY | CW_OUT | CW_IN | CW_CONSUME);
                if (verb)
                    break;
                size_t mb = word_at(&s->ws, m->start), me = word_at(&s->ws, m->end);
                if (source_in(x, s, mb, me, false, a, out))
                    return true;
                break;
            }
        }
        if (named_end < e && source_in(x, s, b, named_end, true, a, out) &&
            out->why.rule != TALLY_WHY_ATTRIBUTION_WORDS)
            return true;
        if (source_in(x, s, b, e, true, a, out))
            return true;
    }
    return false;
}

/* The byte of the last dash (" -", en or em dash) in the last 80 bytes of
 * text[start, end), which may set off a headline's source; SIZE_MAX when
 * there is none. No word starts at that byte. */
static size_t headline_dash(const char *t, size_t start, size_t end)
{
    size_t lo = end - start > 80 ? end - 80 : start + 1;
    for (size_t i = end; i-- > lo;) {
        if (t[i] == '-' && t[i - 1] == ' ')
            return i;
        /* en and em dashes are E2 80 93 / 94 */
        if (i >= start + 2 && (unsigned char)t[i - 2] == 0xE2 && (unsigned char)t[i - 1] == 0x80 &&
            ((unsigned char)t[i] == 0x93 || (unsigned char)t[i] == 0x94))
            return i;
    }
    return SIZE_MAX;
}

/* Whether one of the actors of sentence `s` is not a state. */
static bool names_other_than_states(const sentence *s)
{
    for (size_t m = 0; m < s->n_actors; m++)
        if (!is_party(s->actors[m].actor))
            return true;
    return false;
}

/* A headline's source: "... sends shells to Russia - Bloomberg". */
static bool headline_source(const tally_extractor *x, const sentence *s, tally_arena *a,
                            source *out)
{
    /* the source is an actor not a state: look for a dash only with one */
    if (!names_other_than_states(s))
        return false;
    size_t i = headline_dash(s->t, s->start, s->end);
    if (i == SIZE_MAX)
        return false;
    size_t k = word_at(&s->ws, i);
    if (s->ws.n - k > 6 || k >= s->ws.n)
        return false;
    for (size_t m = 0; m < s->n_actors; m++)
        if (s->actors[m].start >= s->ws.v[k].start && !is_party(s->actors[m].actor)) {
            if (!source_in(x, s, k, s->ws.n, false, a, out))
                return false;
            /* "- WSJ": the name the outlet goes by in full */
            out->name = s->actors[m].actor->name;
            out->why.rule = TALLY_WHY_HEADLINE_SOURCE;
            return true;
        }
    return false;
}

/* Whether sentence `s` (its words not split yet) may give the document its
 * headline's source: only if it has none yet and an actor not a state
 * follows a dash (headline_source() asks for both). */
static bool may_name_headline_source(const tally_extractor *x, const sentence *s)
{
    if (x->headline_source[0] != '\0' || !names_other_than_states(s))
        return false;
    size_t i = headline_dash(s->t, s->start, s->end);
    for (size_t m = 0; m < s->n_actors && i != SIZE_MAX; m++)
        if (s->actors[m].start > i && !is_party(s->actors[m].actor))
            return true;
    return false;
}

static bool source_of(const tally_extractor *x, const sentence *s, tally_arena *a, source *out)
{
    source acc, say;
    bool have_acc = false, have_say = say_subject(x, s, a, &say);
    /* "according to X" */
    for (size_t j = 0; j + 2 < s->ws.n && !have_acc; j++) {
        if (!is_word(&s->ws.v[j], CWW_ACCORDING) || !is_word(&s->ws.v[j + 1], CWW_TO))
            continue;
        size_t e = j + 2, from = j + 2;
        while (e < s->ws.n && s->ws.v[e].punct == 0 && e < j + 12)
            e++;
        /* "according to BBC reports citing Western officials" */
        for (size_t q = j + 2; q + 1 < e; q++)
            if (is_word(&s->ws.v[q], CWW_CITING))
                from = q + 1;
        have_acc = source_in(x, s, from, e, false, a, &acc);
    }
    /* an official's statement relayed by an outlet is the official's */
    if (have_acc && !(acc.outlet && have_say && say.why.rule != TALLY_WHY_NONE &&
                      say.why.rule != TALLY_WHY_ATTRIBUTION_WORDS)) {
        *out = acc;
        return true;
    }
    if (have_say) {
        *out = say;
        return true;
    }
    return headline_source(x, s, a, out);
}

/* A sentence of clauses joined by ';' may attribute each: "HUR gave 1.5
 * million shells; CSIS counted 25 trips". The figure's own clause speaks
 * first; returns false when the sentence has one clause or that clause
 * attributes nothing. */
static bool clause_source(const tally_extractor *x, const sentence *s, const tally_figure *f,
                          tally_arena *a, source *out)
{
    size_t lo = 0, hi = s->ws.n;
    bool semi = false;
    for (size_t j = 0; s->ws.semi && j < s->ws.n; j++) {
        if (s->ws.v[j].punct != ';')
            continue;
        semi = true;
        if (s->ws.v[j].start < f->start)
            lo = j + 1;
        else if (hi == s->ws.n)
            hi = j;
    }
    if (!semi || lo >= hi)
        return false;
    sentence c = *s;
    c.ws.v = s->ws.v + lo;
    c.ws.n = hi - lo;
    c.start = c.ws.v[0].start;
    c.end = c.ws.v[c.ws.n - 1].end;
    size_t a0 = 0;
    while (a0 < s->n_actors && s->actors[a0].start < c.start)
        a0++;
    size_t a1 = a0;
    while (a1 < s->n_actors && s->actors[a1].end <= c.end)
        a1++;
    c.actors = s->actors != NULL ? s->actors + a0 : NULL;
    c.n_actors = a1 - a0;
    return source_of(x, &c, a, out);
}

/* ---- hedges and dates ------------------------------------------------------ */

static bool hedged(const sentence *s, const tally_figure *f)
{
    size_t k = word_at(&s->ws, f->start);
    /* an attribution between a hedge and the figure starts a new statement:
     * "This may reflect what Shin claims amounts to 9,000 containers" */
    size_t from = 0;
    for (size_t j = 0; j < k; j++)
        if (is_say(&s->ws, j) && !has_role(&s->ws.v[j], CW_HEDGE) &&
            !is_word(&s->ws.v[j], CWW_ACCORDING))
            from = j + 1;
    for (size_t j = from; j < k; j++) {
        const word *w = &s->ws.v[j];
        if (!has_role(w, CW_HEDGE))
            continue;
        /* "estimates that", "reported that": the attribution, not a hedge */
        if (has_role(w, CW_SAY) && !is_word(w, CWW_ESTIMATED) && !is_word(w, CWW_BELIEVED))
            continue;
        return true;
    }
    return false;
}

static bool same_date(tally_date a, tally_date b)
{
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

/* The time expressions nearest the figure decide: a "since" and an "as of"
 * (a span gives both when neither is stated). Offsets of `wh` are relative to
 * the sentence. */
static void dates_for(const tally_whens *wh, size_t fig, size_t fig_end, tally_date *since,
                      tally_date *as_of)
{
    size_t ds = SIZE_MAX, da = SIZE_MAX, dspan = SIZE_MAX;
    const tally_when *span = NULL;
    memset(since, 0, sizeof *since);
    memset(as_of, 0, sizeof *as_of);
    for (size_t i = 0; i < wh->n; i++) {
        const tally_when *w = &wh->v[i];
        size_t d = w->start >= fig_end ? w->start - fig_end : w->end <= fig ? fig - w->end : 0;
        if (w->role == TALLY_WHEN_SINCE && d < ds) {
            ds = d;
            *since = w->date;
        } else if (w->role == TALLY_WHEN_AS_OF && d < da) {
            da = d;
            *as_of = w->date;
        } else if (w->role == TALLY_WHEN_SPAN && d < dspan) {
            dspan = d;
            span = w;
        }
    }
    /* "in 2012" dates the claim; "between March and May" also starts it */
    if (span != NULL && since->year == 0 && as_of->year == 0) {
        if (tally_date_cmp(span->date, span->end_date) != 0)
            *since = span->date;
        *as_of = span->end_date;
    }
}

/* ---- the block ---------------------------------------------------------------- */

/* Many Ukrainian outlets write "russia" and "russian" in lower case since
 * 2022; the actor table (case-sensitive names) does not see them. Adds those
 * words as mentions, keeping the array sorted. */
static void lowercase_russia(const tally_extractor *x, const char *t, size_t n,
                             tally_actor_matches *am, tally_arena *a)
{
    if (x->russia == NULL || x->russian == NULL)
        return;
    /* look for its rarest letter, which comes second */
    size_t extra = 0;
    for (const char *p = t; (p = memchr(p, 'u', (size_t)(t + n - p))) != NULL; p++)
        if (p > t && (size_t)(t + n - p) >= 5 && memcmp(p - 1, "russia", 6) == 0)
            extra++;
    if (extra == 0)
        return;
    tally_actor_match *v = tally_arena_alloc(a, (am->n + extra) * sizeof *v);
    size_t k = 0, i = 0;
    for (size_t at = 0; at + 6 <= n; at++) {
        if (t[at] != 'r' || memcmp(t + at, "russia", 6) != 0 ||
            (at > 0 && tally_is_alpha((unsigned char)t[at - 1])))
            continue;
        size_t e = at + 6;
        const tally_actor *who = x->russia;
        if (e < n && t[e] == 'n') {
            e++;
            who = x->russian;
            if (e < n && t[e] == 's')
                e++;
        }
        if (e < n && tally_is_alpha((unsigned char)t[e]))
            continue;
        while (i < am->n && am->v[i].start < at)
            v[k++] = am->v[i++];
        if (i < am->n && am->v[i].start < e)
            continue; /* already matched */
        v[k++] = (tally_actor_match){at, e, who};
    }
    while (i < am->n)
        v[k++] = am->v[i++];
    am->v = v;
    am->n = k;
}

/* The word before byte `at` in `t` (for remember(), which has no sentence). */
static bool located_at(const char *t, size_t at)
{
    size_t e = at;
    while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\n'))
        e--;
    size_t b = e;
    while (b > 0 && tally_is_alpha((unsigned char)t[b - 1]))
        b--;
    if (e == b)
        return false;
    const claim_word *cw = cw_find(t + b, e - b);
    return cw != NULL && (cw->roles & CW_LOCATE) != 0;
}

/* True when the word after byte `at` attributes: "Seoul said", "Kyiv says" —
 * a state named as a speaker is not one the document is about. */
static bool speaks(const char *t, size_t n, size_t at)
{
    size_t b = at;
    while (b < n && (t[b] == ' ' || t[b] == '\n'))
        b++;
    size_t e = b;
    while (e < n && tally_is_alpha((unsigned char)t[e]))
        e++;
    const claim_word *w = e > b ? cw_find(t + b, e - b) : NULL;
    return w != NULL && (w->roles & CW_SAY) != 0 && !(w->roles & CW_HEDGE);
}

static void remember(tally_extractor *x, const char *t, size_t n, const tally_actor_matches *am)
{
    for (size_t i = 0; i < am->n; i++) {
        const tally_actor *p = am->v[i].actor;
        if (is_party(p) && !located_at(t, am->v[i].start) && !speaks(t, n, am->v[i].end))
            note_country(x, p->country);
        if (p->kind != TALLY_ACTOR_OFFICIAL)
            continue;
        bool seen = false;
        for (size_t j = 0; j < x->n_people && !seen; j++)
            seen = x->people[j].actor == p;
        size_t len = am->v[i].end - am->v[i].start;
        /* a surname alone ("Kirby") is no full name to write */
        if (seen || x->n_people >= MAX_PEOPLE || len >= MAX_NAME ||
            memchr(t + am->v[i].start, ' ', len) == NULL)
            continue;
        struct person *np = &x->people[x->n_people++];
        np->actor = p;
        memcpy(np->written, t + am->v[i].start, len);
        np->written[len] = '\0';
        const char *sp = strchr(p->name, ' ');
        np->first_len = np->last_at = np->last_len = 0;
        if (sp != NULL) {
            const char *last = strrchr(p->name, ' ') + 1;
            np->first_len = (size_t)(sp - p->name);
            np->last_at = (size_t)(last - p->name);
            np->last_len = strlen(last);
        }
    }
}

/* The speaker a claim takes when its own sentence or clause names none: the
 * last one named before it in the paragraph. */
typedef struct speaker {
    source carry;
    unsigned family; /* the families of items it carries to (tally_item_families) */
    bool fresh;      /* named in a sentence none of whose claims is seen yet */
} speaker;

/* Reads the speaker of sentence `s`, splitting its words if they are not
 * yet, and makes it the one that carries; returns whether it names one. */
static bool read_speaker(tally_extractor *x, sentence *s, tally_arena *a, speaker *sp)
{
    if (s->ws.v == NULL)
        split_words(s->t, s->start, s->end, &s->ws, a);
    source src;
    if (!source_of(x, s, a, &src))
        return false;
    sp->carry = src;
    /* a speaker with no figure of their own carries to any figure; one
     * with figures, to figures about the same things */
    sp->family = ~0u;
    sp->fresh = true;
    /* a headline's "- Bloomberg" speaks for the whole report */
    if (x->headline_source[0] == '\0' && src.why.rule == TALLY_WHY_HEADLINE_SOURCE &&
        strlen(src.name) < MAX_NAME) {
        strcpy(x->headline_source, src.name);
        memcpy(x->headline_country, src.country, 4);
    }
    return true;
}

static int block_events(tally_extractor *x, const tally_block *b, const tally_sentences *ss,
                        const tally_actor_matches *am, const tally_claim *v, size_t n,
                        tally_arena *a, tally_claims *out, tally_err *err);

int tally_extract_block(tally_extractor *x, const tally_block *b, tally_claims *out, tally_arena *a,
                        tally_err *err)
{
    tally_span text = {b->text, b->len};
    tally_sentences ss;
    tally_figures figs;
    tally_actor_matches am;
    out->v = NULL;
    out->n = 0;
    out->text = NULL;
    out->text_len = 0;
    int rc = tally_figures_scan(text, &figs, a, err);
    if (rc == 0)
        rc = tally_actors_scan(text, &am, a, err);
    if (rc == 0)
        lowercase_russia(x, b->text, b->len, &am, a);
    if (rc != 0)
        return rc;
    remember(x, b->text, b->len, &am);
    /* learned layer: shares in words are figures too */
    if (x->learn != NULL)
        learn_fractions(b->text, b->len, &figs);
    learn_block_in lin = {b->text, b->len, b->offset, NULL, 0,   am.v,
                          am.n,    figs.v, figs.n,    NULL, NULL};
    out->body = b->text;
    out->body_offset = b->offset;
    out->events = (tally_events){NULL, 0, b->text, b->offset};
    if (figs.n == 0) { /* most paragraphs: nothing more to read */
        if (x->learn != NULL)
            learn_block(x->learn, &lin, NULL, 0, a, out);
        return x->events != NULL ? block_events(x, b, NULL, &am, NULL, 0, a, out, err) : 0;
    }
    rc = tally_segment(text, &ss, a, err);
    if (rc != 0)
        return rc;
    x->cut_sentences += ss.cut;
    size_t cap = figs.n, n = 0;
    tally_claim *v = tally_arena_alloc(a, cap * sizeof *v);
    learn_prop *prop = tally_arena_alloc(a, cap * sizeof *prop);
    learn_words *sw = NULL;
    if (x->learn != NULL) {
        sw = tally_arena_alloc(a, (ss.n + 1) * sizeof *sw);
        memset(sw, 0, (ss.n + 1) * sizeof *sw);
    }
    speaker sp = {{NULL, "", false, {0, 0, TALLY_WHY_NONE}}, 0, false};
    /* Sentences whose speaker is not read yet: it is when a claim comes
     * that may take it, and most sentences have none after them in their
     * paragraph. */
    sentence *pending = tally_arena_alloc(a, ss.n * sizeof *pending);
    size_t n_pending = 0;
    tally_date carry_since = {0, 0, 0}, carry_as_of = {0, 0, 0};
    size_t fi = 0, ai = 0;
    /* the block's last claim that is not an equivalence (SIZE_MAX: none
     * yet), kept as claims come rather than searched for: a block of
     * equivalences would make that search quadratic */
    size_t last_count = SIZE_MAX;
    for (size_t si = 0; si < ss.n; si++) {
        sentence s = {b->text, ss.v[si].start, ss.v[si].end, {NULL, 0, 0, false}, NULL, 0, NULL, 0};
        while (fi < figs.n && figs.v[fi].start < s.start)
            fi++;
        size_t f0 = fi;
        while (fi < figs.n && figs.v[fi].end <= s.end)
            fi++;
        /* (no arithmetic on a NULL array: a block may have no actors) */
        s.figs = figs.v != NULL ? figs.v + f0 : NULL;
        s.n_figs = fi - f0;
        while (ai < am.n && am.v[ai].start < s.start)
            ai++;
        size_t a0 = ai;
        while (ai < am.n && am.v[ai].end <= s.end)
            ai++;
        s.actors = am.v != NULL ? am.v + a0 : NULL;
        s.n_actors = ai - a0;
        if (s.n_figs == 0) { /* its words are split with its speaker, if ever */
            pending[n_pending++] = s;
            continue;
        }
        split_words(b->text, s.start, s.end, &s.ws, a);
        if (sw != NULL)
            sw[si] = words_for_learn(&s.ws, a);
        pending[n_pending++] = s;
        bool own = false; /* this sentence names a speaker */
        /* the sentence's dates, read with its first claim: most figures
         * count nothing in scope, and their sentences need no dates */
        tally_whens wh = {NULL, 0};
        bool have_dates = false;
        for (size_t i = 0; i < s.n_figs; i++) {
            const tally_figure *f = &s.figs[i];
            tally_claim *c = &v[n];
            memset(c, 0, sizeof *c);
            c->sentence_start = b->offset + s.start;
            c->sentence_end = b->offset + s.end;
            c->start = f->start;
            /* learned layer: a figure the rules pass over may be a candidate */
            prop[n] = (learn_prop){LEARN_BY_NOUN, 0};
            if (outcome(&s, f))
                continue;
            if (counted(&s, f, c)) {
                if (x->learn != NULL)
                    learn_noun_alternatives(b->text, &sw[si], c, &prop[n]);
            } else if (x->learn == NULL || !learn_propose(x->learn, b->text, &sw[si], s.figs,
                                                          s.n_figs, f, c, &prop[n])) {
                continue;
            }
            /* the speakers of the sentences up to this one, in order */
            for (size_t p = 0; p < n_pending; p++)
                own = read_speaker(x, &pending[p], a, &sp);
            n_pending = 0;
            c->has_low = f->has_low;
            c->has_high = f->has_high;
            c->low = f->low;
            c->high = f->high;
            c->qualifier = f->qualifier;
            c->kind = kind_of(&s, f, c);
            source clause;
            bool own_clause = clause_source(x, &s, f, a, &clause);
            const source *said = own_clause ? &clause : &sp.carry;
            parties(x, &s, f, c,
                    said->name != NULL ? &said->why : &(tally_reason){0, 0, TALLY_WHY_NONE});
            /* an equivalence restates the count before it: same states */
            if (c->kind == TALLY_KIND_EQUIVALENCE && last_count < n) {
                const tally_claim *p = &v[last_count];
                memcpy(c->supplier, p->supplier, 4);
                memcpy(c->recipient, p->recipient, 4);
                c->why_supplier = p->why_supplier;
                c->why_recipient = p->why_recipient;
                c->why_supplier.rule = TALLY_WHY_RESTATED_COUNT;
                c->why_recipient.rule = TALLY_WHY_RESTATED_COUNT;
            } else if (c->kind != TALLY_KIND_EQUIVALENCE) {
                last_count = n;
            }
            c->hedged = hedged(&s, f);
            if (!have_dates && tally_when_scan((tally_span){b->text + s.start, s.end - s.start},
                                               x->date, &wh, a, NULL) != 0)
                wh.n = 0;
            have_dates = true;
            tally_date since, as_of;
            dates_for(&wh, f->start - s.start, f->end - s.start, &since, &as_of);
            if (since.year == 0 && as_of.year == 0) {
                /* the briefing's dates carry: this paragraph's, else the
                 * same speaker's before */
                since = carry_since;
                as_of = carry_as_of;
                if (since.year == 0 && as_of.year == 0 && sp.carry.name != NULL &&
                    strcmp(sp.carry.name, x->last_source) == 0) {
                    since = x->last_since;
                    as_of = x->last_as_of;
                }
            } else {
                carry_since = since;
                carry_as_of = as_of;
            }
            c->since = since;
            c->as_of = same_date(as_of, x->date) ? (tally_date){0, 0, 0} : as_of;
            if (sp.carry.name != NULL && strlen(sp.carry.name) < MAX_NAME &&
                (since.year != 0 || as_of.year != 0)) {
                strcpy(x->last_source, sp.carry.name);
                x->last_since = since;
                x->last_as_of = as_of;
            }
            /* a speaker carries to the next sentences about the same things
             * ("the same findings"), not to whatever follows */
            unsigned fam = tally_item_families(c->items) | (1u << (8 + c->unit));
            bool same = own || (sp.family & fam) != 0;
            if (own) {
                sp.family = sp.fresh ? fam : sp.family | fam;
                sp.fresh = false;
            }
            if (!same && !own && tally_date_cmp(c->since, carry_since) == 0 &&
                tally_date_cmp(c->as_of, carry_as_of) == 0 && wh.n == 0) {
                memset(&c->since, 0, sizeof c->since);
                memset(&c->as_of, 0, sizeof c->as_of);
            }
            /* the claim's strings live in the arena, whatever outlives it */
            if (said->name != NULL && (same || own_clause)) {
                c->source = tally_arena_strndup(a, said->name, strlen(said->name));
                memcpy(c->source_country, said->country, 4);
                c->why_source = said->why;
            } else if (x->headline_source[0] != '\0') {
                c->source = tally_arena_strndup(a, x->headline_source, strlen(x->headline_source));
                memcpy(c->source_country, x->headline_country, 4);
                c->why_source.rule = TALLY_WHY_HEADLINE_SOURCE;
            } else {
                c->source = "author";
                c->why_source.rule = TALLY_WHY_UNATTRIBUTED;
            }
            n++;
        }
    }
    /* After the block's last claim a sentence can only name the headline's
     * source, and most cannot: those need no words at all. */
    for (size_t p = 0; p < n_pending; p++)
        if (may_name_headline_source(x, &pending[p]))
            read_speaker(x, &pending[p], a, &sp);
    /* offsets of the text and the reasons into the decoded body */
    for (size_t i = 0; i < n; i++) {
        tally_claim *c = &v[i];
        c->start += b->offset;
        c->end += b->offset;
        tally_reason *why[] = {&c->why_supplier, &c->why_recipient, &c->why_kind, &c->why_item,
                               &c->why_source};
        for (size_t w = 0; w < sizeof why / sizeof why[0]; w++)
            if (why[w]->end > why[w]->start) {
                why[w]->start += b->offset;
                why[w]->end += b->offset;
            }
    }
    out->v = v;
    out->n = n;
    /* learned layer: the models decide on the rules' claims */
    if (x->learn != NULL) {
        lin.ss = ss.v;
        lin.n_ss = ss.n;
        lin.prop = prop;
        lin.sw = sw;
        learn_block(x->learn, &lin, v, n, a, out);
    }
    return x->events != NULL ? block_events(x, b, &ss, &am, v, n, a, out, err) : 0;
}

bool tally_extract_finish(tally_extractor *x, tally_claims *out, tally_arena *a)
{
    out->v = NULL;
    out->n = 0;
    out->body = NULL;
    out->body_offset = 0;
    out->events = (tally_events){NULL, 0, NULL, 0};
    out->text = NULL;
    out->text_len = 0;
    bool more = x->learn != NULL && learn_finish(x->learn, out, a);
    if (x->events != NULL) {
        /* the events whose claims are all given out */
        events_claims(x->events, out->v, out->n);
        events_flush(x->events, more ? learn_undecided_from(x->learn) : SIZE_MAX, a, &out->events);
    }
    return more;
}

/* ---- the extractor ---------------------------------------------------------- */

tally_extractor *tally_extractor_new(tally_date date, const tally_doc_meta *meta)
{
    return tally_extractor_open(date, meta, NULL);
}

/* The extractor of the rules, with the learned layer of `model` and `sink`
 * when either is given. */
static tally_extractor *extractor_new(tally_date date, const tally_doc_meta *meta,
                                      const tally_learn_model *model, learn_sink *sink,
                                      bool explain, unsigned threads);

tally_extractor *tally_extractor_open(tally_date date, const tally_doc_meta *meta,
                                      const tally_extract_opts *opts)
{
    tally_extract_opts none = {.model = NULL};
    if (opts == NULL)
        opts = &none;
    unsigned threads = opts->threads;
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 1 ? (unsigned)(cpus < 64 ? cpus : 64) : 1;
    }
    tally_extractor *x;
    if (opts->rules_only) {
        x = extractor_new(date, meta, NULL, NULL, false, 1);
    } else if (opts->model != NULL) {
        x = extractor_new(date, meta, opts->model, NULL, opts->explain, threads);
    } else {
        x = extractor_new(date, meta, NULL, NULL, false, 1);
        /* the bundled model, viewed in place; a build without one decides by
         * the rules */
        if (learn_model_bundled_view(&x->bundled) && x->bundled.head[LEARN_FIG].present)
            x->learn =
                learn_new(meta, x->headline_source, &x->bundled, NULL, opts->explain, threads);
    }
    if (x->learn != NULL && opts->render != NULL)
        learn_render(x->learn, opts->render, opts->render_ctx);
    if (opts->events) {
        const tally_learn_model *em = opts->event_model;
        if (em == NULL && !opts->rules_only && events_model_bundled_view(&x->bundled_events))
            em = &x->bundled_events;
        x->events = events_new(date, opts->rules_only ? NULL : em, NULL, opts->explain);
    }
    return x;
}

tally_extractor *extract_new_event_collecting(tally_date date, const tally_doc_meta *meta,
                                              const tally_learn_model *claims, ev_sink *sink)
{
    tally_extractor *x = extractor_new(date, meta, claims, NULL, false, 1);
    if (claims == NULL && learn_model_bundled_view(&x->bundled) &&
        x->bundled.head[LEARN_FIG].present)
        x->learn = learn_new(meta, x->headline_source, &x->bundled, NULL, false, 1);
    x->events = events_new(date, NULL, sink, false);
    return x;
}

tally_extractor *extract_new_collecting(tally_date date, const tally_doc_meta *meta,
                                        learn_sink *sink, bool named)
{
    return extractor_new(date, meta, NULL, sink, named, 1);
}

static tally_extractor *extractor_new(tally_date date, const tally_doc_meta *meta,
                                      const tally_learn_model *model, learn_sink *sink,
                                      bool explain, unsigned threads)
{
    tally_extractor *x = tally_xcalloc(1, sizeof *x);
    x->date = date;
    tally_arena *a = tally_arena_new();
    tally_actor_matches am;
    if (tally_actors_scan((tally_span){"Russia Russian", 14}, &am, a, NULL) == 0 && am.n == 2) {
        x->russia = am.v[0].actor;
        x->russian = am.v[1].actor;
    }
    if (model != NULL || sink != NULL)
        x->learn = learn_new(meta, x->headline_source, model, sink, explain, threads);
    if (meta == NULL) {
        tally_arena_free(a);
        return x;
    }
    /* the outlet's country, for "the defense ministry said" */
    if (meta->outlet != NULL &&
        tally_actors_scan((tally_span){meta->outlet, strlen(meta->outlet)}, &am, a, NULL) == 0)
        for (size_t i = 0; i < am.n && x->outlet_country[0] == '\0'; i++)
            memcpy(x->outlet_country, am.v[i].actor->country, 4);
    /* the title's source: "Factory to produce 6,000 Shaheds a year - WSJ" */
    if (meta->title != NULL &&
        tally_actors_scan((tally_span){meta->title, strlen(meta->title)}, &am, a, NULL) == 0) {
        sentence s = {meta->title, 0, strlen(meta->title), {NULL, 0, 0, false}, am.v, am.n,
                      NULL,        0};
        source src;
        split_words(meta->title, 0, s.end, &s.ws, a);
        if (headline_source(x, &s, a, &src) && strlen(src.name) < MAX_NAME) {
            strcpy(x->headline_source, src.name);
            memcpy(x->headline_country, src.country, 4);
        }
    }
    tally_arena_free(a);
    return x;
}

/* ---- events (events.h) -------------------------------------------------------- */

/* For each word of `ws`: whether a figure there would be hedged, as hedged()
 * says (in one pass: the last attribution before it starts its statement,
 * and a hedge after that governs it). */
static void hedges_of(const words *ws, bool *at)
{
    bool hedge = false;
    for (size_t k = 0; k < ws->n; k++) {
        at[k] = hedge;
        const word *w = &ws->v[k];
        if (is_say(ws, k) && !has_role(w, CW_HEDGE) && !is_word(w, CWW_ACCORDING))
            hedge = false;
        if (has_role(w, CW_HEDGE) &&
            !(has_role(w, CW_SAY) && !is_word(w, CWW_ESTIMATED) && !is_word(w, CWW_BELIEVED)))
            hedge = true;
    }
}

/* The events of block `b` (whose sentences are `ss`, NULL when not yet
 * split, and whose rules' claims are v[0, n), body offsets): each sentence
 * with its words, actors, claims, source and hedges goes to the coder. */
static int block_events(tally_extractor *x, const tally_block *b, const tally_sentences *ss,
                        const tally_actor_matches *am, const tally_claim *v, size_t n,
                        tally_arena *a, tally_claims *out, tally_err *err)
{
    tally_sentences own;
    if (ss == NULL) {
        int rc = tally_segment((tally_span){b->text, b->len}, &own, a, err);
        if (rc != 0)
            return rc;
        x->cut_sentences += own.cut;
        ss = &own;
    }
    /* the claims given out now (the learned layer's of an earlier window,
     * or the rules' of this block without it) */
    events_claims(x->events, out->v, out->n);
    events_block(x->events, b->text, b->len, b->offset);
    source carry = {NULL, "", false, {0, 0, TALLY_WHY_NONE}};
    size_t ai = 0, ci = 0;
    for (size_t si = 0; si < ss->n; si++) {
        sentence s = {b->text, ss->v[si].start, ss->v[si].end, {NULL, 0, 0, false}, NULL, 0, NULL,
                      0};
        while (ai < am->n && am->v[ai].start < s.start)
            ai++;
        size_t a0 = ai;
        while (ai < am->n && am->v[ai].end <= s.end)
            ai++;
        s.actors = am->v != NULL ? am->v + a0 : NULL;
        s.n_actors = ai - a0;
        split_words(b->text, s.start, s.end, &s.ws, a);
        source src;
        if (source_of(x, &s, a, &src))
            carry = src;
        const char *name = "author", *country = "";
        if (carry.name != NULL) {
            name = carry.name;
            country = carry.country;
        } else if (x->headline_source[0] != '\0') {
            name = x->headline_source;
            country = x->headline_country;
        }
        bool *hedged_at = tally_arena_alloc(a, (s.ws.n + 1) * sizeof *hedged_at);
        hedges_of(&s.ws, hedged_at);
        while (ci < n && v[ci].sentence_start < b->offset + s.start)
            ci++;
        size_t c0 = ci;
        while (ci < n && v[ci].sentence_start == b->offset + s.start)
            ci++;
        ev_sentence_in in = {b->text,
                             b->offset,
                             s.start,
                             s.end,
                             words_for_learn(&s.ws, a),
                             hedged_at,
                             s.actors,
                             s.n_actors,
                             v != NULL ? v + c0 : NULL,
                             ci - c0,
                             name,
                             country,
                             si == 0};
        events_sentence(x->events, &in, a);
    }
    /* the events whose sentences' claims are all given out: those of the
     * learned layer's decided windows, or the rules' of this block */
    events_flush(x->events, x->learn != NULL ? learn_undecided_from(x->learn) : SIZE_MAX, a,
                 &out->events);
    return 0;
}
