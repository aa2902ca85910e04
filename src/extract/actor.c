/* The actor matcher: finds states, demonyms, capitals, institutions, outlets
 * and officials in a text.
 *
 * The tables are compiled in (tools/gen_actors.c writes actor_table.inc at
 * build time from iso-codes and data/actors.tsv). Every alias is filed under
 * its key, the run of ASCII letters it starts with ("Shin" for "Shin
 * Won-sik", "U" for "U.S."), in a static open-addressing hash table. The scan
 * looks up the key of each word that starts with a capital, a digit or a
 * non-ASCII letter, then compares the rest of the aliases filed under it and
 * keeps the longest: one hash probe per capitalised word, no allocation but
 * the result array. The aliases of a key are in byte order, so those that
 * share a beginning ("South Korea's defence ministry", "South Korea's
 * defense ministry") are compared once as far as they agree.
 * Part of stage 2, extract: includes the public headers of base, the model and
 * read, and extract's own. */
#include "tally/actor.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "actor.h"
#include "tally/ascii.h"
#include "tally/utf8.h"

/* Alias flags (tools/gen_actors.c writes the same values). */
enum {
    FLAG_ARTICLE = 1, /* "the" may precede it and belongs to the mention */
    FLAG_PLURAL = 2   /* a demonym: also matches with a trailing "s" */
};

struct alias_entry {
    const char *text; /* without a leading "the " */
    uint16_t len;
    uint16_t actor; /* index into actor_table */
    uint8_t flags;
    uint8_t share; /* leading bytes shared with the next alias of its key */
    uint16_t rank; /* place among the aliases of its key longest first: a tie
                      of two matches goes to the lower */
};

struct key_slot {
    const char *key; /* the leading ASCII letters of the aliases of this slot */
    uint8_t key_len;
    uint16_t first; /* alias_table[first .. first + count), longest first */
    uint16_t count; /* 0: an empty slot */
};

#include "actor_table.inc"

/* FNV-1a, one byte at a time; must stay the same as tools/gen_actors.c's. */
static const uint32_t fnv_basis = 2166136261u, fnv_prime = 16777619u;

/* What an ASCII byte is to the scan, one table load instead of compares: it
 * starts no mention (NO_START: all but capitals and digits, most bytes of a
 * text) and it continues a word (ALNUM). Bytes from 0x80 up are decoded. */
enum { NO_START = 1, ALNUM = 2 };
#define N NO_START
#define L (NO_START | ALNUM)
#define C ALNUM
#define H 0
static const unsigned char byte_kind[256] = {
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* 0x00 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* 0x10 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, /* 0x20 */
    C, C, C, C, C, C, C, C, C, C, N, N, N, N, N, N, /* 0x30 digits */
    N, C, C, C, C, C, C, C, C, C, C, C, C, C, C, C, /* 0x40 A-O */
    C, C, C, C, C, C, C, C, C, C, C, N, N, N, N, N, /* 0x50 P-Z */
    N, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, /* 0x60 a-o */
    L, L, L, L, L, L, L, L, L, L, L, N, N, N, N, N, /* 0x70 p-z */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0x80 and up: decoded */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0x90 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xA0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xB0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xC0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xD0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0xE0 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H  /* 0xF0 */
};
#undef N
#undef L
#undef C
#undef H

/* Whether one of the eight bytes of `x` may start a mention: a capital, a
 * digit or a byte from 0x80 up. Each byte is a lane: with the top bits
 * cleared, y + (0x80 - lo) sets a lane's top bit when it is >= lo, and
 * y + (0x7f - hi) when it is > hi; no lane carries into the next. */
static bool may_start8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
    uint64_t y = x & ~high;
    uint64_t digit = (y + ones * (0x80 - '0')) & ~(y + ones * (0x7f - '9'));
    uint64_t capital = (y + ones * (0x80 - 'A')) & ~(y + ones * (0x7f - 'Z'));
    return ((x | digit | capital) & high) != 0;
}

/* The first byte of s[i, n) that may start a mention (NO_START is not set),
 * eight bytes a step while none does: most of a text. */
