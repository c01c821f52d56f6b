/* The front-coded ids of DOC_IDS: the layout of FORMAT.md byte for byte,
 * round trips of crafted lists (ids that share everything, one that is a
 * prefix of the one before, block boundaries, 1024-byte ids), read by the
 * cursor and directly, and damaged blocks refused by both instead of misread. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/endian.h"
#include "core/id_blocks.h"

/* Encodes ids[0..n) into one section image (head then data); caller frees. */
static uint8_t *encode(const char *const *ids, const size_t *lens, size_t n, size_t *len)
{
    id_blocks_writer w = ID_BLOCKS_WRITER_INIT;
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(id_blocks_add(&w, ids[i], lens[i]), 0);
    cr_assert_eq(id_blocks_finish(&w), 0);
    *len = w.head.len + w.data.len;
    uint8_t *out = malloc(*len ? *len : 1);
    memcpy(out, w.head.data, w.head.len);
    if (w.data.len > 0)
        memcpy(out + w.head.len, w.data.data, w.data.len);
    id_blocks_free(&w);
    return out;
}

/* Decodes the section image and checks every id, every block filled exactly. */
static void assert_round_trip(const char *const *ids, const size_t *lens, size_t n)
{
    size_t len;
    uint8_t *s = encode(ids, lens, n, &len);
    size_t nblocks = (n + FORMAT_IDS_PER_BLOCK - 1) / FORMAT_IDS_PER_BLOCK;
    size_t head = 4 + 4 * (nblocks + 1);
    cr_assert_eq(le32_load(s), n);
    cr_assert_eq(le32_load(s + 4), 0);
    cr_assert_eq(le32_load(s + 4 + 4 * nblocks), len - head, "the last offset ends the blocks");
    for (size_t b = 0; b < nblocks; b++) {
        const uint8_t *p = s + head + le32_load(s + 4 + 4 * b);
        const uint8_t *end = s + head + le32_load(s + 8 + 4 * b);
        id_cursor c;
        id_cursor_start(&c, p, end);
        for (size_t i = b * FORMAT_IDS_PER_BLOCK; i < n && i < (b + 1) * FORMAT_IDS_PER_BLOCK; i++) {
            cr_assert_eq(id_cursor_next(&c), 0, "id %zu", i);
            cr_assert_eq(c.len, lens[i], "id %zu: length %zu, want %zu", i, c.len, lens[i]);
            cr_assert_eq(memcmp(c.id, ids[i], lens[i]), 0, "id %zu", i);
            /* the direct read gives the same bytes, and no more than fit */
            char out[FORMAT_MAX_ID + 1];
            size_t got = 0;
            unsigned at = (unsigned)(i % FORMAT_IDS_PER_BLOCK);
            cr_assert_eq(id_block_get(p, end, at, out, sizeof out, &got), 0, "id %zu", i);
            cr_assert_eq(got, lens[i], "id %zu", i);
            cr_assert_eq(memcmp(out, ids[i], lens[i]), 0, "id %zu", i);
            cr_assert_eq(out[lens[i]], '\0');
            memset(out, '#', sizeof out);
            cr_assert_eq(id_block_get(p, end, at, out, lens[i], &got), -2, "id %zu", i);
            cr_assert_eq(got, lens[i]);
            cr_assert_eq(out[0], '#');
            cr_assert_eq(id_block_get(p, end, at, out, lens[i] + 1, &got), 0, "id %zu", i);
        }
        cr_assert_eq(c.p, c.end, "block %zu has bytes left", b);
    }
    free(s);
}

static void assert_strings_round_trip(const char *const *ids, size_t n)
{
    size_t *lens = malloc((n ? n : 1) * sizeof *lens);
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(ids[i]);
    assert_round_trip(ids, lens, n);
    free(lens);
}

Test(id_blocks, layout_is_the_documented_one)
{
    const char *ids[] = { "peraturan:pp/2016/12", "peraturan:pp/2016/13", "peraturan:uu/1", "p" };
    size_t lens[] = { 20, 20, 14, 1 };
    size_t len;
    uint8_t *s = encode(ids, lens, 4, &len);
    static const uint8_t want[] = {
        4, 0, 0, 0,  /* N */
        0, 0, 0, 0,  /* offset[0] */
        32, 0, 0, 0, /* offset[1]: the bytes of the one block */
        20, 'p', 'e', 'r', 'a', 't', 'u', 'r', 'a', 'n', ':', 'p', 'p', '/', '2', '0', '1', '6',
        '/', '1', '2',                /* the first, whole */
        19, 1, '3',                   /* 19 bytes of the one before, then "3" */
        10, 4, 'u', 'u', '/', '1',    /* "peraturan:", then "uu/1" */
        1, 0,                         /* a prefix of the one before */
    };
    cr_assert_eq(len, sizeof want, "%zu bytes", len);
    cr_assert_eq(memcmp(s, want, sizeof want), 0);
    free(s);
}

