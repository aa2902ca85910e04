/* tally: the fields of a claim (the model). One table says, for each field,
 * its JSON key (which is also its CSV heading), its SQL column in the
 * store, its table heading and width, and in which records it appears.
 * The JSON, CSV and table writers (src/present), the store's query
 * (src/store/query.c) and the dashboard's columns (GET /api/meta) all read
 * it, so a field is added in one place. Owned by src/model/field.c. */
#ifndef TALLY_FIELD_H
#define TALLY_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tally/claim.h"

/** What a field holds. */
typedef enum tally_field_type {
    TALLY_FT_TEXT,   /* a string (a name, a sentence); null when empty */
    TALLY_FT_CODE,   /* a slug of the model's tables (a kind, a unit or currency code): ASCII
                        letters and '-', written without escaping; null when empty */
    TALLY_FT_DATE,   /* a partial date; null when none */
    TALLY_FT_NUMBER, /* a number; null when absent */
    TALLY_FT_INT,    /* a whole number (an id, an offset) */
    TALLY_FT_BOOL,
    TALLY_FT_ITEMS /* the set of items: a JSON array, ';'-joined in CSV and SQL */
} tally_field_type;

/** The records a field belongs to (bits of tally_field_info.in). */
enum {
    TALLY_IN_CLAIM = 1u << 0, /* a claim as CLAIMS.md defines it: tally extract */
    TALLY_IN_ROW = 1u << 1,   /* a stored claim: tally claims, GET /api/claims */
    TALLY_IN_CLAIMS = TALLY_IN_CLAIM | TALLY_IN_ROW
};

/* The fields in JSON order (CLAIMS.md's first): X(ENUM, key, type, in, SQL
 * column, table heading, table width, table truncation, CSV rank). A
 * negative width pads on the right (text), a positive one on the left
 * (numbers); truncation 0 keeps the whole value; a heading of NULL leaves
 * the field out of tables; the table's column of width 0 comes last (cut in
 * its middle to fit 80 columns). The table's "figure" column is the low
 * field's: the whole figure for people (tally/number.h), its qualifier,
 * ends and unit; JSON and CSV keep low, high, qualifier and unit raw. CSV
 * columns (tally claims --format csv, the dashboard's download) go by rank,
 * the analyst's order: id, dates, states, what, how much, who, where from.
 * Fields in no record are the provenance the store reads back for its own
 * use. */
#define TALLY_FIELDS(X)                                                                            \
    X(DOC, "doc", TEXT, TALLY_IN_CLAIMS, "d.name", NULL, 0, 0, 20)                                 \
    X(SENTENCE, "sentence", TEXT, TALLY_IN_CLAIMS, "NULL", NULL, 0, 0, 25)                         \
    X(TEXT, "text", TEXT, TALLY_IN_CLAIMS, "c.text", NULL, 0, 0, 24)                               \
    X(KIND, "kind", CODE, TALLY_IN_CLAIMS, "c.kind", "kind", -11, 0, 6)                            \
    X(SUPPLIER, "supplier", TEXT, TALLY_IN_CLAIMS, "c.supplier", "sup", -3, 0, 4)                  \
    X(RECIPIENT, "recipient", TEXT, TALLY_IN_CLAIMS, "c.recipient", "rec", -3, 0, 5)               \
    X(ITEM, "item", ITEMS, TALLY_IN_CLAIMS, "c.items", NULL, 0, 0, 7)                              \
    X(CALIBER_MM, "caliber_mm", NUMBER, TALLY_IN_CLAIMS, "c.caliber_mm", NULL, 0, 0, 8)            \
    X(UNIT, "unit", CODE, TALLY_IN_CLAIMS, "c.unit", NULL, 0, 0, 9)                                \
    X(LOW, "low", NUMBER, TALLY_IN_CLAIMS, "c.low", "figure", 24, 0, 11)                           \
    X(HIGH, "high", NUMBER, TALLY_IN_CLAIMS, "c.high", NULL, 0, 0, 12)                             \
    X(QUALIFIER, "qualifier", CODE, TALLY_IN_CLAIMS, "c.qualifier", NULL, 0, 0, 10)                \
    X(SINCE, "since", DATE, TALLY_IN_CLAIMS, "c.since", NULL, 0, 0, 13)                            \
    X(AS_OF, "as_of", DATE, TALLY_IN_CLAIMS, "c.as_of", "as_of", -10, 0, 14)                       \
    X(SOURCE, "source", TEXT, TALLY_IN_CLAIMS, "coalesce(c.source_written, s.name)", "source", 0,  \
      0, 15)                                                                                       \
    X(SOURCE_COUNTRY, "source_country", TEXT, TALLY_IN_CLAIMS, "s.country", NULL, 0, 0, 17)        \
    X(HEDGED, "hedged", BOOL, TALLY_IN_CLAIMS, "c.hedged", "h", 1, 0, 18)                          \
    X(PER, "per", CODE, TALLY_IN_CLAIMS, "c.per", NULL, 0, 0, 27)                                  \
    X(ID, "id", INT, TALLY_IN_ROW, "c.id", NULL, 0, 0, 1)                                          \
    X(SOURCE_NAME, "source_name", TEXT, TALLY_IN_ROW, "s.name", NULL, 0, 0, 28)                    \
    X(SOURCE_KIND, "source_kind", TEXT, TALLY_IN_ROW, "s.kind", NULL, 0, 0, 16)                    \
    X(SOURCE_DETAIL, "source_detail", TEXT, TALLY_IN_ROW, "c.source_detail", NULL, 0, 0, 29)       \
    X(STATED, "stated", TEXT, TALLY_IN_ROW, "c.stated", NULL, 0, 0, 3)                             \
    X(NOTE, "note", TEXT, TALLY_IN_ROW, "c.note", NULL, 0, 0, 26)                                  \
    X(CURATED, "curated", BOOL, TALLY_IN_ROW, "d.curated", NULL, 0, 0, 19)                         \
    X(URL, "url", TEXT, TALLY_IN_ROW, "d.url", NULL, 0, 0, 23)                                     \
    X(TITLE, "title", TEXT, TALLY_IN_ROW, "d.title", NULL, 0, 0, 21)                               \
    X(OUTLET, "outlet", TEXT, TALLY_IN_ROW, "d.outlet", NULL, 0, 0, 22)                            \
    X(DATE, "date", TEXT, TALLY_IN_ROW, "d.date", NULL, 0, 0, 2)                                   \
    X(DOC_ID, "doc_id", INT, 0, "d.id", NULL, 0, 0, 0)                                             \
    X(SENTENCE_START, "sentence_start", INT, 0, "c.sentence_start", NULL, 0, 0, 0)                 \
    X(SENTENCE_END, "sentence_end", INT, 0, "c.sentence_end", NULL, 0, 0, 0)                       \
    X(START, "start", INT, 0, "c.start", NULL, 0, 0, 0)                                            \
    X(END, "end", INT, 0, "c.end", NULL, 0, 0, 0)

