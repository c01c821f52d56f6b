/* full_block.h - decoding a full postings block (docs/FORMAT.md, POSTINGS):
 * 128 doc gaps, then 128 frequencies less one, each a PFor block, into doc
 * numbers and frequencies. The SIMD decoders (full_block_simd.c) sum the
 * values as they unpack them, in registers: separate passes over the
 * unpacked values took longer than the unpacking. */
#ifndef CARI_CORE_FULL_BLOCK_H
#define CARI_CORE_FULL_BLOCK_H

#include <stdint.h>

#include "core/bitpack.h"

enum { FULL_BLOCK = BITPACK_BLOCK };

/* Decodes the block [p, end) whose PFor width bytes are widths[0] (gaps)
 * and widths[1] (frequencies), its first doc's gap counted from prev_plus1,
 * into docs[0..128) and tfs[0..128), and *tf_sum, the frequencies' sum.
 * Returns 0, or -1 when the bytes are not such a block (pfor_parse's checks,
 * or they end before `end`) or a doc or frequency passes 2^32 - 1; docs and
 * tfs are then of no use. Bytes up to `readable` may be read (pfor.h).
 * Every decoder gives the same values and answer for the same bytes. */
typedef int full_block_decode_fn(const uint8_t *p, const uint8_t *end, const uint8_t *readable,
                                 const uint8_t *widths, uint32_t prev_plus1, uint32_t *docs,
                                 uint32_t *tfs, uint64_t *tf_sum);

/* The decoder for an instruction set (BITPACK_AVX2: AVX2 and BMI2), NULL
 * when this CPU or build lacks it. */
full_block_decode_fn *full_block_decoder_for(enum bitpack_isa isa);

/* The fastest decoder this CPU runs; a caller asks once and keeps it. */
full_block_decode_fn *full_block_decoder(void);

/* The portable decoder (BITPACK_SCALAR's), one value at a time. */
int full_block_decode_scalar(const uint8_t *p, const uint8_t *end, const uint8_t *readable,
                             const uint8_t *widths, uint32_t prev_plus1, uint32_t *docs,
                             uint32_t *tfs, uint64_t *tf_sum);

/* Turns the gaps v[0..128) into docs in place, the first doc first + v[0],
 * each next one its gap plus one after the last (modulo 2^32). Returns 1
 * when the docs wrapped (the last doc, summed in 64 bits, is above
 * UINT32_MAX), else 0. */
int full_block_docs_scalar(uint32_t *v, uint32_t first);

/* Adds one to each of v[0..128) in place and their sum (in 64 bits) to *sum.
 * Returns 1 when one of them wrapped to 0, else 0. */
int full_block_tfs_scalar(uint32_t *v, uint64_t *sum);

/* Whether docs[0..128), made modulo 2^32 from `first`, wrapped: the exact
 * check when a block's widths cannot rule it out. */
int full_block_docs_wrapped(const uint32_t *docs, uint32_t first);

/* *sum = the sum of tfs[0..128) in 64 bits; returns 1 when one is 0 (a
 * frequency that wrapped), else 0. */
int full_block_tfs_sum(const uint32_t *tfs, uint64_t *sum);

#endif
