/* pfor.h - patched frame of reference (PFor) for a block of 128 integers
 * (docs/FORMAT.md, POSTINGS): the values bit-packed at a base width b in the
 * SIMD-BP128 layout, and those wider than b as exceptions that patch their
 * high bits in after the unpack. One large doc gap or frequency then costs its
 * own bits instead of widening all 128. */
#ifndef CARI_CORE_PFOR_H
#define CARI_CORE_PFOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/bitpack.h"

/* The width byte of a block (a skip entry's): bits 0-5 the base width (0 to
 * 32), bit 6 zero, bit 7 set when an exception area follows the packed values. */
enum {
    PFOR_WIDTH_MASK = 0x3F,
    PFOR_PATCHED = 0x80,
    /* The exception area: a count (1 to 128) and the high parts' width (1 to
     * 32 - b) a byte each, then the indexes, then the high parts. */
    PFOR_AREA_HEADER = 2,
};

/* The width byte that codes in[0..128) in the fewest bytes plus one per
 * exception (*size: its bytes alone); of equal costs, the widest base, which
 * has the fewest exceptions. */
uint8_t pfor_choose(const uint32_t *in, size_t *size);

/* Writes in[0..128) coded as `width` (pfor_choose's) to out, which has room
 * for the size pfor_choose gave. */
void pfor_encode(const uint32_t *in, uint8_t width, uint8_t *out);

/* An exception area, once its header and bounds were checked: `n` index
 * bytes, then the high parts, `high_bits` each (n = 0: the block has none). */
struct pfor_area {
    const uint8_t *index, *high;
    unsigned n, high_bits;
};

/* Checks a block coded as `width` at p: the width byte, the packed part and
 * the area (*area) within [p, end). Returns the end of the block's bytes, or
 * NULL when they cannot be decoded: a width byte out of range, bytes beyond
 * end, an exception count or high width out of range. Inline: a block's
 * checks cost less than a call. */
static inline const uint8_t *pfor_parse(const uint8_t *p, const uint8_t *end, uint8_t width,
                                        struct pfor_area *area)
{
    unsigned b = width & PFOR_WIDTH_MASK;
    area->n = 0;
    if ((width & ~(PFOR_WIDTH_MASK | PFOR_PATCHED)) != 0 || b > 32 ||
        (size_t)(end - p) < bitpack_size(b))
        return NULL;
    p += bitpack_size(b);
    if (!(width & PFOR_PATCHED))
        return p;
    if (end - p < PFOR_AREA_HEADER)
        return NULL;
    unsigned n = p[0], high_bits = p[1];
    if (n == 0 || n > BITPACK_BLOCK || high_bits == 0 || high_bits > 32 - b)
        return NULL;
    const uint8_t *index = p + PFOR_AREA_HEADER;
    size_t high_bytes = ((size_t)n * high_bits + 7) / 8;
    if ((size_t)(end - index) < n + high_bytes)
        return NULL;
    *area = (struct pfor_area){ index, index + n, n, high_bits };
    return index + n + high_bytes;
}

/* Adds each high part, shifted left by b, to out[index % 128] (modulo
 * 2^32), and returns the sum of what it added (in 64 bits). Over the packed
 * values that is their or; over ones, the exceptions plus one. Bytes from
 * the area's end up to `readable` (>= its end) may be read, never used: the
 * rest of a mapped section lets the high parts be read 8 bytes at a time. */
uint64_t pfor_area_add(const struct pfor_area *area, unsigned b, const uint8_t *readable,
                       uint32_t *out);

/* The most pfor_area_add can add to all the values together: n high parts
 * below 2^h, shifted by b. */
static inline uint64_t pfor_area_bound(const struct pfor_area *area, unsigned b)
{
    return area->n == 0 ? 0 : (uint64_t)area->n * ((((uint64_t)1 << area->high_bits) - 1) << b);
}

/* Decodes a block coded as `width` from [p, end) into out[0..128), the
 * packed part with `unpack`, the area as pfor_area_add does. Returns the end
 * of its bytes, or NULL (pfor_parse). An area the encoder would not write
 * (indexes repeated or not increasing, a high part of zero, a high width
 * wider than needed, non-zero padding) decodes to some values: verify codes
 * the values again and compares the bytes. Bytes up to `readable` may be
 * read (pfor_area_add). */
static inline const uint8_t *pfor_decode(bitpack_unpack_fn *unpack, const uint8_t *p,
                                         const uint8_t *end, const uint8_t *readable,
                                         uint8_t width, uint32_t *out)
{
    struct pfor_area area;
    const uint8_t *stop = pfor_parse(p, end, width, &area);
    if (stop == NULL)
        return NULL;
    unpack(p, width & PFOR_WIDTH_MASK, out);
    pfor_area_add(&area, width & PFOR_WIDTH_MASK, readable, out);
    return stop;
}

#endif
