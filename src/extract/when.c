/* Dates and time expressions.
 *
 * The text is read once as a stream of tokens (words, runs of ASCII digits,
 * single punctuation characters) kept in a ring. At each token the parser
 * tries one expression, looking at most MAX_AHEAD (plus EVENT_WINDOW) tokens
 * ahead, so a scan is linear in the text; it allocates nothing but the result
 * array. Tokens that are neither digits nor known words fail at once, which
 * is the early-out: text without digits or month, weekday or time words costs
 * one pass of the lexer.
 *
 * An expression is [role word] [modifier] core [range tail]:
 *   role words   since (at least), from, starting/beginning (in) -> SINCE;
 *                by, as of, as at, on, until, till, through -> AS_OF;
 *                in, during, throughout, for, over, at, toward(s) -> the core's own
 *                role (for, over, at, toward(s) make no context for a bare year:
 *                "over 2000 drones"; "on 2023" is a comparison, not a date).
 *   modifiers    the end/start/beginning/middle of, early, mid(-), late,
 *                the first/second half of, the first..fourth quarter of.
 *   cores        dates ("26 February 2024", "Feb. 26", "2024-02-26"), months
 *                ("August 2022", "in August"), years ("in 2023"), decades
 *                ("the 1990s"), and relative expressions ("last September",
 *                "on Monday", "over the past month", "a year ago").
 *   ranges       between A and B; from A to/until/through B; A-B.
 *   events       "since the summit between the two leaders last September": after
 *                "since", a date within EVENT_WINDOW tokens with no punctuation and
 *                no verb such as is/was/has/said in between gives SINCE that date.
 *
 * Roles a core has on its own: a year, a decade, "last year" and a range are
 * SPAN; "this year" is SPAN from the year to the document date; a month, a
 * day, a weekday, "last month" and "a year ago" are AS_OF; "over the past
 * month" is SINCE. A SINCE role word keeps a SPAN's start, an AS_OF role word
 * its end. Modifiers make AS_OF: "the end of 2023" is 2023-12, "the start of
 * 2024" 2024-01, "early/mid/late 2023" 2023 and "late February" February;
 * "the first half of 2024" is SPAN 2024-01..2024-06.
 *
 * Resolution (past, against the document date D):
 *   - a month or day without a year is the latest one not after D; a D of a
 *     year only is taken as 1 July of that year (the likelier reading: in a
 *     2023 text "since August" is more often 2022-08, "on March 8" 2023-03-08);
 *   - "last September" is September of the year before D's year;
 *   - "on Monday", "Monday" is the latest Monday not after D (D itself when D
 *     is a Monday: news copy dated Friday says "said on Friday" of that day);
 *     "last Monday" the latest Monday before D; both need a full D;
 *   - "yesterday" D-1, "last week" D-7 days, "N weeks/days ago" and "over the
 *     past N weeks/days" need a full D; "last month", "N months ago", "over
 *     the past N months" give a month and need D's month; "a year ago" has
 *     D's precision; "over the past year" gives D's year and month, less one;
 *   - "since the start of the war" (and the full-scale invasion, Russia's
 *     invasion, since Russia invaded) is SINCE 2022-02, when D is empty or not
 *     before 2022-02;
 *   - "in recent months", "over the past few weeks", "this week" and
 *     expressions about the future ("next year", "the end of this year" in
 *     March) are left out.
 *
 * What is not a year: a four-digit number must be 1900..2100, stand alone
 * (not "2,023", "2023%", "N2023", "2000mm"), and have a date context: a role
 * word, a modifier, a month, or "and"/"or" after another expression; a bare
 * year followed by a plural-looking noun ("in 2000 containers") is an amount.
 * Month names need a capital ("May" but not "may"); a month alone, with no
 * day or year, needs a role word or modifier; "Jan", "Mar" without a period
 * need a number.
 * Part of stage 2, extract: includes the public headers of base, the model and
 * read, and extract's own. */
#include "tally/when.h"

#include <limits.h>

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "tally/ascii.h"
#include "tally/utf8.h"

/* ---- resolving dates --------------------------------------------------------- */

static bool full(tally_date d)
{
    return d.year != 0 && d.month != 0 && d.day != 0;
}

/* The latest weekday `wd` not after `d` (before it when `strict`). */
static tally_date weekday_before(tally_date d, int wd, bool strict)
{
    int back = (tally_date_weekday(d) - wd + 7) % 7;
    if (strict && back == 0)
        back = 7;
    return tally_date_add_days(d, -back);
}

/* Year and month `n` months before (y, m). */
static tally_date months_before(int y, int m, int n)
{
    int idx = y * 12 + (m - 1) - n;
    tally_date r = {idx / 12, idx % 12 + 1, 0};
    return r;
}

/* The document date with a day clamped to its month after the year moved. */
static tally_date years_before(tally_date d, int n)
{
    d.year -= n;
    if (d.day != 0 && d.year >= 1 && d.day > tally_date_days_in_month(d.year, d.month))
        d.day = tally_date_days_in_month(d.year, d.month);
    return d;
}

/* Whether month `m` (day `d`, 0 if none) of year `y` is not after the
 * document date. A date of a year only counts as 1 July; one of a month
 * accepts any day of that month. */
static bool not_after(int y, int m, int d, tally_date doc)
{
    int dm = doc.month ? doc.month : 7, dd = doc.month ? doc.day : 1;
    if (y != doc.year)
        return y < doc.year;
    if (m != dm)
        return m < dm;
    return d == 0 || dd == 0 || d <= dd;
}

/* The year of the latest month `m` (day `d`) not after the document date. */
static bool latest_year(int m, int d, tally_date doc, int *year)
{
    if (doc.year == 0)
        return false;
    for (int y = doc.year; y >= doc.year - 8 && y >= 1; y--) {
        if (d != 0 && d > tally_date_days_in_month(y, m))
            continue; /* 29 February */
        if (not_after(y, m, d, doc)) {
            *year = y;
            return true;
        }
    }
    return false;
}

/* ---- words ------------------------------------------------------------------- */

enum word_id {
    W_NONE,
    W_MONTH,     /* arg: 1..12 */
    W_MONTH_AB,  /* abbreviation, arg: 1..12 */
    W_WEEKDAY,   /* arg: 0 = Monday */
    W_NUMWORD,   /* arg: value ("a", "two") */
    W_UNIT,      /* arg: U_* (+ U_PLURAL) */
    W_TIMEOFDAY, /* morning, afternoon, evening, night */
    W_ORDSUFFIX, /* st, nd, rd, th */
    W_ORDINAL,   /* first..fourth, arg: 1..4 */
    W_VAGUE,     /* few, several, couple, many */
    W_STOP,      /* verbs that end the phrase after "since" */
    W_NOUN,      /* amounts without a plural -s: "2000 people" */
    W_FUNC,      /* function words that end in s: "in 2023 perhaps" */
    W_AGO,
    W_AND,
    W_AS,
    W_AT,
    W_BEGAN,
    W_BEGINNING,
    W_BETWEEN,
    W_BY,
    W_DURING,
    W_EARLIER,
    W_EARLY,
    W_END,
    W_FOR,
    W_FROM,
    W_FULL,
    W_HALF,
    W_IN,
    W_INVADED,
    W_INVASION,
    W_ITS,
    W_LAST,
    W_LATE,
    W_LAUNCHED,
    W_LEAST,
    W_MID,
    W_MIDDLE,
    W_OF,
    W_ON,
    W_ONSET,
    W_OR,
    W_OUTBREAK,
    W_OVER,
    W_PAST,
    W_QUARTER,
    W_RUSSIA,
    W_S,
    W_SCALE,
    W_SINCE,
    W_START,
    W_STARTED,
    W_STARTING,
    W_THE,
    W_THIS,
    W_THROUGH,
    W_THROUGHOUT,
    W_TILL,
    W_TO,
    W_TODAY,
    W_TOWARD,
    W_UNTIL,
    W_WAR,
    W_YESTERDAY
};

