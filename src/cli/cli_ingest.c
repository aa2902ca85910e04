/* tally ingest: documents into the claim store, each once, never half.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tally/ingest.h"
#include "tally/mem.h"
#include "tally/pool.h"
#include "tally/store.h"

void cli_ingest_help(FILE *out)
{
    fputs("Usage: tally ingest [--db DB] [--as txt|md|html] [--date YYYY-MM-DD]\n"
          "                    [--model MODEL | --no-model] [--jobs N] [--no-events]\n"
          "                    PATH...|-\n"
          "\n"
          "Reads documents, extracts their claims and events (tally events) in one\n"
          "pass and stores them in the database, each with its sentence and\n"
          "document. PATH is a file, or a folder read recursively for *.txt, *.md,\n"
          "*.markdown, *.html and *.htm (hidden entries left out; symbolic links\n"
          "followed). A file named *.jsonl, or -\n"
          "(stdin) starting with '{', is a feed: one JSON object a line with \"text\"\n"
          "and optionally \"url\", \"title\", \"outlet\", \"date\" and \"format\".\n"
          "Other input on stdin is one document. A FIFO, device or socket, a\n"
          "dangling link and a link back into a folder being read are reported\n"
          "and count as failed.\n"
          "\n"
          "A document already stored (same URL, or same file, and same content) is\n"
          "left as it is; a changed one replaces its claims and events and keeps its\n"
          "first date.\n"
          "Documents are committed in batches: a killed ingest leaves whole documents\n"
          "only, and running it again completes the set. A document that cannot be\n"
          "read is reported and the rest go in.\n"
          "\n"
          "Options:\n"
          "      --db DB       the database: a file, or a PostgreSQL server's\n"
          "                    postgresql:// URI (default $TALLY_DB, else ./tally.db);\n"
          "                    created when missing\n"
          "      --as FMT      read bodies as txt, md or html (default: by extension,\n"
          "                    else sniffed)\n"
          "      --date DATE   the date of documents that give none\n" CLI_MODEL_HELP
          "                    (into a PostgreSQL server each worker stores on a\n"
          "                    connection of its own: the same rows, ids aside)\n"
          "      --no-events   store claims only (faster; events are not coded)\n"
          "  -q, --quiet       no summary\n"
          "  -h, --help        show this help\n"
          "\n"
          "Prints a summary: documents new, unchanged, replaced and failed, claims and\n"
          "events stored. Exit status 1 when any document failed.\n",
          out);
}

/* Commit after this many documents or bytes, or this many seconds: large
 * enough to amortise the commit, small enough to lose little to a kill. */
enum { BATCH_DOCS = 200, BATCH_BYTES = 32 << 20 };
/* Documents handed to the workers and not stored yet, a worker's share:
 * at most this many, and at most this many bytes (four documents of the
 * largest read whole, as many as a worker could hold before); a document
 * is always handed over when none is. Deep, so that the workers can run
 * ahead of the one writer (a commit, a long document at the head). */
enum { QUEUE_DOCS = 16, QUEUE_BYTES = 4 * TALLY_INGEST_WHOLE };
/* added to a worker's nice value on SQLite (the weight of nice 5 is a
 * third of nice 0's) */
enum { WORKER_NICE = 5 };
/* free memory a heap keeps (mallopt's M_TRIM_THRESHOLD) */
enum { TRIM_THRESHOLD = 32 << 20 };
#define BATCH_SECONDS 2.0

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void writers_committed(struct cli_ingest_run *r, size_t *docs, size_t *claims);
static void checkpoint_due(struct cli_ingest_run *r);

static void show_progress(struct cli_ingest_run *r, bool last)
{
    if (!r->progress)
        return;
    double t = now();
    if (!last && t - r->last_progress < 0.2)
        return;
    r->last_progress = t;
    size_t docs =
        r->n_new + r->n_unchanged + r->n_replaced + r->n_failed + r->b_new + r->b_replaced;
    size_t claims = r->n_claims + r->b_claims;
    writers_committed(r, &docs, &claims);
    fprintf(stderr, "\rtally ingest: %zu documents, %zu claims%s", docs, claims,
            last ? "\r\033[K" : "");
}

/* Ends the open batch: what it stored counts once committed; when it cannot
 * be (`ok` false, or the commit fails) it is rolled back, its documents are
 * reported and counted as failed, and the run stops. */
static int end_batch(struct cli_ingest_run *r, bool ok)
{
    tally_err err = {0};
    if (r->in_tx && ok && tally_store_commit(r->s, &err) != 0) {
        cli_errorf("%s", err.msg);
        ok = false;
    } else if (r->in_tx && ok) {
        checkpoint_due(r);
    }
    if (r->in_tx && !ok) {
        tally_store_rollback(r->s);
        size_t lost = r->b_new + r->b_replaced;
        if (lost > 0)
            cli_errorf("the batch of %zu document%s from %s on was not stored: counted as failed",
                       lost, lost == 1 ? "" : "s", r->b_first != NULL ? r->b_first : "?");
        r->n_failed += lost;
        r->fatal = true;
    } else {
        r->n_new += r->b_new;
        r->n_replaced += r->b_replaced;
        r->n_claims += r->b_claims;
        r->n_events += r->b_events;
    }
    r->b_new = r->b_replaced = r->b_claims = r->b_events = 0;
    free(r->b_first_copy);
    r->b_first_copy = NULL;
    r->b_first = NULL;
    r->in_tx = false;
    r->batch_docs = r->batch_bytes = 0;
    return ok ? CLI_OK : CLI_FAIL;
}

