/* PFor blocks (core/pfor.h): the width chosen by exact byte cost, the bytes of
 * the exception area, round trips through every unpacker, rejection of what
 * cannot be decoded in bounds, and the area's patch on its own. */
#include <criterion/criterion.h>

#include <string.h>

#include "core/pfor.h"

/* Larger than any block (512 bytes packed at 32 bits, or an area of 128). */
enum { ROOM = 1024 };

/* Encodes at `width`, decodes with every unpacker this CPU runs and checks
 * the values and that exactly `size` bytes were read. */
static void round_trip(const uint32_t *in, uint8_t width, size_t size)
{
    static const enum bitpack_isa isas[] = { BITPACK_SCALAR, BITPACK_SSE2, BITPACK_AVX2 };
    uint8_t bytes[ROOM];
    memset(bytes, 0xAA, sizeof bytes);
    pfor_encode(in, width, bytes);
    for (size_t a = 0; a < sizeof isas / sizeof *isas; a++) {
        bitpack_unpack_fn *fn = bitpack_unpacker_for(isas[a]);
        if (fn == NULL)
            continue;
        for (int far = 0; far < 2; far++) { /* nothing readable past the end, or more */
            uint32_t out[BITPACK_BLOCK];
            memset(out, 0x55, sizeof out);
            const uint8_t *readable = far ? bytes + ROOM : bytes + size;
            const uint8_t *end = pfor_decode(fn, bytes, bytes + size, readable, width, out);
            cr_assert_eq(end, bytes + size, "isa %zu width 0x%02x: %td bytes read, want %zu", a,
                         width, end == NULL ? -1 : end - bytes, size);
            for (unsigned i = 0; i < BITPACK_BLOCK; i++)
                cr_assert_eq(out[i], in[i], "isa %zu width 0x%02x value %u: %u, want %u", a, width,
                             i, out[i], in[i]);
            if (size > 0) /* one byte short does not decode */
                cr_assert_null(pfor_decode(fn, bytes, bytes + size - 1, readable, width, out));
        }
    }
}

static void choose_and_round_trip(const uint32_t *in, uint8_t want_width, size_t want_size)
{
    size_t size;
    uint8_t width = pfor_choose(in, &size);
    cr_assert_eq(width, want_width, "width 0x%02x, want 0x%02x", width, want_width);
    cr_assert_eq(size, want_size, "size %zu, want %zu", size, want_size);
    round_trip(in, width, size);
}

Test(pfor, no_exceptions_when_the_values_are_alike)
{
    uint32_t in[BITPACK_BLOCK];
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        in[i] = i % 8; /* all of 3 bits */
    choose_and_round_trip(in, 3, 48);
    memset(in, 0, sizeof in);
    choose_and_round_trip(in, 0, 0); /* nothing at all */
}

/* One doc of tf 40 among tf 1: a base of 0 and one exception, 4 bytes where
 * the block's width would take 96. */
Test(pfor, one_large_value_is_one_exception_with_known_bytes)
{
    uint32_t in[BITPACK_BLOCK] = { 0 };
    in[5] = 39;
    size_t size;
    uint8_t width = pfor_choose(in, &size);
    cr_assert_eq(width, PFOR_PATCHED | 0);
    cr_assert_eq(size, 4);
    uint8_t bytes[ROOM];
    pfor_encode(in, width, bytes);
    const uint8_t want[] = { 1, 6, 5, 39 }; /* count, high width, index, high part */
    cr_assert_arr_eq(bytes, want, sizeof want);
    round_trip(in, width, size);
}

/* Values of 1 bit but a few of 10: base 1, the high parts of 9 bits packed
 * least significant bit first after the indexes. */
Test(pfor, high_parts_are_bit_packed_after_the_indexes)
{
    uint32_t in[BITPACK_BLOCK];
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        in[i] = i & 1;
    in[0] = 0x3FF, in[64] = 0x201, in[127] = 0x2FE; /* high parts 0x1FF, 0x100, 0x17F */
    size_t size;
    uint8_t width = pfor_choose(in, &size);
    cr_assert_eq(width, PFOR_PATCHED | 1);
    cr_assert_eq(size, 16 + 2 + 3 + 4); /* 27 high bits: 4 bytes */
    uint8_t bytes[ROOM];
    pfor_encode(in, width, bytes);
    const uint8_t want[] = { 3, 9, 0, 64, 127, 0xFF, 0x01, 0xFE, 0x05 };
    cr_assert_arr_eq(bytes + 16, want, sizeof want);
    round_trip(in, width, size);
}

