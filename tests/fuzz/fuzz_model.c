/* Fuzz target: a learned model file (tally_learn_model_parse) of arbitrary
 * bytes. Aborts when a model is accepted that a lookup could run off: every
 * head's rows must be found or missed in place, and its note must end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "learn.h"
#include "tally/learn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* parse copies the bytes into an exact-size buffer of its own */
    tally_learn_model *m = NULL;
    tally_err err = {0};
    int rc = tally_learn_model_parse(data, size, &m, &err);
    if (rc != 0) {
        if (m != NULL || err.msg[0] == '\0')
            abort(); /* a refusal says why and returns nothing */
        return 0;
    }
    if (strlen(tally_learn_model_note(m)) >= size)
        abort();
    /* lookups of any key end, in or out of the table */
    static const uint32_t keys[] = {1, 2, 0x9e3779b9u, 0xffffffffu, 12345};
    for (int h = 0; h < LEARN_N_HEADS; h++)
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (m->head[h].present) {
                const unsigned char *row = learn_row(m, (learn_head)h, keys[i]);
                if (row != NULL)
                    (void)learn_f32(row);
            }
    tally_learn_model_free(m);
    return 0;
}
