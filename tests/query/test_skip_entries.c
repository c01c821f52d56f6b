/* Skip entries of FORMAT.md POSTINGS as the writer makes them and the cursor
 * reads them: the widths byte, fields as narrow as the last entry needs, a
 * block max_tf of 255 or more bounded by the term's, the block's cover, its
 * best saturation, a tail entry without bit widths; and damage to them
 * refused. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/block_best.h"
#include "core/block_cover.h"
#include "core/endian.h"
#include "core/pfor.h"
#include "indexer/postings_writer.h"
#include "query/postings_cursor.h"

enum { NDOCS = 75000, DF = 300, STEP = 250, POS_BYTES = 1024 };

struct term {
    uint32_t docs[DF], tfs[DF];
    uint64_t starts[DF];
    uint8_t *norms, positions[POS_BYTES];
    buf post;
    cari_index ix;
    struct term_entry e;
};

/* Docs 0, 250, ... 74750 (3 bytes), tf 300 at doc 5 and 7 at doc 200, 1
 * elsewhere; positions of block b start at 3 * 128 * b (2 bytes). */
static void build(struct term *t)
{
    memset(t, 0, sizeof *t);
    t->norms = calloc(NDOCS, 1);
    uint64_t cf = 0;
    for (uint32_t i = 0; i < DF; i++) {
        t->docs[i] = i * STEP;
        t->tfs[i] = i == 5 ? 300 : i == 200 ? 7 : 1;
        t->starts[i] = 3 * i;
        t->norms[t->docs[i]] = (uint8_t)(10 + i % 50);
        cf += t->tfs[i];
    }
    buf scratch = BUF_INIT;
    struct term_postings p = { t->docs, t->tfs, t->starts, DF, NDOCS };
    float length_factor[256];
    block_cover_length_factors(length_factor, BM25_DEFAULT_K1, BM25_DEFAULT_B, 30.0);
    uint16_t best[(DF + 127) / 128];
    block_best_values(best, t->docs, t->tfs, DF, NULL, NULL, 0, t->norms, length_factor);
    cr_assert_eq(postings_encode(&t->post, &scratch, &p, t->norms, length_factor, best), 0);
    buf_free(&scratch);
    t->ix.path = "test";
    t->ix.ndocs = NDOCS;
    t->ix.norms = t->norms;
    t->ix.sec[SECTION_POSTINGS] = (struct section_view){ t->post.data, 0, t->post.len, 0, 1 };
    t->ix.sec[SECTION_POSITIONS] = (struct section_view){ t->positions, 0, POS_BYTES, 0, 1 };
    t->e = (struct term_entry){ .df = DF, .group_df = DF, .cf = cf, .max_tf = 300,
                                .postings_len = t->post.len, .positions_len = POS_BYTES };
}

static void free_term(struct term *t)
{
    buf_free(&t->post);
    free(t->norms);
}

enum { ENTRY = 3 + 2 + 2 + FORMAT_SKIP_FIXED };

Test(skip_entries, narrow_fields_as_the_format_says)
{
    static struct term t;
    build(&t);
    const uint8_t *p = t.post.data;
    cr_assert_eq(p[0], 2 | 1 << 2 | 1 << 4, "widths %02x", p[0]); /* doc 3, end 2, positions 2 */
    const uint8_t *e0 = p + 1, *e1 = e0 + ENTRY, *e2 = e1 + ENTRY;
    cr_assert_eq(le32_load(e0) & 0xFFFFFF, 127 * STEP);
    /* block 0: gaps of 249 at 8 bits; tf - 1 0 but 299 at doc 5: one PFor
     * exception over a base of 0 (count, high width 9, index, 2 bytes) */
    cr_assert_eq(le32_load(e0 + 3) & 0xFFFF, 16 * 8 + 5);
    cr_assert_eq(le32_load(e0 + 5) & 0xFFFF, 0);
    cr_assert_eq(e0[7], 255, "max_tf 300 saturates");
    cr_assert_eq(e0[8], 10, "min norm");
    cr_assert(e0[9] == 8 && e0[10] == (PFOR_PATCHED | 0), "%02x %02x", e0[9], e0[10]);
    /* block 0's front: tf 1 from norm 10, 300 at norm 15 (doc 5): the first
     * pair (1, 10), the other two (300 saturated, 15) */
    cr_assert(e0[11] == 1 && e0[12] == 255 && e0[13] == 15 && e0[14] == 15, "%u %u %u %u", e0[11],
              e0[12], e0[13], e0[14]);
    cr_assert(e1[11] == 7 && e1[12] == 7 && e1[13] == 10 && e1[14] == 10,
              "block 1's front is (7, 10) alone: %u %u %u %u", e1[11], e1[12], e1[13], e1[14]);
    /* the bests, 2 bytes: block 0's is doc 5's, tf 300 at norm 15; block 1's
     * doc 200's, tf 7 at norm 10; the tail's a tf of 1 at its smallest norm, 16 */
    float lf[256];
    block_cover_length_factors(lf, BM25_DEFAULT_K1, BM25_DEFAULT_B, 30.0);
    cr_assert_eq(le32_load(e0 + 15) & 0xFFFF, block_best_quantize(300 / (300 + lf[15])));
    cr_assert_eq(le32_load(e1 + 15) & 0xFFFF, block_best_quantize(7 / (7 + lf[10])));
    cr_assert_eq(le32_load(e2 + 15) & 0xFFFF, block_best_quantize(1 / (1 + lf[16])));
    const uint8_t area[] = { 1, 9, 5, 299 & 0xFF, 299 >> 8 };
    cr_assert_arr_eq(p + 1 + 3 * ENTRY + 16 * 8, area, sizeof area);
    cr_assert_eq(le32_load(e1 + 3) & 0xFFFF, 2 * (16 * 8) + 5 + 4, "tf 7: 3 bits in one byte");
    cr_assert_eq(le32_load(e1 + 5) & 0xFFFF, 3 * 128);
    cr_assert(e1[7] == 7 && e1[9] == 8 && e1[10] == (PFOR_PATCHED | 0), "%u %u %u", e1[7], e1[9],
              e1[10]);
    cr_assert_eq(le32_load(e2) & 0xFFFFFF, 299 * STEP);
    cr_assert_eq(le32_load(e2 + 5) & 0xFFFF, 3 * 256);
    cr_assert(e2[7] == 1 && e2[9] == 0 && e2[10] == 0, "the tail has no bit widths");
    uint32_t end = le32_load(e2 + 3) & 0xFFFF;
    cr_assert_eq(t.post.len, 1 + 3 * ENTRY + end, "the last end is the end of the data");
    free_term(&t);
}

