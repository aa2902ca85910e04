/* tally command line: one way to print a claim (stage 5), shared by the
 * commands that print claims (extract, claims). */
#ifndef TALLY_CLAIM_OUT_H
#define TALLY_CLAIM_OUT_H

#include <stdio.h>

#include "tally/claim.h"
#include "tally/mem.h"

/** Appends the CLAIMS.md object of `k` without its closing brace:
 *  {"doc":...,"sentence":...,...,"hedged":B — so a command can add fields.
 *  `sentence` and `text` may be NULL (printed as null). */
void claim_json_fields(tally_buf *l, const tally_claim *k, const char *doc, const char *sentence,
                       size_t sentence_len, const char *text, size_t text_len);

/** The table's column heads, and one row of `k` (with a newline). */
void claim_table_head(FILE *out);
void claim_table_row(tally_buf *l, const tally_claim *k, const char *doc);

/** Appends `s` as a JSON string, or null when NULL or empty. */
void json_str_or_null(tally_buf *l, const char *s);

#endif
