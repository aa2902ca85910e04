/* tally: the event model's vocabularies (include/tally/event.h), made from
 * their X-macro rows; each parser reads its table, so every slug is written
 * once. Part of the model: includes base's public headers and its own. */
#include "tally/event.h"

#include <string.h>

#include "tally/err.h"

#define TALLY_X(e, slug, fam, display) {slug, fam, display},
static const tally_term types[] = {TALLY_EVENT_TYPES(TALLY_X)};
static const tally_term modes[] = {TALLY_EVENT_MODES(TALLY_X)};
static const tally_term contexts[] = {TALLY_EVENT_CONTEXTS(TALLY_X)};
static const tally_term auxes[] = {TALLY_EVENT_AUXES(TALLY_X)};
#undef TALLY_X

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(TALLY_EVCTX_N <= 32, "contexts must fit the bit set");
_Static_assert(TALLY_EVENT_TYPE_N <= 32, "types must fit a bit set");

bool tally_party_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return true;
}

bool tally_party_other(const char *s)
{
    static const char *const others[] = {"SUN", "UN", "UNSC", "UNGA", "EU", "NATO", "IAEA"};
    for (size_t i = 0; i < N_OF(others); i++)
        if (strcmp(s, others[i]) == 0)
            return true;
    return false;
}

const tally_term *tally_event_type_term(tally_event_type t)
{
    return (unsigned)t < N_OF(types) ? &types[t] : NULL;
}

/* NONE comes before the rows of modes and auxes. */
const tally_term *tally_event_mode_term(tally_event_mode m)
{
    return m > TALLY_EVMODE_NONE && (unsigned)m - 1 < N_OF(modes) ? &modes[m - 1] : NULL;
}

const tally_term *tally_event_context_term(unsigned index)
{
    return index < N_OF(contexts) ? &contexts[index] : NULL;
}

const tally_term *tally_event_aux_term(tally_event_aux a)
{
    return a > TALLY_EVAUX_NONE && (unsigned)a - 1 < N_OF(auxes) ? &auxes[a - 1] : NULL;
}

const char *tally_event_type_name(tally_event_type t)
{
    return (unsigned)t < N_OF(types) ? types[t].slug : types[0].slug;
}

const char *tally_event_mode_name(tally_event_mode m)
{
    const tally_term *t = tally_event_mode_term(m);
    return t != NULL ? t->slug : NULL;
}

const char *tally_event_aux_name(tally_event_aux a)
{
    const tally_term *t = tally_event_aux_term(a);
    return t != NULL ? t->slug : NULL;
}

/* The row of `terms` whose slug is the `n` bytes at `s`, or -1. */
static int find(const tally_term *terms, size_t count, const char *s, size_t n)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(terms[i].slug) == n && memcmp(terms[i].slug, s, n) == 0)
            return (int)i;
    return -1;
}

int tally_event_type_parse(const char *s, size_t n, tally_event_type *out)
{
    int i = find(types, N_OF(types), s, n);
    if (i < 0)
        return TALLY_EINPUT;
    *out = (tally_event_type)i;
    return 0;
}

int tally_event_mode_parse(const char *s, size_t n, tally_event_mode *out)
{
    int i = find(modes, N_OF(modes), s, n);
    if (i < 0)
        return TALLY_EINPUT;
    *out = (tally_event_mode)(i + 1);
    return 0;
}

int tally_event_aux_parse(const char *s, size_t n, tally_event_aux *out)
{
    int i = find(auxes, N_OF(auxes), s, n);
    if (i < 0)
        return TALLY_EINPUT;
    *out = (tally_event_aux)(i + 1);
    return 0;
}

uint32_t tally_event_context_bit(const char *s, size_t n)
{
    int i = find(contexts, N_OF(contexts), s, n);
    return i < 0 ? 0 : 1u << i;
}