Test(skip_entries, read_back_by_the_cursor)
{
    static struct term t;
    build(&t);
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, &t.ix, &t.e, &error), 0, "%s", cari_error_last());
    for (uint32_t i = 0; i < DF; i++, postings_next(&c))
        cr_assert(c.doc == t.docs[i] && postings_tf(&c) == t.tfs[i], "doc %u: %u tf %u", i, c.doc,
                  postings_tf(&c));
    cr_assert_eq(c.doc, CURSOR_END);
    cr_assert_eq(postings_open(&c, &t.ix, &t.e, &error), 0);
    uint32_t last;
    struct block_cover cover;
    postings_block_cover(&c, 0, &cover, &last);
    cr_assert(cover.tf[0] == 1 && cover.tf[1] == 300 && cover.tf[2] == 300 &&
                  last == 127 * STEP,
              "a saturated frequency: the term's max_tf, %u %u", cover.tf[1], cover.tf[2]);
    cr_assert(cover.norm[0] == 10 && cover.norm[1] == 15 && cover.norm[2] == 15);
    postings_block_cover(&c, 1, &cover, &last);
    cr_assert(cover.tf[2] == 7 && last == 255 * STEP && cover.norm[0] == 10);
    postings_block_cover(&c, 2, &cover, &last);
    cr_assert(cover.tf[2] == 1 && last == 299 * STEP);
    cr_assert_eq(postings_block_best(&c, 1, &last), le32_load(t.post.data + 1 + 2 * ENTRY - 2) & 0xFFFF);
    cr_assert_eq(last, 255 * STEP);
    postings_advance(&c, 280 * STEP - 1); /* into the tail, through the skips */
    cr_assert_eq(c.doc, 280 * STEP);
    cr_assert_eq(postings_block_of(&c, 299 * STEP + 1), 3);
    free_term(&t);
}

/* Damages byte `at` of the postings and expects the cursor to stop on it. */
static void assert_refused(size_t at, uint8_t v)
{
    static struct term t;
    build(&t);
    t.post.data[at] = v;
    int error = 0;
    postings_cursor c;
    if (postings_open(&c, &t.ix, &t.e, &error) == 0)
        while (c.doc != CURSOR_END)
            postings_next(&c);
    cr_assert_eq(error, CARI_ECORRUPT, "byte %zu = %02x", at, v);
    cr_assert_eq(c.doc, CURSOR_END);
    free_term(&t);
}

Test(skip_entries, damage_is_refused)
{
    assert_refused(0, 0x56);                 /* bits 6-7 of the widths */
    assert_refused(0, 0x3F);                 /* fields read 4 bytes wide: entries that match no block */
    assert_refused(1 + 2 * ENTRY + 9, 1);    /* doc bits on the tail */
    assert_refused(1 + ENTRY + 9, 33);       /* doc bits beyond 32 */
    assert_refused(1 + ENTRY + 3, 0x00);     /* block 1 ends before it starts */
    assert_refused(1 + 9, 0x88);             /* doc gaps patched: the area is the tfs' packed part */
    assert_refused(1 + 10, 0x01);            /* tfs not patched: bytes left over */
    assert_refused(1 + 10, 0xC0);            /* bit 6 of a width byte */
    assert_refused(1 + 3 * ENTRY + 16 * 8, 0);      /* an exception area of none */
    assert_refused(1 + 3 * ENTRY + 16 * 8 + 1, 33); /* high parts past 32 bits */
}