enum { U_DAY = 1, U_WEEK = 2, U_MONTH = 3, U_YEAR = 4, U_PLURAL = 8 };

typedef struct word_entry {
    const char *w;
    unsigned char id;
    unsigned char arg;
} word_entry;

/* The word table is src/extract/whenwords.gperf: a perfect hash that GNU gperf
 * generates at build time, so a word costs one hash and at most one compare
 * (a binary search over the table cost about ten). Words are looked up by
 * find_word below, with gperf's hash and table. */
const struct word_entry *when_word_lookup(const char *str, size_t len);
/* gperf's hash falls through its switch on purpose. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include "whenwords.inc"
#pragma GCC diagnostic pop

/* Looks up the word s[0, n), ASCII letters only (as every word looked up
 * is). gperf's hash ignores case and names the one slot where the word can
 * be; letters fold to lower case with c | 0x20, where gperf's own compare
 * (when_word_lookup) goes through a table a byte at a time. */
static const word_entry *find_word(const char *s, size_t n)
{
    if (n < MIN_WORD_LENGTH || n > MAX_WORD_LENGTH)
        return NULL;
    unsigned key = when_word_hash(s, n);
    if (key > MAX_HASH_VALUE)
        return NULL;
    const word_entry *e = &wordlist[key];
    /* a shorter entry stops at its NUL, which no letter folds to */
    for (size_t k = 0; k < n; k++)
        if (((unsigned char)s[k] | 0x20) != (unsigned char)e->w[k])
            return NULL;
    return e->w[n] == '\0' ? e : NULL;
}

/* ---- tokens ------------------------------------------------------------------ */

enum tok_kind { T_END, T_WORD, T_NUM, T_PUNCT };

typedef struct tok {
    size_t start, end;
    int32_t value;        /* T_NUM: the value (digits past 9 are ignored); T_PUNCT: code point */
    unsigned char kind;   /* T_* */
    unsigned char id;     /* T_WORD: W_* */
    unsigned char arg;    /* T_WORD: the entry's argument */
    unsigned char digits; /* T_NUM: digit count, at most 255 */
    bool space;           /* white space (or the start of the text) before it */
    bool cap;             /* T_WORD: one ASCII capital, then ASCII lower case */
    bool lower;           /* T_WORD: ASCII lower case only */
} tok;

enum { RING = 128, MAX_AHEAD = 40, EVENT_WINDOW = 18 };

typedef struct stream {
    const char *s;
    size_t n;
    size_t pos;   /* where the next token starts being looked for */
    size_t count; /* tokens lexed so far */
    /* One past the last byte that is not ASCII white space, and one past the
     * last that is not an ASCII lower-case letter (0 when there is none): a
     * run of such bytes from before there ends before there, so the loops
     * over white space and letters need not test for the end of the text. */
    size_t space_stop, lower_stop;
    tok ring[RING];
} stream;

static bool is_space_cp(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP ||
           cp == 0x85;
}

static bool is_word_cp(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME);
}

/* Any token, from byte i of the text; `space`: white space came before it. */
static void lex_any(stream *st, tok *t, size_t i, bool space)
{
    const char *s = st->s;
    size_t n = st->n;
    int32_t cp = 0;
    size_t len = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || (c >= '\t' && c <= '\r')) {
            i++;
            space = true;
            continue;
        }
        if (c >= 0x80) {
            len = tally_utf8_decode(s, n, i, &cp);
            if (is_space_cp(cp)) {
                i += len;
                space = true;
                continue;
            }
        }
        break;
    }
    memset(t, 0, sizeof *t);
    t->start = i;
    t->space = space;
    if (i >= n) {
        t->kind = T_END;
        t->end = n;
        st->pos = n;
        return;
    }
    unsigned char c = (unsigned char)s[i];
    if (tally_is_digit(c)) {
        size_t j = i;
        int32_t v = 0;
        while (j < n && tally_is_digit((unsigned char)s[j])) {
            if (j - i < 9)
                v = v * 10 + (s[j] - '0');
            j++;
        }
        t->kind = T_NUM;
        t->value = v;
        t->digits = (unsigned char)(j - i > 255 ? 255 : j - i);
        t->end = j;
    } else if (tally_is_alpha(c) || (c >= 0x80 && is_word_cp(cp))) {
        size_t j = i;
        bool ascii = true, lower = true, cap = c >= 'A' && c <= 'Z';
        while (j < n) {
            unsigned char d = (unsigned char)s[j];
            if (tally_is_alpha(d)) {
                if (d >= 'A' && d <= 'Z') {
                    lower = false;
                    if (j > i)
                        cap = false;
                }
                j++;
            } else if (d >= 0x80) {
                int32_t w;
                size_t l = tally_utf8_decode(s, n, j, &w);
                if (!is_word_cp(w))
                    break;
                ascii = false;
                j += l;
            } else {
                break;
            }
        }
        t->kind = T_WORD;
        t->end = j;
        if (ascii) {
            const word_entry *e = find_word(s + i, j - i);
            if (e != NULL) {
                t->id = e->id;
                t->arg = e->arg;
            }
            t->cap = cap;
            t->lower = lower;
        }
    } else {
        t->kind = T_PUNCT;
        if (c < 0x80) {
            t->value = c;
            t->end = i + 1;
        } else {
            t->value = cp;
            t->end = i + len;
        }
    }
    st->pos = t->end;
}

/* The end of the ASCII lower-case letters from s[j]. (Eight bytes a step as
 * lanes of a 64-bit word cost more instructions: words are short.) */
static size_t lower_end(const stream *st, size_t j)
{
    if (j >= st->lower_stop)
        return st->n;
    while (tally_is_lower((unsigned char)st->s[j]))
        j++;
    return j;
}

/* The end of the ASCII white space from s[i]. */
static size_t space_end(const stream *st, size_t i)
{
    if (i >= st->space_stop)
        return st->n;
    while (tally_is_space((unsigned char)st->s[i]))
        i++;
    return i;
}

/* The token of the ASCII word s[i, j), all lower case after its first letter
 * ("the", "The"). */
static void word_tok(tok *t, const char *s, size_t i, size_t j, bool space)
{
    memset(t, 0, sizeof *t);
    t->start = i;
    t->end = j;
    t->space = space;
    t->kind = T_WORD;
    const word_entry *e = find_word(s + i, j - i);
    if (e != NULL) {
        t->id = e->id;
        t->arg = e->arg;
    }
    t->cap = (unsigned char)s[i] <= 'Z';
    t->lower = !t->cap;
}

/* The next token. Most are an ASCII word in lower case after its first letter,
 * a number or an ASCII punctuation mark, after ASCII white space: they are
 * lexed here, on a path without calls but the lookup; the rest ("McCain", the
 * end, anything not ASCII) by lex_any. */
