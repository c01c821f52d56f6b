/* bitpack_simd.c - SSE2 and AVX2 unpacking of the SIMD-BP128 layout, and the
 * choice among them by what the CPU has. One 128-bit load holds word w of the
 * four lanes, so a block unpacks with shifts and masks four values at a time;
 * each width gets its own fully unrolled body (the width is a constant in it,
 * core/bitpack_kernel.h).
 * The AVX2 variant is the same kernel compiled for AVX2 (VEX three-operand
 * forms, no register copies); both give exactly the scalar path's values. */
#include "core/bitpack.h"

#if defined(__x86_64__) || defined(__i386__)
#define BITPACK_HAVE_X86 1
#include <immintrin.h>

#include "core/bitpack_kernel.h"
#endif

#ifdef BITPACK_HAVE_X86

/* Stores each group of four values as it comes. */
#define UNPACK_BODY                                                                          \
    __m128i *dst = (__m128i *)(void *)out;                                                   \
    BITPACK_EACH_VECTOR(in, bits, v, k, _mm_storeu_si128(dst + k, v););

static inline __attribute__((always_inline)) void unpack_sse2_w(const uint8_t *in, uint32_t *out,
                                                                unsigned bits)
{
    UNPACK_BODY
}

__attribute__((target("avx2"))) static inline __attribute__((always_inline)) void
unpack_avx2_w(const uint8_t *in, uint32_t *out, unsigned bits)
{
    UNPACK_BODY
}

/* One case per width, so that every body is specialised for its constant. */
#define WIDTH_CASES(fn)                                                                       \
    case 1: fn(in, out, 1); break;   case 2: fn(in, out, 2); break;                           \
    case 3: fn(in, out, 3); break;   case 4: fn(in, out, 4); break;                           \
    case 5: fn(in, out, 5); break;   case 6: fn(in, out, 6); break;                           \
    case 7: fn(in, out, 7); break;   case 8: fn(in, out, 8); break;                           \
    case 9: fn(in, out, 9); break;   case 10: fn(in, out, 10); break;                         \
    case 11: fn(in, out, 11); break; case 12: fn(in, out, 12); break;                         \
    case 13: fn(in, out, 13); break; case 14: fn(in, out, 14); break;                         \
    case 15: fn(in, out, 15); break; case 16: fn(in, out, 16); break;                         \
    case 17: fn(in, out, 17); break; case 18: fn(in, out, 18); break;                         \
    case 19: fn(in, out, 19); break; case 20: fn(in, out, 20); break;                         \
    case 21: fn(in, out, 21); break; case 22: fn(in, out, 22); break;                         \
    case 23: fn(in, out, 23); break; case 24: fn(in, out, 24); break;                         \
    case 25: fn(in, out, 25); break; case 26: fn(in, out, 26); break;                         \
    case 27: fn(in, out, 27); break; case 28: fn(in, out, 28); break;                         \
    case 29: fn(in, out, 29); break; case 30: fn(in, out, 30); break;                         \
    case 31: fn(in, out, 31); break; default: fn(in, out, 32); break;

static void unpack_sse2(const uint8_t *in, unsigned bits, uint32_t *out)
{
    if (bits == 0) {
        bitpack_unpack128(in, 0, out);
        return;
    }
    switch (bits) { WIDTH_CASES(unpack_sse2_w) }
}

__attribute__((target("avx2"))) static void unpack_avx2(const uint8_t *in, unsigned bits,
                                                        uint32_t *out)
{
    if (bits == 0) {
        bitpack_unpack128(in, 0, out);
        return;
    }
    switch (bits) { WIDTH_CASES(unpack_avx2_w) }
}

#endif

bitpack_unpack_fn *bitpack_unpacker_for(enum bitpack_isa isa)
{
    switch (isa) {
    case BITPACK_SCALAR: return bitpack_unpack128;
#ifdef BITPACK_HAVE_X86
    case BITPACK_SSE2: return unpack_sse2; /* part of x86-64 */
    case BITPACK_AVX2: /* the init is idempotent, and needed before constructors ran */
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") ? unpack_avx2 : NULL;
#else
    case BITPACK_SSE2:
    case BITPACK_AVX2: return NULL;
#endif
    }
    return NULL;
}

bitpack_unpack_fn *bitpack_unpacker(void)
{
    bitpack_unpack_fn *fn = bitpack_unpacker_for(BITPACK_AVX2);
    if (fn == NULL)
        fn = bitpack_unpacker_for(BITPACK_SSE2);
    return fn != NULL ? fn : bitpack_unpack128;
}
