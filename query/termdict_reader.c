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
    r->p = r->end = NULL; /* nothing to read after a failure */
    uint64_t off = le32_load(ix->sec[SECTION_TERM_INDEX].data + 8 + 4 * (uint64_t)block);
    uint64_t end = block + 1 < ix->nblocks
                       ? le32_load(ix->sec[SECTION_TERM_INDEX].data + 12 + 4 * (uint64_t)block)
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

/* The key byte and, escaped, the two varints (docs/FORMAT.md, TERM_BLOCKS). */
static int get_key_lengths(const uint8_t **p, const uint8_t *end, uint32_t *shared,
                           uint32_t *suffix)
{
    if (*p >= end)
        return -1;
    uint8_t b = *(*p)++;
    if (b >> 4 != 15) {
        *shared = b >> 4;
        *suffix = b & 15;
        return 0;
    }
    if (b != FORMAT_KEY_ESCAPE || varint_get32(p, end, shared) != 0 ||
        varint_get32(p, end, suffix) != 0)
        return -1;
    return 0;
}

/* df, cf, max_tf and postings_length or the one document: what the writer left
 * out is what the others imply. */
static int get_counts(const uint8_t **p, const uint8_t *end, struct term_entry *e)
{
    uint64_t head, cf_extra = 0, max_extra = 0;
    if (varint_get64(p, end, &head) != 0 || head >> 1 == 0 || head >> 1 > UINT32_MAX)
        return -1;
    e->df = (uint32_t)(head >> 1);
    int cf_is_df = head & 1;
    if (!cf_is_df && (varint_get64(p, end, &cf_extra) != 0 || cf_extra >= UINT64_MAX - e->df))
        return -1;
    e->cf = (uint64_t)e->df + (cf_is_df ? 0 : cf_extra + 1);
    e->postings_len = 0;
    e->doc = 0;
    if (e->df == 1) {
        if (e->cf > UINT32_MAX || varint_get32(p, end, &e->doc) != 0)
            return -1;
        e->max_tf = (uint32_t)e->cf;
    } else {
        if (!cf_is_df && (varint_get64(p, end, &max_extra) != 0 || max_extra > UINT32_MAX - 2))
            return -1;
        e->max_tf = cf_is_df ? 1 : (uint32_t)max_extra + 2;
        if (varint_get64(p, end, &e->postings_len) != 0 || e->postings_len == 0)
            return -1;
    }
    return varint_get64(p, end, &e->positions_len);
}

int term_block_next(term_block_reader *r, struct term_entry *e)
{
    if (r->left == 0)
        return CARI_ITEROVER;
    uint32_t shared, suffix;
    const uint8_t **p = &r->p, *end = r->end;
    if (get_key_lengths(p, end, &shared, &suffix) != 0 || shared > r->key_len || suffix == 0 ||
        suffix > FORMAT_MAX_KEY - shared || suffix > (uint64_t)(end - *p))
        return index_corrupt(r->ix, "TERM_BLOCKS key in block %u", r->block);
    memcpy(r->key + shared, *p, suffix);
    *p += suffix;
    r->key_len = shared + suffix;
    if (get_counts(p, end, e) != 0)
        return index_corrupt(r->ix, "TERM_BLOCKS entry in block %u", r->block);
    e->group_df = e->df;
    if (r->key[r->key_len - 1] == FORMAT_ROOT_MARK && varint_get32(p, end, &e->group_df) != 0)
        return index_corrupt(r->ix, "TERM_BLOCKS entry in block %u", r->block);
    e->postings_off = r->postings_at;
    e->positions_off = r->positions_at;
    const struct section_view *post = &r->ix->sec[SECTION_POSTINGS];
    const struct section_view *pos = &r->ix->sec[SECTION_POSITIONS];
    if (e->df > r->ix->ndocs || e->doc >= r->ix->ndocs || e->postings_len > post->len ||
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
    if (rc != 0)
        return rc;
    uint32_t shared = 0, suffix = 0;
    if (get_key_lengths(&r.p, r.end, &shared, &suffix) != 0 || shared != 0 || suffix == 0 ||
        suffix > FORMAT_MAX_KEY || suffix > (uint64_t)(r.end - r.p))
        return index_corrupt(ix, "TERM_BLOCKS first key of block %u", block);
    *key = (const char *)r.p;
    *len = suffix;
    return 0;
}

int termdict_find(const cari_index *ix, const char *key, size_t len, struct term_entry *e)
{
    if (ix->nblocks == 0)
        return CARI_ENOTFOUND;
    uint32_t lo = 0, hi = ix->nblocks; /* the last block whose first key <= key */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *first = NULL;
        size_t first_len = 0;
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
