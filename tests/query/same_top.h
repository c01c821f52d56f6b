/* same_top.h - the check that the pruned top k (MaxScore, block bounds, the
 * doc-level floors) gives what an exhaustive BM25 evaluation gives: the same
 * documents in the same order, the same scores, best first with ties by doc
 * number. Shared by the test files that build corpora for it. */
#ifndef CARI_TESTS_QUERY_SAME_TOP_H
#define CARI_TESTS_QUERY_SAME_TOP_H

#include <math.h>

#include "query/search_run.h"
#include "tests/query/query_fixture.h"

static inline void assert_same_top(const cari_index *ix, const char *text, unsigned flags, size_t k,
                            float k1, float bm25_b)
{
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, ix, text, strlen(text), flags), 0, "%s: %s", text,
                 cari_error_last());
    cari_search_opts o = CARI_SEARCH_OPTS_INIT;
    o.k = k;
    o.k1 = k1;
    o.b = bm25_b;
    cari_results *fast, *full;
    cr_assert_eq(search_query(&fast, q, &o, SEARCH_PRUNED), 0, "%s", cari_error_last());
    cr_assert_eq(search_query(&full, q, &o, SEARCH_EXHAUSTIVE), 0, "%s", cari_error_last());
    size_t n = cari_results_count(full);
    cr_assert_eq(cari_results_count(fast), n, "<%s> k=%zu: %zu hits, exhaustive %zu", text, k,
                 cari_results_count(fast), n);
    for (size_t i = 0; i < n; i++) {
        float a = cari_results_score(fast, i), b = cari_results_score(full, i);
        cr_assert_eq(cari_results_doc(fast, i), cari_results_doc(full, i),
                     "<%s> k=%zu rank %zu: doc %u (%.7g), exhaustive doc %u (%.7g)", text, k, i,
                     cari_results_doc(fast, i), a, cari_results_doc(full, i), b);
        cr_assert(fabsf(a - b) <= 1e-6f * fabsf(b), "<%s> rank %zu: %.9g vs %.9g", text, i, a, b);
        if (i > 0) /* best first, ties by doc number */
            cr_assert(cari_results_score(full, i - 1) > b ||
                      (cari_results_score(full, i - 1) == b &&
                       cari_results_doc(full, i - 1) < cari_results_doc(full, i)));
    }
    cari_results_free(fast);
    cari_results_free(full);
    cari_query_free(q);
}

#endif
