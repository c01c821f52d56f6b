/* varint.h - unsigned LEB128, the variable-byte integers of the index format. */
#ifndef CARI_CORE_VARINT_H
#define CARI_CORE_VARINT_H

#include <stddef.h>
#include <stdint.h>

enum { VARINT_MAX32 = 5, VARINT_MAX64 = 10 };

/* Writes v at p (room for VARINT_MAX64 bytes); returns the bytes written. */
static inline size_t varint_put(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static inline size_t varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Reads a varint from [*p, end) into *v and advances *p. Returns 0, or -1 when
 * the bytes run out or the value needs more than 64 bits (a corrupt input). */
static inline int varint_get64(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    const uint8_t *q = *p;
    if (q < end && *q < 0x80) { /* the common one-byte case */
        *v = *q;
        *p = q + 1;
        return 0;
    }
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (q >= end)
            return -1;
        uint8_t b = *q++;
        if (shift == 63 && b > 1)
            return -1;
        r |= (uint64_t)(b & 0x7F) << shift;
        if (b < 0x80) {
            *v = r;
            *p = q;
            return 0;
        }
    }
    return -1;
}

/* As varint_get64, and fails when the value does not fit 32 bits. */
static inline int varint_get32(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
    uint64_t w;
    if (varint_get64(p, end, &w) != 0 || w > UINT32_MAX)
        return -1;
    *v = (uint32_t)w;
    return 0;
}

#endif
