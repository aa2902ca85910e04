/* The figure scanner: tokens, then figures read off the tokens.
 *
 * Tokenizing once and parsing tokens keeps each rule small: a figure is an
 * optional qualifier, an amount (currency, quantity, scale, percent) and an
 * optional range tail. Before parsing, a pass marks the tokens that are not
 * amounts whatever surrounds them (URLs, phone numbers, dates, times,
 * designators, calibers, labels).
 * Part of stage 2, extract: includes the public headers of base, the model and
 * read, and extract's own. */
#include "tally/figure.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "scan.h"
#include "tally/ascii.h"
#include "tally/utf8.h"

/* White space of one code point at s[i]: 0 none, 1 space, 2 newline; sets len. */
static int space_at(const char *s, size_t n, size_t i, size_t *len)
{
    unsigned char c = (unsigned char)s[i];
    *len = 1;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    if (c == '\n')
        return 2;
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
        *len = 2;
        return 1;
    }
    if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80) {
        unsigned char d = (unsigned char)s[i + 2];
        if ((d >= 0x80 && d <= 0x8A) || d == 0xAF) {
            *len = 3;
            return 1;
        }
    }
    return 0;
}

/* A group separator inside a number: ',', or a (thin, no-break) space. Returns
 * its length when s[i] is one and exactly three digits follow it, else 0. */
static size_t group_sep(const char *s, size_t n, size_t i, char kind)
{
    size_t len = 0;
    char k;
    if (i >= n)
        return 0;
    if (s[i] == ',') {
        len = 1;
        k = ',';
    } else if (s[i] == '.') {
        len = 1;
        k = '.';
    } else {
        int sp = space_at(s, n, i, &len);
        if (sp != 1 || s[i] == '\t')
            return 0;
        k = ' ';
    }
    if (kind != 0 && kind != k)
        return 0;
    size_t j = i + len;
    if (j + 3 > n || !tally_is_digit((unsigned char)s[j]) ||
        !tally_is_digit((unsigned char)s[j + 1]) || !tally_is_digit((unsigned char)s[j + 2]))
        return 0;
    if (j + 3 < n && tally_is_digit((unsigned char)s[j + 3]))
        return 0;
    /* An ASCII space is a weak separator: "500 122mm rockets" and "300 152 mm
     * shells" are a count and a caliber, not 500,122 and 300,152. */
    if (k == ' ' && s[i] == ' ' && j + 3 < n) {
        unsigned char after = (unsigned char)s[j + 3];
        if (tally_is_alpha(after) || after == '-')
            return 0;
        if (after == ' ' && j + 6 <= n && (s[j + 4] == 'm' || s[j + 4] == 'M') &&
            (s[j + 5] == 'm' || s[j + 5] == 'M') &&
            (j + 6 == n || !tally_is_alpha((unsigned char)s[j + 6])))
            return 0;
    }
    return len;
}