static void lex(stream *st, tok *t)
{
    const char *s = st->s;
    size_t n = st->n, i = st->pos;
    bool space = i == 0;
    size_t from = i;
    i = space_end(st, i);
    space = space || i > from;
    unsigned char c = i < n ? (unsigned char)s[i] : 0;
    size_t j = i + 1;
    if (tally_is_alpha(c)) {
        j = lower_end(st, j);
        if (j < n && ((unsigned char)s[j] >= 0x80 || tally_is_alpha((unsigned char)s[j]))) {
            lex_any(st, t, i, space); /* "McCain", "café" */
            return;
        }
        word_tok(t, s, i, j, space);
        st->pos = j;
        return;
    }
    if (c >= 0x80 || i >= n) {
        lex_any(st, t, i, space);
        return;
    }
    memset(t, 0, sizeof *t);
    t->start = i;
    t->space = space;
    if (tally_is_digit(c)) {
        int32_t v = c - '0';
        while (j < n && tally_is_digit((unsigned char)s[j])) {
            if (j - i < 9)
                v = v * 10 + (s[j] - '0');
            j++;
        }
        t->kind = T_NUM;
        t->value = v;
        t->digits = (unsigned char)(j - i > 255 ? 255 : j - i);
    } else {
        t->kind = T_PUNCT;
        t->value = c;
    }
    t->end = j;
    st->pos = j;
}

/* Token number `i` of the text; lexes up to it. `i` must be within RING of the
 * latest token lexed. */
static const tok *tok_at(stream *st, size_t i)
{
    while (st->count <= i) {
        lex(st, &st->ring[st->count % RING]);
        st->count++;
    }
    return &st->ring[i % RING];
}

/* ---- the parser ---------------------------------------------------------------- */

typedef struct parser {
    stream *st;
    size_t i;       /* the first token of this attempt */
    tally_date doc; /* the document date (checked) */
    bool chain;     /* "and"/"or" right after another expression: a date context */
} parser;

static const tok *at(const parser *p, size_t k)
{
    static const tok end_tok = {0, 0, 0, T_END, W_NONE, 0, 0, true, false, false};
    if (k >= MAX_AHEAD)
        return &end_tok;
    return tok_at(p->st, p->i + k);
}

static bool is_w(const tok *t, int id)
{
    return t->kind == T_WORD && t->id == id;
}

static bool is_p(const tok *t, int32_t cp)
{
    return t->kind == T_PUNCT && t->value == cp;
}

static bool is_dash(const tok *t)
{
    return t->kind == T_PUNCT && (t->value == '-' || t->value == 0x2010 || t->value == 0x2011 ||
                                  t->value == 0x2012 || t->value == 0x2013 || t->value == 0x2014);
}

/* A month name: capitalised, an abbreviation with a period or before a number. */
static bool is_month(const tok *t)
{
    return t->kind == T_WORD && t->cap && (t->id == W_MONTH || t->id == W_MONTH_AB);
}

/* After a number at token j: it is not part of a longer figure (",000", ".5",
 * "%", ":30", "/24", a glued word such as "mm"). */
static bool num_end_ok(const parser *p, size_t j)
{
    const tok *u = at(p, j);
    if (u->space || u->kind == T_END)
        return true;
    if (u->kind != T_PUNCT)
        return false;
    if (u->value == '%' || u->value == ':' || u->value == 0x2030)
        return false;
    if (u->value == ',' || u->value == '.' || u->value == '/' || u->value == '_') {
        const tok *v = at(p, j + 1);
        if (v->kind == T_NUM && !v->space)
            return false;
    }
    return true;
}

/* A day of the month: 1..31 in at most two digits, with an optional glued
 * ordinal suffix ("26th"). Returns the tokens it takes, 0 when none. */
static size_t day_at(const parser *p, size_t k, int *day)
{
    const tok *t = at(p, k);
    if (t->kind != T_NUM || t->digits > 2 || t->value < 1 || t->value > 31)
        return 0;
    size_t j = k + 1;
    const tok *u = at(p, j);
    if (u->kind == T_WORD && !u->space) {
        if (u->id != W_ORDSUFFIX || !u->lower)
            return 0;
        j++;
    }
    if (!num_end_ok(p, j))
        return 0;
    *day = t->value;
    return j - k;
}

static bool year_value(const tok *t)
{
    return t->kind == T_NUM && t->digits == 4 && t->value >= 1900 && t->value <= 2100;
}

/* A year 1900..2100 standing alone at token k. A glued dash after it is
 * allowed only before another year ("2022-2024"). */
static bool year_at(const parser *p, size_t k, int *y)
{
    const tok *t = at(p, k), *u = at(p, k + 1);
    if (!year_value(t) || !num_end_ok(p, k + 1))
        return false;
    if (!u->space && is_dash(u)) {
        const tok *v = at(p, k + 2);
        if (v->kind == T_NUM && !v->space && !year_value(v))
            return false; /* "2023-24", "1900-2000" read as a figure elsewhere */
    }
    *y = t->value;
    return true;
}

/* Whether the word after a bare year makes it an amount: "in 2000 containers". */
static bool amount_word(const parser *p, const tok *u)
{
    if (u->kind != T_WORD || !u->lower)
        return false;
    if (u->id == W_NOUN || u->id == W_UNIT)
        return true;
    if (u->id != W_NONE)
        return false;
    const char *s = p->st->s + u->start;
    size_t n = u->end - u->start;
    if (n < 4 || s[n - 1] != 's')
        return false;
    char b = s[n - 2];
    return b != 's' && b != 'u' && b != 'i';
}

/* A date as written: y, m, d are 0 when not given. */
typedef struct mention {
    int y, m, d;
    bool decade; /* "the 1990s": y is the first year */
    bool bare;   /* a year alone, with no month */
} mention;

/* A month name at token k and what follows it: "Feb. 26, 2024", "August of
 * 2023", "September 2023", "May". Returns the tokens it takes. */
static size_t month_first(const parser *p, size_t k, bool ctx, mention *mt)
{
    const tok *t = at(p, k);
    size_t j = k + 1;
    if (t->id == W_MONTH_AB) {
        if (is_p(at(p, j), '.') && !at(p, j)->space)
            j++;
        else if (at(p, j)->kind != T_NUM)
            return 0; /* "Jan", "Mar": a name or a word */
    }
    mt->m = t->arg;
    int d = 0, y = 0;
    size_t c = day_at(p, j, &d);
    if (c != 0) {
        j += c;
        mt->d = d;
        size_t yj = j;
        if (is_p(at(p, yj), ','))
            yj++;
        if (year_at(p, yj, &y)) {
            mt->y = y;
            j = yj + 1;
        }
        return j - k;
    }
    size_t yj = j;
    if (is_w(at(p, yj), W_OF))
        yj++;
    if (year_at(p, yj, &y)) {
        mt->y = y;
        return yj + 1 - k;
    }
    return ctx ? j - k : 0; /* a month alone needs a context word */
}

/* A day before a month: "26 February 2024", "2nd of January". */
static size_t day_first(const parser *p, size_t k, mention *mt)
{
    int d = 0, y = 0;
    size_t c = day_at(p, k, &d);
    if (c == 0)
        return 0;
    size_t j = k + c;
    if (is_w(at(p, j), W_OF))
        j++;
    const tok *t = at(p, j);
    if (!is_month(t))
        return 0;
    mt->d = d;
    mt->m = t->arg;
    j++;
    if (t->id == W_MONTH_AB && is_p(at(p, j), '.') && !at(p, j)->space)
        j++;
    size_t yj = j;
    if (is_p(at(p, yj), ','))
        yj++;
    if (year_at(p, yj, &y)) {
        mt->y = y;
        j = yj + 1;
    }
    return j - k;
}

