/* placeholder: being written */
#include "tally/figure.h"

int tally_figures_scan(tally_span text, tally_figures *out, tally_arena *a, tally_err *err)
{
    (void)text, (void)a, (void)err;
    out->v = NULL;
    out->n = 0;
    return 0;
}

const char *tally_qualifier_name(tally_qualifier q)
{
    static const char *const names[] = {"exact",   "about",     "more-than", "at-least",
                                        "up-to",   "less-than", "range"};
    return names[q];
}

const char *tally_figure_kind_name(tally_figure_kind k)
{
    static const char *const names[] = {"number", "money", "percent"};
    return names[k];
}
