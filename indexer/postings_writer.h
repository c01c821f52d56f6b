/* postings_writer.h - one term's postings in the on-disk layout: skip entries,
 * bit-packed full blocks of 128 docs, a Rice-coded tail. */
#ifndef CARI_INDEXER_POSTINGS_WRITER_H
#define CARI_INDEXER_POSTINGS_WRITER_H

#include <stdint.h>

#include "core/buf.h"

struct term_postings {
    const uint32_t *docs;       /* increasing */
    const uint32_t *tfs;        /* >= 1 */
    const uint64_t *pos_starts; /* where each doc's positions start in the term's positions */
    uint32_t n;
    uint32_t ndocs;             /* of the index: the tail's Rice parameter depends on it */
};

/* Appends the encoded postings to `out`. `norms` is indexed by doc; the
 * blocks' covers are chosen for BM25's length factors by norm byte (any
 * bound them), and best[b] is block b's best saturation (core/block_best.h;
 * read when the term has 128 docs or more). A term of one document appends
 * nothing: its dictionary entry holds the document. */
int postings_encode(buf *out, buf *scratch, const struct term_postings *p, const uint8_t *norms,
                    const float *length_factor, const uint16_t *best);

#endif
