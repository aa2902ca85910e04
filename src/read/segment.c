/* tally: sentence segmentation.
 *
 * One linear pass over the block, line by line. A sentence is open from its
 * first non-space character; it is closed (emitted, trimmed) by:
 *
 * - a blank line (a line of white space only), U+2029 or a form feed: always;
 * - a bullet line ("- ", "* ", "• ", "– ", "▪ " ... at the start of a line):
 *   the bullet starts a new sentence. The marker itself is list decoration and
 *   belongs to no sentence (the only non-space bytes left out);
 * - "?" or "!" (with any closing quotes or brackets after them) followed by
 *   white space, unless the next word starts lower case ("Why?" he asked);
 * - "." likewise, unless the next word starts lower case, or the run holds an
 *   ellipsis ("...", "…": an elision inside a quote, never split within a
 *   line), or the word before the period is an abbreviation:
 *     titles and mid-sentence abbreviations (Mr., Gen., Lt. Col., vs., e.g.,
 *     approx.) never end a sentence; number prefixes (No., Vol., p.) do not
 *     end one before a digit; etc., Inc., Ltd., Corp., Co., Jr. end one before
 *     a capitalised word that is not itself an abbreviation ("Co. Ltd.");
 *     dotted initialisms (U.S., U.K., U.N.), single initials (J. R. Smith),
 *     months (Jan. 5), St., Ft., Sec., a.m. and p.m. end one only before a
 *     word that typically opens a sentence and rarely continues a name
 *     ("The", "It", "He", "In", "However", ...), so "in the U.S. The ..."
 *     splits and "U.S. Ambassador" or "Robert A. Wood" does not;
 *   a number alone at the start of a sentence ("1. The first item") is a list
 *   number, not a sentence;
 * - a period glued to a typical sentence opener ("Pyongyang.A defense
 *   official", "said.The"), when the word before it ends lower case and
 *   neither side looks like a URL ("example.org/a.b", "38North.org");
 * - a CJK full stop or full-width "?"/"!": always;
 * - a single line break after a line without final punctuation, when the line
 *   looks like a headline, title, byline or caption rather than wrapped prose:
 *   the next line does not start lower case, the line does not end with a
 *   comma, semicolon, hyphen or dash or with a function word ("of", "the",
 *   "and", "to", ...), and either the open sentence began at the start of this
 *   line and the line is short (at most 12 words) or in title case (no word
 *   that starts lower case except function words), or the line is longer than
 *   100 characters (prose is not hard-wrapped there, so the break is a
 *   paragraph break).
 *
 * Decimals, "27.12.2022", "U.S.-sanctioned" and URLs never split because a
 * period that is not followed by white space is not a sentence end (bar the
 * glued case above). Every look-around is bounded or covers bytes that are
 * then consumed, so the pass stays linear.
 * Part of stage 1, read: includes the public headers of base and the model,
 * and read's own. */
#include "tally/segment.h"

#include "segment.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

enum {
    HEADLINE_WORDS = 12,   /* a short line with no final punctuation */
    TITLE_WORDS = 30,      /* a title-case line up to this many words */
    UNWRAPPED_CHARS = 100, /* longer lines are not hard-wrapped prose */
    WORD_MAX = 16,         /* longest abbreviation or keyword looked up */
    GLUED_TOKEN_MAX = 64,  /* bound on the look-around of a glued period */
    INITIAL_CAP = 64       /* first size of the sentence array */
};

enum abbr_kind {
    ABBR_NONE,    /* an ordinary word */
    ABBR_NEVER,   /* never ends a sentence: titles, "vs.", "e.g." */
    ABBR_STARTER, /* ends one only before a typical sentence opener */
    ABBR_CAPITAL, /* ends one before a capitalised word */
    ABBR_NUMBER   /* does not end one before a digit */
};

struct abbr {
    const char *word; /* lower case, without the final period */
    enum abbr_kind kind;
};

/* The abbreviations by length, so that a word is compared with those of its
 * own length only. Kinds: titles and ranks, which a name follows, and
 * mid-sentence abbreviations (vs, e.g) are ABBR_NEVER; those often
 * sentence-final (etc, inc, jr) ABBR_CAPITAL; those before numbers (no, vol)
 * ABBR_NUMBER; months, places, units and times ABBR_STARTER. */