static const double pow10_table[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static double pow10i(int e)
{
    double r = 1;
    int a = e < 0 ? -e : e;
    while (a > 22) {
        r *= 1e22;
        a -= 22;
    }
    r *= pow10_table[a];
    return e < 0 ? 1 / r : r;
}

/* Reads a number at s[i] (a digit, or '.' before a digit) into `t`; returns its end. */
static size_t read_number(const char *s, size_t n, size_t i, tok *t)
{
    double mant = 0;
    unsigned digits = 0, decimals = 0;
    size_t j = i;
    char kind = 0;
    bool lead0 = s[i] == '0';
    while (j < n && tally_is_digit((unsigned char)s[j])) {
        mant = mant * 10 + (s[j] - '0');
        digits++;
        j++;
    }
    /* Group separators: the first group has 1-3 digits, the others 3. A dot
     * groups only when it recurs ("10.000.000"); once is a decimal point. */
    if (digits >= 1 && digits <= 3) {
        for (;;) {
            size_t len = j < n ? group_sep(s, n, j, kind) : 0;
            if (len == 0)
                break;
            char k = s[j] == ',' ? ',' : s[j] == '.' ? '.' : ' ';
            if (k == '.' && kind == 0 && group_sep(s, n, j + 4, '.') == 0)
                break;
            kind = k;
            j += len;
            for (int d = 0; d < 3; d++, j++)
                mant = mant * 10 + (s[j] - '0');
            digits += 3;
        }
    }
    if (kind != '.' && j + 1 < n && s[j] == '.' && tally_is_digit((unsigned char)s[j + 1])) {
        j++;
        while (j < n && tally_is_digit((unsigned char)s[j])) {
            mant = mant * 10 + (s[j] - '0');
            decimals++;
            j++;
        }
    }
    int exp = 0;
    bool has_exp = false;
    if (j + 1 < n && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        int sign = 1;
        if (k < n && (s[k] == '+' || s[k] == '-')) {
            sign = s[k] == '-' ? -1 : 1;
            k++;
        }
        size_t d0 = k;
        int e = 0;
        /* every digit belongs to the exponent ("1e99999" is not 1e999 and
         * 99); past 9999 the value is out of any figure's range anyway */
        while (k < n && tally_is_digit((unsigned char)s[k])) {
            if (e < 10000)
                e = e * 10 + (s[k] - '0');
            k++;
        }
        if (k > d0 && (k >= n || !tally_is_alpha((unsigned char)s[k]))) {
            exp = sign * e;
            has_exp = true;
            j = k;
        }
    }
    t->type = TK_NUM;
    /* Dividing by an exact power of ten rounds once: 17 / 10 is 1.7, 17 * 0.1 is not. */
    int e10 = exp - (int)decimals;
    t->value = e10 < 0 ? mant / pow10i(-e10) : mant * pow10i(e10);
    t->grouped = kind != 0;
    t->decimals = (uint8_t)(decimals > 255 ? 255 : decimals);
    t->digits = (uint8_t)(digits > 255 ? 255 : digits);
    t->lead0 = lead0 && digits > 1;
    /* 1e400, 1e-400, 4.9e-324 or four hundred digits: no amount any report
     * states, and a value rounded to 0 or infinity is none of theirs */
    t->skip = (uint8_t)(tally_figure_value_ok(t->value) && (t->value != 0 || mant == 0) ? 0 : 1);
    t->exp = has_exp;
    return j;
}

typedef struct toks {
    tok *v;
    size_t n;
    size_t cap;
} toks;

static void grow(toks *ts, tally_arena *a)
{
    size_t cap = ts->cap * 2;
    tok *v = tally_arena_alloc(a, cap * sizeof *v);
    if (ts->n > 0)
        memcpy(v, ts->v, ts->n * sizeof *v);
    ts->v = v;
    ts->cap = cap;
}

/* Appends `t`. The caller builds the token whole and copies it once: cheaper
 * than clearing a slot and filling it field by field. */
static void push(toks *ts, tally_arena *a, const tok *t)
{
    if (ts->n == ts->cap)
        grow(ts, a);
    ts->v[ts->n++] = *t;
}

static bool is_word_cp(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT ||
           c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_LO || c == UTF8PROC_CATEGORY_MN ||
           c == UTF8PROC_CATEGORY_MC;
}

static bool is_sym_cp(int32_t cp)
{
    switch (cp) {
    case '$':
    case '%':
    case '<':
    case '>':
    case '=':
    case '~':
    case '+':
    case '#':
    case 0x00A3: /* £ */
    case 0x00A5: /* ¥ */
    case 0x20AC: /* € */
    case 0x20BD: /* ₽ */
    case 0x20A9: /* ₩ */
    case 0x20B4: /* ₴ */
    case 0x20B9: /* ₹ */
    case 0x5143: /* 元 */
    case 0x20A1: /* ₡ */
    case 0x20BE: /* ₾ */
    case 0x20AD: /* ₭ */
    case 0x2264: /* ≤ */
    case 0x2265: /* ≥ */
        return true;
    default:
        return false;
    }
}

/* Token t[k] stuck to a number or a word before it: ".5" starts a number,
 * but not in "1.5.3" or "v.5". */
static bool glued(const tok *t, size_t k)
{
    return k > 0 && t[k].sp == SP_NONE && (t[k - 1].type == TK_NUM || t[k - 1].type == TK_WORD);
}

/* The number of ASCII letters that start the 8 bytes of w, read as its
 * lanes: each lane's top bit says whether it is a letter (0x61..0x7a once
 * folded to lower case, and not above 0x7f), and the first lane that is not
 * one gives the count. No branch depends on where the word ends, so the
 * processor no longer mispredicts once a word (a fifth of the tokenizer's
 * time, byte by byte). Lane k is byte k of the text: little-endian only. */
static unsigned leading_letters(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
    uint64_t x = (w | ones * 0x20) & ~high;
    uint64_t from_a = (x + ones * (0x80 - 'a')) & high;
    uint64_t past_z = (x + ones * (0x7f - 'z')) & high;
    uint64_t other = ~(from_a & ~past_z & ~w) & high;
    if (other == 0)
        return 8;
    /* 1 << 8k for the first other lane k; times the bytes 7..0, k comes out on top */
    uint64_t first = (other & (~other + 1)) >> 7;
    return (unsigned)((first * 0x0001020304050607u) >> 56);
}

static uint64_t load64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

static bool little_endian(void)
{
    const uint16_t one = 1;
    unsigned char low;
    memcpy(&low, &one, 1);
    return low == 1;
}

/* The end of the ASCII letters from s[i]. */
static size_t skip_letters(const char *s, size_t n, size_t i)
{
    if (little_endian()) {
        while (i + 8 <= n) {
            unsigned k = leading_letters(load64(s + i));
            i += k;
            if (k < 8)
                return i;
        }
    }
    while (i < n && tally_is_alpha((unsigned char)s[i]))
        i++;
    return i;
}

/* The rest of a word from s[j], past apostrophes ("don't", "don’t") and
 * letters beyond ASCII; clears *ascii when it meets such a letter. */
static size_t word_tail(const char *s, size_t n, size_t j, bool *ascii)
{
    while (j < n) {
        unsigned char d = (unsigned char)s[j];
        if (tally_is_alpha(d)) {
            j++;
        } else if (d == '\'' && j + 1 < n && tally_is_alpha((unsigned char)s[j + 1])) {
            j++;
        } else if (d >= 0x80) {
            int32_t cq;
            size_t lq = tally_utf8_decode(s, n, j, &cq);
            if (cq == 0x2019 && j + lq < n && tally_is_alpha((unsigned char)s[j + lq])) {
                j += lq;
            } else if (is_word_cp(cq)) {
                j += lq;
                *ascii = false;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    return j;
}

static void mark_link_run(const char *s, tok *t, size_t i, size_t j);

/* ASCII words with single spaces between, most of a text, from s[i] (a
 * letter, with white space *sp before it): writes their tokens from *tp
 * on, short of `stop`, and returns where it stopped, with *sp the white
 * space read since the last token. A word's letters are read eight at a
 * time; one of fewer than eight letters is looked up by them at once
 * (lex_short_find), a longer one in the hash when the lexicon may hold it.
 * It stops at a word that goes on past its ASCII letters (an apostrophe, a
 * letter beyond ASCII), which the caller reads, and near the end of the
 * text. Little-endian only (leading_letters). */
static size_t ascii_words(const char *s, size_t n, size_t i, uint8_t *sp, tok **tp, const tok *stop)
{
    tok *t = *tp;
    uint8_t space = *sp;
    while (i + 16 <= n && t < stop) {
        uint64_t w = load64(s + i);
        unsigned k = leading_letters(w);
        if (k == 0) /* no word: the caller reads what it is */
            break;
        size_t e = i + k;
        for (unsigned more = k; more == 8;) { /* a long word */
            if (e + 8 > n) {
                e = skip_letters(s, n, e);
                break;
            }
            more = leading_letters(load64(s + e));
            e += more;
        }
        unsigned char after = e < n ? (unsigned char)s[e] : 0;
        if (after == '\'' || after >= 0x80)
            break;
        const lex_entry *lex;
        if (k < 8) {
            /* the letters in lower case, the other lanes cleared */
            lex = lex_short_find((w | 0x2020202020202020u) & ((UINT64_C(1) << (8 * k)) - 1));
        } else {
            lex = lex_may_hold(s + i, e - i) ? lex_lookup(s + i, e - i) : NULL;
        }
        *t++ = (tok){.start = i, .end = e, .type = TK_WORD, .sp = space, .lex = lex};
        i = e;
        space = SP_NONE;
        if (after != ' ')
            break;
        i++;
        space = SP_SPACE;
    }
    *tp = t;
    *sp = space;
    return i;
}

/* The run of tokens without white space between that ends with t[j - 1]
 * may be a link (mark_link_run) when it has three tokens or more. */
static void end_run(const char *s, tok *t, size_t j)
{
    size_t i = j - 1;
    while (t[i].sp == SP_NONE) /* the first token has white space before it */
        i--;
    if (j - i >= 3)
        mark_link_run(s, t, i, j);
}

/* Most of a text is ASCII words, each followed by one space: they take a
 * path of their own, and their token is written with one store. Tokens are
 * written in place through locals (not through `ts`), so that the compiler
 * need not reload the array after each store. */
static void tokenize(const char *s, size_t n, toks *ts, tally_arena *a)
{
    tok *t = ts->v + ts->n, *end = ts->v + ts->cap;
    size_t i = 0;
    uint8_t sp = SP_PARA;
    /* The current run holds a ':', '@', '/' or '.', which every link has:
     * only such runs are looked at when they end. */
    bool link_punct = false;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ') {
            if (sp == SP_NONE)
                sp = SP_SPACE;
            i++;
            continue;
        }
        size_t len;
        /* ASCII above the space is never white space */
        int space = c > ' ' && c < 0x80 ? 0 : space_at(s, n, i, &len);
        if (space != 0) {
            if (space == 2)
                sp = sp >= SP_LINE ? SP_PARA : SP_LINE;
            else if (sp == SP_NONE)
                sp = SP_SPACE;
            i += len;
            continue;
        }
        if (link_punct && sp != SP_NONE) {
            end_run(s, ts->v, (size_t)(t - ts->v));
            link_punct = false;
        }
        if (t == end) {
            ts->n = (size_t)(t - ts->v);
            grow(ts, a);
            t = ts->v + ts->n;
            end = ts->v + ts->cap;
        }
        size_t start = i;
        if (tally_is_alpha(c)) {
            if (little_endian()) {
                /* A run that may be a link ends after one word. */
                tok *first = t;
                i = ascii_words(s, n, i, &sp, &t, link_punct ? t + 1 : end);
                if (t != first)
                    continue;
            }
            /* a word with more than ASCII letters, or one near the end */
            bool ascii = true;
            i = skip_letters(s, n, i + 1);
            if (i < n && (s[i] == '\'' || (unsigned char)s[i] >= 0x80))
                i = word_tail(s, n, i, &ascii);
            /* The lexicon is ASCII and short: other words skip the lookup. */
            const lex_entry *lex = ascii && lex_may_hold(s + start, i - start)
                                       ? lex_lookup(s + start, i - start)
                                       : NULL;
            *t++ = (tok){.start = start, .end = i, .type = TK_WORD, .sp = sp, .lex = lex};
        } else {
            *t = (tok){.start = start, .sp = sp, .lex = NULL};
            t++;
            tok *x = t - 1;
            if (tally_is_digit(c) ||
                (c == '.' && i + 1 < n && tally_is_digit((unsigned char)s[i + 1]) &&
                 !glued(ts->v, (size_t)(x - ts->v)))) {
                i = read_number(s, n, i, x);
            } else if (c >= 0x80) {
                int32_t cp = c;
                size_t l = tally_utf8_decode(s, n, i, &cp);
                if (is_word_cp(cp)) {
                    bool ascii = false;
                    i = word_tail(s, n, i + l, &ascii);
                    x->type = TK_WORD;
                } else {
                    x->type = is_sym_cp(cp) ? TK_SYM : TK_PUNCT;
                    x->cp = (uint16_t)(cp <= 0xFFFF ? cp : 0xFFFF);
                    if (cp == 0x00BD || cp == 0x00BC || cp == 0x00BE) {
                        x->type = TK_NUM;
                        x->value = cp == 0x00BD ? 0.5 : cp == 0x00BC ? 0.25 : 0.75;
                    }
                    i += l;
                }
            } else {
                x->type = is_sym_cp(c) ? TK_SYM : TK_PUNCT;
                x->cp = c;
                link_punct = link_punct || c == ':' || c == '@' || c == '/' || c == '.';
                i++;
            }
            x->end = i;
        }
        sp = SP_NONE;
        /* the space after a token, without a turn of the loop */
        if (i < n && s[i] == ' ') {
            sp = SP_SPACE;
            i++;
        }
    }
    if (link_punct)
        end_run(s, ts->v, (size_t)(t - ts->v));
    ts->n = (size_t)(t - ts->v);
}

/* ---- Marking tokens that are never amounts ---------------------------- */

static bool punct_is(const tok *t, uint16_t cp)
{
    return (t->type == TK_PUNCT || t->type == TK_SYM) && t->cp == cp;
}

static bool is_dash(const tok *t)
{
    return t->type == TK_PUNCT && (t->cp == '-' || t->cp == 0x2013 || t->cp == 0x2014 ||
                                   t->cp == 0x2010 || t->cp == 0x2011 || t->cp == 0x2212);
}

static bool is_int(const tok *t)
{
    return t->type == TK_NUM && t->decimals == 0 && !t->grouped && !t->exp;
}

static bool has_substr(const char *s, size_t start, size_t end, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = start; i + m <= end; i++) {
        size_t k = 0;
        while (k < m) {
            unsigned char c = (unsigned char)s[i + k];
            if (tally_is_upper(c))
                c = (unsigned char)(c + ('a' - 'A'));
            if (c != (unsigned char)needle[k])
                break;
            k++;
        }
        if (k == m)
            return true;
    }
    return false;
}

/* A token that a link needs somewhere in its run: "://", '@' or '/'. */
static bool is_link_punct(const tok *t)
{
    return t->type == TK_PUNCT && (t->cp == ':' || t->cp == '@' || t->cp == '/');
}

/* URLs, e-mail addresses and paths: a run of tokens t[i, j) with no space
 * between. The tokenizer calls this at the end of each run of three tokens
 * or more; most hold none of the punctuation a link needs and no leading
 * "www", and are passed over without reading their text. */
static void mark_link_run(const char *s, tok *t, size_t i, size_t j)
{
    bool punct = false;
    for (size_t k = i; k < j; k++)
        punct = punct || is_link_punct(&t[k]);
    if (!punct && (s[t[i].start] | 0x20) != 'w')
        return;
    size_t a = t[i].start, b = t[j - 1].end;
    bool link = has_substr(s, a, b, "://") || has_substr(s, a, a + 4 < b ? a + 4 : b, "www.");
    for (size_t k = i + 1; !link && k + 1 < j; k++) {
        /* user@host.tld, host.tld/path */
        if (punct_is(&t[k], '@') && t[k - 1].type == TK_WORD)
            link = true;
        if (punct_is(&t[k], '/') && k >= 2 && t[k - 1].type == TK_WORD && punct_is(&t[k - 2], '.'))
            link = true;
    }
    if (link)
        for (size_t k = i; k < j; k++)
            t[k].skip = 1;
}

static unsigned num_digits(const tok *t)
{
    return t->type == TK_NUM && !t->grouped && t->decimals == 0 ? t->digits : 0;
}

/* Phone numbers from t[i]: "+1 202 555 0100", "(202) 555-0100", "202-555-0100". */
static void mark_phone_at(tok *t, size_t n, size_t i)
{
    if (i + 1 >= n)
        return;
    if (punct_is(&t[i], '+') && t[i + 1].type == TK_NUM && t[i + 1].sp == SP_NONE &&
        (i == 0 || t[i].sp != SP_NONE)) {
        size_t j = i + 1;
        unsigned digits = 0;
        while (j < n && t[j].sp <= SP_SPACE &&
               ((t[j].type == TK_NUM && t[j].decimals == 0) || is_dash(&t[j]) ||
                punct_is(&t[j], '(') || punct_is(&t[j], ')') || punct_is(&t[j], '/'))) {
            digits += t[j].type == TK_NUM ? t[j].digits : 0;
            j++;
        }
        /* "+5" is a signed number; a phone number has seven digits or more. */
        if (digits >= 7)
            for (size_t k = i; k < j; k++)
                t[k].skip = 1;
    }
    if (i + 4 < n && punct_is(&t[i], '(') && num_digits(&t[i + 1]) == 3 &&
        punct_is(&t[i + 2], ')') && num_digits(&t[i + 3]) == 3 && is_dash(&t[i + 4]) && i + 5 < n &&
        num_digits(&t[i + 5]) == 4) {
        for (size_t k = i; k <= i + 5; k++)
            t[k].skip = 1;
    }
    if (i + 4 < n && num_digits(&t[i]) == 3 && is_dash(&t[i + 1]) && num_digits(&t[i + 2]) == 3 &&
        is_dash(&t[i + 3]) && num_digits(&t[i + 4]) == 4 && t[i + 1].sp == SP_NONE &&
        t[i + 3].sp == SP_NONE) {
        for (size_t k = i; k <= i + 4; k++)
            t[k].skip = 1;
    }
}

static bool is_month(const char *s, const tok *t)
{
    return tok_has(t, W_MONTH) && tally_is_upper((unsigned char)s[t->start]);
}

/* Dates, times, numbered labels, ordinals, designators and calibers at t[i]. */
static void mark_non_amount_at(const char *s, tok *t, size_t n, size_t i)
{
    tok *x = &t[i];
    if (x->type != TK_NUM || x->skip)
        return;
    const tok *prev = i > 0 ? &t[i - 1] : NULL;
    const tok *next = i + 1 < n ? &t[i + 1] : NULL;
    bool attached_next = next != NULL && next->sp == SP_NONE;

    /* 2024-02-26, 26.02.2024, 02/26/2024, 1995-01, 10:30, 192.168.1.2 */
    if (attached_next && i + 2 < n && t[i + 2].type == TK_NUM && t[i + 2].sp == SP_NONE &&
        (punct_is(next, '/') || punct_is(next, '.') || punct_is(next, ':') ||
         (is_dash(next) && x->digits == 4 && is_int(x) && t[i + 2].digits <= 2 &&
          is_int(&t[i + 2])))) {
        bool slash = punct_is(next, '/');
        bool fraction = slash && is_int(x) && is_int(&t[i + 2]) && x->value < t[i + 2].value &&
                        (t[i + 2].value <= 16 || t[i + 2].value == 100) &&
                        !(i + 4 < n && punct_is(&t[i + 3], '/'));
        if (!fraction) {
            size_t j = i;
            while (j + 2 < n && t[j + 1].sp == SP_NONE && t[j + 2].sp == SP_NONE &&
                   t[j + 2].type == TK_NUM && t[j + 1].cp == next->cp)
                j += 2;
            for (size_t k = i; k <= j; k++)
                t[k].skip = 1;
            return;
        }
    }
    if (is_dash(next == NULL ? x : next) && attached_next && x->digits == 4 && is_int(x) &&
        i + 2 < n && t[i + 2].sp == SP_NONE && is_int(&t[i + 2]) && t[i + 2].digits == 2 &&
        i + 3 < n && is_dash(&t[i + 3]) && t[i + 3].sp == SP_NONE) {
        x->skip = 1;
        return;
    }
    /* 3rd, 1990s, 152mm, 29km, 9M723: letters stuck to the digits, unless
     * they are a scale ("1.5bn", "10k", "10M") or a currency ("100yen"). */
    if (attached_next && next->type == TK_WORD) {
        /* m and b are judged in parse_amount, which knows of a currency */
        bool scale = tok_has(next, W_SCALE | W_SCALE_CUR | W_CUR | W_PCT | W_DOZEN);
        if (!scale || tok_has(next, W_CALIBER)) {
            x->skip = 1;
            return;
        }
    }
    /* "30 Leopard 1 tanks", "five Bergepanzer 2 vehicles": after a count,
     * a name the lexicon does not know and a small number: the number is
     * the name's model */
    if (prev != NULL && is_int(x) && x->digits <= 2 && x->sp == SP_SPACE && prev->type == TK_WORD &&
        prev->lex == NULL && prev->sp == SP_SPACE && tally_is_upper((unsigned char)s[prev->start]))
        for (size_t d = 2; d <= 4 && d <= i; d++) {
            const tok *c = &t[i - d];
            if (c->type == TK_NUM ||
                (c->type == TK_WORD && c->lex != NULL && (c->lex->roles & W_NUMERIC))) {
                x->skip = 1;
                return;
            }
            if (c->type == TK_PUNCT)
                break;
        }
    /* KN23, T72, v1.2; KN-23, Su-27, Shahed-136, F-16 */
    if (prev != NULL && x->sp == SP_NONE && (prev->type == TK_WORD || punct_is(prev, '#')) &&
        !tok_has(prev, W_CUR_CODE)) {
        x->skip = 1;
        return;
    }
    if (prev != NULL && x->sp == SP_NONE && is_dash(prev) && prev->sp == SP_NONE && i >= 2 &&
        t[i - 2].type == TK_WORD && !tok_has(&t[i - 2], W_UNIT | W_TENS | W_QUAL) &&
        !(i >= 3 && t[i - 2].sp == SP_NONE && t[i - 3].type == TK_NUM)) {
        x->skip = 1;
        return;
    }
    /* 152 mm, 152-mm, 122-millimetre, 155 calibre */
    if (next != NULL && next->sp <= SP_LINE && tok_has(next, W_CALIBER)) {
        x->skip = 1;
        return;
    }
    if (next != NULL && is_dash(next) && attached_next && i + 2 < n && t[i + 2].sp == SP_NONE &&
        tok_has(&t[i + 2], W_CALIBER)) {
        x->skip = 1;
        return;
    }
    /* 10 am, 3 p.m., 0800 GMT */
    if (next != NULL && next->sp <= SP_LINE &&
        (tok_has(next, W_TIME) ||
         ((tok_is_word(s, next, "a") || tok_is_word(s, next, "p")) && i + 3 < n &&
          punct_is(&t[i + 2], '.') && tok_is_word(s, &t[i + 3], "m")))) {
        x->skip = 1;
        return;
    }
    /* "No. 1", "Resolution 2231", "#3" */
    if (prev != NULL && prev->type == TK_PUNCT && prev->cp == '.' && i >= 2 &&
        tok_has(&t[i - 2], W_LABEL)) {
        x->skip = 1;
        return;
    }
    /* "military unit 55443": a unit's number */
    if (prev != NULL && tok_is_word(s, prev, "unit") && is_int(x) && x->digits >= 4 &&
        !x->grouped && x->sp == SP_SPACE) {
        x->skip = 1;
        return;
    }
    if (prev != NULL && tok_has(prev, W_LABEL) && tally_is_upper((unsigned char)s[prev->start]) &&
        (x->sp == SP_SPACE || x->sp == SP_LINE)) {
        x->skip = 1;
        return;
    }
    /* February 26, Feb. 26, 26 February */
    if (is_int(x) && x->value >= 1 && x->value <= 31 && x->digits <= 2) {
        bool month_before =
            prev != NULL &&
            (is_month(s, prev) || (punct_is(prev, '.') && i >= 2 && is_month(s, &t[i - 2])));
        bool month_after = next != NULL && next->sp <= SP_LINE && is_month(s, next);
        if (month_before || month_after) {
            x->skip = 1;
            return;
        }
    }
}

/* A token a figure can be built around: a number, a number word, a currency
 * sign or a comparison sign. */
static bool is_numeric(const tok *x)
{
    return !x->skip &&
           (x->type == TK_NUM || (x->type == TK_SYM && x->cp != '%') || tok_has(x, W_NUMERIC));
}

/* A token other than a word that a figure may start at: a number, a sign, a
 * minus or the backslash of "\$". */
static bool starts_figure(const tok *x)
{
    return x->type == TK_NUM || x->type == TK_SYM ||
           (x->type == TK_PUNCT && (x->cp == '-' || x->cp == 0x2212 || x->cp == '\\'));
}

/* Marks the tokens that are never amounts (the tokenizer has marked links),
 * lists in `num` those a figure can be built around (is_numeric) and in
 * `start` those a figure may start at, in order; returns how many numeric
 * ones and sets *nstart. Phones and the rest are marked in one pass: a mark
 * only reaches forward and neither rule reads another token's mark, so
 * t[i]'s mark is final once the pass is past it, as if each rule had had a
 * pass of its own. Words are marked by then (links), and most are not in
 * the lexicon: such a word is neither numeric nor a start, unless a '$'
 * follows it ("US$"). */
static size_t mark_tokens(const char *s, tok *t, size_t n, size_t *num, size_t *start,
                          size_t *nstart)
{
    size_t m = 0, ns = 0;
    for (size_t i = 0; i < n; i++) {
        /* past the words outside the lexicon; the sentinel after t[n - 1] ends this */
        tok *x = &t[i];
        while (x->type == TK_WORD && x->lex == NULL)
            x++;
        i = (size_t)(x - t);
        if (i >= n)
            break;
        if (x->type == TK_WORD) {
            if (x->skip)
                continue;
            if (x->lex->roles & W_NUMERIC)
                num[m++] = i;
            if (x->lex->roles & W_START)
                start[ns++] = i;
            continue;
        }
        if (punct_is(x, '$') && i > 0 && t[i - 1].type == TK_WORD && !t[i - 1].skip &&
            (ns == 0 || start[ns - 1] != i - 1))
            start[ns++] = i - 1;
        mark_phone_at(t, n, i);
        mark_non_amount_at(s, t, n, i);
        if (x->skip)
            continue;
        if (is_numeric(x))
            num[m++] = i;
        if (starts_figure(x))
            start[ns++] = i;
    }
    *nstart = ns;
    return m;
}

/* ---- Figures ----------------------------------------------------------- */

typedef struct amount {
    size_t first, last; /* token indices, inclusive */
    double value;       /* the amount, scaled */
    double raw;         /* before the scale */
    bool scaled;
    bool percent;
    bool vague;
    bool about;
    bool yearlike;
    const char *currency;
} amount;

typedef struct scanner {
    const char *s;
    const tok *t;
    size_t n;
} scanner;

/* Token k exists, is not marked, and is not across a blank line. */
static bool tok_in_line(const scanner *sc, size_t k)
{
    return k < sc->n && sc->t[k].sp <= SP_LINE && !sc->t[k].skip;
}

static const char *currency_sign(uint16_t cp)
{
    switch (cp) {
    case '$':
        return "USD";
    case 0x00A3:
        return "GBP";
    case 0x00A5:
        return "JPY";
    case 0x20AC:
        return "EUR";
    case 0x20BD:
        return "RUB";
    case 0x20A9:
        return "KRW";
    case 0x20B4:
        return "UAH";
    case 0x20B9:
        return "INR";
    case 0x5143:
        return "CNY";
    case 0x20A1:
        return "CRC";
    case 0x20BE:
        return "GEL";
    case 0x20AD:
        return "LAK";
    default:
        return NULL;
    }
}

/* A prefix before '$' naming whose dollar: US$, C$, A$, HK$, NZ$, S$. */
static const char *dollar_prefix(const scanner *sc, size_t k)
{
    static const struct {
        const char *w;
        const char *code;
    } p[] = {{"us", "USD"}, {"c", "CAD"},  {"ca", "CAD"}, {"a", "AUD"},
             {"au", "AUD"}, {"hk", "HKD"}, {"nz", "NZD"}, {"s", "SGD"}};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        if (tok_is_word(sc->s, &sc->t[k], p[i].w))
            return p[i].code;
    return NULL;
}

/* Currency before the quantity, from token k; returns the token after it. */
static size_t currency_prefix(const scanner *sc, size_t k, const char **code)
{
    const tok *t = sc->t;
    size_t n = sc->n;
    *code = NULL;
    if (k >= n)
        return k;
    size_t j = k;
    if (punct_is(&t[j], '\\') && j + 1 < n && t[j + 1].sp == SP_NONE && punct_is(&t[j + 1], '$'))
        j++;
    /* "US$", "us $", "u.s $", "HK$" */
    if (t[j].type == TK_WORD && j + 1 < n &&
        (punct_is(&t[j + 1], '$') || punct_is(&t[j + 1], '.'))) {
        size_t d = j + 1;
        if (tok_is_word(sc->s, &t[j], "u") && j + 3 < n && punct_is(&t[j + 1], '.') &&
            tok_is_word(sc->s, &t[j + 2], "s")) {
            d = j + 3;
            if (punct_is(&t[d], '.') && d + 1 < n)
                d++;
            if (punct_is(&t[d], '$') && t[d].sp <= SP_LINE) {
                *code = "USD";
                return d + 1;
            }
        }
        const char *pc = dollar_prefix(sc, j);
        /* "A$5" and "us $5", never the article of "a $1 billion deal" */
        bool letter = t[j].end - t[j].start == 1;
        if (pc != NULL && punct_is(&t[d], '$') &&
            (letter ? t[d].sp == SP_NONE : t[d].sp <= SP_LINE)) {
            *code = pc;
            return d + 1;
        }
    }
    if (t[j].type == TK_SYM) {
        const char *c = currency_sign(t[j].cp);
        if (c != NULL) {
            *code = c;
            return j + 1;
        }
    }
    /* "USD 1.7 billion", "RUB10bn": an upper-case ISO code */
    if (tok_has(&t[j], W_CUR_CODE) && tally_is_upper((unsigned char)sc->s[t[j].start]) &&
        tally_is_upper((unsigned char)sc->s[t[j].end - 1]) && j + 1 < n && t[j + 1].sp <= SP_LINE &&
        t[j + 1].type == TK_NUM) {
        *code = t[j].lex->code;
        return j + 1;
    }
    return k;
}

/* Adjectives that name a currency's country: "US dollars", "Swiss francs". */
static const char *currency_adjective(const scanner *sc, size_t k, const char *word_code,
                                      size_t *next)
{
    static const struct {
        const char *adj;
        const char *base;
        const char *code;
    } a[] = {{"us", "USD", "USD"},         {"american", "USD", "USD"},  {"canadian", "USD", "CAD"},
             {"australian", "USD", "AUD"}, {"singapore", "USD", "SGD"}, {"taiwan", "USD", "TWD"},
             {"swiss", "CHF", "CHF"},      {"french", "CHF", "FRF"},    {"belgian", "CHF", "BEF"},
             {"russian", "RUB", "RUB"},    {"korean", "KRW", "KRW"},    {"chinese", "CNY", "CNY"},
             {"japanese", "JPY", "JPY"},   {"indian", "INR", "INR"},    {"iranian", "IRR", "IRR"},
             {"ukrainian", "UAH", "UAH"},  {"dutch", "NLG", "NLG"},     {"finnish", "FIM", "FIM"},
             {"german", "DEM", "DEM"},     {"mexican", "MXN", "MXN"},   {"czech", "CZK", "CZK"},
             {"danish", "CZK", "DKK"},     {"swedish", "CZK", "SEK"},   {"norwegian", "CZK", "NOK"},
             {"norwegian", "DKK", "NOK"},  {"danish", "DKK", "DKK"},    {"polish", "PLN", "PLN"}};
    (void)word_code;
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        if (!tok_is_word(sc->s, &sc->t[k], a[i].adj))
            continue;
        size_t c = k + 1;
        if (c < sc->n && tok_in_line(sc, c) && tok_has(&sc->t[c], W_CUR) &&
            strcmp(sc->t[c].lex->code, a[i].base) == 0) {
            *next = c;
            return a[i].code;
        }
    }
    return NULL;
}

