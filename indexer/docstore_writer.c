/* docstore_writer.c - blocks of records, each compressed as one zstd frame with
 * its content size and checksum, so the reader can bound and verify it. */
#include "indexer/docstore_writer.h"

#include <zstd.h>

#include "core/endian.h"
#include "core/error.h"
#include "core/format.h"

int docstore_writer_init(docstore_writer *dw, int level, size_t block_target)
{
    *dw = (docstore_writer){ .block_target = block_target };
    ZSTD_CCtx *c = ZSTD_createCCtx();
    if (c == NULL)
        return error_oom();
    if (ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1))) {
        ZSTD_freeCCtx(c);
        return error_set(CARI_EINVAL, "zstd rejects compression level %d", level);
    }
    dw->cctx = c;
    return 0;
}

void docstore_writer_free(docstore_writer *dw)
{
    ZSTD_freeCCtx(dw->cctx);
    dw->cctx = NULL;
    buf_free(&dw->records);
    buf_free(&dw->offsets);
    buf_free(&dw->block);
    buf_free(&dw->frame);
    buf_free(&dw->index);
}

static int flush_block(docstore_writer *dw, file_writer *fw)
{
    if (dw->block_records == 0)
        return 0;
    buf_clear(&dw->block);
    buf_u32(&dw->block, dw->block_records);
    buf_append(&dw->block, dw->offsets.data, dw->offsets.len);
    buf_u32(&dw->block, (uint32_t)dw->records.len);
    buf_append(&dw->block, dw->records.data, dw->records.len);
    if (dw->block.rc != 0)
        return dw->block.rc;
    if (dw->block.len > FORMAT_MAX_STORE_BLOCK)
        return error_set(CARI_ELIMIT, "a document's stored fields exceed %u bytes",
                         FORMAT_MAX_STORE_BLOCK);

    size_t bound = ZSTD_compressBound(dw->block.len);
    buf_clear(&dw->frame);
    if (buf_reserve(&dw->frame, bound) != 0)
        return dw->frame.rc;
    size_t n = ZSTD_compress2(dw->cctx, dw->frame.data, bound, dw->block.data, dw->block.len);
    if (ZSTD_isError(n))
        return error_set(CARI_ENOMEM, "zstd: %s", ZSTD_getErrorName(n));

    buf_u64(&dw->index, dw->store_bytes);
    buf_u32(&dw->index, dw->total_records);
    buf_u32(&dw->index, 0);
    file_writer_write(fw, dw->frame.data, n);
    dw->store_bytes += n;
    dw->nblocks++;
    if (dw->block.len > dw->max_block_bytes)
        dw->max_block_bytes = (uint32_t)dw->block.len;
    dw->total_records += dw->block_records;
    dw->block_records = 0;
    buf_clear(&dw->records);
    buf_clear(&dw->offsets);
    return dw->index.rc != 0 ? dw->index.rc : fw->rc;
}

int docstore_writer_add(docstore_writer *dw, file_writer *fw, const struct stored_field *fields,
                        size_t nfields)
{
    if (dw->total_records + dw->block_records == UINT32_MAX)
        return error_set(CARI_ELIMIT, "more than %u documents", UINT32_MAX - 1);
    buf_u32(&dw->offsets, (uint32_t)dw->records.len);
    buf_varint(&dw->records, nfields);
    for (size_t i = 0; i < nfields; i++) {
        buf_varint(&dw->records, fields[i].number);
        buf_varint(&dw->records, fields[i].len);
        buf_append(&dw->records, fields[i].value, fields[i].len);
    }
    if (dw->records.rc != 0 || dw->offsets.rc != 0)
        return dw->records.rc != 0 ? dw->records.rc : dw->offsets.rc;
    dw->block_records++;
    if (dw->records.len >= dw->block_target)
        return flush_block(dw, fw);
    return 0;
}

int docstore_writer_finish(docstore_writer *dw, file_writer *fw) { return flush_block(dw, fw); }

void docstore_writer_write_index(docstore_writer *dw, file_writer *fw)
{
    uint8_t head[16];
    le32_store(head, dw->nblocks);
    le32_store(head + 4, dw->total_records);
    le32_store(head + 8, dw->max_block_bytes);
    le32_store(head + 12, 0);
    buf_u64(&dw->index, dw->store_bytes);
    buf_u32(&dw->index, dw->total_records);
    buf_u32(&dw->index, 0);
    if (dw->index.rc != 0 && fw->rc == 0)
        fw->rc = dw->index.rc;
    file_writer_begin(fw, SECTION_STORE_INDEX);
    file_writer_write(fw, head, sizeof head);
    file_writer_write(fw, dw->index.data, dw->index.len);
    file_writer_end(fw);
}
