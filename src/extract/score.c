/* Scoring claims as ../shared/tools/score-claims does, rule for rule, so that
 * `tally train` can score its folds without leaving C and `tally score`
 * prints the python tool's report.
 *
 * The python tool normalises a sentence before comparing: typographic quotes
 * become ASCII ones, "\$" becomes "$", every run of white space (Unicode's,
 * as python's \s) one space, the ends are stripped and the text lowered. Its
 * "words" are the runs of [a-z0-9] of that text. Two sentences overlap when
 * one normalised text holds the other, or when their word sets share at
 * least 60 % of their union. */
#include "tally/score.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "learn.h"
#include "tally/mem.h"
#include "tally/utf8.h"

enum { TOL_PERMILLE = 5 }; /* values agree within 0.5 % */

void tally_score_claim_clear(tally_score_claim *c)
{
    if (c == NULL)
        return;
    char **s[] = {&c->sentence,  &c->unit,           &c->kind,  &c->supplier,
                  &c->recipient, &c->qualifier,      &c->since, &c->as_of,
                  &c->source,    &c->source_country, &c->items};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        free(*s[i]);
        *s[i] = NULL;
    }
}

/* ---- python's text normalisation -------------------------------------------- */

/* python's str.isspace, which its \s follows for str patterns */
static bool py_space(int32_t cp)
{
    return (cp >= 9 && cp <= 13) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* norm_text() of score-claims into a new NUL-terminated string (caller frees). */
static char *norm_text(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    char *out = tally_xmalloc(n * 2 + 1), *o = out;
    bool space = false;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t len = tally_utf8_decode(s, n, i, &cp);
        i += len;
        if (cp == '\\' && i < n && s[i] == '$') {
            cp = '$';
            i++;
        } else if (cp == 0x2018 || cp == 0x2019) {
            cp = '\'';
        } else if (cp == 0x201c || cp == 0x201d) {
            cp = '"';
        }
        if (py_space(cp)) {
            space = true;
            continue;
        }
        if (space && o > out)
            *o++ = ' ';
        space = false;
        char buf[4];
        size_t k = tally_utf8_encode((uint32_t)utf8proc_tolower(cp), buf);
        memcpy(o, buf, k);
        o += k;
    }
    *o = '\0';
    return out;
}

static bool is_word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A normalised sentence and its set of words (spans of `text`, sorted,
 * unique). */
typedef struct normed {
    char *text;
    tally_span *w;
    size_t n;
} normed;

