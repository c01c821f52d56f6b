/* varint_skip.h - moving past many varints without decoding them: a varint
 * ends at each byte below 0x80, so eight bytes at a time are counted with one
 * mask and a popcount. Positions of the documents before the one a phrase
 * needs are skipped so (docs/FORMAT.md, POSITIONS). */
#ifndef CARI_CORE_VARINT_SKIP_H
#define CARI_CORE_VARINT_SKIP_H

#include <stddef.h>
#include <stdint.h>

#include "core/endian.h"

/* Moves *p past n varints of [*p, end). Returns 0, or -1 when the bytes run
 * out. An over-long varint is not noticed here; cari_index_verify checks them. */
static inline int varint_skip(const uint8_t **p, const uint8_t *end, uint64_t n)
{
    const uint8_t *q = *p;
    while (n > 0 && end - q >= 8) {
        uint64_t stops = ~le64_load(q) & 0x8080808080808080ull; /* bit 7 of each last byte */
        unsigned count = (unsigned)(((stops >> 7) * 0x0101010101010101ull) >> 56); /* bytes add up */
        if (count < n) {
            n -= count;
            q += 8;
            continue;
        }
        while (--n > 0)
            stops &= stops - 1;
        *p = q + __builtin_ctzll(stops) / 8 + 1;
        return 0;
    }
    for (; n > 0; n--) {
        while (q < end && *q >= 0x80)
            q++;
        if (q == end)
            return -1;
        q++;
    }
    *p = q;
    return 0;
}

#endif
