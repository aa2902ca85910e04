/* tally: text wrapped into the 80 columns of a table (see wrap.h).
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "wrap.h"

#include <stdio.h>
#include <string.h>

#include "tally/json.h"
#include "tally/visible.h"

void tally_wrap_word(tally_wrap *w, const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return;
    if (!w->fresh && w->col + 1 + n > TALLY_WRAP_COLUMNS) {
        tally_buf_printf(w->b, "\n%*s", (int)w->indent, "");
        w->col = w->indent;
    } else if (!w->fresh) {
        tally_json_raw(w->b, " ");
        w->col++;
    }
    tally_json_raw(w->b, s);
    w->col += n;
    w->fresh = false;
}

void tally_wrap_text(tally_wrap *w, const char *s)
{
    char word[TALLY_WRAP_COLUMNS + 1], shown[4 * TALLY_WRAP_COLUMNS + 1];
    while (*s != '\0') {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (n == 0)
            break;
        snprintf(word, sizeof word, "%.*s", (int)n, s);
        tally_wrap_word(w, tally_visible_str(shown, sizeof shown, word));
        s += n;
    }
}

void tally_wrap_end(tally_wrap *w)
{
    tally_json_raw(w->b, "\n");
    w->col = 0;
    w->fresh = true;
}
