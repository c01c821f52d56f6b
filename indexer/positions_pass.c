/* positions_pass.c - see positions_pass.h. The pass queues chunks of
 * positions in memory while they fit; once one does not, it writes that chunk
 * and every later one to the spill file, so the caller reads the queue, then
 * the file. Batches of terms go round between a few that are filled and
 * handed over, and given back. */
#include "indexer/positions_pass.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/array.h"
#include "core/error.h"
#include "core/format.h"
#include "indexer/live_postings.h"
#include "indexer/run_merge.h"

/* Not an error: the thread was told to stop (the commit failed). */
enum { STOPPED = 1 };

/* A batch is handed over at this many terms or postings: enough that the
 * hand-over costs nothing next to the postings' encoding, few enough that
 * the batches in flight hold little memory. */
enum { BATCH_TERMS = 2048, BATCH_POSTINGS = 1 << 14, NBATCHES = 4 };

struct held_chunk {
    buf bytes;
    struct held_chunk *next;
};

struct positions_pass {
    /* the thread's own */
    run_cursor *cursors;
    size_t ncursors;
    run_merge merge;
    const uint32_t *doc_of_record, *length_of_record; /* borrowed */
    struct live_postings lp;
    buf chunk; /* being filled */
    size_t chunk_bytes, max_held;
    char *spill_path;
    int fd;            /* the spill file once opened, else -1 */
    uint64_t spilled;  /* bytes written to it */
    int threaded, want_terms;
    int exhausted;     /* the merge is done, the last chunk handed over */
    buf from, to;      /* the range of keys: from empty for the first, to for after the last */
    int has_to, positioned; /* positioned: the cursors stand at `from` */
    struct term_batch batches[NBATCHES];

    /* the caller's own */
    uint64_t read_at; /* in the spill file */
    buf copy;

    pthread_t thread;
    int started, locks_ready;
    pthread_mutex_t lock;
    pthread_cond_t ready, space;
    /* under the lock */
    struct term_batch *free_batches, *ready_head, *ready_tail;
    struct held_chunk *head, *tail;
    size_t held;      /* bytes in the queue */
    uint64_t written; /* bytes of the spill file the caller may read */
    int finished, stopping, rc;
    char msg[512];
};

