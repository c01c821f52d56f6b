/* postings_writer.c - see docs/FORMAT.md, POSTINGS. */
#include "indexer/postings_writer.h"

#include <stdlib.h>
#include <string.h>

#include "core/bitpack.h"
#include "core/block_cover.h"
#include "core/endian.h"
#include "core/error.h"
#include "core/format.h"
#include "core/pfor.h"
#include "core/tail_code.h"

/* A full block: its doc gaps, then its frequencies less one, each a PFor
 * block at the width byte that takes the fewest bytes (the skip entry's). */
static void encode_full_block(buf *data, const uint32_t *docs, const uint32_t *tfs,
                              uint32_t prev_plus1, uint8_t *doc_width, uint8_t *tf_width)
{
    uint32_t gaps[BITPACK_BLOCK], freqs[BITPACK_BLOCK];
    for (unsigned i = 0; i < BITPACK_BLOCK; i++) {
        gaps[i] = docs[i] - prev_plus1;
        prev_plus1 = docs[i] + 1;
        freqs[i] = tfs[i] - 1;
    }
    size_t doc_size, tf_size;
    *doc_width = pfor_choose(gaps, &doc_size);
    *tf_width = pfor_choose(freqs, &tf_size);
    if (buf_reserve(data, doc_size + tf_size) != 0)
        return;
    pfor_encode(gaps, *doc_width, data->data + data->len);
    pfor_encode(freqs, *tf_width, data->data + data->len + doc_size);
    data->len += doc_size + tf_size;
}

/* The bytes (1 to 4) a skip entry field needs for values up to v. */
static unsigned field_bytes(uint32_t v)
{
    unsigned n = 1;
    while (n < 4 && v >> (8 * n) != 0)
        n++;
    return n;
}

/* What a skip entry says of one block, before its fields' widths are known. */
struct skip {
    uint32_t last, end, pos_start;
    struct block_cover cover;
    uint8_t doc_width, tf_width; /* PFor width bytes, 0 for the tail */
    uint16_t best;
};

static uint8_t tf_byte(uint32_t tf)
{
    return (uint8_t)(tf < FORMAT_SKIP_MAX_TF ? tf : FORMAT_SKIP_MAX_TF);
}

static void store_field(buf *out, uint32_t v, unsigned bytes)
{
    uint8_t b[4];
    le32_store(b, v);
    buf_append(out, b, bytes);
}

/* The widths byte, then the entries: their fields as narrow as the largest value. */
static void write_skips(buf *out, const struct skip *s, uint32_t nblocks)
{
    unsigned dw = field_bytes(s[nblocks - 1].last);
    unsigned ow = field_bytes(s[nblocks - 1].end);
    unsigned pw = field_bytes(s[nblocks - 1].pos_start);
    buf_byte(out, (uint8_t)((dw - 1) | (ow - 1) << 2 | (pw - 1) << 4));
    for (uint32_t b = 0; b < nblocks; b++) {
        store_field(out, s[b].last, dw);
        store_field(out, s[b].end, ow);
        store_field(out, s[b].pos_start, pw);
        const struct block_cover *c = &s[b].cover;
        uint8_t fixed[FORMAT_SKIP_FIXED] = {
            tf_byte(c->tf[2]), c->norm[0], s[b].doc_width, s[b].tf_width,
            tf_byte(c->tf[0]), tf_byte(c->tf[1]), c->norm[1], c->norm[2],
            (uint8_t)s[b].best, (uint8_t)(s[b].best >> 8)
        };
        buf_append(out, fixed, sizeof fixed);
    }
}

int postings_encode(buf *out, buf *data, const struct term_postings *p, const uint8_t *norms,
                    const float *length_factor, const uint16_t *best)
{
    if (p->n < 2)
        return 0;
    if (p->n < FORMAT_POSTINGS_BLOCK) {
        tail_encode(out, p->docs, p->tfs, p->n, 0, p->ndocs);
        return out->rc;
    }
    uint32_t nblocks = (p->n + FORMAT_POSTINGS_BLOCK - 1) / FORMAT_POSTINGS_BLOCK;
    buf_clear(data);
    struct skip *skips = calloc(nblocks, sizeof *skips);
    if (skips == NULL)
        return error_oom();
    uint32_t prev_plus1 = 0;
    for (uint32_t b = 0; b < nblocks; b++) {
        uint32_t first = b * FORMAT_POSTINGS_BLOCK;
        uint32_t count = p->n - first < FORMAT_POSTINGS_BLOCK ? p->n - first : FORMAT_POSTINGS_BLOCK;
        uint8_t doc_width = 0, tf_width = 0;
        if (count == FORMAT_POSTINGS_BLOCK)
            encode_full_block(data, p->docs + first, p->tfs + first, prev_plus1, &doc_width,
                              &tf_width);
        else
            tail_encode(data, p->docs + first, p->tfs + first, count, prev_plus1, p->ndocs);
        prev_plus1 = p->docs[first + count - 1] + 1;
        if (data->len > UINT32_MAX || p->pos_starts[first] > UINT32_MAX) {
            free(skips);
            return error_set(CARI_ELIMIT, "the postings of one term exceed 4 GiB");
        }
        block_cover_choose(&skips[b].cover, p->docs + first, p->tfs + first, count, norms,
                           length_factor);
        skips[b].last = p->docs[first + count - 1];
        skips[b].end = (uint32_t)data->len;
        skips[b].pos_start = (uint32_t)p->pos_starts[first];
        skips[b].doc_width = doc_width;
        skips[b].tf_width = tf_width;
        skips[b].best = best[b];
    }
    write_skips(out, skips, nblocks);
    free(skips);
    buf_append(out, data->data, data->len);
    return out->rc != 0 ? out->rc : data->rc;
}
