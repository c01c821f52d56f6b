/* search.c - cari_search: run the matcher tree over every candidate and keep
 * the best k in a min-heap (worst hit on top, so a new hit replaces it). */
#include <stdlib.h>

#include "core/error.h"
#include "query/matcher.h"

struct cari_results {
    size_t n;
    uint32_t *docs;
    float *scores;
};

enum { SEARCH_MAX_K = 1 << 24 };

/* a ranks below b: lower score, or the same score and a higher doc number */
static int worse(float sa, uint32_t da, float sb, uint32_t db)
{
    return sa < sb || (sa == sb && da > db);
}

static void heap_sift_down(cari_results *r, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        if (l < r->n && worse(r->scores[l], r->docs[l], r->scores[best], r->docs[best]))
            best = l;
        if (l + 1 < r->n && worse(r->scores[l + 1], r->docs[l + 1], r->scores[best], r->docs[best]))
            best = l + 1;
        if (best == i)
            return;
        float s = r->scores[i];
        uint32_t d = r->docs[i];
        r->scores[i] = r->scores[best], r->docs[i] = r->docs[best];
        r->scores[best] = s, r->docs[best] = d;
        i = best;
    }
}

static void heap_push(cari_results *r, size_t k, uint32_t doc, float score)
{
    if (r->n < k) {
        size_t i = r->n++;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (!worse(score, doc, r->scores[parent], r->docs[parent]))
                break;
            r->scores[i] = r->scores[parent], r->docs[i] = r->docs[parent];
            i = parent;
        }
        r->scores[i] = score, r->docs[i] = doc;
        return;
    }
    if (!worse(r->scores[0], r->docs[0], score, doc))
        return;
    r->scores[0] = score, r->docs[0] = doc;
    heap_sift_down(r, 0);
}

/* Pops the heap into best-first order. */
static void heap_sort(cari_results *r)
{
    size_t n = r->n;
    while (r->n > 1) {
        size_t last = --r->n;
        float s = r->scores[0];
        uint32_t d = r->docs[0];
        r->scores[0] = r->scores[last], r->docs[0] = r->docs[last];
        r->scores[last] = s, r->docs[last] = d;
        heap_sift_down(r, 0);
    }
    r->n = n;
}

int cari_search(cari_results **out, cari_query *q, const cari_search_opts *opts)
{
    *out = NULL;
    if (q == NULL)
        return error_set(CARI_EINVAL, "cari_search: NULL query");
    if (opts != NULL && opts->version != CARI_SEARCH_OPTS_VERSION)
        return error_set(CARI_EINVAL, "cari_search_opts version %u, expected %u", opts->version,
                         CARI_SEARCH_OPTS_VERSION);
    size_t k = opts != NULL && opts->k > 0 ? opts->k : 10;
    float k1 = opts != NULL && opts->k1 >= 0 ? opts->k1 : 1.2f;
    float b = opts != NULL && opts->b >= 0 ? opts->b : 0.75f;
    if (k > SEARCH_MAX_K || b > 1)
        return error_set(CARI_EINVAL, "cari_search: k above %d or b above 1", SEARCH_MAX_K);
    if (k > q->ix->ndocs)
        k = q->ix->ndocs > 0 ? q->ix->ndocs : 1;

    cari_results *r = calloc(1, sizeof *r);
    struct bm25 *s = malloc(sizeof *s);
    if (r == NULL || s == NULL || (r->docs = malloc(k * sizeof *r->docs)) == NULL ||
        (r->scores = malloc(k * sizeof *r->scores)) == NULL) {
        free(s);
        cari_results_free(r);
        return error_oom();
    }
    bm25_init(s, q->ix, k1, b);
    int error = 0;
    struct matcher *m = NULL;
    int rc = matcher_build(&m, q->ix, q->root, s, &error);
    if (rc == 0) {
        for (matcher_advance(m, 0); m->doc != CURSOR_END && error == 0; matcher_advance(m, m->doc + 1))
            heap_push(r, k, m->doc, matcher_score(m));
        rc = error;
    }
    matcher_free(m);
    free(s);
    if (rc != 0) {
        cari_results_free(r);
        return rc;
    }
    heap_sort(r);
    *out = r;
    return 0;
}

size_t cari_results_count(const cari_results *r) { return r->n; }
uint32_t cari_results_doc(const cari_results *r, size_t i) { return i < r->n ? r->docs[i] : CURSOR_END; }
float cari_results_score(const cari_results *r, size_t i) { return i < r->n ? r->scores[i] : 0; }

void cari_results_free(cari_results *r)
{
    if (r == NULL)
        return;
    free(r->docs);
    free(r->scores);
    free(r);
}
