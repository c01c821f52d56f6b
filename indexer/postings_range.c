/* postings_range.c - see postings_range.h. */
#include "indexer/postings_range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/block_best.h"
#include "core/error.h"
#include "core/sorted.h"
#include "core/varint.h"
#include "indexer/postings_writer.h"

/* Not an error: the commit failed and abandoned the later range. */
enum { ABANDONED = 1 };

void postings_range_init(postings_range *r, positions_pass *pass, file_writer *fw,
                         termdict_writer *dict, uint32_t ndocs, const uint8_t *norms,
                         const float *length_factor)
{
    *r = (postings_range){ .pass = pass, .fw = fw, .dict = dict, .ndocs = ndocs, .norms = norms,
                           .length_factor = length_factor, .direct = 1 };
}

static int is_root_of_previous(const postings_range *r, const char *key, size_t len)
{
    return r->prev_len > 0 && key[len - 1] == FORMAT_ROOT_MARK && r->prev_len == len - 1 &&
           memcmp(r->prev_key, key, r->prev_len) == 0;
}

/* Term t's postings into r->encoded, and its info completed. */
static int encode_term(postings_range *r, const struct term_batch *b, const struct pass_term *t,
                       struct term_info *info)
{
    const char *key = (const char *)b->keys.data + t->key_off;
    size_t len = t->key_len;
    const uint32_t *docs = b->docs + t->first, *tfs = b->tfs + t->first;
    *info = t->info;
    int root = is_root_of_previous(r, key, len);
    info->group_df = root ? (uint32_t)sorted_union_count(r->prev_docs, r->prev_n, docs, info->df)
                          : info->df;
    struct term_postings tp = { docs, tfs, b->pos_starts + t->first, info->df, r->ndocs };
    info->doc = docs[0]; /* the dictionary holds it when it is the only one */
    size_t nblocks = (info->df + FORMAT_POSTINGS_BLOCK - 1) / FORMAT_POSTINGS_BLOCK;
    int rc = array_reserve((void **)&r->best, &r->best_cap, nblocks, sizeof *r->best);
    if (rc != 0)
        return rc;
    if (info->df >= FORMAT_POSTINGS_BLOCK)
        block_best_values(r->best, docs, tfs, info->df, r->prev_docs, r->prev_tfs,
                          root ? r->prev_n : 0, r->norms, r->length_factor);
    buf_clear(&r->encoded);
    rc = postings_encode(&r->encoded, &r->scratch, &tp, r->norms, r->length_factor, r->best);
    if (rc == 0)
        rc = array_reserve((void **)&r->prev_docs, &r->prev_cap, info->df, sizeof *r->prev_docs);
    if (rc == 0)
        rc = array_reserve((void **)&r->prev_tfs, &r->prev_tfs_cap, info->df, sizeof *r->prev_tfs);
    if (rc != 0)
        return rc;
    info->postings_len = r->encoded.len;
    memcpy(r->prev_docs, docs, info->df * sizeof *docs);
    memcpy(r->prev_tfs, tfs, info->df * sizeof *tfs);
    r->prev_n = info->df;
    memcpy(r->prev_key, key, len);
    r->prev_len = len;
    r->nterms++;
    r->postings += info->df;
    return 0;
}

/* A kept term, in r->kept_terms: its key's length and key, then its
 * counts and lengths as varints (a fifth of a struct term_info's bytes). */
static int keep_term(postings_range *r, const char *key, size_t len, const struct term_info *info)
{
    buf *k = &r->kept_terms;
    buf_varint(k, len);
    buf_append(k, key, len);
    const uint64_t fields[] = { info->df, info->max_tf, info->group_df, info->doc,
                                info->cf, info->postings_len, info->positions_len };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        buf_varint(k, fields[i]);
    buf_append(&r->kept_postings, r->encoded.data, r->encoded.len);
    return k->rc != 0 ? k->rc : r->kept_postings.rc;
}

/* The next kept term at *at (they were written by keep_term: no checks). */
static const char *next_kept(const uint8_t **at, const uint8_t *end, size_t *len,
                             struct term_info *info)
{
    uint64_t v[8] = { 0 };
    varint_get64(at, end, &v[0]);
    const char *key = (const char *)*at;
    *at += v[0];
    for (size_t i = 1; i < 8; i++)
        varint_get64(at, end, &v[i]);
    *len = (size_t)v[0];
    *info = (struct term_info){ .df = (uint32_t)v[1], .max_tf = (uint32_t)v[2],
                                .group_df = (uint32_t)v[3], .doc = (uint32_t)v[4], .cf = v[5],
                                .postings_len = v[6], .positions_len = v[7] };
    return key;
}

