/* rice.c - see rice.h. */
#include "core/rice.h"

#include "core/endian.h"
#include "core/varint.h"

/* The bits of v[0..n) coded with parameter k. */
static uint64_t cost_of(const uint32_t *v, size_t n, unsigned k)
{
    uint64_t cost = (uint64_t)n * (1 + k);
    for (size_t i = 0; i < n; i++)
        cost += v[i] >> k;
    return cost;
}

/* The best k and its cost in bits. The cost is convex in k and near its
 * least at log2 of the mean; the neighbours are compared exactly. */
static unsigned best_k(const uint32_t *v, size_t n, uint64_t *bits)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    unsigned guess = 0;
    while (guess < RICE_MAX_K && ((uint64_t)n << (guess + 1)) <= sum)
        guess++;
    unsigned lo = guess > 2 ? guess - 2 : 0, hi = guess + 2 < RICE_MAX_K ? guess + 2 : RICE_MAX_K;
    unsigned best = lo;
    *bits = UINT64_MAX;
    for (unsigned k = lo; k <= hi; k++) {
        uint64_t cost = cost_of(v, n, k);
        if (cost < *bits)
            best = k, *bits = cost;
    }
    return best;
}

unsigned rice_best_k(const uint32_t *v, size_t n)
{
    uint64_t bits;
    return best_k(v, n, &bits);
}

size_t rice_size(const uint32_t *v, size_t n)
{
    size_t total = 0;
    for (size_t at = 0; at < n; at += RICE_GROUP) {
        size_t m = n - at < RICE_GROUP ? n - at : RICE_GROUP;
        uint64_t bits;
        (void)best_k(v + at, m, &bits);
        size_t bytes = (size_t)((bits + 7) / 8);
        total += 1 + (at + m < n ? varint_size(bytes) : 0) + bytes;
    }
    return total;
}

/* Bits are appended lowest first into `acc`, whole bytes stored at `out`. */
struct bit_writer {
    uint8_t *out;
    uint64_t acc;
    unsigned n;
};

static void put_bits(struct bit_writer *w, uint32_t v, unsigned count) /* count <= 32 */
{
    w->acc |= ((uint64_t)v & ((1ull << count) - 1)) << w->n;
    w->n += count;
    while (w->n >= 8) {
        *w->out++ = (uint8_t)w->acc;
        w->acc >>= 8;
        w->n -= 8;
    }
}

static void put_quotient(struct bit_writer *w, uint32_t q)
{
    for (; q >= 32; q -= 32) /* q zeros, then a one */
        put_bits(w, 0, 32);
    put_bits(w, 1u << q, q + 1);
}

/* The low parts first, at k bits each, then the quotients in unary, into
 * `out` (room for the group's bytes). */
static void encode_group(uint8_t *out, const uint32_t *v, size_t n, unsigned k)
{
    struct bit_writer w = { out, 0, 0 };
    for (size_t i = 0; i < n; i++)
        put_bits(&w, v[i], k);
    for (size_t i = 0; i < n; i++)
        put_quotient(&w, v[i] >> k);
    if (w.n > 0)
        *w.out = (uint8_t)w.acc;
}

void rice_encode(buf *out, const uint32_t *v, size_t n)
{
    for (size_t at = 0; at < n; at += RICE_GROUP) {
        size_t m = n - at < RICE_GROUP ? n - at : RICE_GROUP;
        uint64_t bits;
        unsigned k = best_k(v + at, m, &bits);
        size_t bytes = (size_t)((bits + 7) / 8);
        buf_byte(out, (uint8_t)k);
        if (at + m < n)
            buf_varint(out, bytes);
        if (buf_reserve(out, bytes) != 0)
            return;
        encode_group(out->data + out->len, v + at, m, k);
        out->len += bytes;
    }
}

static void refill(rice_reader *r)
{
    if (r->bound - r->p >= 8) {
        rice_refill_fast(r);
        return;
    }
    while (r->nbits <= 56 && r->p < r->bound) {
        r->bits |= (uint64_t)*r->p++ << r->nbits;
        r->nbits += 8;
    }
}

uint64_t rice_load_tail(const uint8_t *p, const uint8_t *bound)
{
    uint64_t w = 0;
    for (unsigned i = 0; p + i < bound && i < 8; i++)
        w |= (uint64_t)p[i] << (8 * i);
    return w;
}

/* Where the bits read so far end: the loaded bytes not reached yet go back. */
static const uint8_t *read_end(const rice_reader *r, int *pad_ok)
{
    unsigned pad = r->nbits % 8;
    *pad_ok = (r->bits & ((1ull << pad) - 1)) == 0;
    return r->p - r->nbits / 8;
}

/* Reads a group's header: k, and its length unless it is the run's last;
 * then stands at its first quotient, after the low parts. A group before it
 * must have ended exactly at its length, padded with zeros. */
