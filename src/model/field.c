/* tally: the fields of a claim (include/tally/field.h): their table, and
 * reading and setting each in a record.
 * Part of the model: includes base's public headers and its own. */
#include "tally/field.h"

#include <string.h>

const tally_field_info tally_fields[] = {
#define TALLY_X(e, key, type, in, sql, head, width, trunc, csv)                                    \
    {key,                                                                                          \
     TALLY_FT_##type,                                                                              \
     in,                                                                                           \
     sql,                                                                                          \
     head,                                                                                         \
     width,                                                                                        \
     trunc,                                                                                        \
     csv,                                                                                          \
     ",\"" key "\":",                                                                              \
     sizeof(",\"" key "\":") - 1},
    TALLY_FIELDS(TALLY_X)
#undef TALLY_X
};

_Static_assert(sizeof tally_fields / sizeof tally_fields[0] == TALLY_F_N, "one row a field");

const tally_field_info *tally_field_info_of(tally_field f)
{
    return &tally_fields[(unsigned)f < TALLY_F_N ? f : 0];
}

size_t tally_field_csv_order(unsigned in, tally_field *out)
{
    size_t n = 0;
    for (int rank = 1; rank <= TALLY_F_N; rank++)
        for (int i = 0; i < TALLY_F_N; i++)
            if (tally_fields[i].csv == rank && (tally_fields[i].in & in))
                out[n++] = (tally_field)i;
    return n;
}

static void text(tally_value *v, const char *s)
{
    v->null = s == NULL || s[0] == '\0';
    v->s = s;
    v->len = v->null ? 0 : strlen(s);
}

static void span(tally_value *v, const char *s, size_t n)
{
    v->null = s == NULL;
    v->s = s;
    v->len = s != NULL ? n : 0;
}

static void date(tally_value *v, tally_date d)
{
    v->null = d.year == 0;
    v->s = v->null ? NULL : tally_date_format(d, v->buf);
    v->len = v->null ? 0 : strlen(v->buf);
}

static void number(tally_value *v, bool has, double x)
{
    v->null = !has;
    v->num = x;
}

void tally_field_get(const tally_claim_row *r, tally_field f, tally_value *v)
{
    const tally_claim *c = &r->claim;
    /* only the members of the field's type are set: this runs for every
     * field of every claim written */
    v->null = false;
    switch (f) {
    case TALLY_F_DOC:
        text(v, r->doc);
        break;
    case TALLY_F_SENTENCE:
        span(v, r->sentence, r->sentence_len);
        break;
    case TALLY_F_TEXT:
        span(v, r->text, r->text_len);
        break;
    case TALLY_F_KIND:
        text(v, tally_kind_name(c->kind));
        break;
    case TALLY_F_SUPPLIER:
        text(v, c->supplier);
        break;
    case TALLY_F_RECIPIENT:
        text(v, c->recipient);
        break;
    case TALLY_F_ITEM:
        v->items = c->items;
        break;
    case TALLY_F_CALIBER_MM:
        number(v, c->caliber_mm > 0, c->caliber_mm);
        break;
    case TALLY_F_UNIT:
        text(v, tally_unit_name(c));
        break;
    case TALLY_F_LOW:
        number(v, c->has_low, c->low);
        break;
    case TALLY_F_HIGH:
        number(v, c->has_high, c->high);
        break;
    case TALLY_F_QUALIFIER:
        text(v, tally_qualifier_name(c->qualifier));
        break;
    case TALLY_F_SINCE:
        date(v, c->since);
        break;
    case TALLY_F_AS_OF:
        date(v, c->as_of);
        break;
    case TALLY_F_SOURCE:
        text(v, c->source);
        break;
    case TALLY_F_SOURCE_COUNTRY:
        text(v, c->source_country);
        break;
    case TALLY_F_HEDGED:
        v->b = c->hedged;
        break;
    case TALLY_F_PER:
        text(v, tally_per_name(c->per));
        break;
    case TALLY_F_ID:
        v->i = r->id;
        break;
    case TALLY_F_SOURCE_NAME:
        text(v, r->source_name);
        break;
    case TALLY_F_SOURCE_KIND:
        text(v, r->source_kind);
        break;
    case TALLY_F_SOURCE_DETAIL:
        text(v, r->source_detail);
        break;
    case TALLY_F_STATED:
        text(v, r->stated);
        break;
    case TALLY_F_NOTE:
        text(v, r->note);
        break;
    case TALLY_F_CURATED:
        v->b = r->curated;
        break;
    case TALLY_F_URL:
        text(v, r->url);
        break;
    case TALLY_F_TITLE:
        text(v, r->title);
        break;
    case TALLY_F_OUTLET:
        text(v, r->outlet);
        break;
    case TALLY_F_DATE:
        text(v, r->date);
        break;
    case TALLY_F_DOC_ID:
        v->i = r->doc_id;
        break;
    case TALLY_F_SENTENCE_START:
        v->i = (int64_t)c->sentence_start;
        break;
    case TALLY_F_SENTENCE_END:
        v->i = (int64_t)c->sentence_end;
        break;
    case TALLY_F_START:
        v->i = (int64_t)c->start;
        break;
    case TALLY_F_END:
        v->i = (int64_t)c->end;
        break;
    }
}

