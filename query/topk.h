/* topk.h - the best k hits so far, in a min-heap (worst hit on top, so a new
 * hit replaces it); ties go to the lower document number. */
#ifndef CARI_QUERY_TOPK_H
#define CARI_QUERY_TOPK_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

struct topk {
    size_t n, k;
    uint32_t *docs;
    float *scores;
};

/* Offers a hit; documents must come in increasing order, so a later one
 * enters a full heap only with a higher score than the worst. */
void topk_push(struct topk *t, uint32_t doc, float score);

/* The score a new hit must beat: the worst kept one once k are kept. */
static inline float topk_threshold(const struct topk *t)
{
    return t->n == t->k ? t->scores[0] : -INFINITY;
}

/* Turns the heap into best-first order. */
void topk_sort(struct topk *t);

#endif
