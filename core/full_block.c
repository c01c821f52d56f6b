/* full_block.c - the portable decoder of full blocks (see full_block.h) and
 * the exact wrap checks every decoder falls back on. */
#include "core/full_block.h"

#include "core/pfor.h"

int full_block_decode_scalar(const uint8_t *p, const uint8_t *end, const uint8_t *readable,
                             const uint8_t *widths, uint32_t prev_plus1, uint32_t *docs,
                             uint32_t *tfs, uint64_t *tf_sum)
{
    p = pfor_decode(bitpack_unpack128, p, end, readable, widths[0], docs);
    if (p != NULL)
        p = pfor_decode(bitpack_unpack128, p, end, readable, widths[1], tfs);
    if (p != end)
        return -1;
    *tf_sum = 0;
    int wrapped = full_block_docs_scalar(docs, prev_plus1);
    wrapped |= full_block_tfs_scalar(tfs, tf_sum);
    return wrapped ? -1 : 0;
}

int full_block_docs_scalar(uint32_t *v, uint32_t first)
{
    uint64_t next = first;
    for (unsigned i = 0; i < FULL_BLOCK; i++) {
        next += v[i];
        v[i] = (uint32_t)next++;
    }
    return next - 1 > UINT32_MAX;
}

int full_block_tfs_scalar(uint32_t *v, uint64_t *sum)
{
    uint64_t s = 0;
    uint32_t wrapped = 0;
    for (unsigned i = 0; i < FULL_BLOCK; i++) {
        uint32_t tf = v[i] + 1;
        wrapped |= tf == 0;
        s += tf;
        v[i] = tf;
    }
    *sum += s;
    return wrapped != 0;
}

/* Each step adds 1 to 2^32, so the first step that passes 2^32 makes the
 * first doc not above the one before it (for the first doc: below `first`). */
int full_block_docs_wrapped(const uint32_t *docs, uint32_t first)
{
    if (docs[0] < first)
        return 1;
    for (unsigned i = 1; i < FULL_BLOCK; i++)
        if (docs[i] <= docs[i - 1])
            return 1;
    return 0;
}

int full_block_tfs_sum(const uint32_t *tfs, uint64_t *sum)
{
    uint64_t s = 0;
    uint32_t wrapped = 0;
    for (unsigned i = 0; i < FULL_BLOCK; i++) {
        wrapped |= tfs[i] == 0;
        s += tfs[i];
    }
    *sum = s;
    return wrapped != 0;
}
