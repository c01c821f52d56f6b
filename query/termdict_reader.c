/* termdict_reader.c - binary search over the first keys of the blocks, then a
 * scan of at most 16 front-coded keys. */
#include "query/termdict_reader.h"

#include <string.h>

#include "core/endian.h"
#include "core/error.h"
#include "core/varint.h"

int term_block_start(term_block_reader *r, const cari_index *ix, uint32_t block)
{
    const struct section_view *blocks = &ix->sec[SECTION_TERM_BLOCKS];
    uint64_t off = le64_load(ix->sec[SECTION_TERM_INDEX].data + 8 + 8 * (uint64_t)block);
    uint64_t end = block + 1 < ix->nblocks
                       ? le64_load(ix->sec[SECTION_TERM_INDEX].data + 16 + 8 * (uint64_t)block)
                       : blocks->len;
    if (off >= end || end > blocks->len)
        return index_corrupt(ix, "TERM_INDEX offset of block %u", block);
    r->ix = ix;
    r->p = blocks->data + off;
    r->end = blocks->data + end;
    r->block = block;
    r->left = ix->nterms - block * FORMAT_TERMS_PER_BLOCK;
    if (r->left > FORMAT_TERMS_PER_BLOCK)
        r->left = FORMAT_TERMS_PER_BLOCK;
    r->key_len = 0;
    if (varint_get64(&r->p, r->end, &r->postings_at) != 0 ||
        varint_get64(&r->p, r->end, &r->positions_at) != 0)
        return index_corrupt(ix, "TERM_BLOCKS header of block %u", block);
    return 0;
}

int term_block_next(term_block_reader *r, struct term_entry *e)
{
    if (r->left == 0)
        return CARI_ITEROVER;
    uint32_t shared, suffix, cf_extra;
    const uint8_t **p = &r->p, *end = r->end;
    if (varint_get32(p, end, &shared) != 0 || varint_get32(p, end, &suffix) != 0 ||
        shared > r->key_len || suffix == 0 || suffix > FORMAT_MAX_KEY - shared ||
        suffix > (uint64_t)(end - *p))
        return index_corrupt(r->ix, "TERM_BLOCKS key in block %u", r->block);
    memcpy(r->key + shared, *p, suffix);
    *p += suffix;
    r->key_len = shared + suffix;
    if (varint_get32(p, end, &e->df) != 0 || varint_get32(p, end, &cf_extra) != 0 ||
        varint_get32(p, end, &e->max_tf) != 0 || varint_get64(p, end, &e->postings_len) != 0 ||
        varint_get64(p, end, &e->positions_len) != 0)
        return index_corrupt(r->ix, "TERM_BLOCKS entry in block %u", r->block);
    e->group_df = e->df;
    if (r->key[r->key_len - 1] == FORMAT_ROOT_MARK && varint_get32(p, end, &e->group_df) != 0)
        return index_corrupt(r->ix, "TERM_BLOCKS entry in block %u", r->block);
    e->cf = (uint64_t)e->df + cf_extra;
    e->postings_off = r->postings_at;
    e->positions_off = r->positions_at;
    const struct section_view *post = &r->ix->sec[SECTION_POSTINGS];
    const struct section_view *pos = &r->ix->sec[SECTION_POSITIONS];
    if (e->df == 0 || e->df > r->ix->ndocs || e->postings_len > post->len ||
        e->postings_off > post->len - e->postings_len || e->positions_len > pos->len ||
        e->positions_off > pos->len - e->positions_len)
        return index_corrupt(r->ix, "TERM_BLOCKS entry in block %u out of bounds", r->block);
    r->postings_at += e->postings_len;
    r->positions_at += e->positions_len;
    r->left--;
    return 0;
}

static int compare_key(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = memcmp(a, b, n);
    if (c != 0)
        return c;
    return alen < blen ? -1 : alen > blen;
}

/* The first key of a block, read without the reader (a step of the binary search). */
static int block_first_key(const cari_index *ix, uint32_t block, const char **key, size_t *len)
{
    term_block_reader r;
    int rc = term_block_start(&r, ix, block);
    uint32_t shared = 0, suffix = 0;
    if (rc == 0 && (varint_get32(&r.p, r.end, &shared) != 0 ||
                    varint_get32(&r.p, r.end, &suffix) != 0 || shared != 0 || suffix == 0 ||
                    suffix > FORMAT_MAX_KEY || suffix > (uint64_t)(r.end - r.p)))
        rc = index_corrupt(ix, "TERM_BLOCKS first key of block %u", block);
    if (rc == 0) {
        *key = (const char *)r.p;
        *len = suffix;
    }
    return rc;
}

int termdict_find(const cari_index *ix, const char *key, size_t len, struct term_entry *e)
{
    if (ix->nblocks == 0)
        return CARI_ENOTFOUND;
    uint32_t lo = 0, hi = ix->nblocks; /* the last block whose first key <= key */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *first;
        size_t first_len;
        int rc = block_first_key(ix, mid, &first, &first_len);
        if (rc != 0)
            return rc;
        if (compare_key(first, first_len, key, len) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    term_block_reader r;
    int rc = term_block_start(&r, ix, lo);
    while (rc == 0 && (rc = term_block_next(&r, e)) == 0) {
        int c = compare_key(r.key, r.key_len, key, len);
        if (c == 0)
            return 0;
        if (c > 0)
            break;
    }
    return rc == 0 || rc == CARI_ITEROVER ? CARI_ENOTFOUND : rc;
}
