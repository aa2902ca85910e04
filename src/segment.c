/* placeholder: being written */
#include "tally/segment.h"

int tally_segment(tally_span text, tally_sentences *out, tally_arena *a, tally_err *err)
{
    (void)text, (void)a, (void)err;
    out->v = NULL;
    out->n = 0;
    return 0;
}
