/* inverter_pool.h - documents analysed and inverted by N threads, each into
 * its own inverter, which is spilled as a sorted run when it outgrows its
 * share of the memory budget. The records are handed out in batches; which
 * thread inverts which batch does not matter, as the merge orders every
 * term's postings by record. With one thread there are no threads at all. */
#ifndef CARI_INDEXER_INVERTER_POOL_H
#define CARI_INDEXER_INVERTER_POOL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "cari.h"
#include "core/buf.h"
#include "indexer/docstore_writer.h"
#include "indexer/inverter.h"
#include "indexer/run_file.h"

struct pool_batch;

struct pool_worker {
    struct inverter_pool *pool;
    unsigned index;
    cari_analyzer *analyzer;
    inverter inv;
    uint32_t generation; /* of inv: one more at each spill, 0 never */
    uint32_t *order;     /* inv's terms in key order, sorted by the thread at its end */
    unsigned nspills;
    pthread_t thread;
    int started;
    pthread_t releaser; /* freeing inv, when `releasing` */
    int releasing;
    int rc;         /* the first failure of this worker, with its message */
    char msg[512];
};

typedef struct inverter_pool {
    unsigned nworkers;
    struct pool_worker *workers;
    size_t worker_budget; /* bytes of one inverter before it is spilled */
    char *run_prefix;     /* "INDEX.run-PID-" */
    char **runs;          /* paths of the run files spilled so far */
    size_t nruns, runs_cap;

    uint32_t *lengths; /* per record: token positions (valid after finish) */
    size_t lengths_cap;

    /* Documents of BATCH_LENT bytes or more (inverter_pool.c): the bytes of
     * the copies that may wait or be analysed at once, and those now (under
     * the lock); for the tests, how many were copied and how many lent, and
     * the most bytes of copies at once. */
    size_t large_cap, large_in_flight;
    size_t large_copied, large_lent, large_peak;

    pthread_mutex_t lock;
    pthread_cond_t work, done;
    int locks_ready, stopping, failed;
    struct pool_batch *ready_head, *ready_tail, *free_list, *filling;
    struct pool_batch *batches;
    size_t nbatches;
} inverter_pool;

/* `threads` >= 1; `budget` is the memory all inverters may hold together,
 * `large_cap` what copies of large documents may hold beside them. */
int inverter_pool_init(inverter_pool *p, const char *index_path, unsigned threads, size_t budget,
                       size_t large_cap);

/* Inverts the title and text fields of record `record` (records come in
 * order 0, 1, 2...). The fields may be reused when this returns. */
int inverter_pool_add(inverter_pool *p, uint32_t record, const struct stored_field *fields,
                      size_t nfields);

/* Waits for every record; afterwards p->lengths is complete. Once any run
 * was spilled, the inverters are spilled too (so that the merge holds
 * little), and runs beyond what is merged at once are merged into fewer. */
int inverter_pool_finish(inverter_pool *p);

/* Cursors over every run and every inverter still in memory (caller closes
 * each and frees the array). */
int inverter_pool_cursors(inverter_pool *p, run_cursor **out, size_t *n);

/* Once nothing reads the inverters any more (cursors over them may still
 * be closed): frees them, each on a thread of its own (so the frees of
 * each worker's malloc arena go on side by side), beside the caller's last
 * writes and sync, with threads; with one thread, inverter_pool_free does. */
void inverter_pool_release(inverter_pool *p);

/* Waits for inverter_pool_release's thread, if any. */
void inverter_pool_release_wait(inverter_pool *p);

/* Stops the threads and removes the run files. */
void inverter_pool_free(inverter_pool *p);

#endif
