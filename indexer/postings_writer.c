/* postings_writer.c - see docs/FORMAT.md, POSTINGS. */
#include "indexer/postings_writer.h"

#include "core/bitpack.h"
#include "core/endian.h"
#include "core/error.h"
#include "core/format.h"

static void encode_full_block(buf *data, const uint32_t *docs, const uint32_t *tfs,
                              uint32_t prev_plus1, unsigned *doc_bits, unsigned *tf_bits)
{
    uint32_t gaps[BITPACK_BLOCK], freqs[BITPACK_BLOCK];
    for (unsigned i = 0; i < BITPACK_BLOCK; i++) {
        gaps[i] = docs[i] - prev_plus1;
        prev_plus1 = docs[i] + 1;
        freqs[i] = tfs[i] - 1;
    }
    *doc_bits = bitpack_width(gaps, BITPACK_BLOCK);
    *tf_bits = bitpack_width(freqs, BITPACK_BLOCK);
    size_t need = bitpack_size(*doc_bits) + bitpack_size(*tf_bits);
    if (buf_reserve(data, need) != 0)
        return;
    bitpack_pack128(gaps, *doc_bits, data->data + data->len);
    bitpack_pack128(freqs, *tf_bits, data->data + data->len + bitpack_size(*doc_bits));
    data->len += need;
}

static void encode_tail(buf *data, const uint32_t *docs, const uint32_t *tfs, uint32_t n,
                        uint32_t prev_plus1)
{
    for (uint32_t i = 0; i < n; i++) {
        uint64_t gap = docs[i] - prev_plus1;
        prev_plus1 = docs[i] + 1;
        buf_varint(data, gap << 1 | (tfs[i] == 1));
        if (tfs[i] > 1)
            buf_varint(data, tfs[i] - 2);
    }
}

int postings_encode(buf *out, buf *data, const struct term_postings *p, const uint8_t *norms)
{
    buf_clear(data);
    uint32_t nblocks = (p->n + FORMAT_POSTINGS_BLOCK - 1) / FORMAT_POSTINGS_BLOCK;
    int with_skips = p->n >= FORMAT_POSTINGS_BLOCK;
    uint32_t prev_plus1 = 0;
    for (uint32_t b = 0; b < nblocks; b++) {
        uint32_t first = b * FORMAT_POSTINGS_BLOCK;
        uint32_t count = p->n - first < FORMAT_POSTINGS_BLOCK ? p->n - first : FORMAT_POSTINGS_BLOCK;
        unsigned doc_bits = 0, tf_bits = 0;
        if (count == FORMAT_POSTINGS_BLOCK)
            encode_full_block(data, p->docs + first, p->tfs + first, prev_plus1, &doc_bits, &tf_bits);
        else
            encode_tail(data, p->docs + first, p->tfs + first, count, prev_plus1);
        prev_plus1 = p->docs[first + count - 1] + 1;
        if (!with_skips)
            continue;
        uint32_t max_tf = 0;
        uint8_t min_norm = 255;
        for (uint32_t i = first; i < first + count; i++) {
            max_tf = p->tfs[i] > max_tf ? p->tfs[i] : max_tf;
            min_norm = norms[p->docs[i]] < min_norm ? norms[p->docs[i]] : min_norm;
        }
        if (data->len > UINT32_MAX || p->pos_starts[first] > UINT32_MAX)
            return error_set(CARI_ELIMIT, "the postings of one term exceed 4 GiB");
        uint8_t e[FORMAT_SKIP_ENTRY_SIZE];
        le32_store(e, p->docs[first + count - 1]);
        le32_store(e + 4, (uint32_t)data->len);
        le32_store(e + 8, (uint32_t)p->pos_starts[first]);
        le32_store(e + 12, max_tf);
        e[16] = min_norm;
        e[17] = (uint8_t)doc_bits;
        e[18] = (uint8_t)tf_bits;
        e[19] = 0;
        buf_append(out, e, sizeof e);
    }
    buf_append(out, data->data, data->len);
    return out->rc != 0 ? out->rc : data->rc;
}
