/* topk.c - the top-k min-heap of cari_search. */
#include "query/topk.h"

/* a ranks below b: lower score, or the same score and a higher doc number */
static int worse(float sa, uint32_t da, float sb, uint32_t db)
{
    return sa < sb || (sa == sb && da > db);
}

static void sift_down(struct topk *t, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        if (l < t->n && worse(t->scores[l], t->docs[l], t->scores[best], t->docs[best]))
            best = l;
        if (l + 1 < t->n && worse(t->scores[l + 1], t->docs[l + 1], t->scores[best], t->docs[best]))
            best = l + 1;
        if (best == i)
            return;
        float s = t->scores[i];
        uint32_t d = t->docs[i];
        t->scores[i] = t->scores[best], t->docs[i] = t->docs[best];
        t->scores[best] = s, t->docs[best] = d;
        i = best;
    }
}

void topk_push(struct topk *t, uint32_t doc, float score)
{
    if (t->n < t->k) {
        size_t i = t->n++;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (!worse(score, doc, t->scores[parent], t->docs[parent]))
                break;
            t->scores[i] = t->scores[parent], t->docs[i] = t->docs[parent];
            i = parent;
        }
        t->scores[i] = score, t->docs[i] = doc;
        return;
    }
    if (!worse(t->scores[0], t->docs[0], score, doc))
        return;
    t->scores[0] = score, t->docs[0] = doc;
    sift_down(t, 0);
}

void topk_sort(struct topk *t)
{
    size_t n = t->n;
    while (t->n > 1) {
        size_t last = --t->n;
        float s = t->scores[0];
        uint32_t d = t->docs[0];
        t->scores[0] = t->scores[last], t->docs[0] = t->docs[last];
        t->scores[last] = s, t->docs[last] = d;
        sift_down(t, 0);
    }
    t->n = n;
}