Test(pfor, width_32_values)
{
    uint32_t in[BITPACK_BLOCK] = { 0 };
    in[77] = 0xFFFFFFFFu; /* one exception of 32 high bits over a base of 0 */
    choose_and_round_trip(in, PFOR_PATCHED | 0, 2 + 1 + 4);
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        in[i] = 0x80000000u | i * 2654435761u;
    choose_and_round_trip(in, 32, 512); /* all wide: packed at 32 */
    in[3] = 1; /* a narrow one among them changes nothing */
    choose_and_round_trip(in, 32, 512);
}

/* The encoder writes any width byte; one whose base every value exceeds makes
 * 128 exceptions, which decode as well. */
Test(pfor, all_exceptions)
{
    uint32_t in[BITPACK_BLOCK];
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        in[i] = 0x100 | (i * 7 & 0xFF); /* 9 bits, the top one in every value */
    round_trip(in, PFOR_PATCHED | 8, 16 * 8 + 2 + 128 + 16);
    round_trip(in, PFOR_PATCHED | 0, 2 + 128 + 128 * 9 / 8);
    size_t size;
    cr_assert_eq(pfor_choose(in, &size), 9, "no exceptions are cheaper here");
}

/* A base costs its bytes plus one per exception: n ones over base 0 take
 * 2 + n + ceil(n / 8) bytes, against 16 packed at 1. Six cost 15 + 6 and
 * stay exceptions; seven cost 10 + 7, more than 16, and are packed, though
 * they would be the fewer bytes as exceptions. */
Test(pfor, an_exception_is_charged_a_byte)
{
    uint32_t in[BITPACK_BLOCK] = { 0 };
    for (unsigned i = 0; i < 6; i++)
        in[i * 10] = 1;
    choose_and_round_trip(in, PFOR_PATCHED | 0, 9);
    in[5] = 1;
    choose_and_round_trip(in, 1, 16);
    round_trip(in, PFOR_PATCHED | 0, 10);
}

/* Of two bases of equal cost the wider, which has fewer exceptions to patch:
 * seven ones and two threes cost 14 + 9 over base 0 and 21 + 2 over base 1
 * (the threes' high bits); with one three, base 0 is cheaper, 12 + 8
 * against 20 + 1. */
Test(pfor, a_tie_keeps_the_wider_base)
{
    uint32_t in[BITPACK_BLOCK] = { 0 };
    for (unsigned i = 0; i < 7; i++)
        in[i * 10] = 1;
    in[3] = 3, in[33] = 3;
    choose_and_round_trip(in, PFOR_PATCHED | 1, 21);
    round_trip(in, PFOR_PATCHED | 0, 14);
    in[33] = 0;
    choose_and_round_trip(in, PFOR_PATCHED | 0, 12);
}

/* Random blocks of mixed widths: whatever is chosen decodes to the values in
 * the bytes chosen, and costs no more than plain packing at the widest. */
Test(pfor, random_blocks_round_trip)
{
    uint64_t x = 88172645463325252ull;
    for (int t = 0; t < 2000; t++) {
        uint32_t in[BITPACK_BLOCK], all = 0;
        unsigned wide = (unsigned)(t % 33), narrow = (unsigned)(t / 33 % 8), every = 1 + t % 40;
        for (unsigned i = 0; i < BITPACK_BLOCK; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            unsigned bits = i % every == 0 ? wide : narrow;
            in[i] = bits == 0 ? 0 : (uint32_t)(x >> 11) >> (32 - bits);
            all |= in[i];
        }
        size_t size;
        uint8_t width = pfor_choose(in, &size);
        cr_assert_leq(size, bitpack_size(all == 0 ? 0 : 32 - (unsigned)__builtin_clz(all)));
        round_trip(in, width, size);
    }
}

/* Every count of exceptions, with high parts of 1 to 8 bits (8 to a load, the
 * last load cut short: the slots after the last exception must change no
 * value) and wider, at bases 0, 3 and 20; nothing or plenty readable after. */
Test(pfor, every_exception_count_and_high_width)
{
    static const unsigned bases[] = { 0, 3, 20 };
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t k = 0; k < sizeof bases / sizeof *bases; k++) {
        unsigned b = bases[k];
        for (unsigned h = 1; h <= 32 - b; h = h < 10 || h == 32 - b ? h + 1 : h + 5 < 32 - b ? h + 5 : 32 - b) {
            for (unsigned n = 1; n <= BITPACK_BLOCK; n += n < 40 ? 1 : 7) {
                uint32_t in[BITPACK_BLOCK];
                for (unsigned i = 0; i < BITPACK_BLOCK; i++) {
                    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                    in[i] = b == 0 ? 0 : (uint32_t)x & ((1u << b) - 1);
                }
                uint64_t top = ((uint64_t)1 << h) - 1;
                for (unsigned e = 0; e < n; e++) { /* 37 is prime to 128: n distinct places */
                    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                    uint64_t high = e == 0 ? top : 1 + (x >> 20) % top;
                    in[(e * 37 + n) % BITPACK_BLOCK] |= (uint32_t)(high << b);
                }
                size_t size = bitpack_size(b) + PFOR_AREA_HEADER + n + (n * h + 7) / 8;
                round_trip(in, (uint8_t)(b | PFOR_PATCHED), size);
            }
        }
    }
}

