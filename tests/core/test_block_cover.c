/* A block's cover (core/block_cover.h): three pairs by increasing frequency
 * and norm that bound every doc of the block, split where the largest pair
 * score is the smallest, tighter than the block's largest frequency with its
 * smallest norm. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "core/block_cover.h"
#include "core/format.h"

/* A length factor that rises with the norm byte, as BM25's does. */
static void rising_factors(float *lf)
{
    for (int n = 0; n < 256; n++)
        lf[n] = 0.5f + (float)n / 16;
}

static float pair_score(uint32_t tf, uint8_t norm, const float *lf)
{
    return (float)tf / ((float)tf + lf[norm]);
}

static float cover_max(const struct block_cover *c, const float *lf)
{
    float best = 0;
    for (int p = 0; p < BLOCK_COVER_PAIRS; p++)
        best = pair_score(c->tf[p], c->norm[p], lf) > best ? pair_score(c->tf[p], c->norm[p], lf)
                                                           : best;
    return best;
}

/* Docs 0..n-1 with the given frequencies and norm bytes. */
static void choose(struct block_cover *c, const uint32_t *tfs, const uint8_t *norms, uint32_t n,
                   const float *lf)
{
    uint32_t docs[FORMAT_POSTINGS_BLOCK];
    for (uint32_t i = 0; i < n; i++)
        docs[i] = i;
    block_cover_choose(c, docs, tfs, n, norms, lf);
}

Test(block_cover, the_front_split_where_its_largest_score_is_smallest)
{
    float lf[256];
    rising_factors(lf);
    /* the front (1,2) (2,8) (3,16) (5,40) (6,44) (20,120); (1,50) (2,60)
     * (4,100) are beaten on both by (6,44) or (20,120) */
    const uint32_t tfs[] = { 5, 1, 20, 2, 1, 3, 6, 2, 4 };
    const uint8_t norms[] = { 40, 2, 120, 8, 50, 16, 44, 60, 100 };
    struct block_cover c;
    choose(&c, tfs, norms, 9, lf);
    const uint32_t want_tf[] = { 2, 6, 20 };
    const uint8_t want_norm[] = { 2, 16, 120 };
    cr_assert_arr_eq(c.tf, want_tf, sizeof want_tf, "%u %u %u", c.tf[0], c.tf[1], c.tf[2]);
    cr_assert_arr_eq(c.norm, want_norm, sizeof want_norm, "%u %u %u", c.norm[0], c.norm[1],
                     c.norm[2]);
    cr_assert_float_eq(cover_max(&c, lf), 0.8f, 1e-6f, "2 / (2 + 0.5) bounds the block");
    cr_assert(pair_score(20, 2, lf) > 0.96f, "apart, the largest frequency and smallest norm");
}

Test(block_cover, a_short_front_is_stored_as_it_is)
{
    float lf[256];
    rising_factors(lf);
    struct block_cover c;
    const uint32_t one_tf[] = { 3, 3, 1 };
    const uint8_t one_norm[] = { 9, 12, 30 };
    choose(&c, one_tf, one_norm, 3, lf); /* (3,9) beats the others */
    for (int p = 0; p < BLOCK_COVER_PAIRS; p++)
        cr_assert(c.tf[p] == 3 && c.norm[p] == 9, "pair %d: %u %u", p, c.tf[p], c.norm[p]);
    const uint32_t two_tf[] = { 7, 2 };
    const uint8_t two_norm[] = { 50, 4 };
    choose(&c, two_tf, two_norm, 2, lf);
    cr_assert(c.tf[0] == 2 && c.norm[0] == 4 && c.tf[1] == 7 && c.norm[1] == 50 && c.tf[2] == 7 &&
                  c.norm[2] == 50,
              "(%u,%u) (%u,%u) (%u,%u)", c.tf[0], c.norm[0], c.tf[1], c.norm[1], c.tf[2],
              c.norm[2]);
}

/* Whether some pair of c has at least tf at most norm. */
static int covered(const struct block_cover *c, uint32_t tf, uint8_t norm)
{
    for (int p = 0; p < BLOCK_COVER_PAIRS; p++)
        if (tf <= c->tf[p] && norm >= c->norm[p])
            return 1;
    return 0;
}

Test(block_cover, random_blocks_are_bounded_doc_by_doc)
{
    float lf[256];
    rising_factors(lf);
    srand(7);
    for (int round = 0; round < 2000; round++) {
        uint32_t n = 1 + (uint32_t)rand() % FORMAT_POSTINGS_BLOCK, tfs[FORMAT_POSTINGS_BLOCK];
        uint8_t norms[FORMAT_POSTINGS_BLOCK];
        uint32_t max_tf = 0;
        uint8_t min_norm = 255;
        for (uint32_t i = 0; i < n; i++) {
            tfs[i] = 1 + (uint32_t)(rand() % 4 == 0 ? rand() % 300 : rand() % 4);
            norms[i] = (uint8_t)(rand() % 256);
            max_tf = tfs[i] > max_tf ? tfs[i] : max_tf;
            min_norm = norms[i] < min_norm ? norms[i] : min_norm;
        }
        struct block_cover c;
        choose(&c, tfs, norms, n, lf);
        cr_assert(c.tf[2] == max_tf && c.norm[0] == min_norm, "round %d: the extremes", round);
        for (int p = 1; p < BLOCK_COVER_PAIRS; p++)
            cr_assert(c.tf[p] >= c.tf[p - 1] && c.norm[p] >= c.norm[p - 1], "round %d: ordered",
                      round);
        for (uint32_t i = 0; i < n; i++)
            cr_assert(covered(&c, tfs[i], norms[i]), "round %d: doc %u (%u,%u) uncovered", round, i,
                      tfs[i], norms[i]);
        cr_assert(cover_max(&c, lf) <= pair_score(max_tf, min_norm, lf), "round %d", round);
    }
}

Test(block_cover, the_default_length_factors_are_bm25s)
{
    float lf[256];
    block_cover_length_factors(lf, 1.2f, 0.75f, 10.0);
    cr_assert_float_eq(lf[0], 1.2f * 0.25f, 1e-6f, "an empty doc");
    cr_assert_float_eq(lf[10], 1.2f, 1e-6f, "a doc of the average length 10 (norm byte 10)");
}
