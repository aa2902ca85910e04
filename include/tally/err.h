/* tally: error values and messages shared by every module. */
#ifndef TALLY_ERR_H
#define TALLY_ERR_H

#if defined(__GNUC__) || defined(__clang__)
#define TALLY_MUST_CHECK __attribute__((warn_unused_result))
#define TALLY_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TALLY_MUST_CHECK
#define TALLY_PRINTF(f, a)
#endif

/** Error codes: fallible functions return 0 or one of these (all negative). */
enum {
    TALLY_OK = 0,
    TALLY_ENOMEM = -1,    /* allocation failed (most paths abort instead) */
    TALLY_EIO = -2,       /* reading or writing a file failed */
    TALLY_EINPUT = -3,    /* the input is not what it should be */
    TALLY_ELIMIT = -4,    /* a size limit was reached */
    TALLY_EUSAGE = -5,    /* a caller passed an invalid argument */
    TALLY_ESTOP = -6,     /* a callback asked to stop */
    TALLY_ESTORE = -7,    /* the database failed (full disk, damaged file, locked) */
    TALLY_ENOTFOUND = -8, /* no such thing: a database, a claim, a series with no claims */
    TALLY_ESERVER = -9    /* a database server cannot be used: down, refusing, a newer schema */
};

/** A caller-owned error: the code and a message naming the problem. */
typedef struct tally_err {
    int code;
    char msg[256];
} tally_err;

/** Fills `e` (if not NULL) with `code` and a printf-style message; returns `code`. */
int tally_err_set(tally_err *e, int code, const char *fmt, ...) TALLY_PRINTF(3, 4);

/** Returns a short constant name for `code` ("out of memory", ...). */
const char *tally_err_name(int code);

#endif
