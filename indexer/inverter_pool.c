/* inverter_pool.c - see inverter_pool.h. */
#include "indexer/inverter_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/analyzer.h"
#include "core/array.h"
#include "core/error.h"
#include "core/format.h"
#include "indexer/run_merge.h"

/* A batch is big enough that handing it over costs little next to analysing
 * it, and small enough that the batches in flight hold little memory. A
 * document of BATCH_LENT bytes or more goes in a batch of its own. It is
 * copied when it fits in large_cap beside the large documents still being
 * analysed (the caller waits for room), and its room is given back as soon
 * as it is analysed: the caller reads the next one meanwhile, and both
 * threads analyse. One that does not fit is lent: the batch points at the
 * caller's values, and the caller waits until it is analysed. Always copied,
 * a document of 100 MB was in memory once more, and its batch kept the room
 * for the rest of the build (at -j 2 --memory 200M, a peak of 328 MiB where
 * the same corpus without it peaks at 149); always lent, documents of 10 MB
 * were analysed one at a time, -j 2 no faster than -j 1. */
enum { BATCH_TEXT = 256 * 1024, BATCH_DOCS = 512, BATCH_LENT = 32 * BATCH_TEXT };

/* The final merge reads at most this many run files at once (open files are
 * limited); more are first merged into fewer. */
enum { MAX_OPEN_RUNS = 64 };

struct pool_batch {
    uint32_t first_record, ndocs;
    buf text;                     /* the title and text values, back to back */
    struct stored_field *values;  /* .value is NULL until analysed: offsets below */
    size_t *offsets;
    size_t nvalues, values_cap, offsets_cap;
    uint32_t *value_end;          /* per doc: one past its last value */
    uint32_t *lengths;            /* per doc: token positions, set by the worker */
    size_t docs_cap;
    int lent;                     /* one document, its values the caller's */
    size_t large;                 /* one document copied: its bytes in large_in_flight */
    int finished;                 /* analysed: set and read under the lock */
    struct pool_batch *next;
};

/* ---- analysing one document ---- */

struct doc_state {
    inverter *inv;
    uint32_t generation; /* of the inverter: tags of another are stale */
    uint32_t record;
    uint32_t tokens;
};

enum { NO_TERM = UINT32_MAX }; /* a tag's key the word is not indexed under */

/* The root's key: the root and the mark that keeps roots apart from words. */
static size_t root_key(const cari_token *t, char *key)
{
    memcpy(key, t->root, t->root_len);
    key[t->root_len] = FORMAT_ROOT_MARK;
    return t->root_len + 1;
}

static int is_inflected(const cari_token *t)
{
    return t->root_len != t->exact_len || memcmp(t->root, t->exact, t->exact_len) != 0;
}

/* An inflected token is indexed under its root key alone, as a query reads a
 * word by its root (docs/FORMAT.md, "Terms and namespaces"); a whole
 * hyphenated form keeps its exact key too, which phrases match as written. */
static int has_exact_key(const cari_token *t, int inflected)
{
    return !inflected || (t->flags & CARI_TOKEN_WHOLE);
}

/* Notes in the word's tag its terms in this inverter. */
static int tag_terms(struct doc_state *s, const cari_token *t, struct analyzer_word_tag *tag)
{
    char key[FORMAT_MAX_KEY];
    uint32_t exact = NO_TERM, root = NO_TERM;
    int inflected = is_inflected(t), rc = 0;
    if (has_exact_key(t, inflected))
        rc = inverter_term(s->inv, t->exact, t->exact_len, &exact);
    if (rc == 0 && inflected)
        rc = inverter_term(s->inv, key, root_key(t, key), &root);
    if (rc == 0)
        *tag = (struct analyzer_word_tag){ s->generation, exact, root };
    return rc;
}

/* A stemmed word: its terms are noted in its tag the first time this
 * inverter sees it, and then added by index. */
