/* search.c - cari_search: options, the matcher tree of the query, and the
 * best k of its matches (search_run.c). */
#include <stdlib.h>

#include "core/block_cover.h"
#include "core/error.h"
#include "query/search_run.h"

struct cari_results {
    struct topk top;
};

enum { SEARCH_MAX_K = 1 << 24 };

int cari_search(cari_results **out, cari_query *q, const cari_search_opts *opts)
{
    return search_query(out, q, opts, SEARCH_PRUNED);
}

int search_query(cari_results **out, cari_query *q, const cari_search_opts *opts,
                 enum search_mode mode)
{
    *out = NULL;
    if (q == NULL)
        return error_set(CARI_EINVAL, "cari_search: NULL query");
    if (opts != NULL && opts->version != CARI_SEARCH_OPTS_VERSION)
        return error_set(CARI_EINVAL, "cari_search_opts version %u, expected %u", opts->version,
                         CARI_SEARCH_OPTS_VERSION);
    size_t k = opts != NULL && opts->k > 0 ? opts->k : 10;
    float k1 = opts != NULL && opts->k1 >= 0 ? opts->k1 : BM25_DEFAULT_K1;
    float b = opts != NULL && opts->b >= 0 ? opts->b : BM25_DEFAULT_B;
    if (k > SEARCH_MAX_K || b > 1)
        return error_set(CARI_EINVAL, "cari_search: k above %d or b above 1", SEARCH_MAX_K);
    if (k > q->ix->ndocs)
        k = q->ix->ndocs > 0 ? q->ix->ndocs : 1;

    cari_results *r = calloc(1, sizeof *r);
    struct bm25 *s = malloc(sizeof *s);
    if (r == NULL || s == NULL || (r->top.docs = malloc(k * sizeof *r->top.docs)) == NULL ||
        (r->top.scores = malloc(k * sizeof *r->top.scores)) == NULL) {
        free(s);
        cari_results_free(r);
        return error_oom();
    }
    bm25_init(s, q->ix, k1, b);
    int error = 0;
    struct matcher *m = NULL;
    int rc = matcher_build(&m, q->ix, q->root, s, &error);
    r->top.k = k;
    if (rc == 0)
        rc = search_run(m, &r->top, &error, mode);
    matcher_free(m);
    free(s);
    if (rc != 0) {
        cari_results_free(r);
        return rc;
    }
    topk_sort(&r->top);
    *out = r;
    return 0;
}

size_t cari_results_count(const cari_results *r) { return r->top.n; }

uint32_t cari_results_doc(const cari_results *r, size_t i)
{
    return i < r->top.n ? r->top.docs[i] : CURSOR_END;
}

float cari_results_score(const cari_results *r, size_t i)
{
    return i < r->top.n ? r->top.scores[i] : 0;
}

void cari_results_free(cari_results *r)
{
    if (r == NULL)
        return;
    free(r->top.docs);
    free(r->top.scores);
    free(r);
}