static size_t kept_bytes(const postings_range *r)
{
    return r->kept_postings.len + r->kept_terms.len;
}

/* Writes the kept terms, in order, and frees them: from now on terms are
 * written as they come. */
static int write_kept(postings_range *r)
{
    file_writer_write(r->fw, r->kept_postings.data, r->kept_postings.len);
    const uint8_t *at = r->kept_terms.data, *end = at + r->kept_terms.len;
    int rc = 0;
    while (at < end && rc == 0) {
        size_t len;
        struct term_info info;
        const char *key = next_kept(&at, end, &len, &info);
        rc = termdict_writer_add(r->dict, key, len, &info);
    }
    buf_free(&r->kept_postings);
    buf_free(&r->kept_terms);
    r->direct = 1;
    return rc != 0 ? rc : r->fw->rc;
}

/* On the later range's thread, before each batch (and, `last`, after the
 * last): once the first range is written, the kept terms go to the file;
 * while it is not and the kept terms fill their bound (or none are left
 * to encode), the thread waits for it. */
static int check_release(postings_range *r, int last)
{
    if (r->direct)
        return 0;
    pthread_mutex_lock(&r->lock);
    while (!r->released && !r->abandoned && (last || kept_bytes(r) >= r->max_kept))
        pthread_cond_wait(&r->released_cond, &r->lock);
    int released = r->released, abandoned = r->abandoned;
    pthread_mutex_unlock(&r->lock);
    if (abandoned)
        return ABANDONED;
    return released ? write_kept(r) : 0;
}

static int write_batch(postings_range *r, const struct term_batch *b)
{
    int rc = check_release(r, 0);
    for (size_t i = 0; i < b->nterms && rc == 0; i++) {
        const struct pass_term *t = &b->terms[i];
        struct term_info info;
        if ((rc = encode_term(r, b, t, &info)) != 0)
            break;
        const char *key = (const char *)b->keys.data + t->key_off;
        if (!r->direct) {
            rc = keep_term(r, key, t->key_len, &info);
            continue;
        }
        file_writer_write(r->fw, r->encoded.data, r->encoded.len);
        rc = termdict_writer_add(r->dict, key, t->key_len, &info);
    }
    return rc != 0 ? rc : r->fw->rc;
}

int postings_range_write(postings_range *r)
{
    struct term_batch *b;
    int rc;
    while ((rc = positions_pass_terms(r->pass, &b)) == 0 && b != NULL) {
        rc = write_batch(r, b);
        positions_pass_recycle(r->pass, b);
        if (rc != 0)
            break;
    }
    return rc;
}

static void *range_main(void *arg)
{
    postings_range *r = arg;
    int rc = postings_range_write(r);
    if (rc == 0)
        rc = check_release(r, 1);
    pthread_mutex_lock(&r->lock);
    r->rc = rc;
    if (rc < 0)
        snprintf(r->msg, sizeof r->msg, "%s", cari_error_last());
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

size_t postings_range_kept_bound(size_t budget, size_t used, size_t held)
{
    size_t free_half = budget > used + held ? (budget - used - held) / 2 : 0;
    return free_half > held ? free_half : held;
}

int postings_range_start(postings_range *r, size_t max_kept)
{
    r->direct = 0;
    r->max_kept = max_kept;
    if (pthread_mutex_init(&r->lock, NULL) != 0)
        return error_set(CARI_ENOMEM, "cannot create a mutex");
    pthread_cond_init(&r->released_cond, NULL);
    r->locks_ready = 1;
    if (pthread_create(&r->thread, NULL, range_main, r) != 0)
        return error_set(CARI_ENOMEM, "cannot start the postings thread");
    r->started = 1;
    return 0;
}

/* Tells the thread to write (or, abandoned, to stop), and waits for it. */
static void end_thread(postings_range *r, int abandon)
{
    if (!r->started)
        return;
    pthread_mutex_lock(&r->lock);
    r->released = !abandon;
    r->abandoned = abandon;
    pthread_cond_signal(&r->released_cond);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    r->started = 0;
}

int postings_range_finish(postings_range *r)
{
    end_thread(r, 0);
    int rc = r->rc == ABANDONED ? 0 : r->rc;
    return rc != 0 ? error_set(rc, "%s", r->msg) : 0;
}

void postings_range_free(postings_range *r)
{
    end_thread(r, 1);
    if (r->locks_ready) {
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->released_cond);
        r->locks_ready = 0;
    }
    free(r->prev_docs);
    free(r->prev_tfs);
    free(r->best);
    buf_free(&r->encoded);
    buf_free(&r->scratch);
    buf_free(&r->kept_postings);
    buf_free(&r->kept_terms);
    memset(r, 0, sizeof *r);
}