static int index_tagged(struct doc_state *s, const cari_token *t, struct analyzer_word_tag *tag)
{
    int rc = tag->generation == s->generation ? 0 : tag_terms(s, t, tag);
    if (rc == 0 && tag->exact_term != NO_TERM)
        rc = inverter_add_term(s->inv, s->record, tag->exact_term, t->position);
    if (rc == 0 && tag->root_term != NO_TERM)
        rc = inverter_add_term(s->inv, s->record, tag->root_term, t->position);
    return rc;
}

static int index_token(const cari_token *t, struct analyzer_word_tag *tag, void *payload)
{
    struct doc_state *s = payload;
    int rc = 0;
    if (tag != NULL) {
        rc = index_tagged(s, t, tag);
    } else {
        int inflected = is_inflected(t);
        if (has_exact_key(t, inflected))
            rc = inverter_add(s->inv, s->record, t->exact, t->exact_len, t->position);
        if (rc == 0 && inflected) {
            char key[FORMAT_MAX_KEY];
            rc = inverter_add(s->inv, s->record, key, root_key(t, key), t->position);
        }
    }
    if (!(t->flags & CARI_TOKEN_WHOLE))
        s->tokens++;
    return rc;
}

/* Title first, then the text one position later, so no phrase spans the two;
 * repeated values of one field follow each other (as Lucene's default gap of 0),
 * which keeps every position at most the document's length. */
static int analyze_doc(struct pool_worker *wk, uint32_t record, const struct stored_field *f,
                       size_t n, uint32_t *length)
{
    struct doc_state s = { &wk->inv, wk->generation, record, 0 };
    uint32_t position = 0;
    for (uint32_t want = FORMAT_FIELD_TITLE; want <= FORMAT_FIELD_TEXT; want++) {
        for (size_t i = 0; i < n; i++) {
            if (f[i].number != want)
                continue;
            int rc = analyzer_run(wk->analyzer, f[i].value, f[i].len, position, index_token, &s,
                                  &position);
            if (rc != 0)
                return rc;
        }
        if (want == FORMAT_FIELD_TITLE && position > 0)
            position++;
    }
    *length = s.tokens;
    return inverter_end_doc(&wk->inv);
}

static int register_run(inverter_pool *p, char *path)
{
    pthread_mutex_t *lock = p->nworkers > 1 ? &p->lock : NULL;
    if (lock != NULL)
        pthread_mutex_lock(lock);
    int rc = array_reserve((void **)&p->runs, &p->runs_cap, p->nruns + 1, sizeof *p->runs);
    if (rc == 0)
        p->runs[p->nruns++] = path;
    if (lock != NULL)
        pthread_mutex_unlock(lock);
    return rc;
}

static int spill(struct pool_worker *wk)
{
    inverter_pool *p = wk->pool;
    size_t n = strlen(p->run_prefix) + 32;
    char *path = malloc(n);
    if (path == NULL)
        return error_oom();
    snprintf(path, n, "%s%u-%u", p->run_prefix, wk->index, wk->nspills++);
    int rc = register_run(p, path); /* first, so that it is removed whatever happens */
    if (rc != 0) {
        free(path);
        return rc;
    }
    if ((rc = run_file_write(&wk->inv, path)) != 0)
        return rc;
    inverter_free(&wk->inv);
    free(wk->order);
    wk->order = NULL;
    wk->generation++; /* the term indices in the analyzer's tags are stale */
    return inverter_init(&wk->inv);
}

static int after_doc(struct pool_worker *wk)
{
    return inverter_memory(&wk->inv) > wk->pool->worker_budget ? spill(wk) : 0;
}

/* ---- the threads ---- */

static int run_batch(struct pool_worker *wk, struct pool_batch *b)
{
    uint32_t first = 0;
    for (size_t i = 0; i < b->nvalues && !b->lent; i++)
        b->values[i].value = (const char *)b->text.data + b->offsets[i];
    for (uint32_t d = 0; d < b->ndocs; d++) {
        uint32_t end = b->value_end[d];
        int rc = analyze_doc(wk, b->first_record + d, b->values + first, end - first,
                             &b->lengths[d]);
        if (rc == 0)
            rc = after_doc(wk);
        if (rc != 0)
            return rc;
        first = end;
    }
    return 0;
}

