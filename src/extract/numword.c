/* The scanner's lexicon and the parser of spelled-out numbers.
 * Part of stage 2, extract: includes the public headers of base, the model and
 * read, and extract's own. */
#include "scan.h"

#include <math.h>
#include <string.h>

const lex_entry *lex_find(const char *s, size_t n)
{
    if (n == 0 || n > LEX_MAXLEN)
        return NULL;
    /* The lexicon is ASCII: a word with other letters is not in it. */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return NULL;
    return lex_lookup(s, n);
}

static bool is_hyphen(const tok *t)
{
    return t->type == TK_PUNCT && (t->cp == '-' || t->cp == 0x2010 || t->cp == 0x2011);
}

/* Advances over a hyphen joining two number words ("twenty-five", "fifty - two"). */
static size_t skip_join(const tok *t, size_t n, size_t j, uint32_t next_roles)
{
    if (j + 1 < n && is_hyphen(&t[j]) && t[j].sp <= SP_SPACE && t[j + 1].sp <= SP_SPACE &&
        tok_has(&t[j + 1], next_roles))
        return j + 1;
    return j;
}

static double role_value(const tok *t)
{
    return t->lex->value;
}

/* A word boundary that a number phrase may cross: same line at most. */
static bool joined(const tok *t)
{
    return t->sp <= SP_LINE;
}

/* Parses cardinal words from t[j]: "one hundred and twenty", "two thousand",
 * "twenty-one trillion three hundred", "three dozens". Stops before an "and"
 * that introduces a fraction ("one hundred and three quarters"). */
static bool cardinal(const char *text, const tok *t, size_t n, size_t j, double *value,
                     size_t *next)
{
    double total = 0, cur = 0, last_scale = 0;
    bool any = false;
    uint32_t prev = 0;
    size_t k = j;
    while (k < n && (k == j || joined(&t[k]))) {
        const tok *w = &t[k];
        if (tok_has(w, W_UNIT)) {
            if (prev & (W_UNIT | W_FRAC))
                break;
            if ((prev & W_TENS) && role_value(w) >= 10)
                break;
            cur += role_value(w);
            prev = W_UNIT;
        } else if (tok_has(w, W_TENS)) {
            if (prev & (W_UNIT | W_TENS))
                break;
            cur += role_value(w);
            prev = W_TENS;
            size_t h = skip_join(t, n, k + 1, W_UNIT);
            if (h != k + 1) {
                k = h;
                continue;
            }
        } else if (tok_has(w, W_HUNDRED) && (prev & (W_UNIT | W_TENS))) {
            cur = cur * 100;
            prev = W_HUNDRED;
        } else if (tok_has(w, W_SCALE) && (prev & (W_UNIT | W_TENS | W_HUNDRED)) &&
                   w->end - w->start > 3) {
            double s = role_value(w);
            if (last_scale != 0 && s >= last_scale)
                break;
            total += cur * s;
            cur = 0;
            last_scale = s;
            prev = W_SCALE;
        } else if (tok_has(w, W_DOZEN) && (prev & (W_UNIT | W_TENS | W_HUNDRED)) &&
                   !tok_is_word(text, w, "dozen")) {
            /* "three dozens": the last group is counted in dozens. */
            double group = cur;
            double hundreds = floor(group / 100) * 100;
            cur = hundreds + (group - hundreds) * 12;
            prev = W_DOZEN;
        } else if (tok_has(w, W_DOZEN) && (prev & (W_UNIT | W_TENS))) {
            cur *= 12; /* "two dozen" */
            prev = W_DOZEN;
        } else if (tok_is_word(text, w, "and") && (prev & (W_HUNDRED | W_SCALE)) && k + 1 < n &&
                   tok_has(&t[k + 1], W_UNIT | W_TENS)) {
            /* "and" followed by a fraction ("and three quarters") is not ours. */
            size_t f = k + 2;
            if (f < n && tok_has(&t[k + 1], W_TENS))
                f = skip_join(t, n, f, W_UNIT) + (f < n && is_hyphen(&t[f]) ? 1 : 0);
            if (f < n && tok_has(&t[f], W_FRAC) && !tok_has(&t[f], W_UNIT))
                break;
            prev = 0;
            k++;
            continue;
        } else {
            break;
        }
        any = true;
        k++;
        /* "one-thousand", "twenty-five": a hyphen between number words. */
        size_t h = skip_join(t, n, k, W_UNIT | W_TENS | W_HUNDRED | W_SCALE);
        if (h != k)
            k = h;
    }
    /* A trailing hyphen or "and" that led nowhere is not part of the number. */
    while (k > j && (tok_is_word(text, &t[k - 1], "and") || is_hyphen(&t[k - 1])))
        k--;
    if (!any)
        return false;
    *value = total + cur;
    *next = k;
    return true;
}

