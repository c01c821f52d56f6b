/* bitpack.h - blocks of 128 integers bit-packed in the 4-lane vertical layout
 * of SIMD-BP128 (docs/FORMAT.md, POSTINGS). */
#ifndef CARI_CORE_BITPACK_H
#define CARI_CORE_BITPACK_H

#include <stddef.h>
#include <stdint.h>

enum { BITPACK_BLOCK = 128 };

/* Bytes taken by one block packed at `bits` bits (0..32). */
static inline size_t bitpack_size(unsigned bits) { return (size_t)bits * 16; }

/* The fewest bits that hold every value of in[0..n). */
unsigned bitpack_width(const uint32_t *in, size_t n);

/* Packs in[0..128) at `bits` bits into out[0..bitpack_size(bits)); values must fit. */
void bitpack_pack128(const uint32_t *in, unsigned bits, uint8_t *out);

/* Unpacks one block packed at `bits` bits into out[0..128). */
void bitpack_unpack128(const uint8_t *in, unsigned bits, uint32_t *out);

/* Unpackers with the signature of bitpack_unpack128, each giving its values. */
typedef void bitpack_unpack_fn(const uint8_t *in, unsigned bits, uint32_t *out);
enum bitpack_isa { BITPACK_SCALAR, BITPACK_SSE2, BITPACK_AVX2 };

/* The unpacker for an instruction set, NULL when this CPU or build lacks it. */
bitpack_unpack_fn *bitpack_unpacker_for(enum bitpack_isa isa);

/* The fastest unpacker this CPU runs; a caller asks once and keeps it. */
bitpack_unpack_fn *bitpack_unpacker(void);

#endif