/* "3 dollars 50 cents", "thirteen dollars and forty-five cents". */
static size_t minor_units(const scanner *sc, size_t k, amount *am)
{
    const tok *t = sc->t;
    size_t j = k;
    if (am->scaled || am->raw != floor(am->raw))
        return k;
    if (tok_in_line(sc, j) && tok_is_word(sc->s, &t[j], "and"))
        j++;
    if (!tok_in_line(sc, j))
        return k;
    double v;
    size_t e;
    spelled sp;
    if (t[j].type == TK_NUM && is_int(&t[j])) {
        v = t[j].value;
        e = j + 1;
    } else if (numword_parse(sc->s, t, sc->n, j, &sp)) {
        v = sp.value;
        e = sp.next;
    } else {
        return k;
    }
    if (v >= 100 || !tok_in_line(sc, e) || !tok_has(&t[e], W_CUR) ||
        strcmp(t[e].lex->code, "USX") != 0)
        return k;
    am->value += v / 100;
    return e + 1;
}

/* Currency or percent after the quantity, from token k. */
static size_t suffix(const scanner *sc, size_t k, amount *am)
{
    const tok *t = sc->t;
    if (!tok_in_line(sc, k))
        return k;
    /* 30%, 30 %, 30 percent, 30 per cent, 30 percentage points */
    if (am->currency == NULL) {
        if (punct_is(&t[k], '%')) {
            am->percent = true;
            return k + 1;
        }
        if (tok_has(&t[k], W_PCT)) {
            am->percent = true;
            return k + 1;
        }
        if (tok_is_word(sc->s, &t[k], "per") && tok_in_line(sc, k + 1) &&
            tok_is_word(sc->s, &t[k + 1], "cent")) {
            am->percent = true;
            return k + 2;
        }
        if (tok_has(&t[k], W_UNIT_PCT)) {
            am->percent = true;
            if (tok_in_line(sc, k + 1) &&
                (tok_is_word(sc->s, &t[k + 1], "points") || tok_is_word(sc->s, &t[k + 1], "point")))
                return k + 2;
            return k + 1;
        }
    }
    /* 100 €, 100元 */
    if (am->currency == NULL && t[k].type == TK_SYM && currency_sign(t[k].cp) != NULL) {
        am->currency = currency_sign(t[k].cp);
        return k + 1;
    }
    /* US dollars, U.S. dollars, North Korean won; "12-cent", "one-yen" */
    size_t c = k;
    const char *code = NULL;
    if (is_dash(&t[k]) && t[k].sp == SP_NONE && k + 1 < sc->n && t[k + 1].sp == SP_NONE &&
        tok_has(&t[k + 1], W_CUR) && !tok_has(&t[k + 1], W_CUR_CODE))
        c = k + 1;
    if (tok_is_word(sc->s, &t[k], "u") && k + 3 < sc->n && punct_is(&t[k + 1], '.') &&
        tok_is_word(sc->s, &t[k + 2], "s")) {
        size_t d = k + 3;
        if (punct_is(&t[d], '.') && d + 1 < sc->n)
            d++;
        if (tok_in_line(sc, d) && tok_is_word(sc->s, &t[d], "dollars")) {
            c = d;
            code = "USD";
        }
    } else if (tok_is_word(sc->s, &t[k], "north") && tok_in_line(sc, k + 2) &&
               tok_is_word(sc->s, &t[k + 1], "korean") && tok_is_word(sc->s, &t[k + 2], "won")) {
        c = k + 2;
        code = "KPW";
    } else if (tok_is_word(sc->s, &t[k], "hong") && tok_in_line(sc, k + 2) &&
               tok_is_word(sc->s, &t[k + 1], "kong") && tok_is_word(sc->s, &t[k + 2], "dollars")) {
        c = k + 2;
        code = "HKD";
    } else if (t[k].type == TK_WORD && tok_in_line(sc, k + 1) && tok_has(&t[k + 1], W_CUR)) {
        code = currency_adjective(sc, k, NULL, &c);
        if (code == NULL)
            c = k;
    }
    if (code == NULL && tok_has(&t[c], W_CUR))
        code = t[c].lex->code;
    /* "of dollars" after a scale or a vague magnitude */
    if (code == NULL && (am->scaled || am->vague) && tok_is_word(sc->s, &t[k], "of") &&
        tok_in_line(sc, k + 1) && tok_has(&t[k + 1], W_CUR) && !tok_has(&t[k + 1], W_CUR_CODE)) {
        c = k + 1;
        code = t[c].lex->code;
    }
    if (code == NULL)
        return k;
    /* "500 pounds of explosives" is a weight. */
    if ((tok_is_word(sc->s, &t[c], "pounds") || tok_is_word(sc->s, &t[c], "pound")) &&
        c + 1 < sc->n && tok_is_word(sc->s, &t[c + 1], "of"))
        return k;
    if (am->currency != NULL && strcmp(am->currency, code) != 0 && strcmp(code, "USD") != 0)
        return k;
    if (am->currency == NULL || strcmp(code, "USD") != 0)
        am->currency = code;
    /* Minor units: cents, pence and kopecks are hundredths of the currency. */
    if (strcmp(code, "USX") == 0 || strcmp(code, "GBX") == 0 || strcmp(code, "RUX") == 0) {
        am->value /= 100;
        am->currency = strcmp(code, "USX") == 0 ? "USD" : strcmp(code, "GBX") == 0 ? "GBP" : "RUB";
        return c + 1;
    }
    return minor_units(sc, c + 1, am);
}