static size_t skip_no_start(const char *s, size_t i, size_t n)
{
    while (n - i >= 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (may_start8(x))
            break;
        i += 8;
    }
    while (i < n && (byte_kind[(unsigned char)s[i]] & NO_START))
        i++;
    return i;
}

/* The first byte of s[i, n) whose kind has none of the bits `kinds`. */
static size_t skip_kind(const char *s, size_t i, size_t n, unsigned char kinds)
{
    const unsigned char *p = (const unsigned char *)s + i, *e = (const unsigned char *)s + n;
    while (p < e && (byte_kind[*p] & kinds))
        p++;
    return (size_t)(p - (const unsigned char *)s);
}

/* Letters, marks and digits make words; everything else separates them.
 * U+02BC, a modifier letter, stands for the apostrophe in many texts
 * ("South Koreaʼs"): it ends a word as "'" does. */
static bool word_cp(int32_t cp)
{
    if (cp < 0x80)
        return tally_is_alnum((unsigned char)cp);
    if (cp == 0x02BC)
        return false;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

/* Whether the character at s[i] is a word character (false at the end). */
static bool word_at(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return false;
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80)
        return tally_is_alnum(c);
    int32_t cp;
    tally_utf8_decode(s, n, i, &cp);
    return word_cp(cp);
}

/* Whether the character that ends at s[i] is a word character. */
static bool word_before(const char *s, size_t n, size_t i)
{
    if (i == 0)
        return false;
    unsigned char c = (unsigned char)s[i - 1];
    if (c < 0x80)
        return tally_is_alnum(c);
    size_t j = i - 1;
    while (j > 0 && i - j < 4 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    return word_at(s, n, j);
}

/* Length of the white space at s[i]: ASCII spaces, NO-BREAK SPACE, the
 * U+2000..U+200A spaces and NARROW NO-BREAK SPACE; 0 when there is none. */
static inline size_t space_len(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
        return 2;
    if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80) {
        unsigned char d = (unsigned char)s[i + 2];
        if ((d >= 0x80 && d <= 0x8A) || d == 0xAF)
            return 3;
    }
    return 0;
}

/* Whether s[i] is the E2 80 xx character with last byte `lo` or `hi`. */
static bool e280_at(const char *s, size_t n, size_t i, unsigned char lo, unsigned char hi)
{
    if (i + 3 > n || (unsigned char)s[i] != 0xE2 || (unsigned char)s[i + 1] != 0x80)
        return false;
    unsigned char d = (unsigned char)s[i + 2];
    return d == lo || d == hi;
}

/* Compares a->text[j..] with the text from at[j], setting at[j'] to where
 * the text stands at each byte j' of the alias, at[a->len] past a match.
 * Returns the first byte of the alias that does not match, a->len when all
 * do. What byte j' of an alias matches depends only on its bytes [0, j'],
 * so an alias that shares them fails at the same byte. A space matches a
 * run of white space, "'" also U+2019/U+2018/U+02BC, "-" also U+2010/U+2011, and a
 * lowercase letter that starts a word of the alias also its capital
 * ("defence ministry", "Won-sik"); all else is exact. */
static size_t alias_reach(const char *s, size_t n, const struct alias_entry *a, size_t j,
                          size_t *at)
{
    size_t i = at[j];
    for (; j < a->len; j++) {
        at[j] = i;
        unsigned char c = (unsigned char)a->text[j];
        /* the same byte, the most common case, first */
        if (c != ' ' && i < n && (unsigned char)s[i] == c) {
            i++;
        } else if (c == ' ') {
            size_t k = i < n ? space_len(s, n, i) : 0;
            if (k == 0)
                return j;
            do {
                i += k;
            } while (i < n && (k = space_len(s, n, i)) > 0);
        } else if (c == '\'' && e280_at(s, n, i, 0x99, 0x98)) {
            i += 3;
        } else if (c == '\'' && i + 1 < n && (unsigned char)s[i] == 0xCA &&
                   (unsigned char)s[i + 1] == 0xBC) { /* U+02BC */
            i += 2;
        } else if (c == '-' && e280_at(s, n, i, 0x90, 0x91)) {
            i += 3;
        } else if (c >= 'a' && c <= 'z' && j > 0 &&
                   (a->text[j - 1] == ' ' || a->text[j - 1] == '-') && i < n &&
                   (unsigned char)s[i] == c - 'a' + 'A') {
            i++;
        } else {
            return j;
        }
    }
    at[j] = i;
    return j;
}

