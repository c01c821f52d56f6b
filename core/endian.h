/* endian.h - little-endian loads and stores that work at any alignment.
 * The compiler turns the memcpy into one move on little-endian machines. */
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

#endif