static const struct abbr abbrs2[] = {
    {"mr", ABBR_NEVER},   {"ms", ABBR_NEVER},   {"dr", ABBR_NEVER},   {"lt", ABBR_NEVER},
    {"fr", ABBR_NEVER},   {"rt", ABBR_NEVER},   {"vs", ABBR_NEVER},   {"cf", ABBR_NEVER},
    {"ca", ABBR_NEVER},   {"co", ABBR_CAPITAL}, {"jr", ABBR_CAPITAL}, {"sr", ABBR_CAPITAL},
    {"al", ABBR_CAPITAL}, {"no", ABBR_NUMBER},  {"nr", ABBR_NUMBER},  {"ch", ABBR_NUMBER},
    {"pp", ABBR_NUMBER},  {"pt", ABBR_NUMBER},  {"op", ABBR_NUMBER},  {"rs", ABBR_NUMBER},
    {"st", ABBR_STARTER}, {"mt", ABBR_STARTER}, {"ft", ABBR_STARTER}};
static const struct abbr abbrs3[] = {
    {"mrs", ABBR_NEVER},   {"mme", ABBR_NEVER},   {"gen", ABBR_NEVER},   {"col", ABBR_NEVER},
    {"maj", ABBR_NEVER},   {"sgt", ABBR_NEVER},   {"cpt", ABBR_NEVER},   {"cpl", ABBR_NEVER},
    {"pvt", ABBR_NEVER},   {"adm", ABBR_NEVER},   {"cdr", ABBR_NEVER},   {"gov", ABBR_NEVER},
    {"sen", ABBR_NEVER},   {"rep", ABBR_NEVER},   {"rev", ABBR_NEVER},   {"hon", ABBR_NEVER},
    {"amb", ABBR_NEVER},   {"det", ABBR_NEVER},   {"e.g", ABBR_NEVER},   {"i.e", ABBR_NEVER},
    {"viz", ABBR_NEVER},   {"esp", ABBR_NEVER},   {"est", ABBR_NEVER},   {"etc", ABBR_CAPITAL},
    {"inc", ABBR_CAPITAL}, {"ltd", ABBR_CAPITAL}, {"plc", ABBR_CAPITAL}, {"nos", ABBR_NUMBER},
    {"vol", ABBR_NUMBER},  {"art", ABBR_NUMBER},  {"fig", ABBR_NUMBER},  {"ref", ABBR_NUMBER},
    {"tel", ABBR_NUMBER},  {"ext", ABBR_NUMBER},  {"jan", ABBR_STARTER}, {"feb", ABBR_STARTER},
    {"mar", ABBR_STARTER}, {"apr", ABBR_STARTER}, {"jun", ABBR_STARTER}, {"jul", ABBR_STARTER},
    {"aug", ABBR_STARTER}, {"sep", ABBR_STARTER}, {"oct", ABBR_STARTER}, {"nov", ABBR_STARTER},
    {"dec", ABBR_STARTER}, {"sec", ABBR_STARTER}, {"ave", ABBR_STARTER}, {"a.m", ABBR_STARTER},
    {"p.m", ABBR_STARTER}};
static const struct abbr abbrs4[] = {
    {"prof", ABBR_NEVER},   {"capt", ABBR_NEVER},   {"brig", ABBR_NEVER},   {"cmdr", ABBR_NEVER},
    {"reps", ABBR_NEVER},   {"pres", ABBR_NEVER},   {"supt", ABBR_NEVER},   {"insp", ABBR_NEVER},
    {"incl", ABBR_NEVER},   {"resp", ABBR_NEVER},   {"corp", ABBR_CAPITAL}, {"bros", ABBR_CAPITAL},
    {"dept", ABBR_CAPITAL}, {"univ", ABBR_CAPITAL}, {"para", ABBR_NUMBER},  {"sept", ABBR_STARTER}};
static const struct abbr abbrs5[] = {{"a.k.a", ABBR_NEVER}};
static const struct abbr abbrs6[] = {{"messrs", ABBR_NEVER}, {"approx", ABBR_NEVER}};

#define ABBRS(v)                                                                                   \
    {                                                                                              \
        v, sizeof v / sizeof v[0]                                                                  \
    }

static const struct {
    const struct abbr *v;
    size_t n;
} abbrs_of_len[] = {{NULL, 0},     {NULL, 0},     ABBRS(abbrs2), ABBRS(abbrs3),
                    ABBRS(abbrs4), ABBRS(abbrs5), ABBRS(abbrs6)};

#undef ABBRS

/* Capitalised words that typically open a sentence and rarely follow
 * "U.S.", an initial or a month inside one. */
static const char *const openers_words[] = {
    "A",          "According", "After",     "Also",     "Although", "An",      "And",
    "Another",    "As",        "At",        "Before",   "Both",     "But",     "Despite",
    "During",     "Each",      "Earlier",   "Even",     "For",      "From",    "Furthermore",
    "He",         "Her",       "Here",      "His",      "How",      "However", "I",
    "If",         "In",        "Indeed",    "Instead",  "It",       "Its",     "Last",
    "Later",      "Many",      "Meanwhile", "Moreover", "Most",     "My",      "Nevertheless",
    "Now",        "On",        "Once",      "One",      "Only",     "Or",      "Our",
    "Separately", "She",       "Since",     "So",       "Some",     "Still",   "Such",
    "That",       "The",       "Their",     "Then",     "There",    "These",   "They",
    "This",       "Those",     "Though",    "Thus",     "Today",    "We",      "What",
    "When",       "Where",     "While",     "Who",      "Why",      "With",    "Yesterday",
    "Yet",        "You",       "Your"};