/* m, b, g as million, billion, giga: beside a currency ("$5m"); stuck to the
 * digits in capitals ("10M") or as "b" ("1.2b"); or spaced in capitals after
 * a number with decimals or groups ("1,674.5 G"). "10m" is ten metres and
 * "5G" a network. */
static bool scale_letter(const scanner *sc, size_t k, bool currency)
{
    const tok *w = &sc->t[k];
    const tok *num = &sc->t[k - 1];
    bool upper = tally_is_upper((unsigned char)sc->s[w->start]);
    bool g = tok_is_word(sc->s, w, "g");
    if (currency)
        return !g;
    if (num->type != TK_NUM)
        return false;
    if (w->sp == SP_NONE) {
        /* "9M723" is a designator */
        const tok *after = &sc->t[k + 1];
        if (after->sp == SP_NONE && (after->type == TK_NUM || after->type == TK_WORD))
            return false;
        return !g && (upper || tok_is_word(sc->s, w, "b"));
    }
    return upper && (num->grouped || num->decimals > 0);
}

/* A scale after a number: "million", "bn", "k", "M" (only beside a currency
 * or stuck to the digits in capitals), "hundred", "dozen". */
static size_t scale_after(const scanner *sc, size_t k, amount *am, bool currency)
{
    const tok *t = sc->t;
    for (;;) {
        /* "27-hundred", "20-thousand", "$200-million": a hyphen joins a scale */
        if (k + 1 < sc->n && punct_is(&t[k], '-') && t[k].sp == SP_NONE && t[k + 1].sp == SP_NONE &&
            t[k + 1].type == TK_WORD &&
            (tok_has(&t[k + 1], W_SCALE) || tok_has(&t[k + 1], W_HUNDRED)))
            k++;
        if (!(k < sc->n && !t[k].skip && t[k].sp <= SP_LINE && t[k].type == TK_WORD))
            break;
        const tok *w = &t[k];
        double v = 0;
        if (tok_has(w, W_SCALE) || tok_has(w, W_HUNDRED))
            v = w->lex->value;
        else if (tok_has(w, W_DOZEN) && !tok_has(w, W_VAGUE))
            v = 12;
        else if (tok_is_word(sc->s, w, "dozens") && am->scaled == false)
            v = 12;
        else if (tok_has(w, W_SCALE_CUR) && scale_letter(sc, k, currency))
            v = w->lex->value;
        else
            break;
        /* A scale word in capitals stuck to the digits is a unit ("10G"), except M and B. */
        am->value *= v;
        am->scaled = true;
        k++;
        if (v < 1000 && v != 100)
            break;
    }
    return k;
}