/* "2024-02-26", not inside a longer token such as a path or a code. */
static size_t iso_date(const parser *p, size_t k, mention *mt)
{
    const tok *t[5];
    for (size_t q = 0; q < 5; q++) {
        t[q] = at(p, k + q);
        if (q > 0 && t[q]->space)
            return 0;
    }
    if (t[0]->kind != T_NUM || t[0]->digits != 4 || !is_p(t[1], '-') || t[2]->kind != T_NUM ||
        t[2]->digits != 2 || !is_p(t[3], '-') || t[4]->kind != T_NUM || t[4]->digits != 2)
        return 0;
    const tok *u = at(p, k + 5);
    if (!u->space && u->kind != T_END &&
        (u->kind != T_PUNCT || is_dash(u) || u->value == '/' || u->value == '_' ||
         ((u->value == '.' || u->value == ':') && at(p, k + 6)->kind == T_NUM &&
          !at(p, k + 6)->space)))
        return 0;
    tally_date d = {t[0]->value, t[2]->value, t[4]->value};
    if (d.month == 0 || d.day == 0 || !tally_date_valid(d))
        return 0;
    mt->y = d.year;
    mt->m = d.month;
    mt->d = d.day;
    return 5;
}

/* One date as written at token k. `ctx`: a context word came before, so a
 * year or a month may stand alone; `decade_ok`: "the 1990s" may follow.
 * `day_month`: in the tail of a range after a day ("March 7 and 22"), a bare
 * day in that month. */
static size_t parse_mention(const parser *p, size_t k, bool ctx, bool decade_ok, int day_month,
                            mention *mt)
{
    const tok *t = at(p, k);
    memset(mt, 0, sizeof *mt);
    if (is_month(t))
        return month_first(p, k, ctx, mt);
    if (t->kind != T_NUM)
        return 0;
    size_t c = iso_date(p, k, mt);
    if (c != 0)
        return c;
    memset(mt, 0, sizeof *mt);
    if (t->digits == 4) {
        const tok *u = at(p, k + 1);
        if (t->value >= 1900 && t->value <= 2090 && t->value % 10 == 0 && is_w(u, W_S) &&
            !u->space && u->lower && num_end_ok(p, k + 2)) {
            if (!decade_ok)
                return 0;
            mt->y = t->value;
            mt->decade = true;
            return 2;
        }
        int y = 0;
        if (!ctx || !year_at(p, k, &y))
            return 0;
        mt->y = y;
        mt->bare = true;
        return 1;
    }
    c = day_first(p, k, mt);
    if (c != 0)
        return c;
    memset(mt, 0, sizeof *mt);
    int d = 0;
    if (day_month != 0 && (c = day_at(p, k, &d)) != 0) {
        mt->m = day_month;
        mt->d = d;
        size_t yj = k + c;
        if (is_p(at(p, yj), ','))
            yj++;
        int yv = 0;
        if (year_at(p, yj, &yv)) {
            mt->y = yv;
            c = yj + 1 - k;
        }
        return c;
    }
    return 0;
}

/* ---- what an expression says ----------------------------------------------------- */

typedef struct found {
    tally_when_role role;
    tally_date date;
    tally_date end; /* SPAN only */
    bool drop;      /* recognised, but it cannot be resolved: consumed, not reported */
    bool rel;       /* resolved against the document date */
} found;

static tally_date mkdate(int y, int m, int d)
{
    tally_date r = {y, m, d};
    return r;
}

static void set_as_of(found *f, tally_date d)
{
    f->role = TALLY_WHEN_AS_OF;
    f->date = d;
}

static void set_span(found *f, tally_date a, tally_date b)
{
    f->role = TALLY_WHEN_SPAN;
    f->date = a;
    f->end = b;
}

static void set_since(found *f, tally_date d)
{
    f->role = TALLY_WHEN_SINCE;
    f->date = d;
}

/* A number of units: digits (1..999) or a number word. */
static bool count_at(const parser *p, size_t k, int *n)
{
    const tok *t = at(p, k);
    if (t->kind == T_NUM && t->digits <= 3 && t->value >= 1 && num_end_ok(p, k + 1)) {
        *n = t->value;
        return true;
    }
    if (is_w(t, W_NUMWORD)) {
        *n = t->arg;
        return true;
    }
    return false;
}

/* "the past two weeks", "the last year", "past month": SINCE. Starts at the
 * word after "the" (or at "past"). */
static size_t past_window(const parser *p, size_t k, found *f)
{
    const tally_date D = p->doc;
    size_t j = k + 1;
    int n = 1;
    if (is_w(at(p, j), W_VAGUE)) {
        j++;
        if (is_w(at(p, j), W_OF))
            j++;
        if (!is_w(at(p, j), W_UNIT))
            return 0;
        f->drop = true; /* "the past few months" */
        return j + 1 - k;
    }
    if (count_at(p, j, &n) && is_w(at(p, j + 1), W_UNIT) && (at(p, j + 1)->arg & U_PLURAL))
        j++;
    else if (!is_w(at(p, j), W_UNIT) || (at(p, j)->arg & U_PLURAL))
        return 0;
    int unit = at(p, j)->arg & ~U_PLURAL;
    f->rel = true;
    if (unit == U_YEAR && D.year != 0)
        set_since(f, years_before(mkdate(D.year, D.month, 0), n));
    else if (unit == U_MONTH && D.month != 0)
        set_since(f, months_before(D.year, D.month, n));
    else if ((unit == U_WEEK || unit == U_DAY) && full(D))
        set_since(f, tally_date_add_days(D, unit == U_WEEK ? -7 * n : -n));
    else
        f->drop = true;
    return j + 1 - k;
}

/* "a year ago", "two weeks ago": AS_OF. */
static size_t ago(const parser *p, size_t k, found *f)
{
    const tally_date D = p->doc;
    int n = 0;
    if (!count_at(p, k, &n) || !is_w(at(p, k + 1), W_UNIT) || !is_w(at(p, k + 2), W_AGO))
        return 0;
    int unit = at(p, k + 1)->arg & ~U_PLURAL;
    f->rel = true;
    if (unit == U_YEAR && D.year != 0)
        set_as_of(f, years_before(D, n));
    else if (unit == U_MONTH && D.month != 0)
        set_as_of(f, months_before(D.year, D.month, n));
    else if ((unit == U_WEEK || unit == U_DAY) && full(D))
        set_as_of(f, tally_date_add_days(D, unit == U_WEEK ? -7 * n : -n));
    else
        f->drop = true;
    return 3;
}

/* "last year", "last month", "last week", "last September", "last Friday". */
static size_t last_x(const parser *p, size_t k, found *f)
{
    const tally_date D = p->doc;
    const tok *u = at(p, k + 1);
    f->rel = true;
    if (is_w(u, W_UNIT) && !(u->arg & U_PLURAL)) {
        int unit = u->arg;
        if (unit == U_YEAR && D.year != 0)
            set_span(f, mkdate(D.year - 1, 0, 0), mkdate(D.year - 1, 0, 0));
        else if (unit == U_MONTH && D.month != 0)
            set_as_of(f, months_before(D.year, D.month, 1));
        else if (unit == U_WEEK && full(D))
            set_as_of(f, tally_date_add_days(D, -7));
        else
            f->drop = true;
        return 2;
    }
    if (is_month(u) && u->id == W_MONTH) {
        if (D.year != 0)
            set_as_of(f, mkdate(D.year - 1, u->arg, 0));
        else
            f->drop = true;
        return 2;
    }
    if (u->kind == T_WORD && u->cap && u->id == W_WEEKDAY) {
        if (full(D))
            set_as_of(f, weekday_before(D, u->arg, true));
        else
            f->drop = true;
        return 2 + (is_w(at(p, k + 2), W_TIMEOFDAY) ? 1 : 0);
    }
    return 0;
}

