/* tally: the estimator's data (stage 4): conversion factors with their
 * sources (data/factors.tsv) and source grades (data/grades.tsv), both
 * compiled in and replaceable by an edited copy.
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tally/estimate.h"
#include "tally/mem.h"

#include "estimate_int.h"

/* The bundled copies, compiled in by CMake (cmake/embed.cmake). */
extern const unsigned char tally_factors_tsv[];
extern const size_t tally_factors_tsv_len;
extern const unsigned char tally_grades_tsv[];
extern const size_t tally_grades_tsv_len;
extern const unsigned char tally_identities_tsv[];
extern const size_t tally_identities_tsv_len;

/* Splits `line` at TABs into at most `max` fields; returns their number. */
static size_t fields(char *line, char **f, size_t max)
{
    size_t n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *tab = strchr(p, '\t');
        if (tab == NULL)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static bool number(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && isfinite(*v);
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

/* Calls `fn` for each line that is not blank or a comment. */
static int each_line(void *user, char *text, const char *origin, estimate_line_fn fn,
                     tally_err *err)
{
    size_t no = 0;
    for (char *save = NULL, *line = text; line != NULL; line = save) {
        char *nl = strchr(line, '\n');
        save = nl != NULL ? nl + 1 : NULL;
        if (nl != NULL)
            *nl = '\0';
        no++;
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *f[12];
        size_t n = fields(line, f, 12);
        const char *why = NULL;
        if (fn(user, f, n, &why) != 0)
            return tally_err_set(err, TALLY_EINPUT, "%s:%zu: %s", origin, no, why);
    }
    return 0;
}

static int factor_line(void *user, char **f, size_t n, const char **why)
{
    tally_model *m = user;
    if (n < 7) {
        *why = "a factor needs from, to, item, caliber, low, high, source (url, note)";
        return -1;
    }
    tally_factor x;
    memset(&x, 0, sizeof x);
    copy(x.from, sizeof x.from, f[0]);
    copy(x.to, sizeof x.to, f[1]);
    int bit = tally_item_parse(f[2]);
    if (bit < 0) {
        *why = "unknown item";
        return -1;
    }
    x.item = 1u << bit;
    if (strcmp(f[3], "-") != 0 && (!number(f[3], &x.caliber_mm) || x.caliber_mm <= 0)) {
        *why = "caliber is not a positive number or -";
        return -1;
    }
    if (!number(f[4], &x.low) || !number(f[5], &x.high) || x.low <= 0 || x.high < x.low) {
        *why = "low and high must be numbers with 0 < low <= high";
        return -1;
    }
    copy(x.source, sizeof x.source, f[6]);
    copy(x.url, sizeof x.url, n > 7 ? f[7] : "");
    copy(x.note, sizeof x.note, n > 8 ? f[8] : "");
    m->factors = tally_xrealloc(m->factors, (m->n_factors + 1) * sizeof *m->factors);
    m->factors[m->n_factors++] = x;
    return 0;
}

static int grade_line(void *user, char **f, size_t n, const char **why)
{
    tally_model *m = user;
    double v;
    if (strcmp(f[0], "grade") == 0 && n >= 3) {
        if (strlen(f[1]) != 1 || f[1][0] < 'A' || f[1][0] > 'F' || !number(f[2], &v) || v < 0) {
            *why = "a grade is A-F and its sigma a number >= 0";
            return -1;
        }
        m->grade_sigma[f[1][0] - 'A'] = v;
        copy(m->grade_meaning[f[1][0] - 'A'], sizeof m->grade_meaning[0], n > 3 ? f[3] : "");
        return 0;
    }
    if (strcmp(f[0], "hedged") == 0 && n >= 2) {
        if (!number(f[1], &v) || v < 0) {
            *why = "hedged takes a sigma >= 0";
            return -1;
        }
        m->hedged_sigma = v;
        return 0;
    }
    if (strcmp(f[0], "source") == 0 && n >= 4) {
        if (strlen(f[3]) != 1 || f[3][0] < 'A' || f[3][0] > 'F' ||
            (strcmp(f[2], "*") != 0 && strlen(f[2]) != 3)) {
            *why = "source KIND COUNTRY GRADE: COUNTRY is alpha-3 or *, GRADE A-F";
            return -1;
        }
        tally_grade_rule r;
        memset(&r, 0, sizeof r);
        copy(r.kind, sizeof r.kind, f[1]);
        copy(r.country, sizeof r.country, f[2]);
        r.grade = f[3][0];
        m->rules = tally_xrealloc(m->rules, (m->n_rules + 1) * sizeof *m->rules);
        m->rules[m->n_rules++] = r;
        return 0;
    }
    *why = "expected 'grade G SIGMA', 'hedged SIGMA' or 'source KIND COUNTRY G'";
    return -1;
}

/* A day of an identity's line: YYYY-MM-DD, or - for open (`open`). */
static bool identity_day(const char *s, long open, long *day)
{
    if (strcmp(s, "-") == 0) {
        *day = open;
        return true;
    }
    tally_date d;
    if (tally_date_parse(s, strlen(s), &d) != 0 || d.day == 0)
        return false;
    *day = tally_day_of(d, false);
    return true;
}

static int identity_line(void *user, char **f, size_t n, const char **why)
{
    tally_model *m = user;
    if (n < 6) {
        *why = "an identity needs name, identity, kind, country, from, to (note)";
        return -1;
    }
    tally_identity x;
    memset(&x, 0, sizeof x);
    copy(x.name, sizeof x.name, f[0]);
    copy(x.identity, sizeof x.identity, f[1]);
    copy(x.kind, sizeof x.kind, f[2]);
    if (strcmp(f[3], "-") != 0 && strlen(f[3]) != 3) {
        *why = "country is alpha-3 or -";
        return -1;
    }
    copy(x.country, sizeof x.country, strcmp(f[3], "-") == 0 ? "" : f[3]);
    if (!identity_day(f[4], LONG_MIN, &x.from) || !identity_day(f[5], LONG_MAX, &x.to) ||
        x.to < x.from) {
        *why = "from and to are YYYY-MM-DD or -, from before to";
        return -1;
    }
    if (x.name[0] == '\0' || x.identity[0] == '\0') {
        *why = "name and identity may not be empty";
        return -1;
    }
    m->identities = tally_xrealloc(m->identities, (m->n_identities + 1) * sizeof *m->identities);
    m->identities[m->n_identities++] = x;
    return 0;
}

const tally_identity *tally_identity_find(const tally_model *m, const char *name, long day)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < m->n_identities; i++) {
        const tally_identity *x = &m->identities[i];
        if (strcasecmp(x->name, name) == 0 && (day == LONG_MIN || (day >= x->from && day <= x->to)))
            return x;
    }
    return NULL;
}