/* Notes a worker's failure; called with the lock held. */
static void worker_failed(struct pool_worker *wk, int rc)
{
    if (rc != 0 && wk->rc == 0) {
        wk->rc = rc;
        snprintf(wk->msg, sizeof wk->msg, "%s", cari_error_last());
        wk->pool->failed = 1;
    }
}

/* The last job of a thread: its inverter's terms in key order, for the
 * commit's merge, sorted here beside the other threads rather than by the
 * commit one inverter after the other. */
static void sort_terms(struct pool_worker *wk)
{
    inverter_pool *p = wk->pool;
    pthread_mutex_lock(&p->lock);
    int skip = p->failed || wk->inv.nterms == 0;
    pthread_mutex_unlock(&p->lock);
    if (skip)
        return;
    int rc = inverter_sorted_terms(&wk->inv, &wk->order);
    pthread_mutex_lock(&p->lock);
    worker_failed(wk, rc);
    pthread_mutex_unlock(&p->lock);
}

/* wk->rc and wk->msg are written and read under the lock only. */
static void *worker_main(void *arg)
{
    struct pool_worker *wk = arg;
    inverter_pool *p = wk->pool;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->ready_head == NULL && !p->stopping)
            pthread_cond_wait(&p->work, &p->lock);
        struct pool_batch *b = p->ready_head;
        if (b == NULL)
            break;
        p->ready_head = b->next;
        if (p->ready_head == NULL)
            p->ready_tail = NULL;
        int skip = p->failed;
        pthread_mutex_unlock(&p->lock);
        int rc = skip ? 0 : run_batch(wk, b);
        if (b->text.cap > 4 * BATCH_TEXT) { /* grown for a large document: its room back now */
            buf_clear(&b->text);
            buf_shrink(&b->text, 2 * BATCH_TEXT);
        }
        pthread_mutex_lock(&p->lock);
        worker_failed(wk, rc);
        p->large_in_flight -= b->large;
        b->large = 0;
        b->finished = 1;
        b->next = p->free_list;
        p->free_list = b;
        pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    sort_terms(wk);
    return NULL;
}

/* ---- the caller's side ---- */

static void batch_free(struct pool_batch *b)
{
    buf_free(&b->text);
    free(b->values);
    free(b->offsets);
    free(b->value_end);
    free(b->lengths);
}

static int start_threads(inverter_pool *p)
{
    if (pthread_mutex_init(&p->lock, NULL) != 0)
        return error_set(CARI_ENOMEM, "cannot create a mutex");
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    p->locks_ready = 1;
    p->nbatches = 2 * (size_t)p->nworkers + 1;
    p->batches = calloc(p->nbatches, sizeof *p->batches);
    if (p->batches == NULL)
        return error_oom();
    for (size_t i = 0; i < p->nbatches; i++) {
        p->batches[i].next = p->free_list;
        p->free_list = &p->batches[i];
    }
    for (unsigned i = 0; i < p->nworkers; i++) {
        if (pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i]) != 0)
            return error_set(CARI_ENOMEM, "cannot start an indexing thread");
        p->workers[i].started = 1;
    }
    return 0;
}

int inverter_pool_init(inverter_pool *p, const char *index_path, unsigned threads, size_t budget,
                       size_t large_cap)
{
    memset(p, 0, sizeof *p);
    p->nworkers = threads ? threads : 1;
    p->worker_budget = budget / p->nworkers;
    p->large_cap = large_cap;
    size_t n = strlen(index_path) + 32;
    p->run_prefix = malloc(n);
    p->workers = calloc(p->nworkers, sizeof *p->workers);
    if (p->run_prefix == NULL || p->workers == NULL)
        return error_oom();
    snprintf(p->run_prefix, n, "%s.run-%ld-", index_path, (long)getpid());
    for (unsigned i = 0; i < p->nworkers; i++) {
        struct pool_worker *wk = &p->workers[i];
        wk->pool = p;
        wk->index = i;
        wk->generation = 1;
        int rc = cari_analyzer_new(&wk->analyzer);
        if (rc == 0)
            rc = inverter_init(&wk->inv);
        if (rc != 0)
            return rc;
    }
    return p->nworkers > 1 ? start_threads(p) : 0;
}