/* "dozens", "hundreds of thousands", "several hundred", "a few thousand". */
static bool vague(const scanner *sc, size_t k, amount *am)
{
    const tok *t = sc->t;
    const char *s = sc->s;
    size_t j = k;
    double v;
    if (tok_has(&t[j], W_SEVERAL) ||
        (tok_has(&t[j], W_A) && tok_in_line(sc, j + 1) && tok_is_word(s, &t[j + 1], "few"))) {
        j += tok_has(&t[j], W_A) ? 2 : 1;
        if (!tok_in_line(sc, j))
            return false;
        if (tok_is_word(s, &t[j], "dozen"))
            v = 12;
        else if (tok_has(&t[j], W_HUNDRED) ||
                 (tok_has(&t[j], W_SCALE) && t[j].end - t[j].start > 3))
            v = t[j].lex->value;
        else
            return false;
        j++;
        if (tok_in_line(sc, j) && tok_has(&t[j], W_SCALE) && t[j].end - t[j].start > 3 &&
            t[j].lex->value > v) {
            v *= t[j].lex->value;
            j++;
        }
    } else if (tok_has(&t[j], W_VAGUE)) {
        v = t[j].lex->value;
        bool needs_of = tok_is_word(s, &t[j], "tens") || tok_is_word(s, &t[j], "scores");
        j++;
        size_t of = j;
        if (tok_in_line(sc, of) && tok_is_word(s, &t[of], "of") && tok_in_line(sc, of + 1) &&
            tok_has(&t[of + 1], W_VAGUE) && t[of + 1].lex->value >= 1000 &&
            t[of + 1].lex->value > v) {
            v *= t[of + 1].lex->value;
            j = of + 2;
        } else if (needs_of && !(tok_in_line(sc, of) && tok_is_word(s, &t[of], "of"))) {
            return false;
        }
        /* "scores of 10-5", "hundreds of 2024": a number after "of" is not counted */
        if (tok_in_line(sc, j) && tok_is_word(s, &t[j], "of") && tok_in_line(sc, j + 1) &&
            t[j + 1].type == TK_NUM)
            return false;
    } else {
        return false;
    }
    am->first = k;
    am->last = j - 1;
    am->raw = am->value = v;
    am->vague = true;
    am->scaled = true;
    return true;
}

static bool yearlike(const tok *x)
{
    return is_int(x) && x->digits == 4 && x->value >= 1800 && x->value <= 2100;
}

/* A plain number at t[k], digits or words; returns the token after it, or k. */
static size_t plain_number(const scanner *sc, size_t k, double *v)
{
    spelled sp;
    if (!tok_in_line(sc, k))
        return k;
    if (sc->t[k].type == TK_NUM) {
        *v = sc->t[k].value;
        return k + 1;
    }
    if (numword_parse(sc->s, sc->t, sc->n, k, &sp) && !sp.about) {
        *v = sp.value;
        return sp.next;
    }
    return k;
}

/* `v`, what `raw` became; NaN (no figure) when a number that was not 0
 * became 0: "2^-2000" is not a figure of 0. */
static double no_underflow(double raw, double v)
{
    return v == 0 && raw != 0 ? NAN : v;
}

/* "1.1^23", "one out of three", "2000 over 3" (a ratio only when nothing
 * is counted after it: "500 over 3 days" is not one). */
