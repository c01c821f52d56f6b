/* Full postings blocks (core/full_block.h): docs from gaps and frequencies
 * from frequencies less one, the SIMD sums held to the scalar ones value for
 * value, wraps past 2^32 found wherever they happen, and whole blocks
 * decoded from their PFor bytes. */
#include <criterion/criterion.h>

#include <string.h>

#include "core/full_block.h"
#include "core/pfor.h"

static uint64_t state = 88172645463325252ull;

static uint32_t next_random(void)
{
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return (uint32_t)(state >> 16);
}

/* Both sums of gaps from `first`: the same docs and the same answer. */
static int both_docs(const uint32_t *gaps, uint32_t first, uint32_t *docs)
{
    uint32_t simd[FULL_BLOCK];
    memcpy(simd, gaps, sizeof simd);
    memcpy(docs, gaps, sizeof simd);
    int wrapped = full_block_docs_scalar(docs, first);
    cr_assert_eq(full_block_docs(simd, first), wrapped, "first %u", first);
    cr_assert_arr_eq(simd, docs, sizeof simd);
    return wrapped;
}

Test(full_block, docs_are_gaps_plus_one_after_the_last)
{
    uint32_t gaps[FULL_BLOCK], docs[FULL_BLOCK];
    memset(gaps, 0, sizeof gaps);
    cr_assert_eq(both_docs(gaps, 7, docs), 0);
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        cr_assert_eq(docs[i], 7 + i);
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        gaps[i] = i % 3;
    cr_assert_eq(both_docs(gaps, 0, docs), 0);
    cr_assert_eq(docs[0], 0);
    cr_assert_eq(docs[1], 2);
    cr_assert_eq(docs[2], 5);
    cr_assert_eq(docs[3], 6);
    uint32_t sum = 0;
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        sum += gaps[i];
    cr_assert_eq(docs[FULL_BLOCK - 1], sum + FULL_BLOCK - 1);
}

Test(full_block, random_gaps_agree)
{
    for (int t = 0; t < 3000; t++) {
        uint32_t gaps[FULL_BLOCK], docs[FULL_BLOCK];
        unsigned bits = (unsigned)(t % 33);
        for (unsigned i = 0; i < FULL_BLOCK; i++)
            gaps[i] = bits == 0 ? 0 : next_random() >> (32 - bits);
        uint32_t first = t % 5 == 0 ? UINT32_MAX - (uint32_t)(t % 1000) : next_random() >> (t % 32);
        both_docs(gaps, first, docs);
    }
}

/* A doc past 2^32 - 1 anywhere in the block, or a last doc of exactly 2^32 - 1. */
Test(full_block, wraps_are_found)
{
    uint32_t gaps[FULL_BLOCK], docs[FULL_BLOCK];
    memset(gaps, 0, sizeof gaps);
    cr_assert_eq(both_docs(gaps, UINT32_MAX - 127, docs), 0, "the last doc is 2^32 - 1");
    cr_assert_eq(docs[FULL_BLOCK - 1], UINT32_MAX);
    cr_assert_eq(both_docs(gaps, UINT32_MAX - 126, docs), 1, "one more");
    for (unsigned at = 0; at < FULL_BLOCK; at++) {
        memset(gaps, 0, sizeof gaps);
        gaps[at] = UINT32_MAX; /* alone it passes 2^32 */
        cr_assert_eq(both_docs(gaps, 0, docs), 1, "a gap of 2^32 - 1 at %u", at);
        gaps[at] = UINT32_MAX - 200; /* fits */
        cr_assert_eq(both_docs(gaps, 0, docs), 0, "at %u", at);
        gaps[at] = 1u << 31, gaps[(at + 1) % FULL_BLOCK] = 1u << 31; /* 2^32 in two */
        cr_assert_eq(both_docs(gaps, 0, docs), 1, "two gaps of 2^31 from %u", at);
    }
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        gaps[i] = (1u << 25) - 1; /* 128 gaps and ones of 2^25 - 1 and 1: 2^32 */
    cr_assert_eq(both_docs(gaps, 0, docs), 0, "the last doc is 2^32 - 1");
    cr_assert_eq(both_docs(gaps, 1, docs), 1);
    gaps[5] = 0; /* past the bound from the widest gap, but no wrap */
    cr_assert_eq(both_docs(gaps, 1, docs), 0);
    cr_assert_eq(both_docs(gaps, (1u << 25) - 1, docs), 0, "the last doc is 2^32 - 1");
    cr_assert_eq(both_docs(gaps, 1u << 25, docs), 1);
}

