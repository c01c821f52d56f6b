/* The tail code of POSTINGS: the Rice parameter, the layout of FORMAT.md bit
 * for bit, round trips at the edges (1 and 127 documents, gap 0, gaps that
 * take the escape, frequencies 1 and 2^32 - 1, the last doc number), and
 * damaged bytes refused instead of misread. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/tail_code.h"

static buf encode(const uint32_t *docs, const uint32_t *tfs, uint32_t n, uint32_t prev_plus1,
                  uint32_t ndocs)
{
    buf b = BUF_INIT;
    tail_encode(&b, docs, tfs, n, prev_plus1, ndocs);
    cr_assert_eq(b.rc, 0);
    return b;
}

static void assert_round_trip(const uint32_t *docs, const uint32_t *tfs, uint32_t n,
                              uint32_t prev_plus1, uint32_t ndocs)
{
    buf b = encode(docs, tfs, n, prev_plus1, ndocs);
    uint32_t got_docs[128], got_tfs[128];
    uint64_t sum = 0, want_sum = 0;
    cr_assert_eq(tail_decode(b.data, b.data + b.len, n, prev_plus1, ndocs, got_docs, got_tfs, &sum),
                 0, "%u docs", n);
    for (uint32_t i = 0; i < n; i++) {
        cr_assert_eq(got_docs[i], docs[i], "doc %u: %u, want %u", i, got_docs[i], docs[i]);
        cr_assert_eq(got_tfs[i], tfs[i], "tf %u: %u, want %u", i, got_tfs[i], tfs[i]);
        want_sum += tfs[i];
    }
    cr_assert_eq(sum, want_sum);
    /* a byte more, or one less, is not the tail */
    uint8_t *longer = calloc(b.len + 1, 1);
    memcpy(longer, b.data, b.len);
    cr_assert_eq(tail_decode(longer, longer + b.len + 1, n, prev_plus1, ndocs, got_docs, got_tfs,
                             &sum), -1);
    cr_assert_eq(tail_decode(b.data, b.data + b.len - 1, n, prev_plus1, ndocs, got_docs, got_tfs,
                             &sum), -1);
    free(longer);
    buf_free(&b);
}

Test(tail_code, parameter_follows_the_expected_gap)
{
    cr_assert_eq(tail_k(1, 0), 0);
    cr_assert_eq(tail_k(1, 3), 0);
    cr_assert_eq(tail_k(1, 4), 1);    /* 1 * 2^2 <= 4 */
    cr_assert_eq(tail_k(2, 17929), 12); /* 2 * 2^13 <= 17929 < 2 * 2^14 */
    cr_assert_eq(tail_k(127, 127), 0);
    cr_assert_eq(tail_k(1, UINT64_MAX), 30);
}

Test(tail_code, layout_bit_for_bit)
{
    /* n 2 of 16 docs from 0: k 2 (2 * 2^3 <= 16). doc 5: gap 5 = quotient 1
     * (0 then 1), low bits 01; tf 1: "1". doc 6: gap 0: "1", low 00; tf 3:
     * z 1: "0 1", then the bit below: 1. Least significant first:
     * 01 10 1, 1 00 01 1 -> bits 0,1,1,0,1,1,0,0 then 0,1,1 */
    const uint32_t docs[2] = { 5, 6 }, tfs[2] = { 1, 3 };
    buf b = encode(docs, tfs, 2, 0, 16);
    cr_assert_eq(b.len, 2);
    cr_assert_eq(b.data[0], 0x36, "%02x", b.data[0]); /* 0b00110110 */
    cr_assert_eq(b.data[1], 0x06, "%02x", b.data[1]); /* 0b110, zero padding */
    buf_free(&b);
}

Test(tail_code, round_trips_at_the_edges)
{
    uint32_t docs[127], tfs[127];
    docs[0] = 0, tfs[0] = 1;
    assert_round_trip(docs, tfs, 1, 0, 1);
    docs[0] = UINT32_MAX - 1, tfs[0] = UINT32_MAX; /* the last doc, the largest tf */
    assert_round_trip(docs, tfs, 1, 0, UINT32_MAX);
    for (uint32_t i = 0; i < 127; i++) /* consecutive docs, gap 0, tf 1 and growing */
        docs[i] = 1000 + i, tfs[i] = 1 + i * i;
    assert_round_trip(docs, tfs, 127, 1000, 1127);
    /* a k of 12 for 2 docs of 17929 */
    docs[0] = 7, docs[1] = 17928, tfs[0] = 2, tfs[1] = 1;
    assert_round_trip(docs, tfs, 2, 0, 17929);
    for (uint32_t i = 0; i < 10; i++) /* k 0 (span 10 of 10 docs), then a huge gap */
        docs[i] = i, tfs[i] = 1;
    docs[9] = 4000000000u;
    assert_round_trip(docs, tfs, 10, 0, 10);
}

Test(tail_code, damage_is_refused)
{
    uint32_t docs[128], tfs[128];
    uint64_t sum;
    const uint8_t zeros[16] = { 0 }; /* a unary run longer than the escape */
    cr_assert_eq(tail_decode(zeros, zeros + sizeof zeros, 1, 0, 100, docs, tfs, &sum), -1);
    const uint8_t empty[1] = { 0 };
    cr_assert_eq(tail_decode(empty, empty, 1, 0, 100, docs, tfs, &sum), -1);
    /* gap 0 and tf 1 ("1 1" at k 0), then a set padding bit */
    const uint8_t padded[1] = { 0x07 };
    cr_assert_eq(tail_decode(padded, padded + 1, 1, 0, 1, docs, tfs, &sum), -1);
    const uint8_t clean[1] = { 0x03 };
    cr_assert_eq(tail_decode(clean, clean + 1, 1, 0, 1, docs, tfs, &sum), 0);
    cr_assert(docs[0] == 0 && tfs[0] == 1);
    /* an escaped gap that reaches doc 2^32 - 1 (never a doc) */
    const uint32_t far[1] = { UINT32_MAX - 1 }, one[1] = { 1 };
    buf b = encode(far, one, 1, 0, UINT32_MAX);
    cr_assert_eq(tail_decode(b.data, b.data + b.len, 1, 1, UINT32_MAX, docs, tfs, &sum), -1);
    buf_free(&b);
}