static int start_group(rice_reader *r)
{
    if (r->group_end != NULL) {
        int pad_ok;
        if (read_end(r, &pad_ok) != r->group_end || !pad_ok)
            return -1;
        r->p = r->group_end;
    }
    if (r->remaining == 0 || r->p >= r->limit || *r->p > RICE_MAX_K)
        return -1;
    r->k = *r->p++;
    r->left = r->remaining < RICE_GROUP ? (uint32_t)r->remaining : RICE_GROUP;
    r->remaining -= r->left;
    r->group_end = NULL;
    r->bound = r->limit;
    if (r->remaining > 0) {
        uint64_t len;
        if (varint_get64(&r->p, r->limit, &len) != 0 || len > (uint64_t)(r->limit - r->p))
            return -1;
        r->group_end = r->bound = r->p + len; /* a group's bits stay inside the group */
    }
    uint64_t low_bits = (uint64_t)r->left * r->k;
    if (low_bits >= 8 * (uint64_t)(r->bound - r->p)) /* the quotients need a bit at least */
        return -1;
    r->low = r->p;
    r->index = 0;
    r->p += low_bits / 8;
    r->bits = *r->p++ >> (low_bits % 8);
    r->nbits = 8 - (unsigned)(low_bits % 8);
    return 0;
}

void rice_start(rice_reader *r, const uint8_t *p, const uint8_t *end, uint64_t count)
{
    *r = (rice_reader){ .p = p, .bound = end, .limit = end, .remaining = count };
}

int rice_next_slow(rice_reader *r, uint32_t *v)
{
    if (r->left == 0 && start_group(r) != 0)
        return -1;
    uint64_t q = 0;
    for (;;) {
        if (r->nbits == 0)
            refill(r);
        if (r->nbits == 0)
            return -1;
        if (r->bits == 0) { /* a long quotient: all loaded bits are zeros */
            q += r->nbits;
            r->nbits = 0;
            continue;
        }
        unsigned z = (unsigned)__builtin_ctzll(r->bits);
        q += z;
        r->bits >>= z;
        r->bits >>= 1;
        r->nbits -= z + 1;
        break;
    }
    if (q > (UINT32_MAX >> r->k))
        return -1;
    *v = (uint32_t)(q << r->k) | rice_low(r, r->index);
    r->index++;
    r->left--;
    return 0;
}

/* Stores the values of the current group the inline path can take, with the
 * reader's state in locals: stores to `out` could otherwise alias it and
 * force every field through memory. Returns how many were taken; the caller
 * goes on with rice_next_slow for the rest. */
static uint32_t take_fast(rice_reader *r, uint32_t *out, uint64_t n)
{
    uint64_t bits = r->bits, mask = (1ull << r->k) - 1, at = (uint64_t)r->index * r->k;
    unsigned nbits = r->nbits, k = r->k;
    const uint8_t *p = r->p, *bound = r->bound, *low = r->low;
    uint32_t left = r->left, taken = 0;
    for (; taken < n && left > 0; at += k) {
        if (bits == 0 && bound - p >= 8) {
            bits |= le64_load(p) << nbits;
            p += (63 - nbits) >> 3;
            nbits |= 56;
            bits &= (1ull << nbits) - 1;
        }
        unsigned z = bits != 0 ? (unsigned)__builtin_ctzll(bits) : 64;
        if (z == 64 || z > (UINT32_MAX >> k))
            break;
        const uint8_t *q = low + (at >> 3);
        uint64_t w = bound - q >= 8 ? le64_load(q) : rice_load_tail(q, bound);
        out[taken] = (uint32_t)z << k | (uint32_t)((w >> (at & 7)) & mask);
        bits >>= z;
        bits >>= 1;
        nbits -= z + 1;
        left--;
        taken++;
    }
    r->bits = bits;
    r->nbits = nbits;
    r->p = p;
    r->left = left;
    r->index += taken;
    return taken;
}

int rice_read(rice_reader *r, uint32_t *out, uint32_t n)
{
    while (n > 0) {
        uint32_t got = take_fast(r, out, n);
        out += got;
        n -= got;
        if (n > 0) {
            if (rice_next_slow(r, out) != 0)
                return -1;
            out++;
            n--;
        }
    }
    return 0;
}

/* Moves past n <= r->left values of the current group: the low parts by
 * arithmetic, the quotients by counting their one bits, 56 at a time. */
static int skip_in_group(rice_reader *r, uint32_t n)
{
    r->index += n;
    r->left -= n;
    while (n > 0) {
        if (r->bits == 0) {
            r->nbits = 0;
            refill(r);
            if (r->nbits == 0)
                return -1;
            continue;
        }
        unsigned ones = (unsigned)__builtin_popcountll(r->bits);
        if (ones < n) {
            n -= ones;
            r->bits = 0;
            continue;
        }
        for (; n > 1; n--)
            r->bits &= r->bits - 1;
        unsigned z = (unsigned)__builtin_ctzll(r->bits);
        r->bits >>= z;
        r->bits >>= 1;
        r->nbits -= z + 1;
        n = 0;
    }
    return 0;
}

int rice_skip(rice_reader *r, uint64_t n)
{
    while (n > 0 && n >= r->left && (r->left > 0 ? r->group_end != NULL : r->remaining > 0)) {
        if (r->left > 0) { /* the rest of this group, by its length */
            n -= r->left;
            r->p = r->group_end;
            r->bits = 0;
            r->nbits = 0;
            r->left = 0;
            if (n == 0)
                return 0;
        }
        if (start_group(r) != 0)
            return -1;
    }
    if (n > r->left)
        return -1;
    return skip_in_group(r, (uint32_t)n);
}

const uint8_t *rice_run_end(const rice_reader *r)
{
    int pad_ok;
    const uint8_t *end = read_end(r, &pad_ok);
    return r->left > 0 || r->remaining > 0 || !pad_ok ? NULL : end;
}