static uint64_t both_tfs(const uint32_t *freqs, int want_wrapped, uint32_t *tfs)
{
    uint32_t simd[FULL_BLOCK];
    uint64_t sum = 5, simd_sum = 5; /* added to */
    memcpy(simd, freqs, sizeof simd);
    memcpy(tfs, freqs, sizeof simd);
    cr_assert_eq(full_block_tfs_scalar(tfs, &sum), want_wrapped);
    cr_assert_eq(full_block_tfs(simd, &simd_sum), want_wrapped);
    cr_assert_arr_eq(simd, tfs, sizeof simd);
    cr_assert_eq(simd_sum, sum);
    return sum - 5;
}

Test(full_block, frequencies_are_one_more_and_summed_in_64_bits)
{
    uint32_t freqs[FULL_BLOCK], tfs[FULL_BLOCK];
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        freqs[i] = i;
    cr_assert_eq(both_tfs(freqs, 0, tfs), FULL_BLOCK * (FULL_BLOCK + 1) / 2);
    cr_assert_eq(tfs[0], 1);
    cr_assert_eq(tfs[127], 128);
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        freqs[i] = (1u << 24) - 1; /* the widest summed in 32-bit lanes */
    cr_assert_eq(both_tfs(freqs, 0, tfs), (uint64_t)FULL_BLOCK << 24);
    freqs[9] = UINT32_MAX - 1; /* wider: summed again, past 2^32 */
    cr_assert_eq(both_tfs(freqs, 0, tfs), ((uint64_t)127 << 24) + UINT32_MAX);
    freqs[100] = UINT32_MAX;
    both_tfs(freqs, 1, tfs);
    cr_assert_eq(tfs[100], 0);
    for (int t = 0; t < 2000; t++) {
        unsigned bits = (unsigned)(t % 32);
        for (unsigned i = 0; i < FULL_BLOCK; i++)
            freqs[i] = bits == 0 ? 0 : next_random() >> (32 - bits);
        both_tfs(freqs, 0, tfs);
    }
}

/* A block coded as the writer codes it decodes to its docs and frequencies
 * with every unpacker; one byte more or less is refused. */
Test(full_block, decodes_what_pfor_coded)
{
    static const enum bitpack_isa isas[] = { BITPACK_SCALAR, BITPACK_SSE2, BITPACK_AVX2 };
    for (int t = 0; t < 200; t++) {
        uint32_t gaps[FULL_BLOCK], freqs[FULL_BLOCK], want_docs[FULL_BLOCK];
        uint64_t want_sum = 0;
        uint32_t doc = 1000 + (uint32_t)t - 1;
        for (unsigned i = 0; i < FULL_BLOCK; i++) {
            gaps[i] = next_random() % (t % 7 == 0 ? 5000u : 20u);
            freqs[i] = next_random() % (i % 11 == 0 ? 300u : 3u);
            doc += gaps[i] + 1;
            want_docs[i] = doc;
            want_sum += freqs[i] + 1;
        }
        uint8_t bytes[2048], widths[2];
        size_t doc_size, tf_size;
        widths[0] = pfor_choose(gaps, &doc_size);
        widths[1] = pfor_choose(freqs, &tf_size);
        pfor_encode(gaps, widths[0], bytes);
        pfor_encode(freqs, widths[1], bytes + doc_size);
        const uint8_t *end = bytes + doc_size + tf_size;
        for (size_t a = 0; a < sizeof isas / sizeof *isas; a++) {
            bitpack_unpack_fn *fn = bitpack_unpacker_for(isas[a]);
            if (fn == NULL)
                continue;
            uint32_t docs[FULL_BLOCK], tfs[FULL_BLOCK];
            uint64_t sum;
            cr_assert_eq(full_block_decode(fn, bytes, end, end, widths, 1000 + (uint32_t)t, docs,
                                           tfs, &sum), 0);
            cr_assert_arr_eq(docs, want_docs, sizeof docs);
            cr_assert_eq(sum, want_sum);
            for (unsigned i = 0; i < FULL_BLOCK; i++)
                cr_assert_eq(tfs[i], freqs[i] + 1);
            cr_assert_eq(full_block_decode(fn, bytes, end - 1, end, widths, 0, docs, tfs, &sum), -1);
            cr_assert_eq(full_block_decode(fn, bytes, end + 1, end + 1, widths, 0, docs, tfs, &sum),
                         -1, "a byte left over");
            cr_assert_eq(full_block_decode(fn, bytes, end, end, widths, UINT32_MAX - 100, docs, tfs,
                                           &sum),
                         -1, "docs past 2^32");
        }
    }
}
