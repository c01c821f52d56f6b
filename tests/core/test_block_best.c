/* A block's best (core/block_best.h): the largest tf / (tf + k) of its
 * word's docs over the block's range of doc numbers, the other key's docs
 * counted in, both frequencies where a doc is in both, rounded up. */
#include <criterion/criterion.h>

#include "core/block_best.h"
#include "core/format.h"

static float lf[256];

static void rising_factors(void)
{
    for (int n = 0; n < 256; n++)
        lf[n] = 0.5f + (float)n / 16;
}

static float sat(uint32_t tf, uint8_t norm) { return (float)tf / ((float)tf + lf[norm]); }

Test(block_best, rounds_up_by_more_than_float_error)
{
    const float s[] = { 0.0f, 1e-6f, 0.25f, 0.5f, 0.7071f, 0.99f, 0.99998f, 0.9999999f };
    for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
        uint16_t q = block_best_quantize(s[i]);
        cr_assert_gt((double)q / BLOCK_BEST_ONE, s[i] + 1.0 / BLOCK_BEST_ONE * (q < BLOCK_BEST_ONE),
                     "%g: %u", s[i], q);
        cr_assert_leq(q, (double)s[i] * BLOCK_BEST_ONE + 2.01);
    }
    cr_assert_eq(block_best_quantize(1234.9999f / BLOCK_BEST_ONE), 1236, "just below a step");
    cr_assert_eq(block_best_quantize(0.99997f), BLOCK_BEST_ONE);
}

/* A key of 300 docs (blocks 0-127, 128-255, 256-299 by index) at even
 * numbers 10, 12, ..., tf 1 at norm 40; the other key's docs: 3 before the
 * first (tf 5, norm 0), one doc in both in block 1's range (tf 2 + 3), and
 * one after the last (tf 9, norm 0). */
Test(block_best, ranges_run_from_the_block_before_to_the_end)
{
    rising_factors();
    enum { N = 300 };
    static uint32_t docs[N], tfs[N];
    static uint8_t norms[1000];
    for (uint32_t i = 0; i < N; i++) {
        docs[i] = 10 + 2 * i;
        tfs[i] = 1;
        norms[docs[i]] = 40;
    }
    uint32_t both = docs[200];
    tfs[200] = 2;
    const uint32_t other_docs[] = { 3, both, 900 }, other_tfs[] = { 5, 3, 9 };
    norms[3] = norms[900] = 0;
    uint16_t best[3];
    block_best_values(best, docs, tfs, N, other_docs, other_tfs, 3, norms, lf);
    cr_assert_eq(best[0], block_best_quantize(sat(5, 0)), "doc 3, before the first");
    cr_assert_eq(best[1], block_best_quantize(sat(5, 40)), "doc %u: 2 + 3", both);
    cr_assert_eq(best[2], block_best_quantize(sat(9, 0)), "doc 900, after the last");
    block_best_values(best, docs, tfs, N, other_docs, other_tfs, 0, norms, lf);
    cr_assert_eq(best[0], block_best_quantize(sat(1, 40)), "its own docs alone");
    cr_assert_eq(best[1], block_best_quantize(sat(2, 40)));
    cr_assert_eq(best[2], block_best_quantize(sat(1, 40)));
}
