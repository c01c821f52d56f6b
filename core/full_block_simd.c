/* full_block_simd.c - SSE2 and AVX2 decoders of full blocks (full_block.h),
 * and the choice among them by what the CPU has. Each unpacks a block's gaps
 * and frequencies with a routine of its width (core/bitpack_kernel.h) that
 * sums them while they are in a register: the docs' running sum, the
 * frequencies' total. The gaps' exceptions cannot wait until after the sum:
 * they go first, into docs filled with ones (the one a gap lacks), which the
 * docs' routine adds to the gaps it unpacks; the frequencies' routine runs in
 * between, so that the exceptions' scalar stores are written by the time the
 * docs' vector loads read them (a load over a store still in flight waits).
 * The frequencies' exceptions are added after their routine, to the few
 * values they change. The AVX2 variant is the same code compiled for AVX2
 * (VEX three-operand forms, no register copies; two groups a shift, 256-bit
 * fills) and its areas' patch for BMI2 (core/pfor_area.h). */
#include "core/full_block.h"

#include "core/pfor.h"
#include "core/pfor_area.h"

#if defined(__x86_64__) || defined(__i386__)
#define FULL_BLOCK_HAVE_X86 1
#include <immintrin.h>

#include "core/bitpack_kernel.h"
#endif

#ifdef FULL_BLOCK_HAVE_X86

/* docs[4k..4k+3] from the gaps packed at `bits` in `in` plus exc[4k..4k+3]
 * (exceptions plus one; exc may be docs): the sum within the four lanes,
 * then the last doc before them, in every lane. The empty asm keeps the
 * compiler from adding the carry first, which made the chain from one group
 * to the next three instructions long instead of two. */
#define DOCS_BODY                                                                   \
    const __m128i *ex = (const __m128i *)(const void *)exc;                         \
    __m128i *dst = (__m128i *)(void *)docs;                                         \
    __m128i carry = _mm_set1_epi32((int)(first - 1));                               \
    BITPACK_EACH_VECTOR(in, bits, v, k,                                             \
                        __m128i x = _mm_add_epi32(v, _mm_loadu_si128(ex + k));      \
                        x = _mm_add_epi32(x, _mm_slli_si128(x, 4));                 \
                        x = _mm_add_epi32(x, _mm_slli_si128(x, 8));                 \
                        __asm__("" : "+x"(x)); x = _mm_add_epi32(x, carry);         \
                        _mm_storeu_si128(dst + k, x); carry = _mm_shuffle_epi32(x, 0xFF););

/* tfs[] from the frequencies less one packed at `bits` in `in` plus exc[]
 * (ones); returns their sum in 32 bits (the caller knows when it cannot
 * have wrapped). The empty asm keeps the sum one add a group: a tree of
 * them ran out of registers. */
#define TFS_BODY                                                                    \
    const __m128i *ex = (const __m128i *)(const void *)exc;                         \
    __m128i *dst = (__m128i *)(void *)tfs;                                          \
    __m128i total = _mm_setzero_si128();                                            \
    BITPACK_EACH_VECTOR(in, bits, v, k,                                             \
                        __m128i x = _mm_add_epi32(v, _mm_loadu_si128(ex + k));      \
                        total = _mm_add_epi32(total, x); __asm__("" : "+x"(total)); \
                        _mm_storeu_si128(dst + k, x););                             \
    total = _mm_add_epi32(total, _mm_srli_si128(total, 8));                         \
    total = _mm_add_epi32(total, _mm_srli_si128(total, 4));                         \
    return (uint32_t)_mm_cvtsi128_si32(total);

/* The AVX2 routines, two groups at a time (BITPACK_EACH_PAIR): the sums
 * within each group of four, then the second group's plus the first's
 * last, then the carry. The carry's next value adds the pair's last sum
 * to it, off the chain from one pair to the next (one add long). */
#define DOCS_BODY_AVX2                                                              \
    const __m256i *ex = (const __m256i *)(const void *)exc;                         \
    __m256i *dst = (__m256i *)(void *)docs;                                         \
    const __m256i last = _mm256_set1_epi32(7);                                      \
    __m256i carry = _mm256_set1_epi32((int)(first - 1));                            \
    BITPACK_EACH_PAIR(in, bits, v, j,                                               \
                      __m256i x = _mm256_add_epi32(v, _mm256_loadu_si256(ex + j));  \
                      x = _mm256_add_epi32(x, _mm256_slli_si256(x, 4));             \
                      x = _mm256_add_epi32(x, _mm256_slli_si256(x, 8));             \
                      __m256i t = _mm256_shuffle_epi32(x, 0xFF);                    \
                      x = _mm256_add_epi32(x, _mm256_permute2x128_si256(t, t, 0x08)); \
                      _mm256_storeu_si256(dst + j, _mm256_add_epi32(x, carry));     \
                      carry = _mm256_add_epi32(carry, _mm256_permutevar8x32_epi32(x, last)););