/* ---- SQLite with workers: the log copied apart ---------------------------

   The one writer commits and goes on storing; a thread of its own copies
   the write-ahead log into the database after each commit, and waits for
   the disk there, while the workers still have the writer to hand their
   documents to. */

struct cli_checkpointer {
    tally_store *s; /* its own connection */
    bool threaded;  /* else the writer's thread checkpoints after each commit */
    pthread_t thread;
    pthread_mutex_t lock; /* guards what follows */
    pthread_cond_t wake;
    bool due, stop;
};

static void checkpoint(struct cli_checkpointer *c)
{
    /* a checkpoint that fails leaves the log as it is, for the next one,
     * or for the last connection to close, to copy */
    tally_err err = {0};
    bool copied = tally_store_checkpoint(c->s, &err) == 0;
    (void)copied;
}

static void *checkpoint_loop(void *arg)
{
    struct cli_checkpointer *c = arg;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        while (!c->due && !c->stop)
            pthread_cond_wait(&c->wake, &c->lock);
        if (!c->due) /* stopped, and nothing left to copy */
            break;
        c->due = false;
        pthread_mutex_unlock(&c->lock);
        checkpoint(c);
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* Copies the log apart from here on; when that cannot be, the writer's
 * connection keeps copying it itself (slower only). */
static void checkpointer_start(struct cli_ingest_run *r)
{
    tally_store *cp = NULL;
    tally_err err = {0};
    if (tally_store_checkpoint_apart(r->s, &cp, &err) != 0 || cp == NULL)
        return;
    struct cli_checkpointer *c = tally_xcalloc(1, sizeof *c);
    c->s = cp;
    r->checkpointer = c;
    if (pthread_mutex_init(&c->lock, NULL) != 0)
        return;
    if (pthread_cond_init(&c->wake, NULL) != 0) {
        pthread_mutex_destroy(&c->lock);
        return;
    }
    c->threaded = pthread_create(&c->thread, NULL, checkpoint_loop, c) == 0;
    if (!c->threaded) {
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->lock);
    }
}

/* Sets `flag` (c->due or c->stop) for the checkpointer's thread. */
static void checkpointer_tell(struct cli_checkpointer *c, bool *flag)
{
    pthread_mutex_lock(&c->lock);
    *flag = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
}

/* After a commit: the log is copied (on the checkpointer's thread). */
static void checkpoint_due(struct cli_ingest_run *r)
{
    struct cli_checkpointer *c = r->checkpointer;
    if (c != NULL && c->threaded)
        checkpointer_tell(c, &c->due);
    else if (c != NULL)
        checkpoint(c);
}

/* Waits for the last copy, and closes the checkpointer's connection. */
static void checkpointer_stop(struct cli_ingest_run *r)
{
    struct cli_checkpointer *c = r->checkpointer;
    if (c == NULL)
        return;
    if (c->threaded) {
        checkpointer_tell(c, &c->stop);
        pthread_join(c->thread, NULL);
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->lock);
    }
    tally_store_close(c->s);
    free(c);
    r->checkpointer = NULL;
}

/* A document on its way: its bytes count towards the batch's, and the
 * queue's until it is stored. */
struct ingest_job {
    tally_ingest_doc *d;
    size_t len;
    /* stored by a worker on a connection of its own (a server's): what
     * came of it, counted here in input order */
    struct inflight *fl;
    bool skipped; /* not stored: a batch failed before it */
    int rc;
    tally_err err;
    tally_ingest_result res;
};

/* ---- a server: a writer per worker ------------------------------------------

   On a server each worker identifies, extracts and stores a document on its
   own connection, and commits its own batches (at the limits of a batch,
   before it waits, and when it finds no work). The main thread reads the
   documents and prints what came of each in input order. Each document is
   "in flight" from when it is read to the commit of what it wrote; before
   one is stored it waits until every earlier one is identified and those of
   the same key or the same content are committed. So a key's versions are
   written in input order and a copy finds its original stored, as in one
   sequential ingest; and since a worker that waits holds no transaction,
   and one with no work commits, no worker waits forever. */

/* A document in flight, in input order (`seq`). */
struct inflight {
    unsigned long long seq;
    unsigned worker;
    bool identified, stored;
    char *key, *hash; /* NULL when it stores nothing */
    struct inflight *prev, *next;
};

/* A worker's connection and its open batch (the worker's own). */
struct writer {
    tally_store *s;
    bool in_tx;
    double batch_start;
    size_t batch_docs, batch_bytes;
    size_t b_new, b_replaced, b_claims, b_events;
    char *b_first;
};

