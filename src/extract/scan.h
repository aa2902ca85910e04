/* Private to the figure scanner (scan.c, numword.c): tokens and the lexicon.
 * Part of stage 2, extract: includes the public headers of base, the model and
 * read, and extract's own. */
#ifndef TALLY_SCAN_H
#define TALLY_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct lex_entry {
    const char *word;
    uint32_t roles;
    double value;
    const char *code; /* currency code for W_CUR */
} lex_entry;

typedef enum tok_type {
    TK_WORD,  /* letters (and apostrophes inside) */
    TK_NUM,   /* digits with group separators, decimals, exponent; or a vulgar fraction */
    TK_SYM,   /* a currency sign, %, <, >, =, ~, + */
    TK_PUNCT, /* anything else that is not white space */
} tok_type;

/* White space before a token. */
enum { SP_NONE = 0, SP_SPACE = 1, SP_LINE = 2, SP_PARA = 3 };

typedef struct tok {
    size_t start;
    size_t end;
    uint8_t type;
    uint8_t sp;                  /* SP_*: white space before the token */
    uint8_t grouped;             /* NUM: had group separators */
    uint8_t decimals;            /* NUM: digits after the decimal point */
    uint8_t digits;              /* NUM: digits before the decimal point (capped at 255) */
    uint8_t lead0;               /* NUM: starts with 0 and has more integer digits */
    uint8_t exp;                 /* NUM: had an exponent */
    uint8_t skip;                /* inside a URL, e-mail, phone number, date or designator */
    const struct lex_entry *lex; /* WORD: its lexicon entry, or NULL */
    uint16_t cp;  /* SYM/PUNCT: the code point (BMP), for currency signs and dashes */
    double value; /* NUM */
} tok;

/* Lexicon roles of a word (bits). */
enum {
    W_UNIT = 1u << 0,      /* zero..nineteen: value */
    W_TENS = 1u << 1,      /* twenty..ninety: value */
    W_HUNDRED = 1u << 2,   /* hundred */
    W_SCALE = 1u << 3,     /* thousand, million, ...; abbreviations bn, mn, k: value */
    W_SCALE_CUR = 1u << 4, /* m, b: a scale only next to a currency */
    W_FRAC = 1u << 5,      /* half, third(s), quarter(s), fifth(s)...: value = denominator */
    W_FRAC_PL = 1u << 6,   /* plural fraction word (thirds) */
    W_VAGUE = 1u << 7,     /* dozens, hundreds, thousands, millions: value */
    W_DOZEN = 1u << 8,     /* dozen(s) after a number: multiplies by 12 */
    W_A = 1u << 9,         /* a, an */
    W_CUR = 1u << 10,      /* a currency word or code: code */
    W_CUR_CODE = 1u << 11, /* an ISO code (may stand before the amount) */
    W_PCT = 1u << 12,      /* percent, pct, per cent (the "per" is handled apart) */
    W_MONTH = 1u << 13,    /* month names and abbreviations */
    W_CALIBER = 1u << 14,  /* mm, millimetre, calibre: the number is a caliber */
    W_TIME = 1u << 15,     /* am, pm, gmt, utc, hours */
    W_ORDSUF = 1u << 16,   /* st, nd, rd, th after digits */
    W_LABEL = 1u << 17,    /* no, nr, resolution, article: the next number is a label */
    W_SEVERAL = 1u << 18,  /* several, few: "several dozen" */
    W_POINT = 1u << 19,    /* point: "five point five" */
    W_NEG = 1u << 20,      /* minus, negative */
    W_UNIT_PCT = 1u << 21, /* "percentage" (followed by "points") */
    W_QUAL = 1u << 22,     /* first word of a qualifier phrase, "between", "from" */
    W_ORD = 1u << 23,      /* first(s), second(s): only in "twenty-first" fractions */
    W_PER = 1u << 24       /* per ("per cent") */
};

/* The longest word the lexicon can hold. */
enum { LEX_MAXLEN = 16 };