/* Lower-case words after which a line break is inside a sentence. */
static const char *const function_words[] = {
    "a",     "about",  "after", "al",    "all",    "also",   "an",        "and",     "any",
    "are",   "as",     "at",    "be",    "been",   "before", "being",     "between", "bin",
    "both",  "but",    "by",    "can",   "could",  "de",     "del",       "der",     "di",
    "du",    "during", "each",  "el",    "every",  "for",    "from",      "had",     "has",
    "have",  "her",    "his",   "ibn",   "if",     "in",     "including", "into",    "is",
    "its",   "la",     "le",    "many",  "may",    "might",  "more",      "most",    "must",
    "my",    "nor",    "not",   "of",    "on",     "onto",   "or",        "our",     "over",
    "per",   "said",   "says",  "shall", "should", "since",  "some",      "such",    "than",
    "that",  "the",    "their", "these", "this",   "those",  "through",   "to",      "told",
    "under", "until",  "van",   "very",  "via",    "von",    "was",       "were",    "when",
    "where", "which",  "while", "who",   "whom",   "whose",  "will",      "with",    "would",
    "your"};

/* What a byte is to the two loops that see every byte of a block, one load
 * a byte instead of a chain of compares: B may start a line break (\n \v \f
 * \r, C2 85, E2 80 A8/A9), P is plain ASCII (neither white space nor a
 * stop), S the space, O any other byte. */
enum { NOT_BREAK = 1, PLAIN = 2, SPACE = 4 };
#define B 0
#define O NOT_BREAK
#define P (NOT_BREAK | PLAIN)
#define S (NOT_BREAK | SPACE)
static const unsigned char byte_kind[256] = {
    O, O, O, O, O, O, O, O, O, O, B, B, B, B, O, O, /* 0x00 \n..\r */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x10 */
    S, O, P, P, P, P, P, P, P, P, P, P, P, P, O, P, /* 0x20 ! . */
    P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, O, /* 0x30 ? */
    P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, /* 0x40 */
    P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, /* 0x50 */
    P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, /* 0x60 */
    P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, O, /* 0x70 DEL */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x80 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x90 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0xA0 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0xB0 */
    O, O, B, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0xC0 C2 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0xD0 */
    O, O, B, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0xE0 E2 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O  /* 0xF0 */
};
#undef B
#undef O
#undef P
#undef S

/* The first byte of s[i, n) whose kind has none of the bits `kinds`. Four
 * bytes a step while they last: these runs are most of every line. */
static size_t skip_kind(const unsigned char *s, size_t i, size_t n, unsigned char kinds)
{
    const unsigned char *p = s + i, *e = s + n;
    while (e - p >= 4 && (byte_kind[p[0]] & kinds) && (byte_kind[p[1]] & kinds) &&
           (byte_kind[p[2]] & kinds) && (byte_kind[p[3]] & kinds))
        p += 4;
    while (p < e && (byte_kind[*p] & kinds))
        p++;
    return (size_t)(p - s);
}

/* Eight bytes at a time, each byte a lane of a uint64_t. With the top bits
 * cleared (y), y + (0x80 - lo) sets a lane's top bit when it is >= lo and
 * y + (0x7f - hi) when it is > hi, with no carry into the next lane; and
 * (v - 0x01..01) & ~v & 0x80..80 is non-zero exactly when some lane of v is
 * 0 (the classic "has a zero byte"). */
static const uint64_t lane_ones = 0x0101010101010101u, lane_tops = 0x8080808080808080u;

static uint64_t zero_lanes(uint64_t v)
{
    return (v - lane_ones) & ~v & lane_tops;
}

/* Whether one of the eight bytes of `x` may start a line break: \n..\r, C2
 * or E2 (which | 0x20 makes E2 both). */
static bool may_break8(uint64_t x)
{
    uint64_t y = x & ~lane_tops;
    uint64_t control =
        (y + lane_ones * (0x80 - '\n')) & ~(y + lane_ones * (0x7f - '\r')) & ~x & lane_tops;
    return (control | zero_lanes((x | lane_ones * 0x20) ^ (lane_ones * 0xE2))) != 0;
}

/* Whether all eight bytes of `x` are PLAIN or SPACE in byte_kind: 0x20..0x7e
 * but for the stops ! . and ?. The top bit of a lane of `other` is set
 * below 0x20, at 0x7f and from 0x80 on. */
