/* tally_peer: scores tally_figures_scan against other projects' test suites
 * (../shared/peer: Recognizers-Text specs and quantulum3 test data).
 *
 * Usage: tally_peer [--check] [--misses SUITE] [--extras SUITE] PEER_DIR DISAGREEMENTS.tsv
 *
 * Each case's input is scanned as one block. Expected figures are matched to
 * tally's figures by value (relative tolerance 1e-9), each expected figure to
 * at most one tally figure and back; see matches() for the rule per kind. The
 * table gives, per suite, the value recall and the tally figures no case
 * expected. DISAGREEMENTS.tsv lists cases whose expected output contradicts
 * tally's contract (years, calibers, IP addresses...); --misses marks them,
 * but they still count as misses. With --check the exit status is 1 when a
 * suite's recall is below its target. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tally/err.h"
#include "tally/figure.h"
#include "tally/mem.h"

/* How a suite's JSON cases turn into expected figures. */
enum parser { P_RT_NUMBER, P_RT_PERCENT, P_RT_CURRENCY, P_RT_RANGE, P_QUANTULUM, P_SPELLOUT };

struct suite_def {
    const char *name; /* as given to --misses and used in disagreements.tsv */
    const char *file; /* relative to PEER_DIR */
    enum parser parser;
    double target; /* minimum recall for --check; 0 = report only */
};

static const struct suite_def suite_defs[] = {
    {"Number", "recognizers-text/Number-NumberModel.jsonl", P_RT_NUMBER, 0.85},
    {"Percent", "recognizers-text/Number-PercentModel.jsonl", P_RT_PERCENT, 0.95},
    {"Currency", "recognizers-text/NumberWithUnit-CurrencyModel.jsonl", P_RT_CURRENCY, 0.90},
    {"NumberRange", "recognizers-text/excluded/Number-NumberRangeModel.jsonl", P_RT_RANGE, 0.85},
    {"quantulum", "quantulum3/quantities.jsonl", P_QUANTULUM, 0},
    {"spellout", "quantulum3/spellout.jsonl", P_SPELLOUT, 0},
};
enum { N_SUITES = sizeof suite_defs / sizeof suite_defs[0] };

/* Currency unit names of the Recognizers-Text specs whose ISO code is not
 * ambiguous in these texts (the specs give isoCurrency only sometimes). A
 * sub-unit's amount is also accepted divided by 100 ("34 cents" = $0.34). */
struct unit_def {
    const char *name;
    const char *iso;
    bool subunit;
};

static const struct unit_def unit_defs[] = {
    {"Dollar", "USD", false}, {"United States dollar", "USD", false},
    {"Cent", "USD", true},    {"Pound", "GBP", false},
    {"Pence", "GBP", true},   {"Penny", "GBP", true},
    {"Euro", "EUR", false},   {"Japanese yen", "JPY", false},
    {"Sen", "", true},        {"Chinese yuan", "CNY", false},
};
enum { N_UNITS = sizeof unit_defs / sizeof unit_defs[0] };

enum exp_kind { EXP_NUMBER, EXP_PERCENT, EXP_MONEY, EXP_RANGE };

/* One expected figure. NUMBER, PERCENT and MONEY use `value` (MONEY also
 * `alt` when the unit is a sub-unit); RANGE uses low/high, a missing bound
 * being an open end. */
struct expect {
    enum exp_kind kind;
    double value;
    bool has_alt;
    double alt;
    bool has_low, has_high;
    double low, high;
    char currency[4]; /* "" when unknown */
    const char *text; /* surface text, borrowed from the JSON case */
    bool has_span;    /* byte span of `text` in the input, when the suite gives one */
    size_t start, end;
    long match; /* index of the matched tally figure, or -1 */
};

struct expects {
    struct expect *v;
    size_t n, cap;
    size_t skipped; /* expected results without a value (a bare "dollar") */
};

struct disagreement {
    char *suite;
    char *input;
    char *reason;
    size_t line;
    bool used;
};

struct disagreements {
    struct disagreement *v;
    size_t n;
};

struct stats {
    size_t cases, expected, found, extra, disagree_missed, skipped;
    size_t cur_known, cur_agree; /* money matches whose expected currency is known */
    size_t bad_figures;          /* figures that broke the scanner's contract */
};

