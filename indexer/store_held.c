/* store_held.c - see store_held.h. */
#include "indexer/store_held.h"

#include <zstd.h>

#include "core/endian.h"
#include "core/error.h"

/* zstd's fastest level: the blocks are packed once and read twice (the
 * sample, then their frames), a small cost beside their final compression. */
enum { PACK_LEVEL = 1 };

void store_held_init(store_held *h, int packed) { *h = (store_held){ .packed = packed }; }

void store_held_free(store_held *h)
{
    buf_free(&h->bytes);
    buf_free(&h->lens);
    buf_free(&h->scratch);
    buf_free(&h->unpacked);
    ZSTD_freeCCtx(h->cctx);
    ZSTD_freeDCtx(h->dctx);
    h->cctx = h->dctx = NULL;
}

/* The pieces as one frame at the end of h->bytes; its length in *len. */
static int pack(store_held *h, const struct store_piece *pieces, size_t n, size_t total,
                size_t *len)
{
    if (h->cctx == NULL) {
        if ((h->cctx = ZSTD_createCCtx()) == NULL)
            return error_oom();
        if (ZSTD_isError(ZSTD_CCtx_setParameter(h->cctx, ZSTD_c_compressionLevel, PACK_LEVEL)))
            return error_set(CARI_EINVAL, "zstd refuses level %d", PACK_LEVEL);
    }
    uint64_t written;
    int rc = store_frame_compress(h->cctx, pieces, n, total, &h->scratch, NULL, &h->bytes,
                                  &written);
    *len = (size_t)written;
    return rc;
}

int store_held_add(store_held *h, const struct store_piece *pieces, size_t n, size_t total)
{
    if (h->rc != 0)
        return h->rc;
    size_t stored = total;
    if (h->packed) {
        h->rc = pack(h, pieces, n, total, &stored);
    } else {
        for (size_t i = 0; i < n; i++)
            buf_append(&h->bytes, pieces[i].data, pieces[i].len);
        h->rc = h->bytes.rc;
    }
    buf_u64(&h->lens, total);
    if (h->packed)
        buf_u64(&h->lens, stored);
    if (h->rc == 0)
        h->rc = h->lens.rc;
    h->raw += total;
    return h->rc;
}

void store_held_rewind(store_held *h) { h->next = h->at = 0; }

int store_held_next(store_held *h, const uint8_t **data, size_t *len)
{
    size_t step = h->packed ? 16 : 8;
    if (h->rc != 0)
        return h->rc;
    if ((h->next + 1) * step > h->lens.len)
        return CARI_ITEROVER;
    size_t raw = (size_t)le64_load(h->lens.data + h->next * step);
    size_t stored = h->packed ? (size_t)le64_load(h->lens.data + h->next * step + 8) : raw;
    const uint8_t *at = h->bytes.data + h->at;
    h->next++;
    h->at += stored;
    if (!h->packed) {
        *data = at, *len = raw;
        return 0;
    }
    if (h->dctx == NULL && (h->dctx = ZSTD_createDCtx()) == NULL)
        return error_oom();
    buf_clear(&h->unpacked);
    if (buf_reserve(&h->unpacked, raw ? raw : 1) != 0)
        return h->unpacked.rc;
    size_t got = ZSTD_decompressDCtx(h->dctx, h->unpacked.data, raw, at, stored);
    if (ZSTD_isError(got) || got != raw)
        return error_set(CARI_EINVAL, "a held block does not unpack (%s)",
                         ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
    *data = h->unpacked.data, *len = raw;
    return 0;
}
