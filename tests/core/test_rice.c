/* The Rice code of POSITIONS: round trips at the edges (0, the largest u32,
 * k 0 and 31, groups of 1, 128 and 129 values), the layout of FORMAT.md byte
 * for byte, jumps over groups, and damage reported instead of misread. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "core/rice.h"

static buf encode(const uint32_t *v, size_t n)
{
    buf b = BUF_INIT;
    rice_encode(&b, v, n);
    cr_assert_eq(b.rc, 0);
    return b;
}

/* Encodes v[0..n), checks rice_size, decodes the bytes (with one byte of
 * garbage after them) and checks the values and the run's end. */
static void assert_round_trip(const uint32_t *v, size_t n)
{
    buf b = encode(v, n);
    cr_assert_eq(rice_size(v, n), b.len, "rice_size of %zu values", n);
    uint8_t *copy = malloc(b.len + 1);
    memcpy(copy, b.data, b.len);
    copy[b.len] = 0xFF; /* the next run's bytes must not be taken */
    rice_reader r;
    rice_start(&r, copy, copy + b.len + 1, n);
    for (size_t i = 0; i < n; i++) {
        uint32_t x;
        cr_assert_eq(rice_next(&r, &x), 0, "value %zu of %zu", i, n);
        cr_assert_eq(x, v[i], "value %zu of %zu: %u, want %u", i, n, x, v[i]);
    }
    uint32_t x;
    cr_assert_eq(rice_run_end(&r), copy + b.len, "n %zu", n);
    cr_assert_eq(rice_next(&r, &x), -1, "no value after the last");
    /* the same, all at once */
    uint32_t *all = malloc((n + 1) * sizeof *all);
    rice_start(&r, copy, copy + b.len + 1, n);
    cr_assert_eq(rice_read(&r, all, (uint32_t)n), 0);
    cr_assert(n == 0 || memcmp(all, v, n * sizeof *v) == 0, "rice_read of %zu", n);
    cr_assert_eq(rice_run_end(&r), copy + b.len);
    cr_assert_eq(rice_read(&r, all, 1), -1);
    free(all);
    free(copy);
    buf_free(&b);
}

Test(rice, empty_run_is_no_bytes)
{
    buf b = encode(NULL, 0);
    cr_assert_eq(b.len, 0);
    rice_reader r;
    rice_start(&r, b.data, b.data, 0);
    cr_assert_eq(rice_run_end(&r), b.data);
    buf_free(&b);
}

Test(rice, one_group_byte_for_byte)
{
    /* 1, 2, 3 as 1, 0, 0 with k 0: bits 01 1 1 (lowest first) = 0x0E */
    static const uint32_t v[] = { 1, 0, 0 };
    buf b = encode(v, 3);
    cr_assert_eq(b.len, 2);
    cr_assert_eq(b.data[0], 0);
    cr_assert_eq(b.data[1], 0x0E);
    buf_free(&b);
    /* 5, 6 with k 2: the low parts first, 01 (bits 1, 0) and 10 (bits 0, 1),
     * then the quotients, 1 and 1 (bits 0, 1 each): bits 0..7 are 1001 0101,
     * the byte 0xA9 */
    static const uint32_t w[] = { 5, 6 };
    b = encode(w, 2);
    cr_assert_eq(b.len, 2);
    cr_assert_eq(b.data[0], 2, "k %u", b.data[0]);
    cr_assert_eq(b.data[1], 0xA9, "bits %#x", b.data[1]);
    buf_free(&b);
}

Test(rice, edge_values)
{
    static const uint32_t zeros[] = { 0, 0, 0, 0, 0 };
    assert_round_trip(zeros, 5);
    buf b = encode(zeros, 5);
    cr_assert_eq(b.data[0], 0, "k 0 for zeros");
    cr_assert_eq(b.len, 2, "one bit each");
    buf_free(&b);
    static const uint32_t huge[] = { UINT32_MAX, UINT32_MAX - 1, 1u << 31 };
    assert_round_trip(huge, 3);
    b = encode(huge, 3);
    cr_assert_eq(b.data[0], 31, "the largest k");
    buf_free(&b);
    /* a huge value among small ones: k stays small, its quotient is long */
    uint32_t mixed[100];
    for (int i = 0; i < 100; i++)
        mixed[i] = (uint32_t)i % 3;
    mixed[50] = 100000;
    assert_round_trip(mixed, 100);
    static const uint32_t one[] = { 4000000000u };
    assert_round_trip(one, 1);
}

Test(rice, groups_of_1_128_129_and_more)
{
    uint32_t v[400];
    for (int i = 0; i < 400; i++)
        v[i] = (uint32_t)(i * 37 % 1000) + (i >= 128 && i < 256 ? 50000 : 0);
    size_t sizes[] = { 1, 127, 128, 129, 256, 257, 400 };
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        assert_round_trip(v, sizes[s]);
    /* 129 values: a group of 128 with its length, then one of 1 without */
    buf b = encode(v, 129);
    const uint8_t *p = b.data + 1;
    uint64_t len;
    cr_assert_eq(varint_get64(&p, b.data + b.len, &len), 0);
    cr_assert_lt(p + len, b.data + b.len, "k, length, bits; then the last group");
    cr_assert_eq(p[len], rice_best_k(v + 128, 1), "its k");
    rice_reader r;
    uint32_t x;
    rice_start(&r, p + len, b.data + b.len, 1); /* the last group alone, without a length */
    cr_assert(rice_next(&r, &x) == 0 && x == v[128]);
    cr_assert_eq(rice_run_end(&r), b.data + b.len);
    buf_free(&b);
}

