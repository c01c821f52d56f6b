/* hash.h - a fast 64-bit hash of byte strings for in-memory tables (not stored),
 * and the short-string comparison those tables use. */
#ifndef CARI_CORE_HASH_H
#define CARI_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/endian.h"

/* The last `n` (1..7) bytes before `end` of a string of `total` >= n bytes, as
 * the low bytes of a little-endian word (the rest zero). Loads that overlap
 * inside the string, never a byte-wise copy: a byte loop into a word that is
 * read back at once stalls the load on the stores (store forwarding fails),
 * which cost more than the rest of the hash. */
static inline uint64_t hash_tail(const unsigned char *p, size_t n, size_t total)
{
    if (total >= 8)
        return le64_load(p + n - 8) >> (64 - 8 * n);
    if (n >= 4)
        return (uint64_t)le32_load(p) | (uint64_t)le32_load(p + n - 4) << (8 * (n - 4));
    return (uint64_t)p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) | (uint64_t)p[n - 1] << (8 * (n - 1));
}

/* FNV-1a over 8-byte little-endian words with a final mix: terms are short,
 * so a simple word loop beats anything cleverer. */
static inline uint64_t hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t total = len;
    uint64_t h = 0xcbf29ce484222325ull ^ (len * 0x9e3779b97f4a7c15ull);
    while (len >= 8) {
        h = (h ^ le64_load(p)) * 0x100000001b3ull;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    uint64_t w = len > 0 ? hash_tail(p, len, total) : 0;
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

/* Whether a[0..n) == b[0..n), for the short keys of the hash tables: a few
 * overlapping loads instead of a call, longer keys by memcmp. */
static inline int hash_same_bytes(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    if (n > 16)
        return memcmp(x, y, n) == 0;
    if (n >= 8)
        return ((le64_load(x) ^ le64_load(y)) | (le64_load(x + n - 8) ^ le64_load(y + n - 8))) == 0;
    if (n >= 4)
        return ((le32_load(x) ^ le32_load(y)) | (le32_load(x + n - 4) ^ le32_load(y + n - 4))) == 0;
    if (n == 0)
        return 1;
    return x[0] == y[0] && x[n / 2] == y[n / 2] && x[n - 1] == y[n - 1];
}

#endif
