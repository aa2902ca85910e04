/* Fuzz target: the figure scanner (tally_figures_scan) on arbitrary valid
 * UTF-8. Aborts when a result breaks figure.h's contract: figures in range,
 * on character boundaries, sorted and not overlapping, low <= high, bounds
 * as the qualifier says, finite values, a currency only on money. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/err.h"
#include "tally/figure.h"
#include "tally/mem.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool valid_currency(const tally_figure *f)
{
    if (f->currency[0] == '\0')
        return true;
    if (f->kind != TALLY_FIG_MONEY || f->currency[3] != '\0')
        return false;
    for (int i = 0; i < 3; i++)
        if (f->currency[i] < 'A' || f->currency[i] > 'Z')
            return false;
    return true;
}

/* Which bounds figure.h says a qualifier sets. */
static bool bounds_agree(const tally_figure *f)
{
    switch (f->qualifier) {
    case TALLY_Q_EXACT:
    case TALLY_Q_ABOUT:
    case TALLY_Q_MORE_THAN:
    case TALLY_Q_AT_LEAST:
        return f->has_low && !f->has_high;
    case TALLY_Q_UP_TO:
    case TALLY_Q_LESS_THAN:
        return !f->has_low && f->has_high;
    case TALLY_Q_RANGE:
        return f->has_low && f->has_high;
    }
    return false;
}

static void check(const char *text, size_t n, const tally_figures *figs)
{
    if (figs->n > 0 && figs->v == NULL)
        abort();
    size_t prev_end = 0;
    for (size_t i = 0; i < figs->n; i++) {
        const tally_figure *f = &figs->v[i];
        fuzz_check_span(text, n, f->start, f->end, &prev_end);
        if ((unsigned)f->kind > TALLY_FIG_PERCENT || (unsigned)f->qualifier > TALLY_Q_RANGE)
            abort();
        if (!bounds_agree(f))
            abort();
        if ((f->has_low && !isfinite(f->low)) || (f->has_high && !isfinite(f->high)))
            abort();
        if (f->has_low && f->has_high && f->low > f->high)
            abort();
        if (!valid_currency(f))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_valid_utf8(data, size))
        return 0; /* the scanner's input is decoded text, always valid */
    char *text = fuzz_copy(data, size);
    tally_arena *a = tally_arena_new();
    tally_figures figs = {NULL, 0};
    tally_err err = {0};
    tally_span span = {text, size};
    if (tally_figures_scan(span, &figs, a, &err) != 0)
        abort(); /* documented to return 0 */
    check(text, size, &figs);
    tally_arena_free(a);
    free(text);
    return 0;
}