static size_t ratio_or_power(const scanner *sc, size_t k, amount *am)
{
    const tok *t = sc->t;
    double v;
    /* 2.48×10−5, 6.02 x 10^23 */
    if (k + 2 < sc->n && (punct_is(&t[k], 0x00D7) || tok_is_word(sc->s, &t[k], "x")) &&
        t[k + 1].type == TK_NUM && t[k + 1].value == 10 && is_int(&t[k + 1])) {
        size_t j = k + 2;
        if (punct_is(&t[j], '^'))
            j++;
        int sign = 1;
        if (j < sc->n && (is_dash(&t[j]) || punct_is(&t[j], '+')) && t[j].sp == SP_NONE) {
            sign = punct_is(&t[j], '+') ? 1 : -1;
            j++;
        }
        if (j < sc->n && j > k + 2 && t[j].sp == SP_NONE && is_int(&t[j])) {
            am->raw = no_underflow(
                am->raw, t[j].value < 400 ? am->raw * pow10i(sign * (int)t[j].value) : NAN);
            return j + 1;
        }
    }
    if (k + 1 < sc->n && punct_is(&t[k], '^') && t[k].sp == SP_NONE) {
        size_t j = k + 1;
        int sign = 1;
        while (j < sc->n && t[j].sp == SP_NONE && (punct_is(&t[j], '-') || punct_is(&t[j], '+'))) {
            sign = punct_is(&t[j], '-') ? -sign : sign;
            j++;
        }
        if (j < sc->n && t[j].sp == SP_NONE && t[j].type == TK_NUM) {
            am->raw = no_underflow(am->raw, pow(am->raw, sign * t[j].value));
            return j + 1;
        }
        return k;
    }
    if (tok_in_line(sc, k + 1) && tok_is_word(sc->s, &t[k], "out") &&
        tok_is_word(sc->s, &t[k + 1], "of")) {
        size_t e = plain_number(sc, k + 2, &v);
        if (e != k + 2 && v != 0) {
            am->raw /= v;
            return e;
        }
    }
    if (tok_is_word(sc->s, &t[k], "over")) {
        size_t e = plain_number(sc, k + 1, &v);
        if (e != k + 1 && v != 0 && !(tok_in_line(sc, e) && t[e].type == TK_WORD)) {
            am->raw /= v;
            return e;
        }
    }
    return k;
}

/* An amount from token k: [currency] quantity [scale] [currency | percent]. */
static bool parse_amount(const scanner *sc, size_t k, amount *am)
{
    const tok *t = sc->t;
    size_t n = sc->n;
    memset(am, 0, sizeof *am);
    if (k >= n || t[k].skip)
        return false;
    am->first = k;
    bool neg = false;
    /* minus five, negative one, -5, −5 */
    if (tok_has(&t[k], W_NEG) && tok_in_line(sc, k + 1) &&
        (t[k + 1].type == TK_NUM || tok_has(&t[k + 1], W_UNIT | W_TENS | W_A))) {
        neg = true;
        k++;
    } else if ((punct_is(&t[k], '-') || punct_is(&t[k], 0x2212)) && k + 1 < n &&
               t[k + 1].type == TK_NUM && t[k + 1].sp == SP_NONE && !t[k + 1].skip &&
               (k == 0 || t[k].sp != SP_NONE || t[k - 1].type == TK_SYM ||
                punct_is(&t[k - 1], '('))) {
        neg = true;
        k++;
    }
    /* "per cent of 210": a percent sign written first */
    size_t pct = k;
    if (tok_has(&t[k], W_PCT))
        pct = k + 1;
    else if (tok_is_word(sc->s, &t[k], "per") && tok_in_line(sc, k + 1) &&
             tok_is_word(sc->s, &t[k + 1], "cent"))
        pct = k + 2;
    if (pct != k && tok_in_line(sc, pct) && tok_is_word(sc->s, &t[pct], "of") &&
        tok_in_line(sc, pct + 1) && !tok_has(&t[pct + 1], W_PCT) &&
        !tok_is_word(sc->s, &t[pct + 1], "per")) {
        size_t first = k;
        if (!parse_amount(sc, pct + 1, am) || am->currency != NULL || am->percent || am->vague)
            return false;
        am->first = first;
        am->percent = true;
        am->yearlike = false;
        return true;
    }
    const char *cur = NULL;
    size_t q = currency_prefix(sc, k, &cur);
    if (cur != NULL && !tok_in_line(sc, q))
        return false;
    const tok *x = &t[q < n ? q : n - 1];
    if (q >= n || x->skip)
        return false;
    size_t after;
    if (x->type == TK_NUM) {
        am->raw = x->value;
        after = q + 1;
        /* 3/4, 2 1/4 */
        if (after + 1 < n && punct_is(&t[after], '/') && t[after].sp == SP_NONE &&
            t[after + 1].type == TK_NUM && t[after + 1].sp == SP_NONE && t[after + 1].value > 0) {
            am->raw = x->value / t[after + 1].value;
            after += 2;
        } else if (is_int(x) && after + 2 < n && t[after].type == TK_NUM && is_int(&t[after]) &&
                   t[after].sp == SP_SPACE && punct_is(&t[after + 1], '/') &&
                   t[after + 1].sp == SP_NONE && t[after + 2].sp == SP_NONE &&
                   t[after + 2].type == TK_NUM && t[after + 2].value > t[after].value) {
            am->raw = x->value + t[after].value / t[after + 2].value;
            after += 3;
        }
        am->yearlike = yearlike(x) && after == q + 1;
    } else {
        spelled sp;
        if (cur == NULL && vague(sc, q, am)) {
            after = am->last + 1;
        } else if (numword_parse(sc->s, t, n, q, &sp)) {
            am->raw = sp.value;
            am->about = sp.about;
            after = sp.next;
            /* "one-off", "one-sided": a number word glued to another word */
            if (after < n && is_dash(&t[after]) && t[after].sp == SP_NONE && after + 1 < n &&
                t[after + 1].type == TK_WORD && t[after + 1].sp == SP_NONE &&
                !tok_has(&t[after + 1], W_CUR))
                return false;
            if (after == q + 1 && tok_is_word(sc->s, x, "one") && q > 0 &&
                (tok_is_word(sc->s, &t[q - 1], "no") || tok_is_word(sc->s, &t[q - 1], "any") ||
                 (tok_in_line(sc, after) && tok_is_word(sc->s, &t[after], "another"))))
                return false;
        } else {
            return false;
        }
    }
    if (!am->vague) {
        size_t r = ratio_or_power(sc, after, am);
        if (r != after)
            am->yearlike = false;
        after = r;
    }
    if (!am->vague)
        am->value = am->raw;
    after = scale_after(sc, after, am, cur != NULL);
    /* letters still stuck to the digits: "10m" (metres), "5G" */
    if (after < n && after > q && t[after].sp == SP_NONE && t[after].type == TK_WORD &&
        t[after - 1].type == TK_NUM)
        return false;
    am->currency = cur;
    after = suffix(sc, after, am);
    if (am->scaled || am->percent || am->currency != NULL)
        am->yearlike = false;
    if (neg) {
        am->raw = -am->raw;
        am->value = -am->value;
    }
    am->last = after - 1;
    /* "9e14 million", "2^2000": scaled out of any figure's range */
    return tally_figure_value_ok(am->value) && tally_figure_value_ok(am->raw);
}

/* Qualifier phrases, sorted by their first word (for the binary search in
 * qualifier_at); of two with the same first word, the longer first where one
 * extends the other. */
typedef struct qual_phrase {
    const char *words[6];
    tally_qualifier q;
} qual_phrase;

static const qual_phrase quals[] = {
    {{"a", "minimum", "of"}, TALLY_Q_AT_LEAST},
    {{"a", "maximum", "of"}, TALLY_Q_UP_TO},
    {{"about"}, TALLY_Q_ABOUT},
    {{"above"}, TALLY_Q_MORE_THAN},
    {{"almost"}, TALLY_Q_ABOUT},
    {{"approx"}, TALLY_Q_ABOUT},
    {{"approximately"}, TALLY_Q_ABOUT},
    {{"around"}, TALLY_Q_ABOUT},
    {{"as", "many", "as"}, TALLY_Q_UP_TO},
    {{"as", "much", "as"}, TALLY_Q_UP_TO},
    {{"as", "high", "as"}, TALLY_Q_UP_TO},
    {{"as", "few", "as"}, TALLY_Q_AT_LEAST},
    {{"at", "least", "or", "equal", "to"}, TALLY_Q_AT_LEAST},
    {{"at", "least"}, TALLY_Q_AT_LEAST},
    {{"at", "most"}, TALLY_Q_UP_TO},
    {{"below"}, TALLY_Q_LESS_THAN},
    {{"bigger", "or", "equal", "than"}, TALLY_Q_AT_LEAST},
    {{"bigger", "than"}, TALLY_Q_MORE_THAN},
    {{"circa"}, TALLY_Q_ABOUT},
    {{"close", "to"}, TALLY_Q_ABOUT},
    {{"equal", "to", "or", "more", "than"}, TALLY_Q_AT_LEAST},
    {{"equal", "to", "or", "greater", "than"}, TALLY_Q_AT_LEAST},
    {{"equal", "to", "or", "less", "than"}, TALLY_Q_UP_TO},
    {{"equal", "to", "or", "fewer", "than"}, TALLY_Q_UP_TO},
    {{"equal", "to"}, TALLY_Q_EXACT},
    {{"equaling", "to"}, TALLY_Q_EXACT},
    {{"equalling", "to"}, TALLY_Q_EXACT},
    {{"equals"}, TALLY_Q_EXACT},
    {{"exceeding"}, TALLY_Q_MORE_THAN},
    {{"fewer", "than", "or", "equal", "to"}, TALLY_Q_UP_TO},
    {{"fewer", "than"}, TALLY_Q_LESS_THAN},
    {{"greater", "than", "or", "equal", "to"}, TALLY_Q_AT_LEAST},
    {{"greater", "or", "equal", "than"}, TALLY_Q_AT_LEAST},
    {{"greater", "than"}, TALLY_Q_MORE_THAN},
    {{"higher", "or", "equal", "than"}, TALLY_Q_AT_LEAST},
    {{"higher", "than"}, TALLY_Q_MORE_THAN},
    {{"in", "excess", "of"}, TALLY_Q_MORE_THAN},
    {{"just", "over"}, TALLY_Q_MORE_THAN},
    {{"just", "under"}, TALLY_Q_LESS_THAN},
    {{"just", "below"}, TALLY_Q_LESS_THAN},
    {{"larger", "or", "equal", "than"}, TALLY_Q_AT_LEAST},
    {{"larger", "than"}, TALLY_Q_MORE_THAN},
    {{"less", "than", "or", "equal", "to"}, TALLY_Q_UP_TO},
    {{"less", "or", "equal", "than"}, TALLY_Q_UP_TO},
    {{"less", "than"}, TALLY_Q_LESS_THAN},
    {{"lower", "or", "equal", "than"}, TALLY_Q_UP_TO},
    {{"lower", "than"}, TALLY_Q_LESS_THAN},
    {{"maximum", "of"}, TALLY_Q_UP_TO},
    {{"minimum", "of"}, TALLY_Q_AT_LEAST},
    {{"more", "than", "or", "equal", "to"}, TALLY_Q_AT_LEAST},
    {{"more", "or", "equal", "than"}, TALLY_Q_AT_LEAST},
    {{"more", "than"}, TALLY_Q_MORE_THAN},
    {{"nearly"}, TALLY_Q_ABOUT},
    {{"no", "fewer", "than"}, TALLY_Q_AT_LEAST},
    {{"no", "less", "than"}, TALLY_Q_AT_LEAST},
    {{"no", "more", "than"}, TALLY_Q_UP_TO},
    {{"not", "less", "than"}, TALLY_Q_AT_LEAST},
    {{"not", "fewer", "than"}, TALLY_Q_AT_LEAST},
    {{"not", "more", "than"}, TALLY_Q_UP_TO},
    {{"over"}, TALLY_Q_MORE_THAN},
    {{"roughly"}, TALLY_Q_ABOUT},
    {{"smaller", "or", "equal", "than"}, TALLY_Q_UP_TO},
    {{"smaller", "than"}, TALLY_Q_LESS_THAN},
    {{"some"}, TALLY_Q_ABOUT},
    {{"under"}, TALLY_Q_LESS_THAN},
    {{"up", "to"}, TALLY_Q_UP_TO},
    {{"upwards", "of"}, TALLY_Q_MORE_THAN},
    {{"well", "over"}, TALLY_Q_MORE_THAN},
    {{"well", "above"}, TALLY_Q_MORE_THAN},
};

