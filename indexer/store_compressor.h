/* store_compressor.h - turns the document store's uncompressed blocks into
 * zstd frames in the STORE section, in the order they come, and builds the
 * STORE_INDEX and STORE_DICT sections.
 *
 * The first blocks (STORE_HELD_BYTES of them) are held back: records spread
 * over them are the sample a zstd dictionary is trained on, and every frame,
 * those first ones included, is then compressed with that dictionary. The sample
 * depends on the documents only, so the bytes are the same for any thread
 * count. With `threaded`, blocks are compressed on a thread of their own (one
 * thread writes, so the frames stay in order) while the caller reads on; up
 * to STORE_HELD_BYTES of copied blocks wait for it (less under a small
 * memory budget), so the caller is not held up while the thread
 * trains the dictionary and compresses the held blocks; then the bound comes
 * down to 4 MiB. Once the dictionary is trained, a caller that finds the
 * queue full compresses its block into a frame itself (the same calls, the
 * same bytes) and queues that for the thread to write, so that at -j2 the
 * compression of the store is not one thread's work. */
#ifndef CARI_INDEXER_STORE_COMPRESSOR_H
#define CARI_INDEXER_STORE_COMPRESSOR_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "indexer/file_writer.h"
#include "indexer/store_held.h"

/* Blocks held back for the dictionary, the sample taken from them, and the
 * dictionary's size: zstd's own advice is a sample of about 100 times the
 * dictionary. Holding more than the sample reaches further into a corpus
 * whose first documents are all of one kind. */
#define STORE_HELD_BYTES ((size_t)32 << 20)
#define STORE_SAMPLE_BYTES ((size_t)8 << 20)
#define STORE_DICT_BYTES ((size_t)256 << 10)

struct store_queued; /* a block waiting for the thread */

typedef struct store_compressor {
    int level;
    size_t block_hint;
    void *cctx;  /* ZSTD_CCtx */
    void *cdict; /* ZSTD_CDict, once trained (NULL: none, or not yet) */
    buf dict;    /* the dictionary's bytes, for STORE_DICT */
    int sampled; /* the sample is complete: frames are written from now on */
    store_held held; /* blocks held back for the sample */
    buf frame;   /* compressed output, a piece at a time */
    buf index;   /* STORE_INDEX entries so far */
    uint32_t nblocks, total_records, max_block_bytes;
    uint64_t store_bytes;

    /* the thread, when threaded */
    int threaded, locks_ready, started, stopping, busy, rc;
    char msg[512];
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    struct store_queued *free_list, *queue_head, *queue_tail;
    size_t nspares;      /* on free_list */
    size_t queued_bytes; /* of the blocks in the queue and the one being taken */
    size_t queue_bound;  /* the caller waits while queued_bytes is this much or more */
    size_t queue_training; /* the bound until the sample is written */
    int help_ready;      /* the thread is past the sample: the caller may compress */
    void *help_cctx;     /* the caller's ZSTD_CCtx for the frames it compresses */
    buf help_scratch;    /* its output, a piece at a time */
    size_t helped;       /* frames the caller compressed (tests) */
    int help_always;     /* tests: the caller compresses whenever it may, full queue or not */
    size_t peak_queued, peak_steady; /* the most queued_bytes was, before the bound
                                        came down to its steady value and after (tests) */
    file_writer *fw; /* where the thread writes; the caller does not touch it meanwhile */
} store_compressor;

/* zstd's compression parameters (ZSTD_compressionParameters, field for
 * field) for blocks of about `block` bytes and a dictionary of `dict`, at
 * `level`; see store_compressor.c for why. */
struct store_params {
    unsigned window_log, chain_log, hash_log, search_log, min_match, target_length;
    int strategy; /* ZSTD_strategy */
};
void store_block_params(int level, size_t block, size_t dict, struct store_params *out);

/* `block_hint`: the usual size of a block, which the dictionary's
 * compression parameters are chosen for. `memory`: the writer's budget,
 * which the held blocks and the queue keep within (STORE_HELD_BYTES each
 * from 256 MiB; below, the held blocks packed and an eighth of it queued:
 * more time, the same bytes). */
int store_compressor_init(store_compressor *sc, int level, size_t block_hint, int threaded,
                          size_t memory, file_writer *fw);
void store_compressor_free(store_compressor *sc);

/* Takes the block made of `pieces` (copied, or compressed before returning). */
int store_compressor_add(store_compressor *sc, const struct store_piece *pieces, size_t n,
                         size_t total);

/* Like store_compressor_add, but never copies: waits for the blocks before
 * it and compresses this one on the caller's thread (for a block far larger
 * than the others, one large document). */
int store_compressor_add_now(store_compressor *sc, const struct store_piece *pieces, size_t n,
                             size_t total);

/* Writes every block still held or queued and stops the thread; call inside
 * the STORE section. */
int store_compressor_finish(store_compressor *sc);

/* Writes the STORE_INDEX section and, when there is a dictionary, STORE_DICT. */
void store_compressor_write_sections(store_compressor *sc, file_writer *fw);

#endif
