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

int termdict_writer_add(termdict_writer *tw, const char *key, size_t key_len,
                        const struct term_info *info)
{
    if (key_len == 0 || key_len > FORMAT_MAX_KEY)
        return error_set(CARI_ELIMIT, "term key of %zu bytes", key_len);
    size_t shared = 0;
    if (tw->nterms % FORMAT_TERMS_PER_BLOCK == 0) {
        buf_u64(&tw->offsets, tw->blocks.len);
        buf_varint(&tw->blocks, tw->postings_at);
        buf_varint(&tw->blocks, tw->positions_at);
    } else {
        while (shared < key_len && shared < tw->prev_len && key[shared] == tw->prev_key[shared])
            shared++;
    }
    buf_varint(&tw->blocks, shared);
    buf_varint(&tw->blocks, key_len - shared);
    buf_append(&tw->blocks, key + shared, key_len - shared);
    buf_varint(&tw->blocks, info->df);
    buf_varint(&tw->blocks, info->cf - info->df);
    buf_varint(&tw->blocks, info->max_tf);
    buf_varint(&tw->blocks, info->postings_len);
    buf_varint(&tw->blocks, info->positions_len);
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
    buf_u32(out, (uint32_t)(tw->offsets.len / 8));
    buf_append(out, tw->offsets.data, tw->offsets.len);
}
