/* norms.c - Lucene-compatible length quantisation, so that BM25 scores can be
 * compared with Lucene's on the same lengths. */
#include "core/norms.h"

enum { NORM_FREE_VALUES = 24 }; /* 255 - int4(INT32_MAX) */

static uint32_t int4_encode(uint64_t i)
{
    unsigned bits = i == 0 ? 0 : 64 - (unsigned)__builtin_clzll(i);
    if (bits < 4)
        return (uint32_t)i;
    unsigned shift = bits - 4;
    return (uint32_t)((i >> shift) & 0x07) | ((shift + 1) << 3);
}

static uint64_t int4_decode(uint32_t i)
{
    uint64_t bits = i & 0x07;
    int shift = (int)(i >> 3) - 1;
    return shift == -1 ? bits : (bits | 0x08) << shift;
}

uint8_t norm_encode(uint32_t length)
{
    if (length > INT32_MAX)
        length = INT32_MAX;
    if (length < NORM_FREE_VALUES)
        return (uint8_t)length;
    return (uint8_t)(NORM_FREE_VALUES + int4_encode(length - NORM_FREE_VALUES));
}

uint32_t norm_decode(uint8_t norm)
{
    if (norm < NORM_FREE_VALUES)
        return norm;
    uint64_t v = NORM_FREE_VALUES + int4_decode((uint32_t)norm - NORM_FREE_VALUES);
    return v > INT32_MAX ? INT32_MAX : (uint32_t)v;
}