/* The slot of `key` (`len` bytes, FNV-1a hash `hash`), or NULL. */
static const struct key_slot *find_key(const char *key, size_t len, uint32_t hash)
{
    size_t mask = ACTOR_N_SLOTS - 1;
    /* At most half the slots are used, so an empty one ends every probe. */
    for (size_t h = hash & mask;; h = (h + 1) & mask) {
        const struct key_slot *sl = &slot_table[h];
        if (sl->count == 0)
            return NULL;
        if (sl->key_len == len && memcmp(sl->key, key, len) == 0)
            return sl;
    }
}

/* Start of "the"/"The" and white space right before s[p], or p when there is
 * none after `last_end` (the end of the previous match). */
static size_t article_start(const char *s, size_t n, size_t p, size_t last_end)
{
    size_t q = p;
    while (q > last_end) {
        unsigned char c = (unsigned char)s[q - 1];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            q--;
        else if (c == 0xA0 && q >= last_end + 2 && (unsigned char)s[q - 2] == 0xC2)
            q -= 2;
        else
            break;
    }
    if (q == p || q < last_end + 3)
        return p;
    if (memcmp(s + q - 3, "the", 3) != 0 && memcmp(s + q - 3, "The", 3) != 0)
        return p;
    if (word_before(s, n, q - 3))
        return p;
    return q - 3;
}

/* The longest alias of slot `sl` (key `k` bytes) at s[p] if it ends further
 * than `*best_end`, else `best`. */
static const struct alias_entry *longest(const char *s, size_t n, size_t p,
                                         const struct key_slot *sl, size_t k,
                                         const struct alias_entry *best, size_t *best_end)
{
    size_t at[ACTOR_ALIAS_MAX + 1]; /* where the text stands at each byte of an alias */
    size_t from = k;                /* the next alias starts to compare at its byte `from` */
    bool here = false;              /* `best` is one of this slot's */
    at[k] = p + k;
    const size_t last = (size_t)sl->first + sl->count;
    for (size_t i = sl->first; i < last; i++) {
        const struct alias_entry *a = &alias_table[i];
        size_t j = alias_reach(s, n, a, from, at);
        if (j < a->len) {
            /* the next aliases that share bytes [0, j] with it fail at j too */
            while (i + 1 < last && alias_table[i].share > j)
                i++;
            from = alias_table[i].share;
            continue;
        }
        from = a->share;
        size_t e = at[j];
        if ((a->flags & FLAG_PLURAL) && e < n && s[e] == 's' && !word_at(s, n, e + 1))
            e++;
        if (word_before(s, n, e) && word_at(s, n, e))
            continue; /* ends inside a word: "Iran" in "Iranium" */
        if (e > *best_end || (here && e == *best_end && a->rank < best->rank)) {
            best = a;
            *best_end = e;
            here = true;
        }
    }
    return best;
}

/* The longest alias that starts at s[p], a word start; false when none. */
static bool match_at(const char *s, size_t n, size_t p, size_t last_end, tally_actor_match *m)
{
    /* the key and its hash in one pass, and the hash without its last
     * letter for a plural */
    size_t k = 0;
    uint32_t h = fnv_basis, h_less = h;
    while (p + k < n && tally_is_alpha((unsigned char)s[p + k])) {
        h_less = h;
        h = (h ^ (unsigned char)s[p + k]) * fnv_prime;
        k++;
    }
    const struct alias_entry *best = NULL;
    size_t best_end = 0;
    const struct key_slot *sl = k <= ACTOR_KEY_MAX ? find_key(s + p, k, h) : NULL;
    if (sl != NULL)
        best = longest(s, n, p, sl, k, best, &best_end);
    /* A plural demonym's key lacks the final "s": "Iranians" is filed under "Iranian". */
    if (k > 1 && s[p + k - 1] == 's' && k - 1 <= ACTOR_KEY_MAX) {
        sl = find_key(s + p, k - 1, h_less);
        if (sl != NULL)
            best = longest(s, n, p, sl, k - 1, best, &best_end);
    }
    if (best == NULL)
        return false;
    m->start = (best->flags & FLAG_ARTICLE) ? article_start(s, n, p, last_end) : p;
    m->end = best_end;
    m->actor = &actor_table[best->actor];
    return true;
}

