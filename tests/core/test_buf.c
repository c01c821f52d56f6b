/* The growable byte buffer (sticky errors, little-endian and varint appends)
 * and array_reserve. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cari.h"
#include "core/array.h"
#include "core/buf.h"

static void expect_bytes(const buf *b, const void *expect, size_t n)
{
    cr_assert_eq(b->len, n, "length %zu, expected %zu", b->len, n);
    cr_assert_eq(memcmp(b->data, expect, n), 0);
}

Test(buf, appends)
{
    buf b = BUF_INIT;
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
    buf_append(&b, "abc", 3);
    buf_byte(&b, 'd');
    buf_str(&b, "ef");
    buf_append(&b, NULL, 0); /* nothing */
    buf_str(&b, "");
    expect_bytes(&b, "abcdef", 6);
    cr_assert_eq(b.rc, 0);
    cr_assert_geq(b.cap, b.len);
    buf_zeros(&b, 3);
    buf_zeros(&b, 0);
    expect_bytes(&b, "abcdef\0\0\0", 9);
    buf_free(&b);
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, 0);
}

Test(buf, little_endian_integers)
{
    buf b = BUF_INIT;
    buf_u32(&b, 0x11223344u);
    buf_u64(&b, 0x0102030405060708ull);
    buf_u32(&b, 0);
    buf_u32(&b, UINT32_MAX);
    const uint8_t expect[] = { 0x44, 0x33, 0x22, 0x11, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03,
                               0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF };
    expect_bytes(&b, expect, sizeof expect);
    buf_free(&b);
}

Test(buf, varints)
{
    buf b = BUF_INIT;
    buf_varint(&b, 0);
    buf_varint(&b, 1);
    buf_varint(&b, 127);
    buf_varint(&b, 128);
    buf_varint(&b, 300);
    buf_varint(&b, 16384);
    const uint8_t expect[] = { 0x00, 0x01, 0x7F, 0x80, 0x01, 0xAC, 0x02, 0x80, 0x80, 0x01 };
    expect_bytes(&b, expect, sizeof expect);
    buf_clear(&b);
    buf_varint(&b, UINT64_MAX);
    const uint8_t max[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 };
    expect_bytes(&b, max, sizeof max);
    /* and they read back */
    const uint8_t *p = b.data;
    uint64_t v;
    cr_assert_eq(varint_get64(&p, b.data + b.len, &v), 0);
    cr_assert_eq(v, UINT64_MAX);
    buf_free(&b);
}

Test(buf, cstr_terminates_without_counting)
{
    buf b = BUF_INIT;
    char *s = buf_cstr(&b); /* an empty buffer gives "" */
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "");
    cr_assert_eq(b.len, 0);
    buf_str(&b, "kata");
    s = buf_cstr(&b);
    cr_assert_eq(s, (char *)b.data);
    cr_assert_str_eq(s, "kata");
    cr_assert_eq(b.len, 4);
    buf_str(&b, " lain");
    s = buf_cstr(&b);
    cr_assert_str_eq(s, "kata lain");
    cr_assert_eq(b.len, 9);
    /* exactly full: the NUL still finds room */
    buf_clear(&b);
    while (b.len < b.cap)
        buf_byte(&b, 'x');
    size_t full = b.len;
    s = buf_cstr(&b);
    cr_assert_not_null(s);
    cr_assert_eq(s[full], '\0');
    cr_assert_eq(b.len, full);
    cr_assert_eq(strlen(s), full);
    buf_free(&b);
}

Test(buf, detach_hands_over_the_bytes)
{
    buf b = BUF_INIT;
    buf_str(&b, "hello");
    size_t len = 0;
    uint8_t *p = buf_detach(&b, &len);
    cr_assert_not_null(p);
    cr_assert_eq(len, 5);
    cr_assert_eq(memcmp(p, "hello", 5), 0);
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, 0);
    free(p);
    /* the buffer can be used again */
    buf_str(&b, "again");
    expect_bytes(&b, "again", 5);
    p = buf_detach(&b, NULL);
    cr_assert_eq(memcmp(p, "again", 5), 0);
    free(p);
    /* an empty buffer hands over nothing */
    len = 99;
    cr_assert_null(buf_detach(&b, &len));
    cr_assert_eq(len, 0);
    buf_free(&b);
}