static int open_spill(positions_pass *pp)
{
    pp->fd = open(pp->spill_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (pp->fd < 0)
        return error_set_errno(errno, "cannot create %s", pp->spill_path);
    unlink(pp->spill_path); /* the open file lives on; a crash leaves nothing */
    return 0;
}

static int spill_chunk(positions_pass *pp)
{
    const uint8_t *p = pp->chunk.data;
    size_t left = pp->chunk.len;
    while (left > 0) {
        ssize_t n = pwrite(pp->fd, p, left, (off_t)pp->spilled);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return error_set_errno(n < 0 ? errno : ENOSPC, "writing %s", pp->spill_path);
        p += n;
        left -= (size_t)n;
        pp->spilled += (uint64_t)n;
    }
    buf_clear(&pp->chunk);
    pthread_mutex_lock(&pp->lock);
    pp->written = pp->spilled;
    int stopping = pp->stopping;
    pthread_cond_signal(&pp->ready);
    pthread_mutex_unlock(&pp->lock);
    return stopping ? STOPPED : 0;
}

/* Queues the filled chunk if it fits beside what waits (*queued). */
static int queue_chunk(positions_pass *pp, int *queued)
{
    *queued = 0;
    struct held_chunk *h = malloc(sizeof *h);
    if (h == NULL)
        return error_oom();
    pthread_mutex_lock(&pp->lock);
    int stopping = pp->stopping;
    *queued = !stopping && pp->held + pp->chunk.len <= pp->max_held;
    if (*queued) {
        h->bytes = pp->chunk;
        h->next = NULL;
        if (pp->tail != NULL)
            pp->tail->next = h;
        else
            pp->head = h;
        pp->tail = h;
        pp->held += h->bytes.len;
        pp->chunk = (buf)BUF_INIT; /* the queue's now */
        pthread_cond_signal(&pp->ready);
    }
    pthread_mutex_unlock(&pp->lock);
    if (!*queued)
        free(h);
    return stopping ? STOPPED : 0;
}

/* The filled chunk to the caller: queued while the queue has room, else
 * (from then on) through the spill file. */
static int hand_over(positions_pass *pp)
{
    if (pp->fd < 0) {
        int queued, rc = queue_chunk(pp, &queued);
        if (rc != 0 || queued)
            return rc;
        if ((rc = open_spill(pp)) != 0)
            return rc;
    }
    return spill_chunk(pp);
}

/* ---- batches of terms ---- */

static void batch_reset(struct term_batch *b)
{
    buf_clear(&b->keys);
    b->nterms = 0;
    b->npostings = 0;
}

static void batch_free(struct term_batch *b)
{
    buf_free(&b->keys);
    free(b->terms);
    free(b->docs);
    free(b->tfs);
    free(b->pos_starts);
}

static int batch_reserve(struct term_batch *b, size_t n)
{
    if (n <= b->postings_cap)
        return 0;
    size_t cap = b->postings_cap ? b->postings_cap : 1024;
    while (cap < n)
        cap *= 2;
    uint32_t *docs = realloc(b->docs, cap * sizeof *docs);
    if (docs != NULL)
        b->docs = docs;
    uint32_t *tfs = realloc(b->tfs, cap * sizeof *tfs);
    if (tfs != NULL)
        b->tfs = tfs;
    uint64_t *starts = realloc(b->pos_starts, cap * sizeof *starts);
    if (starts != NULL)
        b->pos_starts = starts;
    if (docs == NULL || tfs == NULL || starts == NULL)
        return error_oom();
    b->postings_cap = cap;
    return 0;
}

/* Appends the merge's current term, as live_postings_fill left it. */
static int batch_add(struct term_batch *b, const run_merge *m, const struct live_postings *lp,
                     const struct term_info *info)
{
    size_t n = info->df;
    int rc = array_reserve((void **)&b->terms, &b->terms_cap, b->nterms + 1, sizeof *b->terms);
    if (rc == 0)
        rc = batch_reserve(b, b->npostings + n);
    if (rc != 0)
        return rc;
    b->terms[b->nterms++] = (struct pass_term){ (uint32_t)b->keys.len, (uint32_t)m->key_len,
                                                b->npostings, *info };
    buf_append(&b->keys, m->key, m->key_len);
    memcpy(b->docs + b->npostings, lp->docs, n * sizeof *b->docs);
    memcpy(b->tfs + b->npostings, lp->tfs, n * sizeof *b->tfs);
    memcpy(b->pos_starts + b->npostings, lp->pos_starts, n * sizeof *b->pos_starts);
    b->npostings += n;
    return b->keys.rc;
}

static int batch_full(const struct term_batch *b)
{
    return b->nterms >= BATCH_TERMS || b->npostings >= BATCH_POSTINGS;
}

/* ---- the pass ---- */

static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c != 0 ? c : (alen > blen) - (alen < blen);
}

/* Moves every cursor of the (primed) merge past the keys before `from`: the
 * merge then starts at the range's first term. */
