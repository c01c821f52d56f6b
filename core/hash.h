/* hash.h - a fast 64-bit hash of byte strings for in-memory tables (not stored). */
#ifndef CARI_CORE_HASH_H
#define CARI_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* FNV-1a over 8-byte words with a final mix: terms are short, so a simple word
 * loop beats anything cleverer. */
static inline uint64_t hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull ^ (len * 0x9e3779b97f4a7c15ull);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, len);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

#endif
