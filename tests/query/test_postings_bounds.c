/* A frequency must fit the term's positions (one bit each at least): callers
 * size position buffers by tf, so a damaged tf of 2^32 would ask for 32 GiB,
 * and two of them summed in 32 bits would wrap to a tiny buffer. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/bitpack.h"
#include "core/endian.h"
#include "core/rice.h"
#include "core/varint.h"
#include "query/postings_cursor.h"

struct one_term {
    cari_index ix;
    uint8_t positions[64], norms[10];
    struct term_entry e;
};

/* One document (doc 0 of 10, each 10 tokens long: norm 10) with frequency
 * `tf`, held by its dictionary entry (no POSTINGS bytes), and the positions
 * 1, 2, 3 coded for tf 3 (one byte: k 1, quotients 0, 0, 0, low parts 1, 0, 0). */
static void one_doc(struct one_term *t, uint32_t tf)
{
    memset(t, 0, sizeof *t);
    t->ix.path = "test";
    t->ix.ndocs = 10;
    t->ix.norms = t->norms; /* a cursor reads the norms of its documents */
    memset(t->norms, 10, sizeof t->norms);
    static const uint32_t values[3] = { 1, 0, 0 }; /* 1, then gaps of 1 less one */
    uint8_t ks[3] = { 1, 1, 1 };
    cr_assert_eq(rice_doc_k(10, 3), 1);
    buf b = BUF_INIT;
    rice_run_encode(&b, values, ks, 3);
    cr_assert(b.len == 1 && b.data[0] == 0x87);
    size_t npos = b.len;
    memcpy(t->positions, b.data, b.len);
    buf_free(&b);
    static const uint8_t no_postings[1];
    t->ix.sec[SECTION_POSTINGS] = (struct section_view){ no_postings, 0, 0, 0, 1 };
    t->ix.sec[SECTION_POSITIONS] = (struct section_view){ t->positions, 0, npos, 0, 1 };
    t->e = (struct term_entry){ .df = 1, .group_df = 1, .cf = tf, .max_tf = tf, .doc = 0,
                                .postings_len = 0, .positions_len = npos };
}

Test(postings_bounds, frequency_as_large_as_the_positions)
{
    struct one_term t;
    one_doc(&t, 3);
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, &t.ix, &t.e, &error), 0, "%s", cari_error_last());
    cr_assert_eq(c.doc, 0);
    cr_assert_eq(postings_tf(&c), 3);
    uint32_t pos[3];
    cr_assert_eq(postings_positions(&c, pos), 0);
    cr_assert(pos[0] == 1 && pos[1] == 2 && pos[2] == 3);
}

Test(postings_bounds, frequency_beyond_the_positions)
{
    struct one_term t;
    one_doc(&t, 9); /* 9 values cannot fit 8 bits */
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, &t.ix, &t.e, &error), CARI_ECORRUPT);
    cr_assert_eq(c.doc, CURSOR_END);
    cr_assert(strstr(cari_error_last(), "POSTINGS bytes 0..0: undecodable block (block 0 of the term)") != NULL, "%s",
              cari_error_last());
}

Test(postings_bounds, frequency_near_two_to_the_32)
{
    struct one_term t;
    one_doc(&t, UINT32_MAX - 14);
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, &t.ix, &t.e, &error), CARI_ECORRUPT);
    cr_assert_eq(c.doc, CURSOR_END);
}

/* One full block of 128 docs (df 128, one skip entry): doc gaps and
 * frequencies - 1 bit-packed at 32 bits, `npos` position bytes of 1. The
 * skip entry's last doc and end take 4 bytes, its position start 1. */
enum { WIDTHS = 3 | 3 << 2, SKIP_SIZE = 4 + 4 + 1 + FORMAT_SKIP_FIXED };
struct one_block {
    cari_index ix;
    uint8_t postings[1 + SKIP_SIZE + 2 * 32 * 16], positions[256], norms[200];
    struct term_entry e;
};

static void full_block(struct one_block *t, const uint32_t *gaps, uint32_t tf, size_t npos)
{
    memset(t, 0, sizeof *t);
    t->ix.path = "test";
    t->ix.ndocs = 200;
    t->ix.norms = t->norms;
    uint32_t tfs[128], last = 0;
    for (int i = 0; i < 128; i++) {
        tfs[i] = tf - 1;
        last = (i > 0 ? last + 1 : 0) + gaps[i]; /* as 32 bits wrap */
    }
    t->postings[0] = WIDTHS;
    uint8_t *skip = t->postings + 1, *data = skip + SKIP_SIZE;
    bitpack_pack128(gaps, 32, data);
    bitpack_pack128(tfs, 32, data + bitpack_size(32));
    le32_store(skip, last);
    le32_store(skip + 4, (uint32_t)(2 * bitpack_size(32)));
    skip[8] = 0;                          /* positions start */
    skip[9] = (uint8_t)(tf < 255 ? tf : 255); /* max_tf */
    skip[11] = 32;
    skip[12] = 32;
    memset(t->positions, 1, npos);
    size_t plen = 1 + SKIP_SIZE + 2 * bitpack_size(32);
    t->ix.sec[SECTION_POSTINGS] = (struct section_view){ t->postings, 0, plen, 0, 1 };
    t->ix.sec[SECTION_POSITIONS] = (struct section_view){ t->positions, 0, npos, 0, 1 };
    t->e = (struct term_entry){ .df = 128, .group_df = 128, .cf = 128u * tf, .max_tf = tf,
                                .postings_len = plen, .positions_len = npos };
}

Test(postings_bounds, full_block_frequencies_sum_against_the_positions)
{
    static struct one_block t;
    uint32_t gaps[128] = { 0 }; /* docs 0..127 */
    full_block(&t, gaps, 2, 32); /* 128 x 2 positions: 256 bits at least */
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, &t.ix, &t.e, &error), 0, "%s", cari_error_last());
    for (uint32_t d = 0; d < 128; d++, postings_next(&c))
        cr_assert(c.doc == d && postings_tf(&c) == 2, "doc %u tf %u, want %u tf 2", c.doc,
                  postings_tf(&c), d);
    cr_assert_eq(c.doc, CURSOR_END);
    full_block(&t, gaps, 2, 31); /* a byte short of one bit per position */
    error = 0;
    cr_assert_eq(postings_open(&c, &t.ix, &t.e, &error), CARI_ECORRUPT);
    cr_assert_eq(c.doc, CURSOR_END);
}

Test(postings_bounds, full_block_whose_docs_pass_two_to_the_32)
{
    /* doc 1 is 2^32 - 1, and doc 2 "2^32", which 32 bits wrap to 0: every doc
     * after it small again, the last (125) below N as its skip entry says */
    static struct one_block t;
    uint32_t gaps[128] = { 0 };
    gaps[1] = UINT32_MAX - 1;
    full_block(&t, gaps, 1, 128);
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, &t.ix, &t.e, &error), CARI_ECORRUPT);
    cr_assert_eq(c.doc, CURSOR_END);
}
