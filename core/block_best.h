/* block_best.h - a postings block's best BM25 saturation for its word, as
 * 16 bits in its skip entry (docs/FORMAT.md, skip entries).
 *
 * A query word reads two keys, its own form r and its other forms r\x01,
 * and scores their frequencies added up; a bound from each key's blocks
 * alone must add up the two, and the two are dense in the same documents.
 * So a root key's block holds the best score of the whole word over the
 * block's range of doc numbers (from after the block before it to its last
 * doc; the last block's range runs on to the end): the largest
 * tf / (tf + K(norm)) of the word's documents there, under the writer's BM25
 * parameters (block_cover.h), rounded up. The weight of the query word
 * times it bounds every document of the word in the range. A key that is no
 * root key holds its own documents' best. */
#ifndef CARI_CORE_BLOCK_BEST_H
#define CARI_CORE_BLOCK_BEST_H

#include <stdint.h>

/* The stored value of saturation 1; a stored v bounds saturations below v / BLOCK_BEST_ONE. */
#define BLOCK_BEST_ONE 65535u

/* BM25's saturation of a frequency at a norm byte: its score over the weight. */
static inline float block_best_saturation(uint32_t tf, uint8_t norm, const float *length_factor)
{
    return (float)tf / ((float)tf + length_factor[norm]);
}

/* Above s by more than 1 / BLOCK_BEST_ONE (far more than float scores
 * differ by), or BLOCK_BEST_ONE, which no saturation reaches. */
static inline uint16_t block_best_quantize(float s)
{
    float scaled = s * (float)BLOCK_BEST_ONE;
    return scaled >= (float)(BLOCK_BEST_ONE - 2) ? (uint16_t)BLOCK_BEST_ONE
                                                 : (uint16_t)((uint32_t)scaled + 2);
}

/* best[b] for each block of a key's docs[0..n) (n >= 2, blocks of 128): the
 * best saturation over its range of the union of the key's postings and
 * other[0..other_n) (the word's exact key, for a root key; other_n 0
 * otherwise), a doc in both counting both frequencies. */
void block_best_values(uint16_t *best, const uint32_t *docs, const uint32_t *tfs, uint32_t n,
                       const uint32_t *other_docs, const uint32_t *other_tfs, uint32_t other_n,
                       const uint8_t *norms, const float *length_factor);

#endif
