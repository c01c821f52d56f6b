/* positions_writer.h - one term's positions in the on-disk code (docs/FORMAT.md,
 * POSITIONS): per block of 128 documents, one run, each document's values
 * with the k its length and frequency give. */
#ifndef CARI_INDEXER_POSITIONS_WRITER_H
#define CARI_INDEXER_POSITIONS_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "indexer/run_merge.h"

struct positions_scratch {
    uint32_t *values;
    uint8_t *ks; /* the k of each value: its document's */
    size_t cap;
};

/* Appends the positions of the term's live postings live[0..n) (their bytes
 * in the inverter's varint code) to `out`, or only counts them when out is
 * NULL; sets *len to their bytes and pos_starts[i] to where the run of doc
 * i's block starts, from the term's first byte. length_of_record gives each
 * record's length (DOC_LENGTHS), which no position exceeds. */
int positions_encode(buf *out, struct positions_scratch *s, const struct merged_posting *const *live,
                     uint32_t n, const uint32_t *length_of_record, uint64_t *pos_starts,
                     uint64_t *len);

void positions_scratch_free(struct positions_scratch *s);

#endif