/* Looks up a word, ignoring ASCII case; returns its entry or NULL. */
const lex_entry *lex_find(const char *s, size_t n);
/* The perfect hash that gperf generates from src/extract/lexicon.gperf. */
const lex_entry *lex_lookup(const char *str, size_t len);
/* Slot i of that hash's table, or NULL past the end (for tests). */
const lex_entry *lex_slot(size_t i);
/* The lexicon's words by length, first and last letter (src/extract/lexicon.gperf). */
extern const uint32_t lex_ends[LEX_MAXLEN + 1][26];

/* False when the n bytes at s cannot be a lexicon word: a few instructions
 * where the hash and its string compare cost some forty. The word must start
 * and end with an ASCII letter (lexicon words do). */
static inline bool lex_may_hold(const char *s, size_t n)
{
    if (n > LEX_MAXLEN)
        return false;
    unsigned first = ((unsigned char)s[0] | 0x20u) - 'a';
    unsigned last = ((unsigned char)s[n - 1] | 0x20u) - 'a';
    return (lex_ends[n][first] >> last & 1u) != 0;
}

/* Lexicon words of one to seven ASCII letters, found without the hash and
 * its string compare: by their key, the letters in lower case as the bytes
 * of a number, first letter lowest ("am" is 0x6d61). The tokenizer has the
 * key at hand once it has read the word eight bytes at a time. An
 * open-addressing table: a word sits at its home slot (lex_short_home) or
 * the first free one after it; an empty slot has key 0. It sits beside the
 * words in src/extract/lexicon.gperf, and test_scan prints it anew when a
 * word of the lexicon is added or removed. */
enum { LEX_SHORT_MAXLEN = 7, LEX_SHORT_BITS = 10 };
typedef struct lex_short_slot {
    uint64_t key;
    const lex_entry *entry;
} lex_short_slot;
extern const lex_short_slot lex_shorts[1u << LEX_SHORT_BITS];

/* The home slot of a key: the top bits of a multiplicative hash. */
static inline size_t lex_short_home(uint64_t key)
{
    return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - LEX_SHORT_BITS));
}

/* The lexicon entry of the word with key `key` (not 0), or NULL. */
static inline const lex_entry *lex_short_find(uint64_t key)
{
    size_t h = lex_short_home(key);
    while (lex_shorts[h].key != key) {
        if (lex_shorts[h].key == 0)
            return NULL;
        h = (h + 1) & ((1u << LEX_SHORT_BITS) - 1);
    }
    return lex_shorts[h].entry;
}

/* A spelled-out number parsed from tokens. */
typedef struct spelled {
    double value;
    size_t next; /* index of the first token after it */
    bool about;  /* "a dozen" */
} spelled;

/* Parses a spelled-out cardinal, possibly with a fraction ("two-thirds", "one
 * and a half", "half a million", "a dozen"), starting at tokens[i]. `text` is
 * the scanned text. Returns true and fills `out` when one is there. */
bool numword_parse(const char *text, const tok *t, size_t n, size_t i, spelled *out);

/* Roles of a word that may start a figure. */
#define W_START                                                                                    \
    (W_UNIT | W_TENS | W_A | W_VAGUE | W_SEVERAL | W_NEG | W_PCT | W_CUR_CODE | W_FRAC | W_QUAL |  \
     W_PER)

/* Roles of a word that is itself numeric ("five", "dozens", "half"). */
#define W_NUMERIC (W_UNIT | W_TENS | W_HUNDRED | W_SCALE | W_VAGUE | W_DOZEN | W_FRAC | W_CUR_CODE)

/* True when `t` is the word `w` (lower case), ignoring ASCII case. Inline
 * and length first: most calls name a literal, whose length the compiler
 * knows, and fail on the length without reading the text. */
static inline bool tok_is_word(const char *text, const tok *t, const char *w)
{
    size_t n = strlen(w);
    if (t->type != TK_WORD || t->end - t->start != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[t->start + i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + ('a' - 'A'));
        if (c != (unsigned char)w[i])
            return false;
    }
    return true;
}

/* True when tokens[i] is a word with any of `roles`. */
static inline bool tok_has(const tok *t, uint32_t roles)
{
    return t->type == TK_WORD && t->lex != NULL && (t->lex->roles & roles) != 0;
}

#endif
