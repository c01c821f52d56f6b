/* block_cover.c - see block_cover.h. */
#include "core/block_cover.h"

#include <string.h>

#include "core/format.h"
#include "core/norms.h"

double block_cover_average_length(uint64_t tokens, uint64_t docs)
{
    double avgdl = docs > 0 ? (double)tokens / (double)docs : 1.0;
    return avgdl > 0 ? avgdl : 1.0;
}

void block_cover_length_factors(float out[256], float k1, float b, double avgdl)
{
    for (int i = 0; i < 256; i++)
        out[i] = (float)(k1 * (1.0 - b + b * norm_decode((uint8_t)i) / avgdl));
}

/* The Pareto front by increasing norm, hence increasing frequency: the
 * largest frequency of each norm byte that beats every shorter doc's. */
static uint32_t pareto_front(const uint32_t *docs, const uint32_t *tfs, uint32_t n,
                             const uint8_t *norms, uint32_t *front_tf, uint8_t *front_norm)
{
    uint32_t best[256];
    unsigned lo = 255, hi = 0;
    memset(best, 0, sizeof best);
    for (uint32_t i = 0; i < n; i++) {
        unsigned nb = norms[docs[i]];
        best[nb] = tfs[i] > best[nb] ? tfs[i] : best[nb];
        lo = nb < lo ? nb : lo;
        hi = nb > hi ? nb : hi;
    }
    uint32_t count = 0, above = 0;
    for (unsigned nb = lo; nb <= hi; nb++)
        if (best[nb] > above) {
            front_tf[count] = above = best[nb];
            front_norm[count++] = (uint8_t)nb;
        }
    return count;
}

/* A pair's score without the idf, which scales every pair alike. */
static float pair_score(uint32_t tf, uint8_t norm, const float *length_factor)
{
    return (float)tf / ((float)tf + length_factor[norm]);
}

void block_cover_choose(struct block_cover *out, const uint32_t *docs, const uint32_t *tfs,
                        uint32_t n, const uint8_t *norms, const float *length_factor)
{
    uint32_t tf[FORMAT_POSTINGS_BLOCK];
    uint8_t norm[FORMAT_POSTINGS_BLOCK];
    uint32_t m = pareto_front(docs, tfs, n, norms, tf, norm);
    uint32_t cut1 = 0, cut2 = 1; /* runs [0, cut1], (cut1, cut2], (cut2, m) */
    if (m > BLOCK_COVER_PAIRS) {
        float best = -1;
        for (uint32_t c1 = 0; c1 + 2 < m; c1++) {
            /* a run front[a..b] is covered by b's frequency and a's norm */
            float s1 = pair_score(tf[c1], norm[0], length_factor);
            for (uint32_t c2 = c1 + 1; c2 + 1 < m; c2++) {
                float s = s1;
                float s2 = pair_score(tf[c2], norm[c1 + 1], length_factor);
                float s3 = pair_score(tf[m - 1], norm[c2 + 1], length_factor);
                s = s2 > s ? s2 : s;
                s = s3 > s ? s3 : s;
                if (best < 0 || s < best) {
                    best = s;
                    cut1 = c1;
                    cut2 = c2;
                }
            }
        }
    }
    uint32_t first[BLOCK_COVER_PAIRS] = { 0, cut1 + 1, cut2 + 1 };
    uint32_t last[BLOCK_COVER_PAIRS] = { cut1, cut2, m - 1 };
    for (int p = 0; p < BLOCK_COVER_PAIRS; p++) {
        if (m <= BLOCK_COVER_PAIRS) /* each front doc its own pair, the last repeated */
            first[p] = last[p] = (uint32_t)p < m ? (uint32_t)p : m - 1;
        out->tf[p] = tf[last[p]];
        out->norm[p] = norm[first[p]];
    }
}
