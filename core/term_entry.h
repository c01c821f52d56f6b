/* term_entry.h - what the dictionary's writer and reader derive alike instead
 * of storing it (docs/FORMAT.md, TERM_BLOCKS). */
#ifndef CARI_CORE_TERM_ENTRY_H
#define CARI_CORE_TERM_ENTRY_H

#include <stdint.h>

#include "core/bit_stream.h"
#include "core/rice.h"

/* A df 1 term's document, below N, in the truncated binary code: with
 * k = floor(log2 N) and u = 2^(k+1) - N, a doc below u in k bits, any other
 * as x = u + (doc - u) / 2 in k bits, then (doc - u) mod 2 in one. Uniform
 * documents take about log2 N bits (14.2 for 17,929, where a fixed width
 * takes 15). */
static inline void term_doc_put(bit_writer *w, uint32_t doc, uint32_t ndocs)
{
    unsigned k = 31u - (unsigned)__builtin_clz(ndocs);
    uint64_t u = (2ull << k) - ndocs;
    if (doc < u) {
        bit_put(w, doc, k);
    } else {
        bit_put(w, u + ((doc - u) >> 1), k);
        bit_put(w, (doc - u) & 1, 1);
    }
}

/* The document whose code starts at bit 0 of `bits` (ndocs >= 1); returns the bits it takes. */
static inline unsigned term_doc_decode(uint64_t bits, uint32_t ndocs, uint32_t *doc)
{
    unsigned k = 31u - (unsigned)__builtin_clz(ndocs);
    uint64_t u = (2ull << k) - ndocs, x = bits & ((1ull << k) - 1);
    if (x < u) {
        *doc = (uint32_t)x;
        return k;
    }
    *doc = (uint32_t)(u + ((x - u) << 1 | (bits >> k & 1)));
    return k + 1;
}

/* The fewest bytes of the positions of a df 1 term: one run of cf values
 * coded with the k of its document, each a quotient of at least one bit and
 * k low bits. Its entry stores only how many bytes more the run takes
 * (mostly none: the document's one position has a quotient of 0). */
static inline uint64_t term_single_positions_min(uint8_t norm, uint32_t cf)
{
    return ((uint64_t)cf * (rice_doc_k(norm, cf) + 1) + 7) / 8;
}

/* The low bits of a df >= 2 term's lengths, less one, in exponential
 * Golomb (core/bit_stream.h): near log2 of what they grow with, its postings
 * (a posting takes a byte or two) with df, its positions with cf. */
static inline unsigned term_postings_k(uint32_t df) { return 31u - (unsigned)__builtin_clz(df); }

static inline unsigned term_positions_k(uint64_t cf)
{
    unsigned k = 64u - (unsigned)__builtin_clzll(cf | 1); /* floor(log2 cf) + 1 */
    return k < 31 ? k : 31;
}

#endif
