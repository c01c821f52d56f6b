/* positions_writer.h - one term's positions in the on-disk code (docs/FORMAT.md,
 * POSITIONS): per block of 128 documents, one run of Rice groups. */
#ifndef CARI_INDEXER_POSITIONS_WRITER_H
#define CARI_INDEXER_POSITIONS_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "indexer/run_merge.h"

struct positions_scratch {
    uint32_t *values;
    size_t cap;
};

/* Appends the positions of the term's live postings live[0..n) (their bytes
 * in the inverter's varint code) to `out`, or only counts them when out is
 * NULL; sets *len to their bytes and pos_starts[i] to where the run of doc
 * i's block starts, from the term's first byte. */
int positions_encode(buf *out, struct positions_scratch *s, const struct merged_posting *const *live,
                     uint32_t n, uint64_t *pos_starts, uint64_t *len);

void positions_scratch_free(struct positions_scratch *s);

#endif
