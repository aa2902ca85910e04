/* tally: error values and their messages (include/tally/err.h). Part of base:
 * includes only the C library and base's own headers. */
#include "tally/err.h"

#include <stdarg.h>
#include <stdio.h>

int tally_err_set(tally_err *e, int code, const char *fmt, ...)
{
    if (e != NULL) {
        va_list ap;
        va_start(ap, fmt);
        e->code = code;
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

const char *tally_err_name(int code)
{
    switch (code) {
    case TALLY_OK:
        return "ok";
    case TALLY_ENOMEM:
        return "out of memory";
    case TALLY_EIO:
        return "input/output error";
    case TALLY_EINPUT:
        return "invalid input";
    case TALLY_ELIMIT:
        return "size limit reached";
    case TALLY_EUSAGE:
        return "invalid argument";
    case TALLY_ESTOP:
        return "stopped";
    case TALLY_ESTORE:
        return "database error";
    case TALLY_ENOTFOUND:
        return "not found";
    case TALLY_ESERVER:
        return "database server unusable";
    default:
        return "unknown error";
    }
}
