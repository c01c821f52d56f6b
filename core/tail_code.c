/* tail_code.c - see tail_code.h and docs/FORMAT.md, POSTINGS. Bits are
 * written least significant first; a unary count is that many zero bits
 * closed by a one, which the reader finds with one count of trailing zeros. */
#include "core/tail_code.h"

#include "core/bit_stream.h"
#include "core/endian.h"

unsigned tail_k(uint32_t n, uint64_t span)
{
    unsigned k = 0;
    while (k < 30 && ((uint64_t)n << (k + 2)) <= span)
        k++;
    return k;
}

void tail_encode(buf *out, const uint32_t *docs, const uint32_t *tfs, uint32_t n,
                 uint32_t prev_plus1, uint32_t ndocs)
{
    bit_writer w = { out, 0, 0 };
    unsigned k = tail_k(n, ndocs > prev_plus1 ? ndocs - prev_plus1 : 0);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t gap = docs[i] - prev_plus1, q = gap >> k;
        prev_plus1 = docs[i] + 1;
        if (q >= TAIL_ESCAPE_QUOTIENT) {
            bit_put(&w, 1u << TAIL_ESCAPE_QUOTIENT, TAIL_ESCAPE_QUOTIENT + 1);
            bit_put(&w, gap, 32);
        } else {
            bit_put(&w, 1u << q, q + 1);
            bit_put(&w, gap, k);
        }
        bit_put_gamma(&w, tfs[i]);
    }
    bit_flush(&w);
}

struct bit_in {
    const uint8_t *p, *end;
    uint64_t bits; /* unread bits, lowest first; none above n */
    unsigned n;
};

/* Loads to at least 56 bits (a gap needs at most 25 + 30), or to the end of the bytes. */
static inline void refill(struct bit_in *r)
{
    if (r->end - r->p >= 8) { /* whole bytes up to 56..63 bits; a partial one is loaded again */
        r->bits |= le64_load(r->p) << r->n;
        r->p += (63 - r->n) >> 3;
        r->n |= 56;
        r->bits &= (1ull << r->n) - 1;
        return;
    }
    for (; r->n < 56 && r->p < r->end; r->n += 8)
        r->bits |= (uint64_t)*r->p++ << r->n;
}

/* Counts the zeros before the next one bit and moves past the one; -1 when
 * there are more than `max` or the bits run out first. */
static inline int read_unary(struct bit_in *r, unsigned max)
{
    unsigned z = r->bits != 0 ? (unsigned)__builtin_ctzll(r->bits) : 64;
    if (z > max || z >= r->n)
        return -1;
    r->bits >>= z;
    r->bits >>= 1;
    r->n -= z + 1;
    return (int)z;
}

static inline int read_bits(struct bit_in *r, unsigned bits, uint32_t *v) /* bits <= 32 */
{
    if (bits > r->n)
        return -1;
    *v = (uint32_t)(r->bits & ((1ull << bits) - 1));
    r->bits >>= bits;
    r->n -= bits;
    return 0;
}

static inline int read_gap(struct bit_in *r, unsigned k, uint32_t *gap)
{
    int q = read_unary(r, TAIL_ESCAPE_QUOTIENT);
    if (q < 0)
        return -1;
    if (q == TAIL_ESCAPE_QUOTIENT) {
        refill(r);
        return read_bits(r, 32, gap);
    }
    uint32_t low;
    if (read_bits(r, k, &low) != 0)
        return -1;
    *gap = (uint32_t)q << k | low;
    return 0;
}

static inline int read_tf(struct bit_in *r, uint32_t *tf)
{
    int z = read_unary(r, 31);
    if (z < 0)
        return -1;
    refill(r);
    uint32_t low;
    if (read_bits(r, (unsigned)z, &low) != 0)
        return -1;
    *tf = (1u << z) | low;
    return 0;
}

/* The common cases inline: a gap whose quotient and low bits are loaded, a
 * frequency of 1 (one bit); the rest through read_gap and read_tf. A refill
 * only when fewer than 56 bits are left: a document takes about k + 3. */
int tail_decode(const uint8_t *p, const uint8_t *end, uint32_t n, uint32_t prev_plus1,
                uint32_t ndocs, uint32_t *docs, uint32_t *tfs, uint64_t *tf_sum)
{
    struct bit_in r = { p, end, 0, 0 };
    unsigned k = tail_k(n, ndocs > prev_plus1 ? ndocs - prev_plus1 : 0);
    uint64_t low_mask = (1ull << k) - 1, next = prev_plus1, sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t gap, tf;
        if (r.n < 56)
            refill(&r);
        unsigned q = r.bits != 0 ? (unsigned)__builtin_ctzll(r.bits) : 64;
        if (q < TAIL_ESCAPE_QUOTIENT && q + 1 + k <= r.n) {
            gap = (uint32_t)((uint64_t)q << k | (r.bits >> (q + 1) & low_mask));
            r.bits >>= q + 1 + k; /* at most 55 */
            r.n -= q + 1 + k;
        } else if (read_gap(&r, k, &gap) != 0) {
            return -1;
        }
        if (r.bits & 1) {
            tf = 1;
            r.bits >>= 1;
            r.n--;
        } else {
            refill(&r);
            if (read_tf(&r, &tf) != 0)
                return -1;
        }
        next += gap;
        if (next >= UINT32_MAX)
            return -1;
        docs[i] = (uint32_t)next++;
        tfs[i] = tf;
        sum += tf;
    }
    *tf_sum = sum;
    refill(&r); /* the bytes must end with the last value, in zero padding */
    return r.p == r.end && r.n < 8 && r.bits == 0 ? 0 : -1;
}
