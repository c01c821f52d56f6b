/* termdict_writer.c - see docs/FORMAT.md, TERM_BLOCKS and TERM_INDEX. A
 * block's keys are written as they come, its entries into `counts` until the
 * block ends, then after the keys, from the block's last byte backward. */
#include "indexer/termdict_writer.h"

#include <string.h>

#include "core/bit_stream.h"
#include "core/error.h"
#include "core/term_entry.h"

void termdict_writer_init(termdict_writer *tw, uint32_t ndocs, const uint8_t *norms)
{
    memset(tw, 0, sizeof *tw);
    tw->ndocs = ndocs;
    tw->norms = norms;
}

void termdict_writer_free(termdict_writer *tw)
{
    buf_free(&tw->blocks);
    buf_free(&tw->offsets);
    buf_free(&tw->counts);
}

/* The key: one byte shared << 4 | suffix_length when shared < 15 and the
 * suffix is shorter than 16 (nearly every key), else 0xF0 and two varints. */
static void put_key(buf *out, const char *key, size_t key_len, size_t shared)
{
    size_t suffix = key_len - shared;
    if (shared < 15 && suffix < 16) {
        buf_byte(out, (uint8_t)(shared << 4 | suffix));
    } else {
        buf_byte(out, FORMAT_KEY_ESCAPE);
        buf_varint(out, shared);
        buf_varint(out, suffix);
    }
    buf_append(out, key + shared, suffix);
}

/* Every value an entry codes in gamma is a u32 and at least 1 (others are refused). */
static int check_widths(const struct term_info *info, uint32_t ndocs, int root)
{
    if (info->df == 0 || info->cf < info->df || info->cf - info->df >= UINT32_MAX ||
        info->postings_len > UINT32_MAX || info->positions_len > UINT32_MAX ||
        (info->cf != info->df && info->df > 1 && info->max_tf < 2) ||
        (root && (info->group_df < info->df || info->group_df - info->df >= UINT32_MAX)))
        return error_set(CARI_ELIMIT, "a term's counts or lengths its entry cannot hold (over 32 bits)");
    if (info->df == 1 && (info->doc >= ndocs || info->cf > UINT32_MAX))
        return error_set(CARI_ELIMIT, "a term's one document %u of %u", info->doc, ndocs);
    if (info->positions_len == 0 || (info->df > 1 && info->postings_len == 0))
        return error_set(CARI_EINVAL, "a term without positions or postings");
    return 0;
}

/* The entry's bits, leaving out what the others imply: cf when it equals
 * df, max_tf when it is cf (df 1) or 1 (cf == df), postings_length when the
 * entry holds the one document, most of a df 1 term's positions_length. */
static int put_counts(termdict_writer *tw, const struct term_info *info, int root)
{
    int rc = check_widths(info, tw->ndocs, root);
    if (rc != 0)
        return rc;
    uint64_t least = info->df == 1 ? term_single_positions_min(tw->norms[info->doc], (uint32_t)info->cf) : 0;
    if (info->positions_len < least)
        return error_set(CARI_EINVAL, "positions of %llu bytes, fewer than %llu",
                         (unsigned long long)info->positions_len, (unsigned long long)least);
    bit_writer w = { &tw->counts, tw->counts_acc, tw->counts_n };
    bit_put_gamma(&w, info->df);
    bit_put(&w, info->cf == info->df, 1);
    if (info->cf != info->df)
        bit_put_gamma(&w, info->cf - info->df);
    if (info->df == 1) {
        term_doc_put(&w, info->doc, tw->ndocs);
        bit_put_gamma(&w, info->positions_len - least + 1);
    } else {
        if (info->cf != info->df)
            bit_put_gamma(&w, info->max_tf - 1);
        bit_put_expg(&w, (uint32_t)(info->postings_len - 1), term_postings_k(info->df));
        bit_put_expg(&w, (uint32_t)(info->positions_len - 1), term_positions_k(info->cf));
    }
    if (root)
        bit_put_gamma(&w, info->group_df - info->df + 1);
    tw->counts_acc = w.acc;
    tw->counts_n = w.n;
    return 0;
}

/* Appends the entries of the block after its keys, their bytes reversed:
 * a reader finds them from the block's end. */
static void end_block(termdict_writer *tw)
{
    bit_writer w = { &tw->counts, tw->counts_acc, tw->counts_n };
    bit_flush(&w);
    for (size_t i = tw->counts.len; i > 0; i--)
        buf_byte(&tw->blocks, tw->counts.data[i - 1]);
    buf_clear(&tw->counts);
    tw->counts_acc = 0;
    tw->counts_n = 0;
}

int termdict_writer_add(termdict_writer *tw, const char *key, size_t key_len,
                        const struct term_info *info)
{
    if (key_len == 0 || key_len > FORMAT_MAX_KEY)
        return error_set(CARI_ELIMIT, "term key of %zu bytes", key_len);
    size_t shared = 0;
    if (tw->nterms % FORMAT_TERMS_PER_BLOCK == 0) {
        if (tw->nterms > 0)
            end_block(tw);
        if (tw->blocks.len > UINT32_MAX)
            return error_set(CARI_ELIMIT, "a term dictionary over 4 GiB");
        buf_u32(&tw->offsets, (uint32_t)tw->blocks.len);
        buf_varint(&tw->blocks, tw->postings_at);
        buf_varint(&tw->blocks, tw->positions_at);
    } else {
        while (shared < key_len && shared < tw->prev_len && key[shared] == tw->prev_key[shared])
            shared++;
    }
    int rc = put_counts(tw, info, key[key_len - 1] == FORMAT_ROOT_MARK);
    if (rc != 0)
        return rc;
    put_key(&tw->blocks, key, key_len, shared);
    memcpy(tw->prev_key, key, key_len);
    tw->prev_len = key_len;
    tw->postings_at += info->postings_len;
    tw->positions_at += info->positions_len;
    tw->nterms++;
    rc = tw->blocks.rc != 0 ? tw->blocks.rc : tw->offsets.rc;
    return rc != 0 ? rc : tw->counts.rc;
}

void termdict_writer_index(termdict_writer *tw, buf *out)
{
    if (tw->counts_n > 0 || tw->counts.len > 0) /* the last block is open (an entry takes 2 bits or more) */
        end_block(tw);
    buf_u32(out, tw->nterms);
    buf_u32(out, (uint32_t)(tw->offsets.len / 4));
    buf_append(out, tw->offsets.data, tw->offsets.len);
}
