/* termdict_writer.c - see docs/FORMAT.md, TERM_BLOCKS and TERM_INDEX. */
#include "indexer/termdict_writer.h"

#include <string.h>

#include "core/error.h"

void termdict_writer_init(termdict_writer *tw) { memset(tw, 0, sizeof *tw); }

void termdict_writer_free(termdict_writer *tw)
{
    buf_free(&tw->blocks);
    buf_free(&tw->offsets);
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

/* The counts, leaving out what the others imply: cf when it equals df,
 * max_tf when it is cf (df 1) or 1 (cf == df), postings_length when the
 * entry holds the one document. */
static void put_counts(buf *out, const struct term_info *info)
{
    buf_varint(out, (uint64_t)info->df << 1 | (info->cf == info->df));
    if (info->cf != info->df)
        buf_varint(out, info->cf - info->df - 1);
    if (info->df == 1) {
        buf_varint(out, info->doc);
    } else {
        if (info->cf != info->df)
            buf_varint(out, info->max_tf - 2);
        buf_varint(out, info->postings_len);
    }
    buf_varint(out, info->positions_len);
}

int termdict_writer_add(termdict_writer *tw, const char *key, size_t key_len,
                        const struct term_info *info)
{
    if (key_len == 0 || key_len > FORMAT_MAX_KEY)
        return error_set(CARI_ELIMIT, "term key of %zu bytes", key_len);
    size_t shared = 0;
    if (tw->nterms % FORMAT_TERMS_PER_BLOCK == 0) {
        if (tw->blocks.len > UINT32_MAX)
            return error_set(CARI_ELIMIT, "a term dictionary over 4 GiB");
        buf_u32(&tw->offsets, (uint32_t)tw->blocks.len);
        buf_varint(&tw->blocks, tw->postings_at);
        buf_varint(&tw->blocks, tw->positions_at);
    } else {
        while (shared < key_len && shared < tw->prev_len && key[shared] == tw->prev_key[shared])
            shared++;
    }
    put_key(&tw->blocks, key, key_len, shared);
    put_counts(&tw->blocks, info);
    if (key[key_len - 1] == FORMAT_ROOT_MARK)
        buf_varint(&tw->blocks, info->group_df);
    memcpy(tw->prev_key, key, key_len);
    tw->prev_len = key_len;
    tw->postings_at += info->postings_len;
    tw->positions_at += info->positions_len;
    tw->nterms++;
    return tw->blocks.rc != 0 ? tw->blocks.rc : tw->offsets.rc;
}

void termdict_writer_index(const termdict_writer *tw, buf *out)
{
    buf_u32(out, tw->nterms);
    buf_u32(out, (uint32_t)(tw->offsets.len / 4));
    buf_append(out, tw->offsets.data, tw->offsets.len);
}