/* "this year", "this month", "this September", "this Monday", "this week". */
static size_t this_x(const parser *p, size_t k, found *f)
{
    const tally_date D = p->doc;
    const tok *u = at(p, k + 1);
    f->rel = true;
    if (is_w(u, W_UNIT) && !(u->arg & U_PLURAL)) {
        if (u->arg == U_YEAR && D.year != 0)
            set_span(f, mkdate(D.year, 0, 0), D);
        else if (u->arg == U_MONTH && D.month != 0)
            set_span(f, mkdate(D.year, D.month, 0), D);
        else
            f->drop = true; /* "this week", "this day": not a date we can name */
        return 2;
    }
    if (is_month(u) && u->id == W_MONTH) {
        if (D.year != 0 && not_after(D.year, u->arg, 0, D))
            set_as_of(f, mkdate(D.year, u->arg, 0));
        else
            f->drop = true;
        return 2;
    }
    if (u->kind == T_WORD && u->cap && u->id == W_WEEKDAY) {
        if (full(D))
            set_as_of(f, weekday_before(D, u->arg, false));
        else
            f->drop = true;
        return 2;
    }
    return 0;
}

/* Relative expressions at token k; `the`: "the" came just before. */
static size_t parse_relative(const parser *p, size_t k, bool the, found *f)
{
    const tally_date D = p->doc;
    const tok *t = at(p, k);
    memset(f, 0, sizeof *f);
    if (t->kind == T_NUM)
        return the ? 0 : ago(p, k, f);
    if (t->kind != T_WORD)
        return 0;
    switch (t->id) {
    case W_YESTERDAY:
        f->rel = true;
        if (full(D))
            set_as_of(f, tally_date_add_days(D, -1));
        else
            f->drop = true;
        return 1;
    case W_TODAY:
        f->rel = true;
        if (D.year != 0)
            set_as_of(f, D);
        else
            f->drop = true;
        return 1;
    case W_WEEKDAY:
        if (!t->cap)
            return 0;
        f->rel = true;
        if (full(D))
            set_as_of(f, weekday_before(D, t->arg, false));
        else
            f->drop = true;
        return 1 + (is_w(at(p, k + 1), W_TIMEOFDAY) ? 1 : 0);
    case W_LAST:
        return the ? past_window(p, k, f) : last_x(p, k, f);
    case W_PAST:
        return past_window(p, k, f);
    case W_THIS:
        return the ? 0 : this_x(p, k, f);
    case W_EARLIER: {
        const tok *u = at(p, k + 2);
        if (the || !is_w(at(p, k + 1), W_THIS) || !is_w(u, W_UNIT) ||
            (u->arg != U_YEAR && u->arg != U_MONTH))
            return 0;
        f->rel = true;
        if (u->arg == U_YEAR && D.year != 0)
            set_as_of(f, mkdate(D.year, 0, 0));
        else if (u->arg == U_MONTH && D.month != 0)
            set_as_of(f, mkdate(D.year, D.month, 0));
        else
            f->drop = true;
        return 3;
    }
    case W_NUMWORD:
        return the ? 0 : ago(p, k, f);
    default:
        return 0;
    }
}

/* ---- "since the start of the war" ------------------------------------------------ */

typedef struct slot {
    unsigned char alt[4]; /* word ids, 0-terminated */
    bool opt;
} slot;

typedef struct phrase {
    const slot *v;
    size_t n;
} phrase;

static const slot war_start[] = {
    {{W_THE}, false},  {{W_START, W_BEGINNING, W_OUTBREAK, W_ONSET}, false},
    {{W_OF}, false},   {{W_THE, W_RUSSIA}, false},
    {{W_S}, true},     {{W_FULL}, true},
    {{W_SCALE}, true}, {{W_WAR, W_INVASION}, false}};
static const slot war_the_invasion[] = {
    {{W_THE}, false}, {{W_FULL}, true}, {{W_SCALE}, true}, {{W_INVASION}, false}};
static const slot war_russias[] = {{{W_RUSSIA}, false},
                                   {{W_S}, false},
                                   {{W_FULL}, true},
                                   {{W_SCALE}, true},
                                   {{W_INVASION, W_WAR}, false}};
static const slot war_invaded[] = {{{W_RUSSIA}, false}, {{W_INVADED}, false}};
static const slot war_launched[] = {
    {{W_RUSSIA}, false},     {{W_LAUNCHED, W_BEGAN, W_STARTED}, false},
    {{W_ITS, W_THE}, false}, {{W_FULL}, true},
    {{W_SCALE}, true},       {{W_INVASION, W_WAR}, false}};
static const slot war_began[] = {{{W_THE}, false}, {{W_WAR}, false}, {{W_BEGAN, W_STARTED}, false}};

static const phrase war_phrases[] = {
    {war_start, sizeof war_start / sizeof war_start[0]},
    {war_the_invasion, sizeof war_the_invasion / sizeof war_the_invasion[0]},
    {war_russias, sizeof war_russias / sizeof war_russias[0]},
    {war_invaded, sizeof war_invaded / sizeof war_invaded[0]},
    {war_launched, sizeof war_launched / sizeof war_launched[0]},
    {war_began, sizeof war_began / sizeof war_began[0]}};

static bool slot_has(const slot *s, const tok *t)
{
    if (t->kind != T_WORD)
        return false;
    for (size_t a = 0; a < 4 && s->alt[a] != 0; a++)
        if (t->id == s->alt[a])
            return true;
    return false;
}

/* Apostrophes and hyphens inside a phrase: "Russia's", "full-scale". */
static bool joiner(const tok *t)
{
    return t->kind == T_PUNCT && (t->value == '\'' || t->value == 0x2019 || is_dash(t));
}

/* Matches `ph` at token k; returns the tokens it takes, 0 when it does not match. */
static size_t match_phrase(const parser *p, size_t k, const phrase *ph)
{
    size_t j = k;
    for (size_t q = 0; q < ph->n; q++) {
        while (joiner(at(p, j)) && j > k)
            j++;
        if (slot_has(&ph->v[q], at(p, j)))
            j++;
        else if (!ph->v[q].opt)
            return 0;
    }
    return j - k;
}

static size_t war_start_at(const parser *p, size_t k, found *f)
{
    for (size_t q = 0; q < sizeof war_phrases / sizeof war_phrases[0]; q++) {
        size_t c = match_phrase(p, k, &war_phrases[q]);
        if (c == 0)
            continue;
        const tally_date D = p->doc, began = {2022, 2, 0};
        memset(f, 0, sizeof *f);
        if (D.year == 0 || tally_date_cmp(mkdate(D.year, D.month ? D.month : 12, 0), began) >= 0)
            set_since(f, began);
        else
            f->drop = true;
        return c;
    }
    return 0;
}

/* ---- expressions --------------------------------------------------------------------- */