int tally_actors_scan(tally_span text, tally_actor_matches *out, tally_arena *a, tally_err *err)
{
    const char *s = text.ptr;
    size_t n = s != NULL ? text.len : 0;
    size_t cap = 0, last_end = 0, i = 0;
    bool prev_word = false;
    int rc = 0;
    out->v = NULL;
    out->n = 0;
    while (i < n) {
        /* Skip what starts no mention at once, keeping only whether the last
         * byte skipped was a letter. */
        size_t from = i;
        i = skip_no_start(s, i, n);
        if (i > from)
            prev_word = (byte_kind[(unsigned char)s[i - 1]] & ALNUM) != 0;
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i];
        size_t len = 1;
        bool w;
        if (c < 0x80) {
            w = tally_is_alnum(c);
        } else {
            int32_t cp;
            len = tally_utf8_decode(s, n, i, &cp);
            w = word_cp(cp);
        }
        tally_actor_match m;
        if (w && !prev_word && ((c >= 'A' && c <= 'Z') || tally_is_digit(c) || c >= 0xC0) &&
            match_at(s, n, i, last_end, &m)) {
            if (out->n == cap) {
                size_t ncap = cap ? 2 * cap : 16;
                if (ncap > SIZE_MAX / sizeof *out->v) {
                    rc = tally_err_set(err, TALLY_ELIMIT, "too many actor mentions");
                    goto out;
                }
                tally_actor_match *v = tally_arena_alloc(a, ncap * sizeof *v);
                if (out->n > 0)
                    memcpy(v, out->v, out->n * sizeof *v);
                out->v = v;
                cap = ncap;
            }
            out->v[out->n++] = m;
            last_end = i = m.end;
            prev_word = word_before(s, n, i);
            continue;
        }
        prev_word = w;
        i += len;
        /* nor does the rest of an ASCII word: "NATO", "2024" */
        if (w)
            i = skip_kind(s, i, n, ALNUM);
    }
out:
    return rc;
}

static int cmp_iso(const void *key, const void *elem)
{
    return strcmp(key, ((const actor_iso *)elem)->alpha3);
}

const tally_actor *tally_country(const char *alpha3)
{
    if (alpha3 == NULL || alpha3[0] == '\0' || alpha3[1] == '\0' || alpha3[2] == '\0' ||
        alpha3[3] != '\0')
        return NULL;
    const actor_iso *c =
        bsearch(alpha3, iso_countries, ACTOR_N_COUNTRIES, sizeof iso_countries[0], cmp_iso);
    /* The first ACTOR_N_COUNTRIES actors are the states, in the same order. */
    return c != NULL ? &actor_table[c - iso_countries] : NULL;
}

const char *tally_actor_kind_name(tally_actor_kind k)
{
    switch (k) {
    case TALLY_ACTOR_STATE:
        return "state";
    case TALLY_ACTOR_DEMONYM:
        return "demonym";
    case TALLY_ACTOR_PLACE:
        return "place";
    case TALLY_ACTOR_GOVERNMENT:
        return "government";
    case TALLY_ACTOR_INTELLIGENCE:
        return "intelligence";
    case TALLY_ACTOR_OFFICIAL:
        return "official";
    case TALLY_ACTOR_OUTLET:
        return "outlet";
    case TALLY_ACTOR_THINK_TANK:
        return "think-tank";
    }
    return "unknown";
}

const actor_iso *actor_iso_table(size_t *n)
{
    *n = ACTOR_N_COUNTRIES;
    return iso_countries;
}

size_t actor_count(void)
{
    return ACTOR_N_ACTORS;
}

size_t actor_alias_count(void)
{
    return ACTOR_N_ALIASES;
}
