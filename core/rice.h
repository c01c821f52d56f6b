/* rice.h - the code of POSITIONS (docs/FORMAT.md): values in groups of 128,
 * each group Rice-coded with its own parameter k (a value is its quotient
 * v >> k in unary and its k low bits), byte-aligned, and every group but the
 * last of a run prefixed with its length, so that a reader jumps over whole
 * groups instead of decoding them. A group holds its low parts first, at a
 * fixed width, then its quotients: moving past values inside a group counts
 * one bits 56 at a time instead of decoding. Positions are small gaps with an
 * absolute first value per document: a k per group follows both better than
 * bytes (varint) or one bit width per block (bit-packing). */
#ifndef CARI_CORE_RICE_H
#define CARI_CORE_RICE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/endian.h"

enum { RICE_GROUP = 128, RICE_MAX_K = 31 };

/* Appends v[0..n) to `out` as one run of groups (nothing when n is 0). */
void rice_encode(buf *out, const uint32_t *v, size_t n);

/* The bytes rice_encode appends for v[0..n), without encoding them. */
size_t rice_size(const uint32_t *v, size_t n);

/* The smallest-cost k for v[0..n) (the smallest such k on a tie). */
unsigned rice_best_k(const uint32_t *v, size_t n);

/* A reader over one run of `count` values in [p, end). Every read is checked
 * against `end`; damage makes the calls return -1. */
typedef struct rice_reader {
    const uint8_t *p;         /* the next byte of quotients to load into `bits` */
    const uint8_t *bound;     /* the end of the current group's bits */
    const uint8_t *limit;     /* the end of the bytes given */
    const uint8_t *group_end; /* where the current group ends, when it is not the last */
    const uint8_t *low;       /* the current group's low parts */
    uint64_t bits;            /* loaded, unread bits of quotients, lowest first */
    unsigned nbits, k;
    uint32_t index, left;     /* the next value's place in the group, values left in it */
    uint64_t remaining;       /* values left in the run after the current group */
} rice_reader;

void rice_start(rice_reader *r, const uint8_t *p, const uint8_t *end, uint64_t count);

/* Loads whole bytes up to 56..63 bits (needs 8 bytes before the bound). The
 * byte that only partly fits is loaded again by the next refill. */
static inline void rice_refill_fast(rice_reader *r)
{
    r->bits |= le64_load(r->p) << r->nbits;
    r->p += (63 - r->nbits) >> 3;
    r->nbits |= 56;
    r->bits &= (1ull << r->nbits) - 1;
}

/* The bytes of [p, bound) as a little-endian u64, zeros past the bound. */
uint64_t rice_load_tail(const uint8_t *p, const uint8_t *bound);

/* The low part of value j of the current group (inside it: checked when
 * the group starts). */
static inline uint32_t rice_low(const rice_reader *r, uint32_t j)
{
    uint64_t at = (uint64_t)j * r->k;
    const uint8_t *q = r->low + (at >> 3);
    uint64_t w = r->bound - q >= 8 ? le64_load(q) : rice_load_tail(q, r->bound);
    return (uint32_t)((w >> (at & 7)) & ((1ull << r->k) - 1));
}

/* rice_next for the cases the inline path leaves: a new group, a long
 * quotient, the last bytes of a group, damage. */
int rice_next_slow(rice_reader *r, uint32_t *v);

/* Reads the next value. Returns 0, or -1 (damage, or no value left). */
static inline int rice_next(rice_reader *r, uint32_t *v)
{
    if (r->left > 0) {
        if (r->bits == 0 && r->bound - r->p >= 8)
            rice_refill_fast(r);
        unsigned z = r->bits != 0 ? (unsigned)__builtin_ctzll(r->bits) : 64;
        if (z < 64 && z <= (UINT32_MAX >> r->k)) {
            *v = (uint32_t)z << r->k | rice_low(r, r->index);
            r->bits >>= z;
            r->bits >>= 1;
            r->nbits -= z + 1;
            r->index++;
            r->left--;
            return 0;
        }
    }
    return rice_next_slow(r, v);
}

/* Reads the next n values into out[0..n). Returns 0 or -1. */
int rice_read(rice_reader *r, uint32_t *out, uint32_t n);

/* Moves past n values, jumping over whole groups. Returns 0 or -1. */
int rice_skip(rice_reader *r, uint64_t n);

/* After the run's last value: one past its last byte, or NULL when the
 * unused bits of that byte are not zero or values are left. */
const uint8_t *rice_run_end(const rice_reader *r);

#endif