enum prefix { P_NONE, P_SINCE, P_AS_OF };
enum range_kw { R_NONE, R_FROM, R_BETWEEN };
enum modifier { M_NONE, M_END, M_START, M_MIDDLE, M_EARLY, M_MID, M_LATE, M_HALF, M_QUARTER };

/* Completes the two ends of a range from each other and resolves them:
 * "between March and May 2024", "between 30 December and 2 January". */
static bool combine(mention *a, mention *b, tally_date doc, bool *rel)
{
    if (a->decade || b->decade || (a->m != 0 && b->m == 0))
        return false;
    if (b->y == 0 && a->y != 0) {
        b->y = a->y;
        if (tally_date_cmp(mkdate(b->y, b->m, b->d), mkdate(a->y, a->m, a->d)) < 0)
            b->y++;
    } else if (b->y == 0) {
        if (!latest_year(b->m, b->d, doc, &b->y))
            return false;
        *rel = true;
    }
    if (a->y == 0) {
        a->y = b->y;
        if (tally_date_cmp(mkdate(a->y, a->m, a->d), mkdate(b->y, b->m, b->d)) > 0)
            a->y--;
    }
    tally_date da = mkdate(a->y, a->m, a->d), db = mkdate(b->y, b->m, b->d);
    return tally_date_valid(da) && tally_date_valid(db) && tally_date_cmp(da, db) < 0;
}

/* Applies a modifier to a year or a month (not a day). */
static bool apply_mod(int mod, int part, found *f)
{
    tally_date s = f->date;
    if (s.day != 0 || (f->role == TALLY_WHEN_SINCE && f->rel))
        return false; /* "the end of 26 February", "late over the past year" */
    switch (mod) {
    case M_END:
    case M_START:
        if (s.month == 0)
            s.month = mod == M_END ? 12 : 1;
        set_as_of(f, s);
        break;
    case M_MIDDLE:
    case M_EARLY:
    case M_MID:
    case M_LATE:
        set_as_of(f, s);
        break;
    case M_HALF:
    case M_QUARTER: {
        int len = mod == M_HALF ? 6 : 3;
        if (s.month != 0 || part < 1 || part * len > 12)
            return false;
        set_span(f, mkdate(s.year, part * len - len + 1, 0), mkdate(s.year, part * len, 0));
        break;
    }
    default:
        break;
    }
    f->end = f->role == TALLY_WHEN_SPAN ? f->end : mkdate(0, 0, 0);
    return true;
}

static void apply_prefix(int prefix, found *f)
{
    if (prefix == P_SINCE) {
        f->role = TALLY_WHEN_SINCE;
        f->end = mkdate(0, 0, 0);
    } else if (prefix == P_AS_OF) {
        if (f->role == TALLY_WHEN_SPAN)
            f->date = f->end;
        f->role = TALLY_WHEN_AS_OF;
        f->end = mkdate(0, 0, 0);
    }
}

/* The natural role of a date as written. */
static bool mention_found(const mention *a, tally_date doc, found *f)
{
    memset(f, 0, sizeof *f);
    int y = a->y;
    if (y == 0) {
        if (!latest_year(a->m, a->d, doc, &y)) {
            f->drop = true;
            return true;
        }
        f->rel = true;
    }
    tally_date d = mkdate(y, a->m, a->d);
    if (!tally_date_valid(d))
        return false;
    if (a->decade)
        set_span(f, d, mkdate(y + 9, 0, 0));
    else if (a->m == 0)
        set_span(f, d, d);
    else
        set_as_of(f, d);
    return true;
}

/* How a word can begin an expression (see parse_expr): S_LEAD, a role word or
 * "the", which the core must follow; S_CORE, a modifier or the first word of
 * a core; S_AFTER_THE, such a word only after "the" ("the first half of").
 * S_NEXT marks the role words after which parse_expr wants a modifier or a
 * core at once or after "the", and "the" itself; S_UNIT_NEXT the number
 * words, which start an expression only before a unit ("a year ago"). See
 * skim. */
enum { S_LEAD = 1, S_CORE = 2, S_AFTER_THE = 4, S_NEXT = 8, S_UNIT_NEXT = 16 };
static const unsigned char starts[W_YESTERDAY + 1] = {
    [W_SINCE] = S_LEAD,
    [W_FROM] = S_LEAD,
    [W_BETWEEN] = S_LEAD | S_NEXT,
    [W_STARTING] = S_LEAD,
    [W_ON] = S_LEAD | S_NEXT,
    [W_BY] = S_LEAD | S_NEXT,
    [W_UNTIL] = S_LEAD | S_NEXT,
    [W_TILL] = S_LEAD | S_NEXT,
    [W_THROUGH] = S_LEAD | S_NEXT,
    [W_AS] = S_LEAD,
    [W_FOR] = S_LEAD | S_NEXT,
    [W_OVER] = S_LEAD | S_NEXT,
    [W_AT] = S_LEAD | S_NEXT,
    [W_TOWARD] = S_LEAD | S_NEXT,
    [W_IN] = S_LEAD | S_NEXT,
    [W_DURING] = S_LEAD | S_NEXT,
    [W_THROUGHOUT] = S_LEAD | S_NEXT,
    [W_THE] = S_LEAD | S_NEXT,
    [W_BEGINNING] = S_LEAD | S_CORE, /* "beginning in", "the beginning of" */
    [W_END] = S_CORE,
    [W_START] = S_CORE,
    [W_MIDDLE] = S_CORE,
    [W_EARLY] = S_CORE,
    [W_MID] = S_CORE,
    [W_LATE] = S_CORE,
    [W_YESTERDAY] = S_CORE,
    [W_TODAY] = S_CORE,
    [W_WEEKDAY] = S_CORE,
    [W_LAST] = S_CORE,
    [W_PAST] = S_CORE,
    [W_THIS] = S_CORE,
    [W_EARLIER] = S_CORE,
    [W_NUMWORD] = S_CORE | S_UNIT_NEXT,
    [W_MONTH] = S_CORE,
    [W_MONTH_AB] = S_CORE,
    [W_ORDINAL] = S_AFTER_THE};

/* Whether token t is a number or a word with one of the `ways` of starts[] (a
 * month or weekday name with its capital). Most tokens are neither, and fail
 * here at a few instructions. */
static bool starts_with(const tok *t, unsigned ways)
{
    if (t->kind == T_NUM)
        return true;
    if (t->kind != T_WORD || !(starts[t->id] & ways))
        return false;
    return t->cap || (t->id != W_MONTH && t->id != W_MONTH_AB && t->id != W_WEEKDAY);
}

/* Whether an expression can start at token t. */
static bool may_start(const tok *t)
{
    return starts_with(t, S_LEAD | S_CORE);
}

static size_t parse_expr(const parser *p, found *f);

/* "since the summit between the two leaders last September": a date within a
 * short phrase after "since", with no clause or punctuation in between. */
static size_t since_event(const parser *p, size_t k, found *f)
{
    for (size_t j = k; j < k + EVENT_WINDOW; j++) {
        const tok *t = at(p, j);
        if (t->kind == T_END || (t->kind == T_PUNCT && !joiner(t)))
            return 0;
        if (t->kind == T_WORD &&
            (t->id == W_STOP || t->id == W_SINCE || (t->id == W_MONTH && t->arg == 5 && !t->cap)))
            return 0;
        if (j == k)
            continue;
        parser sub = *p;
        sub.i = p->i + j;
        sub.chain = false;
        found g;
        size_t c = parse_expr(&sub, &g);
        if (c == 0)
            continue;
        if (g.drop) {
            *f = g;
            return j + c - k;
        }
        memset(f, 0, sizeof *f);
        set_since(f, g.date);
        f->rel = g.rel;
        return j + c - k;
    }
    return 0;
}

