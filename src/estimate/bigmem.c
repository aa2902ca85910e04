/* tally: the estimator's large work arrays (stage 4), backed by huge pages
 * where the system offers them on request.
 *
 * Loading and clustering a state's claims touches several hundred MB of
 * fresh memory once (tally rank RUS --to on the million-claim bench
 * database: ~124,000 page faults, a fifth of its CPU time spent in the
 * kernel on this project's virtual machines). With transparent huge pages
 * in "madvise" mode (Debian's default), an array advised MADV_HUGEPAGE is
 * faulted in 2 MB at a time: a quarter of the faults, and fewer TLB misses
 * when the clustering walks it. Elsewhere the advice is a no-op.
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE (Linux) beside POSIX */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "estimate_int.h"
#include "tally/mem.h"

/* smaller arrays are left alone: advice splits a mapping */
enum { BIG_MIN = 4 << 20 };

void big_advise(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (p == NULL || bytes < BIG_MIN)
        return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)p + page - 1) / page * page;
    uintptr_t hi = ((uintptr_t)p + bytes) / page * page;
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice: failure is harmless */
#else
    (void)p;
    (void)bytes;
#endif
}

void *big_malloc(size_t bytes)
{
    void *p = tally_xmalloc(bytes);
    big_advise(p, bytes);
    return p;
}

void *big_calloc(size_t n, size_t size)
{
    size_t bytes = n * size;
    if (size != 0 && bytes / size != n)
        return tally_xcalloc(n, size); /* aborts with its message */
    void *p = big_malloc(bytes);
    memset(p, 0, bytes);
    return p;
}

void *big_realloc(void *p, size_t bytes)
{
    p = tally_xrealloc(p, bytes);
    big_advise(p, bytes);
    return p;
}
