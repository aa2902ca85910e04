/* Fuzz target: a claim's JSON line (tally_score_claim_parse), strict as for
 * gold files and not, as for predictions. Aborts when a refusal leaves
 * anything allocated or says nothing, or an accepted strict claim lacks
 * what strictness promises (a sentence, a unit, a kind, a value). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/score.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = fuzz_copy(data, size);
    for (int strict = 0; strict < 2; strict++) {
        tally_score_claim c;
        char *doc = NULL;
        tally_err err = {0};
        int rc = tally_score_claim_parse(line, size, strict, &c, &doc, &err);
        if (rc != 0) {
            if (doc != NULL || c.sentence != NULL || err.msg[0] == '\0')
                abort();
            continue;
        }
        if (strict && (c.sentence == NULL || c.unit == NULL || c.kind == NULL ||
                       !(c.has_low || c.has_high) || c.items == NULL))
            abort();
        /* a claim agrees with itself on everything */
        for (int a = 0; a < TALLY_SCORE_N_ATTRS; a++)
            if (!tally_score_attr_ok((tally_score_attr)a, &c, &c, NULL) && a != TALLY_SCORE_HIGH &&
                a != TALLY_SCORE_CALIBER)
                abort();
        tally_score_claim_clear(&c);
        free(doc);
    }
    free(line);
    return 0;
}
