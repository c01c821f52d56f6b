/* block_cover.h - a postings block's maximum-score ingredients as three
 * (frequency, norm byte) pairs: every doc of the block has a frequency at
 * most one pair's and a norm at least that pair's (docs/FORMAT.md, skip
 * entries). BM25 rises with the frequency and falls with the norm, so the
 * best of the three pairs' scores bounds the block, far tighter than its
 * largest frequency with its smallest norm, which long docs and short ones
 * of the same block pull apart. */
#ifndef CARI_CORE_BLOCK_COVER_H
#define CARI_CORE_BLOCK_COVER_H

#include <stdint.h>

enum { BLOCK_COVER_PAIRS = 3 };

/* cari_search's BM25 parameters by default, which the writer chooses the
 * covers for. */
#define BM25_DEFAULT_K1 1.2f
#define BM25_DEFAULT_B 0.75f

/* Pairs by increasing frequency and norm: tf[2] is the block's largest
 * frequency and norm[0] its smallest norm. */
struct block_cover {
    uint32_t tf[BLOCK_COVER_PAIRS];
    uint8_t norm[BLOCK_COVER_PAIRS];
};

/* The average document length of BM25, 1 for an index without tokens: the
 * writer chooses the covers with it, the reader scores and verifies them. */
double block_cover_average_length(uint64_t tokens, uint64_t docs);

/* k1 * (1 - b + b * length / avgdl) by norm byte: BM25's length factor. */
void block_cover_length_factors(float out[256], float k1, float b, double avgdl);

/* The cover of docs[0..n) (1 <= n <= FORMAT_POSTINGS_BLOCK) whose largest pair
 * score, under length_factor, is the smallest: the pairs split the block's
 * Pareto front (the docs no other doc beats on both frequency and norm) into
 * three runs. Any parameters are bounded by it; those of length_factor most
 * tightly. */
void block_cover_choose(struct block_cover *out, const uint32_t *docs, const uint32_t *tfs,
                        uint32_t n, const uint8_t *norms, const float *length_factor);

#endif
