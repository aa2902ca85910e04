/* tally: an ordered pool of worker threads (tally/pool.h).
 *
 * The jobs sit in a ring of `depth` slots: `head` is the oldest not taken
 * back, `next` the oldest not started, `count` the jobs between head and
 * the ring's end. A worker starts the job at `next`; the taker waits for
 * the one at `head` to be done. One mutex guards the ring; `work` wakes the
 * workers, `done` the taker (and put, which never waits: the caller checks
 * tally_pool_full).
 *
 * Wake-ups are few: a worker goes on while jobs wait to be started, and
 * one that sleeps is woken only when `wake_at` of them wait (a quarter of
 * the ring), or when the taker waits for the job at `head`; the taker is
 * woken only when that job is done. So with a writer slower than its
 * workers, they work in runs of jobs rather than waking for each one. */
#define _POSIX_C_SOURCE 200809L

#include "tally/pool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tally/mem.h"

struct slot {
    void *job;
    bool done;
};

/* A worker thread's argument: its pool and its index. */
struct worker_arg {
    struct tally_pool *p;
    unsigned index;
};

struct tally_pool {
    tally_pool_fn fn;
    tally_pool_idle_fn idle;
    void *ctx;
    unsigned depth, head, next, count, started; /* `started`: jobs at or after `head` begun */
    unsigned wake_at;                           /* jobs not started that wake a sleeping worker */
    unsigned sleepers;                          /* workers waiting on `work` */
    bool taker_waits; /* the taker waits on `done` for the job at `head` */
    struct slot *ring;
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    bool stop;
    unsigned n_threads;
    pthread_t *threads;
    struct worker_arg *args;
};

unsigned tally_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 1 ? (unsigned)(n < 64 ? n : 64) : 1;
}

static void *worker(void *arg)
{
    tally_pool *p = ((struct worker_arg *)arg)->p;
    unsigned index = ((struct worker_arg *)arg)->index;
    bool busy = false; /* a job done since the last call of `idle` */
    bool awake = true; /* not woken for too few jobs: goes on while any waits */
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        unsigned waiting = p->count - p->started;
        if (waiting > 0 && (awake || waiting >= p->wake_at || p->taker_waits)) {
            struct slot *s = &p->ring[p->next];
            p->next = (p->next + 1) % p->depth;
            p->started++;
            awake = true;
            pthread_mutex_unlock(&p->lock);
            p->fn(s->job, p->ctx, index);
            busy = true;
            pthread_mutex_lock(&p->lock);
            s->done = true;
            if (p->taker_waits && s == &p->ring[p->head])
                pthread_cond_signal(&p->done);
        } else if (busy && p->idle != NULL) {
            busy = false;
            pthread_mutex_unlock(&p->lock);
            p->idle(p->ctx, index);
            pthread_mutex_lock(&p->lock); /* a job may have come meanwhile */
        } else {
            awake = false;
            p->sleepers++;
            pthread_cond_wait(&p->work, &p->lock);
            p->sleepers--;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

tally_pool *tally_pool_new(unsigned workers, unsigned depth, tally_pool_fn fn,
                           tally_pool_idle_fn idle, void *ctx)
{
    tally_pool *p = tally_xcalloc(1, sizeof *p);
    p->fn = fn;
    p->idle = idle;
    p->ctx = ctx;
    p->depth = depth > 0 ? depth : 1;
    p->wake_at = p->depth >= 4 ? p->depth / 4 : 1;
    p->ring = tally_xcalloc(p->depth, sizeof *p->ring);
    if (workers == 0)
        return p;
    if (pthread_mutex_init(&p->lock, NULL) != 0)
        return p;
    if (pthread_cond_init(&p->work, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        return p;
    }
    if (pthread_cond_init(&p->done, NULL) != 0) {
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->lock);
        return p;
    }
    p->threads = tally_xcalloc(workers, sizeof *p->threads);
    p->args = tally_xcalloc(workers, sizeof *p->args);
    for (unsigned i = 0; i < workers; i++)
        p->args[i] = (struct worker_arg){p, i};
    while (p->n_threads < workers &&
           pthread_create(&p->threads[p->n_threads], NULL, worker, &p->args[p->n_threads]) == 0)
        p->n_threads++;
    if (p->n_threads == 0) { /* none started: the caller's thread does the work */
        free(p->threads);
        p->threads = NULL;
        free(p->args);
        p->args = NULL;
        pthread_cond_destroy(&p->done);
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->lock);
    }
    return p;
}

unsigned tally_pool_workers(const tally_pool *p)
{
    return p->n_threads > 0 ? p->n_threads : 1;
}

bool tally_pool_threaded(const tally_pool *p)
{
    return p->n_threads > 0;
}

bool tally_pool_full(const tally_pool *p)
{
    /* only the caller's thread changes `count` */
    return p->count == p->depth;
}

void tally_pool_put(tally_pool *p, void *job)
{
    if (p->count == p->depth) {
        fputs("tally: internal error: tally_pool_put on a full pool\n", stderr);
        abort();
    }
    unsigned at = (p->head + p->count) % p->depth;
    if (p->n_threads == 0) {
        p->fn(job, p->ctx, 0);
        p->ring[at] = (struct slot){job, true};
        p->count++;
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->ring[at] = (struct slot){job, false};
    p->count++;
    if (p->sleepers > 0 && p->count - p->started >= p->wake_at)
        pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
}

void *tally_pool_take(tally_pool *p)
{
    if (p->count == 0)
        return NULL;
    struct slot *s = &p->ring[p->head];
    if (p->n_threads > 0) {
        pthread_mutex_lock(&p->lock);
        if (!s->done) {
            p->taker_waits = true; /* every worker to the jobs not started */
            if (p->sleepers > 0 && p->count > p->started)
                pthread_cond_broadcast(&p->work);
            while (!s->done)
                pthread_cond_wait(&p->done, &p->lock);
            p->taker_waits = false;
        }
    }
    void *job = s->job;
    p->head = (p->head + 1) % p->depth;
    p->count--;
    if (p->n_threads > 0) {
        p->started--;
        pthread_mutex_unlock(&p->lock);
    } else {
        p->next = p->head;
    }
    return job;
}

void tally_pool_free(tally_pool *p)
{
    if (p == NULL)
        return;
    if (p->n_threads > 0) {
        pthread_mutex_lock(&p->lock);
        p->stop = true;
        pthread_cond_broadcast(&p->work);
        pthread_mutex_unlock(&p->lock);
        for (unsigned i = 0; i < p->n_threads; i++)
            pthread_join(p->threads[i], NULL);
        pthread_cond_destroy(&p->done);
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->lock);
        free(p->threads);
        free(p->args);
    }
    free(p->ring);
    free(p);
}
