/* store_frame.c - see store_frame.h. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_c_stableInBuffer */
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
    /* one piece stays put until the frame ends: zstd then reads it where it
     * is instead of copying it into its own window first (the same bytes) */
    if (ZSTD_isError(ZSTD_CCtx_reset(c, ZSTD_reset_session_only)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_stableInBuffer, n == 1)) ||
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