struct opts {
    bool check;
    const char *misses; /* suite name, "all", or NULL */
    const char *extras;
};

/* ---- numbers ------------------------------------------------------------ */

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Parses a decimal number ("-1.2732E+15", ".08", "105.0") at *s without
 * strtod (locale); advances *s past it. Returns false when there is none. */
static bool parse_num(const char **s, double *out)
{
    const char *p = *s;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    double mant = 0;
    long scale = 0;
    bool any = false;
    while (is_digit((unsigned char)*p)) {
        mant = mant * 10 + (*p++ - '0');
        any = true;
    }
    if (*p == '.') {
        p++;
        while (is_digit((unsigned char)*p)) {
            mant = mant * 10 + (*p++ - '0');
            scale--;
            any = true;
        }
    }
    if (!any)
        return false;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        bool eneg = false;
        if (*q == '-' || *q == '+')
            eneg = *q++ == '-';
        if (is_digit((unsigned char)*q)) {
            long e = 0;
            while (is_digit((unsigned char)*q) && e < 10000)
                e = e * 10 + (*q++ - '0');
            while (is_digit((unsigned char)*q))
                q++;
            scale += eneg ? -e : e;
            p = q;
        }
    }
    double v = scale == 0 ? mant : mant * pow(10.0, (double)scale);
    *out = neg ? -v : v;
    *s = p;
    return true;
}

/* A whole string that is a number. */
static bool parse_num_str(const char *s, double *out)
{
    return s != NULL && parse_num(&s, out) && *s == '\0';
}

static bool same_value(double a, double b)
{
    double d = fabs(a - b);
    double m = fmax(fabs(a), fabs(b));
    return d <= 1e-9 * m;
}

/* ---- expectations ------------------------------------------------------- */

/* Appends `x` (unmatched; "" for a NULL text); returns the stored copy. */
static struct expect *expect_add(struct expects *e, const struct expect *x)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 8;
        e->v = tally_xrealloc(e->v, e->cap * sizeof *e->v);
    }
    struct expect *y = &e->v[e->n++];
    *y = *x;
    if (y->text == NULL)
        y->text = "";
    y->match = -1;
    return y;
}

/* Byte offset of code point `cp` in `s` (n bytes, valid UTF-8), or n. */
static size_t cp_to_byte(const char *s, size_t n, size_t cp)
{
    size_t i = 0;
    while (i < n && cp > 0) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        cp--;
    }
    return i;
}

/* Sets the byte span from code-point offsets [start, end). */
static void set_span(struct expect *x, const char *in, size_t n, json_int_t start, json_int_t end)
{
    if (start < 0 || end < start)
        return;
    x->has_span = true;
    x->start = cp_to_byte(in, n, (size_t)start);
    x->end = cp_to_byte(in, n, (size_t)end);
}

/* "[20,30)", "(,50)", "[200,)": a missing end is an open bound. */
static bool parse_range(const char *s, struct expect *x)
{
    if (s == NULL || (*s != '[' && *s != '('))
        return false;
    s++;
    x->has_low = parse_num(&s, &x->low);
    if (*s++ != ',')
        return false;
    x->has_high = parse_num(&s, &x->high);
    return (*s == ']' || *s == ')') && s[1] == '\0' && (x->has_low || x->has_high);
}

static void set_currency(struct expect *x, const char *unit, const char *iso)
{
    if (iso != NULL && strlen(iso) == 3)
        memcpy(x->currency, iso, 4);
    for (size_t i = 0; unit != NULL && i < N_UNITS; i++) {
        if (strcmp(unit, unit_defs[i].name) != 0)
            continue;
        if (x->currency[0] == '\0' && strlen(unit_defs[i].iso) == 3)
            memcpy(x->currency, unit_defs[i].iso, 4);
        if (unit_defs[i].subunit) {
            x->has_alt = true;
            x->alt = x->value / 100;
        }
    }
}

