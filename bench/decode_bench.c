/* decode_bench.c - block decoding speed: billions of integers unpacked per
 * second on one core, per unpacker (scalar, SSE2, AVX2) and bit width, then
 * PFor blocks (core/pfor.h) with the fastest unpacker and 0 to 32 exceptions
 * per block, against plain unpacking at the width the widest value needs. The
 * blocks (256 KiB of them per width at most) stay in the L2 cache, as a hot
 * posting list does; the clock is the thread's CPU time around whole passes
 * (per core, and steady on a machine other processes share).
 * Usage: decode_bench [MILLISECONDS_PER_MEASURE]   (default 200) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/bitpack.h"
#include "core/pfor.h"

enum { BLOCKS = 512 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Integers per second unpacking `BLOCKS` blocks at `bits`, repeated for ms. */
static double measure(bitpack_unpack_fn *fn, const uint8_t *packed, unsigned bits, double ms,
                      uint32_t *sink)
{
    uint32_t out[BITPACK_BLOCK];
    size_t size = bitpack_size(bits);
    long passes = 0;
    double t0 = now(), t;
    do {
        for (size_t b = 0; b < BLOCKS; b++) {
            fn(packed + b * size, bits, out);
            *sink += out[b % BITPACK_BLOCK];
        }
        passes++;
    } while ((t = now()) - t0 < ms / 1000.0);
    return (double)passes * BLOCKS * BITPACK_BLOCK / (t - t0);
}

/* Integers per second decoding `BLOCKS` PFor blocks of `stride` bytes each,
 * coded at `width`, repeated for ms. */
static double measure_pfor(bitpack_unpack_fn *fn, const uint8_t *coded, size_t stride,
                           const size_t *sizes, uint8_t width, double ms, uint32_t *sink)
{
    uint32_t out[BITPACK_BLOCK];
    long passes = 0;
    double t0 = now(), t;
    do {
        for (size_t b = 0; b < BLOCKS; b++) {
            const uint8_t *p = coded + b * stride;
            *sink += pfor_decode(fn, p, p + sizes[b], p + stride, width, out) == p + sizes[b];
            *sink += out[b % BITPACK_BLOCK];
        }
        passes++;
    } while ((t = now()) - t0 < ms / 1000.0);
    return (double)passes * BLOCKS * BITPACK_BLOCK / (t - t0);
}

/* Blocks of `bits`-bit values but `exceptions` of them 6 bits wider (the
 * shape of doc gaps and frequencies): PFor at base `bits`, and plain packing
 * at bits + 6 as format 3 stored them; billions of integers per second. */
static void pfor_row(unsigned bits, const unsigned *counts, size_t ncounts, double ms,
                     uint64_t *x, uint32_t *sink, uint8_t *buffer)
{
    bitpack_unpack_fn *fn = bitpack_unpacker();
    enum { STRIDE = 1024 };
    static size_t sizes[BLOCKS];
    uint32_t in[BITPACK_BLOCK];
    printf("%u\t%.2f\t%.2f", bits, measure(fn, buffer, bits, ms, sink) / 1e9,
           measure(fn, buffer, bits + 6, ms, sink) / 1e9);
    for (size_t k = 0; k < ncounts; k++) {
        uint8_t width = (uint8_t)(bits | (counts[k] ? PFOR_PATCHED : 0));
        for (size_t b = 0; b < BLOCKS; b++) {
            for (unsigned i = 0; i < BITPACK_BLOCK; i++) {
                *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
                in[i] = (uint32_t)*x & ((1u << bits) - 1);
            }
            for (unsigned e = 0; e < counts[k]; e++) /* spread over the block */
                in[(e * 131 + b) % BITPACK_BLOCK] |= (uint32_t)(1 + (*x >> 40) % 63) << bits;
            uint8_t *p = buffer + b * STRIDE;
            pfor_encode(in, width, p);
            uint32_t out[BITPACK_BLOCK]; /* its size: where the decoder stops */
            const uint8_t *stop = pfor_decode(fn, p, p + STRIDE, p + STRIDE, width, out);
            sizes[b] = stop != NULL ? (size_t)(stop - p) : 0;
        }
        printf("\t%.2f", measure_pfor(fn, buffer, STRIDE, sizes, width, ms, sink) / 1e9);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    double ms = argc > 1 ? atof(argv[1]) : 200;
    static const char *names[] = { "scalar", "sse2", "avx2" };
    uint8_t *packed = malloc((size_t)BLOCKS * bitpack_size(32));
    uint32_t in[BITPACK_BLOCK], sink = 0;
    uint64_t x = 88172645463325252ull;
    if (packed == NULL)
        return 1;
    printf("bits");
    for (int isa = 0; isa < 3; isa++)
        printf("\t%s", names[isa]);
    printf("\t(billions of integers per second)\n");
    double sum[3] = { 0 };
    for (unsigned bits = 1; bits <= 32; bits++) {
        for (size_t b = 0; b < BLOCKS; b++) {
            for (unsigned i = 0; i < BITPACK_BLOCK; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                in[i] = (uint32_t)x & (bits == 32 ? 0xFFFFFFFFu : (1u << bits) - 1);
            }
            bitpack_pack128(in, bits, packed + b * bitpack_size(bits));
        }
        printf("%u", bits);
        for (int isa = 0; isa < 3; isa++) {
            bitpack_unpack_fn *fn = bitpack_unpacker_for((enum bitpack_isa)isa);
            double rate = fn != NULL ? measure(fn, packed, bits, ms, &sink) : 0;
            sum[isa] += rate;
            printf(fn != NULL ? "\t%.2f" : "\t-", rate / 1e9);
        }
        printf("\n");
    }
    printf("mean");
    for (int isa = 0; isa < 3; isa++)
        printf("\t%.2f", sum[isa] / 32 / 1e9);
    printf("\n");
    static const unsigned counts[] = { 0, 4, 9, 16, 32 };
    uint8_t *coded = calloc(BLOCKS, 1024);
    if (coded == NULL)
        return 1;
    printf("base\tbase\tbase+6\tpfor 0\tpfor 4\tpfor 9\tpfor 16\tpfor 32 exceptions"
           "\t(fastest unpacker, billions of integers per second)\n");
    for (unsigned bits = 1; bits <= 12; bits++)
        pfor_row(bits, counts, sizeof counts / sizeof *counts, ms, &x, &sink, coded);
    printf("(checksum %u)\n", sink);
    free(coded);
    free(packed);
    return 0;
}
