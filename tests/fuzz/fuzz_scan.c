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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1Fu, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0Fu, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07u, min = 0x10000;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

static bool char_boundary(const char *s, size_t n, size_t at)
{
    return at == n || ((unsigned char)s[at] & 0xC0) != 0x80;
}

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
        if (f->start >= f->end || f->end > n || f->start < prev_end)
            abort(); /* empty, out of range, unsorted or overlapping */
        if (!char_boundary(text, n, f->start) || !char_boundary(text, n, f->end))
            abort();
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
        prev_end = f->end;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!valid_utf8(data, size))
        return 0; /* the scanner's input is decoded text, always valid */
    /* An exact-size copy without a NUL, so ASan sees any over-read. */
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        abort();
    if (size > 0)
        memcpy(text, data, size);
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