/* The denominator at t[k]: "thirds", "quarter", "half", or a compound
 * ordinal "twenty-fifth", "twenty firsts". Returns 0 when there is none. */
static double denominator(const tok *t, size_t n, size_t k, size_t *next)
{
    if (k >= n)
        return 0;
    if (tok_has(&t[k], W_TENS) && k + 1 < n) {
        size_t u = k + 1;
        if (is_hyphen(&t[u]) && u + 1 < n)
            u++;
        if (joined(&t[u]) && (tok_has(&t[u], W_ORD) || tok_has(&t[u], W_FRAC)) &&
            role_value(&t[u]) < 10 && t[u].end - t[u].start >= 5 && !tok_has(&t[u], W_UNIT)) {
            *next = u + 1;
            return role_value(&t[k]) + role_value(&t[u]);
        }
        return 0;
    }
    if (tok_has(&t[k], W_FRAC) && !tok_has(&t[k], W_UNIT | W_TENS)) {
        *next = k + 1;
        return role_value(&t[k]);
    }
    return 0;
}

/* A fraction word after a numerator: "thirds", "quarter", "half". */
static bool fraction_word(const tok *t, size_t n, size_t k, double numerator, double *value,
                          size_t *next)
{
    if (k >= n || !joined(&t[k]))
        return false;
    size_t f = k;
    if (is_hyphen(&t[f]) && f + 1 < n)
        f++;
    double d = denominator(t, n, f, next);
    if (d == 0)
        return false;
    *value = numerator / d;
    return true;
}

/* "point five", "point zero three", "point seventy-one". */
static bool decimal_words(const char *text, const tok *t, size_t n, size_t k, double *frac,
                          size_t *next)
{
    if (k + 1 >= n || !tok_has(&t[k], W_POINT) || !joined(&t[k + 1]))
        return false;
    double digits = 0, scale = 1;
    size_t j = k + 1;
    while (j < n && joined(&t[j]) && tok_has(&t[j], W_UNIT) && role_value(&t[j]) < 10) {
        digits = digits * 10 + role_value(&t[j]);
        scale *= 10;
        j++;
    }
    if (j == k + 1) {
        double v;
        size_t e;
        if (!cardinal(text, t, n, j, &v, &e))
            return false;
        while (scale <= v)
            scale *= 10;
        digits = v;
        j = e;
    }
    *frac = digits / scale;
    *next = j;
    return true;
}

/* After a value: an optional scale word ("one and a half million"). */
static size_t trailing_scale(const tok *t, size_t n, size_t k, double *value)
{
    if (k < n && joined(&t[k]) && tok_has(&t[k], W_SCALE) && t[k].end - t[k].start > 3) {
        *value *= role_value(&t[k]);
        return k + 1;
    }
    return k;
}