/* One expression starting at the parser's token; returns the tokens it takes
 * (0: none). With f->drop set it is recognised but not reported. */
static size_t parse_expr(const parser *p, found *f)
{
    const tok *t = at(p, 0);
    size_t k = 0;
    int prefix = P_NONE, range = R_NONE, mod = M_NONE, part = 0;
    bool ctx = p->chain, weak = false, the = false;
    if (!may_start(t))
        return 0;
    memset(f, 0, sizeof *f);
    if (t->kind == T_NUM && !t->space && p->i > 0) {
        const tok *b = tok_at(p->st, p->i - 1);
        int32_t c = b->value;
        if (b->kind != T_PUNCT || !(c == '(' || c == '[' || c == '"' || c == '\'' || c == 0x201C ||
                                    c == 0x2018 || c == 0xAB || c == 0x2014))
            return 0; /* "N2023", "$2023", "1.2023", "/2024/" */
    }
    switch (t->kind == T_WORD ? t->id : W_NONE) {
    case W_SINCE:
        prefix = P_SINCE;
        k = 1;
        if (is_w(at(p, 1), W_AT) && is_w(at(p, 2), W_LEAST))
            k = 3;
        break;
    case W_FROM:
        prefix = P_SINCE;
        range = R_FROM;
        k = 1;
        break;
    case W_BETWEEN:
        range = R_BETWEEN;
        k = 1;
        break;
    case W_STARTING:
    case W_BEGINNING: {
        const tok *u = at(p, 1);
        if (is_w(u, W_IN) || is_w(u, W_FROM) || is_w(u, W_ON)) {
            prefix = P_SINCE;
            k = 2;
        } else if (is_month(u) || u->kind == T_NUM) {
            prefix = P_SINCE;
            k = 1;
        }
        break;
    }
    case W_ON:
        if (year_value(at(p, 1)) && !(is_p(at(p, 2), '-') && !at(p, 2)->space))
            return 0; /* "up 5% on 2023": a comparison; a date would be "in 2023" */
        prefix = P_AS_OF;
        k = 1;
        break;
    case W_BY:
    case W_UNTIL:
    case W_TILL:
    case W_THROUGH:
        prefix = P_AS_OF;
        k = 1;
        break;
    case W_AS:
        if (!is_w(at(p, 1), W_OF) && !is_w(at(p, 1), W_AT))
            return 0;
        prefix = P_AS_OF;
        k = 2;
        break;
    case W_FOR:
    case W_OVER:
    case W_AT:
    case W_TOWARD:
        weak = true; /* "over 2000 troops": no context for a bare year */
        k = 1;
        break;
    case W_IN:
    case W_DURING:
    case W_THROUGHOUT:
        k = 1;
        break;
    default:
        break;
    }
    ctx = ctx || (k > 0 && !weak);
    if (prefix == P_SINCE) {
        size_t c = war_start_at(p, k, f);
        if (c != 0)
            return k + c;
    }

    /* modifiers */
    if (is_w(at(p, k), W_THE)) {
        the = true;
        k++;
    }
    if (prefix != P_SINCE && !starts_with(at(p, k), S_CORE | (the ? S_AFTER_THE : 0)))
        return 0; /* "in the", "for all": no modifier or core follows */
    const tok *m0 = at(p, k), *m1 = at(p, k + 1);
    if ((is_w(m0, W_END) || is_w(m0, W_START) || is_w(m0, W_BEGINNING) || is_w(m0, W_MIDDLE)) &&
        is_w(m1, W_OF)) {
        mod = m0->id == W_END ? M_END : m0->id == W_MIDDLE ? M_MIDDLE : M_START;
        k += 2;
    } else if (the && is_w(m0, W_ORDINAL) && (is_w(m1, W_HALF) || is_w(m1, W_QUARTER)) &&
               is_w(at(p, k + 2), W_OF)) {
        mod = m1->id == W_HALF ? M_HALF : M_QUARTER;
        part = m0->arg;
        k += 3;
    } else if (the && is_w(m0, W_LAST) && is_w(m1, W_QUARTER) && is_w(at(p, k + 2), W_OF)) {
        mod = M_QUARTER;
        part = 4;
        k += 3;
    } else if (!the && (is_w(m0, W_EARLY) || is_w(m0, W_MID) || is_w(m0, W_LATE))) {
        mod = m0->id == W_EARLY ? M_EARLY : m0->id == W_MID ? M_MID : M_LATE;
        k++;
        if (is_dash(at(p, k)) && !at(p, k)->space && !at(p, k + 1)->space)
            k++;
    }
    if (mod != M_NONE) {
        ctx = true;
        if (is_w(at(p, k), W_THE)) /* "the end of the war" */
            return 0;
    }

    /* the core */
    size_t c = parse_relative(p, k, the && mod == M_NONE, f);
    if (c != 0) {
        k += c;
        if (f->drop)
            return k;
        if (mod != M_NONE && !apply_mod(mod, part, f))
            return 0;
        if (f->rel && !not_after(f->date.year, f->date.month, f->date.day, p->doc)) {
            f->drop = true; /* "by the end of this year" in March: the future */
            return k;
        }
        apply_prefix(prefix, f);
        return k;
    }
    if (prefix == P_SINCE && !the && mod == M_NONE && range == R_NONE && at(p, k)->kind == T_WORD &&
        !is_month(at(p, k)))
        return (c = since_event(p, k, f)) != 0 ? k + c : 0;
    if (prefix == P_SINCE && the && mod == M_NONE && range == R_NONE &&
        (c = since_event(p, k - 1, f)) != 0)
        return k - 1 + c;

    mention a, b;
    c = parse_mention(p, k, ctx && !(the && mod == M_NONE), ctx || the, 0, &a);
    if (c == 0 || (the && mod == M_NONE && !a.decade))
        return 0; /* "the 2017 season" */
    k += c;
    bool rel = false;

    /* a range */
    const tok *r = at(p, k);
    bool tail = mod == M_NONE && !a.decade &&
                ((range == R_BETWEEN && is_w(r, W_AND)) ||
                 (range == R_FROM &&
                  (is_w(r, W_TO) || is_w(r, W_UNTIL) || is_w(r, W_TILL) || is_w(r, W_THROUGH))) ||
                 (is_dash(r) && r->value != 0x2014));
    if (tail) {
        size_t cb = parse_mention(p, k + 1, true, false, a.d != 0 ? a.m : 0, &b);
        if (cb != 0 && (!b.bare || !amount_word(p, at(p, k + 1 + cb))) &&
            combine(&a, &b, p->doc, &rel)) {
            set_span(f, mkdate(a.y, a.m, a.d), mkdate(b.y, b.m, b.d));
            f->rel = rel;
            return k + 1 + cb;
        }
        if (a.bare && at(p, k + 1)->kind == T_NUM)
            return 0; /* "from 1950 to 2000 rounds" */
    }
    if (a.bare && amount_word(p, at(p, k)))
        return 0; /* "in 2000 containers" */
    if (!mention_found(&a, p->doc, f))
        return 0;
    if (f->drop)
        return k;
    if (mod != M_NONE && (a.decade || !apply_mod(mod, part, f)))
        return 0;
    apply_prefix(prefix, f);
    return k;
}

