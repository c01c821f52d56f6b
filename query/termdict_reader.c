/* termdict_reader.c - binary search over the first keys of the blocks, then a
 * scan of at most 16 front-coded keys; the entries (bit fields read backward
 * from the block's end) are decoded only up to the key found. */
#include "query/termdict_reader.h"

#include <string.h>

#include "core/endian.h"
#include "core/error.h"
#include "core/term_entry.h"
#include "core/varint.h"

/* The bytes of a block, after its two base offsets (read into the reader when it is not NULL). */
static int block_bytes(const cari_index *ix, uint32_t block, const uint8_t **p, const uint8_t **end,
                       term_block_reader *r)
{
    const struct section_view *blocks = &ix->sec[SECTION_TERM_BLOCKS];
    uint64_t off = le32_load(ix->sec[SECTION_TERM_INDEX].data + 8 + 4 * (uint64_t)block);
    uint64_t stop = block + 1 < ix->nblocks
                        ? le32_load(ix->sec[SECTION_TERM_INDEX].data + 12 + 4 * (uint64_t)block)
                        : blocks->len;
    if (off >= stop || stop > blocks->len)
        return index_corrupt(ix, "TERM_INDEX offset of block %u", block);
    *p = blocks->data + off;
    *end = blocks->data + stop;
    uint64_t postings_at, positions_at;
    if (varint_get64(p, *end, &postings_at) != 0 || varint_get64(p, *end, &positions_at) != 0)
        return index_corrupt(ix, "TERM_BLOCKS header of block %u", block);
    if (r != NULL) {
        r->postings_at = postings_at;
        r->positions_at = positions_at;
    }
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

/* The block's bytes and its first term's offsets: the keys are read
 * forward from r->p, the entries backward from the block's end. */
int term_block_start(term_block_reader *r, const cari_index *ix, uint32_t block)
{
    r->p = r->end = NULL; /* nothing to read after a failure */
    r->left = 0;
    const uint8_t *p = NULL, *end = NULL;
    int rc = block_bytes(ix, block, &p, &end, r);
    if (rc != 0)
        return rc;
    r->ix = ix;
    r->p = p;
    r->end = end;
    r->block = block;
    r->at = 0;
    r->roots = 0;
    r->left = ix->nterms - block * FORMAT_TERMS_PER_BLOCK;
    if (r->left > FORMAT_TERMS_PER_BLOCK)
        r->left = FORMAT_TERMS_PER_BLOCK;
    r->key_len = 0;
    bit_reader_start(&r->entries, p, end);
    return 0;
}

/* The next key into r->key. */
static int next_key(term_block_reader *r)
{
    uint32_t shared, suffix;
    if (get_key_lengths(&r->p, r->end, &shared, &suffix) != 0 || shared > r->key_len ||
        suffix == 0 || suffix > FORMAT_MAX_KEY - shared || suffix > (uint64_t)(r->end - r->p))
        return index_corrupt(r->ix, "TERM_BLOCKS key in block %u", r->block);
    memcpy(r->key + shared, r->p, suffix);
    r->p += suffix;
    r->key_len = shared + suffix;
    return 0;
}

/* A df 1 term's document (term_entry.h), within the bits left. */
static int get_doc(bit_reader *b, uint32_t ndocs, uint32_t *doc)
{
    if (ndocs == 0)
        return -1;
    unsigned width = term_doc_decode(bit_peek(b), ndocs, doc);
    if (width > b->len - b->pos)
        return -1;
    b->pos += width;
    return 0;
}

/* A df 1 term: its document and the bytes its positions take beyond the
 * fewest they can (term_entry.h). */
static int get_single(bit_reader *b, const cari_index *ix, struct term_entry *e)
{
    uint32_t more;
    if (e->cf > UINT32_MAX || get_doc(b, ix->ndocs, &e->doc) != 0 ||
        bit_get_gamma(b, BIT_GAMMA_MAX_ZEROS, &more) != 0)
        return -1;
    e->max_tf = (uint32_t)e->cf;
    e->positions_len = term_single_positions_min(ix->norms[e->doc], (uint32_t)e->cf) + more - 1;
    return 0;
}

/* The entry of most terms (df 1, cf 1, positions the fewest bytes: bits
 * 1 1, the document, 1) from one load; 0 when the entry is another. */
static int get_plain_single(bit_reader *b, const cari_index *ix, struct term_entry *e)
{
    uint64_t v = bit_peek(b);
    uint32_t doc;
    if ((v & 3) != 3 || ix->ndocs == 0)
        return 0;
    unsigned width = term_doc_decode(v >> 2, ix->ndocs, &doc);
    if (!(v >> (2 + width) & 1) || 3 + width > b->len - b->pos)
        return 0;
    b->pos += 3 + width;
    e->df = 1;
    e->cf = 1;
    e->max_tf = 1;
    e->doc = doc;
    e->postings_len = 0;
    e->positions_len = term_single_positions_min(ix->norms[doc], 1);
    return 1;
}

/* df, cf, max_tf, the lengths or the one document. */
static int get_other_counts(bit_reader *b, const cari_index *ix, struct term_entry *e)
{
    uint32_t df, cf_is_df, extra = 0;
    if (bit_get_gamma(b, BIT_GAMMA_MAX_ZEROS, &df) != 0 || bit_get(b, 1, &cf_is_df) != 0 ||
        (!cf_is_df && bit_get_gamma(b, BIT_GAMMA_MAX_ZEROS, &extra) != 0))
        return -1;
    e->df = df;
    e->cf = (uint64_t)df + extra;
    e->postings_len = 0;
    e->doc = 0;
    if (df == 1)
        return get_single(b, ix, e);
    uint32_t max_tf = 0, postings_len, positions_len;
    if ((!cf_is_df &&
         (bit_get_gamma(b, BIT_GAMMA_MAX_ZEROS, &max_tf) != 0 || max_tf == UINT32_MAX)) ||
        bit_get_expg(b, term_postings_k(df), &postings_len) != 0 ||
        bit_get_expg(b, term_positions_k(e->cf), &positions_len) != 0)
        return -1;
    e->max_tf = max_tf + 1; /* 1 when cf == df */
    e->postings_len = (uint64_t)postings_len + 1;
    e->positions_len = (uint64_t)positions_len + 1;
    return 0;
}

/* The whole entry: what the writer left out is what the others imply. */
static int get_counts(bit_reader *b, const cari_index *ix, int root, struct term_entry *e)
{
    if (!get_plain_single(b, ix, e) && get_other_counts(b, ix, e) != 0)
        return -1;
    e->group_df = e->df;
    uint32_t more;
    if (root && (bit_get_gamma(b, BIT_GAMMA_MAX_ZEROS, &more) != 0 || more - 1 > UINT32_MAX - e->df))
        return -1;
    if (root)
        e->group_df = e->df + (more - 1);
    return 0;
}

/* The entry of the term after the previous one, with its offsets. */
static int next_entry(term_block_reader *r, int root, struct term_entry *e)
{
    if (get_counts(&r->entries, r->ix, root, e) != 0)
        return index_corrupt(r->ix, "TERM_BLOCKS entry in block %u", r->block);
    e->postings_off = r->postings_at;
    e->positions_off = r->positions_at;
    const struct section_view *post = &r->ix->sec[SECTION_POSTINGS];
    const struct section_view *pos = &r->ix->sec[SECTION_POSITIONS];
    if (e->df > r->ix->ndocs || e->group_df > r->ix->ndocs || e->postings_len > post->len ||
        e->postings_off > post->len - e->postings_len || e->positions_len > pos->len ||
        e->positions_off > pos->len - e->positions_len)
        return index_corrupt(r->ix, "TERM_BLOCKS entry in block %u out of bounds", r->block);
    r->postings_at += e->postings_len;
    r->positions_at += e->positions_len;
    return 0;
}

/* After the last term: whether the entries take the bytes after the keys
 * exactly, with fewer than 8 zero bits of padding. */
static int entries_fill_rest(term_block_reader *r)
{
    uint64_t bits = 8 * (uint64_t)(r->end - r->p);
    if (r->entries.pos > bits)
        return 0;
    r->entries.len = bits;
    return bit_at_end(&r->entries);
}

int term_block_next(term_block_reader *r, struct term_entry *e)
{
    if (r->left == 0)
        return CARI_ITEROVER;
    int rc = next_key(r);
    if (rc == 0)
        rc = next_entry(r, r->key[r->key_len - 1] == FORMAT_ROOT_MARK, e);
    if (rc != 0)
        return rc;
    r->at++;
    if (--r->left == 0 && !entries_fill_rest(r))
        return index_corrupt(r->ix, "TERM_BLOCKS block %u: its entries do not fill the bytes after its keys", r->block);
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
    const uint8_t *p = NULL, *end = NULL;
    int rc = block_bytes(ix, block, &p, &end, NULL);
    if (rc != 0)
        return rc;
    uint32_t shared = 0, suffix = 0;
    if (get_key_lengths(&p, end, &shared, &suffix) != 0 || shared != 0 || suffix == 0 ||
        suffix > FORMAT_MAX_KEY || suffix > (uint64_t)(end - p))
        return index_corrupt(ix, "TERM_BLOCKS first key of block %u", block);
    *key = (const char *)p;
    *len = suffix;
    return 0;
}

/* Where the next key of a block stands to the key looked for, from what it
 * shares with the previous key (which is below): `match` is how many bytes
 * that one shares with the key looked for. Front coding makes most keys a
 * comparison of two numbers, without copying them. Returns <0 (below: match
 * updated), 0 (the key) or >0 (above). */
static int compare_next(const uint8_t *suffix, uint32_t shared, uint32_t suffix_len,
                        const uint8_t *key, size_t len, size_t *match)
{
    if (shared != *match)
        return shared > *match ? -1 : 1; /* the byte at match is the previous key's, or above it */
    size_t rest = len - *match, n = suffix_len < rest ? suffix_len : rest, j = 0;
    const uint8_t *want = key + *match;
    while (j < n && suffix[j] == want[j])
        j++;
    if (j == n && suffix_len == rest)
        return 0;
    if (j == n ? suffix_len < rest : suffix[j] < want[j]) {
        *match += j;
        return -1;
    }
    return 1;
}

/* The keys of the block first; when the key is there, the entries of the
 * terms up to it (their lengths give its offsets). */
static int find_in_block(term_block_reader *r, const char *key, size_t len, struct term_entry *e)
{
    size_t match = 0, prev_len = 0;
    for (uint32_t i = 0; i < r->left; i++) {
        uint32_t shared, suffix;
        if (get_key_lengths(&r->p, r->end, &shared, &suffix) != 0 || shared > prev_len ||
            suffix == 0 || suffix > FORMAT_MAX_KEY - shared || suffix > (uint64_t)(r->end - r->p))
            return index_corrupt(r->ix, "TERM_BLOCKS key in block %u", r->block);
        const uint8_t *bytes = r->p;
        r->p += suffix;
        prev_len = shared + suffix;
        r->roots |= (uint32_t)(bytes[suffix - 1] == FORMAT_ROOT_MARK) << i;
        int c = compare_next(bytes, shared, suffix, (const uint8_t *)key, len, &match);
        if (c > 0)
            break;
        if (c < 0)
            continue;
        int rc = 0;
        for (uint32_t j = 0; rc == 0 && j <= i; j++)
            rc = next_entry(r, r->roots >> j & 1, e);
        return rc;
    }
    return CARI_ENOTFOUND;
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
    if (rc != 0)
        return rc;
    __builtin_prefetch(r.end - 1); /* the entries, at the block's end: loaded while the keys are compared */
    return find_in_block(&r, key, len, e);
}