/* The first failure of any worker, as this thread's error. */
static int worker_error(inverter_pool *p)
{
    for (unsigned i = 0; i < p->nworkers; i++)
        if (p->workers[i].rc != 0)
            return error_set(p->workers[i].rc, "%s", p->workers[i].msg);
    return 0;
}

/* Takes the lengths of an analysed batch and empties it for the next. */
static void recycle_batch(inverter_pool *p, struct pool_batch *b)
{
    if (b->ndocs > 0)
        memcpy(p->lengths + b->first_record, b->lengths, b->ndocs * sizeof *b->lengths);
    b->ndocs = 0;
    b->nvalues = 0;
    b->lent = 0;
    buf_clear(&b->text); /* a grown one was shrunk by its worker */
}

/* Hands the batch being filled to the workers. Called with the lock held. */
static void submit(inverter_pool *p)
{
    struct pool_batch *b = p->filling;
    p->filling = NULL;
    b->next = NULL;
    if (p->ready_tail != NULL)
        p->ready_tail->next = b;
    else
        p->ready_head = b;
    p->ready_tail = b;
    pthread_cond_signal(&p->work);
}

/* Takes a free batch to fill, waiting for one if need be. */
static int take_batch(inverter_pool *p, uint32_t record)
{
    int rc;
    pthread_mutex_lock(&p->lock);
    while (p->free_list == NULL && !p->failed)
        pthread_cond_wait(&p->done, &p->lock);
    struct pool_batch *b = p->failed ? NULL : p->free_list;
    if (b != NULL)
        p->free_list = b->next;
    rc = b == NULL ? worker_error(p) : 0;
    pthread_mutex_unlock(&p->lock);
    if (rc != 0)
        return rc;
    recycle_batch(p, b);
    b->first_record = record;
    p->filling = b;
    return 0;
}

/* Adds a document's title and text to the batch, copied, or (b->lent) as
 * the caller's own values. */
static int batch_add(struct pool_batch *b, const struct stored_field *fields, size_t nfields)
{
    size_t d = b->ndocs, old_cap = b->docs_cap;
    int rc = array_reserve((void **)&b->value_end, &b->docs_cap, d + 1, sizeof *b->value_end);
    if (rc == 0 && b->docs_cap != old_cap) {
        uint32_t *l = realloc(b->lengths, b->docs_cap * sizeof *l);
        if (l == NULL)
            return error_oom();
        b->lengths = l;
    }
    for (size_t i = 0; i < nfields && rc == 0; i++) {
        if (fields[i].number != FORMAT_FIELD_TITLE && fields[i].number != FORMAT_FIELD_TEXT)
            continue;
        size_t cap = b->values_cap;
        rc = array_reserve((void **)&b->values, &b->values_cap, b->nvalues + 1, sizeof *b->values);
        if (rc == 0)
            rc = array_reserve((void **)&b->offsets, &cap, b->nvalues + 1, sizeof *b->offsets);
        if (rc != 0)
            break;
        b->values[b->nvalues] = (struct stored_field){ fields[i].number,
                                                       b->lent ? fields[i].value : NULL,
                                                       fields[i].len };
        b->offsets[b->nvalues++] = b->text.len;
        if (!b->lent)
            buf_append(&b->text, fields[i].value, fields[i].len);
        rc = b->text.rc;
    }
    if (rc != 0)
        return rc;
    b->value_end[d] = (uint32_t)b->nvalues;
    b->ndocs++;
    return 0;
}

/* Bytes of a document's title and text. */
static size_t indexed_bytes(const struct stored_field *fields, size_t nfields)
{
    size_t n = 0;
    for (size_t i = 0; i < nfields; i++)
        if (fields[i].number == FORMAT_FIELD_TITLE || fields[i].number == FORMAT_FIELD_TEXT)
            n += fields[i].len;
    return n;
}

