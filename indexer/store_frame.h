/* store_frame.h - one zstd frame made from the pieces of a block, the one
 * way the document store compresses: its frames (store_compressor.c) and
 * the held blocks it packs under a small budget (store_held.c). */
#ifndef CARI_INDEXER_STORE_FRAME_H
#define CARI_INDEXER_STORE_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "indexer/file_writer.h"

/* A part of a block, compressed in order with the others (so that a large
 * record need not be copied into one buffer first). */
struct store_piece {
    const void *data;
    size_t len;
};

/* Compresses the pieces, `total` bytes, as one frame with `cctx` (a
 * ZSTD_CCtx and its parameters), in pieces of 128 KiB through `scratch`,
 * to the file or (fw NULL) appended to `to`; sets *written to the frame's
 * bytes. The same calls give the same bytes, on any thread. */
int store_frame_compress(void *cctx, const struct store_piece *pieces, size_t n, size_t total,
                         buf *scratch, file_writer *fw, buf *to, uint64_t *written);

#endif
