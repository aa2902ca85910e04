/* tally: time expressions (stage 2, extract). Relative expressions ("since
 * last September", "on Monday") resolve against the document date; the
 * dates themselves are the model's (tally/date.h). */
#ifndef TALLY_WHEN_H
#define TALLY_WHEN_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/date.h"
#include "tally/err.h"
#include "tally/mem.h"

/** What a time expression says about the figures near it. */
typedef enum tally_when_role {
    TALLY_WHEN_SINCE, /* start of the period: "since August", "from January" */
    TALLY_WHEN_AS_OF, /* when it was true or stated: "on Monday", "by October", "in late February"
                       */
    TALLY_WHEN_SPAN   /* a whole period: "in 2023", "last year" (since and as_of both) */
} tally_when_role;

/** One time expression. Offsets are bytes into the scanned text, end
 *  exclusive. For TALLY_WHEN_SPAN, `date` is the start and `end_date` the end
 *  ("in 2023": 2023 and 2023; "between March and May 2024"). */
typedef struct tally_when {
    size_t start;
    size_t end;
    tally_when_role role;
    tally_date date;
    tally_date end_date;
} tally_when;

typedef struct tally_whens {
    tally_when *v; /* lives in the arena */
    size_t n;
} tally_whens;

/** Finds the time expressions in `text` (valid UTF-8) and resolves them
 *  against `doc_date` (which may be partial or empty: then relative
 *  expressions that need it are left out). Past resolution: "last September"
 *  and "in September" written in February 2024 are 2023-09; "on Monday" is
 *  the latest Monday on or before the document date (a report dated on a
 *  Monday that says "on Monday" means that day), "last Monday" the one
 *  before. The rules are listed in src/extract/when.c. Returns 0. */
int tally_when_scan(tally_span text, tally_date doc_date, tally_whens *out, tally_arena *a,
                    tally_err *err) TALLY_MUST_CHECK;

#endif
