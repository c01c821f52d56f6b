/* What the dictionary's entries derive instead of storing: the truncated
 * binary code of a df 1 term's document (every doc below N read back, in
 * floor(log2 N) or one more bits, each code a distinct doc), the fewest bytes
 * of a df 1 term's positions, the exponential Golomb widths. */
#include <criterion/criterion.h>

#include "core/norms.h"
#include "core/term_entry.h"

static unsigned round_trip(uint32_t doc, uint32_t ndocs)
{
    buf b = BUF_INIT;
    bit_writer w = { &b, 0, 0 };
    term_doc_put(&w, doc, ndocs);
    unsigned written = (unsigned)(b.len * 8 + w.n);
    bit_put(&w, 0x5A5A5A5A, 32); /* what follows is not read */
    bit_flush(&w);
    uint64_t bits = 0;
    for (size_t i = 0; i < b.len && i < 8; i++)
        bits |= (uint64_t)b.data[i] << (8 * i);
    uint32_t got = UINT32_MAX;
    unsigned width = term_doc_decode(bits, ndocs, &got);
    cr_assert_eq(width, written, "doc %u of %u: %u bits read, %u written", doc, ndocs, width, written);
    cr_assert_eq(got, doc, "doc %u of %u: %u", doc, ndocs, got);
    buf_free(&b);
    return width;
}

Test(term_entry, every_document_of_small_counts)
{
    for (uint32_t n = 1; n <= 70; n++) {
        unsigned k = 31u - (unsigned)__builtin_clz(n);
        for (uint32_t doc = 0; doc < n; doc++) {
            unsigned width = round_trip(doc, n);
            cr_assert(width == k || width == k + 1, "doc %u of %u: %u bits", doc, n, width);
            cr_assert_eq(width == k, doc < (2u << k) - n, "doc %u of %u: the short codes first", doc, n);
        }
    }
}

Test(term_entry, edges_of_large_counts)
{
    static const uint32_t counts[] = { 17929, 65536, 65537, 1u << 31, UINT32_MAX };
    for (int i = 0; i < 5; i++) {
        uint32_t n = counts[i];
        uint64_t u = (2ull << (31 - __builtin_clz(n))) - n;
        uint32_t docs[] = { 0, 1, (uint32_t)(u > 0 ? u - 1 : 0), (uint32_t)(u < n ? u : 0), n - 2, n - 1 };
        for (int j = 0; j < 6; j++)
            round_trip(docs[j], n);
    }
    cr_assert_eq(round_trip(0, 17929), 14);
    cr_assert_eq(round_trip(17928, 17929), 15);
}

Test(term_entry, fewest_positions_bytes_and_widths)
{
    /* length 0: k 0, a value takes a bit; 1000: k = log2(688) - log2(tf) */
    cr_assert_eq(term_single_positions_min(norm_encode(0), 1), 1);
    cr_assert_eq(term_single_positions_min(norm_encode(0), 9), 2);
    cr_assert_eq(term_single_positions_min(norm_encode(1000), 1), 2);  /* k 9: 10 bits */
    cr_assert_eq(term_single_positions_min(norm_encode(1000), 4), 4);  /* k 7: 4 x 8 bits */
    cr_assert_eq(term_postings_k(2), 1);
    cr_assert_eq(term_postings_k(127), 6);
    cr_assert_eq(term_positions_k(1), 1);
    cr_assert_eq(term_positions_k(9), 4);
    cr_assert_eq(term_positions_k(UINT64_MAX), 31);
}
