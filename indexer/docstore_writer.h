/* docstore_writer.h - stored fields, in zstd-compressed blocks, streamed into
 * the STORE section while documents arrive. */
#ifndef CARI_INDEXER_DOCSTORE_WRITER_H
#define CARI_INDEXER_DOCSTORE_WRITER_H

#include <stdint.h>

#include "core/buf.h"
#include "indexer/file_writer.h"

struct stored_field {
    uint32_t number;
    const char *value;
    size_t len;
};

typedef struct docstore_writer {
    void *cctx; /* ZSTD_CCtx */
    size_t block_target;
    buf records;       /* records of the current block */
    buf offsets;       /* u32 record offsets of the current block */
    buf block;         /* the field headers of a record too big to copy */
    buf frame;         /* compressed output, a piece at a time */
    void *pieces;      /* struct piece: what one block is compressed from */
    size_t pieces_cap;
    buf index;         /* STORE_INDEX entries so far */
    uint32_t block_records, total_records, nblocks, max_block_bytes;
    uint64_t store_bytes;
} docstore_writer;

int docstore_writer_init(docstore_writer *dw, int level, size_t block_target);
void docstore_writer_free(docstore_writer *dw);

/* Appends one record (the fields of one document); may compress and write a block. */
int docstore_writer_add(docstore_writer *dw, file_writer *fw, const struct stored_field *fields,
                        size_t nfields);

/* Writes the last block; call inside the STORE section. */
int docstore_writer_finish(docstore_writer *dw, file_writer *fw);

/* Writes the STORE_INDEX section. */
void docstore_writer_write_index(docstore_writer *dw, file_writer *fw);

#endif