typedef enum tally_field {
#define TALLY_X(e, key, type, in, sql, head, width, trunc, csv) TALLY_F_##e,
    TALLY_FIELDS(TALLY_X)
#undef TALLY_X
} tally_field;

/** The number of fields. */
#define TALLY_X(e, key, type, in, sql, head, width, trunc, csv) +1
enum { TALLY_F_N = 0 TALLY_FIELDS(TALLY_X) };
#undef TALLY_X

/** One row of the table. */
typedef struct tally_field_info {
    const char *key; /* JSON key and CSV heading */
    tally_field_type type;
    unsigned in;       /* TALLY_IN_* bits */
    const char *sql;   /* its expression in the store's claim query ("NULL": read otherwise) */
    const char *head;  /* table heading; NULL: not in tables */
    int width;         /* table width: < 0 pads right, > 0 pads left, 0 the last, free column */
    int trunc;         /* table truncation; 0: none */
    int csv;           /* rank among the CSV columns, from 1; 0: none */
    char json_key[24]; /* ,"key": as a JSON writer puts it before the value, padded */
    size_t json_key_len;
} tally_field_info;

/** The table, one row a field (tally_field_info_of(f) is &tally_fields[f]):
 *  static, read-only, for writers that go through every field of every
 *  claim. */
extern const tally_field_info tally_fields[];

/** The fields of records `in` in CSV order: fills `out` (TALLY_F_N
 *  entries) and returns how many. */
size_t tally_field_csv_order(unsigned in, tally_field *out);

/** The row of field `f` (f < TALLY_F_N). */
const tally_field_info *tally_field_info_of(tally_field f);

/** A field's value in a record, for the writers. */
typedef struct tally_value {
    bool null;
    const char *s; /* TEXT and DATE: the bytes (not always NUL-terminated) */
    size_t len;
    double num;     /* NUMBER */
    int64_t i;      /* INT */
    bool b;         /* BOOL */
    uint32_t items; /* ITEMS */
    char buf[16];   /* storage for a formatted date */
} tally_value;

/** The value of field `f` of `r`. Strings are borrowed from `r` (or `v`). */
void tally_field_get(const tally_claim_row *r, tally_field f, tally_value *v);

/** Sets field `f` of `r` from text `s` (NULL or empty: absent) as the store
 *  or a CSV file holds it: a slug, a code, a date. Strings are borrowed.
 *  Returns 0, or -1 when `s` is no value of the field (the field is then
 *  left as it was). For NUMBER, INT, BOOL and ITEMS fields use
 *  tally_field_set_number. */
int tally_field_set_text(tally_claim_row *r, tally_field f, const char *s, size_t len);
/** Sets a NUMBER, INT, BOOL or ITEMS field (`has` false: absent). */
void tally_field_set_number(tally_claim_row *r, tally_field f, bool has, double v, int64_t i);

#endif
