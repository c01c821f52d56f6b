/* bitpack.c - the portable path of the SIMD-BP128 layout. Value i lives in lane
 * i % 4; each lane is a little-endian bit stream of 32-bit words, and word w of
 * lane l sits at u32 index 4w + l, which is what lets a SIMD decoder unpack the
 * four lanes with one 128-bit load per word. */
#include "core/bitpack.h"

#include "core/endian.h"

unsigned bitpack_width(const uint32_t *in, size_t n)
{
    uint32_t all = 0;
    for (size_t i = 0; i < n; i++)
        all |= in[i];
    return all == 0 ? 0 : 32 - (unsigned)__builtin_clz(all);
}

static inline uint64_t low_mask(unsigned bits)
{
    return bits >= 32 ? 0xFFFFFFFFu : (((uint64_t)1 << bits) - 1);
}

void bitpack_pack128(const uint32_t *in, unsigned bits, uint8_t *out)
{
    if (bits == 0)
        return;
    uint64_t mask = low_mask(bits);
    for (unsigned lane = 0; lane < 4; lane++) {
        uint64_t acc = 0;
        unsigned fill = 0, word = 0;
        for (unsigned k = 0; k < 32; k++) {
            acc |= ((uint64_t)in[4 * k + lane] & mask) << fill;
            fill += bits;
            if (fill >= 32) {
                le32_store(out + 4 * (4 * word + lane), (uint32_t)acc);
                word++;
                acc >>= 32;
                fill -= 32;
            }
        }
    }
}

void bitpack_unpack128(const uint8_t *in, unsigned bits, uint32_t *out)
{
    if (bits == 0) {
        for (unsigned i = 0; i < BITPACK_BLOCK; i++)
            out[i] = 0;
        return;
    }
    uint64_t mask = low_mask(bits);
    for (unsigned lane = 0; lane < 4; lane++) {
        uint64_t acc = 0;
        unsigned have = 0, word = 0;
        for (unsigned k = 0; k < 32; k++) {
            if (have < bits) {
                acc |= (uint64_t)le32_load(in + 4 * (4 * word + lane)) << have;
                word++;
                have += 32;
            }
            out[4 * k + lane] = (uint32_t)(acc & mask);
            acc >>= bits;
            have -= bits;
        }
    }
}
