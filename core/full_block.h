/* full_block.h - decoding a full postings block (docs/FORMAT.md, POSTINGS):
 * 128 doc gaps, then 128 frequencies less one, each a PFor block, into doc
 * numbers and frequencies. The sums run four lanes at a time with SSE2: the
 * scalar sum's two dependent adds per doc took longer than unpacking. */
#ifndef CARI_CORE_FULL_BLOCK_H
#define CARI_CORE_FULL_BLOCK_H

#include <stdint.h>

#include "core/bitpack.h"

enum { FULL_BLOCK = BITPACK_BLOCK };

/* Decodes the block [p, end) whose PFor width bytes are widths[0] (gaps)
 * and widths[1] (frequencies), its first doc's gap counted from prev_plus1,
 * into docs[0..128) and tfs[0..128), and *tf_sum, the frequencies' sum.
 * Returns 0, or -1 when the bytes are not such a block (pfor_decode's
 * checks, or they end before `end`) or a doc or frequency passes 2^32 - 1.
 * Bytes up to `readable` may be read (pfor.h). */
int full_block_decode(bitpack_unpack_fn *unpack, const uint8_t *p, const uint8_t *end,
                      const uint8_t *readable, const uint8_t *widths, uint32_t prev_plus1,
                      uint32_t *docs, uint32_t *tfs, uint64_t *tf_sum);

/* Turns the gaps v[0..128) into docs in place, the first doc first + v[0],
 * each next one its gap plus one after the last (modulo 2^32). Returns 1
 * when the docs wrapped (the last doc, summed in 64 bits, is above
 * UINT32_MAX), else 0. */
int full_block_docs(uint32_t *v, uint32_t first);

/* Adds one to each of v[0..128) in place and their sum (in 64 bits) to *sum.
 * Returns 1 when one of them wrapped to 0, else 0. */
int full_block_tfs(uint32_t *v, uint64_t *sum);

/* The same two one value at a time, on any CPU: what the tests hold them to. */
int full_block_docs_scalar(uint32_t *v, uint32_t first);
int full_block_tfs_scalar(uint32_t *v, uint64_t *sum);

#endif
