/* A frequency must fit the term's positions (one bit each at least): callers
 * size position buffers by tf, so a damaged tf of 2^32 would ask for 32 GiB,
 * and two of them summed in 32 bits would wrap to a tiny buffer. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/rice.h"
#include "core/varint.h"
#include "query/postings_cursor.h"

struct one_term {
    cari_index ix;
    uint8_t postings[16], positions[64], norms[10];
    struct term_entry e;
};

/* One document (doc 0 of 10) with frequency `tf`, and the positions 1, 2, 3
 * coded (two bytes: k 0, then 4 bits). */
static void one_doc(struct one_term *t, uint32_t tf)
{
    memset(t, 0, sizeof *t);
    t->ix.path = "test";
    t->ix.ndocs = 10;
    t->ix.norms = t->norms; /* a cursor reads the norms of its documents */
    size_t plen = 0;
    t->postings[plen++] = 0; /* gap 0, tf > 1: the extra follows */
    plen += varint_put(t->postings + plen, tf - 2);
    static const uint32_t values[3] = { 1, 0, 0 }; /* 1, then gaps of 1 less one */
    buf b = BUF_INIT;
    rice_encode(&b, values, 3);
    cr_assert_eq(b.len, 2);
    size_t npos = b.len;
    memcpy(t->positions, b.data, b.len);
    buf_free(&b);
    t->ix.sec[SECTION_POSTINGS] = (struct section_view){ t->postings, 0, plen, 0, 1 };
    t->ix.sec[SECTION_POSITIONS] = (struct section_view){ t->positions, 0, npos, 0, 1 };
    t->e = (struct term_entry){ .df = 1, .group_df = 1, .cf = tf, .postings_len = plen,
                                .positions_len = npos };
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
    one_doc(&t, 17); /* 17 values cannot fit 16 bits */
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, &t.ix, &t.e, &error), CARI_ECORRUPT);
    cr_assert_eq(c.doc, CURSOR_END);
    cr_assert(strstr(cari_error_last(), "POSTINGS bytes 0..2: undecodable block (block 0 of the term)") != NULL, "%s",
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
