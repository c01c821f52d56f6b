/* rice.c - see rice.h. */
#include "core/rice.h"

#include <string.h>

/* Written by a program over norm_decode; test_rice checks it against it. */
const uint8_t rice_norm_k[256] = {
     0,  0,  1,  1,  1,  2,  2,  2,  2,  2,  2,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  4,  4,  4,  4,  4,  4,  4,  4,  4,
     4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  5,  5,  5,  5,  5,
     5,  5,  5,  5,  5,  5,  5,  5,  5,  6,  6,  6,  6,  6,  6,  6,
     6,  6,  6,  7,  7,  7,  7,  7,  7,  7,  7,  8,  8,  8,  8,  8,
     8,  8,  8,  8,  9,  9,  9,  9,  9,  9,  9,  9, 10, 10, 10, 10,
    10, 10, 10, 10, 11, 11, 11, 11, 11, 11, 11, 11, 12, 12, 12, 12,
    12, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13, 13, 14, 14, 14, 14,
    14, 14, 14, 14, 15, 15, 15, 15, 15, 15, 15, 15, 16, 16, 16, 16,
    16, 16, 16, 16, 17, 17, 17, 17, 17, 17, 17, 17, 18, 18, 18, 18,
    18, 18, 18, 18, 19, 19, 19, 19, 19, 19, 19, 19, 20, 20, 20, 20,
    20, 20, 20, 20, 21, 21, 21, 21, 21, 21, 21, 21, 22, 22, 22, 22,
    22, 22, 22, 22, 23, 23, 23, 23, 23, 23, 23, 23, 24, 24, 24, 24,
    24, 24, 24, 24, 25, 25, 25, 25, 25, 25, 25, 25, 26, 26, 26, 26,
    26, 26, 26, 26, 27, 27, 27, 27, 27, 27, 27, 27, 28, 28, 28, 28,
    28, 28, 28, 28, 29, 29, 29, 29, 29, 29, 29, 29, 30, 30, 30, 30,
};

static uint64_t run_bits(const uint32_t *v, const uint8_t *k, size_t n)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < n; i++)
        bits += (uint64_t)(v[i] >> k[i]) + 1 + k[i];
    return bits;
}

size_t rice_run_size(const uint32_t *v, const uint8_t *k, size_t n)
{
    return (size_t)((run_bits(v, k, n) + 7) / 8);
}

/* ORs the `count` low bits of x into out at bit `at` (the bits are zero). */
static void put_bits(uint8_t *out, uint64_t at, uint32_t x, unsigned count)
{
    uint64_t w = (uint64_t)(x & ((1ull << count) - 1)) << (at & 7);
    for (uint8_t *p = out + (at >> 3); w != 0; w >>= 8)
        *p++ |= (uint8_t)w;
}

void rice_run_encode(buf *out, const uint32_t *v, const uint8_t *k, size_t n)
{
    size_t bytes = rice_run_size(v, k, n);
    if (n == 0 || buf_reserve(out, bytes) != 0)
        return;
    uint8_t *run = out->data + out->len;
    memset(run, 0, bytes);
    uint64_t quotient = 0, low = 8 * (uint64_t)bytes;
    for (size_t i = 0; i < n; i++) {
        quotient += v[i] >> k[i]; /* that many zeros, then a one */
        put_bits(run, quotient++, 1, 1);
        low -= k[i];
        put_bits(run, low, v[i], k[i]);
    }
    out->len += bytes;
}

void rice_run_start(rice_run *r, const uint8_t *start, const uint8_t *end)
{
    *r = (rice_run){ start, end, 8 * (uint64_t)(end - start), 0 };
}

/* The run's bits from `bit` on, lowest first: 57 at least, zeros past its
 * end (bit < r->bits). */
static inline uint64_t bits_at(const rice_run *r, uint64_t bit)
{
    const uint8_t *p = r->start + (bit >> 3);
    uint64_t w;
    if (r->end - p >= 8) {
        w = le64_load(p);
    } else {
        w = 0;
        for (unsigned i = 0; p + i < r->end; i++)
            w |= (uint64_t)p[i] << (8 * i);
    }
    return w >> (bit & 7);
}

int rice_run_read(rice_run *r, uint64_t low_before, unsigned k, uint32_t *out, uint32_t n)
{
    if (k > RICE_MAX_K || low_before > r->bits || (uint64_t)n * k > r->bits - low_before)
        return -1;
    uint64_t low = r->bits - low_before, mask = (1ull << k) - 1;
    /* the quotients' bits from `at` on, `left` of them, in one word: most
     * quotients are a few bits, so a load serves several */
    uint64_t at = r->quotient, w = 0;
    unsigned left = 0;
    /* and the low parts' bits from `base` up, going down as they do */
    uint64_t base = low + 1, lw = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t q = 0;
        while (w == 0) { /* zeros up to the run's end and no one bit: damage */
            q += left, at += left;
            if (at >= r->bits)
                return -1;
            w = bits_at(r, at) & ((1ull << 56) - 1);
            left = 56;
        }
        unsigned z = (unsigned)__builtin_ctzll(w);
        q += z;
        w >>= z + 1, left -= z + 1, at += z + 1;
        if (q > (UINT32_MAX >> k))
            return -1;
        low -= k;
        if (low < base) { /* [low, low + k) and the next ones below, in 56 bits */
            base = low + k >= 56 ? low + k - 56 : 0;
            lw = bits_at(r, base);
        }
        out[i] = (uint32_t)(q << k) | (uint32_t)((lw >> (low - base)) & mask);
    }
    r->quotient = at;
    return 0;
}

/* Counts one bits 56 at a time; the n-th is found inside its word. Inlined
 * into both skips, so that the POPCNT one uses the instruction. */
static inline __attribute__((always_inline)) int skip_ones(rice_run *r, uint64_t n)
{
    uint64_t at = r->quotient;
    while (n > 0) {
        if (at >= r->bits)
            return -1;
        uint64_t w = bits_at(r, at) & ((1ull << 56) - 1);
        unsigned ones = (unsigned)__builtin_popcountll(w);
        if (ones < n) {
            n -= ones;
            at += 56;
            continue;
        }
        for (; n > 1; n--)
            w &= w - 1;
        at += (unsigned)__builtin_ctzll(w) + 1;
        n = 0;
    }
    r->quotient = at;
    return 0;
}

int rice_skip_portable(rice_run *r, uint64_t n) { return skip_ones(r, n); }

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt"))) int rice_skip_popcnt(rice_run *r, uint64_t n)
{
    return skip_ones(r, n);
}

rice_skip_fn *rice_skipper(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("popcnt") ? rice_skip_popcnt : rice_skip_portable;
}
#else
int rice_skip_popcnt(rice_run *r, uint64_t n) { return skip_ones(r, n); }

rice_skip_fn *rice_skipper(void) { return rice_skip_portable; }
#endif

int rice_run_complete(const rice_run *r, uint64_t low_bits)
{
    if (low_bits > r->bits || r->quotient > r->bits - low_bits)
        return 0;
    uint64_t gap = r->bits - low_bits - r->quotient;
    return gap < 8 && (gap == 0 || (bits_at(r, r->quotient) & ((1ull << gap) - 1)) == 0);
}
