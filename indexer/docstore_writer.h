/* docstore_writer.h - stored fields, gathered into blocks of records that the
 * store compressor turns into the STORE section while documents arrive. */
#ifndef CARI_INDEXER_DOCSTORE_WRITER_H
#define CARI_INDEXER_DOCSTORE_WRITER_H

#include <stdint.h>

#include "core/buf.h"
#include "indexer/file_writer.h"
#include "indexer/store_compressor.h"

struct stored_field {
    uint32_t number;
    const char *value;
    size_t len;
};

typedef struct docstore_writer {
    store_compressor compressor;
    size_t block_target;
    buf records;       /* records of the current block */
    buf offsets;       /* u32 record offsets of the current block */
    buf block;         /* the field headers of a record too big to copy */
    struct store_piece *pieces; /* what a block is compressed from */
    size_t pieces_cap;
    uint32_t block_records, added_records;
} docstore_writer;

/* With `threaded`, blocks are compressed on a thread of their own, and the
 * store's buffers keep within `memory` (store_compressor_init); the STORE
 * section's bytes are the same either way. The store writes to `fw`
 * (inside its STORE section) until docstore_writer_finish. */
int docstore_writer_init(docstore_writer *dw, int level, size_t block_target, int threaded,
                         size_t memory, file_writer *fw);
void docstore_writer_free(docstore_writer *dw);

/* Appends one record (the fields of one document); may end a block. */
int docstore_writer_add(docstore_writer *dw, const struct stored_field *fields, size_t nfields);

/* Writes the last blocks; afterwards the caller may write to the file again. */
int docstore_writer_finish(docstore_writer *dw);

/* Writes the STORE_INDEX section (and STORE_DICT, when there is a dictionary). */
void docstore_writer_write_index(docstore_writer *dw, file_writer *fw);

#endif
