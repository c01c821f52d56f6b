/* termdict_writer.h - the front-coded term blocks and their sparse index. */
#ifndef CARI_INDEXER_TERMDICT_WRITER_H
#define CARI_INDEXER_TERMDICT_WRITER_H

#include <stdint.h>

#include "core/buf.h"
#include "core/format.h"

struct term_info {
    uint32_t df, max_tf, group_df;
    uint32_t doc; /* the document of a term with df 1: its entry holds it, POSTINGS nothing */
    uint64_t cf;
    uint64_t postings_len, positions_len;
};

typedef struct termdict_writer {
    buf blocks;        /* TERM_BLOCKS */
    buf offsets;       /* u32 block offsets */
    buf counts;        /* the entries of the block being written, until its keys are */
    uint64_t counts_acc; /* their bits not yet in whole bytes */
    unsigned counts_n;
    uint32_t nterms;
    uint32_t ndocs;       /* N: the width of a df 1 term's document */
    const uint8_t *norms; /* by doc, borrowed: the shortest positions of a df 1 term */
    uint64_t postings_at, positions_at; /* where the next term's data starts */
    char prev_key[FORMAT_MAX_KEY];
    size_t prev_len;
} termdict_writer;

/* `norms` (NORMS, ndocs bytes) must outlive the writer. */
void termdict_writer_init(termdict_writer *tw, uint32_t ndocs, const uint8_t *norms);
void termdict_writer_free(termdict_writer *tw);

/* Adds the next term; keys come in strictly increasing byte order. */
int termdict_writer_add(termdict_writer *tw, const char *key, size_t key_len,
                        const struct term_info *info);

/* Ends the last block (TERM_BLOCKS is then complete) and appends the
 * TERM_INDEX bytes to `out`. */
void termdict_writer_index(termdict_writer *tw, buf *out);

#endif