Test(rice, skip_jumps_to_any_value)
{
    uint32_t v[700];
    for (int i = 0; i < 700; i++)
        v[i] = (uint32_t)(i * 7919 % 4096);
    buf b = encode(v, 700);
    size_t targets[] = { 0, 1, 127, 128, 129, 255, 256, 383, 600, 699 };
    for (size_t t = 0; t < sizeof targets / sizeof *targets; t++) {
        for (size_t first = 0; first <= targets[t]; first += targets[t] / 3 + 1) {
            rice_reader r;
            rice_start(&r, b.data, b.data + b.len, 700);
            uint32_t x;
            cr_assert_eq(rice_skip(&r, first), 0);
            for (size_t i = first; i < targets[t] && i < first + 5; i++) /* some read, */
                cr_assert(rice_next(&r, &x) == 0 && x == v[i]);
            size_t at = targets[t] < first + 5 ? (targets[t] > first ? targets[t] : first) : first + 5;
            cr_assert_eq(rice_skip(&r, targets[t] > at ? targets[t] - at : 0), 0); /* the rest skipped */
            cr_assert_eq(rice_next(&r, &x), 0);
            cr_assert_eq(x, v[targets[t] > at ? targets[t] : at], "target %zu from %zu", targets[t], first);
        }
    }
    rice_reader r;
    rice_start(&r, b.data, b.data + b.len, 700);
    cr_assert_eq(rice_skip(&r, 701), -1, "past the run");
    buf_free(&b);
}

Test(rice, best_k_is_the_cheapest)
{
    uint32_t v[128];
    for (int i = 0; i < 128; i++)
        v[i] = (uint32_t)(i * 13 % 200);
    unsigned k = rice_best_k(v, 128);
    uint64_t best = UINT64_MAX;
    unsigned want = 0;
    for (unsigned j = 0; j <= RICE_MAX_K; j++) {
        uint64_t cost = 128 * (1 + j);
        for (int i = 0; i < 128; i++)
            cost += v[i] >> j;
        if (cost < best)
            best = cost, want = j;
    }
    cr_assert_eq(k, want);
    static const uint32_t zero[] = { 0 };
    cr_assert_eq(rice_best_k(zero, 1), 0);
}

Test(rice, damage_is_reported)
{
    uint32_t v[200];
    for (int i = 0; i < 200; i++)
        v[i] = (uint32_t)i;
    buf b = encode(v, 200);
    uint8_t *copy = malloc(b.len);
    rice_reader r;
    uint32_t x;

    memcpy(copy, b.data, b.len);
    copy[0] = 32; /* k beyond 31 */
    rice_start(&r, copy, copy + b.len, 200);
    cr_assert_eq(rice_next(&r, &x), -1);

    memcpy(copy, b.data, b.len);
    copy[1] = 0xFF; /* a group length beyond the bytes */
    copy[2] = 0x7F;
    rice_start(&r, copy, copy + b.len, 200);
    cr_assert_eq(rice_next(&r, &x), -1);

    /* a group that does not end at its length: found when the next one starts */
    memcpy(copy, b.data, b.len);
    copy[1]++;
    rice_start(&r, copy, copy + b.len, 200);
    int failed = 0;
    for (int i = 0; i < 200 && !failed; i++)
        failed = rice_next(&r, &x) != 0;
    cr_assert(failed);

    /* cut short: the last value cannot be read */
    rice_start(&r, b.data, b.data + b.len - 1, 200);
    failed = 0;
    for (int i = 0; i < 200 && !failed; i++)
        failed = rice_next(&r, &x) != 0;
    cr_assert(failed);

    /* all zero bits: a quotient that never ends */
    memset(copy, 0, b.len);
    rice_start(&r, copy, copy + b.len, 1);
    cr_assert_eq(rice_next(&r, &x), -1);

    /* a quotient too large for 32 bits with k 31 */
    /* k 31: the low part is bits 0..30 (4), the quotient starts at bit 31 */
    static const uint8_t big[] = { 31, 0x04, 0, 0, 0, 0x02 }; /* q 2 */
    rice_start(&r, big, big + sizeof big, 1);
    cr_assert_eq(rice_next(&r, &x), -1);
    static const uint8_t fits[] = { 31, 0x04, 0, 0, 0, 0x01 }; /* q 1 */
    rice_start(&r, fits, fits + sizeof fits, 1);
    cr_assert_eq(rice_next(&r, &x), 0);
    cr_assert_eq(x, 0x80000004u);
    cr_assert_eq(rice_run_end(&r), fits + sizeof fits);

    /* non-zero padding after the last value */
    static const uint32_t one[] = { 0 };
    buf c = encode(one, 1);
    c.data[1] |= 0x80;
    rice_start(&r, c.data, c.data + c.len, 1);
    cr_assert_eq(rice_next(&r, &x), 0);
    cr_assert_null(rice_run_end(&r));
    buf_free(&c);
    free(copy);
    buf_free(&b);
}