Test(id_blocks, no_ids)
{
    size_t len;
    uint8_t *s = encode(NULL, NULL, 0, &len);
    cr_assert_eq(len, 8);
    cr_assert_eq(le32_load(s), 0);
    cr_assert_eq(le32_load(s + 4), 0);
    free(s);
}

Test(id_blocks, ids_that_share_everything_and_prefixes)
{
    /* each a prefix of the next, then back: shared = the whole shorter id */
    const char *ids[] = { "a", "ab", "abc", "abcd", "abc", "ab", "a", "b", "ba", "b0" };
    assert_strings_round_trip(ids, 10);
}

Test(id_blocks, block_boundaries)
{
    /* 15, 16, 17, 32, 33 and 50 ids of the same prefix: the 17th starts a
     * block whole again */
    size_t counts[] = { 1, 15, 16, 17, 32, 33, 50 };
    char text[50][32];
    const char *ids[50];
    for (size_t i = 0; i < 50; i++) {
        snprintf(text[i], sizeof text[i], "indosum:%06zu-berita", i * 7);
        ids[i] = text[i];
    }
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++)
        assert_strings_round_trip(ids, counts[k]);
    /* the block's first id is stored whole: its entry starts with its length */
    size_t len, lens[17];
    for (size_t i = 0; i < 17; i++)
        lens[i] = strlen(ids[i]);
    uint8_t *s = encode(ids, lens, 17, &len);
    size_t head = 4 + 4 * 3;
    cr_assert_eq(s[head + le32_load(s + 8)], lens[16]);
    cr_assert_eq(memcmp(s + head + le32_load(s + 8) + 1, ids[16], lens[16]), 0);
    free(s);
}

Test(id_blocks, long_ids)
{
    /* 1024 bytes (the most), sharing 1023 then 0 bytes; a suffix length of two varint bytes */
    char a[FORMAT_MAX_ID], b[FORMAT_MAX_ID], c[FORMAT_MAX_ID];
    memset(a, 'x', sizeof a);
    memcpy(b, a, sizeof b);
    b[FORMAT_MAX_ID - 1] = 'y';
    memset(c, 'z', sizeof c);
    const char *ids[] = { a, b, c, "x", a };
    size_t lens[] = { FORMAT_MAX_ID, FORMAT_MAX_ID, FORMAT_MAX_ID, 1, FORMAT_MAX_ID };
    assert_round_trip(ids, lens, 5);
}

/* One block's bytes: the cursor must refuse them at id `bad` (0-based). */
static void assert_refused(const uint8_t *p, size_t n, int bad)
{
    id_cursor c;
    id_cursor_start(&c, p, p + n);
    for (int i = 0; i < bad; i++)
        cr_assert_eq(id_cursor_next(&c), 0, "id %d", i);
    cr_assert_eq(id_cursor_next(&c), -1, "id %d", bad);
    char out[FORMAT_MAX_ID + 1];
    size_t len;
    for (int i = 0; i < bad; i++)
        cr_assert_eq(id_block_get(p, p + n, (unsigned)i, out, sizeof out, &len), 0, "id %d", i);
    cr_assert_eq(id_block_get(p, p + n, (unsigned)bad, out, sizeof out, &len), -1, "id %d", bad);
}

Test(id_blocks, damaged_blocks_are_refused)
{
    static const uint8_t empty_first[] = { 0 };
    assert_refused(empty_first, sizeof empty_first, 0);
    static const uint8_t empty_next[] = { 1, 'a', 1, 0 }; /* shares 1, adds 0: "a" again is fine */
    assert_refused(empty_next, sizeof empty_next, 2);
    static const uint8_t zero_length[] = { 1, 'a', 0, 0 };
    assert_refused(zero_length, sizeof zero_length, 1);
    static const uint8_t too_long[] = { 0x81, 0x08, 'a' }; /* 1025 */
    assert_refused(too_long, sizeof too_long, 0);
    static const uint8_t shares_too_much[] = { 2, 'a', 'b', 3, 1, 'c' };
    assert_refused(shares_too_much, sizeof shares_too_much, 1);
    static const uint8_t past_the_end[] = { 5, 'a', 'b' };
    assert_refused(past_the_end, sizeof past_the_end, 0);
    static const uint8_t cut_varint[] = { 1, 'a', 0x80 };
    assert_refused(cut_varint, sizeof cut_varint, 1);
    static const uint8_t no_suffix_length[] = { 1, 'a', 1 };
    assert_refused(no_suffix_length, sizeof no_suffix_length, 1);
    /* 1024 shared + 1 more */
    uint8_t over[3 + FORMAT_MAX_ID + 4];
    over[0] = 0x80, over[1] = 0x08; /* 1024 */
    memset(over + 2, 'q', FORMAT_MAX_ID);
    over[2 + FORMAT_MAX_ID] = 0x80, over[3 + FORMAT_MAX_ID] = 0x08, over[4 + FORMAT_MAX_ID] = 1,
    over[5 + FORMAT_MAX_ID] = 'r';
    assert_refused(over, 6 + FORMAT_MAX_ID, 1);
}