struct cli_writers {
    pthread_mutex_t lock; /* guards what follows `w` */
    pthread_cond_t turn;  /* a document in flight identified or forgotten */
    struct writer *w;
    unsigned n;
    struct inflight *first, *last; /* in input order */
    unsigned long long next_seq;
    size_t n_new, n_replaced, n_claims, n_events, n_lost; /* committed; lost with a batch */
    char **msgs; /* batch failures, for the main thread to print */
    size_t n_msgs;
    bool stop; /* a batch failed: no more documents are stored */
};

static void writers_say(struct cli_writers *ws, const char *msg)
{
    ws->msgs = tally_xrealloc(ws->msgs, (ws->n_msgs + 1) * sizeof *ws->msgs);
    ws->msgs[ws->n_msgs++] = tally_xstrdup(msg);
}

/* Drops `f` from the documents in flight (lock held). */
static void forget(struct cli_writers *ws, struct inflight *f)
{
    *(f->prev != NULL ? &f->prev->next : &ws->first) = f->next;
    *(f->next != NULL ? &f->next->prev : &ws->last) = f->prev;
    free(f->key);
    free(f->hash);
    free(f);
    pthread_cond_broadcast(&ws->turn);
}

/* Ends worker `wi`'s batch, on its thread (or the main thread's once the
 * workers stopped): committed when `ok`, else (or when the commit fails)
 * rolled back, its documents counted as failed and the run stopped. */
static void writer_end(struct cli_writers *ws, unsigned wi, bool ok)
{
    struct writer *w = &ws->w[wi];
    if (!w->in_tx)
        return;
    tally_err err = {0};
    bool failed = ok && tally_store_commit(w->s, &err) != 0;
    if (failed || !ok)
        tally_store_rollback(w->s);
    pthread_mutex_lock(&ws->lock);
    if (failed)
        writers_say(ws, err.msg);
    if (ok && !failed) {
        ws->n_new += w->b_new;
        ws->n_replaced += w->b_replaced;
        ws->n_claims += w->b_claims;
        ws->n_events += w->b_events;
    } else {
        size_t lost = w->b_new + w->b_replaced;
        if (lost > 0) {
            char msg[sizeof err.msg + 128];
            snprintf(msg, sizeof msg,
                     "the batch of %zu document%s from %s on was not stored: counted as failed",
                     lost, lost == 1 ? "" : "s", w->b_first != NULL ? w->b_first : "?");
            writers_say(ws, msg);
        }
        ws->n_lost += lost;
        ws->stop = true;
    }
    for (struct inflight *f = ws->first, *next; f != NULL; f = next) {
        next = f->next;
        if (f->worker == wi && f->stored)
            forget(ws, f);
    }
    pthread_mutex_unlock(&ws->lock);
    free(w->b_first);
    *w = (struct writer){.s = w->s};
}

/* Whether `f` must wait for the earlier `e`: `e` is not identified yet, or
 * has the same key or content. */
static bool waits_for(const struct inflight *f, const struct inflight *e)
{
    return !e->identified ||
           (e->key != NULL && (strcmp(e->key, f->key) == 0 || strcmp(e->hash, f->hash) == 0));
}

/* A worker's job on a server: the whole document, on its own connection. */
static void store_job(void *job, void *ctx, unsigned worker)
{
    struct cli_ingest_run *r = ctx;
    struct cli_writers *ws = r->writers;
    struct writer *w = &ws->w[worker];
    struct ingest_job *j = job;
    struct inflight *f = j->fl;
    tally_ingest_identify(j->d);
    const char *key = tally_ingest_key(j->d);
    pthread_mutex_lock(&ws->lock);
    f->worker = worker;
    f->identified = true;
    if (key != NULL && !ws->stop) {
        f->key = tally_xstrdup(key);
        f->hash = tally_xstrdup(tally_ingest_hash(j->d));
    }
    pthread_cond_broadcast(&ws->turn);
    bool stop = ws->stop;
    pthread_mutex_unlock(&ws->lock);
    if (!stop)
        tally_ingest_extract(j->d, w->s);
    /* its turn: what it must follow is committed */
    pthread_mutex_lock(&ws->lock);
    for (;;) {
        const struct inflight *e = f;
        if (f->key != NULL && !ws->stop)
            for (e = ws->first; e != f && !waits_for(f, e); e = e->next)
                ;
        if (e == f)
            break;
        if (w->in_tx) { /* what it holds may be what another waits for */
            pthread_mutex_unlock(&ws->lock);
            writer_end(ws, worker, true);
            pthread_mutex_lock(&ws->lock);
        } else {
            pthread_cond_wait(&ws->turn, &ws->lock);
        }
    }
    j->skipped = ws->stop;
    if (j->skipped)
        forget(ws, f);
    pthread_mutex_unlock(&ws->lock);
    if (j->skipped)
        return;
    j->rc = w->in_tx ? 0 : tally_store_begin(w->s, &j->err);
    if (j->rc == 0 && !w->in_tx) {
        w->in_tx = true;
        w->batch_start = now();
    } else if (j->rc != 0) { /* the database failed: the run stops, as with one writer */
        pthread_mutex_lock(&ws->lock);
        ws->stop = true;
        forget(ws, f);
        pthread_mutex_unlock(&ws->lock);
        return;
    }
    if (j->rc == 0)
        j->rc = tally_ingest_put(w->s, j->d, &j->res, &j->err);
    bool stored = j->rc == 0 && j->res.status != TALLY_DOC_UNCHANGED;
    if (stored) {
        w->b_new += j->res.status == TALLY_DOC_NEW;
        w->b_replaced += j->res.status == TALLY_DOC_REPLACED;
        w->b_claims += j->res.claims;
        w->b_events += j->res.events;
        if (w->b_first == NULL)
            w->b_first = tally_xstrdup(tally_ingest_origin(j->d));
    }
    if (j->rc == 0) {
        w->batch_docs++;
        w->batch_bytes += j->len;
    }
    pthread_mutex_lock(&ws->lock);
    if (stored)
        f->stored = true; /* forgotten when its batch ends */
    else
        forget(ws, f);
    pthread_mutex_unlock(&ws->lock);
    if (j->rc == TALLY_ESTORE)
        writer_end(ws, worker, false);
    else if (w->batch_docs >= BATCH_DOCS || w->batch_bytes >= BATCH_BYTES ||
             now() - w->batch_start >= BATCH_SECONDS)
        writer_end(ws, worker, true);
}

