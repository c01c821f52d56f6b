/* The code of POSITIONS: the k of a document from its norm and frequency,
 * the layout of FORMAT.md byte for byte (quotients forward, low parts
 * backward from the run's end), round trips of whole blocks read from any
 * document on, the portable and POPCNT skips agreeing, and damage reported
 * instead of misread. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/norms.h"
#include "core/rice.h"

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static buf encode(const uint32_t *v, const uint8_t *k, size_t n)
{
    buf b = BUF_INIT;
    rice_run_encode(&b, v, k, n);
    cr_assert_eq(b.rc, 0);
    cr_assert_eq(rice_run_size(v, k, n), b.len, "rice_run_size of %zu values", n);
    return b;
}

Test(rice, doc_k_from_norm_and_frequency)
{
    for (unsigned n = 0; n < 256; n++) { /* the table, against its formula over the norms */
        uint64_t x = 11 * ((uint64_t)norm_decode((uint8_t)n) + 1) / 16;
        unsigned want = x >= 2 ? 63 - (unsigned)__builtin_clzll(x) : 0;
        cr_assert_eq(rice_norm_k[n], want, "norm %u", n);
        cr_assert_eq(rice_doc_k((uint8_t)n, 1), want);
    }
    cr_assert_eq(rice_doc_k(norm_encode(1000), 1), 9);  /* norm 87: 984 tokens, 11 x 985 / 16 = 677 */
    cr_assert_eq(rice_doc_k(norm_encode(1000), 10), 6); /* less log2(10) = 3 */
    cr_assert_eq(rice_doc_k(norm_encode(1000), 512), 0);
    cr_assert_eq(rice_doc_k(norm_encode(1000), UINT32_MAX), 0);
    cr_assert_eq(rice_doc_k(norm_encode(3), 1), 1);     /* 11 x 4 / 16 = 2 */
    cr_assert_eq(rice_doc_k(norm_encode(2), 1), 1);     /* 11 x 3 / 16 = 2 */
    cr_assert_eq(rice_doc_k(norm_encode(1), 1), 0);
    cr_assert_eq(rice_doc_k(255, 1), 30);
}

Test(rice, empty_run_is_no_bytes)
{
    buf b = encode(NULL, NULL, 0);
    cr_assert_eq(b.len, 0);
    buf_free(&b);
}

Test(rice, one_run_byte_for_byte)
{
    /* 5 at k 2 and 3 at k 1: quotients 1, 1 as bits 0 1 0 1 from bit 0;
     * lows from the end: 5 & 3 = 01 at bits 6..7, 3 & 1 = 1 at bit 5;
     * bit 4 is the zero padding of 7 bits in one byte */
    static const uint32_t v[2] = { 5, 3 };
    static const uint8_t k[2] = { 2, 1 };
    buf b = encode(v, k, 2);
    cr_assert_eq(b.len, 1);
    cr_assert_eq(b.data[0], 0x6A, "0x%02x", b.data[0]);
    rice_run r;
    rice_run_start(&r, b.data, b.data + b.len);
    uint32_t x[2];
    cr_assert_eq(rice_run_read(&r, 0, 2, x, 1), 0);
    cr_assert_eq(rice_run_read(&r, 2, 1, x + 1, 1), 0);
    cr_assert(x[0] == 5 && x[1] == 3);
    cr_assert(rice_run_complete(&r, 3));
    buf_free(&b);
}

/* A block of `ndocs` documents of random lengths and frequencies, encoded;
 * then read from a fresh reader at every document, with either skip. */
static void assert_block_round_trip(uint32_t seed, uint32_t ndocs, uint32_t max_len)
{
    uint32_t *tf = malloc(ndocs * sizeof *tf), *len = malloc(ndocs * sizeof *len);
    uint8_t *norm = malloc(ndocs);
    size_t cap = (size_t)ndocs * 64, n = 0;
    uint32_t *v = malloc(cap * sizeof *v), *out = malloc(cap * sizeof *out);
    uint8_t *k = malloc(cap);
    cr_assert(tf && len && v && out && k);
    for (uint32_t d = 0; d < ndocs; d++) {
        len[d] = next_rand(&seed) % max_len;
        tf[d] = 1 + next_rand(&seed) % (len[d] + 1 < 64 ? len[d] + 1 : 64);
        norm[d] = norm_encode(len[d]);
        unsigned kd = rice_doc_k(norm[d], tf[d]);
        uint32_t room = len[d] + 1 - tf[d]; /* spread over the tf values */
        for (uint32_t j = 0; j < tf[d]; j++, n++) {
            uint32_t x = room > 0 ? next_rand(&seed) % (room + 1) : 0;
            x = j == 0 || next_rand(&seed) % 4 == 0 ? x : x / 8; /* some small gaps */
            room -= x < room ? x : room;
            v[n] = x;
            k[n] = (uint8_t)kd;
        }
    }
    buf b = encode(v, k, n);
    uint8_t *copy = malloc(b.len + 8);
    memcpy(copy, b.data, b.len);
    memset(copy + b.len, 0xFF, 8); /* the next run's bytes must not be taken */
    for (int which = 0; which < 2; which++) {
        rice_skip_fn *skip = which ? rice_skip_popcnt : rice_skip_portable;
        uint64_t before = 0, low = 0;
        for (uint32_t d = 0; d < ndocs; d++) {
            rice_run r;
            rice_run_start(&r, copy, copy + b.len);
            cr_assert_eq(skip(&r, before), 0);
            unsigned kd = rice_doc_k(norm[d], tf[d]);
            cr_assert_eq(rice_run_read(&r, low, kd, out, tf[d]), 0, "doc %u", d);
            cr_assert(memcmp(out, v + before, tf[d] * sizeof *out) == 0, "doc %u", d);
            before += tf[d];
            low += (uint64_t)tf[d] * kd;
        }
        rice_run r; /* all in one pass, then the end */
        rice_run_start(&r, copy, copy + b.len);
        uint64_t at = 0;
        low = 0;
        for (uint32_t d = 0; d < ndocs; d++) {
            unsigned kd = rice_doc_k(norm[d], tf[d]);
            cr_assert_eq(rice_run_read(&r, low, kd, out + at, tf[d]), 0);
            at += tf[d];
            low += (uint64_t)tf[d] * kd;
        }
        cr_assert(memcmp(out, v, n * sizeof *out) == 0);
        cr_assert(rice_run_complete(&r, low));
        cr_assert(!rice_run_complete(&r, low + 8), "more low bits than the run holds");
    }
    free(copy);
    buf_free(&b);
    free(tf), free(len), free(norm), free(v), free(out), free(k);
}

