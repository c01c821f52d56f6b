/* Bit packing of 128-value blocks in the 4-lane vertical layout. */
#include <criterion/criterion.h>

#include <string.h>

#include "core/bitpack.h"

static uint64_t xorshift_state;

static uint32_t xorshift32(void)
{
    uint64_t x = xorshift_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    xorshift_state = x;
    return (uint32_t)(x >> 16);
}

static uint32_t low_bits(unsigned bits) { return bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1; }

Test(bitpack, sizes)
{
    cr_assert_eq(bitpack_size(0), 0);
    cr_assert_eq(bitpack_size(1), 16);
    cr_assert_eq(bitpack_size(7), 112);
    cr_assert_eq(bitpack_size(32), 512);
}

Test(bitpack, width)
{
    uint32_t zeros[3] = { 0, 0, 0 };
    cr_assert_eq(bitpack_width(zeros, 0), 0);
    cr_assert_eq(bitpack_width(zeros, 3), 0);
    uint32_t one[] = { 0, 1, 0 };
    cr_assert_eq(bitpack_width(one, 3), 1);
    uint32_t mixed[] = { 5, 3 };
    cr_assert_eq(bitpack_width(mixed, 2), 3);
    uint32_t nine[] = { 255, 256 };
    cr_assert_eq(bitpack_width(nine, 2), 9);
    cr_assert_eq(bitpack_width(nine, 1), 8);
    uint32_t top[] = { 0x80000000u };
    cr_assert_eq(bitpack_width(top, 1), 32);
    uint32_t all[] = { UINT32_MAX };
    cr_assert_eq(bitpack_width(all, 1), 32);
    for (unsigned b = 1; b <= 32; b++) {
        uint32_t v[BITPACK_BLOCK] = { 0 };
        v[b * 3 % BITPACK_BLOCK] = 1u << (b - 1);
        cr_assert_eq(bitpack_width(v, BITPACK_BLOCK), b);
        v[0] |= low_bits(b); /* the largest value of that width */
        cr_assert_eq(bitpack_width(v, BITPACK_BLOCK), b);
    }
}

Test(bitpack, round_trip_at_every_width)
{
    xorshift_state = 0x9E3779B97F4A7C15ull;
    for (unsigned bits = 0; bits <= 32; bits++) {
        for (int round = 0; round < 20; round++) {
            uint32_t in[BITPACK_BLOCK], out[BITPACK_BLOCK];
            uint8_t packed[512 + 16];
            for (unsigned i = 0; i < BITPACK_BLOCK; i++)
                in[i] = xorshift32() & low_bits(bits);
            if (round == 0 && bits > 0)
                in[77] = low_bits(bits); /* the largest value once at least */
            memset(packed, 0xA5, sizeof packed);
            memset(out, 0xA5, sizeof out);
            bitpack_pack128(in, bits, packed);
            /* nothing written past the block */
            for (size_t i = bitpack_size(bits); i < sizeof packed; i++)
                cr_assert_eq(packed[i], 0xA5, "bits %u: byte %zu written", bits, i);
            bitpack_unpack128(packed, bits, out);
            for (unsigned i = 0; i < BITPACK_BLOCK; i++)
                cr_assert_eq(out[i], in[i], "bits %u round %d value %u: %u != %u", bits, round, i,
                             out[i], in[i]);
            cr_assert_leq(bitpack_width(in, BITPACK_BLOCK), bits);
        }
    }
}

Test(bitpack, width_zero_unpacks_zeros)
{
    uint32_t out[BITPACK_BLOCK];
    memset(out, 0xFF, sizeof out);
    uint8_t none = 0xEE;
    bitpack_unpack128(&none, 0, out);
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        cr_assert_eq(out[i], 0);
}

static uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* values 0..127 at 7 bits: value i in lane i % 4, lanes interleaved per 32-bit word */
Test(bitpack, layout_of_a_known_block)
{
    uint32_t in[BITPACK_BLOCK];
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        in[i] = i;
    cr_assert_eq(bitpack_width(in, BITPACK_BLOCK), 7);
    uint8_t out[112];
    bitpack_pack128(in, 7, out);

    /* lane 0, word 0 (u32 index 0): values 0, 4, 8, 12 at bits 0, 7, 14, 21 and
     * the low 4 bits of 16 (zero) at bit 28 -> 0x01820200 */
    const uint8_t w0[] = { 0x00, 0x02, 0x82, 0x01 };
    cr_assert_eq(memcmp(out + 0, w0, 4), 0);
    /* lane 1, word 0 (u32 index 1): 1 | 5<<7 | 9<<14 | 13<<21 | (17 & 15)<<28 = 0x11A24281 */
    const uint8_t w1[] = { 0x81, 0x42, 0xA2, 0x11 };
    cr_assert_eq(memcmp(out + 4, w1, 4), 0);
    /* lane 0, word 1 (u32 index 4): 16>>4 | 20<<3 | 24<<10 | 28<<17 | 32<<24 | (36&1)<<31 = 0x203860A1 */
    const uint8_t w4[] = { 0xA1, 0x60, 0x38, 0x20 };
    cr_assert_eq(memcmp(out + 16, w4, 4), 0);
    /* lane 3, word 6 (u32 index 27, the last): 111>>3 | 115<<4 | 119<<11 | 123<<18 | 127<<25
     * = 0xFFEFBF3D */
    const uint8_t w27[] = { 0x3D, 0xBF, 0xEF, 0xFF };
    cr_assert_eq(memcmp(out + 108, w27, 4), 0);

    /* every value from the layout rule, read back bit by bit */
    for (unsigned i = 0; i < BITPACK_BLOCK; i++) {
        unsigned lane = i % 4, k = i / 4;
        uint32_t v = 0;
        for (unsigned bit = 0; bit < 7; bit++) {
            unsigned pos = 7 * k + bit, word = pos / 32;
            uint32_t w = le32_at(out + 4 * (4 * word + lane));
            v |= ((w >> (pos % 32)) & 1u) << bit;
        }
        cr_assert_eq(v, i, "value %u read back as %u", i, v);
    }
}

Test(bitpack, layout_at_width_one_and_thirty_two)
{
    /* width 1: bit k of the lane-l word is value 4k + l */
    uint32_t in[BITPACK_BLOCK] = { 0 };
    in[0] = 1;   /* lane 0 bit 0 */
    in[5] = 1;   /* lane 1 bit 1 */
    in[127] = 1; /* lane 3 bit 31 */
    uint8_t out[16];
    bitpack_pack128(in, 1, out);
    cr_assert_eq(le32_at(out + 0), 0x00000001u);
    cr_assert_eq(le32_at(out + 4), 0x00000002u);
    cr_assert_eq(le32_at(out + 8), 0x00000000u);
    cr_assert_eq(le32_at(out + 12), 0x80000000u);

    /* width 32: value i is the u32 at index 4 * (i / 4) + i % 4 = i */
    uint32_t big[BITPACK_BLOCK];
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        big[i] = 0xDEAD0000u + i;
    uint8_t out32[512];
    bitpack_pack128(big, 32, out32);
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        cr_assert_eq(le32_at(out32 + 4 * i), 0xDEAD0000u + i);
}

/* Every unpacker this CPU runs gives the scalar path's values, at every width,
 * for packed blocks and for arbitrary bytes alike. */
Test(bitpack, simd_paths_agree_with_scalar)
{
    static const enum bitpack_isa isas[] = { BITPACK_SSE2, BITPACK_AVX2 };
    xorshift_state = 0x2545F4914F6CDD1Dull;
    int checked = 0;
    for (size_t a = 0; a < sizeof isas / sizeof isas[0]; a++) {
        bitpack_unpack_fn *fn = bitpack_unpacker_for(isas[a]);
        if (fn == NULL)
            continue;
        checked++;
        for (unsigned bits = 0; bits <= 32; bits++) {
            for (int round = 0; round < 200; round++) {
                uint32_t in[BITPACK_BLOCK], want[BITPACK_BLOCK], got[BITPACK_BLOCK];
                uint8_t packed[512];
                if (round % 2 == 0) {
                    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
                        in[i] = xorshift32() & low_bits(bits);
                    bitpack_pack128(in, bits, packed);
                } else {
                    for (size_t i = 0; i < sizeof packed; i++)
                        packed[i] = (uint8_t)xorshift32();
                }
                memset(got, 0xA5, sizeof got);
                bitpack_unpack128(packed, bits, want);
                fn(packed, bits, got);
                cr_assert_eq(memcmp(got, want, sizeof want), 0, "isa %zu bits %u round %d", a,
                             bits, round);
                if (round % 2 == 0)
                    cr_assert_eq(memcmp(got, in, sizeof in), 0);
            }
        }
    }
#if defined(__x86_64__)
    cr_assert_geq(checked, 1, "x86-64 always has SSE2");
#endif
    cr_assert_not_null(bitpack_unpacker());
    cr_assert_eq(bitpack_unpacker_for(BITPACK_SCALAR), bitpack_unpack128);
}