/* What a worker does when it finds no work: it commits. */
static void idle_job(void *ctx, unsigned worker)
{
    struct cli_ingest_run *r = ctx;
    writer_end(r->writers, worker, true);
}

/* Opens a connection for each of `n` workers: NULL (with a warning) when
 * one cannot be opened. */
static struct cli_writers *writers_open(struct cli_ingest_run *r, unsigned n)
{
    struct cli_writers *ws = tally_xcalloc(1, sizeof *ws);
    ws->w = tally_xcalloc(n, sizeof *ws->w);
    tally_err err = {0};
    for (; ws->n < n; ws->n++)
        if (tally_store_open(r->db, TALLY_STORE_WRITE, &ws->w[ws->n].s, &err) != 0)
            break;
    if (ws->n < n || pthread_mutex_init(&ws->lock, NULL) != 0) {
        cli_warnf("%s; documents are stored by one writer",
                  err.msg[0] != '\0' ? err.msg : "no lock");
        for (unsigned i = 0; i < ws->n; i++)
            tally_store_close(ws->w[i].s);
        free(ws->w);
        free(ws);
        return NULL;
    }
    if (pthread_cond_init(&ws->turn, NULL) != 0) {
        pthread_mutex_destroy(&ws->lock);
        for (unsigned i = 0; i < ws->n; i++)
            tally_store_close(ws->w[i].s);
        free(ws->w);
        free(ws);
        cli_warnf("no condition variable; documents are stored by one writer");
        return NULL;
    }
    return ws;
}

/* Adds what the workers committed so far to `docs` and `claims`. */
static void writers_committed(struct cli_ingest_run *r, size_t *docs, size_t *claims)
{
    struct cli_writers *ws = r->writers;
    if (ws == NULL)
        return;
    pthread_mutex_lock(&ws->lock);
    *docs += ws->n_new + ws->n_replaced + ws->n_lost;
    *claims += ws->n_claims;
    pthread_mutex_unlock(&ws->lock);
}

/* Prints the batch failures the workers met (main thread). */
static void writers_report(struct cli_ingest_run *r)
{
    struct cli_writers *ws = r->writers;
    pthread_mutex_lock(&ws->lock);
    for (size_t i = 0; i < ws->n_msgs; i++) {
        cli_errorf("%s", ws->msgs[i]);
        free(ws->msgs[i]);
    }
    ws->n_msgs = 0;
    if (ws->stop)
        r->fatal = true;
    pthread_mutex_unlock(&ws->lock);
}

/* After the workers stopped: every batch ends, counts join the run's, the
 * connections close. */
static void writers_close(struct cli_ingest_run *r)
{
    struct cli_writers *ws = r->writers;
    for (unsigned i = 0; i < ws->n; i++)
        writer_end(ws, i, true);
    writers_report(r);
    r->n_new += ws->n_new;
    r->n_replaced += ws->n_replaced;
    r->n_claims += ws->n_claims;
    r->n_events += ws->n_events;
    r->n_failed += ws->n_lost;
    while (ws->first != NULL)
        forget(ws, ws->first);
    for (unsigned i = 0; i < ws->n; i++)
        tally_store_close(ws->w[i].s);
    free(ws->w);
    free(ws->msgs);
    pthread_cond_destroy(&ws->turn);
    pthread_mutex_destroy(&ws->lock);
    free(ws);
    r->writers = NULL;
}

