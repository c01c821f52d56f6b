/* pfor_area.h - the patch of a PFor exception area (core/pfor.h) as inline
 * code, for pfor_area_add and for the full-block decoders, which compile it
 * for their own instruction set (with BMI2, shifts by a register need no
 * moves to CL: 6 % faster blocks on the 146 MB index). */
#ifndef CARI_CORE_PFOR_AREA_H
#define CARI_CORE_PFOR_AREA_H

#include "core/endian.h"
#include "core/pfor.h"

/* Bytes that may be read past an area's high parts: the last group's 8-byte
 * load and the index bytes of its slots past the count. */
enum { PFOR_AREA_SLACK = 8 };

/* Bytes of an area's indexes and high parts. */
static inline size_t pfor_area_len(const struct pfor_area *area)
{
    return area->n + ((size_t)area->n * area->high_bits + 7) / 8;
}

/* Whether PFOR_AREA_SLACK bytes after the area may be read. */
static inline int pfor_area_has_slack(const struct pfor_area *area, const uint8_t *readable)
{
    return (size_t)(readable - area->index) >= pfor_area_len(area) + PFOR_AREA_SLACK;
}

/* High parts of at most 8 bits come 8 to a 64-bit load: 8 of them are h
 * whole bytes. The last group's load is cut to its values; the slots after
 * them add 0 to whatever index byte follows, which changes nothing and
 * spares a loop of its own (its exit a branch miss per block). Patching 16
 * slots whatever the count, which spares the loop's exit too, took longer
 * on the 146 MB index's blocks. */
static inline __attribute__((always_inline)) uint64_t
pfor_add_narrow(const uint8_t *index, unsigned n, const uint8_t *high, unsigned h, uint32_t scale,
                uint32_t *out)
{
    uint64_t mask = (1u << h) - 1, sum = 0;
    for (unsigned e = 0; e < n; e += 8, index += 8, high += h) {
        uint64_t w = le64_load(high);
        if (n - e < 8)
            w &= ((uint64_t)1 << (n - e) * h) - 1; /* below 7 * 8 bits */
        for (unsigned j = 0; j < 8; j++, w >>= h) {
            uint32_t part = (uint32_t)(w & mask) * scale;
            out[index[j] % BITPACK_BLOCK] += part;
            sum += part;
            __asm__("" : "+r"(sum)); /* one add a slot: vectorised, the 8 went through the stack */
        }
    }
    return sum;
}

/* Wider high parts, one 64-bit load each. */
static inline __attribute__((always_inline)) uint64_t
pfor_add_wide(const uint8_t *index, unsigned n, const uint8_t *high, unsigned h, uint32_t scale,
              uint32_t *out)
{
    uint64_t mask = ((uint64_t)1 << h) - 1, sum = 0;
    size_t at = 0;
    for (unsigned e = 0; e < n; e++, at += h) {
        uint32_t part = (uint32_t)(le64_load(high + at / 8) >> (at % 8) & mask) * scale;
        out[index[e] % BITPACK_BLOCK] += part;
        sum += part;
    }
    return sum;
}

/* pfor_area_add of an area with slack after it (pfor_area_has_slack) and
 * at least one exception. */
static inline __attribute__((always_inline)) uint64_t
pfor_area_add_inline(const struct pfor_area *area, unsigned b, uint32_t *out)
{
    uint32_t scale = 1u << b; /* b < 32 here; a product spares a shift by a register */
    if (area->high_bits <= 8)
        return pfor_add_narrow(area->index, area->n, area->high, area->high_bits, scale, out);
    return pfor_add_wide(area->index, area->n, area->high, area->high_bits, scale, out);
}

#endif
