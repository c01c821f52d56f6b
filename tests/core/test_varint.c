/* Varints: round trips at every length and the rejection of bad encodings. */
#include <criterion/criterion.h>

#include "core/varint.h"
#include "core/varint_skip.h"

Test(varint, round_trips_at_every_length)
{
    uint64_t values[] = { 0, 1, 127, 128, 16383, 16384, UINT32_MAX, (uint64_t)UINT32_MAX + 1, UINT64_MAX };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        uint8_t b[VARINT_MAX64];
        size_t n = varint_put(b, values[i]);
        cr_assert_eq(n, varint_size(values[i]));
        const uint8_t *p = b;
        uint64_t v;
        cr_assert_eq(varint_get64(&p, b + n, &v), 0);
        cr_assert_eq(v, values[i]);
        cr_assert_eq(p, b + n);
    }
}

Test(varint, rejects_truncated_and_overlong_input)
{
    uint8_t truncated[] = { 0x80, 0x80 };
    const uint8_t *p = truncated;
    uint64_t v;
    cr_assert_eq(varint_get64(&p, truncated + 2, &v), -1);
    uint8_t eleven[11];
    memset(eleven, 0xFF, sizeof eleven);
    p = eleven;
    cr_assert_eq(varint_get64(&p, eleven + 11, &v), -1);
    uint8_t big[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0x1F }; /* 2^35 - 1 */
    p = big;
    uint32_t w;
    cr_assert_eq(varint_get32(&p, big + 5, &w), -1);
}

/* Skipping n varints lands where decoding n of them would, from every start,
 * across the 8-byte steps, and fails when fewer than n are left. */
Test(varint, skip_lands_where_decoding_does)
{
    uint8_t buf[4096];
    size_t len = 0, count = 0;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    while (len + VARINT_MAX64 < sizeof buf) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t v = x >> (x % 64); /* widths from 1 to 10 bytes */
        len += varint_put(buf + len, v % 5 == 0 ? v : v & 0x7F);
        count++;
    }
    for (size_t from = 0; from < 40; from++) {
        const uint8_t *start = buf;
        uint64_t v;
        for (size_t i = 0; i < from; i++)
            cr_assert_eq(varint_get64(&start, buf + len, &v), 0);
        for (size_t n = 0; n + from <= count; n += 1 + n / 8) {
            const uint8_t *want = start, *got = start;
            for (size_t i = 0; i < n; i++)
                cr_assert_eq(varint_get64(&want, buf + len, &v), 0);
            cr_assert_eq(varint_skip(&got, buf + len, n), 0);
            cr_assert_eq(got, want, "from %zu, skip %zu: at %td, want %td", from, n, got - buf,
                         want - buf);
        }
        const uint8_t *p = start;
        cr_assert_eq(varint_skip(&p, buf + len, count - from + 1), -1);
    }
    const uint8_t cut[] = { 0x80, 0x81 }, *p = cut; /* a varint without its last byte */
    cr_assert_eq(varint_skip(&p, cut + 2, 1), -1);
}
