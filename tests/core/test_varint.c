/* Varints: round trips at every length and the rejection of bad encodings. */
#include <criterion/criterion.h>

#include "core/varint.h"

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