static int cmp_span(const void *a, const void *b)
{
    const tally_span *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->ptr, y->ptr, n);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static void norm_sentence(const char *s, normed *out)
{
    out->text = norm_text(s);
    size_t len = strlen(out->text), n = 0;
    out->w = tally_xmalloc((len / 2 + 1) * sizeof *out->w);
    for (size_t i = 0; i < len;) {
        if (!is_word_byte(out->text[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && is_word_byte(out->text[j]))
            j++;
        out->w[n++] = (tally_span){out->text + i, j - i};
        i = j;
    }
    qsort(out->w, n, sizeof *out->w, cmp_span);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || cmp_span(&out->w[u - 1], &out->w[i]) != 0)
            out->w[u++] = out->w[i];
    out->n = u;
}

static void normed_free(normed *x)
{
    free(x->text);
    free(x->w);
}

/* |a & b| of two sorted word sets */
static size_t common_words(const normed *a, const normed *b)
{
    size_t i = 0, j = 0, k = 0;
    while (i < a->n && j < b->n) {
        int c = cmp_span(&a->w[i], &b->w[j]);
        if (c == 0) {
            k++;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    return k;
}

static bool overlap(const normed *a, const normed *b)
{
    if (a->text[0] == '\0' || b->text[0] == '\0')
        return false;
    if (strstr(a->text, b->text) != NULL || strstr(b->text, a->text) != NULL)
        return true;
    if (a->n == 0 || b->n == 0)
        return false;
    size_t both = common_words(a, b);
    return (double)both / (double)(a->n + b->n - both) >= 0.6;
}

char *score_norm(const char *s)
{
    return norm_text(s);
}

bool score_sentences_overlap(const char *a, const char *b)
{
    normed x, y;
    norm_sentence(a, &x);
    norm_sentence(b, &y);
    bool o = overlap(&x, &y);
    normed_free(&x);
    normed_free(&y);
    return o;
}

/* ---- fields -------------------------------------------------------------------- */

static bool num_eq(bool has_a, double a, bool has_b, double b)
{
    if (!has_a || !has_b)
        return !has_a && !has_b;
    if (a == b)
        return true;
    double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= (double)TOL_PERMILLE / 1000.0 * m;
}

static bool value_of(const tally_score_claim *c, double *v)
{
    if (c->has_low) {
        *v = c->low;
        return true;
    }
    *v = c->high;
    return c->has_high;
}

static const char *or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

static bool str_eq(const char *a, const char *b)
{
    a = or_null(a);
    b = or_null(b);
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* A predicted partial date matches when it is at least as precise as gold. */
static bool date_eq(const char *pred, const char *gold)
{
    if (gold == NULL || pred == NULL)
        return gold == NULL && pred == NULL;
    return strncmp(pred, gold, strlen(gold)) == 0;
}

/* norm_source() of score-claims (caller frees) */
static char *norm_source(const char *s)
{
    char *t = norm_text(s);
    size_t n = 0;
    for (size_t i = 0; t[i] != '\0';) {
        if (strncmp(t + i, "u.s.", 4) == 0 || strncmp(t + i, "u.k.", 4) == 0) {
            t[n++] = t[i];
            t[n++] = t[i + 2];
            i += 4;
        } else {
            t[n++] = t[i++];
        }
    }
    t[n] = '\0';
    size_t from = strncmp(t, "the ", 4) == 0 ? 4 : 0;
    n = 0;
    for (size_t i = from; t[i] != '\0'; i++)
        if (is_word_byte(t[i]) || t[i] == ' ')
            t[n++] = t[i];
    t[n] = '\0';
    size_t b = 0, e = n;
    while (b < e && t[b] == ' ')
        b++;
    while (e > b && t[e - 1] == ' ')
        e--;
    memmove(t, t + b, e - b);
    t[e - b] = '\0';
    return t;
}

bool tally_score_source_eq(const char *a, const char *b)
{
    char *p = norm_source(a), *g = norm_source(b);
    bool ok = (p[0] == '\0' || g[0] == '\0')
                  ? strcmp(p, g) == 0
                  : strcmp(p, g) == 0 || strstr(g, p) != NULL || strstr(p, g) != NULL;
    free(p);
    free(g);
    return ok;
}

bool tally_score_attr_ok(tally_score_attr a, const tally_score_claim *p, const tally_score_claim *g,
                         const char *doc_date)
{
    switch (a) {
    case TALLY_SCORE_KIND:
        return str_eq(p->kind, g->kind);
    case TALLY_SCORE_SUPPLIER:
        return str_eq(p->supplier, g->supplier);
    case TALLY_SCORE_RECIPIENT:
        return str_eq(p->recipient, g->recipient);
    case TALLY_SCORE_ITEM:
        return strcmp(p->items != NULL ? p->items : "", g->items != NULL ? g->items : "") == 0;
    case TALLY_SCORE_CALIBER:
        return num_eq(p->has_caliber, p->caliber_mm, g->has_caliber, g->caliber_mm);
    case TALLY_SCORE_QUALIFIER:
        return str_eq(p->qualifier, g->qualifier);
    case TALLY_SCORE_HIGH:
        return num_eq(p->has_high, p->high, g->has_high, g->high);
    case TALLY_SCORE_SINCE:
        return date_eq(p->since, g->since);
    case TALLY_SCORE_AS_OF: {
        const char *d = or_null(doc_date);
        return date_eq(or_null(p->as_of) ? p->as_of : d, or_null(g->as_of) ? g->as_of : d);
    }
    case TALLY_SCORE_SOURCE:
        return tally_score_source_eq(p->source, g->source);
    case TALLY_SCORE_SOURCE_COUNTRY:
        return str_eq(p->source_country, g->source_country);
    case TALLY_SCORE_HEDGED:
        return p->hedged == g->hedged;
    case TALLY_SCORE_N_ATTRS:
        break;
    }
    return false;
}

const char *tally_score_attr_name(tally_score_attr a)
{
    static const char *const names[TALLY_SCORE_N_ATTRS] = {
        "kind", "supplier", "recipient", "item",   "caliber_mm",     "qualifier",
        "high", "since",    "as_of",     "source", "source_country", "hedged"};
    return (unsigned)a < TALLY_SCORE_N_ATTRS ? names[a] : "?";
}

/* ---- matching ------------------------------------------------------------------ */

static bool same_unit_value(const tally_score_claim *p, const tally_score_claim *g)
{
    double vp = 0, vg = 0;
    bool hp = value_of(p, &vp), hg = value_of(g, &vg);
    return p->unit != NULL && g->unit != NULL && strcmp(p->unit, g->unit) == 0 &&
           num_eq(hp, vp, hg, vg);
}

bool tally_score_may_match(const tally_score_claim *p, const tally_score_claim *g)
{
    if (!same_unit_value(p, g))
        return false;
    normed a, b;
    norm_sentence(p->sentence, &a);
    norm_sentence(g->sentence, &b);
    bool ok = overlap(&a, &b);
    normed_free(&a);
    normed_free(&b);
    return ok;
}

typedef struct pair {
    size_t score, gi, pi;
} pair;

/* python's sort of (-score, gi, pi) */
static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->gi != y->gi)
        return x->gi < y->gi ? -1 : 1;
    return (x->pi > y->pi) - (x->pi < y->pi);
}

void tally_score_doc(const tally_score_claim *gold, size_t n_gold, const tally_score_claim *pred,
                     size_t n_pred, const char *doc_date, tally_score *acc, long *matched_pred)
{
    normed *ng = tally_xcalloc(n_gold + 1, sizeof *ng);
    normed *np = tally_xcalloc(n_pred + 1, sizeof *np);
    for (size_t i = 0; i < n_gold; i++)
        norm_sentence(gold[i].sentence, &ng[i]);
    for (size_t i = 0; i < n_pred; i++)
        norm_sentence(pred[i].sentence, &np[i]);
    size_t n = 0, cap = 16;
    pair *pairs = tally_xmalloc(cap * sizeof *pairs);
    for (size_t gi = 0; gi < n_gold; gi++)
        for (size_t pi = 0; pi < n_pred; pi++) {
            if (!same_unit_value(&pred[pi], &gold[gi]) || !overlap(&np[pi], &ng[gi]))
                continue;
            if (n == cap)
                pairs = tally_xrealloc(pairs, (cap *= 2) * sizeof *pairs);
            pairs[n++] = (pair){common_words(&np[pi], &ng[gi]), gi, pi};
        }
    qsort(pairs, n, sizeof *pairs, cmp_pair);
    bool *used_g = tally_xcalloc(n_gold + 1, 1), *used_p = tally_xcalloc(n_pred + 1, 1);
    if (matched_pred != NULL)
        for (size_t i = 0; i < n_pred; i++)
            matched_pred[i] = -1;
    for (size_t k = 0; k < n; k++) {
        const pair *q = &pairs[k];
        if (used_g[q->gi] || used_p[q->pi])
            continue;
        used_g[q->gi] = used_p[q->pi] = true;
        if (matched_pred != NULL)
            matched_pred[q->pi] = (long)q->gi;
        acc->matched++;
        bool all = true;
        for (int a = 0; a < TALLY_SCORE_N_ATTRS; a++) {
            bool ok =
                tally_score_attr_ok((tally_score_attr)a, &pred[q->pi], &gold[q->gi], doc_date);
            acc->attr[a] += ok;
            all = all && ok;
        }
        acc->strict += all;
    }
    acc->docs++;
    acc->gold += n_gold;
    acc->predicted += n_pred;
    for (size_t i = 0; i < n_gold; i++)
        normed_free(&ng[i]);
    for (size_t i = 0; i < n_pred; i++)
        normed_free(&np[i]);
    free(ng);
    free(np);
    free(pairs);
    free(used_g);
    free(used_p);
}

void tally_score_add(tally_score *a, const tally_score *b)
{
    a->docs += b->docs;
    a->gold += b->gold;
    a->predicted += b->predicted;
    a->matched += b->matched;
    a->strict += b->strict;
    for (int i = 0; i < TALLY_SCORE_N_ATTRS; i++)
        a->attr[i] += b->attr[i];
}

double tally_score_f1(const tally_score *s, double *precision, double *recall)
{
    double p = s->predicted ? (double)s->matched / (double)s->predicted : (s->gold ? 0.0 : 1.0);
    double r = s->gold ? (double)s->matched / (double)s->gold : 1.0;
    if (precision != NULL)
        *precision = p;
    if (recall != NULL)
        *recall = r;
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

double tally_score_attr_rate(const tally_score *s, tally_score_attr a)
{
    return s->matched ? (double)s->attr[a] / (double)s->matched : 0.0;
}

/* ---- a claim of ours --------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? tally_xstrdup(s) : NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *score_items_join(const char **names, size_t n)
{
    qsort(names, n, sizeof *names, cmp_str);
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(names[i]) + 1;
    char *out = tally_xmalloc(len), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
            continue;
        if (o > out)
            *o++ = '\n';
        size_t k = strlen(names[i]);
        memcpy(o, names[i], k);
        o += k;
    }
    *o = '\0';
    return out;
}

void tally_score_claim_of(const tally_claim *c, const char *sentence, size_t n,
                          tally_score_claim *out)
{
    memset(out, 0, sizeof *out);
    out->sentence = tally_xstrndup(sentence, n);
    out->unit = tally_xstrdup(tally_unit_name(c));
    out->has_low = c->has_low;
    out->low = c->low;
    out->has_high = c->has_high;
    out->high = c->high;
    out->has_caliber = c->caliber_mm > 0;
    out->caliber_mm = c->caliber_mm;
    out->kind = tally_xstrdup(tally_kind_name(c->kind));
    out->supplier = dup_or_null(c->supplier);
    out->recipient = dup_or_null(c->recipient);
    out->qualifier = tally_xstrdup(tally_qualifier_name(c->qualifier));
    char buf[16];
    out->since = c->since.year ? tally_xstrdup(tally_date_format(c->since, buf)) : NULL;
    out->as_of = c->as_of.year ? tally_xstrdup(tally_date_format(c->as_of, buf)) : NULL;
    out->source = dup_or_null(c->source);
    out->source_country = dup_or_null(c->source_country);
    out->hedged = c->hedged;
    const char *names[TALLY_ITEM_COUNT];
    size_t k = 0;
    for (unsigned i = 0; i < TALLY_ITEM_COUNT; i++)
        if (c->items & (1u << i))
            names[k++] = tally_item_name(i);
    out->items = score_items_join(names, k);
}
