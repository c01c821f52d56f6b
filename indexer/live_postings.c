/* live_postings.c - see live_postings.h. */
#include "indexer/live_postings.h"

#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/error.h"

static int reserve(struct live_postings *lp, size_t n)
{
    size_t cap = lp->cap;
    int rc = array_reserve((void **)&lp->docs, &cap, n, sizeof *lp->docs);
    if (rc == 0 && cap != lp->cap) {
        uint32_t *tfs = realloc(lp->tfs, cap * sizeof *tfs);
        uint64_t *starts = realloc(lp->pos_starts, cap * sizeof *starts);
        const struct merged_posting **live = realloc(lp->live, cap * sizeof *live);
        if (tfs != NULL)
            lp->tfs = tfs;
        if (starts != NULL)
            lp->pos_starts = starts;
        if (live != NULL)
            lp->live = live;
        if (tfs == NULL || starts == NULL || live == NULL)
            return error_oom();
        lp->cap = cap;
    }
    return rc;
}

int live_postings_fill(struct live_postings *lp, const run_merge *m, const uint32_t *doc_of_record,
                       const uint32_t *length_of_record, struct term_info *info, buf *positions)
{
    uint32_t n = 0;
    memset(info, 0, sizeof *info);
    int rc = reserve(lp, m->npostings);
    for (size_t i = 0; i < m->npostings && rc == 0; i++) {
        const struct merged_posting *p = &m->postings[i];
        uint32_t doc = doc_of_record[p->record];
        if (doc == UINT32_MAX)
            continue;
        lp->docs[n] = doc;
        lp->tfs[n] = p->tf;
        lp->live[n] = p;
        lp->pos_starts[n] = 0;
        info->cf += p->tf;
        info->max_tf = p->tf > info->max_tf ? p->tf : info->max_tf;
        n++;
    }
    info->df = n;
    if (rc == 0)
        rc = positions_encode(positions, &lp->pos_scratch, lp->live, n, length_of_record, lp->pos_starts,
                              &info->positions_len);
    return rc;
}

void live_postings_free(struct live_postings *lp)
{
    free(lp->docs);
    free(lp->tfs);
    free(lp->pos_starts);
    free(lp->live);
    positions_scratch_free(&lp->pos_scratch);
    memset(lp, 0, sizeof *lp);
}
