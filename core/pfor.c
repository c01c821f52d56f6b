/* pfor.c - see pfor.h and docs/FORMAT.md, POSTINGS. The packed part stays
 * the SIMD unpackers' job; the exceptions, a handful per block, are patched
 * in by a scalar loop whose every read is bounded by the area's length. */
#include "core/pfor.h"

#include <string.h>

#include "core/endian.h"
#include "core/pfor_area.h"

static unsigned width_of(uint32_t v) { return v == 0 ? 0 : 32 - (unsigned)__builtin_clz(v); }

/* Bytes of a block at base b with `exceptions` values wider, the widest of width `top`. */
static size_t coded_size(unsigned b, unsigned exceptions, unsigned top)
{
    size_t size = bitpack_size(b);
    if (exceptions > 0)
        size += PFOR_AREA_HEADER + exceptions + ((size_t)exceptions * (top - b) + 7) / 8;
    return size;
}

/* The base is chosen by its bytes plus one per exception: patching an
 * exception costs the decoder about what unpacking a dozen values does, and
 * at one byte apiece the 146 MB index's blocks have half the exceptions (4.2
 * doc gaps and 4.8 frequencies a block instead of 8.4 and 9.2) and decode 8 %
 * faster, for 0.15 % more bytes in all (83 KB). At a byte and a half they
 * decode no faster and cost 136 KB. */
uint8_t pfor_choose(const uint32_t *in, size_t *size)
{
    unsigned count[33] = { 0 }, top = 0;
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        count[width_of(in[i])]++;
    for (unsigned w = 0; w <= 32; w++)
        top = count[w] != 0 ? w : top;
    unsigned best = top, exceptions = 0;
    *size = coded_size(top, 0, top);
    size_t best_cost = *size;
    for (unsigned b = top; b-- > 0;) { /* downwards: a tie keeps the wider base */
        exceptions += count[b + 1];
        size_t s = coded_size(b, exceptions, top);
        if (s + exceptions < best_cost)
            *size = s, best = b, best_cost = s + exceptions;
    }
    return (uint8_t)(best | (best < top ? PFOR_PATCHED : 0));
}

void pfor_encode(const uint32_t *in, uint8_t width, uint8_t *out)
{
    unsigned b = width & PFOR_WIDTH_MASK;
    bitpack_pack128(in, b, out); /* keeps the low b bits of the exceptions */
    if (!(width & PFOR_PATCHED))
        return;
    uint8_t *area = out + bitpack_size(b), *index = area + PFOR_AREA_HEADER;
    uint32_t all = 0;
    unsigned n = 0;
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        if (in[i] >> b != 0) {
            index[n++] = (uint8_t)i;
            all |= in[i] >> b;
        }
    unsigned high_bits = width_of(all);
    area[0] = (uint8_t)n;
    area[1] = (uint8_t)high_bits;
    uint8_t *high = index + n;
    uint64_t acc = 0;
    unsigned fill = 0;
    for (unsigned e = 0; e < n; e++) { /* least significant bits first */
        acc |= (uint64_t)(in[index[e]] >> b) << fill;
        for (fill += high_bits; fill >= 8; fill -= 8, acc >>= 8)
            *high++ = (uint8_t)acc;
    }
    if (fill > 0)
        *high = (uint8_t)acc;
}

/* An area that ends less than PFOR_AREA_SLACK bytes before what may be read:
 * patched from a copy with zeros behind it. */
__attribute__((noinline)) static uint64_t add_from_copy(const struct pfor_area *area, unsigned b,
                                                        size_t len, uint32_t *out)
{
    uint8_t copy[BITPACK_BLOCK + 4 * BITPACK_BLOCK + PFOR_AREA_SLACK];
    memcpy(copy, area->index, len);
    memset(copy + len, 0, PFOR_AREA_SLACK);
    struct pfor_area near = { copy, copy + area->n, area->n, area->high_bits };
    return pfor_area_add(&near, b, copy + len + PFOR_AREA_SLACK, out);
}

/* Every index byte and high part read lies in the area, or within the
 * PFOR_AREA_SLACK bytes after it (from a copy when the readable bytes end
 * sooner). Whether the area is the encoder's is verify's question (pfor.h). */
uint64_t pfor_area_add(const struct pfor_area *area, unsigned b, const uint8_t *readable,
                       uint32_t *out)
{
    if (area->n == 0)
        return 0;
    if (!pfor_area_has_slack(area, readable))
        return add_from_copy(area, b, pfor_area_len(area), out);
    return pfor_area_add_inline(area, b, out);
}
