/* One-byte document lengths: exact below 40, then four significant bits. */
#include <criterion/criterion.h>

#include "core/norms.h"

Test(norms, exact_for_small_lengths)
{
    for (uint32_t x = 0; x < 24; x++) {
        cr_assert_eq(norm_encode(x), x);
        cr_assert_eq(norm_decode((uint8_t)x), x);
    }
    /* Lucene's intToByte4 with 24 free values stays exact up to 39 */
    for (uint32_t x = 24; x < 40; x++) {
        cr_assert_eq(norm_encode(x), x);
        cr_assert_eq(norm_decode(norm_encode(x)), x);
    }
    /* then pairs share a byte */
    cr_assert_eq(norm_encode(40), 40);
    cr_assert_eq(norm_encode(41), 40);
    cr_assert_eq(norm_encode(42), 41);
    cr_assert_eq(norm_decode(40), 40);
    cr_assert_eq(norm_decode(41), 42);
}

Test(norms, monotonic)
{
    uint8_t prev = norm_encode(0);
    for (uint32_t x = 1; x <= 100000; x++) {
        uint8_t b = norm_encode(x);
        cr_assert_geq(b, prev, "encode(%u) = %u < encode(%u) = %u", x, b, x - 1, prev);
        prev = b;
    }
    for (unsigned b = 1; b < 256; b++)
        cr_assert_gt(norm_decode((uint8_t)b), norm_decode((uint8_t)(b - 1)), "byte %u", b);
}

Test(norms, decode_is_a_lower_bound_within_an_eighth)
{
    uint64_t x = 24;
    while (x <= UINT32_MAX) {
        uint32_t v = (uint32_t)x;
        uint32_t d = norm_decode(norm_encode(v));
        uint32_t clamped = v > INT32_MAX ? INT32_MAX : v;
        cr_assert_leq(d, clamped, "decode(encode(%u)) = %u", v, d);
        cr_assert_leq((uint64_t)(clamped - d) * 8, clamped, "decode(encode(%u)) = %u", v, d);
        x = x < 200000 ? x + 1 : x + x / 1000 + 1;
    }
}

Test(norms, every_byte_round_trips)
{
    for (unsigned b = 0; b < 256; b++)
        cr_assert_eq(norm_encode(norm_decode((uint8_t)b)), b, "byte %u", b);
}

Test(norms, large_lengths)
{
    cr_assert_eq(norm_encode(INT32_MAX), 255);
    cr_assert_eq(norm_encode(UINT32_MAX), norm_encode(INT32_MAX));
    cr_assert_eq(norm_encode((uint32_t)INT32_MAX + 1), 255);
    /* 24 + (15 << 27) */
    cr_assert_eq(norm_decode(255), 2013265944u);
    cr_assert_eq(norm_encode(2013265944u), 255);
    cr_assert_eq(norm_encode(2013265943u), 254);
}
