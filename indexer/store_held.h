/* store_held.h - the blocks the document store holds back while the sample
 * of its dictionary fills (store_compressor.h): kept as they are, or packed,
 * each a fast zstd frame of its own (about a quarter of the bytes: 32 MiB
 * held took 32 MiB of a small memory budget), and read back in order, the
 * same bytes either way. */
#ifndef CARI_INDEXER_STORE_HELD_H
#define CARI_INDEXER_STORE_HELD_H

#include <stddef.h>
#include <stdint.h>

#include "cari.h"
#include "core/buf.h"
#include "indexer/store_frame.h"

typedef struct store_held {
    int packed;
    buf bytes;    /* the blocks back to back, as they are or packed */
    buf lens;     /* per block: its u64 length, and packed, the u64 length of its frame */
    uint64_t raw; /* the bytes of all the blocks as they are */
    int rc;       /* the first failure; adds then do nothing */
    void *cctx, *dctx; /* ZSTD_CCtx and ZSTD_DCtx, packed */
    buf scratch;  /* packing's output, a piece at a time */
    buf unpacked; /* the block read last, packed */
    size_t next, at; /* the reader: the next block, and where it is in `bytes` */
} store_held;

void store_held_init(store_held *h, int packed);
void store_held_free(store_held *h);

/* Holds the block made of `pieces` (`total` bytes); returns h->rc. */
int store_held_add(store_held *h, const struct store_piece *pieces, size_t n, size_t total);

/* Reads the blocks from the first again. */
void store_held_rewind(store_held *h);

/* The next block's bytes, valid until the next call; CARI_ITEROVER after
 * the last. */
int store_held_next(store_held *h, const uint8_t **data, size_t *len);

#endif