/* Counts, in input order, a document a worker stored. */
static void count_doc(struct cli_ingest_run *r, struct ingest_job *j)
{
    writers_report(r);
    tally_ingest_doc *d = j->d;
    if (j->skipped) {
        /* not stored: counts as not read */
    } else if (j->rc != 0) {
        cli_errorf("%s", j->err.msg);
        r->n_failed++;
    } else {
        if (j->res.invalid_utf8 > 0)
            cli_warnf("%s: %zu invalid UTF-8 sequence%s replaced by U+FFFD", tally_ingest_origin(d),
                      j->res.invalid_utf8, j->res.invalid_utf8 == 1 ? "" : "s");
        cli_warn_cut_sentences(tally_ingest_origin(d), j->res.cut_sentences);
        r->n_unchanged += j->res.status == TALLY_DOC_UNCHANGED;
    }
    free(j);
    tally_ingest_free(d);
    show_progress(r, false);
}

/* Stores a document read earlier, in the order read, and counts it. */
static void put_doc(struct cli_ingest_run *r, struct ingest_job *j)
{
    if (j->fl != NULL) {
        count_doc(r, j);
        return;
    }
    tally_ingest_doc *d = j->d;
    size_t len = j->len;
    free(j);
    if (r->fatal) { /* the run stopped: it counts as not read */
        tally_ingest_free(d);
        return;
    }
    tally_err err = {0};
    if (!r->in_tx) {
        if (tally_store_begin(r->s, &err) != 0) {
            cli_errorf("%s", err.msg);
            r->n_failed++;
            r->fatal = true;
            tally_ingest_free(d);
            return;
        }
        r->in_tx = true;
        r->batch_start = now();
    }
    tally_ingest_result res;
    int rc = tally_ingest_put(r->s, d, &res, &err);
    if (rc != 0) {
        cli_errorf("%s", err.msg);
        r->n_failed++;
        /* the database itself failed: the batch cannot go on */
        if (rc == TALLY_ESTORE)
            end_batch(r, false);
        tally_ingest_free(d);
        return;
    }
    if (res.invalid_utf8 > 0)
        cli_warnf("%s: %zu invalid UTF-8 sequence%s replaced by U+FFFD", tally_ingest_origin(d),
                  res.invalid_utf8, res.invalid_utf8 == 1 ? "" : "s");
    cli_warn_cut_sentences(tally_ingest_origin(d), res.cut_sentences);
    switch (res.status) {
    case TALLY_DOC_NEW:
        r->b_new++;
        break;
    case TALLY_DOC_UNCHANGED: /* nothing to store: stays so, whatever the batch */
        r->n_unchanged++;
        break;
    case TALLY_DOC_REPLACED:
        r->b_replaced++;
        break;
    }
    if (res.status != TALLY_DOC_UNCHANGED && r->b_first == NULL)
        r->b_first = r->b_first_copy = tally_xstrdup(tally_ingest_origin(d));
    r->b_claims += res.claims;
    r->b_events += res.events;
    r->batch_docs++;
    r->batch_bytes += len;
    if (r->batch_docs >= BATCH_DOCS || r->batch_bytes >= BATCH_BYTES ||
        now() - r->batch_start >= BATCH_SECONDS)
        end_batch(r, true);
    show_progress(r, false);
    tally_ingest_free(d);
}

/* What a worker does: a document's identity and claims, apart from the
 * store being written. On its first document a worker yields the CPU to
 * the one writer, the pipeline's slowest stage: on Linux the nice value is
 * the calling thread's, and the scheduler then gives the writer a core of
 * its own while three threads share two (elsewhere the whole process is
 * niced: slower only against other programs). */
static void extract_job(void *job, void *ctx, unsigned worker)
{
    const struct cli_ingest_run *r = ctx;
    if (worker < r->n_hints && !r->yielded[worker]) {
        r->yielded[worker] = true;
        errno = 0;
        int nice = getpriority(PRIO_PROCESS, 0);
        if (errno == 0)
            (void)setpriority(PRIO_PROCESS, 0, nice + WORKER_NICE);
    }
    tally_ingest_extract(((struct ingest_job *)job)->d,
                         worker < r->n_hints ? r->hints[worker] : NULL);
}

/* Stores the oldest document handed to the workers, once they are done
 * with it: false when none is waiting. */
static bool put_next(struct cli_ingest_run *r)
{
    struct ingest_job *j = r->pool != NULL ? tally_pool_take(r->pool) : NULL;
    if (j == NULL)
        return false;
    r->queued_bytes -= j->len;
    put_doc(r, j);
    return true;
}

/* Stores every document handed to the workers. */
static void drain(struct cli_ingest_run *r)
{
    while (put_next(r))
        ;
}

static void start_pool(struct cli_ingest_run *r, unsigned jobs)
{
    if (r->writers != NULL) {
        r->pool = tally_pool_new(jobs, 4 * jobs, store_job, idle_job, r);
        r->queue_budget = SIZE_MAX;
        return;
    }
    r->pool = tally_pool_new(jobs, QUEUE_DOCS * jobs, extract_job, NULL, r);
    r->queue_budget = QUEUE_BYTES * (size_t)jobs;
    /* a worker's handle of its own: a failure costs speed only */
    r->hints = tally_xcalloc(tally_pool_workers(r->pool), sizeof *r->hints);
    r->yielded = tally_xcalloc(tally_pool_workers(r->pool), sizeof *r->yielded);
    for (unsigned i = 0; !tally_pool_threaded(r->pool) && i < tally_pool_workers(r->pool); i++)
        r->yielded[i] = true; /* the writer's own thread: never lowered */
    for (tally_err err = {0}; r->n_hints < tally_pool_workers(r->pool); r->n_hints++)
        if (tally_store_reopen(r->s, &r->hints[r->n_hints], &err) != 0)
            r->hints[r->n_hints] = NULL;
}

