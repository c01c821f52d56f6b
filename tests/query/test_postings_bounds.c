/* A frequency must fit the term's positions (one byte each at least): callers
 * size position buffers by tf, so a damaged tf of 2^32 would ask for 32 GiB,
 * and two of them summed in 32 bits would wrap to a tiny buffer. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/varint.h"
#include "query/postings_cursor.h"

struct one_term {
    cari_index ix;
    uint8_t postings[16], positions[8], norms[10];
    struct term_entry e;
};

/* One document (doc 0 of 10) with frequency `tf`, and `npos` position bytes of 1. */
static void one_doc(struct one_term *t, uint32_t tf, size_t npos)
{
    memset(t, 0, sizeof *t);
    t->ix.path = "test";
    t->ix.ndocs = 10;
    t->ix.norms = t->norms; /* a cursor reads the norms of its documents */
    size_t plen = 0;
    t->postings[plen++] = 0; /* gap 0, tf > 1: the extra follows */
    plen += varint_put(t->postings + plen, tf - 2);
    memset(t->positions, 1, npos);
    t->ix.sec[SECTION_POSTINGS] = (struct section_view){ t->postings, 0, plen, 0, 1 };
    t->ix.sec[SECTION_POSITIONS] = (struct section_view){ t->positions, 0, npos, 0, 1 };
    t->e = (struct term_entry){ .df = 1, .group_df = 1, .cf = tf, .postings_len = plen,
                                .positions_len = npos };
}

Test(postings_bounds, frequency_as_large_as_the_positions)
{
    struct one_term t;
    one_doc(&t, 3, 3);
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
    one_doc(&t, 4, 3);
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
    one_doc(&t, UINT32_MAX - 14, 3);
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, &t.ix, &t.e, &error), CARI_ECORRUPT);
    cr_assert_eq(c.doc, CURSOR_END);
}
