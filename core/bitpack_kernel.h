/* bitpack_kernel.h - the SIMD-BP128 unpacking loop (docs/FORMAT.md, POSTINGS)
 * for x86 code that includes <immintrin.h>, as a macro: the plain unpackers
 * (bitpack_simd.c) store each group of four values, the full-block decoders
 * (full_block_simd.c) sum them on the spot, while they are in a register.
 * With `bits` a constant the loop unrolls into shifts and masks alone. */
#ifndef CARI_CORE_BITPACK_KERNEL_H
#define CARI_CORE_BITPACK_KERNEL_H

/* Runs BODY (the variadic part) for k = 0..31 with `v` values 4k..4k+3 of
 * the block packed at `bits` (0 to 32) from `in`; reads no byte of `in`
 * when bits is 0. One 128-bit load holds word w of the four lanes. */
#define BITPACK_EACH_VECTOR(in, bits, v, k, ...)                                               \
    do {                                                                                       \
        const __m128i *src_ = (const __m128i *)(const void *)(in);                             \
        const __m128i mask_ =                                                                  \
            _mm_set1_epi32((int)((bits) >= 32 ? 0xFFFFFFFFu : (1u << (bits)) - 1));            \
        __m128i cur_ = (bits) == 0 ? _mm_setzero_si128() : _mm_loadu_si128(src_++);            \
        unsigned shift_ = 0;                                                                   \
        _Pragma("GCC unroll 32") for (unsigned k = 0; k < 32; k++)                             \
        {                                                                                      \
            __m128i v = _mm_setzero_si128();                                                   \
            if ((bits) > 0) {                                                                  \
                v = _mm_srli_epi32(cur_, (int)shift_);                                         \
                if (shift_ + (bits) > 32) { /* the value straddles two words */                \
                    cur_ = _mm_loadu_si128(src_++);                                            \
                    v = _mm_or_si128(v, _mm_slli_epi32(cur_, (int)(32 - shift_)));             \
                    shift_ = shift_ + (bits) - 32;                                             \
                } else {                                                                       \
                    shift_ += (bits);                                                          \
                    if (shift_ == 32 && k < 31) {                                              \
                        cur_ = _mm_loadu_si128(src_++);                                        \
                        shift_ = 0;                                                            \
                    }                                                                          \
                }                                                                              \
                if ((bits) < 32)                                                               \
                    v = _mm_and_si128(v, mask_);                                               \
            }                                                                                  \
            __VA_ARGS__                                                                        \
        }                                                                                      \
    } while (0)

/* The same for AVX2 code, two groups at a time: BODY runs for j = 0..15 with
 * `v` (__m256i) values 8j..8j+7, groups 2j and 2j+1. Their words are one
 * 128-bit load apart at most, so one 256-bit load (or a broadcast) and a
 * shift by lane give both: half the shifts of two groups one by one. The
 * groups' bit offsets o0 = 2j bits and o1 = o0 + bits, constants once the
 * loop is unrolled, name their words w = o / 32 and shifts s = o % 32; a
 * value that straddles into word w + 1 takes its high bits from there (a
 * shift by 32 or more gives 0 in the half that does not). No word after
 * the block's is read. */
#define BITPACK_EACH_PAIR(in, bits, v, j, ...)                                                 \
    do {                                                                                       \
        const __m128i *words_ = (const __m128i *)(const void *)(in);                           \
        const __m256i mask_ =                                                                  \
            _mm256_set1_epi32((int)((bits) >= 32 ? 0xFFFFFFFFu : (1u << (bits)) - 1));         \
        _Pragma("GCC unroll 16") for (unsigned j = 0; j < 16; j++)                             \
        {                                                                                      \
            __m256i v = _mm256_setzero_si256();                                                \
            if ((bits) > 0) {                                                                  \
                const unsigned o0_ = 2 * j * (bits), o1_ = o0_ + (bits);                       \
                const unsigned w0_ = o0_ / 32, s0_ = o0_ % 32, w1_ = o1_ / 32, s1_ = o1_ % 32; \
                v = _mm256_srlv_epi32(bitpack_words(words_ + w0_, w1_ == w0_),                 \
                                      bitpack_counts((int)s0_, (int)s1_));                     \
                const int over0_ = s0_ + (bits) > 32, over1_ = s1_ + (bits) > 32;              \
                if (over0_ || over1_) {                                                        \
                    __m256i high_ = bitpack_words(words_ + w0_ + 1, w1_ == w0_ || !over1_);    \
                    v = _mm256_or_si256(                                                       \
                        v, _mm256_sllv_epi32(high_, bitpack_counts(over0_ ? 32 - (int)s0_ : 32, \
                                                                   over1_ ? 32 - (int)s1_ : 32))); \
                }                                                                              \
                if ((bits) < 32)                                                               \
                    v = _mm256_and_si256(v, mask_);                                            \
            }                                                                                  \
            __VA_ARGS__                                                                        \
        }                                                                                      \
    } while (0)

/* Word w and w + 1 of the lanes (p points at w), or word w twice. */
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) __m256i
bitpack_words(const __m128i *p, int twice)
{
    return twice ? _mm256_broadcastsi128_si256(_mm_loadu_si128(p))
                 : _mm256_loadu_si256((const __m256i *)(const void *)p);
}

/* Shift counts: a for the first group's four lanes, b for the second's. */
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) __m256i
bitpack_counts(int a, int b)
{
    return _mm256_setr_epi32(a, a, a, a, b, b, b, b);
}

/* X(b) for every width b, 0 to 32: one function, or one table entry, each. */
#define BITPACK_WIDTHS(X)                                                                      \
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)      \
    X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29)        \
    X(30) X(31) X(32)

#endif