/* A Recognizers-Text result; returns false when it has no usable value. */
static bool load_rt_result(enum parser p, json_t *r, const char *in, size_t n, struct expects *e)
{
    json_t *res = json_object_get(r, "Resolution");
    const char *value = json_string_value(json_object_get(res, "value"));
    struct expect tmp = {0};
    double v;
    switch (p) {
    case P_RT_NUMBER:
        if (!parse_num_str(value, &v))
            return false;
        tmp.kind = EXP_NUMBER;
        tmp.value = v;
        break;
    case P_RT_PERCENT: {
        const char *s = value;
        if (s == NULL || !parse_num(&s, &v) || strcmp(s, "%") != 0)
            return false;
        tmp.kind = EXP_PERCENT;
        tmp.value = v;
        break;
    }
    case P_RT_CURRENCY:
        if (!parse_num_str(value, &v))
            return false;
        tmp.kind = EXP_MONEY;
        tmp.value = v;
        set_currency(&tmp, json_string_value(json_object_get(res, "unit")),
                     json_string_value(json_object_get(res, "isoCurrency")));
        break;
    case P_RT_RANGE:
        tmp.kind = EXP_RANGE;
        if (!parse_range(value, &tmp))
            return false;
        /* "equals 20" is [20,20]: a plain figure. */
        if (tmp.has_low && tmp.has_high && same_value(tmp.low, tmp.high)) {
            tmp.kind = EXP_NUMBER;
            tmp.value = tmp.low;
        }
        break;
    default:
        return false;
    }
    tmp.text = json_string_value(json_object_get(r, "Text"));
    struct expect *x = expect_add(e, &tmp);
    json_t *js = json_object_get(r, "Start"), *je = json_object_get(r, "End");
    if (json_is_integer(js) && json_is_integer(je)) /* End is inclusive */
        set_span(x, in, n, json_integer_value(js), json_integer_value(je) + 1);
    return true;
}

static void load_quantulum(json_t *c, const char *in, size_t n, struct expects *e)
{
    json_t *results = json_object_get(c, "results"), *spans = json_object_get(c, "spans");
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r)
    {
        json_t *jv = json_object_get(r, "value"), *ju = json_object_get(r, "uncertainty");
        if (!json_is_number(jv)) {
            e->skipped++;
            continue;
        }
        double v = json_number_value(jv);
        struct expect tmp = {.kind = EXP_NUMBER, .value = v};
        tmp.text = json_string_value(json_object_get(r, "surface"));
        if (json_is_number(ju) && json_number_value(ju) != 0) {
            /* A range is stored as its midpoint and half-width. */
            double u = json_number_value(ju);
            tmp.kind = EXP_RANGE;
            tmp.has_low = tmp.has_high = true;
            tmp.low = v - u;
            tmp.high = v + u;
        }
        struct expect *x = expect_add(e, &tmp);
        json_t *sp = json_array_get(spans, i);
        if (json_is_integer(json_array_get(sp, 0)) && json_is_integer(json_array_get(sp, 1)))
            set_span(x, in, n, json_integer_value(json_array_get(sp, 0)),
                     json_integer_value(json_array_get(sp, 1)));
    }
}

static void load_spellout(json_t *c, struct expects *e)
{
    size_t i;
    json_t *jv;
    json_array_foreach(json_object_get(c, "values"), i, jv)
    {
        double v;
        const char *s = json_string_value(jv);
        if (!parse_num_str(s, &v)) {
            e->skipped++;
            continue;
        }
        struct expect tmp = {.kind = EXP_NUMBER, .value = v, .text = s};
        expect_add(e, &tmp);
    }
}

static void load_expects(enum parser p, json_t *c, const char *in, size_t n, struct expects *e)
{
    if (p == P_QUANTULUM) {
        load_quantulum(c, in, n, e);
        return;
    }
    if (p == P_SPELLOUT) {
        load_spellout(c, e);
        return;
    }
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(c, "results"), i, r)
    {
        if (!load_rt_result(p, r, in, n, e))
            e->skipped++;
    }
}

/* ---- matching ----------------------------------------------------------- */

/* The figure's single value: low, or high when there is no low. */
static bool figure_value(const tally_figure *f, double *v)
{
    if (f->has_low)
        *v = f->low;
    else if (f->has_high)
        *v = f->high;
    else
        return false;
    return true;
}