/* Waits until `bytes` more of large documents fit in large_cap. */
static int wait_for_room(inverter_pool *p, size_t bytes)
{
    pthread_mutex_lock(&p->lock);
    while (p->large_in_flight + bytes > p->large_cap && !p->failed)
        pthread_cond_wait(&p->done, &p->lock);
    int rc = p->failed ? worker_error(p) : 0;
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* A large document in a batch of its own, after the batch being filled:
 * copied when it fits in large_cap, else lent and analysed before this
 * returns, the caller's values then free to reuse. */
static int add_large(inverter_pool *p, uint32_t record, const struct stored_field *fields,
                     size_t nfields, size_t bytes)
{
    if (p->filling != NULL) {
        pthread_mutex_lock(&p->lock);
        submit(p);
        pthread_mutex_unlock(&p->lock);
    }
    int copy = bytes <= p->large_cap, rc = copy ? wait_for_room(p, bytes) : 0;
    if (rc == 0)
        rc = take_batch(p, record);
    if (rc != 0)
        return rc;
    struct pool_batch *b = p->filling;
    b->lent = !copy;
    if ((rc = batch_add(b, fields, nfields)) != 0)
        return rc;
    if (copy)
        p->large_copied++;
    else
        p->large_lent++;
    pthread_mutex_lock(&p->lock);
    b->finished = 0;
    b->large = copy ? bytes : 0;
    p->large_in_flight += b->large;
    if (p->large_in_flight > p->large_peak)
        p->large_peak = p->large_in_flight;
    submit(p);
    while (!copy && !b->finished)
        pthread_cond_wait(&p->done, &p->lock);
    rc = p->failed ? worker_error(p) : 0;
    pthread_mutex_unlock(&p->lock);
    return rc;
}

int inverter_pool_add(inverter_pool *p, uint32_t record, const struct stored_field *fields,
                      size_t nfields)
{
    int rc = array_reserve((void **)&p->lengths, &p->lengths_cap, (size_t)record + 1,
                           sizeof *p->lengths);
    if (rc != 0)
        return rc;
    if (p->nworkers == 1) {
        struct pool_worker *wk = &p->workers[0];
        rc = analyze_doc(wk, record, fields, nfields, &p->lengths[record]);
        return rc == 0 ? after_doc(wk) : rc;
    }
    size_t bytes = indexed_bytes(fields, nfields);
    if (bytes >= BATCH_LENT)
        return add_large(p, record, fields, nfields, bytes);
    if (p->filling == NULL && (rc = take_batch(p, record)) != 0)
        return rc;
    if ((rc = batch_add(p->filling, fields, nfields)) != 0)
        return rc;
    if (p->filling->text.len >= BATCH_TEXT || p->filling->ndocs >= BATCH_DOCS) {
        pthread_mutex_lock(&p->lock);
        submit(p);
        pthread_mutex_unlock(&p->lock);
    }
    return 0;
}

static void stop_threads(inverter_pool *p)
{
    if (!p->locks_ready)
        return;
    pthread_mutex_lock(&p->lock);
    if (p->filling != NULL)
        submit(p);
    p->stopping = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->nworkers; i++) {
        if (p->workers[i].started)
            pthread_join(p->workers[i].thread, NULL);
        p->workers[i].started = 0;
    }
}

/* Merges runs[0..n) into the new run at `path`. */
static int merge_runs(inverter_pool *p, size_t n, const char *path)
{
    run_cursor *c = calloc(n, sizeof *c);
    if (c == NULL)
        return error_oom();
    run_merge m = { 0 };
    size_t opened = 0;
    int rc = 0;
    for (; opened < n && rc == 0; opened++)
        rc = run_cursor_open(&c[opened], p->runs[opened], NULL);
    if (rc == 0)
        rc = run_merge_init(&m, c, n);
    if (rc == 0)
        rc = run_merge_next(&m);
    if (rc == 0)
        rc = run_merge_write(&m, path);
    run_merge_free(&m);
    for (size_t i = 0; i < opened; i++)
        run_cursor_close(&c[i]);
    free(c);
    return rc;
}