static bool plain8(uint64_t x)
{
    uint64_t y = x & ~lane_tops;
    uint64_t other = ~(y + lane_ones * (0x80 - ' ')) | (y + lane_ones * (0x7f - '~')) | x;
    return ((other & lane_tops) | zero_lanes(x ^ (lane_ones * '!')) |
            zero_lanes(x ^ (lane_ones * '.')) | zero_lanes(x ^ (lane_ones * '?'))) == 0;
}

/* The first byte of s[i, n) that is neither PLAIN nor SPACE, eight bytes a
 * step while they are: the runs between stops are most of a sentence. */
static size_t skip_plain(const unsigned char *s, size_t i, size_t n)
{
    while (n - i >= 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (!plain8(x))
            break;
        i += 8;
    }
    return skip_kind(s, i, n, PLAIN | SPACE);
}

/* The first byte of s[i, n) that may start a line break, eight bytes a step
 * while none does: most of a block is one line. */
static size_t skip_to_break(const unsigned char *s, size_t i, size_t n)
{
    while (n - i >= 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (may_break8(x))
            break;
        i += 8;
    }
    return skip_kind(s, i, n, NOT_BREAK);
}

enum cp_class { CP_OTHER, CP_UPPER, CP_LOWER, CP_DIGIT, CP_END };

enum line_end { END_TEXT, END_LINE, END_PARA };

struct seg {
    const unsigned char *s;
    size_t n;
    tally_arena *a;
    tally_sentences *out;
    size_t cap;
    bool open;    /* a sentence has begun */
    size_t start; /* its first byte */
    size_t end;   /* one past its last non-space byte so far */
};

/* Decodes the code point at s[i] (i < n); invalid bytes decode as U+FFFD of
 * length 1 so that the pass never reads past n, whatever it is given. */
static int32_t cp_at(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    unsigned char b = s[i];
    size_t k;
    int32_t c;
    *len = 1;
    if (b < 0x80)
        return b;
    if (b >= 0xC2 && b <= 0xDF) {
        k = 2;
        c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        k = 3;
        c = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        k = 4;
        c = b & 0x07;
    } else {
        return 0xFFFD;
    }
    if (k > n - i)
        return 0xFFFD;
    for (size_t j = 1; j < k; j++) {
        if ((s[i + j] & 0xC0) != 0x80)
            return 0xFFFD;
        c = (c << 6) | (s[i + j] & 0x3F);
    }
    *len = k;
    return c;
}

/* Returns the start of the code point that ends just before s[i] (i > lo). */
static size_t cp_back(const unsigned char *s, size_t lo, size_t i)
{
    size_t j = i - 1;
    while (j > lo && i - j < 4 && (s[j] & 0xC0) == 0x80)
        j--;
    return j;
}

bool segment_is_space(int32_t c)
{
    if (c < 0x80)
        return c == ' ' || (c >= '\t' && c <= '\r');
    if (c == 0x85)
        return true;
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_ZS || k == UTF8PROC_CATEGORY_ZL || k == UTF8PROC_CATEGORY_ZP;
}

static enum cp_class classify(int32_t c)
{
    if (c >= '0' && c <= '9')
        return CP_DIGIT;
    if (c >= 'a' && c <= 'z')
        return CP_LOWER;
    if (c >= 'A' && c <= 'Z')
        return CP_UPPER;
    if (c < 0x80)
        return CP_OTHER;
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        return CP_UPPER;
    case UTF8PROC_CATEGORY_LL:
        return CP_LOWER;
    case UTF8PROC_CATEGORY_ND:
        return CP_DIGIT;
    default:
        return CP_OTHER;
    }
}

/* Opening quotes and brackets, which may precede a sentence's first word. */
static bool is_opener(int32_t c)
{
    if (c < 0x80)
        return c == '"' || c == '\'' || c == '(' || c == '[' || c == '{';
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_PS || k == UTF8PROC_CATEGORY_PI;
}

/* Closing quotes and brackets, which may follow a sentence's final stop. */
static bool is_closer(int32_t c)
{
    if (c < 0x80)
        return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}';
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_PE || k == UTF8PROC_CATEGORY_PF;
}

/* Stops that end a sentence without white space after them (CJK). */
static bool is_cjk_stop(int32_t c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF61;
}

static bool is_strong_stop(int32_t c)
{
    return c == '?' || c == '!' || c == 0x203C || c == 0x2047 || c == 0x2048 || c == 0x2049 ||
           c == 0x061F || c == 0x0964 || c == 0x06D4 || is_cjk_stop(c);
}

static bool is_stop(int32_t c)
{
    return c == '.' || c == 0x2026 || is_strong_stop(c);
}

