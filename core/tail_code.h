/* tail_code.h - the code of a postings tail block (docs/FORMAT.md, POSTINGS):
 * fewer than 128 documents, each a doc gap Rice-coded with a parameter k the
 * reader derives from the count and the documents left (no header), then its
 * frequency in Elias gamma. Rare terms' gaps are large and spread: a k that
 * follows the expected gap costs about log2(gap) + 1.5 bits, where a varint
 * rounds up to whole bytes (the tails were a quarter of POSTINGS). */
#ifndef CARI_CORE_TAIL_CODE_H
#define CARI_CORE_TAIL_CODE_H

#include <stdint.h>

#include "core/buf.h"

/* A gap whose quotient reaches this is escaped: this many zero bits, a one,
 * then the gap in 32 bits, so that no gap costs more than 57 bits. */
enum { TAIL_ESCAPE_QUOTIENT = 24 };

/* The Rice parameter of n gaps spread over `span` documents: the largest k
 * (at most 30) with n * 2^(k+1) <= span, 0 when there is none. */
unsigned tail_k(uint32_t n, uint64_t span);

/* Appends docs[0..n) (increasing, from prev_plus1 on, below ndocs) and their
 * frequencies (>= 1) to `out`, padded with zero bits to a whole byte. */
void tail_encode(buf *out, const uint32_t *docs, const uint32_t *tfs, uint32_t n,
                 uint32_t prev_plus1, uint32_t ndocs);

/* Decodes n documents from [p, end), which they must fill exactly (zero
 * padding): docs increasing from prev_plus1 on, below UINT32_MAX, tfs >= 1,
 * *tf_sum their sum. Returns 0, or -1 for bytes that do not decode so. */
int tail_decode(const uint8_t *p, const uint8_t *end, uint32_t n, uint32_t prev_plus1,
                uint32_t ndocs, uint32_t *docs, uint32_t *tfs, uint64_t *tf_sum);

#endif
