/* store_compressor.c - see store_compressor.h. Each block is one zstd frame
 * with its content size and checksum, so the reader can bound and verify it. */
#define ZDICT_STATIC_LINKING_ONLY /* ZDICT_trainFromBuffer_fastCover: fixed parameters, fast */
#define ZSTD_STATIC_LINKING_ONLY
#include "indexer/store_compressor.h"

#include <zdict.h>
#include <zstd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/endian.h"
#include "core/error.h"
#include "core/format.h"

/* Bytes of blocks copied and waiting for the thread before the caller
 * waits. Until the sample is written, queue_training. Riding out
 * the dictionary's training and the compression of the held blocks (the
 * thread's longest stretch, most of a second in which the caller goes on
 * reading for the analysers instead of leaving a processor idle) takes as
 * much as is held for the sample (with half of it, at -j2 on the corpus, the
 * analysers ran out of documents and stopped for up to a second; with all of
 * it, for a few tenths on a loaded machine): that much unless the memory
 * budget is small (SMALL_BUDGET). Then the bound comes down by half of
 * every block the thread takes, to the steady one (even when the thread
 * never gets ahead), so that what is left to compress after the last
 * document, while the commit waits for the STORE section, stays a few
 * hundredths of a second. A few emptied copies are kept for reuse. */
#define QUEUE_BYTES_STEADY ((size_t)4 << 20)
enum { QUEUE_SPARES = 4 };

/* Under a budget this small, the held blocks are packed and the queue is
 * an eighth of it (store_compressor_init): the two took 64 MiB, which a
 * budget of 96M at -j 2 could not spare. */
#define SMALL_BUDGET ((size_t)256 << 20)

/* Below this much sample, a dictionary would cost more than it saves. */
#define MIN_SAMPLE_BYTES ((size_t)64 << 10)

/* A block waiting for the thread: its copy, or (`helped`) the frame the
 * caller compressed from it while the queue was full, for the thread to
 * write in its turn. */
struct store_queued {
    buf block;
    buf frame;
    size_t total;     /* the block's bytes */
    uint32_t records; /* its records, when helped */
    size_t counted;   /* its bytes in queued_bytes */
    int helped;
    struct store_queued *next;
};

/* ---- frames ---- */

/* Adds the STORE_INDEX entry of a frame of `written` bytes just written. */
static int note_frame(store_compressor *sc, uint64_t written, size_t total, uint32_t records)
{
    buf_u64(&sc->index, sc->store_bytes);
    buf_u32(&sc->index, sc->total_records);
    buf_u32(&sc->index, 0);
    sc->store_bytes += written;
    sc->nblocks++;
    if (total > sc->max_block_bytes)
        sc->max_block_bytes = (uint32_t)total;
    sc->total_records += records;
    return sc->index.rc != 0 ? sc->index.rc : sc->fw->rc;
}

/* Compresses the pieces, `total` bytes, as one frame written to the file,
 * and adds its STORE_INDEX entry; pieces[0] starts with the record count. */
static int write_frame(store_compressor *sc, const struct store_piece *pieces, size_t n,
                       size_t total)
{
    uint64_t written;
    int rc = store_frame_compress(sc->cctx, pieces, n, total, &sc->frame, sc->fw, NULL, &written);
    return rc != 0 ? rc : note_frame(sc, written, total, le32_load(pieces[0].data));
}

/* Writes a frame the caller compressed. */
static int write_helped(store_compressor *sc, const struct store_queued *q)
{
    file_writer_write(sc->fw, q->frame.data, q->frame.len);
    return note_frame(sc, q->frame.len, q->total, q->records);
}

/* ---- the dictionary ---- */

/* The sample: every `stride`-th record of the held blocks, copied back to
 * back into `sample`, each one a sample of its own. */
static int gather_sample(store_compressor *sc, size_t stride, buf *sample, size_t **out,
                         unsigned *count)
{
    size_t n = 0, cap = 0, k = 0, len;
    size_t *sizes = NULL;
    const uint8_t *at;
    int rc;
    store_held_rewind(&sc->held);
    while ((rc = store_held_next(&sc->held, &at, &len)) == 0) {
        uint32_t nrec = le32_load(at);
        const uint8_t *base = at + 4 + 4 * ((size_t)nrec + 1);
        for (uint32_t r = 0; r < nrec && rc == 0; r++, k++) {
            uint32_t start = le32_load(at + 4 + 4 * (size_t)r), end = le32_load(at + 8 + 4 * (size_t)r);
            if (k % stride != 0)
                continue;
            if ((rc = array_reserve((void **)&sizes, &cap, n + 1, sizeof *sizes)) == 0) {
                buf_append(sample, base + start, end - start);
                sizes[n++] = end - start;
                rc = sample->rc;
            }
        }
        if (rc != 0)
            break;
    }
    rc = rc == CARI_ITEROVER ? 0 : rc;
    if (rc != 0) {
        free(sizes);
        return rc;
    }
    *out = sizes;
    *count = (unsigned)n;
    return 0;
}