/* Copies an alpha-3 code (or "") into a char[4]; -1 when longer. */
static int code(char out[4], const char *s, size_t n)
{
    if (n > 3)
        return -1;
    if (n > 0)
        memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

static int set_date(tally_date *d, const char *s, size_t n)
{
    tally_date x = {0, 0, 0};
    if (n > 0 && tally_date_parse(s, n, &x) != 0)
        return -1;
    *d = x;
    return 0;
}

int tally_field_set_text(tally_claim_row *r, tally_field f, const char *s, size_t n)
{
    tally_claim *c = &r->claim;
    char slug[32];
    if (s == NULL)
        n = 0;
    /* the slugs' parsers take NUL-terminated names */
    bool short_text = n < sizeof slug;
    if (short_text) {
        memcpy(slug, n > 0 ? s : "", n);
        slug[n] = '\0';
    }
    const char *own = n > 0 ? s : NULL;
    int k;
    switch (f) {
    case TALLY_F_DOC:
        r->doc = own;
        return 0;
    case TALLY_F_SENTENCE:
        r->sentence = own;
        r->sentence_len = n;
        return 0;
    case TALLY_F_TEXT:
        r->text = own;
        r->text_len = n;
        return 0;
    case TALLY_F_KIND:
        if (!short_text || (k = tally_kind_parse(slug)) < 0)
            return -1;
        c->kind = (tally_kind)k;
        return 0;
    case TALLY_F_SUPPLIER:
        return code(c->supplier, s, n);
    case TALLY_F_RECIPIENT:
        return code(c->recipient, s, n);
    case TALLY_F_SOURCE_COUNTRY:
        return code(c->source_country, s, n);
    case TALLY_F_UNIT:
        return short_text ? tally_unit_parse(slug, c) : -1;
    case TALLY_F_QUALIFIER:
        if (!short_text || (k = tally_qualifier_parse(slug)) < 0)
            return -1;
        c->qualifier = (tally_qualifier)k;
        return 0;
    case TALLY_F_SINCE:
        return set_date(&c->since, s, n);
    case TALLY_F_AS_OF:
        return set_date(&c->as_of, s, n);
    case TALLY_F_PER:
        if (n == 0) {
            c->per = TALLY_PER_NONE;
            return 0;
        }
        if (!short_text || (k = tally_per_parse(slug)) < 0)
            return -1;
        c->per = (tally_per)k;
        return 0;
    case TALLY_F_SOURCE:
        c->source = own;
        return 0;
    case TALLY_F_SOURCE_NAME:
        r->source_name = own;
        return 0;
    case TALLY_F_SOURCE_KIND:
        r->source_kind = own;
        return 0;
    case TALLY_F_SOURCE_DETAIL:
        r->source_detail = own;
        return 0;
    case TALLY_F_STATED:
        r->stated = own;
        return 0;
    case TALLY_F_NOTE:
        r->note = own;
        return 0;
    case TALLY_F_URL:
        r->url = own;
        return 0;
    case TALLY_F_TITLE:
        r->title = own;
        return 0;
    case TALLY_F_OUTLET:
        r->outlet = own;
        return 0;
    case TALLY_F_DATE:
        r->date = own;
        return 0;
    case TALLY_F_ITEM:
    case TALLY_F_CALIBER_MM:
    case TALLY_F_LOW:
    case TALLY_F_HIGH:
    case TALLY_F_HEDGED:
    case TALLY_F_ID:
    case TALLY_F_CURATED:
    case TALLY_F_DOC_ID:
    case TALLY_F_SENTENCE_START:
    case TALLY_F_SENTENCE_END:
    case TALLY_F_START:
    case TALLY_F_END:
        break;
    }
    return -1;
}

void tally_field_set_number(tally_claim_row *r, tally_field f, bool has, double v, int64_t i)
{
    tally_claim *c = &r->claim;
    switch (f) {
    case TALLY_F_ITEM:
        c->items = has ? (uint32_t)i : 0;
        break;
    case TALLY_F_CALIBER_MM:
        c->caliber_mm = has ? v : 0;
        break;
    case TALLY_F_LOW:
        c->has_low = has;
        c->low = has ? v : 0;
        break;
    case TALLY_F_HIGH:
        c->has_high = has;
        c->high = has ? v : 0;
        break;
    case TALLY_F_HEDGED:
        c->hedged = has && i != 0;
        break;
    case TALLY_F_CURATED:
        r->curated = has && i != 0;
        break;
    case TALLY_F_ID:
        r->id = has ? i : 0;
        break;
    case TALLY_F_DOC_ID:
        r->doc_id = has ? i : 0;
        break;
    case TALLY_F_SENTENCE_START:
        c->sentence_start = has && i > 0 ? (size_t)i : 0;
        break;
    case TALLY_F_SENTENCE_END:
        c->sentence_end = has && i > 0 ? (size_t)i : 0;
        break;
    case TALLY_F_START:
        c->start = has && i > 0 ? (size_t)i : 0;
        break;
    case TALLY_F_END:
        c->end = has && i > 0 ? (size_t)i : 0;
        break;
    default:
        break;
    }
}