static bool matches(const struct expect *x, const tally_figure *f)
{
    double v;
    switch (x->kind) {
    case EXP_NUMBER:
        return figure_value(f, &v) && same_value(v, x->value);
    case EXP_PERCENT:
        return f->kind == TALLY_FIG_PERCENT && figure_value(f, &v) && same_value(v, x->value);
    case EXP_MONEY:
        return f->kind == TALLY_FIG_MONEY && figure_value(f, &v) &&
               (same_value(v, x->value) || (x->has_alt && same_value(v, x->alt)));
    case EXP_RANGE:
        if (f->has_low != x->has_low || f->has_high != x->has_high)
            return false;
        return (!x->has_low || same_value(f->low, x->low)) &&
               (!x->has_high || same_value(f->high, x->high));
    }
    return false;
}

static bool overlaps(const struct expect *x, const tally_figure *f)
{
    return x->has_span && f->start < x->end && x->start < f->end;
}

/* Matches each expected figure to at most one unused tally figure, preferring
 * one whose span overlaps the expected text. `used` has figs->n entries. */
static void match_all(struct expects *e, const tally_figures *figs, bool *used)
{
    for (size_t i = 0; i < e->n; i++) {
        struct expect *x = &e->v[i];
        long best = -1;
        for (size_t j = 0; j < figs->n; j++) {
            if (used[j] || !matches(x, &figs->v[j]))
                continue;
            if (best < 0)
                best = (long)j;
            if (overlaps(x, &figs->v[j])) {
                best = (long)j;
                break;
            }
        }
        if (best >= 0) {
            used[best] = true;
            x->match = best;
        }
    }
}

/* Counts figures that break tally_figures_scan's contract (in range, sorted,
 * not overlapping, low <= high): they are excluded from matching. */
static size_t check_figures(const tally_figures *figs, size_t len, bool *bad)
{
    size_t nbad = 0, prev_end = 0;
    for (size_t j = 0; j < figs->n; j++) {
        const tally_figure *f = &figs->v[j];
        bad[j] = f->start >= f->end || f->end > len || f->start < prev_end ||
                 (f->has_low && f->has_high && f->low > f->high);
        if (bad[j])
            nbad++;
        else
            prev_end = f->end;
    }
    return nbad;
}

/* ---- printing ----------------------------------------------------------- */

static void print_expect(FILE *out, const struct expect *x)
{
    switch (x->kind) {
    case EXP_NUMBER:
        fprintf(out, "%.15g", x->value);
        break;
    case EXP_PERCENT:
        fprintf(out, "%.15g%%", x->value);
        break;
    case EXP_MONEY:
        fprintf(out, "%.15g %s", x->value, x->currency[0] ? x->currency : "(currency?)");
        if (x->has_alt)
            fprintf(out, " (or %.15g)", x->alt);
        break;
    case EXP_RANGE:
        if (x->has_low && x->has_high)
            fprintf(out, "%.15g..%.15g", x->low, x->high);
        else if (x->has_low)
            fprintf(out, ">= %.15g (no high)", x->low);
        else
            fprintf(out, "<= %.15g (no low)", x->high);
        break;
    }
    fprintf(out, "  \"%s\"", x->text);
}

static void print_figure(FILE *out, const tally_figure *f, const char *in, size_t n)
{
    fprintf(out, "%s %s ", tally_figure_kind_name(f->kind), tally_qualifier_name(f->qualifier));
    if (f->has_low && f->has_high)
        fprintf(out, "%.15g..%.15g", f->low, f->high);
    else if (f->has_low)
        fprintf(out, "low=%.15g", f->low);
    else if (f->has_high)
        fprintf(out, "high=%.15g", f->high);
    else
        fputs("(no value)", out);
    if (f->currency[0])
        fprintf(out, " %.3s", f->currency);
    if (f->vague)
        fputs(" vague", out);
    if (f->start < f->end && f->end <= n)
        fprintf(out, "  \"%.*s\" [%zu,%zu)", (int)(f->end - f->start), in + f->start, f->start,
                f->end);
    else
        fprintf(out, "  (bad span [%zu,%zu))", f->start, f->end);
}

