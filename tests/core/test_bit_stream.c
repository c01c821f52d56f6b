/* The bit fields of the dictionary entries: least significant bit first,
 * gamma codes of every width up to 32 bits at any bit offset (also in the
 * last bytes, where no 8-byte load fits), read backward from the end of
 * the bytes reversed, and reads past the end or longer codes refused. */
#include <criterion/criterion.h>

#include "core/bit_stream.h"

/* What a reader reads: the bytes written, last first. */
static void reverse(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        uint8_t t = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = t;
    }
}

Test(bit_stream, bits_in_the_order_written)
{
    buf b = BUF_INIT;
    bit_writer w = { &b, 0, 0 };
    bit_put(&w, 1, 1);     /* bit 0 */
    bit_put(&w, 5, 3);     /* bits 1-3: 101 */
    bit_put_gamma(&w, 1);  /* bit 4: 1 */
    bit_put_gamma(&w, 6);  /* bits 5-9: 0 0 1, then 10 (6 = 110) */
    bit_flush(&w);
    cr_assert_eq(b.len, 2);
    /* bit 0..9: 1 1 0 1 1 0 0 1 0 1 */
    cr_assert_eq(b.data[0], 0x9B, "%02x", b.data[0]);
    cr_assert_eq(b.data[1], 0x02, "%02x", b.data[1]);
    buf_free(&b);
}

Test(bit_stream, gamma_round_trip_at_every_width_and_offset)
{
    static const uint32_t values[] = { 1, 2, 3, 7, 8, 255, 256, 65535, 1u << 28, (1u << 29) - 1,
                                       1u << 29, 1u << 31, UINT32_MAX };
    enum { N = sizeof values / sizeof values[0] };
    for (unsigned shift = 0; shift < 8; shift++) {
        buf b = BUF_INIT;
        bit_writer w = { &b, 0, 0 };
        bit_put(&w, 0x55, shift);
        for (int i = 0; i < N; i++) {
            bit_put_gamma(&w, values[i]);
            bit_put(&w, 0x2AAAAAAA, 31);
        }
        bit_flush(&w);
        reverse(b.data, b.len);
        bit_reader r;
        bit_reader_start(&r, b.data, b.data + b.len);
        uint32_t v;
        cr_assert_eq(bit_get(&r, shift, &v), 0);
        cr_assert_eq(v, 0x55u & ((1u << shift) - 1));
        for (int i = 0; i < N; i++) {
            cr_assert_eq(bit_get_gamma(&r, BIT_GAMMA_MAX_ZEROS, &v), 0, "value %d shift %u", i, shift);
            cr_assert_eq(v, values[i], "value %d shift %u: %u", i, shift, v);
            cr_assert_eq(bit_get(&r, 31, &v), 0);
            cr_assert_eq(v, 0x2AAAAAAAu);
        }
        cr_assert(bit_at_end(&r));
        cr_assert_eq(bit_get(&r, 8, &v), -1, "past the end");
        buf_free(&b);
    }
}

Test(bit_stream, damage_refused)
{
    uint8_t zeros[8] = { 0 };
    bit_reader r;
    uint32_t v;
    bit_reader_start(&r, zeros, zeros + 8);
    cr_assert_eq(bit_get_gamma(&r, BIT_GAMMA_MAX_ZEROS, &v), -1, "32 zeros or more");
    uint8_t five[1] = { 0x04 }; /* 0 0 1, then 2 bits that are not there... */
    bit_reader_start(&r, five, five + 1);
    cr_assert_eq(bit_get_gamma(&r, BIT_GAMMA_MAX_ZEROS, &v), 0); /* ...they are: 5 bits fit in 8 */
    cr_assert_eq(v, 4);
    cr_assert(bit_at_end(&r));
    uint8_t cut[1] = { 0x10 }; /* 4 zeros, a one: 4 more bits needed, 3 left */
    bit_reader_start(&r, cut, cut + 1);
    cr_assert_eq(bit_get_gamma(&r, BIT_GAMMA_MAX_ZEROS, &v), -1);
    uint8_t two[1] = { 0x04 };
    bit_reader_start(&r, two, two + 1);
    cr_assert_eq(bit_get_gamma(&r, 1, &v), -1, "2 zeros where at most 1 may be");
    uint8_t pad[2] = { 0x80, 0x01 }; /* gamma 1 (the last byte is read first), then a one bit in what should be padding */
    bit_reader_start(&r, pad, pad + 2);
    cr_assert_eq(bit_get_gamma(&r, BIT_GAMMA_MAX_ZEROS, &v), 0);
    cr_assert(!bit_at_end(&r));
}
