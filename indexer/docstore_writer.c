/* docstore_writer.c - blocks of records, each compressed as one zstd frame with
 * its content size and checksum, so the reader can bound and verify it. */
#include "indexer/docstore_writer.h"

#include <zstd.h>

#include <stdlib.h>
#include <string.h>

#include "core/array.h"
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
    free(dw->pieces);
}

/* Compressed output is written to the file in pieces of this size, so that
 * no buffer the size of a block (which one large document can make huge) is
 * needed besides the records themselves. */
enum { OUT_CHUNK = 1 << 17 };

struct piece {
    const void *data;
    size_t len;
};

/* Compresses the pieces, `total` bytes, as one frame written to `fw`. */
static int compress_pieces(docstore_writer *dw, file_writer *fw, const struct piece *pieces,
                           size_t n, size_t total, size_t *written)
{
    ZSTD_CCtx *c = dw->cctx;
    buf_clear(&dw->frame);
    if (buf_reserve(&dw->frame, OUT_CHUNK) != 0)
        return dw->frame.rc;
    if (ZSTD_isError(ZSTD_CCtx_reset(c, ZSTD_reset_session_only)) ||
        ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(c, total)))
        return error_set(CARI_EINVAL, "zstd refuses a block of %zu bytes", total);
    *written = 0;
    for (size_t i = 0; i < n; i++) {
        ZSTD_EndDirective mode = i + 1 == n ? ZSTD_e_end : ZSTD_e_continue;
        ZSTD_inBuffer in = { pieces[i].data, pieces[i].len, 0 };
        size_t left;
        do {
            ZSTD_outBuffer out = { dw->frame.data, OUT_CHUNK, 0 };
            left = ZSTD_compressStream2(c, &out, &in, mode);
            if (ZSTD_isError(left))
                return error_set(CARI_ENOMEM, "zstd: %s", ZSTD_getErrorName(left));
            file_writer_write(fw, out.dst, out.pos);
            *written += out.pos;
        } while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
    }
    return fw->rc;
}

/* Writes the block of the records so far and of `big` (a record kept out of
 * `records` so as not to copy it: its field headers and values), if any. */
static int flush_block(docstore_writer *dw, file_writer *fw, const struct piece *big, size_t nbig,
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
    int rc = array_reserve((void **)&dw->pieces, &dw->pieces_cap, n, sizeof(struct piece));
    if (rc != 0)
        return rc;
    struct piece *pc = dw->pieces;
    pc[0] = (struct piece){ head, 4 };
    pc[1] = (struct piece){ dw->offsets.data, dw->offsets.len };
    pc[2] = (struct piece){ mid, 4 };
    pc[3] = (struct piece){ dw->records.data, dw->records.len };
    if (nbig > 0)
        memcpy(pc + 4, big, nbig * sizeof *big);
    size_t frame_len = 0;
    if ((rc = compress_pieces(dw, fw, pc, n, total, &frame_len)) != 0)
        return rc;

    buf_u64(&dw->index, dw->store_bytes);
    buf_u32(&dw->index, dw->total_records);
    buf_u32(&dw->index, 0);
    dw->store_bytes += frame_len;
    dw->nblocks++;
    if (total > dw->max_block_bytes)
        dw->max_block_bytes = (uint32_t)total;
    dw->total_records += dw->block_records;
    dw->block_records = 0;
    buf_clear(&dw->records);
    buf_clear(&dw->offsets);
    return dw->index.rc != 0 ? dw->index.rc : fw->rc;
}

/* A record of a block's size or more ends its block at once: it is
 * compressed from the caller's values instead of being copied. */
static int add_big(docstore_writer *dw, file_writer *fw, const struct stored_field *fields,
                   size_t nfields, size_t len)
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
    struct piece *big = NULL;
    size_t big_cap = 0, n = 0;
    if (rc == 0)
        rc = dw->block.rc != 0 ? dw->block.rc
                               : array_reserve((void **)&big, &big_cap, 2 * nfields + 1, sizeof *big);
    if (rc == 0) {
        big[n++] = (struct piece){ dw->block.data, ends[0] };
        for (size_t i = 0; i < nfields; i++) {
            big[n++] = (struct piece){ dw->block.data + ends[i], ends[i + 1] - ends[i] };
            big[n++] = (struct piece){ fields[i].value, fields[i].len };
        }
        rc = flush_block(dw, fw, big, n, dw->block.len + len);
    }
    free(big);
    free(ends);
    return rc;
}

int docstore_writer_add(docstore_writer *dw, file_writer *fw, const struct stored_field *fields,
                        size_t nfields)
{
    if (dw->total_records + dw->block_records == UINT32_MAX)
        return error_set(CARI_ELIMIT, "more than %u documents", UINT32_MAX - 1);
    buf_u32(&dw->offsets, (uint32_t)dw->records.len);
    size_t values = 0;
    for (size_t i = 0; i < nfields; i++)
        values += fields[i].len;
    if (dw->offsets.rc != 0)
        return dw->offsets.rc;
    if (dw->records.len + values >= dw->block_target) {
        dw->block_records++;
        return add_big(dw, fw, fields, nfields, values);
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
        return flush_block(dw, fw, NULL, 0, 0);
    return 0;
}

int docstore_writer_finish(docstore_writer *dw, file_writer *fw) { return flush_block(dw, fw, NULL, 0, 0); }

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
