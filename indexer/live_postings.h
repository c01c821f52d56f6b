/* live_postings.h - the current term of a merge as the index stores it: its
 * postings without replaced documents, renumbered to document numbers, and
 * optionally its positions encoded. Both passes of the commit (postings and
 * dictionary; positions) read each term through this. */
#ifndef CARI_INDEXER_LIVE_POSTINGS_H
#define CARI_INDEXER_LIVE_POSTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "indexer/positions_writer.h"
#include "indexer/run_merge.h"
#include "indexer/termdict_writer.h"

/* Scratch for one term at a time, reused from term to term. */
struct live_postings {
    uint32_t *docs, *tfs;       /* document numbers and their frequencies */
    uint64_t *pos_starts;       /* per doc: where its block's positions start */
    const struct merged_posting **live;
    size_t cap;
    struct positions_scratch pos_scratch;
};

/* Fills `lp` from the merge's current term (doc_of_record: UINT32_MAX for a
 * replaced record) and sets info's df, cf, max_tf and positions_len, the rest
 * zero. With `positions`, appends the term's encoded positions to it (none
 * for a term no query reads positions of); without, only counts them. Their
 * code needs each record's length (length_of_record). */
int live_postings_fill(struct live_postings *lp, const run_merge *m, const uint32_t *doc_of_record,
                       const uint32_t *length_of_record, struct term_info *info, buf *positions);

void live_postings_free(struct live_postings *lp);

#endif