static void print_case(FILE *out, const char *suite, size_t line, const char *in, size_t n,
                       const struct expects *e, const tally_figures *figs, const bool *used,
                       const bool *bad, const struct disagreement *d)
{
    fprintf(out, "%s line %zu\n", suite, line);
    if (d != NULL)
        fprintf(out, "  disagreement: %s\n", d->reason);
    fprintf(out, "  input:    %.*s\n", (int)n, in);
    for (size_t i = 0; i < e->n; i++) {
        fputs(i == 0 ? "  expected: " : "            ", out);
        fputs(e->v[i].match >= 0 ? "ok   " : "MISS ", out);
        print_expect(out, &e->v[i]);
        fputc('\n', out);
    }
    if (e->n == 0)
        fputs("  expected: (nothing)\n", out);
    for (size_t j = 0; j < figs->n; j++) {
        fputs(j == 0 ? "  tally:    " : "            ", out);
        fputs(bad[j] ? "BAD  " : used[j] ? "ok   " : "+    ", out);
        print_figure(out, &figs->v[j], in, n);
        fputc('\n', out);
    }
    if (figs->n == 0)
        fputs("  tally:    (nothing)\n", out);
    fputc('\n', out);
}

static bool suite_selected(const char *sel, const char *name)
{
    return sel != NULL && (strcmp(sel, "all") == 0 || strcmp(sel, name) == 0);
}

/* ---- disagreements.tsv -------------------------------------------------- */

/* Undoes \t, \n and \\ in place. */
static void unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r == '\\' && (r[1] == 't' || r[1] == 'n' || r[1] == '\\')) {
            r++;
            *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : '\\';
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static bool known_suite(const char *name)
{
    for (size_t i = 0; i < N_SUITES; i++)
        if (strcmp(suite_defs[i].name, name) == 0)
            return true;
    return false;
}

/* Reads `suite<TAB>input<TAB>reason` lines; '#' starts a comment line.
 * Returns 0, or -1 with a message printed. */
static int load_disagreements(const char *path, struct disagreements *ds)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "tally_peer: %s: cannot open\n", path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0, alloc = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 != NULL ? strchr(t1 + 1, '\t') : NULL;
        if (t2 == NULL || t2[1] == '\0') {
            fprintf(stderr, "tally_peer: %s:%zu: want suite<TAB>input<TAB>reason\n", path, lineno);
            rc = -1;
            break;
        }
        *t1 = *t2 = '\0';
        if (!known_suite(line)) {
            fprintf(stderr, "tally_peer: %s:%zu: unknown suite '%s'\n", path, lineno, line);
            rc = -1;
            break;
        }
        if (ds->n == alloc) {
            alloc = alloc ? 2 * alloc : 16;
            ds->v = tally_xrealloc(ds->v, alloc * sizeof *ds->v);
        }
        struct disagreement *d = &ds->v[ds->n++];
        d->suite = tally_xstrdup(line);
        d->input = tally_xstrdup(t1 + 1);
        d->reason = tally_xstrdup(t2 + 1);
        d->line = lineno;
        d->used = false;
        unescape(d->input);
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "tally_peer: %s: read error\n", path);
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

static struct disagreement *find_disagreement(struct disagreements *ds, const char *suite,
                                              const char *in, size_t n)
{
    for (size_t i = 0; i < ds->n; i++) {
        struct disagreement *d = &ds->v[i];
        if (strcmp(d->suite, suite) == 0 && strlen(d->input) == n && memcmp(d->input, in, n) == 0)
            return d;
    }
    return NULL;
}

static void free_disagreements(struct disagreements *ds)
{
    for (size_t i = 0; i < ds->n; i++) {
        free(ds->v[i].suite);
        free(ds->v[i].input);
        free(ds->v[i].reason);
    }
    free(ds->v);
}

/* ---- running a suite ---------------------------------------------------- */

struct runner {
    const struct opts *opts;
    struct disagreements *ds;
    tally_arena *arena;
    struct expects e;
    bool *used, *bad;
    size_t flags_cap;
};

static void run_case(struct runner *r, const struct suite_def *sd, json_t *c, size_t lineno,
                     struct stats *st)
{
    json_t *jin = json_object_get(c, "input");
    if (!json_is_string(jin)) {
        fprintf(stderr, "tally_peer: %s line %zu: no input\n", sd->file, lineno);
        return;
    }
    const char *in = json_string_value(jin);
    size_t n = json_string_length(jin);
    struct expects *e = &r->e;
    e->n = 0;
    e->skipped = 0;
    load_expects(sd->parser, c, in, n, e);