bool numword_parse(const char *text, const tok *t, size_t n, size_t i, spelled *out)
{
    out->about = false;
    if (i >= n || t[i].type != TK_WORD || t[i].lex == NULL)
        return false;
    const tok *w = &t[i];
    double v;
    size_t k;

    /* "half a million", "half a dozen" */
    if (tok_is_word(text, w, "half") && i + 2 < n && tok_has(&t[i + 1], W_A) &&
        tok_has(&t[i + 2], W_SCALE | W_DOZEN | W_HUNDRED) && !tok_has(&t[i + 2], W_VAGUE) &&
        joined(&t[i + 1]) && joined(&t[i + 2])) {
        out->value = 0.5 * role_value(&t[i + 2]);
        out->next = i + 3;
        return true;
    }
    /* "half" alone ("more than half"), but not "half a" nor "half-hearted" */
    if (tok_is_word(text, w, "half") &&
        !(i + 1 < n && joined(&t[i + 1]) && (tok_has(&t[i + 1], W_A) || is_hyphen(&t[i + 1])))) {
        out->value = 0.5;
        out->next = i + 1;
        return true;
    }
    if (tok_has(w, W_A) && i + 1 < n && joined(&t[i + 1])) {
        const tok *x = &t[i + 1];
        /* "a dozen" is 12, "about" by CLAIMS.md */
        if (tok_is_word(text, x, "dozen")) {
            out->value = 12;
            out->about = true;
            out->next = i + 2;
            return true;
        }
        /* "a hundred", "a million", "a thousand and five" */
        if (tok_has(x, W_HUNDRED) || (tok_has(x, W_SCALE) && x->end - x->start > 3)) {
            double rest = 0;
            size_t e = i + 2;
            v = role_value(x);
            /* "a hundred thousand" */
            if (tok_has(x, W_HUNDRED) && e < n && joined(&t[e]) && tok_has(&t[e], W_SCALE) &&
                t[e].end - t[e].start > 3) {
                v *= role_value(&t[e]);
                e++;
            }
            if (e + 1 < n && tok_is_word(text, &t[e], "and") &&
                cardinal(text, t, n, e + 1, &rest, &k) && rest < v) {
                v += rest;
                e = k;
            }
            /* "a hundred trillionths" */
            double f;
            if (fraction_word(t, n, e, v, &f, &k)) {
                v = f;
                e = k;
            }
            out->value = v;
            out->next = e;
            return true;
        }
        /* "a twenty-first" */
        if (tok_has(x, W_TENS)) {
            double d = denominator(t, n, i + 1, &k);
            if (d == 0)
                return false;
            out->value = 1 / d;
            out->next = k;
            return true;
        }
        /* "a quarter", "a third", "a half", "a quarter of a million" */
        if (tok_has(x, W_FRAC) && !tok_has(x, W_FRAC_PL) && !tok_has(x, W_UNIT)) {
            v = 1 / role_value(x);
            k = i + 2;
            if (k + 2 < n && tok_is_word(text, &t[k], "of") && tok_has(&t[k + 1], W_A) &&
                tok_has(&t[k + 2], W_SCALE) && t[k + 2].end - t[k + 2].start > 3) {
                v *= role_value(&t[k + 2]);
                k += 3;
            } else {
                k = trailing_scale(t, n, k, &v);
            }
            out->value = v;
            out->next = k;
            return true;
        }
        return false;
    }
    if (!cardinal(text, t, n, i, &v, &k))
        return false;
    /* "two thirds", "one-eighth" */
    double f;
    size_t e;
    if (fraction_word(t, n, k, v, &f, &e)) {
        out->value = f;
        out->next = e;
        return true;
    }
    /* "one and a half (million)", "twenty and three fifths" */
    if (k + 2 < n && tok_is_word(text, &t[k], "and") && joined(&t[k + 1])) {
        double num = 0;
        size_t m = k + 1;
        bool ok = false;
        if (tok_has(&t[m], W_A)) {
            num = 1;
            ok = true;
            m++;
        } else {
            ok = cardinal(text, t, n, m, &num, &m);
        }
        if (ok && fraction_word(t, n, m, num, &f, &e)) {
            v += f;
            out->value = v;
            out->next = trailing_scale(t, n, e, &out->value);
            return true;
        }
    }
    /* "five point five" */
    if (decimal_words(text, t, n, k, &f, &e)) {
        out->value = v + f;
        out->next = trailing_scale(t, n, e, &out->value);
        return true;
    }
    out->value = v;
    out->next = k;
    return true;
}