int estimate_tsv_load(void *user, const char *path, const unsigned char *bundled, size_t len,
                      const char *name, estimate_line_fn fn, tally_err *err)
{
    char *text;
    if (path != NULL) {
        text = tally_slurp_path(path, (size_t)1 << 26, &len);
        if (text == NULL)
            return tally_err_set(err, TALLY_EIO, "%s: %s", path, strerror(errno));
    } else {
        text = tally_xstrndup((const char *)bundled, len);
    }
    int rc = each_line(user, text, path != NULL ? path : name, fn, err);
    free(text);
    return rc;
}

int tally_model_load(tally_model *m, const char *factors_path, const char *grades_path,
                     tally_err *err)
{
    memset(m, 0, sizeof *m);
    for (int g = 0; g < 6; g++)
        m->grade_sigma[g] = NAN;
    int rc = estimate_tsv_load(m, factors_path, tally_factors_tsv, tally_factors_tsv_len,
                               "data/factors.tsv", factor_line, err);
    if (rc == 0)
        rc = estimate_tsv_load(m, grades_path, tally_grades_tsv, tally_grades_tsv_len,
                               "data/grades.tsv", grade_line, err);
    if (rc == 0)
        rc = estimate_tsv_load(m, NULL, tally_identities_tsv, tally_identities_tsv_len,
                               "data/identities.tsv", identity_line, err);
    for (size_t i = 0; rc == 0 && i < m->n_rules; i++)
        if (isnan(m->grade_sigma[m->rules[i].grade - 'A']))
            rc = tally_err_set(err, TALLY_EINPUT, "%s: grade %c is used but has no sigma",
                               grades_path != NULL ? grades_path : "data/grades.tsv",
                               m->rules[i].grade);
    if (rc != 0)
        tally_model_free(m);
    return rc;
}

void tally_model_free(tally_model *m)
{
    free(m->factors);
    free(m->rules);
    free(m->identities);
    memset(m, 0, sizeof *m);
}

const tally_factor *tally_factor_find(const tally_model *m, const char *from, const char *to,
                                      uint32_t items, double caliber_mm, const char *source)
{
    const tally_factor *model = NULL;
    for (size_t i = 0; i < m->n_factors; i++) {
        const tally_factor *f = &m->factors[i];
        if (strcmp(f->from, from) != 0 || strcmp(f->to, to) != 0 || !(f->item & items) ||
            (caliber_mm > 0 && f->caliber_mm > 0 && fabs(f->caliber_mm - caliber_mm) > 0.5))
            continue;
        if (source != NULL && strcasecmp(f->source, source) == 0)
            return f;
        if (model == NULL && strcmp(f->source, "model") == 0)
            model = f;
    }
    return model;
}

static bool matches(const char *pattern, const char *value)
{
    return strcmp(pattern, "*") == 0 || (value != NULL && strcasecmp(pattern, value) == 0);
}

char tally_source_grade(const tally_model *m, const char *kind, const char *country)
{
    for (size_t i = 0; i < m->n_rules; i++)
        if (matches(m->rules[i].kind, kind) && matches(m->rules[i].country, country))
            return m->rules[i].grade;
    return 'F';
}

double tally_obs_sigma(const tally_model *m, const tally_obs *o, char *grade, double *bias_sigma)
{
    /* the claim's own: how precisely its wording pins the figure */
    double own = o->qualifier == TALLY_Q_ABOUT ? 0.15 : 0.05;
    /* the grade of whom the source stands for */
    char g = o->identity_kind != NULL ? tally_source_grade(m, o->identity_kind, o->identity_country)
                                      : tally_source_grade(m, o->source_kind, o->source_country);
    double gs = m->grade_sigma[g - 'A'];
    if (isnan(gs))
        gs = 0.3;
    double h = o->hedged ? m->hedged_sigma : 0;
    if (grade != NULL)
        *grade = g;
    if (bias_sigma != NULL)
        *bias_sigma = gs;
    return sqrt(own * own + h * h);
}
