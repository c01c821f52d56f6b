/* block_best.c - see block_best.h. */
#include "core/block_best.h"

#include "core/format.h"

void block_best_values(uint16_t *best, const uint32_t *docs, const uint32_t *tfs, uint32_t n,
                       const uint32_t *other_docs, const uint32_t *other_tfs, uint32_t other_n,
                       const uint8_t *norms, const float *length_factor)
{
    uint32_t nblocks = (n + FORMAT_POSTINGS_BLOCK - 1) / FORMAT_POSTINGS_BLOCK, j = 0;
    for (uint32_t b = 0; b < nblocks; b++) {
        uint32_t i = b * FORMAT_POSTINGS_BLOCK;
        uint32_t end = b + 1 < nblocks ? i + FORMAT_POSTINGS_BLOCK : n;
        uint32_t last = b + 1 < nblocks ? docs[end - 1] : UINT32_MAX;
        float s = 0;
        while (i < end || (j < other_n && other_docs[j] <= last)) { /* the merge, by doc */
            uint32_t d = i < end ? docs[i] : UINT32_MAX;
            uint32_t o = j < other_n && other_docs[j] <= last ? other_docs[j] : UINT32_MAX;
            uint32_t doc = d < o ? d : o, tf = 0;
            if (d == doc)
                tf += tfs[i++];
            if (o == doc)
                tf += other_tfs[j++];
            float v = block_best_saturation(tf, norms[doc], length_factor);
            s = v > s ? v : s;
        }
        best[b] = block_best_quantize(s);
    }
}