static int seek_from(positions_pass *pp)
{
    pp->positioned = 1;
    const char *from = (const char *)pp->from.data;
    for (size_t i = 0; i < pp->merge.ncursors && pp->from.len > 0; i++) {
        run_cursor *c = &pp->merge.cursors[i];
        while (!c->done && key_cmp(c->key, c->key_len, from, pp->from.len) < 0) {
            int rc = run_cursor_next(c);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* The next term of the range (pp->merge.done after its last). */
static int next_term(positions_pass *pp)
{
    int rc = pp->positioned ? 0 : seek_from(pp);
    if (rc == 0)
        rc = run_merge_next(&pp->merge);
    run_merge *m = &pp->merge;
    if (rc == 0 && !m->done && pp->has_to &&
        key_cmp(m->key, m->key_len, (const char *)pp->to.data, pp->to.len) >= 0)
        m->done = 1;
    return rc;
}

/* Walks the merge on, encoding the positions, and fills `b` (NULL: terms
 * are not wanted, and the walk goes to the end). */
static int produce(positions_pass *pp, struct term_batch *b)
{
    int rc;
    while ((rc = next_term(pp)) == 0 && !pp->merge.done) {
        struct term_info info;
        rc = live_postings_fill(&pp->lp, &pp->merge, pp->doc_of_record, pp->length_of_record, &info,
                                &pp->chunk);
        if (rc == 0 && b != NULL && info.df > 0)
            rc = batch_add(b, &pp->merge, &pp->lp, &info);
        if (rc == 0 && pp->chunk.len >= pp->chunk_bytes)
            rc = hand_over(pp);
        if (rc != 0 || (b != NULL && batch_full(b)))
            return rc;
    }
    if (rc == 0 && pp->chunk.len > 0)
        rc = hand_over(pp);
    if (rc == 0)
        pp->exhausted = 1;
    return rc;
}

/* Ends the pass with its outcome (rc < 0: a failure, with its message). */
static void finish(positions_pass *pp, int rc)
{
    pthread_mutex_lock(&pp->lock);
    if (rc < 0 && pp->rc == 0) {
        pp->rc = rc;
        snprintf(pp->msg, sizeof pp->msg, "%s", cari_error_last());
    }
    pp->finished = 1;
    pthread_cond_signal(&pp->ready);
    pthread_mutex_unlock(&pp->lock);
}

/* A free batch for the thread to fill, waiting for one; NULL: stopping. */
static struct term_batch *take_free(positions_pass *pp)
{
    pthread_mutex_lock(&pp->lock);
    while (pp->free_batches == NULL && !pp->stopping)
        pthread_cond_wait(&pp->space, &pp->lock);
    struct term_batch *b = pp->stopping ? NULL : pp->free_batches;
    if (b != NULL)
        pp->free_batches = b->next;
    pthread_mutex_unlock(&pp->lock);
    return b;
}

/* Queues a filled batch for the caller (an empty one goes back). */
static void hand_batch(positions_pass *pp, struct term_batch *b)
{
    pthread_mutex_lock(&pp->lock);
    if (b->nterms == 0) {
        b->next = pp->free_batches;
        pp->free_batches = b;
    } else {
        b->next = NULL;
        if (pp->ready_tail != NULL)
            pp->ready_tail->next = b;
        else
            pp->ready_head = b;
        pp->ready_tail = b;
        pthread_cond_signal(&pp->ready);
    }
    pthread_mutex_unlock(&pp->lock);
}

static void *pass_main(void *arg)
{
    positions_pass *pp = arg;
    int rc = 0;
    while (rc == 0 && !pp->exhausted) {
        struct term_batch *b = NULL;
        if (pp->want_terms && (b = take_free(pp)) == NULL) {
            rc = STOPPED;
            break;
        }
        if (b != NULL)
            batch_reset(b);
        rc = produce(pp, b);
        if (b != NULL)
            hand_batch(pp, b);
    }
    finish(pp, rc);
    return NULL;
}

static int start_thread(positions_pass *pp)
{
    if (pthread_mutex_init(&pp->lock, NULL) != 0)
        return error_set(CARI_ENOMEM, "cannot create a mutex");
    pthread_cond_init(&pp->ready, NULL);
    pthread_cond_init(&pp->space, NULL);
    pp->locks_ready = 1;
    if (!pp->threaded)
        return 0;
    if (pthread_create(&pp->thread, NULL, pass_main, pp) != 0)
        return error_set(CARI_ENOMEM, "cannot start the positions thread");
    pp->started = 1;
    return 0;
}

int positions_pass_start(positions_pass **out, const run_cursor *runs, size_t nruns,
                         const uint32_t *doc_of_record, const uint32_t *length_of_record,
                         const struct positions_pass_limits *lim)
{
    *out = NULL;
    positions_pass *pp = calloc(1, sizeof *pp);
    if (pp == NULL)
        return error_oom();
    pp->fd = -1;
    pp->doc_of_record = doc_of_record;
    pp->length_of_record = length_of_record;
    pp->chunk_bytes = lim->chunk_bytes ? lim->chunk_bytes : 1;
    pp->max_held = lim->max_held;
    pp->threaded = lim->threaded;
    pp->want_terms = lim->terms;
    for (size_t i = 0; i < NBATCHES; i++) {
        pp->batches[i].next = pp->free_batches;
        pp->free_batches = &pp->batches[i];
    }
    pp->spill_path = strdup(lim->spill_path);
    pp->cursors = calloc(nruns ? nruns : 1, sizeof *pp->cursors);
    if (lim->from_key != NULL)
        buf_append(&pp->from, lim->from_key, lim->from_len);
    if ((pp->has_to = lim->to_key != NULL))
        buf_append(&pp->to, lim->to_key, lim->to_len);
    int rc = pp->cursors == NULL || pp->spill_path == NULL ? error_oom()
             : pp->from.rc != 0                            ? pp->from.rc
                                                           : pp->to.rc;
    /* a cursor that failed to open is counted too: it is safe to close */
    for (; rc == 0 && pp->ncursors < nruns; pp->ncursors++)
        rc = run_cursor_clone(&pp->cursors[pp->ncursors], &runs[pp->ncursors]);
    if (rc == 0)
        rc = run_merge_init(&pp->merge, pp->cursors, pp->ncursors);
    if (rc == 0)
        rc = start_thread(pp);
    if (rc != 0) {
        positions_pass_free(pp);
        return rc;
    }
    *out = pp;
    return 0;
}

/* The bytes of the cursor's current term: what the pass's work grows with. */
static uint64_t term_weight(const run_cursor *c)
{
    return (uint64_t)c->docs_len + c->positions_len;
}

/* Walks `c` from its first term to where `before` of the work is behind
 * it, then on to a key that is no root key; copies that key. */
static int find_split(run_cursor *c, uint64_t before, buf *key)
{
    uint64_t seen = 0;
    int rc, first = 1;
    while ((rc = run_cursor_next(c)) == 0 && !c->done) {
        int past = seen >= before;
        seen += term_weight(c);
        if (past && !first && c->key[c->key_len - 1] != FORMAT_ROOT_MARK) {
            buf_append(key, c->key, c->key_len);
            return key->rc;
        }
        first = 0;
    }
    return rc;
}

int positions_pass_split_key(const run_cursor *runs, size_t nruns, unsigned percent, buf *key)
{
    buf_clear(key);
    if (nruns == 0)
        return 0;
    run_cursor c;
    int rc = run_cursor_clone(&c, &runs[0]);
    uint64_t total = 0;
    while (rc == 0 && (rc = run_cursor_next(&c)) == 0 && !c.done)
        total += term_weight(&c);
    if (rc == 0)
        rc = run_cursor_rewind(&c);
    if (rc == 0)
        rc = find_split(&c, total * percent / 100, key);
    run_cursor_close(&c);
    return rc;
}

/* Copies the spill file's bytes [read_at, upto) to the file. */
static int copy_spilled(positions_pass *pp, uint64_t upto, file_writer *fw)
{
    int rc = buf_reserve(&pp->copy, pp->chunk_bytes);
    while (rc == 0 && pp->read_at < upto) {
        uint64_t left = upto - pp->read_at;
        size_t want = left < pp->chunk_bytes ? (size_t)left : pp->chunk_bytes;
        ssize_t n = pread(pp->fd, pp->copy.data, want, (off_t)pp->read_at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return error_set_errno(n < 0 ? errno : EIO, "reading %s", pp->spill_path);
        file_writer_write(fw, pp->copy.data, (size_t)n);
        pp->read_at += (uint64_t)n;
    }
    return rc;
}

int positions_pass_terms(positions_pass *pp, struct term_batch **out)
{
    *out = NULL;
    if (!pp->threaded) {
        if (pp->exhausted || pp->finished)
            return pp->rc != 0 ? error_set(pp->rc, "%s", pp->msg) : 0;
        struct term_batch *b = pp->free_batches;
        if (b == NULL)
            return error_set(CARI_EINVAL, "positions_pass_terms: no batch was given back");
        pp->free_batches = b->next;
        batch_reset(b);
        int rc = produce(pp, b);
        if (rc != 0 || pp->exhausted)
            finish(pp, rc);
        if (rc != 0 || b->nterms == 0) {
            positions_pass_recycle(pp, b);
            return rc;
        }
        *out = b;
        return 0;
    }
    pthread_mutex_lock(&pp->lock);
    while (pp->ready_head == NULL && !pp->finished)
        pthread_cond_wait(&pp->ready, &pp->lock);
    struct term_batch *b = pp->rc != 0 ? NULL : pp->ready_head;
    if (b != NULL && (pp->ready_head = b->next) == NULL)
        pp->ready_tail = NULL;
    int rc = pp->rc != 0 ? error_set(pp->rc, "%s", pp->msg) : 0;
    pthread_mutex_unlock(&pp->lock);
    *out = b;
    return rc;
}

void positions_pass_recycle(positions_pass *pp, struct term_batch *b)
{
    pthread_mutex_lock(&pp->lock);
    b->next = pp->free_batches;
    pp->free_batches = b;
    pthread_cond_signal(&pp->space);
    pthread_mutex_unlock(&pp->lock);
}

/* Batches the caller did not read go back to the thread. Called with the
 * lock held. */
static void pass_over_terms(positions_pass *pp)
{
    while (pp->ready_head != NULL) {
        struct term_batch *b = pp->ready_head;
        pp->ready_head = b->next;
        b->next = pp->free_batches;
        pp->free_batches = b;
    }
    pp->ready_tail = NULL;
    pthread_cond_signal(&pp->space);
}

int positions_pass_write(positions_pass *pp, file_writer *fw)
{
    int rc = 0;
    if (!pp->threaded && !pp->finished) /* the rest of the walk, here */
        finish(pp, produce(pp, NULL));
    pthread_mutex_lock(&pp->lock);
    while (rc == 0 && pp->rc == 0) {
        pass_over_terms(pp);
        while (pp->head == NULL && pp->written == pp->read_at && !pp->finished &&
               pp->ready_head == NULL)
            pthread_cond_wait(&pp->ready, &pp->lock);
        if (pp->ready_head != NULL)
            continue; /* batches to pass over first */
        struct held_chunk *h = pp->head;
        uint64_t upto = pp->written;
        if (h == NULL && upto == pp->read_at)
            break; /* finished, and everything was written */
        if (h != NULL) {
            pp->head = h->next;
            if (pp->head == NULL)
                pp->tail = NULL;
            pp->held -= h->bytes.len;
        }
        pthread_mutex_unlock(&pp->lock);
        if (h != NULL) { /* every queued chunk comes before the spill file */
            file_writer_write(fw, h->bytes.data, h->bytes.len);
            buf_free(&h->bytes);
            free(h);
        } else {
            rc = copy_spilled(pp, upto, fw);
        }
        pthread_mutex_lock(&pp->lock);
    }
    if (rc == 0 && pp->rc != 0)
        rc = error_set(pp->rc, "%s", pp->msg);
    pthread_mutex_unlock(&pp->lock);
    return rc != 0 ? rc : fw->rc;
}

uint64_t positions_pass_spilled(positions_pass *pp)
{
    pthread_mutex_lock(&pp->lock);
    uint64_t n = pp->written;
    pthread_mutex_unlock(&pp->lock);
    return n;
}

void positions_pass_free(positions_pass *pp)
{
    if (pp == NULL)
        return;
    if (pp->started) {
        pthread_mutex_lock(&pp->lock);
        pp->stopping = 1;
        pthread_cond_signal(&pp->space);
        pthread_mutex_unlock(&pp->lock);
        pthread_join(pp->thread, NULL);
    }
    if (pp->locks_ready) {
        pthread_mutex_destroy(&pp->lock);
        pthread_cond_destroy(&pp->ready);
        pthread_cond_destroy(&pp->space);
    }
    for (size_t i = 0; i < NBATCHES; i++)
        batch_free(&pp->batches[i]);
    while (pp->head != NULL) {
        struct held_chunk *h = pp->head;
        pp->head = h->next;
        buf_free(&h->bytes);
        free(h);
    }
    if (pp->fd >= 0)
        close(pp->fd);
    buf_free(&pp->chunk);
    buf_free(&pp->copy);
    buf_free(&pp->from);
    buf_free(&pp->to);
    live_postings_free(&pp->lp);
    run_merge_free(&pp->merge);
    for (size_t i = 0; i < pp->ncursors; i++)
        run_cursor_close(&pp->cursors[i]);
    free(pp->cursors);
    free(pp->spill_path);
    free(pp);
}