/* strcmp, with the first letters compared in place: they tell most words
 * of the binary search below apart without a call. */
static int word_cmp(const char *a, const char *b)
{
    if (a[0] != b[0])
        return (unsigned char)a[0] < (unsigned char)b[0] ? -1 : 1;
    return strcmp(a, b);
}

/* Qualifier at token k; returns the token after it, or k when none. */
static size_t qualifier_at(const scanner *sc, size_t k, tally_qualifier *q, bool *explicit_exact)
{
    const tok *t = sc->t;
    if (k >= sc->n || t[k].skip)
        return k;
    if (t[k].type == TK_SYM) {
        uint16_t c = t[k].cp;
        bool eq = k + 1 < sc->n && punct_is(&t[k + 1], '=') && t[k + 1].sp <= SP_SPACE;
        if (c == '>' || c == 0x2265) {
            *q = (c == 0x2265 || eq) ? TALLY_Q_AT_LEAST : TALLY_Q_MORE_THAN;
            return k + (eq ? 2 : 1);
        }
        if (c == '<' || c == 0x2264) {
            *q = (c == 0x2264 || eq) ? TALLY_Q_UP_TO : TALLY_Q_LESS_THAN;
            return k + (eq ? 2 : 1);
        }
        if (c == '~') {
            *q = TALLY_Q_ABOUT;
            return k + 1;
        }
        return k;
    }
    if (!tok_has(&t[k], W_QUAL))
        return k;
    /* The first phrase whose first word is not below the token's */
    const char *first = t[k].lex->word;
    size_t lo = 0, hi = sizeof quals / sizeof quals[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (word_cmp(quals[mid].words[0], first) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t p = lo; p < sizeof quals / sizeof quals[0]; p++) {
        if (word_cmp(quals[p].words[0], first) != 0)
            break;
        size_t j = k;
        size_t w = 0;
        while (w < 6 && quals[p].words[w] != NULL) {
            if (j >= sc->n || (w > 0 && !tok_in_line(sc, j)) ||
                !tok_is_word(sc->s, &t[j], quals[p].words[w]))
                break;
            j++;
            w++;
        }
        if (w < 6 && quals[p].words[w] != NULL)
            continue;
        /* "approx." */
        if (j < sc->n && punct_is(&t[j], '.') && t[j].sp == SP_NONE &&
            strcmp(quals[p].words[0], "approx") == 0)
            j++;
        *q = quals[p].q;
        if (quals[p].q == TALLY_Q_EXACT)
            *explicit_exact = true;
        return j;
    }
    return k;
}

static bool is_bound(tally_qualifier q)
{
    return q == TALLY_Q_MORE_THAN || q == TALLY_Q_AT_LEAST || q == TALLY_Q_UP_TO ||
           q == TALLY_Q_LESS_THAN;
}

static bool is_lower_bound(tally_qualifier q)
{
    return q == TALLY_Q_MORE_THAN || q == TALLY_Q_AT_LEAST;
}

/* "or more", "or less", "and above", ... after an amount. */
static size_t postfix_bound(const scanner *sc, size_t k, tally_qualifier *q)
{
    static const struct {
        const char *w;
        tally_qualifier q;
    } post[] = {{"more", TALLY_Q_AT_LEAST},  {"greater", TALLY_Q_AT_LEAST},
                {"above", TALLY_Q_AT_LEAST}, {"higher", TALLY_Q_AT_LEAST},
                {"over", TALLY_Q_AT_LEAST},  {"less", TALLY_Q_UP_TO},
                {"fewer", TALLY_Q_UP_TO},    {"below", TALLY_Q_UP_TO},
                {"lower", TALLY_Q_UP_TO},    {"under", TALLY_Q_UP_TO}};
    const tok *t = sc->t;
    if (!tok_in_line(sc, k) || !tok_in_line(sc, k + 1))
        return k;
    if (!tok_is_word(sc->s, &t[k], "or") && !tok_is_word(sc->s, &t[k], "and"))
        return k;
    for (size_t i = 0; i < sizeof post / sizeof post[0]; i++) {
        if (tok_is_word(sc->s, &t[k + 1], post[i].w)) {
            size_t e = k + 2;
            /* "or greater than 190" starts another figure */
            if (tok_in_line(sc, e) &&
                (tok_is_word(sc->s, &t[e], "than") || tok_is_word(sc->s, &t[e], "to"))) {
                if (tok_in_line(sc, e + 1) && t[e + 1].type != TK_WORD)
                    return k;
                if (tok_in_line(sc, e + 1) && tok_has(&t[e + 1], W_UNIT | W_TENS))
                    return k;
                e++;
            }
            *q = post[i].q;
            return e;
        }
    }
    return k;
}

/* The range connector after an amount: "to", "-", "–", "through", "~", "and" (after between). */
static size_t range_connector(const scanner *sc, size_t k, bool between)
{
    const tok *t = sc->t;
    if (!tok_in_line(sc, k) || !tok_in_line(sc, k + 1))
        return k;
    if (tok_is_word(sc->s, &t[k], "to") || tok_is_word(sc->s, &t[k], "through") ||
        tok_is_word(sc->s, &t[k], "thru") || punct_is(&t[k], '~') ||
        (between && tok_is_word(sc->s, &t[k], "and")))
        return k + 1;
    if (is_dash(&t[k])) {
        /* "20 -30" is twenty and minus thirty, not a range */
        if (t[k].cp == '-' && t[k].sp != SP_NONE && t[k + 1].sp == SP_NONE)
            return k;
        return k + 1;
    }
    return k;
}

/* Two ends of a range measure the same thing: no percent to money, no two currencies. */
static bool compatible(const amount *a, const amount *b)
{
    if ((a->percent && b->currency != NULL) || (b->percent && a->currency != NULL))
        return false;
    return a->currency == NULL || b->currency == NULL || strcmp(a->currency, b->currency) == 0;
}

static void share_range(amount *a, const amount *b);

/* The ends of a range in order, once the scale is shared: "10-5" is no range. */
static bool ordered(const amount *a, const amount *b)
{
    amount s = *a;
    share_range(&s, b);
    return s.value <= b->value;
}

/* Shares the scale, currency and percent of the second end of a range with the first. */
static void share_range(amount *a, const amount *b)
{
    if (!a->scaled && b->scaled && !b->vague && b->raw != 0 && a->raw <= b->raw) {
        a->value = a->raw * (b->value / b->raw);
        a->scaled = true;
    }
    if (a->currency == NULL)
        a->currency = b->currency;
    if (b->percent)
        a->percent = true;
}

static void emit(const scanner *sc, tally_figure *f, size_t first, size_t last, const amount *lo,
                 const amount *hi, tally_qualifier q)
{
    memset(f, 0, sizeof *f);
    f->start = sc->t[first].start;
    f->end = sc->t[last].end;
    f->qualifier = q;
    const amount *main = lo != NULL ? lo : hi;
    const char *cur = main->currency != NULL ? main->currency : hi != NULL ? hi->currency : NULL;
    bool pct = main->percent || (hi != NULL && hi->percent);
    f->kind = cur != NULL ? TALLY_FIG_MONEY : pct ? TALLY_FIG_PERCENT : TALLY_FIG_NUMBER;
    if (cur != NULL)
        memcpy(f->currency, cur, 3);
    f->vague = main->vague;
    if (q == TALLY_Q_UP_TO || q == TALLY_Q_LESS_THAN) {
        f->has_high = true;
        f->high = main->value;
    } else if (q == TALLY_Q_RANGE) {
        f->has_low = lo != NULL;
        f->low = lo != NULL ? lo->value : 0;
        f->has_high = hi != NULL;
        f->high = hi != NULL ? hi->value : 0;
    } else {
        f->has_low = true;
        f->low = main->value;
    }
}

/* Tries a figure at token i; on success fills `f` and returns the token after it. */
static size_t parse_figure(const scanner *sc, size_t i, tally_figure *f, bool *qualified)
{
    const tok *t = sc->t;
    size_t k = i;
    tally_qualifier q = TALLY_Q_EXACT, q2 = TALLY_Q_EXACT;
    bool have_q = false, explicit_exact = false;
    /* Qualifiers may chain ("up to approximately", "as many as more than"):
     * a bound wins over "about"; of two bounds the last one. */
    for (int round = 0; round < 3; round++) {
        size_t e = qualifier_at(sc, k, &q2, &explicit_exact);
        if (e == k)
            break;
        if (round > 0 && !tok_in_line(sc, k))
            break;
        if (!have_q || is_bound(q2) || !is_bound(q))
            q = q2;
        have_q = true;
        k = e;
    }
    bool between = false, from = false;
    if (k < sc->n && !t[k].skip &&
        (tok_is_word(sc->s, &t[k], "between") || tok_is_word(sc->s, &t[k], "from")) &&
        tok_in_line(sc, k + 1)) {
        between = tok_is_word(sc->s, &t[k], "between");
        from = !between;
    }
    size_t a0 = (between || from) ? k + 1 : k;
    if (have_q && !tok_in_line(sc, a0) && a0 != i)
        return i;
    amount a;
    if (!parse_amount(sc, a0, &a))
        return i;
    if (a.yearlike && !(have_q && tok_in_line(sc, a.last + 1) && t[a.last + 1].type == TK_WORD &&
                        !tok_has(&t[a.last + 1], W_MONTH) &&
                        !tally_is_upper((unsigned char)sc->s[t[a.last + 1].start])))
        return i;
    /* A range: "20 to 50 million", "between 20,000 to 50,000", "$20-$50 million" */
    size_t c = range_connector(sc, a.last + 1, between);
    if (c != a.last + 1) {
        amount b;
        if (parse_amount(sc, c, &b) && compatible(&a, &b) && !b.yearlike && !b.vague == !a.vague &&
            ordered(&a, &b) && !(is_dash(&t[a.last + 1]) && b.first > 0 && b.raw < 0)) {
            share_range(&a, &b);
            if (!tally_figure_value_ok(a.value))
                return i;
            if (b.currency == NULL && a.currency != NULL)
                b.currency = a.currency;
            if (a.percent)
                b.percent = true;
            size_t first = (between || from) ? k : a0;
            if (have_q && !is_bound(q))
                first = i;
            else if (have_q)
                first = i;
            emit(sc, f, first, b.last, &a, &b, TALLY_Q_RANGE);
            if (have_q && is_bound(q)) {
                /* "up to 20-30": the bound applies to the range's far end */
                emit(sc, f, first, b.last, is_lower_bound(q) ? &a : NULL,
                     is_lower_bound(q) ? NULL : &b, q);
            }
            *qualified = true;
            return b.last + 1;
        }
    }
    if (between || from) {
        /* "from" or "between" without a range is not part of the figure */
        if (have_q)
            return i;
        i = a0;
    }
    size_t end = a.last;
    if (!have_q || q == TALLY_Q_ABOUT || q == TALLY_Q_EXACT) {
        tally_qualifier pq = TALLY_Q_EXACT;
        size_t e = postfix_bound(sc, a.last + 1, &pq);
        if (e != a.last + 1) {
            q = pq;
            have_q = true;
            end = e - 1;
        }
    }
    if (!have_q && a.vague)
        q = TALLY_Q_AT_LEAST;
    else if (!have_q && a.about)
        q = TALLY_Q_ABOUT;
    *qualified = have_q || explicit_exact || a.vague || a.about;
    emit(sc, f, i, end, &a, NULL, q);
    return end + 1;
}

/* CLAIMS.md: a qualifier in front of two alternatives applies to both: "up to
 * 3 million rounds of 152 mm shells or 500,000 rounds of 122 mm rockets". `b`
 * has no qualifier of its own; it takes `a`'s when only "or" and words (no
 * clause punctuation, no other figure) stand between them. */
static void share_qualifier(const char *s, const tally_figure *a, tally_figure *b)
{
    if (a->qualifier == TALLY_Q_EXACT || a->qualifier == TALLY_Q_RANGE || a->kind != b->kind ||
        b->start - a->end > 120)
        return;
    size_t p = b->start;
    while (p > a->end && (s[p - 1] == ' ' || s[p - 1] == '\n'))
        p--;
    if (p - a->end < 3 || memcmp(s + p - 2, "or", 2) != 0 || (s[p - 3] != ' ' && s[p - 3] != '\n'))
        return;
    for (size_t k = a->end; k < p; k++)
        if (s[k] == '.' || s[k] == ';' || s[k] == ':' || s[k] == ',' || s[k] == '(' ||
            s[k] == ')' || s[k] == '!' || s[k] == '?')
            return;
    b->qualifier = a->qualifier;
    if (a->qualifier == TALLY_Q_UP_TO || a->qualifier == TALLY_Q_LESS_THAN) {
        b->has_high = true;
        b->high = b->low;
        b->has_low = false;
        b->low = 0;
    }
}

/* "more than 10 and less than 20", "at most 100 and at least 20": one range. */
static size_t merge_bounds(const char *s, tally_figure *v, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out > 0) {
            tally_figure *a = &v[out - 1];
            tally_figure *b = &v[i];
            bool lower_a = is_lower_bound(a->qualifier), lower_b = is_lower_bound(b->qualifier);
            bool upper_a = a->qualifier == TALLY_Q_UP_TO || a->qualifier == TALLY_Q_LESS_THAN;
            bool upper_b = b->qualifier == TALLY_Q_UP_TO || b->qualifier == TALLY_Q_LESS_THAN;
            if ((lower_a && upper_b) || (upper_a && lower_b)) {
                /* only "and", "but", "," (and spaces) between them */
                size_t p = a->end;
                bool ok = true, word = false;
                while (p < b->start && ok) {
                    if (s[p] == ' ' || s[p] == '\n' ||
                        (s[p] == ',' && p + 1 < b->start && s[p + 1] == ' ')) {
                        p++;
                    } else if (b->start - p >= 3 && memcmp(s + p, "and", 3) == 0 && !word) {
                        p += 3;
                        word = true;
                    } else if (b->start - p >= 3 && memcmp(s + p, "but", 3) == 0 && !word) {
                        p += 3;
                        word = true;
                    } else {
                        ok = false;
                    }
                }
                const tally_figure *lo = lower_a ? a : b;
                const tally_figure *hi = lower_a ? b : a;
                if (ok && word && lo->low < hi->high) {
                    tally_figure m = *a;
                    m.end = b->end;
                    m.qualifier = TALLY_Q_RANGE;
                    m.has_low = true;
                    m.low = lo->low;
                    m.has_high = true;
                    m.high = hi->high;
                    if (m.kind == TALLY_FIG_NUMBER)
                        m.kind = b->kind;
                    *a = m;
                    continue;
                }
            }
        }
        v[out++] = v[i];
    }
    return out;
}

