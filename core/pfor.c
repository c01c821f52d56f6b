/* pfor.c - see pfor.h and docs/FORMAT.md, POSTINGS. The packed part stays
 * the SIMD unpackers' job; the exceptions, a handful per block, are patched
 * in by a scalar loop whose every read is bounded by the area's length. */
#include "core/pfor.h"

#include <string.h>

#include "core/endian.h"

static unsigned width_of(uint32_t v) { return v == 0 ? 0 : 32 - (unsigned)__builtin_clz(v); }

/* Bytes of a block at base b with `exceptions` values wider, the widest of width `top`. */
static size_t coded_size(unsigned b, unsigned exceptions, unsigned top)
{
    size_t size = bitpack_size(b);
    if (exceptions > 0)
        size += PFOR_AREA_HEADER + exceptions + ((size_t)exceptions * (top - b) + 7) / 8;
    return size;
}

uint8_t pfor_choose(const uint32_t *in, size_t *size)
{
    unsigned count[33] = { 0 }, top = 0;
    for (unsigned i = 0; i < BITPACK_BLOCK; i++)
        count[width_of(in[i])]++;
    for (unsigned w = 0; w <= 32; w++)
        top = count[w] != 0 ? w : top;
    unsigned best = top, exceptions = 0;
    *size = coded_size(top, 0, top);
    for (unsigned b = top; b-- > 0;) { /* downwards: a tie keeps the wider base */
        exceptions += count[b + 1];
        size_t s = coded_size(b, exceptions, top);
        if (s < *size)
            *size = s, best = b;
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

/* High parts of at most 8 bits come 8 to a 64-bit load: 8 of them are h
 * whole bytes. The last group's load is cut to its values; the slots after
 * them or 0 into the place of whatever index byte follows, which changes
 * nothing and spares a loop of its own (its exit a branch miss per block). */
static void patch_narrow(const uint8_t *index, unsigned n, const uint8_t *high, unsigned h,
                         uint32_t scale, uint32_t *out)
{
    uint64_t mask = (1u << h) - 1;
    for (unsigned e = 0; e < n; e += 8, index += 8, high += h) {
        uint64_t w = le64_load(high);
        if (n - e < 8)
            w &= ((uint64_t)1 << (n - e) * h) - 1; /* below 7 * 8 bits */
        for (unsigned j = 0; j < 8; j++, w >>= h)
            out[index[j] % BITPACK_BLOCK] |= (uint32_t)(w & mask) * scale;
    }
}

/* Wider high parts, one 64-bit load each. */
static void patch_wide(const uint8_t *index, unsigned n, const uint8_t *high, unsigned h,
                       uint32_t scale, uint32_t *out)
{
    uint64_t mask = ((uint64_t)1 << h) - 1;
    size_t at = 0;
    for (unsigned e = 0; e < n; e++, at += h)
        out[index[e] % BITPACK_BLOCK] |= (uint32_t)(le64_load(high + at / 8) >> (at % 8) & mask) * scale;
}

static const uint8_t *patch(const uint8_t *p, const uint8_t *end, const uint8_t *readable,
                            unsigned b, uint32_t *out);

/* An area that ends less than 8 bytes before what may be read: patched from
 * a copy with 8 zero bytes behind it. */
__attribute__((noinline)) static const uint8_t *patch_copy(const uint8_t *p, size_t len,
                                                           unsigned b, uint32_t *out)
{
    uint8_t copy[PFOR_AREA_HEADER + BITPACK_BLOCK + 4 * BITPACK_BLOCK + 8];
    memcpy(copy, p, len);
    memset(copy + len, 0, 8);
    return patch(copy, copy + len, copy + len + 8, b, out) != NULL ? p + len : NULL;
}

/* Patches the high parts of an exception area [p, end) into out; returns its
 * end. Every index byte and high part read lies before end, or within the 8
 * bytes after the area that may be read (from a copy when the readable bytes
 * end sooner). Whether the area is the encoder's is verify's question
 * (pfor.h). */
static const uint8_t *patch(const uint8_t *p, const uint8_t *end, const uint8_t *readable,
                            unsigned b, uint32_t *out)
{
    if (end - p < PFOR_AREA_HEADER)
        return NULL;
    unsigned n = p[0], high_bits = p[1];
    if (n == 0 || n > BITPACK_BLOCK || high_bits == 0 || high_bits > 32 - b)
        return NULL;
    const uint8_t *index = p + PFOR_AREA_HEADER, *high = index + n;
    size_t high_bytes = ((size_t)n * high_bits + 7) / 8;
    if ((size_t)(end - index) < n + high_bytes)
        return NULL;
    if ((size_t)(readable - high) < high_bytes + 8)
        return patch_copy(p, PFOR_AREA_HEADER + n + high_bytes, b, out);
    uint32_t scale = 1u << b; /* b < 32 here; a product spares a shift by a register */
    if (high_bits <= 8)
        patch_narrow(index, n, high, high_bits, scale, out);
    else
        patch_wide(index, n, high, high_bits, scale, out);
    return high + high_bytes;
}

const uint8_t *pfor_patch(const uint8_t *p, const uint8_t *end, const uint8_t *readable,
                          unsigned b, uint32_t *out)
{
    return patch(p, end, readable, b, out);
}
