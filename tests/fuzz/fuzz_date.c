/* Fuzz target: partial dates and time expressions (tally_date_parse,
 * tally_date_format, tally_date_cmp, tally_when_scan). The first 10 bytes
 * are the document date when they parse as one (else the first 7 or 4, so
 * partial dates are tried too; else the input has no date); the whole input
 * is scanned as text when it is valid UTF-8. Aborts when a result breaks
 * when.h's contract: expressions sorted, not overlapping, within the text and
 * on character boundaries; valid dates that format and parse back; a SPAN's
 * start not after its end, and no end date on SINCE or AS_OF. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/err.h"
#include "tally/mem.h"
#include "tally/when.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A valid date formats to 4, 7 or 10 bytes that parse back to it. */
static void check_date(tally_date d)
{
    char buf[11];
    size_t len = strlen(tally_date_format(d, buf));
    tally_date back;
    if (len != 4 && len != 7 && len != 10)
        abort();
    if (tally_date_parse(buf, len, &back) != 0 || tally_date_cmp(back, d) != 0 ||
        back.month != d.month || back.day != d.day)
        abort();
}

/* Parses the first `n` bytes as a date: on success the date formats back to
 * the same bytes, on failure it is {0}. */
static bool date_prefix(const uint8_t *data, size_t n, tally_date *d)
{
    /* an exact-size copy of the candidate, so ASan sees any over-read */
    char *s = malloc(n ? n : 1);
    if (s == NULL)
        abort();
    if (n > 0)
        memcpy(s, data, n);
    bool ok = tally_date_parse(s, n, d) == 0;
    if (ok) {
        char buf[11];
        if (strlen(tally_date_format(*d, buf)) != n || memcmp(buf, s, n) != 0)
            abort();
        check_date(*d);
    } else if (d->year != 0 || d->month != 0 || d->day != 0) {
        abort();
    }
    free(s);
    return ok;
}

/* The document date: the first 10 bytes when they are a date, else the first
 * 7 or 4 (so partial dates are tried too), else none. */
static tally_date doc_date(const uint8_t *data, size_t size)
{
    static const size_t lens[] = {10, 7, 4};
    tally_date d = {0, 0, 0};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        if (size >= lens[i] && date_prefix(data, lens[i], &d))
            return d;
    (void)date_prefix(data, size < 10 ? size : 10, &d); /* short or odd inputs */
    d = (tally_date){0, 0, 0};
    return d;
}

static void check(const char *text, size_t n, const tally_whens *w)
{
    if (w->n > 0 && w->v == NULL)
        abort();
    size_t prev_end = 0;
    for (size_t i = 0; i < w->n; i++) {
        const tally_when *x = &w->v[i];
        fuzz_check_span(text, n, x->start, x->end, &prev_end);
        if (x->role != TALLY_WHEN_SINCE && x->role != TALLY_WHEN_AS_OF &&
            x->role != TALLY_WHEN_SPAN)
            abort();
        check_date(x->date);
        if (x->role == TALLY_WHEN_SPAN) {
            check_date(x->end_date);
            if (tally_date_cmp(x->date, x->end_date) > 0)
                abort();
        } else if (x->end_date.year != 0 || x->end_date.month != 0 || x->end_date.day != 0) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tally_date doc = doc_date(data, size);
    if (!fuzz_valid_utf8(data, size))
        return 0; /* the scanner's input is decoded text, always valid */
    char *text = fuzz_copy(data, size);
    tally_arena *a = tally_arena_new();
    tally_whens w = {NULL, 0};
    tally_err err = {0, {0}};
    if (tally_when_scan((tally_span){text, size}, doc, &w, a, &err) != 0)
        abort(); /* documented to return 0 */
    check(text, size, &w);
    /* comparisons are antisymmetric */
    for (size_t i = 0; i + 1 < w.n; i++)
        if (tally_date_cmp(w.v[i].date, w.v[i + 1].date) !=
            -tally_date_cmp(w.v[i + 1].date, w.v[i].date))
            abort();
    tally_arena_free(a);
    free(text);
    return 0;
}
