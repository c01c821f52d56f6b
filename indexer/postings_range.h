/* postings_range.h - the postings and dictionary entries of a range of terms,
 * encoded from the batches of the range's positions pass (positions_pass.h).
 *
 * With threads, the commit splits the terms in two ranges of about the same
 * work, each with a pass of its own, so that the merge of the runs and the
 * encoding of positions and postings run on two processors at once. The
 * first range is written as it comes (postings to the file, terms to the
 * dictionary) on the caller's thread. The later one runs on a thread of its
 * own, pass included: its postings and terms wait in memory (up to a bound,
 * then the thread waits) until the first range is written
 * (postings_range_finish), and from then on are written as they come. The
 * file is the same, byte for byte, as one pass over every term. */
#ifndef CARI_INDEXER_POSTINGS_RANGE_H
#define CARI_INDEXER_POSTINGS_RANGE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/format.h"
#include "indexer/file_writer.h"
#include "indexer/positions_pass.h"
#include "indexer/termdict_writer.h"

typedef struct postings_range {
    positions_pass *pass;  /* borrowed, as the file, dictionary and norms */
    file_writer *fw;
    termdict_writer *dict;
    uint32_t ndocs;
    const uint8_t *norms;
    const float *length_factor; /* what the blocks' covers are chosen for */
    uint32_t nterms;   /* terms written (or kept) */
    uint64_t postings; /* their documents */

    /* the term before, for a root's group_df and its blocks' best (core/block_best.h) */
    uint32_t *prev_docs, *prev_tfs;
    size_t prev_cap, prev_tfs_cap;
    uint32_t prev_n;
    uint16_t *best;
    size_t best_cap;
    char prev_key[FORMAT_MAX_KEY];
    size_t prev_len; /* 0: none */
    buf encoded, scratch;

    /* the later range's terms, kept until the first range is written */
    int direct; /* written as they come */
    buf kept_postings, kept_terms;
    size_t max_kept;

    /* the later range's thread */
    pthread_t thread;
    int started, locks_ready;
    pthread_mutex_t lock;
    pthread_cond_t released_cond;
    int released, abandoned, rc; /* under the lock */
    char msg[512];
} postings_range;

/* A range over the terms `pass` hands over (it must read them: lim->terms). */
void postings_range_init(postings_range *r, positions_pass *pass, file_writer *fw,
                         termdict_writer *dict, uint32_t ndocs, const uint8_t *norms,
                         const float *length_factor);

/* The first range: every term written on the caller's thread. */
int postings_range_write(postings_range *r);

/* The later range: runs its pass (not threaded) on a thread of its own,
 * keeping up to about `max_kept` bytes of postings and terms in memory. */
int postings_range_start(postings_range *r, size_t max_kept);

/* A bound for the later range's kept bytes: half of what a memory budget
 * leaves beside the inverters' `used` bytes and the passes' `held` ones, or
 * `held` when that is more. Once the inverters have spilled, they hold only
 * the last part of the documents, and a bound of a share of them (a
 * sixteenth) stopped the later range's thread within a second at 2 GB: the
 * two ranges then ran one after the other. */
size_t postings_range_kept_bound(size_t budget, size_t used, size_t held);

/* Once the first range is written: writes what the later one kept, lets
 * its thread write the rest, and waits for it; returns its outcome. */
int postings_range_finish(postings_range *r);

/* Stops the thread if it still runs (the commit failed), and frees. */
void postings_range_free(postings_range *r);

#endif
