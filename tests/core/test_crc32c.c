/* CRC-32C: known vectors, chaining, and agreement of the two code paths. */
#include <criterion/criterion.h>

#include <string.h>

#include "core/crc32c.h"

Test(crc32c, check_value)
{
    cr_assert_eq(crc32c_update(0, "123456789", 9), 0xE3069283u);
    cr_assert_eq(crc32c_update_portable(0, "123456789", 9), 0xE3069283u);
}

Test(crc32c, empty_input)
{
    cr_assert_eq(crc32c_update(0, "", 0), 0);
    cr_assert_eq(crc32c_update_portable(0, "", 0), 0);
    cr_assert_eq(crc32c_update(0, NULL, 0), 0);
    /* an empty update leaves a running value alone */
    cr_assert_eq(crc32c_update(0xE3069283u, "", 0), 0xE3069283u);
    cr_assert_eq(crc32c_update_portable(0xE3069283u, "", 0), 0xE3069283u);
}

/* RFC 3720 (iSCSI), appendix B.4 */
Test(crc32c, iscsi_vectors)
{
    uint8_t buf[48];
    memset(buf, 0, 32);
    cr_assert_eq(crc32c_update(0, buf, 32), 0x8A9136AAu);
    memset(buf, 0xFF, 32);
    cr_assert_eq(crc32c_update(0, buf, 32), 0x62A8AB43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    cr_assert_eq(crc32c_update(0, buf, 32), 0x46DD794Eu);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)(31 - i);
    cr_assert_eq(crc32c_update(0, buf, 32), 0x113FDB5Cu);
    const uint8_t read10[48] = {
        0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
        0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    cr_assert_eq(crc32c_update(0, read10, 48), 0xD9963A56u);
    cr_assert_eq(crc32c_update_portable(0, read10, 48), 0xD9963A56u);
}

Test(crc32c, incremental_equals_one_shot)
{
    const char *s = "The quick brown fox jumps over the lazy dog, cepat sekali.";
    size_t n = strlen(s);
    uint32_t whole = crc32c_update(0, s, n);
    cr_assert_eq(crc32c_update(0, "The quick brown fox jumps over the lazy dog", 43), 0x22620404u);
    for (size_t cut = 0; cut <= n; cut++) {
        uint32_t c = crc32c_update(0, s, cut);
        cr_assert_eq(crc32c_update(c, s + cut, n - cut), whole, "cut at %zu", cut);
        uint32_t p = crc32c_update_portable(0, s, cut);
        cr_assert_eq(crc32c_update_portable(p, s + cut, n - cut), whole, "cut at %zu", cut);
    }
    /* byte by byte */
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++)
        c = crc32c_update(c, s + i, 1);
    cr_assert_eq(c, whole);
}

Test(crc32c, both_paths_agree_on_random_buffers)
{
    static uint8_t buf[1100];
    uint64_t x = 0x243F6A8885A308D3ull;
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)(x >> 24);
    }
    for (size_t len = 0; len <= 1000; len++) {
        size_t off = 1 + 2 * (len % 37); /* odd, so most 8-byte loads are unaligned */
        uint32_t a = crc32c_update(0, buf + off, len);
        uint32_t b = crc32c_update_portable(0, buf + off, len);
        cr_assert_eq(a, b, "length %zu at offset %zu: 0x%08x != 0x%08x", len, off, a, b);
        /* and with a running value */
        cr_assert_eq(crc32c_update(0x12345678u, buf + off, len),
                     crc32c_update_portable(0x12345678u, buf + off, len), "length %zu", len);
    }
}
