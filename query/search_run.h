/* search_run.h - running a matcher tree into the top k. */
#ifndef CARI_QUERY_SEARCH_RUN_H
#define CARI_QUERY_SEARCH_RUN_H

#include "cari.h"
#include "query/matcher.h"
#include "query/topk.h"

enum search_mode {
    SEARCH_PRUNED,    /* skip what cannot enter the top k (block-max MaxScore) */
    SEARCH_EXHAUSTIVE /* score every match: the reference the pruned mode must equal */
};

/* Fills t with the best t->k matches of m; returns the search's error. */
int search_run(struct matcher *m, struct topk *t, const int *error, enum search_mode mode);

/* cari_search with a chosen mode (tests compare the two). */
int search_query(cari_results **out, cari_query *q, const cari_search_opts *opts,
                 enum search_mode mode);

#endif