/* Parameters for a block and the dictionary, not for an input of unknown
 * size. The search is zstd's for an input of 128-256 KiB, a block and the
 * part of the dictionary it draws on: zstd's choice for a block alone, or for
 * block and dictionary together, is at levels 3-4 the weaker dfast, not
 * greedy. The window reaches the whole dictionary. At greedy to lazy2,
 * matches of 6 bytes or more find more of the boilerplate of legal text, and
 * so do a row search of 32 candidates (searchLog 5, against zstd's 8 at
 * level 4) and a hash table of 2^18 (against 2^17): most of a regulation's
 * phrases recur many times over in the dictionary and the block, and the
 * shallow search lost the longest of them. On the corpus (level 4, 128 KiB
 * blocks, a 256 KiB dictionary) the frames are 27.91 MB, against 28.87 with
 * zstd's search and table (29.40 with 64 KiB blocks), 28.19 with searchLog 4,
 * 28.41 with the 2^17 table; searchLog 6 or a 2^19 table save under 1% more
 * for more time again. zstd copies the tables for every block: larger blocks
 * copy them less often (attaching the dictionary's tables instead saves 0.3%
 * more for 8% more CPU of the whole build). */
enum { ROW_SEARCH_LOG = 5, ROW_HASH_LOG = 18 };

void store_block_params(int level, size_t block, size_t dict, struct store_params *out)
{
    ZSTD_compressionParameters cp = ZSTD_getCParams(level, (size_t)256 << 10, 0);
    unsigned window = ZSTD_getCParams(level, block, dict).windowLog;
    if (window > cp.windowLog)
        cp.windowLog = window;
    if (cp.strategy >= ZSTD_greedy && cp.strategy <= ZSTD_lazy2) {
        if (cp.minMatch < 6)
            cp.minMatch = 6;
        if (cp.searchLog < ROW_SEARCH_LOG)
            cp.searchLog = ROW_SEARCH_LOG;
        if (cp.hashLog < ROW_HASH_LOG)
            cp.hashLog = ROW_HASH_LOG;
    }
    *out = (struct store_params){ cp.windowLog, cp.chainLog,     cp.hashLog,
                                  cp.searchLog, cp.minMatch,     cp.targetLength,
                                  (int)cp.strategy };
}

/* Trains the dictionary on records spread over the held blocks. A sample
 * that is too small or that zstd cannot learn from gives no dictionary:
 * the store works without one. */
static int train(store_compressor *sc)
{
    if (sc->held.raw < MIN_SAMPLE_BYTES)
        return 0;
    buf sample = BUF_INIT;
    size_t *sizes = NULL;
    unsigned nsamples = 0;
    int rc = gather_sample(sc, (size_t)(sc->held.raw / STORE_SAMPLE_BYTES) + 1, &sample, &sizes,
                           &nsamples);
    size_t cap = sample.len / 16 < STORE_DICT_BYTES ? sample.len / 16 : STORE_DICT_BYTES;
    if (rc == 0)
        rc = buf_reserve(&sc->dict, cap);
    /* Fixed parameters (no search over k and d): the same dictionary for the
     * same sample, in a fraction of a second. */
    ZDICT_fastCover_params_t p = { .k = 200, .d = 8, .f = 20, .accel = 4, .steps = 0 };
    p.zParams.compressionLevel = sc->level;
    size_t len = rc == 0 ? ZDICT_trainFromBuffer_fastCover(sc->dict.data, cap, sample.data, sizes,
                                                           nsamples, p)
                         : 0;
    free(sizes);
    buf_free(&sample);
    if (rc != 0 || ZDICT_isError(len))
        return rc;
    sc->dict.len = len;
    struct store_params sp;
    store_block_params(sc->level, sc->block_hint, len, &sp);
    ZSTD_compressionParameters cp = { sp.window_log,    sp.chain_log, sp.hash_log,
                                      sp.search_log,    sp.min_match, sp.target_length,
                                      (ZSTD_strategy)sp.strategy };
    sc->cdict = ZSTD_createCDict_advanced(sc->dict.data, len, ZSTD_dlm_byCopy, ZSTD_dct_auto, cp,
                                          ZSTD_defaultCMem);
    if (sc->cdict == NULL || ZSTD_isError(ZSTD_CCtx_refCDict(sc->cctx, sc->cdict)))
        return error_oom();
    return 0;
}

