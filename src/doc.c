/* placeholder: being written */
#include "tally/doc.h"

#include <string.h>

#include "tally/mem.h"

int tally_format_parse(const char *s)
{
    if (strcmp(s, "txt") == 0)
        return TALLY_FORMAT_TXT;
    return -1;
}

const char *tally_format_name(tally_format f)
{
    (void)f;
    return "txt";
}

int tally_doc_read(FILE *in, const char *name, const tally_doc_opts *opts,
                   const tally_doc_handler *h, tally_doc_stats *stats, tally_err *err)
{
    (void)in, (void)name, (void)opts, (void)h;
    memset(stats, 0, sizeof *stats);
    return tally_err_set(err, TALLY_EINPUT, "not yet");
}

char *tally_doc_name(const char *path)
{
    return tally_xstrdup(path);
}