/* Decodes `len` bytes of `area` at `width`, nothing readable past them. */
static const uint8_t *decode_area(const uint8_t *area, size_t len, uint8_t width)
{
    uint32_t out[BITPACK_BLOCK];
    return pfor_decode(bitpack_unpack128, area, area + len, area + len, width, out);
}

/* What cannot be decoded in bounds is refused; an area only the encoder
 * would not write decodes (verify compares it with the encoder's bytes). */
Test(pfor, damaged_areas)
{
    const uint8_t good[] = { 1, 6, 5, 39 };
    cr_assert_eq(decode_area(good, 4, 0x80), good + 4);
    const uint8_t zero_count[] = { 0, 6, 5, 39 }, no_high_width[] = { 1, 0, 5, 39 },
                  past_32[] = { 1, 33, 5, 39, 0, 0, 0, 0 }, many[] = { 129, 1, 5, 39 };
    cr_assert_null(decode_area(zero_count, 4, 0x80));
    cr_assert_null(decode_area(no_high_width, 4, 0x80));
    cr_assert_null(decode_area(past_32, 8, 0x80));
    cr_assert_null(decode_area(many, 4, 0x80));
    cr_assert_null(decode_area(good, 3, 0x80), "the area is longer than the bytes");
    cr_assert_null(decode_area(good, 1, 0x80));
    cr_assert_null(decode_area(good, 4, 0x40), "bit 6 of the width byte");
    cr_assert_null(decode_area(good, 4, 33), "a base above 32");
    uint8_t big[600] = { 0 };
    cr_assert_eq(decode_area(big, 512, 32), big + 512);
    big[512] = 1, big[513] = 1, big[514] = 0, big[515] = 1;
    cr_assert_null(decode_area(big, 516, 0x80 | 32), "a base of 32 leaves no high bits");

    /* decodable, not the encoder's: an index masked to the block, a zero high part */
    uint32_t out[BITPACK_BLOCK];
    const uint8_t index_out[] = { 1, 6, 128 + 5, 39 }, zero_high[] = { 1, 6, 5, 0 },
                  same[] = { 2, 6, 5, 5, 0x67, 0x02 }; /* high parts 39, 9 */
    cr_assert_eq(pfor_decode(bitpack_unpack128, index_out, index_out + 4, index_out + 4, 0x80, out),
                 index_out + 4);
    cr_assert_eq(out[5], 39);
    cr_assert_eq(pfor_decode(bitpack_unpack128, zero_high, zero_high + 4, zero_high + 4, 0x80, out),
                 zero_high + 4);
    cr_assert_eq(out[5], 0);
    cr_assert_eq(pfor_decode(bitpack_unpack128, same, same + 6, same + 6, 0x80, out), same + 6);
    cr_assert_eq(out[5], 39 + 9, "a repeated index adds both (39 | 9 is 47)");
}

/* The area added to any values: each high part shifted by the base, the sum
 * of what was added, and the bound every decoder's overflow checks use. */
Test(pfor, area_add_returns_the_sum_it_added)
{
    uint32_t in[BITPACK_BLOCK];
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        in[i] = i % 4; /* base 2 */
    in[3] |= 5u << 2, in[40] |= 1u << 2, in[127] |= 7u << 2;
    uint8_t bytes[ROOM];
    const uint8_t width = PFOR_PATCHED | 2;
    pfor_encode(in, width, bytes);
    struct pfor_area area;
    const uint8_t *end = pfor_parse(bytes, bytes + ROOM, width, &area);
    cr_assert_eq(end, bytes + 32 + 2 + 3 + 2, "3 exceptions of 3 bits: 2 bytes");
    cr_assert_eq(area.n, 3);
    cr_assert_eq(area.high_bits, 3);
    uint32_t ones[BITPACK_BLOCK];
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        ones[i] = 1;
    cr_assert_eq(pfor_area_add(&area, 2, bytes + ROOM, ones), (5u + 1 + 7) << 2);
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        cr_assert_eq(ones[i], 1 + (in[i] >> 2 << 2), "value %u", i);
    cr_assert_eq(pfor_area_bound(&area, 2), 3 * (7u << 2));
    struct pfor_area none;
    cr_assert_eq(pfor_parse(bytes, bytes + ROOM, 2, &none), bytes + 32);
    cr_assert_eq(none.n, 0);
    cr_assert_eq(pfor_area_bound(&none, 2), 0);
    cr_assert_eq(pfor_area_add(&none, 2, bytes + ROOM, ones), 0);
}