/* Ends the sample: trains on it, then writes the held blocks; once it has
 * the dictionary, a caller that finds the queue full may compress too. */
static int end_sample(store_compressor *sc)
{
    sc->sampled = 1;
    int rc = sc->held.rc != 0 ? sc->held.rc : train(sc);
    if (rc == 0 && sc->locks_ready) { /* the caller may compress from now on */
        pthread_mutex_lock(&sc->lock);
        sc->help_ready = 1;
        pthread_cond_broadcast(&sc->done);
        pthread_mutex_unlock(&sc->lock);
    }
    const uint8_t *at;
    size_t len;
    store_held_rewind(&sc->held);
    while (rc == 0 && (rc = store_held_next(&sc->held, &at, &len)) == 0) {
        struct store_piece whole = { at, len };
        rc = write_frame(sc, &whole, 1, len);
    }
    store_held_free(&sc->held);
    return rc == CARI_ITEROVER ? 0 : rc;
}

/* A block, in order: held while the sample fills, a frame afterwards. */
static int take_block(store_compressor *sc, const struct store_piece *pieces, size_t n,
                      size_t total)
{
    if (sc->sampled)
        return write_frame(sc, pieces, n, total);
    int rc = store_held_add(&sc->held, pieces, n, total);
    return rc == 0 && sc->held.raw >= STORE_HELD_BYTES ? end_sample(sc) : rc;
}

/* ---- the thread ---- */

/* After the sample, the queue's bound comes down by half of each block
 * taken, to QUEUE_BYTES_STEADY. Called with the lock held. */
static void lower_bound(store_compressor *sc, size_t taken)
{
    size_t above = sc->queue_bound - QUEUE_BYTES_STEADY;
    sc->queue_bound -= taken / 2 < above ? taken / 2 : above;
}

/* A copy the thread is done with: kept for reuse while there are few
 * spares, else freed. Called with the lock held. */
static void recycle(store_compressor *sc, struct store_queued *q)
{
    if (sc->nspares < QUEUE_SPARES) {
        q->next = sc->free_list;
        sc->free_list = q;
        sc->nspares++;
        return;
    }
    buf_free(&q->block);
    buf_free(&q->frame);
    free(q);
}

static void free_list_of(struct store_queued *q)
{
    while (q != NULL) {
        struct store_queued *next = q->next;
        buf_free(&q->block);
        buf_free(&q->frame);
        free(q);
        q = next;
    }
}

/* sc->rc, sc->msg and the lists are read and written under the lock. */
static void *compressor_main(void *arg)
{
    store_compressor *sc = arg;
    pthread_mutex_lock(&sc->lock);
    for (;;) {
        while (sc->queue_head == NULL && !sc->stopping)
            pthread_cond_wait(&sc->work, &sc->lock);
        struct store_queued *q = sc->queue_head;
        if (q == NULL || sc->stopping)
            break;
        sc->queue_head = q->next;
        if (sc->queue_head == NULL)
            sc->queue_tail = NULL;
        sc->busy = 1;
        int skip = sc->rc != 0;
        pthread_mutex_unlock(&sc->lock);
        struct store_piece whole = { q->block.data, q->block.len };
        int rc = skip       ? 0
                 : q->helped ? write_helped(sc, q)
                             : take_block(sc, &whole, 1, q->block.len);
        pthread_mutex_lock(&sc->lock);
        if (rc != 0 && sc->rc == 0) {
            sc->rc = rc;
            snprintf(sc->msg, sizeof sc->msg, "%s", cari_error_last());
        }
        sc->queued_bytes -= q->counted;
        if (sc->sampled)
            lower_bound(sc, q->total);
        recycle(sc, q);
        sc->busy = 0;
        pthread_cond_broadcast(&sc->done);
    }
    pthread_mutex_unlock(&sc->lock);
    return NULL;
}