    /* The scanner reads an exact-size copy without a NUL, so ASan sees any over-read. */
    char *copy = tally_xmalloc(n);
    memcpy(copy, in, n);
    tally_figures figs = {NULL, 0};
    tally_err err = {0};
    tally_span text = {copy, n};
    if (tally_figures_scan(text, &figs, r->arena, &err) != 0) {
        fprintf(stderr, "tally_peer: %s line %zu: scan failed: %s\n", sd->name, lineno, err.msg);
        figs.n = 0;
    }
    if (figs.n > r->flags_cap) {
        r->flags_cap = figs.n;
        r->used = tally_xrealloc(r->used, figs.n * sizeof *r->used);
        r->bad = tally_xrealloc(r->bad, figs.n * sizeof *r->bad);
    }
    size_t nbad = check_figures(&figs, n, r->bad);
    for (size_t j = 0; j < figs.n; j++)
        r->used[j] = r->bad[j]; /* a broken figure can match nothing */
    match_all(e, &figs, r->used);

    size_t found = 0, missed = 0, extra = 0;
    for (size_t i = 0; i < e->n; i++) {
        const struct expect *x = &e->v[i];
        if (x->match < 0) {
            missed++;
            continue;
        }
        found++;
        if (x->kind == EXP_MONEY && x->currency[0]) {
            st->cur_known++;
            if (strncmp(figs.v[x->match].currency, x->currency, 3) == 0)
                st->cur_agree++;
        }
    }
    for (size_t j = 0; j < figs.n; j++)
        if (!r->used[j])
            extra++;
    struct disagreement *d = find_disagreement(r->ds, sd->name, in, n);
    if (d != NULL) {
        d->used = true;
        st->disagree_missed += missed;
    }
    st->cases++;
    st->expected += e->n;
    st->found += found;
    st->extra += extra;
    st->skipped += e->skipped;
    st->bad_figures += nbad;
    if (nbad > 0)
        fprintf(stderr, "tally_peer: %s line %zu: %zu figure%s break the scanner's contract\n",
                sd->name, lineno, nbad, nbad == 1 ? "" : "s");
    if ((missed > 0 && suite_selected(r->opts->misses, sd->name)) ||
        ((extra > 0 || nbad > 0) && suite_selected(r->opts->extras, sd->name)))
        print_case(stdout, sd->name, lineno, in, n, e, &figs, r->used, r->bad, d);
    tally_arena_reset(r->arena);
    free(copy);
}

/* Returns 0, or -1 when the suite file cannot be read. */
static int run_suite(struct runner *r, const char *dir, const struct suite_def *sd,
                     struct stats *st)
{
    size_t plen = strlen(dir) + strlen(sd->file) + 2;
    char *path = tally_xmalloc(plen);
    snprintf(path, plen, "%s/%s", dir, sd->file);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "tally_peer: %s: cannot open\n", path);
        free(path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len <= 1)
            continue;
        json_error_t jerr;
        json_t *c = json_loadb(line, (size_t)len, 0, &jerr);
        if (c == NULL) {
            fprintf(stderr, "tally_peer: %s:%zu: %s\n", path, lineno, jerr.text);
            rc = -1;
            continue;
        }
        run_case(r, sd, c, lineno, st);
        json_decref(c);
    }
    free(line);
    fclose(f);
    free(path);
    return rc;
}