Test(buf, growth_keeps_content)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < 100000; i++) {
        buf_byte(&b, (uint8_t)(i * 7));
        cr_assert_geq(b.cap, b.len);
    }
    cr_assert_eq(b.rc, 0);
    cr_assert_eq(b.len, 100000);
    cr_assert_eq(b.cap & (b.cap - 1), 0, "capacity %zu is not a power of two", b.cap);
    for (size_t i = 0; i < 100000; i++)
        cr_assert_eq(b.data[i], (uint8_t)(i * 7), "byte %zu", i);
    /* clear keeps the memory */
    size_t cap = b.cap;
    uint8_t *data = b.data;
    buf_clear(&b);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, cap);
    cr_assert_eq(b.data, data);
    cr_assert_eq(buf_reserve(&b, cap), 0);
    cr_assert_eq(b.data, data); /* no reallocation when it fits */
    buf_free(&b);
}

Test(buf, shrink_gives_back_room_past_the_length)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < 300000; i++)
        buf_byte(&b, (uint8_t)(i * 13));
    size_t grown = b.cap;
    b.len = 1000;
    buf_shrink(&b, 4096);
    cr_assert_eq(b.cap, 4096);
    buf_shrink(&b, 10);
    cr_assert_eq(b.cap, 1000, "never below the length");
    buf_shrink(&b, grown);
    cr_assert_eq(b.cap, 1000, "a larger capacity is no shrink");
    for (size_t i = 0; i < 1000; i++)
        cr_assert_eq(b.data[i], (uint8_t)(i * 13), "byte %zu", i);
    buf_byte(&b, 1);
    cr_assert_eq(b.len, 1001);
    cr_assert_eq(b.rc, 0);
    buf_free(&b);
    buf_shrink(&b, 0); /* an empty buffer stays empty */
    cr_assert_null(b.data);
}

Test(buf, errors_are_sticky)
{
    buf b = BUF_INIT;
    buf_str(&b, "ok");
    cr_assert_eq(buf_reserve(&b, SIZE_MAX), CARI_ELIMIT);
    cr_assert_eq(b.rc, CARI_ELIMIT);
    /* later appends do nothing, even small ones */
    buf_str(&b, "more");
    buf_byte(&b, 'x');
    buf_u32(&b, 1);
    buf_u64(&b, 1);
    buf_varint(&b, 1);
    buf_zeros(&b, 4);
    cr_assert_eq(b.len, 2);
    cr_assert_eq(memcmp(b.data, "ok", 2), 0);
    cr_assert_eq(buf_reserve(&b, 1), CARI_ELIMIT);
    cr_assert_null(buf_cstr(&b));
    /* buf_free resets the error */
    buf_free(&b);
    cr_assert_eq(b.rc, 0);
    buf_str(&b, "fresh");
    expect_bytes(&b, "fresh", 5);
    buf_free(&b);
}

Test(array, reserve_doubles_from_sixteen)
{
    uint32_t *data = NULL;
    size_t cap = 0;
    cr_assert_eq(array_reserve((void **)&data, &cap, 0, sizeof *data), 0);
    cr_assert_eq(cap, 0);
    cr_assert_null(data);
    cr_assert_eq(array_reserve((void **)&data, &cap, 1, sizeof *data), 0);
    cr_assert_eq(cap, 16);
    cr_assert_not_null(data);
    for (uint32_t i = 0; i < 16; i++)
        data[i] = i * 3;
    uint32_t *before = data;
    cr_assert_eq(array_reserve((void **)&data, &cap, 16, sizeof *data), 0);
    cr_assert_eq(cap, 16);
    cr_assert_eq(data, before);
    cr_assert_eq(array_reserve((void **)&data, &cap, 17, sizeof *data), 0);
    cr_assert_eq(cap, 32);
    cr_assert_eq(array_reserve((void **)&data, &cap, 100, sizeof *data), 0);
    cr_assert_eq(cap, 128);
    for (uint32_t i = 0; i < 16; i++)
        cr_assert_eq(data[i], i * 3, "element %u lost", i);
    data[127] = 7; /* the whole capacity is usable */
    cr_assert_eq(array_reserve((void **)&data, &cap, 1000, sizeof *data), 0);
    cr_assert_eq(cap, 1024);
    cr_assert_eq(data[127], 7);
    free(data);
}

Test(array, reserve_rejects_impossible_sizes)
{
    uint64_t *data = NULL;
    size_t cap = 0;
    cr_assert_eq(array_reserve((void **)&data, &cap, 4, sizeof *data), 0);
    uint64_t *before = data;
    data[0] = 42;
    cr_assert_eq(array_reserve((void **)&data, &cap, SIZE_MAX / 4, sizeof *data), CARI_ELIMIT);
    cr_assert_eq(cap, 16);
    cr_assert_eq(data, before);
    cr_assert_eq(data[0], 42);
    cr_assert_eq(array_reserve((void **)&data, &cap, SIZE_MAX, 1), CARI_ELIMIT);
    cr_assert_eq(cap, 16);
    free(data);
}
