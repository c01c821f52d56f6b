/* full_block.c - see full_block.h. The SIMD sums check for a wrap from the
 * OR of their inputs, which bounds each value: only a block whose values
 * could add up past 2^32 takes a second, exact look. */
#include "core/full_block.h"

#include "core/pfor.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

int full_block_decode(bitpack_unpack_fn *unpack, const uint8_t *p, const uint8_t *end,
                      const uint8_t *readable, const uint8_t *widths, uint32_t prev_plus1,
                      uint32_t *docs, uint32_t *tfs, uint64_t *tf_sum)
{
    p = pfor_decode(unpack, p, end, readable, widths[0], docs);
    if (p != NULL)
        p = pfor_decode(unpack, p, end, readable, widths[1], tfs);
    if (p != end)
        return -1;
    *tf_sum = 0;
    int wrapped = full_block_docs(docs, prev_plus1);
    wrapped |= full_block_tfs(tfs, tf_sum);
    return wrapped ? -1 : 0;
}

int full_block_docs_scalar(uint32_t *v, uint32_t first)
{
    uint64_t next = first;
    for (unsigned i = 0; i < FULL_BLOCK; i++) {
        next += v[i];
        v[i] = (uint32_t)next++;
    }
    return next - 1 > UINT32_MAX;
}

int full_block_tfs_scalar(uint32_t *v, uint64_t *sum)
{
    uint64_t s = 0;
    uint32_t wrapped = 0;
    for (unsigned i = 0; i < FULL_BLOCK; i++) {
        uint32_t tf = v[i] + 1;
        wrapped |= tf == 0;
        s += tf;
        v[i] = tf;
    }
    *sum += s;
    return wrapped != 0;
}

#if defined(__SSE2__)

/* Whether docs made modulo 2^32 wrapped: each step adds 1 to 2^32, so the
 * first step that passes 2^32 makes the first doc not above the one before
 * it (for the first doc: below `first`). */
static int wrapped_docs(const uint32_t *v, uint32_t first)
{
    if (v[0] < first)
        return 1;
    for (unsigned i = 1; i < FULL_BLOCK; i++)
        if (v[i] <= v[i - 1])
            return 1;
    return 0;
}

static uint32_t or_lanes(__m128i any)
{
    any = _mm_or_si128(any, _mm_srli_si128(any, 8));
    any = _mm_or_si128(any, _mm_srli_si128(any, 4));
    return (uint32_t)_mm_cvtsi128_si32(any);
}

int full_block_docs(uint32_t *v, uint32_t first)
{
    __m128i *lanes = (__m128i *)(void *)v;
    const __m128i one = _mm_set1_epi32(1);
    __m128i carry = _mm_set1_epi32((int)(first - 1)), any = _mm_setzero_si128();
    for (unsigned k = 0; k < FULL_BLOCK / 4; k++) {
        __m128i gaps = _mm_loadu_si128(lanes + k);
        any = _mm_or_si128(any, gaps);
        __m128i x = _mm_add_epi32(gaps, one); /* sums within the 4 lanes */
        x = _mm_add_epi32(x, _mm_slli_si128(x, 4));
        x = _mm_add_epi32(x, _mm_slli_si128(x, 8));
        x = _mm_add_epi32(x, carry);
        _mm_storeu_si128(lanes + k, x);
        carry = _mm_shuffle_epi32(x, 0xFF); /* the last doc, in every lane */
    }
    uint64_t widest = or_lanes(any);
    if ((uint64_t)first + FULL_BLOCK * (widest + 1) - 1 <= UINT32_MAX)
        return 0;
    return wrapped_docs(v, first);
}

/* In 32-bit lanes, which cannot overflow while every value is below 2^24
 * (32 of them to a lane); a block with a wider one is summed again. */
int full_block_tfs(uint32_t *v, uint64_t *sum)
{
    __m128i *lanes = (__m128i *)(void *)v;
    const __m128i one = _mm_set1_epi32(1);
    __m128i any = _mm_setzero_si128(), total = _mm_setzero_si128();
    for (unsigned k = 0; k < FULL_BLOCK / 4; k++) {
        __m128i x = _mm_loadu_si128(lanes + k);
        any = _mm_or_si128(any, x);
        x = _mm_add_epi32(x, one);
        total = _mm_add_epi32(total, x);
        _mm_storeu_si128(lanes + k, x);
    }
    if (or_lanes(any) >> 24 != 0) {
        uint64_t s = 0;
        uint32_t wrapped = 0;
        for (unsigned i = 0; i < FULL_BLOCK; i++) {
            wrapped |= v[i] == 0;
            s += v[i];
        }
        *sum += s;
        return wrapped != 0;
    }
    total = _mm_add_epi32(total, _mm_srli_si128(total, 8));
    total = _mm_add_epi32(total, _mm_srli_si128(total, 4));
    *sum += (uint32_t)_mm_cvtsi128_si32(total);
    return 0;
}

#else

int full_block_docs(uint32_t *v, uint32_t first) { return full_block_docs_scalar(v, first); }
int full_block_tfs(uint32_t *v, uint64_t *sum) { return full_block_tfs_scalar(v, sum); }

#endif