static void print_table(const struct stats *st, const struct opts *o)
{
    printf("%-12s %6s %8s %6s %7s %6s %8s %7s  %s\n", "suite", "cases", "expected", "found",
           "recall", "extra", "disagree", "target", o->check ? "result" : "");
    for (size_t i = 0; i < N_SUITES; i++) {
        const struct suite_def *sd = &suite_defs[i];
        const struct stats *s = &st[i];
        double recall = s->expected ? (double)s->found / (double)s->expected : 1.0;
        printf("%-12s %6zu %8zu %6zu %7.3f %6zu %8zu ", sd->name, s->cases, s->expected, s->found,
               recall, s->extra, s->disagree_missed);
        if (sd->target > 0)
            printf("%7.2f  %s\n", sd->target,
                   o->check ? (recall >= sd->target ? "pass" : "FAIL") : "");
        else
            printf("%7s  %s\n", "-", o->check ? "(report)" : "");
    }
    puts("");
    puts("found: expected figures a tally figure has the same value for; extra: tally figures");
    puts("no case expected; disagree: misses in cases of disagreements.tsv (counted as misses).");
    for (size_t i = 0; i < N_SUITES; i++) {
        const struct stats *s = &st[i];
        if (s->cur_known > 0)
            printf("%s: currency agrees in %zu of %zu matched amounts with a known code\n",
                   suite_defs[i].name, s->cur_agree, s->cur_known);
        if (s->skipped > 0)
            printf("%s: %zu expected result%s without a value not scored\n", suite_defs[i].name,
                   s->skipped, s->skipped == 1 ? "" : "s");
        if (s->bad_figures > 0)
            printf("%s: %zu tally figure%s broke the scanner's contract\n", suite_defs[i].name,
                   s->bad_figures, s->bad_figures == 1 ? "" : "s");
    }
}

static void usage(FILE *out)
{
    fputs("Usage: tally_peer [--check] [--misses SUITE] [--extras SUITE] PEER_DIR "
          "DISAGREEMENTS.tsv\n"
          "\n"
          "Scores tally's figure scanner against the peer suites in PEER_DIR.\n"
          "  --check         exit 1 when a suite's recall is below its target\n"
          "  --misses SUITE  print each case with a missed figure (SUITE or 'all')\n"
          "  --extras SUITE  print each case where tally found a figure not expected\n"
          "Suites:",
          out);
    for (size_t i = 0; i < N_SUITES; i++)
        fprintf(out, " %s", suite_defs[i].name);
    fputc('\n', out);
}

static bool valid_selection(const char *sel)
{
    return sel == NULL || strcmp(sel, "all") == 0 || known_suite(sel);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"check", no_argument, NULL, 'c'},
                                             {"misses", required_argument, NULL, 'm'},
                                             {"extras", required_argument, NULL, 'x'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct opts o = {0};
    int ch;
    while ((ch = getopt_long(argc, argv, "cm:x:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            o.check = true;
            break;
        case 'm':
            o.misses = optarg;
            break;
        case 'x':
            o.extras = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (argc - optind != 2 || !valid_selection(o.misses) || !valid_selection(o.extras)) {
        usage(stderr);
        return 2;
    }
    const char *dir = argv[optind], *tsv = argv[optind + 1];
    struct stat dir_st;
    if (o.check && stat(dir, &dir_st) != 0) {
        /* a clone without ../shared: make check skips this (CTest's 77) */
        printf("skip: %s: %s (../shared beside the checkout, or set TALLY_SHARED)\n", dir,
               strerror(errno));
        return 77;
    }

    struct disagreements ds = {NULL, 0};
    if (load_disagreements(tsv, &ds) != 0) {
        free_disagreements(&ds);
        return 1;
    }
    struct runner r = {.opts = &o, .ds = &ds, .arena = tally_arena_new()};
    struct stats st[N_SUITES];
    memset(st, 0, sizeof st);
    int status = 0;
    for (size_t i = 0; i < N_SUITES; i++)
        if (run_suite(&r, dir, &suite_defs[i], &st[i]) != 0)
            status = 1;
    for (size_t i = 0; i < ds.n; i++)
        if (!ds.v[i].used)
            fprintf(stderr, "tally_peer: %s:%zu: no %s case has this input\n", tsv, ds.v[i].line,
                    ds.v[i].suite);
    print_table(st, &o);
    if (o.check) {
        int passed = 0, failed = 0;
        for (size_t i = 0; i < N_SUITES; i++) {
            if (suite_defs[i].target <= 0)
                continue;
            double recall = st[i].expected ? (double)st[i].found / (double)st[i].expected : 1.0;
            if (recall >= suite_defs[i].target)
                passed++;
            else
                failed++;
        }
        printf("%d passed, %d failed\n", passed, failed);
        if (failed > 0)
            status = 1;
    }
    free(r.e.v);
    free(r.used);
    free(r.bad);
    tally_arena_free(r.arena);
    free_disagreements(&ds);
    return status;
}