/* A document read now, or (`later`: a small regular file, with workers) by
 * the worker that identifies it. */
static void ingest_doc(struct cli_ingest_run *r, tally_ingest_input *in, bool later)
{
    in->extract = &r->extract;
    in->no_events = r->no_events;
    in->format = r->opts.format;
    in->date = r->date;
    struct ingest_job *j = tally_xcalloc(1, sizeof *j);
    j->d = later ? tally_ingest_read_later(in) : tally_ingest_read(in);
    j->len = in->len;
    if (r->pool == NULL || tally_ingest_borrows(j->d)) {
        drain(r); /* in order: what was handed over first */
        struct cli_writers *ws = r->writers;
        unsigned jobs = ws != NULL ? ws->n : 0;
        if (ws != NULL) { /* the workers' batches first: nothing in flight */
            tally_pool_free(r->pool);
            r->pool = NULL;
            for (unsigned i = 0; i < ws->n; i++)
                writer_end(ws, i, true);
            writers_report(r);
        }
        put_doc(r, j);
        if (ws != NULL) { /* committed at once: later ones may wait for it */
            end_batch(r, !r->fatal);
            start_pool(r, jobs);
        }
        return;
    }
    if (r->writers != NULL) {
        struct cli_writers *ws = r->writers;
        struct inflight *f = tally_xcalloc(1, sizeof *f);
        pthread_mutex_lock(&ws->lock);
        f->seq = ws->next_seq++;
        f->prev = ws->last;
        *(ws->last != NULL ? &ws->last->next : &ws->first) = f;
        ws->last = f;
        pthread_mutex_unlock(&ws->lock);
        j->fl = f;
    }
    while (tally_pool_full(r->pool) ||
           (r->queued_bytes > 0 && r->queued_bytes + j->len > r->queue_budget))
        put_next(r);
    r->queued_bytes += j->len;
    tally_pool_put(r->pool, j);
}

void cli_ingest_doc(struct cli_ingest_run *r, tally_ingest_input *in)
{
    ingest_doc(r, in, false);
}

/* The short name of a feed item: from its URL, else "feed-LINE". */
static char *feed_name(const char *url, size_t line)
{
    if (url != NULL)
        return tally_url_name(url);
    char buf[32];
    snprintf(buf, sizeof buf, "feed-%zu", line);
    return tally_xstrdup(buf);
}

static const char *json_field(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A feed: one JSON object a line. */
static void ingest_feed(struct cli_ingest_run *r, FILE *f, const char *label)
{
    char *line = NULL;
    size_t cap = 0, no = 0;
    ssize_t got;
    while (!r->fatal && (got = getline(&line, &cap, f)) != -1) {
        no++;
        size_t n = (size_t)got;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        size_t lead = 0;
        while (lead < n && (line[lead] == ' ' || line[lead] == '\t'))
            lead++;
        if (lead == n)
            continue;
        char origin[512];
        snprintf(origin, sizeof origin, "%s:%zu", label, no);
        json_error_t jerr;
        json_t *o = json_loadb(line, n, 0, &jerr);
        const char *text = o != NULL ? json_field(o, "text") : NULL;
        const char *format = o != NULL ? json_field(o, "format") : NULL;
        int fmt = format != NULL ? tally_format_parse(format) : (int)r->opts.format;
        if (o == NULL || !json_is_object(o) || text == NULL || fmt < 0) {
            cli_errorf("%s: %s", origin,
                       o == NULL            ? jerr.text
                       : !json_is_object(o) ? "not a JSON object"
                       : text == NULL       ? "no \"text\" string"
                                            : "\"format\" is not txt, md or html");
            r->n_failed++;
            json_decref(o);
            continue;
        }
        char *name = feed_name(json_field(o, "url"), no);
        tally_ingest_input in = {
            .data = text,
            .len = strlen(text),
            .name = name,
            .origin = origin,
            .meta = {json_field(o, "url"), json_field(o, "title"), json_field(o, "outlet"),
                     json_field(o, "date")},
        };
        tally_format saved = r->opts.format;
        r->opts.format = (tally_format)fmt;
        cli_ingest_doc(r, &in);
        r->opts.format = saved;
        free(name);
        json_decref(o);
    }
    if (ferror(f)) {
        cli_errorf("%s: read error", label);
        r->n_failed++;
    }
    free(line);
}

/* A temporary file holding the rest of `in` (stdin), at its start; NULL
 * with a message when it cannot be made. */
static FILE *copy_to_temp(FILE *in, const char *label)
{
    FILE *t = tmpfile();
    if (t == NULL) {
        cli_errorf("%s: cannot make a temporary file: %s", label, strerror(errno));
        return NULL;
    }
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, t) != n) {
            cli_errorf("%s: writing a temporary file: %s", label, strerror(errno));
            fclose(t);
            return NULL;
        }
    if (ferror(in)) {
        cli_errorf("%s: read error", label);
        fclose(t);
        return NULL;
    }
    return t;
}

