/* tally: unit prices with their sources (data/prices.tsv) and the consumer
 * price index that deflates them to one year's dollars (data/cpi.tsv), both
 * compiled in and replaceable by an edited copy (tally rank --prices).
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include "tally/rank.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/claim.h"
#include "tally/mem.h"

#include "estimate_int.h"

/* The bundled copies, compiled in by CMake (cmake/embed.cmake). */
extern const unsigned char tally_prices_tsv[];
extern const size_t tally_prices_tsv_len;
extern const unsigned char tally_cpi_tsv[];
extern const size_t tally_cpi_tsv_len;

/* The currency prices are summed in; a line in another needs an exchange
 * rate, which tally does not keep yet. */
static const char base_currency[] = "USD";

/* A decimal number of the data files: digits with at most one point, read
 * digit by digit (no strtod, which follows the locale). */
static bool decimal(const char *s, double *v)
{
    double x = 0, scale = 1;
    bool point = false, digits = false;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '.' && !point) {
            point = true;
        } else if (*p >= '0' && *p <= '9') {
            digits = true;
            if (point)
                scale /= 10;
            x = x * 10 + (*p - '0');
        } else {
            return false;
        }
    }
    *v = x * scale;
    return digits && isfinite(*v);
}

static bool is_url(const char *s)
{
    return (strncmp(s, "https://", 8) == 0 && s[8] != '\0') ||
           (strncmp(s, "http://", 7) == 0 && s[7] != '\0');
}

static const tally_cpi *cpi_of(const tally_prices *p, int year)
{
    for (size_t i = 0; i < p->n_cpi; i++)
        if (p->cpi[i].year == year)
            return &p->cpi[i];
    return NULL;
}

/* A line's refusal: *why set, -1 (estimate_line_fn). */
static int refuse(const char **why, const char *reason)
{
    *why = reason;
    return -1;
}

static int cpi_line(void *user, char **f, size_t n, const char **why)
{
    tally_prices *p = user;
    if (n < 4)
        return refuse(why, "a CPI line needs year, index, source, url (note)");
    double y, v;
    if (!decimal(f[0], &y) || y < 1900 || y > 2200 || y != floor(y))
        return refuse(why, "the year is not a year");
    if (!decimal(f[1], &v) || v <= 0)
        return refuse(why, "the index is not a positive number");
    if (!is_url(f[3]))
        return refuse(why, "the url is missing or not http(s)");
    if (cpi_of(p, (int)y) != NULL)
        return refuse(why, "a year given twice");
    p->cpi = tally_xrealloc(p->cpi, (p->n_cpi + 1) * sizeof *p->cpi);
    tally_cpi *c = &p->cpi[p->n_cpi++];
    c->year = (int)y;
    c->index = v;
    snprintf(c->url, sizeof c->url, "%s", f[3]);
    if (c->year > p->base_year)
        p->base_year = c->year;
    return 0;
}

static int price_line(void *user, char **f, size_t n, const char **why)
{
    tally_prices *p = user;
    if (n < 9)
        return refuse(why, "a price needs item, unit, caliber, low, high, currency, year, "
                           "source, url (note)");
    tally_price x;
    memset(&x, 0, sizeof x);
    int bit = tally_item_parse(f[0]);
    if (bit < 0)
        return refuse(why, "unknown item");
    x.item = 1u << bit;
    tally_claim c;
    memset(&c, 0, sizeof c);
    if (tally_unit_parse(f[1], &c) != 0 || c.unit == TALLY_UNIT_MONEY ||
        c.unit == TALLY_UNIT_PERCENT)
        return refuse(why, "unknown unit (a CLAIMS.md unit, not a currency or percent)");
    snprintf(x.unit, sizeof x.unit, "%s", f[1]);
    if (strcmp(f[2], "-") != 0 && (!decimal(f[2], &x.caliber_mm) || x.caliber_mm <= 0))
        return refuse(why, "caliber is not a positive number or -");
    if (!decimal(f[3], &x.low) || !decimal(f[4], &x.high) || x.low <= 0 || x.high < x.low)
        return refuse(why, "low and high must be numbers with 0 < low <= high");
    if (strcmp(f[5], base_currency) != 0)
        return refuse(why, "the currency must be USD (there is no exchange-rate table)");
    snprintf(x.currency, sizeof x.currency, "%s", f[5]);
    double y;
    if (!decimal(f[6], &y) || y != floor(y))
        return refuse(why, "the year is not a year");
    x.year = (int)y;
    if (f[7][0] == '\0')
        return refuse(why, "the source is empty");
    snprintf(x.source, sizeof x.source, "%s", f[7]);
    if (!is_url(f[8]))
        return refuse(why, "the url is missing or not http(s)");
    snprintf(x.url, sizeof x.url, "%s", f[8]);
    snprintf(x.note, sizeof x.note, "%s", n > 9 ? f[9] : "");
    const tally_cpi *at = cpi_of(p, x.year), *base = cpi_of(p, p->base_year);
    if (at == NULL || base == NULL)
        return refuse(why, "no consumer price index for its year (data/cpi.tsv)");
    x.low_base = x.low * base->index / at->index;
    x.high_base = x.high * base->index / at->index;
    p->v = tally_xrealloc(p->v, (p->n + 1) * sizeof *p->v);
    p->v[p->n++] = x;
    return 0;
}

int tally_prices_load(tally_prices *p, const char *prices_path, const char *cpi_path,
                      tally_err *err)
{
    memset(p, 0, sizeof *p);
    int rc = estimate_tsv_load(p, cpi_path, tally_cpi_tsv, tally_cpi_tsv_len, "data/cpi.tsv",
                               cpi_line, err);
    if (rc == 0 && p->n_cpi == 0)
        rc = tally_err_set(err, TALLY_EINPUT, "%s: no year of the consumer price index",
                           cpi_path != NULL ? cpi_path : "data/cpi.tsv");
    if (rc == 0)
        rc = estimate_tsv_load(p, prices_path, tally_prices_tsv, tally_prices_tsv_len,
                               "data/prices.tsv", price_line, err);
    if (rc != 0)
        tally_prices_free(p);
    return rc;
}

void tally_prices_free(tally_prices *p)
{
    free(p->v);
    free(p->cpi);
    memset(p, 0, sizeof *p);
}

bool tally_price_range(const tally_prices *p, uint32_t item, const char *unit, double caliber_mm,
                       double *lo, double *hi, size_t *n_lines, const tally_price **first)
{
    size_t k = 0;
    const tally_price *head = NULL;
    double l = HUGE_VAL, h = 0;
    for (size_t i = 0; i < p->n; i++) {
        const tally_price *x = &p->v[i];
        if (!(x->item & item) || strcmp(x->unit, unit) != 0 ||
            (caliber_mm > 0 && x->caliber_mm > 0 && fabs(x->caliber_mm - caliber_mm) > 0.5))
            continue;
        if (head == NULL)
            head = x;
        k++;
        l = x->low_base < l ? x->low_base : l;
        h = x->high_base > h ? x->high_base : h;
    }
    if (n_lines != NULL)
        *n_lines = k;
    if (first != NULL)
        *first = head;
    if (k == 0)
        return false;
    *lo = l;
    *hi = h;
    return true;
}