/* ---- the scan ------------------------------------------------------------------------ */

typedef struct whens_buf {
    tally_when *v;
    size_t n, cap;
} whens_buf;

static void push(whens_buf *w, tally_arena *a, const tally_when *x)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 16;
        tally_when *v = tally_arena_alloc(a, cap * sizeof *v);
        if (w->n > 0)
            memcpy(v, w->v, w->n * sizeof *v);
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n++] = *x;
}

/* Whether what was found is a date this API can return. */
static bool found_ok(const found *f)
{
    if (!tally_date_valid(f->date))
        return false;
    if (f->role != TALLY_WHEN_SPAN)
        return true;
    return tally_date_valid(f->end) && tally_date_cmp(f->date, f->end) <= 0;
}

/* The document date, cut to its valid part. */
static tally_date checked(tally_date d)
{
    tally_date r = {0, 0, 0};
    if (d.year < 1 || d.year > 9999)
        return r;
    r.year = d.year;
    if (d.month < 1 || d.month > 12)
        return r;
    r.month = d.month;
    if (d.day >= 1 && d.day <= tally_date_days_in_month(d.year, d.month))
        r.day = d.day;
    return r;
}

/* A token as skim sees it, before it is built. */
typedef struct skimmed {
    size_t start, end;
    unsigned char kind; /* T_WORD or T_PUNCT */
    bool space;
} skimmed;

/* The token after the white space at s[i] into *t, if it is one skim reads:
 * ASCII punctuation or an ASCII word that lex reads whole on its short path
 * (lower case after the first letter), so that both see the same token. */
static inline bool skim_tok(const stream *st, size_t i, skimmed *t)
{
    const char *s = st->s;
    size_t n = st->n, from = i;
    i = space_end(st, i);
    t->space = i > from || from == 0;
    if (i >= n)
        return false;
    unsigned char c = (unsigned char)s[i];
    t->start = i;
    t->end = i + 1;
    t->kind = T_PUNCT;
    if (tally_is_alpha(c)) {
        t->end = lower_end(st, i + 1);
        t->kind = T_WORD;
        return t->end >= n ||
               ((unsigned char)s[t->end] < 0x80 && !tally_is_alpha((unsigned char)s[t->end]));
    }
    return c < 0x80 && !tally_is_digit(c);
}

/* The slot of the word table where the ASCII word s[0, n) would be, were it
 * there: gperf's hash names one. NULL when no word has that hash. */
static const word_entry *slot_of(const char *s, size_t n)
{
    if (n < MIN_WORD_LENGTH || n > MAX_WORD_LENGTH)
        return NULL;
    unsigned key = when_word_hash(s, n);
    return key <= MAX_HASH_VALUE ? &wordlist[key] : NULL;
}

/* Lexes on from st->pos while no expression can start at the tokens (ASCII
 * punctuation and most ASCII words: most of the text) and returns the number
 * of the first token where one may. The tokens passed over are counted, but
 * only the last is built into the ring: the parser looks one token back and
 * never further. A word where an expression may start is built too; any
 * other token (a number, "McCain", text beyond ASCII, the end) is left to
 * lex.
 *
 * No expression starts at a word when the slot of the table where it would
 * be holds no word that starts one (no string compare is needed for that);
 * nor at a role word or "the" (S_NEXT) when the token after it is
 * punctuation or a word that can neither be "the" nor begin a modifier or a
 * core, as parse_expr demands: "in the" goes on, "in which" does not. */
static size_t skim(stream *st)
{
    const char *s = st->s;
    size_t i = st->pos, passed = 0;
    skimmed t, x, last = {0, 0, T_PUNCT, false};
    bool starter = false, have_x = false;
    for (;;) {
        if (have_x)
            t = x; /* read after the word before */
        else if (!skim_tok(st, i, &t))
            break;
        have_x = false;
        const word_entry *e = t.kind == T_WORD ? slot_of(s + t.start, t.end - t.start) : NULL;
        if (e != NULL && (starts[e->id] & (S_LEAD | S_CORE))) {
            unsigned need = starts[e->id] & (S_NEXT | S_UNIT_NEXT);
            starter = need == 0 || !(have_x = skim_tok(st, t.end, &x));
            if (!starter && x.kind == T_WORD) {
                const word_entry *f = find_word(s + x.start, x.end - x.start);
                int id = f != NULL ? f->id : W_NONE;
                starter = need == S_UNIT_NEXT ? id == W_UNIT
                                              : (starts[id] & (S_CORE | S_AFTER_THE)) ||
                                                    (id == W_THE && e->id != W_THE);
            }
            if (starter)
                break;
        }
        last = t;
        passed++;
        i = t.end;
    }
    if (passed > 0) {
        st->count += passed;
        tok *b = &st->ring[(st->count - 1) % RING];
        if (last.kind == T_WORD) {
            word_tok(b, s, last.start, last.end, last.space);
        } else {
            memset(b, 0, sizeof *b);
            b->start = last.start;
            b->end = last.end;
            b->space = last.space;
            b->kind = T_PUNCT;
            b->value = (unsigned char)s[last.start];
        }
        st->pos = last.end;
    }
    if (!starter)
        return st->count;
    word_tok(&st->ring[st->count % RING], s, t.start, t.end, t.space);
    st->pos = t.end;
    return st->count++;
}

int tally_when_scan(tally_span text, tally_date doc_date, tally_whens *out, tally_arena *a,
                    tally_err *err)
{
    (void)err;
    stream st;
    whens_buf w = {NULL, 0, 0};
    st.s = text.ptr;
    st.n = text.ptr != NULL ? text.len : 0;
    st.pos = 0;
    st.count = 0;
    st.space_stop = st.n;
    while (st.space_stop > 0 && tally_is_space((unsigned char)st.s[st.space_stop - 1]))
        st.space_stop--;
    st.lower_stop = st.n;
    while (st.lower_stop > 0 && tally_is_lower((unsigned char)st.s[st.lower_stop - 1]))
        st.lower_stop--;
    parser p = {&st, 0, checked(doc_date), false};
    size_t last_end = SIZE_MAX; /* the token after the last expression */
    for (size_t i = 0;;) {
        if (i == st.count)
            i = skim(&st);
        if (tok_at(&st, i)->kind == T_END)
            break;
        if (!may_start(tok_at(&st, i))) {
            i++;
            continue;
        }
        p.i = i;
        p.chain = false;
        if (last_end != SIZE_MAX && i == last_end + 1) {
            const tok *b = tok_at(&st, i - 1);
            p.chain = is_w(b, W_AND) || is_w(b, W_OR) || is_p(b, ',');
        }
        found f;
        size_t k = parse_expr(&p, &f);
        if (k == 0) {
            i++;
            continue;
        }
        if (!f.drop && found_ok(&f)) {
            tally_when x;
            x.start = tok_at(&st, i)->start;
            x.end = tok_at(&st, i + k - 1)->end;
            x.role = f.role;
            x.date = f.date;
            x.end_date = f.role == TALLY_WHEN_SPAN ? f.end : mkdate(0, 0, 0);
            /* an expression of zero-width tokens (control bytes) says nothing */
            if (x.end > x.start && (w.n == 0 || x.start >= w.v[w.n - 1].end))
                push(&w, a, &x);
            last_end = i + k;
        }
        i += k;
    }
    out->v = w.v;
    out->n = w.n;
    return 0;
}