Test(rice, blocks_round_trip_from_any_document)
{
    assert_block_round_trip(1, 1, 10);
    assert_block_round_trip(2, 128, 3);      /* short documents: k 0, dense */
    assert_block_round_trip(3, 128, 2000);
    assert_block_round_trip(4, 77, 200000);  /* long documents: large k */
}

Test(rice, edge_values)
{
    /* the largest u32 at k 31, 0 at 31, and a quotient of 200 zeros at k 0
     * (longer than a 64-bit word) */
    static const uint32_t v[4] = { UINT32_MAX, 0, 200, 0 };
    static const uint8_t k[4] = { 31, 31, 0, 0 };
    buf b = encode(v, k, 4);
    rice_run r;
    rice_run_start(&r, b.data, b.data + b.len);
    uint32_t x[4];
    cr_assert_eq(rice_run_read(&r, 0, 31, x, 2), 0);
    cr_assert_eq(rice_run_read(&r, 62, 0, x + 2, 2), 0);
    cr_assert(memcmp(x, v, sizeof x) == 0);
    cr_assert(rice_run_complete(&r, 62));
    rice_run_start(&r, b.data, b.data + b.len); /* skipping the long quotient */
    cr_assert_eq(rice_skip_portable(&r, 3), 0);
    cr_assert_eq(rice_run_read(&r, 62, 0, x, 1), 0);
    cr_assert_eq(x[0], 0);
    buf_free(&b);
}

/* The two skips from every start over random bits: the same place, the same
 * failure past the last one bit. */
Test(rice, portable_and_popcnt_skips_agree)
{
    uint8_t bytes[300];
    uint32_t seed = 7;
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (uint8_t)(next_rand(&seed) & next_rand(&seed)); /* a quarter of ones */
    bytes[sizeof bytes - 1] = 0;
    for (uint64_t n = 0; n < 700; n += 1 + n / 16) {
        rice_run a, b;
        rice_run_start(&a, bytes, bytes + sizeof bytes);
        rice_run_start(&b, bytes, bytes + sizeof bytes);
        int ra = rice_skip_portable(&a, n), rb = rice_skip_popcnt(&b, n);
        cr_assert_eq(ra, rb, "n %llu", (unsigned long long)n);
        cr_assert_eq(a.quotient, b.quotient, "n %llu", (unsigned long long)n);
    }
    rice_run a, b;
    rice_run_start(&a, bytes, bytes + sizeof bytes);
    rice_run_start(&b, bytes, bytes + sizeof bytes);
    cr_assert_eq(rice_skip_portable(&a, 5000), -1, "more ones than the run holds");
    cr_assert_eq(rice_skip_popcnt(&b, 5000), -1);
    rice_skip_fn *chosen = rice_skipper();
    cr_assert(chosen == rice_skip_portable || chosen == rice_skip_popcnt);
}

Test(rice, damage_is_reported)
{
    static const uint32_t v[3] = { 9, 1, 700 };
    static const uint8_t k[3] = { 3, 3, 3 };
    buf b = encode(v, k, 3);
    rice_run r;
    uint32_t x[3];
    rice_run_start(&r, b.data, b.data + b.len - 2); /* cut short: the last quotient is lost */
    cr_assert_eq(rice_run_read(&r, 0, 3, x, 3), -1);
    uint8_t zeros[16] = { 0 }; /* no one bit: no quotient ends */
    rice_run_start(&r, zeros, zeros + sizeof zeros);
    cr_assert_eq(rice_run_read(&r, 0, 0, x, 1), -1);
    cr_assert_eq(rice_skip_portable(&r, 1), -1);
    rice_run_start(&r, b.data, b.data + b.len); /* low parts past the run's start */
    cr_assert_eq(rice_run_read(&r, 8 * b.len - 2, 3, x, 1), -1);
    cr_assert_eq(rice_run_read(&r, 0, RICE_MAX_K + 1, x, 1), -1, "k above 31");
    uint8_t big[8] = { 0x04, 0, 0, 0, 0, 0, 0, 0 }; /* quotient 2 at k 31: above 2^32 */
    rice_run_start(&r, big, big + sizeof big);
    cr_assert_eq(rice_run_read(&r, 0, 31, x, 1), -1);
    buf c = encode(v, k, 1); /* 9 at k 3: quotient 01, low 001 at bits 5..7, bits 2..4 zero */
    c.data[0] |= 0x04;       /* a one bit in the padding */
    rice_run_start(&r, c.data, c.data + c.len);
    cr_assert_eq(rice_run_read(&r, 0, 3, x, 1), 0);
    cr_assert(!rice_run_complete(&r, 3), "non-zero padding");
    buf_free(&c);
    buf_free(&b);
}