int tally_figures_scan(tally_span text, tally_figures *out, tally_arena *a, tally_err *err)
{
    (void)err;
    out->v = NULL;
    out->n = 0;
    /* Words average five bytes with their space: a token per four bytes
     * rarely needs to grow. Two more for the sentinels below. */
    toks ts = {0};
    ts.cap = text.len / 4 + 16;
    ts.v = tally_arena_alloc(a, ts.cap * sizeof *ts.v);
    tokenize(text.ptr, text.len, &ts, a);
    if (ts.n == 0)
        return 0;
    /* Two sentinels past the end, so that looking one or two tokens ahead
     * never reads out of the array; they are skipped and end every line. */
    size_t n_real = ts.n;
    for (int k = 0; k < 2; k++) {
        tok z = {.start = text.len,
                 .end = text.len,
                 .type = TK_PUNCT,
                 .sp = SP_PARA,
                 .skip = 1,
                 .lex = NULL};
        push(&ts, a, &z);
    }
    ts.n = n_real;
    /* A figure has a number, a number word or a currency sign within a few
     * tokens of its start: only starts up to 8 tokens before one of `num`
     * are tried. Most words ("a", "in", "at") are neither. */
    size_t *num = tally_arena_alloc(a, 2 * ts.n * sizeof *num), *start = num + ts.n, nstart;
    size_t m = mark_tokens(text.ptr, ts.v, ts.n, num, start, &nstart);
    if (m == 0)
        return 0;
    scanner sc = {text.ptr, ts.v, ts.n};
    size_t cap = 16, n = 0;
    tally_figure *v = tally_arena_alloc(a, cap * sizeof *v);
    size_t p = 0;    /* num[p] is the first numeric token at or after i */
    size_t done = 0; /* the first token after the last figure */
    for (size_t q = 0; q < nstart; q++) {
        size_t i = start[q];
        if (i < done)
            continue;
        while (p < m && num[p] < i)
            p++;
        if (p == m) /* nothing numeric after here */
            break;
        if (num[p] - i > 8)
            continue;
        tally_figure f;
        bool qualified = false;
        size_t next = parse_figure(&sc, i, &f, &qualified);
        if (next == i)
            continue;
        if (n == cap) {
            tally_figure *w = tally_arena_alloc(a, 2 * cap * sizeof *w);
            memcpy(w, v, n * sizeof *v);
            v = w;
            cap *= 2;
        }
        if (!qualified && n > 0)
            share_qualifier(text.ptr, &v[n - 1], &f);
        v[n++] = f;
        done = next;
    }
    out->v = v;
    out->n = merge_bounds(text.ptr, v, n);
    return 0;
}

const char *tally_figure_kind_name(tally_figure_kind k)
{
    static const char *const names[] = {"number", "money", "percent"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "number";
}
