/* tally: an ordered pool of worker threads. Jobs are handed in one order
 * and taken back, done, in the same order: the work runs on several
 * threads, the results are used by one (a writer) as if it had done them
 * itself. Memory is bounded: at most `depth` jobs are handed in and not
 * yet taken back. Owned by src/base/. */
#ifndef TALLY_POOL_H
#define TALLY_POOL_H

#include <stdbool.h>

typedef struct tally_pool tally_pool;

/** What a worker does to a job (`ctx` is the pool's): on worker thread
 *  `worker` (0 to tally_pool_workers - 1; 0 too when the caller's thread
 *  does the work), which does one job at a time, so that a worker may use
 *  what is its own (a database connection) without a lock. */
typedef void (*tally_pool_fn)(void *job, void *ctx, unsigned worker);

/** What a worker does when it has done jobs and finds none to start,
 *  before it waits for one (a writer commits what it holds, so that no
 *  one waits on it): on worker thread `worker`. */
typedef void (*tally_pool_idle_fn)(void *ctx, unsigned worker);

/** A pool of `workers` threads doing `fn` (and `idle`, may be NULL) with
 *  at most `depth` (>= 1) jobs waiting. With `workers` 0, or when no thread
 *  can be started, jobs are done by tally_pool_put itself on the caller's
 *  thread (the same results; `idle` is never called). Aborts when memory
 *  runs out. Free with tally_pool_free. */
tally_pool *tally_pool_new(unsigned workers, unsigned depth, tally_pool_fn fn,
                           tally_pool_idle_fn idle, void *ctx);

/** The number of workers (threads started; 1 when the caller's thread
 *  does the work): `worker` of tally_pool_fn is below it. */
unsigned tally_pool_workers(const tally_pool *p);

/** Whether jobs run on threads of the pool's own (else on the caller's). */
bool tally_pool_threaded(const tally_pool *p);

/** Whether `depth` jobs are waiting: tally_pool_take one before the next put. */
bool tally_pool_full(const tally_pool *p);

/** Hands `job` over (not when full: abort). */
void tally_pool_put(tally_pool *p, void *job);

/** The oldest job handed over, once done; NULL when none waits. */
void *tally_pool_take(tally_pool *p);

/** Stops the workers (after the jobs they are doing) and frees the pool;
 *  jobs not taken back are not returned: take them all first. Accepts NULL. */
void tally_pool_free(tally_pool *p);

/** The number of cores online (at least 1, at most 64). */
unsigned tally_cores(void);

#endif
