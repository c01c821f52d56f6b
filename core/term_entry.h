/* term_entry.h - what the dictionary's writer and reader derive alike instead
 * of storing it (docs/FORMAT.md, TERM_BLOCKS). */
#ifndef CARI_CORE_TERM_ENTRY_H
#define CARI_CORE_TERM_ENTRY_H

#include <stdint.h>

#include "core/rice.h"

/* The width of a df 1 term's document: the bits of N - 1 (0 when N is 1). */
static inline unsigned term_doc_bits(uint32_t ndocs)
{
    return ndocs > 1 ? 32u - (unsigned)__builtin_clz(ndocs - 1) : 0;
}

/* The fewest bytes of the positions of a df 1 term: one run of cf values
 * coded with the k of its document, each a quotient of at least one bit and
 * k low bits. Its entry stores only how many bytes more the run takes
 * (mostly none: the document's one position has a quotient of 0). */
static inline uint64_t term_single_positions_min(uint8_t norm, uint32_t cf)
{
    return ((uint64_t)cf * (rice_doc_k(norm, cf) + 1) + 7) / 8;
}

#endif
