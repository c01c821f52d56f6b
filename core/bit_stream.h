/* bit_stream.h - the bit fields of the dictionary's entries (docs/FORMAT.md,
 * TERM_BLOCKS): written least significant bit first, Elias gamma for counts
 * whose small values are the common ones, fixed widths for document numbers.
 * Written forward into a buffer, read backward from the end of the bytes
 * they are copied to reversed. The reader checks every read against the
 * bounds of its bytes. */
#ifndef CARI_CORE_BIT_STREAM_H
#define CARI_CORE_BIT_STREAM_H

#include <stdint.h>

#include "core/buf.h"
#include "core/endian.h"

/* Gamma codes of 32-bit values: at most 31 zeros. */
enum { BIT_GAMMA_MAX_ZEROS = 31 };

typedef struct bit_writer {
    buf *out;
    uint64_t acc;
    unsigned n; /* bits in acc, below 8 between calls */
} bit_writer;

static inline void bit_put(bit_writer *w, uint64_t v, unsigned bits) /* bits <= 56 */
{
    w->acc |= (bits < 64 ? v & ((1ull << bits) - 1) : v) << w->n;
    w->n += bits;
    for (; w->n >= 8; w->n -= 8, w->acc >>= 8)
        buf_byte(w->out, (uint8_t)w->acc);
}

/* 1 <= v <= UINT32_MAX: z zeros, a one, the z bits of v below its highest. */
static inline void bit_put_gamma(bit_writer *w, uint64_t v)
{
    unsigned z = 63u - (unsigned)__builtin_clzll(v);
    bit_put(w, 1ull << z, z + 1);
    bit_put(w, v, z);
}

/* Exponential Golomb with k low bits (k <= 31), for v < UINT32_MAX: gamma(v >> k + 1), then
 * the k low bits of v. A length near 2^k costs about k + 3 bits where gamma costs 2 k + 1. */
static inline void bit_put_expg(bit_writer *w, uint32_t v, unsigned k)
{
    bit_put_gamma(w, (uint64_t)(v >> k) + 1);
    bit_put(w, v, k);
}

/* Writes the last partial byte, zero-padded. */
static inline void bit_flush(bit_writer *w)
{
    if (w->n > 0)
        buf_byte(w->out, (uint8_t)w->acc);
    w->acc = 0;
    w->n = 0;
}

/* Reads bytes backward, from the last: the stream's byte j is end[-1 - j]
 * (the dictionary's entries end where their block ends, so that a reader
 * finds them without walking the keys before them). */
typedef struct bit_reader {
    const uint8_t *end;
    uint64_t pos, len; /* in bits */
} bit_reader;

static inline void bit_reader_start(bit_reader *r, const uint8_t *start, const uint8_t *end)
{
    r->end = end;
    r->pos = 0;
    r->len = 8 * (uint64_t)(end - start);
}

/* The next 57 bits or more (zeros past the end; the callers check the length). */
static inline uint64_t bit_peek(const bit_reader *r)
{
    uint64_t byte = r->pos >> 3, bytes = r->len >> 3;
    if (byte + 8 <= bytes)
        return __builtin_bswap64(le64_load(r->end - byte - 8)) >> (r->pos & 7);
    uint64_t v = 0;
    for (unsigned i = 0; byte + i < bytes; i++)
        v |= (uint64_t)r->end[-1 - (int64_t)(byte + i)] << (8 * i);
    return v >> (r->pos & 7);
}

static inline int bit_get(bit_reader *r, unsigned bits, uint32_t *v) /* bits <= 32 */
{
    if (bits > r->len - r->pos)
        return -1;
    *v = (uint32_t)(bit_peek(r) & ((1ull << bits) - 1));
    r->pos += bits;
    return 0;
}

/* A gamma code of at most `max_zeros` (<= BIT_GAMMA_MAX_ZEROS) zeros; -1 for more, or past the end. */
static inline int bit_get_gamma(bit_reader *r, unsigned max_zeros, uint32_t *v)
{
    uint64_t w = bit_peek(r);
    unsigned z = w != 0 ? (unsigned)__builtin_ctzll(w) : 64;
    if (z > max_zeros || 2 * z + 1 > r->len - r->pos)
        return -1;
    if (z <= 28) { /* the whole code is in w (57 bits or more) */
        *v = (uint32_t)((1ull << z) | (w >> (z + 1) & ((1ull << z) - 1)));
        r->pos += 2 * z + 1;
        return 0;
    }
    r->pos += z + 1;
    uint32_t low = 0;
    bit_get(r, z, &low); /* in bounds: checked above */
    *v = (uint32_t)(1ull << z) | low;
    return 0;
}

/* An exponential Golomb code of k low bits (k <= 31); -1 past the end or for v >= UINT32_MAX. */
static inline int bit_get_expg(bit_reader *r, unsigned k, uint32_t *v)
{
    uint32_t high, low;
    if (bit_get_gamma(r, BIT_GAMMA_MAX_ZEROS, &high) != 0 || bit_get(r, k, &low) != 0)
        return -1;
    uint64_t value = (uint64_t)(high - 1) << k | low;
    if (value >= UINT32_MAX)
        return -1;
    *v = (uint32_t)value;
    return 0;
}

/* Whether the bits end here, in fewer than 8 zero bits of padding. */
static inline int bit_at_end(const bit_reader *r)
{
    return r->len - r->pos < 8 && (r->pos == r->len || bit_peek(r) == 0);
}

#endif