static int compact_runs(inverter_pool *p)
{
    for (unsigned round = 0; p->nruns > MAX_OPEN_RUNS; round++) {
        size_t len = strlen(p->run_prefix) + 32;
        char *path = malloc(len);
        if (path == NULL)
            return error_oom();
        snprintf(path, len, "%sm%u", p->run_prefix, round);
        int rc = register_run(p, path);
        if (rc != 0) {
            free(path);
            return rc;
        }
        if ((rc = merge_runs(p, MAX_OPEN_RUNS, path)) != 0)
            return rc;
        for (size_t i = 0; i < MAX_OPEN_RUNS; i++) {
            unlink(p->runs[i]);
            free(p->runs[i]);
        }
        p->nruns -= MAX_OPEN_RUNS;
        memmove(p->runs, p->runs + MAX_OPEN_RUNS, p->nruns * sizeof *p->runs);
    }
    return 0;
}

int inverter_pool_finish(inverter_pool *p)
{
    stop_threads(p);
    for (size_t i = 0; i < p->nbatches; i++)
        recycle_batch(p, &p->batches[i]);
    int rc = worker_error(p);
    if (rc != 0 || p->nruns == 0)
        return rc;
    for (unsigned i = 0; i < p->nworkers && rc == 0; i++)
        if (p->workers[i].inv.nterms > 0)
            rc = spill(&p->workers[i]);
    return rc == 0 ? compact_runs(p) : rc;
}

int inverter_pool_cursors(inverter_pool *p, run_cursor **out, size_t *n)
{
    size_t cap = p->nruns + p->nworkers;
    run_cursor *c = calloc(cap, sizeof *c);
    if (c == NULL)
        return error_oom();
    size_t k = 0;
    int rc = 0;
    for (size_t i = 0; i < p->nruns && rc == 0; i++)
        rc = run_cursor_open(&c[k++], p->runs[i], NULL);
    for (unsigned i = 0; i < p->nworkers && rc == 0; i++) {
        struct pool_worker *wk = &p->workers[i];
        if (wk->inv.nterms > 0 && wk->order != NULL)
            run_cursor_open_sorted(&c[k++], &wk->inv, wk->order);
        else if (wk->inv.nterms > 0)
            rc = run_cursor_open(&c[k++], NULL, &wk->inv);
        wk->order = NULL; /* the cursor's now */
    }
    if (rc != 0) {
        for (size_t i = 0; i < k; i++)
            run_cursor_close(&c[i]);
        free(c);
        return rc;
    }
    *out = c;
    *n = k;
    return 0;
}

static void *release_main(void *arg)
{
    struct pool_worker *wk = arg;
    inverter_free(&wk->inv);
    return NULL;
}

void inverter_pool_release(inverter_pool *p)
{
    /* a thread that cannot start leaves its inverter to inverter_pool_free */
    for (unsigned i = 0; p->nworkers > 1 && i < p->nworkers; i++) {
        struct pool_worker *wk = &p->workers[i];
        if (!wk->releasing)
            wk->releasing = pthread_create(&wk->releaser, NULL, release_main, wk) == 0;
    }
}

void inverter_pool_release_wait(inverter_pool *p)
{
    for (unsigned i = 0; p->workers != NULL && i < p->nworkers; i++) {
        if (p->workers[i].releasing)
            pthread_join(p->workers[i].releaser, NULL);
        p->workers[i].releasing = 0;
    }
}

void inverter_pool_free(inverter_pool *p)
{
    inverter_pool_release_wait(p);
    stop_threads(p);
    for (unsigned i = 0; p->workers != NULL && i < p->nworkers; i++) {
        inverter_free(&p->workers[i].inv);
        free(p->workers[i].order);
        cari_analyzer_free(p->workers[i].analyzer);
    }
    for (size_t i = 0; i < p->nruns; i++) {
        unlink(p->runs[i]);
        free(p->runs[i]);
    }
    for (size_t i = 0; i < p->nbatches; i++)
        batch_free(&p->batches[i]);
    if (p->locks_ready) {
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->work);
        pthread_cond_destroy(&p->done);
    }
    free(p->batches);
    free(p->workers);
    free(p->runs);
    free(p->run_prefix);
    free(p->lengths);
    memset(p, 0, sizeof *p);
}