#define TFS_BODY_AVX2                                                               \
    const __m256i *ex = (const __m256i *)(const void *)exc;                         \
    __m256i *dst = (__m256i *)(void *)tfs;                                          \
    __m256i total = _mm256_setzero_si256();                                         \
    BITPACK_EACH_PAIR(in, bits, v, j,                                               \
                      __m256i x = _mm256_add_epi32(v, _mm256_loadu_si256(ex + j));  \
                      total = _mm256_add_epi32(total, x); __asm__("" : "+x"(total)); \
                      _mm256_storeu_si256(dst + j, x););                            \
    __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(total),                      \
                                _mm256_extracti128_si256(total, 1));                \
    sum = _mm_add_epi32(sum, _mm_srli_si128(sum, 8));                               \
    sum = _mm_add_epi32(sum, _mm_srli_si128(sum, 4));                               \
    return (uint32_t)_mm_cvtsi128_si32(sum);

typedef void docs_kernel(const uint8_t *in, const uint32_t *exc, uint32_t first, uint32_t *docs);
typedef uint32_t tfs_kernel(const uint8_t *in, const uint32_t *exc, uint32_t *tfs);

#define AVX2 __attribute__((target("avx2")))

/* The routines of width b, a constant in each. */
#define KERNELS(b)                                                                         \
    static void docs_sse2_##b(const uint8_t *in, const uint32_t *exc, uint32_t first,      \
                              uint32_t *docs)                                              \
    {                                                                                      \
        const unsigned bits = b;                                                           \
        DOCS_BODY                                                                          \
    }                                                                                      \
    AVX2 static void docs_avx2_##b(const uint8_t *in, const uint32_t *exc, uint32_t first, \
                                   uint32_t *docs)                                         \
    {                                                                                      \
        const unsigned bits = b;                                                           \
        DOCS_BODY_AVX2                                                                     \
    }                                                                                      \
    static uint32_t tfs_sse2_##b(const uint8_t *in, const uint32_t *exc, uint32_t *tfs)    \
    {                                                                                      \
        const unsigned bits = b;                                                           \
        TFS_BODY                                                                           \
    }                                                                                      \
    AVX2 static uint32_t tfs_avx2_##b(const uint8_t *in, const uint32_t *exc,              \
                                      uint32_t *tfs)                                       \
    {                                                                                      \
        const unsigned bits = b;                                                           \
        TFS_BODY_AVX2                                                                      \
    }
BITPACK_WIDTHS(KERNELS)

static void fill_ones_sse2(uint32_t *out)
{
    _Pragma("GCC unroll 32") for (unsigned i = 0; i < FULL_BLOCK / 4; i++)
        _mm_storeu_si128((__m128i *)(void *)out + i, _mm_set1_epi32(1));
}

AVX2 static void fill_ones_avx2(uint32_t *out)
{
    _Pragma("GCC unroll 16") for (unsigned i = 0; i < FULL_BLOCK / 8; i++)
        _mm256_storeu_si256((__m256i *)(void *)out + i, _mm256_set1_epi32(1));
}

struct kernels {
    docs_kernel *docs[33];
    tfs_kernel *tfs[33];
    void (*fill_ones)(uint32_t *out);
};
#define DOCS_SSE2(b) docs_sse2_##b,
#define TFS_SSE2(b) tfs_sse2_##b,
#define DOCS_AVX2(b) docs_avx2_##b,
#define TFS_AVX2(b) tfs_avx2_##b,
static const struct kernels sse2_kernels = { { BITPACK_WIDTHS(DOCS_SSE2) },
                                             { BITPACK_WIDTHS(TFS_SSE2) },
                                             fill_ones_sse2 };
static const struct kernels avx2_kernels = { { BITPACK_WIDTHS(DOCS_AVX2) },
                                             { BITPACK_WIDTHS(TFS_AVX2) },
                                             fill_ones_avx2 };

/* The exceptions plus one of values that have none. */
#define ONES_8 1, 1, 1, 1, 1, 1, 1, 1
#define ONES_32 ONES_8, ONES_8, ONES_8, ONES_8
static const uint32_t ones[FULL_BLOCK] = { ONES_32, ONES_32, ONES_32, ONES_32 };

