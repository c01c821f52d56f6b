/* docstore_writer.c - records gathered into blocks of about block_target
 * bytes (a record is never split), handed to the store compressor. */
#include "indexer/docstore_writer.h"

#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/endian.h"
#include "core/error.h"
#include "core/format.h"

/* A record whose values pass this is compressed from the caller's memory,
 * on the caller's thread, rather than copied: one document of 100 MB costs
 * no second 100 MB. Smaller ones are copied, so that their block can be
 * compressed on the store's thread. */
#define NOCOPY_BYTES ((size_t)4 << 20)

int docstore_writer_init(docstore_writer *dw, int level, size_t block_target, int threaded,
                         size_t memory, file_writer *fw)
{
    *dw = (docstore_writer){ .block_target = block_target };
    return store_compressor_init(&dw->compressor, level, block_target, threaded, memory, fw);
}

void docstore_writer_free(docstore_writer *dw)
{
    store_compressor_free(&dw->compressor);
    buf_free(&dw->records);
    buf_free(&dw->offsets);
    buf_free(&dw->block);
    free(dw->pieces);
    dw->pieces = NULL;
}

/* Ends the block of the records so far and of `big` (a record kept out of
 * `records` so as not to copy it: its field headers and values), if any. */
static int flush_block(docstore_writer *dw, const struct store_piece *big, size_t nbig,
                       size_t big_len)
{
    if (dw->block_records == 0)
        return 0;
    uint8_t head[4], mid[4];
    le32_store(head, dw->block_records);
    le32_store(mid, (uint32_t)(dw->records.len + big_len));
    size_t total = 8 + dw->offsets.len + dw->records.len + big_len;
    if (total > FORMAT_MAX_STORE_BLOCK)
        return error_set(CARI_ELIMIT, "a document's stored fields exceed %u bytes",
                         FORMAT_MAX_STORE_BLOCK);
    size_t n = 4 + nbig;
    int rc = array_reserve((void **)&dw->pieces, &dw->pieces_cap, n, sizeof *dw->pieces);
    if (rc != 0)
        return rc;
    struct store_piece *pc = dw->pieces;
    pc[0] = (struct store_piece){ head, 4 };
    pc[1] = (struct store_piece){ dw->offsets.data, dw->offsets.len };
    pc[2] = (struct store_piece){ mid, 4 };
    pc[3] = (struct store_piece){ dw->records.data, dw->records.len };
    if (nbig > 0)
        memcpy(pc + 4, big, nbig * sizeof *big);
    rc = nbig > 0 ? store_compressor_add_now(&dw->compressor, pc, n, total)
                  : store_compressor_add(&dw->compressor, pc, n, total);
    dw->block_records = 0;
    buf_clear(&dw->records);
    buf_clear(&dw->offsets);
    return rc;
}

/* A record of a block's size or more ends its block at once: it is
 * compressed from the caller's values instead of being copied. */
static int add_big(docstore_writer *dw, const struct stored_field *fields, size_t nfields,
                   size_t len)
{
    buf_clear(&dw->block); /* the field headers */
    buf_varint(&dw->block, nfields);
    size_t *ends = NULL, cap = 0;
    int rc = array_reserve((void **)&ends, &cap, nfields + 1, sizeof *ends);
    if (rc == 0)
        ends[0] = dw->block.len;
    for (size_t i = 0; i < nfields && rc == 0; i++) {
        buf_varint(&dw->block, fields[i].number);
        buf_varint(&dw->block, fields[i].len);
        ends[i + 1] = dw->block.len;
    }
    struct store_piece *big = NULL;
    size_t big_cap = 0, n = 0;
    if (rc == 0)
        rc = dw->block.rc != 0 ? dw->block.rc
                               : array_reserve((void **)&big, &big_cap, 2 * nfields + 1, sizeof *big);
    if (rc == 0) {
        big[n++] = (struct store_piece){ dw->block.data, ends[0] };
        for (size_t i = 0; i < nfields; i++) {
            big[n++] = (struct store_piece){ dw->block.data + ends[i], ends[i + 1] - ends[i] };
            big[n++] = (struct store_piece){ fields[i].value, fields[i].len };
        }
        rc = flush_block(dw, big, n, dw->block.len + len);
    }
    free(big);
    free(ends);
    return rc;
}

int docstore_writer_add(docstore_writer *dw, const struct stored_field *fields, size_t nfields)
{
    if (dw->added_records == UINT32_MAX)
        return error_set(CARI_ELIMIT, "more than %u documents", UINT32_MAX - 1);
    buf_u32(&dw->offsets, (uint32_t)dw->records.len);
    size_t values = 0;
    for (size_t i = 0; i < nfields; i++)
        values += fields[i].len;
    if (dw->offsets.rc != 0)
        return dw->offsets.rc;
    dw->added_records++;
    if (values >= NOCOPY_BYTES) {
        dw->block_records++;
        return add_big(dw, fields, nfields, values);
    }
    buf_varint(&dw->records, nfields);
    for (size_t i = 0; i < nfields; i++) {
        buf_varint(&dw->records, fields[i].number);
        buf_varint(&dw->records, fields[i].len);
        buf_append(&dw->records, fields[i].value, fields[i].len);
    }
    if (dw->records.rc != 0)
        return dw->records.rc;
    dw->block_records++;
    if (dw->records.len >= dw->block_target)
        return flush_block(dw, NULL, 0, 0);
    return 0;
}

int docstore_writer_finish(docstore_writer *dw)
{
    int rc = flush_block(dw, NULL, 0, 0);
    int finished = store_compressor_finish(&dw->compressor);
    return rc != 0 ? rc : finished;
}

void docstore_writer_write_index(docstore_writer *dw, file_writer *fw)
{
    store_compressor_write_sections(&dw->compressor, fw);
}
