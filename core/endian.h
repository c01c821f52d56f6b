/* endian.h - little-endian loads and stores that work at any alignment, and
 * keys' first bytes as big-endian numbers. The compiler turns the memcpy into
 * one move on little-endian machines. */
#ifndef CARI_CORE_ENDIAN_H
#define CARI_CORE_ENDIAN_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define CARI_BIG_ENDIAN 1
#else
#define CARI_BIG_ENDIAN 0
#endif

static inline uint32_t le32_load(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if CARI_BIG_ENDIAN
    v = __builtin_bswap32(v);
#endif
    return v;
}

static inline uint64_t le64_load(const void *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if CARI_BIG_ENDIAN
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void le32_store(void *p, uint32_t v)
{
#if CARI_BIG_ENDIAN
    v = __builtin_bswap32(v);
#endif
    memcpy(p, &v, 4);
}

static inline void le64_store(void *p, uint64_t v)
{
#if CARI_BIG_ENDIAN
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, 8);
}

/* The first 8 bytes of key[0..len) as a big-endian number, zeros past len:
 * numbers in the keys' byte order, so that sorts and searches compare keys
 * by one integer and read their bytes only on ties. */
static inline uint64_t be64_prefix(const void *key, size_t len)
{
    const uint8_t *k = key;
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | (i < len ? k[i] : 0);
    return v;
}

#endif