static bool has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcmp(path + n - e, ext) == 0;
}

static bool is_document(const char *name)
{
    /* not .jsonl: a folder of articles often holds other JSON Lines (gold
     * claims, extractor output); feeds are named one by one */
    static const char *const exts[] = {".txt", ".md", ".markdown", ".html", ".htm"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (has_ext(name, exts[i]))
            return true;
    return false;
}

/* The folders being read, from the one given down to the current one: a
 * symbolic link to one of them is a loop. */
struct walk {
    dev_t dev;
    ino_t ino;
    const struct walk *up;
};

static void ingest_path(struct cli_ingest_run *r, const char *path, bool explicit,
                        const struct walk *up);

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Reports an input that is not read, and counts it as failed. */
static void skipped(struct cli_ingest_run *r, const char *path, const char *why)
{
    cli_errorf("%s: %s", path, why);
    r->n_failed++;
}

/* A folder: its documents and subfolders in name order, hidden ones left out. */
static void ingest_dir(struct cli_ingest_run *r, const char *path, const struct walk *w)
{
    struct dirent **list = NULL;
    int n = scandir(path, &list, NULL, by_name);
    if (n < 0) {
        cli_errorf("%s: %s", path, strerror(errno));
        r->n_failed++;
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *e = list[i]->d_name;
        if (e[0] != '.' && !r->fatal) {
            size_t len = strlen(path) + strlen(e) + 2;
            char *child = tally_xmalloc(len);
            snprintf(child, len, "%s%s%s", path, has_ext(path, "/") ? "" : "/", e);
            ingest_path(r, child, false, w);
            free(child);
        }
        free(list[i]);
    }
    free(list);
}

/* A path given, or met in a folder (`explicit` false): a folder is walked,
 * a document read. Symbolic links are followed; whatever cannot be read is
 * reported and counted as failed: a dangling link, a link back into a
 * folder being read (a loop), and a FIFO, device or socket, given or
 * named as a document (opening a FIFO would wait for a writer, a device
 * may never end). In a folder, entries not named as documents are not
 * inputs at all. */
static void ingest_path(struct cli_ingest_run *r, const char *path, bool explicit,
                        const struct walk *up)
{
    struct stat st;
    if (strcmp(path, "-") != 0) {
        if (stat(path, &st) != 0) {
            int e = errno;
            struct stat lst;
            if (!explicit && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
                skipped(r, path,
                        e == ELOOP ? "a loop of symbolic links" : "a dangling symbolic link");
            else
                skipped(r, path, strerror(e));
            return;
        }
        if (S_ISDIR(st.st_mode)) {
            for (const struct walk *w = up; w != NULL; w = w->up)
                if (w->dev == st.st_dev && w->ino == st.st_ino) {
                    skipped(r, path, "a link back into a folder being read (a loop)");
                    return;
                }
            struct walk here = {st.st_dev, st.st_ino, up};
            ingest_dir(r, path, &here);
            return;
        }
        if (!explicit && !is_document(path))
            return;
        if (cli_check_mode(path, st.st_mode) != CLI_OK) {
            r->n_failed++;
            return;
        }
        /* with workers, a small document's bytes are read by its worker:
         * the one writer's thread only walks the folders */
        if (r->pool != NULL && S_ISREG(st.st_mode) && !has_ext(path, ".jsonl") &&
            st.st_size <= TALLY_INGEST_WHOLE) {
            char *name = tally_doc_name(path);
            tally_ingest_input in = {
                .len = (size_t)st.st_size, .name = name, .origin = path, .path = path};
            ingest_doc(r, &in, true);
            free(name);
            return;
        }
    }
    bool is_stdin = strcmp(path, "-") == 0;
    const char *label = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        cli_errorf("%s: %s", path, strerror(errno));
        r->n_failed++;
        return;
    }
    bool feed = has_ext(path, ".jsonl");
    if (is_stdin) {
        int c;
        while ((c = getc(f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
            ;
        if (c != EOF)
            ungetc(c, f);
        feed = c == '{';
    }
    if (feed) {
        ingest_feed(r, f, label);
    } else {
        /* the pipeline reads the file twice, a piece at a time: stdin is
         * copied to a temporary file first, never held in memory */
        FILE *doc = is_stdin ? copy_to_temp(f, label) : f;
        long len = doc != NULL && fseek(doc, 0, SEEK_END) == 0 ? ftell(doc) : -1;
        if (doc == NULL || len < 0 || fseek(doc, 0, SEEK_SET) != 0) {
            if (doc != NULL)
                cli_errorf("%s: %s", label, strerror(errno));
            r->n_failed++;
        } else {
            char *name = is_stdin ? tally_xstrdup("stdin") : tally_doc_name(path);
            tally_ingest_input in = {.file = doc,
                                     .len = (size_t)len,
                                     .name = name,
                                     .origin = label,
                                     .path = is_stdin ? NULL : path};
            cli_ingest_doc(r, &in);
            free(name);
        }
        if (doc != NULL && doc != f)
            fclose(doc);
    }
    if (!is_stdin)
        fclose(f);
}

int cli_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},   {"as", required_argument, NULL, 'a'},
        {"date", required_argument, NULL, 'd'}, {"quiet", no_argument, NULL, 'q'},
        {"no-events", no_argument, NULL, 'E'},  CLI_MODEL_OPTIONS,
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    struct cli_ingest_run r = {0};
    tally_learn_model *model = NULL;
    const char *db = NULL;
    bool quiet = false;
    tally_output unused = TALLY_OUTPUT_JSON; /* (ingest takes no --format) */
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        if (ch == 'D') {
            db = optarg;
        } else if (ch == 'd') {
            tally_date d;
            if (tally_date_parse(optarg, strlen(optarg), &d) != 0)
                return cli_usagef("ingest", "bad date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)", optarg);
            r.date = optarg;
        } else if (ch == 'q') {
            quiet = true;
        } else if (ch == 'E') {
            r.no_events = true;
        } else {
            int rc = cli_model_option("ingest", ch, &r.extract, &model);
            if (rc == CLI_UNHANDLED)
                rc = cli_common_option("ingest", ch, argv, &unused, &r.opts, cli_ingest_help);
            if (rc != CLI_CONTINUE) {
                tally_learn_model_free(model);
                return rc == CLI_UNHANDLED ? cli_usagef("ingest", "unknown option") : rc;
            }
        }
    }
    if (optind >= argc) {
        tally_learn_model_free(model);
        return cli_usagef("ingest", "no input: give files, folders, or - for stdin");
    }
    /* Freed memory stays with the process, up to this much a heap: each
     * document's arenas and model state are freed and allocated again, and
     * glibc would hand the pages back each time (madvise on a worker's
     * heap, brk on the main one) and take page faults to get them back,
     * a third of the CPU time of --jobs 2. */
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    int rc = cli_ingest_start(&r, db);
    /* --jobs N: documents extracted on N workers, stored here in order; a
     * document read alone (past 1 MiB) may use N threads of its own */
    unsigned jobs = r.extract.threads > 0 ? r.extract.threads : tally_cores();
    /* on a server each worker stores on a connection of its own */
    if (rc == CLI_OK && jobs > 1 && tally_store_many_writers(r.s))
        r.writers = writers_open(&r, jobs);
    if (rc == CLI_OK && jobs > 1)
        start_pool(&r, jobs);
    if (rc == CLI_OK && jobs > 1 && r.writers == NULL)
        checkpointer_start(&r);
    for (int i = optind; rc == CLI_OK && i < argc && !r.fatal; i++)
        ingest_path(&r, argv[i], true, NULL);
    if (rc == CLI_OK)
        rc = cli_ingest_finish(&r, quiet);
    tally_learn_model_free(model);
    return rc;
}

int cli_ingest_start(struct cli_ingest_run *r, const char *db)
{
    r->db = cli_db_path(db);
    tally_err err = {0};
    /* the one writer allocates about 370 times a document: without the
     * statistics' mutex, 8 % fewer of its instructions */
    tally_store_lean_process();
    if (tally_store_open(r->db, TALLY_STORE_WRITE, &r->s, &err) != 0)
        return cli_store_failed(&err);
    /* it writes through tally_store_put_* only */
    if (tally_store_trust_checks(r->s, &err) != 0) {
        tally_store_close(r->s);
        r->s = NULL;
        return cli_store_failed(&err);
    }
    r->progress = isatty(STDERR_FILENO);
    return CLI_OK;
}

int cli_ingest_finish(struct cli_ingest_run *r, bool quiet)
{
    tally_err err = {0};
    drain(r);
    tally_pool_free(r->pool);
    r->pool = NULL;
    if (r->writers != NULL)
        writers_close(r);
    for (unsigned i = 0; i < r->n_hints; i++)
        tally_store_close(r->hints[i]);
    free(r->hints);
    r->hints = NULL;
    free(r->yielded);
    r->yielded = NULL;
    r->n_hints = 0;
    end_batch(r, !r->fatal);
    if (r->fatal)
        cli_errorf("stopped: the database failed, and what was not read yet was left");
    if (!r->fatal && r->n_claims > 0 && tally_store_analyze(r->s, &err) != 0)
        cli_warnf("%s", err.msg); /* queries still work, maybe slower */
    checkpointer_stop(r);
    show_progress(r, true);
    /* the database as tally_store_name shows it: a server's, without password */
    if (!quiet)
        cli_printf("%s: documents: %zu new, %zu unchanged, %zu replaced, %zu failed; claims: %zu "
                   "stored; events: %zu stored\n",
                   tally_store_name(r->s), r->n_new, r->n_unchanged, r->n_replaced, r->n_failed,
                   r->n_claims, r->n_events);
    tally_store_close(r->s);
    r->s = NULL;
    if (fflush(stdout) != 0)
        r->fatal = true;
    return r->fatal || r->n_failed > 0 ? CLI_FAIL : CLI_OK;
}
