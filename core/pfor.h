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

/* The width byte that codes in[0..128) in the fewest bytes (*size of them);
 * of equal sizes, the widest base, which has the fewest exceptions. */
uint8_t pfor_choose(const uint32_t *in, size_t *size);

/* Writes in[0..128) coded as `width` (pfor_choose's) to out, which has room
 * for the size pfor_choose gave. */
void pfor_encode(const uint32_t *in, uint8_t width, uint8_t *out);

/* Patches the exception area [p, end) of a block at base b into out (its
 * values unpacked); returns the area's end, or NULL (see pfor_decode). */
const uint8_t *pfor_patch(const uint8_t *p, const uint8_t *end, const uint8_t *readable,
                          unsigned b, uint32_t *out);

/* Decodes a block coded as `width` from [p, end) into out[0..128), the
 * packed part with `unpack`. Returns the end of its bytes, or NULL when they
 * cannot be decoded: a width byte out of range, bytes beyond end, an
 * exception count or high width out of range. An area the encoder would not
 * write (indexes repeated or not increasing, a high part of zero, a high
 * width wider than needed, non-zero padding) decodes to some values: verify
 * codes the values again and compares the bytes. Bytes from end up to
 * `readable` (>= end) may be read, never used: the rest of a mapped section
 * lets the high parts be read 8 bytes at a time. Inline: the checks of the
 * width byte cost less than a call. */
static inline const uint8_t *pfor_decode(bitpack_unpack_fn *unpack, const uint8_t *p,
                                         const uint8_t *end, const uint8_t *readable,
                                         uint8_t width, uint32_t *out)
{
    unsigned b = width & PFOR_WIDTH_MASK;
    if ((width & ~(PFOR_WIDTH_MASK | PFOR_PATCHED)) != 0 || b > 32 ||
        (size_t)(end - p) < bitpack_size(b))
        return NULL;
    unpack(p, b, out);
    p += bitpack_size(b);
    return width & PFOR_PATCHED ? pfor_patch(p, end, readable, b, out) : p;
}

#endif