/* Whether the docs may have passed 2^32 - 1: the last is at most first - 1
 * plus 128 gaps and ones, each gap below 2^b plus what the exceptions add. */
static int docs_may_wrap(uint32_t first, unsigned b, uint64_t exceptions)
{
    return (uint64_t)first + ((uint64_t)FULL_BLOCK << b) + exceptions > (uint64_t)UINT32_MAX + 1;
}

/* Whether the frequencies' sum in 32 bits may be wrong: 128 values below
 * 2^24 add up in 32 bits; no frequency passes 2^32 - 1 while 2^b plus all
 * that the exceptions added stays below 2^32. */
static int tfs_may_wrap(unsigned b, uint64_t exceptions)
{
    return b > 24 || ((uint64_t)1 << b) + exceptions > UINT32_MAX;
}

/* pfor_area_add, inline where the area has room after it. */
static inline __attribute__((always_inline)) uint64_t
add_area(const struct pfor_area *area, unsigned b, const uint8_t *readable, uint32_t *out)
{
    if (!pfor_area_has_slack(area, readable))
        return pfor_area_add(area, b, readable, out);
    return pfor_area_add_inline(area, b, out);
}

static inline __attribute__((always_inline)) int
decode(const struct kernels *k, const uint8_t *p, const uint8_t *end, const uint8_t *readable,
       const uint8_t *widths, uint32_t prev_plus1, uint32_t *docs, uint32_t *tfs,
       uint64_t *tf_sum)
{
    struct pfor_area doc_area, tf_area;
    const uint8_t *tf_start = pfor_parse(p, end, widths[0], &doc_area);
    if (tf_start == NULL || pfor_parse(tf_start, end, widths[1], &tf_area) != end)
        return -1;
    unsigned doc_bits = widths[0] & PFOR_WIDTH_MASK, tf_bits = widths[1] & PFOR_WIDTH_MASK;
    const uint32_t *doc_ones = ones;
    uint64_t doc_high = 0, tf_high = 0;
    if (doc_area.n > 0) {
        k->fill_ones(docs);
        doc_high = add_area(&doc_area, doc_bits, readable, docs);
        doc_ones = docs;
    }
    uint32_t total = k->tfs[tf_bits](tf_start, ones, tfs);
    if (tf_area.n > 0)
        tf_high = add_area(&tf_area, tf_bits, readable, tfs);
    k->docs[doc_bits](p, doc_ones, prev_plus1, docs);
    if (docs_may_wrap(prev_plus1, doc_bits, doc_high) && full_block_docs_wrapped(docs, prev_plus1))
        return -1;
    if (tfs_may_wrap(tf_bits, tf_high))
        return full_block_tfs_sum(tfs, tf_sum) ? -1 : 0;
    *tf_sum = (uint64_t)total + tf_high;
    return 0;
}

static int decode_sse2(const uint8_t *p, const uint8_t *end, const uint8_t *readable,
                       const uint8_t *widths, uint32_t prev_plus1, uint32_t *docs, uint32_t *tfs,
                       uint64_t *tf_sum)
{
    return decode(&sse2_kernels, p, end, readable, widths, prev_plus1, docs, tfs, tf_sum);
}

/* With BMI2, which every AVX2 CPU but a few has, for the areas' shifts. */
__attribute__((target("avx2,bmi2"))) static int
decode_avx2(const uint8_t *p, const uint8_t *end, const uint8_t *readable, const uint8_t *widths,
            uint32_t prev_plus1, uint32_t *docs, uint32_t *tfs, uint64_t *tf_sum)
{
    return decode(&avx2_kernels, p, end, readable, widths, prev_plus1, docs, tfs, tf_sum);
}

#endif

full_block_decode_fn *full_block_decoder_for(enum bitpack_isa isa)
{
    switch (isa) {
    case BITPACK_SCALAR: return full_block_decode_scalar;
#ifdef FULL_BLOCK_HAVE_X86
    case BITPACK_SSE2: return decode_sse2; /* part of x86-64 */
    case BITPACK_AVX2: /* the init is idempotent, and needed before constructors ran */
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") ? decode_avx2
                                                                                 : NULL;
#else
    case BITPACK_SSE2:
    case BITPACK_AVX2: return NULL;
#endif
    }
    return NULL;
}

full_block_decode_fn *full_block_decoder(void)
{
    full_block_decode_fn *fn = full_block_decoder_for(BITPACK_AVX2);
    if (fn == NULL)
        fn = full_block_decoder_for(BITPACK_SSE2);
    return fn != NULL ? fn : full_block_decode_scalar;
}