static int start_thread(store_compressor *sc)
{
    if (pthread_mutex_init(&sc->lock, NULL) != 0)
        return error_set(CARI_ENOMEM, "cannot create a mutex");
    pthread_cond_init(&sc->work, NULL);
    pthread_cond_init(&sc->done, NULL);
    sc->locks_ready = 1;
    sc->queue_bound = sc->queue_training;
    if (pthread_create(&sc->thread, NULL, compressor_main, sc) != 0)
        return error_set(CARI_ENOMEM, "cannot start the compression thread");
    sc->started = 1;
    return 0;
}

/* The thread's failure, as this thread's error. Called with the lock held. */
static int thread_error(const store_compressor *sc)
{
    return sc->rc != 0 ? error_set(sc->rc, "%s", sc->msg) : 0;
}

/* Waits until every queued block is written and the thread is idle, so the
 * caller may use the compressor itself. */
static int drain(store_compressor *sc)
{
    if (!sc->started)
        return 0;
    pthread_mutex_lock(&sc->lock);
    while ((sc->queue_head != NULL || sc->busy) && sc->rc == 0)
        pthread_cond_wait(&sc->done, &sc->lock);
    int rc = thread_error(sc);
    pthread_mutex_unlock(&sc->lock);
    return rc;
}

static void stop_thread(store_compressor *sc)
{
    if (!sc->started)
        return;
    pthread_mutex_lock(&sc->lock);
    sc->stopping = 1;
    pthread_cond_broadcast(&sc->work);
    pthread_mutex_unlock(&sc->lock);
    pthread_join(sc->thread, NULL);
    sc->started = 0;
}

/* ---- the caller's side ---- */

/* A context for frames at `level`, with their content size and checksum. */
static int new_cctx(int level, void **out)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    if ((*out = c) == NULL)
        return error_oom();
    if (ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1)))
        return error_set(CARI_EINVAL, "zstd rejects compression level %d", level);
    return 0;
}

int store_compressor_init(store_compressor *sc, int level, size_t block_hint, int threaded,
                          size_t memory, file_writer *fw)
{
    size_t queue = memory < SMALL_BUDGET ? memory / 8 : STORE_HELD_BYTES;
    *sc = (store_compressor){
        .level = level, .block_hint = block_hint, .threaded = threaded, .fw = fw,
        .queue_training = queue > QUEUE_BYTES_STEADY ? queue : QUEUE_BYTES_STEADY
    };
    store_held_init(&sc->held, memory < SMALL_BUDGET);
    int rc = new_cctx(level, &sc->cctx);
    return rc != 0 ? rc : sc->threaded ? start_thread(sc) : 0;
}

void store_compressor_free(store_compressor *sc)
{
    stop_thread(sc);
    if (sc->locks_ready) {
        pthread_mutex_destroy(&sc->lock);
        pthread_cond_destroy(&sc->work);
        pthread_cond_destroy(&sc->done);
        sc->locks_ready = 0;
    }
    free_list_of(sc->queue_head); /* left by a failure */
    free_list_of(sc->free_list);
    sc->queue_head = sc->queue_tail = sc->free_list = NULL;
    ZSTD_freeCCtx(sc->cctx);
    ZSTD_freeCCtx(sc->help_cctx);
    ZSTD_freeCDict(sc->cdict);
    sc->cctx = sc->help_cctx = sc->cdict = NULL;
    buf_free(&sc->help_scratch);
    buf_free(&sc->dict);
    store_held_free(&sc->held);
    buf_free(&sc->frame);
    buf_free(&sc->index);
}

/* A copy to fill, once the queue has room: a spare, or a new one. Once the
 * thread has its dictionary, a caller that finds the queue full compresses
 * the block itself (*help) rather than wait while a processor may idle; its
 * frame, about a quarter of the block, may take the queue a quarter of the
 * bound past it. */
static int take_copy(store_compressor *sc, struct store_queued **out, int *help)
{
    pthread_mutex_lock(&sc->lock);
    *help = 0;
    while (sc->rc == 0) {
        int full = sc->queued_bytes >= sc->queue_bound;
        int room = sc->queued_bytes < sc->queue_bound + sc->queue_bound / 4;
        if (sc->help_ready && room && (full || sc->help_always)) {
            *help = 1;
            break;
        }
        if (!full)
            break;
        pthread_cond_wait(&sc->done, &sc->lock);
    }
    struct store_queued *q = sc->rc == 0 ? sc->free_list : NULL;
    if (q != NULL) {
        sc->free_list = q->next;
        sc->nspares--;
    }
    int rc = thread_error(sc);
    pthread_mutex_unlock(&sc->lock);
    if (rc == 0 && q == NULL && (q = calloc(1, sizeof *q)) == NULL)
        rc = error_oom();
    *out = q;
    return rc;
}