static bool is_bullet(int32_t c)
{
    switch (c) {
    case '-':
    case '*':
    case 0x00B7: /* middle dot */
    case 0x2013: /* en dash */
    case 0x2014: /* em dash */
    case 0x2022: /* bullet */
    case 0x2023: /* triangular bullet */
    case 0x2043: /* hyphen bullet */
    case 0x25A0: /* black square */
    case 0x25AA: /* small black square */
    case 0x25B8: /* small right triangle */
    case 0x25BA: /* right pointer */
    case 0x25CB: /* white circle */
    case 0x25CF: /* black circle */
    case 0x25E6: /* white bullet */
        return true;
    default:
        return false;
    }
}

/* Dashes and hyphens that, ending a line, show the sentence goes on. */
static bool is_joiner(int32_t c)
{
    return c == ',' || c == ';' || c == '-' || c == '(' || c == '[' || c == '/' || c == '&' ||
           c == '+' || c == 0x2010 || c == 0x2011 || c == 0x2013 || c == 0x2014;
}

/* A line break at s[i]: returns its length (0 if none) and whether it is a
 * paragraph break (U+2029, form feed). CR LF counts as one break. */
static size_t break_at(const unsigned char *s, size_t n, size_t i, bool *para)
{
    unsigned char b = s[i];
    *para = false;
    if (b == '\n' || b == '\v')
        return 1;
    if (b == '\f') {
        *para = true;
        return 1;
    }
    if (b == '\r')
        return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
    if (b == 0xC2 && i + 1 < n && s[i + 1] == 0x85)
        return 2;
    if (b == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
        *para = s[i + 2] == 0xA9;
        return 3;
    }
    return 0;
}

/* Skips white space other than line breaks from i; stops at `lim`. */
static size_t skip_blank(const unsigned char *s, size_t lim, size_t i)
{
    bool para;
    while (i < lim && break_at(s, lim, i, &para) == 0) {
        size_t len;
        if (!segment_is_space(cp_at(s, lim, i, &len)))
            break;
        i += len;
    }
    return i;
}

/* Returns the end of the white space ending at `i` going back to `lo`. */
static size_t trim_back(const unsigned char *s, size_t lo, size_t i)
{
    while (i > lo) {
        size_t j = cp_back(s, lo, i), len;
        if (!segment_is_space(cp_at(s, i, j, &len)))
            break;
        i = j;
    }
    return i;
}

/* ASCII-lower-cases s[lo, hi) into buf (WORD_MAX bytes); false if too long or
 * not ASCII. */
