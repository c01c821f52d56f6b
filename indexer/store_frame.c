/* store_frame.c - see store_frame.h. */
#include "indexer/store_frame.h"

#include <zstd.h>

#include "core/error.h"

/* Compressed output goes out in pieces of this size, so that no buffer the
 * size of a block (which one large document can make huge) is needed
 * besides the records themselves. */
enum { OUT_CHUNK = 1 << 17 };

int store_frame_compress(void *cctx, const struct store_piece *pieces, size_t n, size_t total,
                         buf *scratch, file_writer *fw, buf *to, uint64_t *written)
{
    ZSTD_CCtx *c = cctx;
    *written = 0;
    if (buf_reserve(scratch, OUT_CHUNK) != 0)
        return scratch->rc;
    /* Always streamed, even one piece that could stay put (zstd's stable
     * input): with a dictionary, a frame of a few MiB read in place came out
     * other bytes than streamed, so a block's bytes depended on whether it
     * came whole or in pieces, and so on the threads (test_store_queue.c).
     * Streaming copies the input into zstd's window: no cost to see. */
    if (ZSTD_isError(ZSTD_CCtx_reset(c, ZSTD_reset_session_only)) ||
        ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(c, total)))
        return error_set(CARI_EINVAL, "zstd refuses a block of %zu bytes", total);
    for (size_t i = 0; i < n; i++) {
        ZSTD_EndDirective mode = i + 1 == n ? ZSTD_e_end : ZSTD_e_continue;
        ZSTD_inBuffer in = { pieces[i].data, pieces[i].len, 0 };
        size_t left;
        do {
            ZSTD_outBuffer out = { scratch->data, OUT_CHUNK, 0 };
            left = ZSTD_compressStream2(c, &out, &in, mode);
            if (ZSTD_isError(left))
                return error_set(CARI_ENOMEM, "zstd: %s", ZSTD_getErrorName(left));
            if (fw != NULL)
                file_writer_write(fw, out.dst, out.pos);
            else
                buf_append(to, out.dst, out.pos);
            *written += out.pos;
        } while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
    }
    return fw != NULL ? fw->rc : to->rc;
}