/* Compresses the pieces into q's frame on the caller's own context, with
 * the thread's dictionary (a CDict is read-only, so both may use it at
 * once); no copy of the block is made. */
static int help_compress(store_compressor *sc, struct store_queued *q,
                         const struct store_piece *pieces, size_t n, size_t total)
{
    if (sc->help_cctx == NULL) {
        int rc = new_cctx(sc->level, &sc->help_cctx);
        if (rc == 0 && sc->cdict != NULL &&
            ZSTD_isError(ZSTD_CCtx_refCDict(sc->help_cctx, sc->cdict)))
            rc = error_oom();
        if (rc != 0)
            return rc;
    }
    uint64_t written;
    buf_clear(&q->frame);
    q->records = le32_load(pieces[0].data);
    return store_frame_compress(sc->help_cctx, pieces, n, total, &sc->help_scratch, NULL, &q->frame,
                          &written);
}

/* Queues the filled copy for the thread; after a failure to fill it
 * (rc), takes it back instead. */
static int queue_copy(store_compressor *sc, struct store_queued *q, int rc)
{
    pthread_mutex_lock(&sc->lock);
    q->next = NULL;
    if (rc != 0) {
        buf_free(&q->block);
        recycle(sc, q);
    } else {
        if (sc->queue_tail != NULL)
            sc->queue_tail->next = q;
        else
            sc->queue_head = q;
        sc->queue_tail = q;
        q->counted = q->helped ? q->frame.len : q->block.len;
        sc->queued_bytes += q->counted;
        sc->helped += (size_t)q->helped;
        size_t *peak = sc->queue_bound == QUEUE_BYTES_STEADY ? &sc->peak_steady : &sc->peak_queued;
        if (sc->queued_bytes > *peak)
            *peak = sc->queued_bytes;
        pthread_cond_signal(&sc->work);
    }
    pthread_mutex_unlock(&sc->lock);
    return rc;
}

int store_compressor_add(store_compressor *sc, const struct store_piece *pieces, size_t n,
                         size_t total)
{
    if (!sc->started)
        return take_block(sc, pieces, n, total);
    struct store_queued *q;
    int help, rc = take_copy(sc, &q, &help);
    if (rc != 0)
        return rc;
    buf_clear(&q->block);
    q->total = total;
    q->helped = help;
    if (help)
        return queue_copy(sc, q, help_compress(sc, q, pieces, n, total));
    for (size_t i = 0; i < n; i++)
        buf_append(&q->block, pieces[i].data, pieces[i].len);
    return queue_copy(sc, q, q->block.rc);
}

int store_compressor_add_now(store_compressor *sc, const struct store_piece *pieces, size_t n,
                             size_t total)
{
    int rc = drain(sc);
    if (rc == 0 && !sc->sampled)
        rc = end_sample(sc); /* the sample ends here: it holds no copy of this block */
    return rc != 0 ? rc : write_frame(sc, pieces, n, total);
}

int store_compressor_finish(store_compressor *sc)
{
    int rc = drain(sc);
    stop_thread(sc);
    if (rc == 0 && !sc->sampled)
        rc = end_sample(sc);
    return rc != 0 ? rc : sc->fw->rc;
}

void store_compressor_write_sections(store_compressor *sc, file_writer *fw)
{
    uint8_t head[16];
    le32_store(head, sc->nblocks);
    le32_store(head + 4, sc->total_records);
    le32_store(head + 8, sc->max_block_bytes);
    le32_store(head + 12, 0);
    buf_u64(&sc->index, sc->store_bytes);
    buf_u32(&sc->index, sc->total_records);
    buf_u32(&sc->index, 0);
    if (sc->index.rc != 0 && fw->rc == 0)
        fw->rc = sc->index.rc;
    file_writer_begin(fw, SECTION_STORE_INDEX);
    file_writer_write(fw, head, sizeof head);
    file_writer_write(fw, sc->index.data, sc->index.len);
    file_writer_end(fw);
    if (sc->dict.len > 0) {
        file_writer_begin(fw, SECTION_STORE_DICT);
        file_writer_write(fw, sc->dict.data, sc->dict.len);
        file_writer_end(fw);
    }
}
