/* tally: a small unit-test harness. Each test binary lists its tests in a
 * table and calls harness_run; the last line printed is
 * "tests: N passed, N failed, N skipped", which CI reads. */
#ifndef TALLY_HARNESS_H
#define TALLY_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/mem.h"

struct harness_test {
    const char *name;
    void (*fn)(void);
};

struct harness_state {
    int failures; /* failures in the current test */
    int skipped;  /* set by SKIP() */
};

static struct harness_state harness_now;

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #expr);               \
            harness_now.failures++;                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                                         \
    do {                                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                      \
        if (va_ != vb_) {                                                                          \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b,  \
                    va_, vb_);                                                                     \
            harness_now.failures++;                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_DBL_EQ(a, b)                                                                         \
    do {                                                                                           \
        double va_ = (double)(a), vb_ = (double)(b);                                               \
        double d_ = va_ - vb_;                                                                     \
        if (d_ < 0)                                                                                \
            d_ = -d_;                                                                              \
        if (d_ > 1e-9 * (vb_ < 0 ? -vb_ : vb_) + 1e-12) {                                          \
            fprintf(stderr, "%s:%d: %s == %s failed: %.17g != %.17g\n", __FILE__, __LINE__, #a,    \
                    #b, va_, vb_);                                                                 \
            harness_now.failures++;                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                                         \
    do {                                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                                         \
        if (sa_ == NULL || sb_ == NULL || strcmp(sa_, sb_) != 0) {                                 \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a,  \
                    #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                               \
            harness_now.failures++;                                                                \
        }                                                                                          \
    } while (0)

/* Compares a span (ptr, len) with a NUL-terminated string. */
#define CHECK_SPAN_EQ(span, s)                                                                     \
    do {                                                                                           \
        tally_span sp_ = (span);                                                                   \
        const char *ss_ = (s);                                                                     \
        if (sp_.len != strlen(ss_) || memcmp(sp_.ptr, ss_, sp_.len) != 0) {                        \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%.*s\" != \"%s\"\n", __FILE__, __LINE__,    \
                    #span, #s, (int)sp_.len, sp_.ptr, ss_);                                        \
            harness_now.failures++;                                                                \
        }                                                                                          \
    } while (0)

#define SKIP(why)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "skipped: %s\n", why);                                                     \
        harness_now.skipped = 1;                                                                   \
        return;                                                                                    \
    } while (0)

/* Runs the tests of `tests` (ended by a {NULL, NULL} entry); returns the exit status. */
static inline int harness_run(const struct harness_test *tests)
{
    int passed = 0, failed = 0, skipped = 0;
    for (const struct harness_test *t = tests; t->name != NULL; t++) {
        harness_now.failures = 0;
        harness_now.skipped = 0;
        t->fn();
        if (harness_now.failures > 0) {
            fprintf(stderr, "FAIL %s\n", t->name);
            failed++;
        } else if (harness_now.skipped) {
            skipped++;
        } else {
            passed++;
        }
    }
    printf("tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed > 0 ? 1 : 0;
}

/* The shared folder: $TALLY_SHARED when set (a test run can point it
 * elsewhere, or at nothing), else $TALLY_SHARED_DEFAULT (CTest sets it to
 * ../shared beside the checkout); NULL when neither is set. Tests that need
 * it SKIP when it is NULL or holds nothing. */
static inline const char *harness_shared(void)
{
    const char *s = getenv("TALLY_SHARED");
    if (s == NULL || s[0] == '\0')
        s = getenv("TALLY_SHARED_DEFAULT");
    return s != NULL && s[0] != '\0' ? s : NULL;
}

#endif
