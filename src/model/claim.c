/* tally: the claim model's vocabularies (include/tally/claim.h): each table
 * is made from its X-macro rows, and each name's parser reads the table, so
 * every slug is written once. Includes only base's and the model's headers.
 * Part of the model: includes base's public headers and its own. */
#include "tally/claim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/number.h"

#define TALLY_X(e, slug, fam, display) {slug, fam, display},
static const tally_term kinds[] = {TALLY_KINDS(TALLY_X)};
static const tally_term items[] = {TALLY_ITEMS(TALLY_X)};
static const tally_term units[] = {TALLY_UNITS(TALLY_X)};
static const tally_term qualifiers[] = {TALLY_QUALIFIERS(TALLY_X)};
static const tally_term pers[] = {TALLY_PERS(TALLY_X)};
static const tally_term whys[] = {TALLY_WHYS(TALLY_X)};
#undef TALLY_X

/* Items are kept as bits of a uint32_t (and an INTEGER in the store). */
_Static_assert(TALLY_ITEM_COUNT <= 32, "items must fit the bit set");

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const tally_term *tally_kind_term(tally_kind k)
{
    return (unsigned)k < N_OF(kinds) ? &kinds[k] : NULL;
}

const tally_term *tally_item_term(unsigned index)
{
    return index < N_OF(items) ? &items[index] : NULL;
}

const tally_term *tally_unit_term(tally_unit u)
{
    return (unsigned)u < N_OF(units) ? &units[u] : NULL;
}

const tally_term *tally_qualifier_term(tally_qualifier q)
{
    return (unsigned)q < N_OF(qualifiers) ? &qualifiers[q] : NULL;
}

/* TALLY_PER_NONE and TALLY_WHY_NONE come before their tables' rows. */
const tally_term *tally_per_term(tally_per p)
{
    return p > TALLY_PER_NONE && (unsigned)p - 1 < N_OF(pers) ? &pers[p - 1] : NULL;
}

const tally_term *tally_why_term(tally_why w)
{
    return w > TALLY_WHY_NONE && (unsigned)w - 1 < N_OF(whys) ? &whys[w - 1] : NULL;
}

unsigned tally_item_families(uint32_t set)
{
    unsigned f = 0;
    for (unsigned i = 0; set != 0 && i < N_OF(items); i++, set >>= 1)
        if (set & 1u)
            f |= items[i].family;
    return f;
}

/* ---- names ------------------------------------------------------------------ */

const char *tally_kind_name(tally_kind k)
{
    return (unsigned)k < N_OF(kinds) ? kinds[k].slug : kinds[0].slug;
}

const char *tally_unit_name(const tally_claim *c)
{
    if (c->unit == TALLY_UNIT_MONEY)
        return c->currency[0] ? c->currency : "USD";
    return (unsigned)c->unit < N_OF(units) ? units[c->unit].slug : units[TALLY_UNIT_ITEM].slug;
}

const char *tally_item_name(unsigned bit_index)
{
    return bit_index < N_OF(items) ? items[bit_index].slug : items[TALLY_ITEM_INDEX_GOODS].slug;
}

const char *tally_qualifier_name(tally_qualifier q)
{
    return (unsigned)q < N_OF(qualifiers) ? qualifiers[q].slug : qualifiers[0].slug;
}

const char *tally_per_name(tally_per p)
{
    const tally_term *t = tally_per_term(p);
    return t != NULL ? t->slug : NULL;
}

const char *tally_why_text(tally_why w)
{
    const tally_term *t = tally_why_term(w);
    return t != NULL ? t->display : NULL;
}

char *tally_items_format(uint32_t set, char sep, char *buf)
{
    size_t n = 0;
    for (unsigned i = 0; i < N_OF(items); i++) {
        if (!(set & (1u << i)))
            continue;
        size_t len = strlen(items[i].slug);
        if (n + (n > 0) + len >= TALLY_ITEMS_TEXT_MAX)
            break;
        if (n > 0)
            buf[n++] = sep;
        memcpy(buf + n, items[i].slug, len);
        n += len;
    }
    buf[n] = '\0';
    return buf;
}

void tally_figure_words(tally_qualifier q, bool has_low, double low, bool has_high, double high,
                        const char *unit, char *buf, size_t size)
{
    tally_num_figure(q, has_low, low, has_high, high, unit, buf, size);
}

/* ---- parsers ---------------------------------------------------------------- */

/* The index of the row of `t` whose slug is `name`, or -1. */
static int parse_term(const tally_term *t, size_t n, const char *name)
{
    for (size_t i = 0; name != NULL && i < n; i++)
        if (t[i].slug != NULL && strcmp(name, t[i].slug) == 0)
            return (int)i;
    return -1;
}

int tally_kind_parse(const char *name)
{
    return parse_term(kinds, N_OF(kinds), name);
}

int tally_item_parse(const char *name)
{
    return parse_term(items, N_OF(items), name);
}

int tally_qualifier_parse(const char *name)
{
    return parse_term(qualifiers, N_OF(qualifiers), name);
}

int tally_per_parse(const char *name)
{
    int i = parse_term(pers, N_OF(pers), name);
    return i < 0 ? -1 : i + 1;
}

int tally_unit_parse(const char *name, tally_claim *c)
{
    int u = parse_term(units, N_OF(units), name);
    if (u >= 0) {
        c->unit = (tally_unit)u;
        c->currency[0] = '\0';
        return 0;
    }
    if (name != NULL && tally_currency_name(name) != NULL) {
        c->unit = TALLY_UNIT_MONEY;
        memcpy(c->currency, name, 4);
        return 0;
    }
    return -1;
}

/* ---- currencies ----------------------------------------------------------------- */

static const struct currency {
    const char code[4];
    const char *name;
} currencies[] = {
#include "currencies.inc"
};

static int currency_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct currency *)elem)->code);
}

const char *tally_currency_name(const char *code)
{
    if (code == NULL || strlen(code) != 3)
        return NULL;
    const struct currency *c =
        bsearch(code, currencies, N_OF(currencies), sizeof currencies[0], currency_cmp);
    return c != NULL ? c->name : NULL;
}

size_t tally_currency_count(void)
{
    return N_OF(currencies);
}

const char *tally_currency_code(size_t i)
{
    return i < N_OF(currencies) ? currencies[i].code : NULL;
}