static bool lower_word(const unsigned char *s, size_t lo, size_t hi, char *buf)
{
    if (hi - lo >= WORD_MAX)
        return false;
    for (size_t i = lo; i < hi; i++) {
        unsigned char b = s[i];
        if (b >= 0x80)
            return false;
        buf[i - lo] = (char)(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
    }
    buf[hi - lo] = '\0';
    return true;
}

static bool in_list(const char *const *list, size_t count, const char *w)
{
    for (size_t i = 0; i < count; i++)
        if (list[i][0] == w[0] && strcmp(list[i], w) == 0)
            return true;
    return false;
}

/* Classifies the word s[lo, hi) that a period follows. */
static enum abbr_kind abbr_of(const unsigned char *s, size_t lo, size_t hi)
{
    size_t len;
    int32_t c = cp_at(s, hi, lo, &len);
    if (lo + len == hi) {
        enum cp_class k = classify(c);
        if (k == CP_UPPER)
            return ABBR_STARTER; /* an initial */
        if (c == 'v')
            return ABBR_NEVER; /* "Smith v. Jones" */
        return k == CP_LOWER ? ABBR_NUMBER : ABBR_NONE;
    }
    char w[WORD_MAX];
    if (!lower_word(s, lo, hi, w))
        return ABBR_NONE;
    size_t wn = strlen(w); /* hi - lo, unless the text holds a NUL */
    if (wn < sizeof abbrs_of_len / sizeof abbrs_of_len[0]) {
        const struct abbr *v = abbrs_of_len[wn].v;
        for (size_t i = 0; i < abbrs_of_len[wn].n; i++)
            if (v[i].word[0] == w[0] && memcmp(v[i].word, w, wn) == 0)
                return v[i].kind;
    }
    /* Dotted initialisms: "U.S", "U.N", "u.s". */
    size_t wl = hi - lo;
    if (wl < 3 || wl % 2 == 0)
        return ABBR_NONE;
    for (size_t i = 0; i < wl; i++) {
        bool letter = w[i] >= 'a' && w[i] <= 'z';
        if (i % 2 == 0 ? !letter : w[i] != '.')
            return ABBR_NONE;
    }
    return s[lo] >= 'A' && s[lo] <= 'Z' ? ABBR_STARTER : ABBR_NEVER;
}

/* The ASCII letters of the word at s[i]: their end (== i when none). */
static size_t ascii_word_end(const unsigned char *s, size_t n, size_t i)
{
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
        i++;
    return i;
}

/* The word after a candidate sentence end. */
struct next_word {
    enum cp_class cls;
    size_t pos; /* its first character */
};

/* Looks past the white space at `i` and any opening quotes; a blank line,
 * a paragraph break or the end of the text gives CP_END. */
static struct next_word next_word_at(const struct seg *g, size_t i)
{
    struct next_word w = {CP_END, g->n};
    int breaks = 0;
    while (i < g->n) {
        bool para;
        size_t len = break_at(g->s, g->n, i, &para);
        if (len > 0) {
            if (para || ++breaks > 1)
                return w;
            i += len;
            continue;
        }
        int32_t c = cp_at(g->s, g->n, i, &len);
        if (!segment_is_space(c) && !is_opener(c)) {
            w.cls = classify(c);
            w.pos = i;
            return w;
        }
        i += len;
    }
    return w;
}

/* True if the next word, a capitalised one, typically opens a sentence. */
static bool is_opener_word(const struct seg *g, size_t i)
{
    size_t e = ascii_word_end(g->s, g->n, i);
    if (e == i || e - i >= WORD_MAX || (e < g->n && g->s[e] == '.'))
        return false;
    char w[WORD_MAX];
    memcpy(w, g->s + i, e - i);
    w[e - i] = '\0';
    return in_list(openers_words, sizeof openers_words / sizeof openers_words[0], w);
}

/* True if the next word is itself a known abbreviation ("Co. Ltd."). */
static bool is_abbr_word(const struct seg *g, size_t i)
{
    size_t e = ascii_word_end(g->s, g->n, i);
    if (e == i || e >= g->n || g->s[e] != '.')
        return false;
    return abbr_of(g->s, i, e) != ABBR_NONE;
}

/* Decides whether the stops s[p, q) (followed by white space or the end of
 * the line) end the sentence; `cs` is where the line's content starts. */
static bool ends_sentence(const struct seg *g, size_t cs, size_t p, size_t q)
{
    bool strong = false, ellipsis = false;
    int dots = 0;
    for (size_t i = p; i < q;) {
        size_t len;
        int32_t c = cp_at(g->s, q, i, &len);
        if (is_strong_stop(c))
            strong = true;
        else if (c == 0x2026 || (c == '.' && ++dots >= 2))
            ellipsis = true;
        i += len;
    }
    struct next_word nx = next_word_at(g, q);
    if (nx.cls == CP_END)
        return true;
    if (nx.cls == CP_LOWER)
        return false;
    if (strong)
        return true;
    if (ellipsis)
        return false;

    /* A single period: look at the word before it, without its quotes. */
    size_t ts = p;
    while (ts > cs) {
        size_t j = cp_back(g->s, cs, ts), len;
        if (segment_is_space(cp_at(g->s, ts, j, &len)))
            break;
        ts = j;
    }
    size_t lo = ts, hi = p;
    while (lo < hi) {
        size_t len;
        if (!is_opener(cp_at(g->s, hi, lo, &len)))
            break;
        lo += len;
    }
    while (hi > lo) {
        size_t j = cp_back(g->s, lo, hi), len;
        if (!is_closer(cp_at(g->s, hi, j, &len)))
            break;
        hi = j;
    }
    if (lo == hi)
        return false; /* a lone ". " */
    if (g->start == ts && hi - lo <= 3) {
        bool number = true;
        for (size_t i = lo; i < hi; i++)
            number = number && g->s[i] >= '0' && g->s[i] <= '9';
        if (number)
            return false; /* "1. The first item" */
    }
    switch (abbr_of(g->s, lo, hi)) {
    case ABBR_NEVER:
        return false;
    case ABBR_NUMBER:
        return nx.cls != CP_DIGIT;
    case ABBR_CAPITAL:
        if (nx.cls == CP_DIGIT)
            return false;
        return nx.cls != CP_UPPER || !is_abbr_word(g, nx.pos);
    case ABBR_STARTER:
        return nx.cls == CP_UPPER && is_opener_word(g, nx.pos);
    case ABBR_NONE:
    default:
        return true;
    }
}

/* True if s[lo, hi) (at most GLUED_TOKEN_MAX bytes) has no URL-like bytes. */
static bool plain_token(const unsigned char *s, size_t lo, size_t hi)
{
    for (size_t i = lo; i < hi; i++)
        if (s[i] == '.' || s[i] == '/' || s[i] == '@' || s[i] == ':' || s[i] == '_')
            return false;
    return true;
}

/* A period at p glued to the next sentence ("Pyongyang.A defense"), p+1 < ce. */
static bool glued_end(const struct seg *g, size_t cs, size_t ce, size_t p)
{
    size_t len, q = p + 1;
    if (p == cs || classify(cp_at(g->s, ce, q, &len)) != CP_UPPER)
        return false;
    size_t after = q + len;
    if (after < ce) {
        size_t len2;
        int32_t c = cp_at(g->s, ce, after, &len2);
        if (!segment_is_space(c) && classify(c) != CP_LOWER)
            return false; /* "example.COM", "A.B" */
    }
    size_t b = cp_back(g->s, cs, p);
    if (classify(cp_at(g->s, p, b, &len)) != CP_LOWER)
        return false;
    /* The word before: bounded, letters only, not an abbreviation. */
    size_t ts = p;
    while (ts > cs && p - ts <= GLUED_TOKEN_MAX) {
        size_t j = cp_back(g->s, cs, ts);
        if (segment_is_space(cp_at(g->s, ts, j, &len)))
            break;
        ts = j;
    }
    if (p - ts > GLUED_TOKEN_MAX || p - ts < 2 || !plain_token(g->s, ts, p))
        return false;
    if (abbr_of(g->s, ts, p) != ABBR_NONE)
        return false;
    size_t te = q;
    while (te < ce && te - q <= GLUED_TOKEN_MAX) {
        if (segment_is_space(cp_at(g->s, ce, te, &len)))
            break;
        te += len;
    }
    return te - q <= GLUED_TOKEN_MAX && plain_token(g->s, q, te) && is_opener_word(g, q);
}

/* Grows the array when full; the caller checked that n never exceeds the
 * text length, so the sizes cannot overflow. */
static void emit(struct seg *g)
{
    if (!g->open)
        return;
    g->open = false;
    tally_sentences *o = g->out;
    if (o->n == g->cap) {
        size_t cap = g->cap == 0 ? INITIAL_CAP : g->cap * 2;
        if (cap > g->n)
            cap = g->n > o->n ? g->n : o->n + 1;
        tally_sentence *v = tally_arena_alloc(g->a, cap * sizeof *v);
        if (o->n > 0)
            memcpy(v, o->v, o->n * sizeof *v);
        o->v = v;
        g->cap = cap;
    }
    o->v[o->n].start = g->start;
    o->v[o->n].end = g->end;
    o->n++;
}

static void mark(struct seg *g, size_t from, size_t to)
{
    if (!g->open) {
        g->open = true;
        g->start = from;
    }
    g->end = to;
}

/* Handles the stops starting at p; returns where scanning goes on. */
static size_t stop_run(struct seg *g, size_t cs, size_t ce, size_t p)
{
    size_t q = p, len;
    bool cjk = false;
    while (q < ce) {
        int32_t c = cp_at(g->s, ce, q, &len);
        if (is_stop(c))
            cjk = cjk || is_cjk_stop(c);
        else if (!is_closer(c))
            break;
        q += len;
    }
    mark(g, p, q);
    if (cjk) {
        emit(g);
        return q;
    }
    if (q < ce && !segment_is_space(cp_at(g->s, ce, q, &len))) {
        if (q == p + 1 && g->s[p] == '.' && glued_end(g, cs, ce, p))
            emit(g);
        return q;
    }
    if (ends_sentence(g, cs, p, q))
        emit(g);
    return q;
}

/* Scans the content s[cs, ce) of one line. */
static void scan_line(struct seg *g, size_t cs, size_t ce)
{
    size_t p = cs;
    while (p < ce) {
        /* a run of plain ASCII words and the spaces between them (no stop)
         * is one step; the sentence ends after its last word so far */
        unsigned char b = g->s[p];
        if (byte_kind[b] & PLAIN) {
            size_t q = skip_plain(g->s, p + 1, ce), e = q;
            while (g->s[e - 1] == ' ')
                e--;
            mark(g, p, e);
            p = q;
            continue;
        }
        if (b == ' ') {
            p++;
            continue;
        }
        size_t len;
        int32_t c = cp_at(g->s, ce, p, &len);
        if (segment_is_space(c)) {
            p += len;
        } else if (is_stop(c)) {
            p = stop_run(g, cs, ce, p);
        } else {
            mark(g, p, p + len);
            p += len;
        }
    }
}

/* True if the last word of s[cs, ce) is a function word. */
static bool ends_with_function_word(const unsigned char *s, size_t cs, size_t ce)
{
    size_t lo = ce;
    while (lo > cs &&
           ((s[lo - 1] >= 'a' && s[lo - 1] <= 'z') || (s[lo - 1] >= 'A' && s[lo - 1] <= 'Z')))
        lo--;
    size_t len;
    if (lo == ce || (lo > cs && !segment_is_space(cp_at(s, lo, cp_back(s, cs, lo), &len))))
        return false;
    char w[WORD_MAX];
    return lower_word(s, lo, ce, w) &&
           in_list(function_words, sizeof function_words / sizeof function_words[0], w);
}

/* Words and characters of the line s[cs, ce); `title` is cleared by a word
 * that starts lower case and is not a function word. */
struct line_stats {
    size_t words;
    size_t chars;
    bool title;
};

static struct line_stats line_stats_of(const unsigned char *s, size_t cs, size_t ce)
{
    struct line_stats st = {0, 0, true};
    size_t i = cs;
    while (i < ce) {
        size_t len;
        int32_t c = cp_at(s, ce, i, &len);
        if (segment_is_space(c)) {
            st.chars++;
            i += len;
            continue;
        }
        size_t w = i;
        enum cp_class first = CP_OTHER;
        bool seen = false;
        while (i < ce) {
            c = cp_at(s, ce, i, &len);
            if (segment_is_space(c))
                break;
            if (!seen && !is_opener(c)) {
                first = classify(c);
                seen = true;
            }
            st.chars++;
            i += len;
        }
        st.words++;
        if (first == CP_LOWER) {
            char lw[WORD_MAX];
            size_t e = ascii_word_end(s, i, w);
            if (!lower_word(s, w, e, lw) ||
                !in_list(function_words, sizeof function_words / sizeof function_words[0], lw))
                st.title = false;
        }
    }
    return st;
}

/* The bullet at s[cs] (followed by white space and content): returns where
 * the item's content starts, or cs when there is no bullet. */
static size_t after_bullet(const unsigned char *s, size_t cs, size_t ce)
{
    size_t len;
    if (!is_bullet(cp_at(s, ce, cs, &len)) || cs + len >= ce)
        return cs;
    size_t len2;
    if (!segment_is_space(cp_at(s, ce, cs + len, &len2)))
        return cs;
    return skip_blank(s, ce, cs + len);
}

/* Decides at a single line break after the content s[cs, ce), the next line
 * starting at `next`, whether the open sentence ends there. */
static bool ends_at_break(const struct seg *g, size_t cs, size_t ce, size_t next)
{
    size_t i = skip_blank(g->s, g->n, next), len;
    bool para;
    if (i >= g->n || break_at(g->s, g->n, i, &para) > 0)
        return false; /* a blank line or the end follows: handled there */
    size_t ne = i;
    while (ne < g->n && break_at(g->s, g->n, ne, &para) == 0 && ne - i < 8)
        ne++;
    ne = trim_back(g->s, i, ne);
    if (after_bullet(g->s, i, ne) != i)
        return false; /* the bullet ends it */
    struct next_word nx = next_word_at(g, i);
    if (nx.cls == CP_LOWER)
        return false;
    size_t last = cp_back(g->s, cs, ce);
    if (is_joiner(cp_at(g->s, ce, last, &len)) || ends_with_function_word(g->s, cs, ce))
        return false;
    struct line_stats st = line_stats_of(g->s, cs, ce);
    if (st.chars > UNWRAPPED_CHARS)
        return true;
    if (g->start != cs)
        return false; /* the sentence began on an earlier line or mid-line */
    return st.words <= HEADLINE_WORDS || (st.title && st.words >= 2 && st.words <= TITLE_WORDS);
}

int tally_segment(tally_span text, tally_sentences *out, tally_arena *a, tally_err *err)
{
    int rc = 0;
    struct seg g = {(const unsigned char *)text.ptr, text.len, a, out, 0, false, 0, 0};
    size_t i = 0;
    out->v = NULL;
    out->n = 0;
    if (text.len > SIZE_MAX / 2 / sizeof(tally_sentence)) {
        rc = tally_err_set(err, TALLY_ELIMIT, "segment: text of %zu bytes is too long", text.len);
        goto out;
    }
    while (i < g.n) {
        /* The line [i, le) and its break [le, next). */
        size_t le = i, blen = 0;
        bool para = false;
        for (;;) {
            le = skip_to_break(g.s, le, g.n);
            if (le >= g.n || (blen = break_at(g.s, g.n, le, &para)) != 0)
                break;
            le++;
        }
        size_t next = le + blen;
        size_t cs = skip_blank(g.s, le, i);
        size_t ce = trim_back(g.s, cs, le);
        if (cs == ce) {
            emit(&g);
        } else {
            size_t item = after_bullet(g.s, cs, ce);
            if (item != cs) {
                emit(&g);
                cs = item;
            }
            scan_line(&g, cs, ce);
            if (!para && g.open && blen > 0 && ends_at_break(&g, cs, ce, next))
                emit(&g);
        }
        if (para)
            emit(&g);
        i = next;
    }
    emit(&g);
out:
    return rc;
}
