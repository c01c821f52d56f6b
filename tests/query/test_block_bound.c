/* A word's block bounds from its keys' covers (query/matcher_bound.c): over
 * every range the bound names, no document of the word scores above it,
 * whatever k1 and b, although the writer chose the covers for the defaults;
 * and the covers bound tighter than the largest frequency with the smallest
 * norm. The word "layar" has two keys: its own form and its root's
 * (berlayar), each of several blocks, in documents short and long; in one
 * corpus the root's documents are shorter than all of the exact key's. */
#include "tests/query/query_fixture.h"

#include <math.h>

#include "query/matcher.h"

enum { NDOCS = 600 };

/* Two corpora. Mixed: every third document long (1,500 words) with "layar"
 * 5 times and "berlayar" 3 times, the others two words, one of them "layar"
 * or "berlayar": BM25 gives the short ones the best scores, and a block's
 * largest frequency comes from the long ones. Short roots: "layar" only in
 * the long documents, "berlayar" 3 times in short ones, shorter than any
 * document of the exact key's block. */
static char *make_text(int d, int short_roots)
{
    size_t cap = 16384, n = 0;
    char *t = malloc(cap);
    int is_long = d % 3 == 0;
    unsigned own = is_long ? 5 : !short_roots && d % 3 == 1;
    unsigned root = is_long ? 3 - 2 * short_roots : short_roots ? 3 : d % 3 == 2;
    unsigned filler = is_long ? 1500 : 1;
    for (unsigned i = 0; i < own; i++)
        n += (size_t)snprintf(t + n, cap - n, "layar ");
    for (unsigned i = 0; i < root; i++)
        n += (size_t)snprintf(t + n, cap - n, "berlayar ");
    for (unsigned i = 0; i < filler; i++)
        n += (size_t)snprintf(t + n, cap - n, "%s ", i % 2 ? "zuka" : "lomi");
    return t;
}

static struct qfix mixed, short_roots;

static void build(struct qfix *f, int variant)
{
    static struct test_doc docs[NDOCS];
    static char ids[NDOCS][8];
    static char *texts[NDOCS];
    for (int d = 0; d < NDOCS; d++) {
        snprintf(ids[d], sizeof ids[d], "b%03d", d);
        texts[d] = make_text(d, variant);
        docs[d] = (struct test_doc){ ids[d], NULL, texts[d] };
    }
    qfix_docs(f, docs, NDOCS);
    for (int d = 0; d < NDOCS; d++)
        free(texts[d]);
}

static void setup(void)
{
    build(&mixed, 0);
    build(&short_roots, 1);
}

static void teardown(void)
{
    qfix_close(&mixed);
    qfix_close(&short_roots);
}

TestSuite(block_bound, .init = setup, .fini = teardown);

/* Walks every range of "layar"'s block bounds under k1 and b: each doc of
 * the range scores at most the bound, and at most the word's max_score.
 * Returns in how many ranges the bound is below the largest
 * frequency's with the smallest norm. */
static unsigned check_ranges(const cari_index *ix, float k1, float b, float floor)
{
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, ix, "layar", 5, 0), 0, "%s", cari_error_last());
    struct bm25 s;
    bm25_init(&s, ix, k1, b);
    int error = 0;
    struct matcher *m, *walk;
    cr_assert_eq(matcher_build(&m, ix, q->root, &s, &error), 0);
    cr_assert_eq(matcher_build(&walk, ix, q->root, &s, &error), 0);
    cr_assert_eq(m->kind, M_WORD);
    cr_assert_eq(m->words[0].n, 2, "both keys of layar");
    cr_assert_not_null(m->words[0].c[0].skips, "several blocks");
    cr_assert_not_null(m->words[0].c[1].skips, "several blocks");
    matcher_set_floor(m, floor);
    unsigned tighter = 0, ranges = 0;
    matcher_advance(walk, 0);
    for (uint32_t doc = 0; doc != CURSOR_END;) {
        uint32_t last = CURSOR_END;
        float bound = matcher_block_bound(m, doc, &last);
        uint32_t tf_sum = 0;
        uint8_t norm = UINT8_MAX;
        for (int i = 0; i < 2; i++) { /* the bound version 5 stored */
            const postings_cursor *c = &m->words[0].c[i];
            uint32_t blk = postings_block_of(c, doc), l;
            struct block_cover cover;
            if (blk == c->nblocks)
                continue;
            postings_block_cover(c, blk, &cover, &l);
            tf_sum += cover.tf[BLOCK_COVER_PAIRS - 1];
            norm = cover.norm[0] < norm ? cover.norm[0] : norm;
        }
        float loose = matcher_bound_score(m, tf_sum, norm);
        cr_assert(bound <= loose, "doc %u: %g above %g", doc, bound, loose);
        tighter += bound < loose * 0.95f;
        ranges++;
        for (; walk->doc != CURSOR_END && walk->doc <= last; matcher_advance(walk, walk->doc + 1)) {
            float score = matcher_score(walk);
            cr_assert(score <= bound, "k1 %g b %g: doc %u scores %.9g above its range's %.9g", k1,
                      b, walk->doc, score, bound);
            cr_assert(score <= m->max_score, "doc %u above max_score", walk->doc);
        }
        doc = last == CURSOR_END ? CURSOR_END : last + 1;
    }
    cr_assert_eq(walk->doc, CURSOR_END, "every doc in some range");
    cr_assert_gt(ranges, 4, "%u ranges", ranges);
    matcher_free(walk);
    matcher_free(m);
    cari_query_free(q);
    return tighter;
}

Test(block_bound, every_doc_stays_under_its_range_s_bound_whatever_the_parameters)
{
    const float floors[] = { -INFINITY, 1e-6f };
    for (int f = 0; f < 2; f++)
        for (int c = 0; c < 2; c++) {
            const cari_index *ix = c == 0 ? mixed.ix : short_roots.ix;
            unsigned tighter = check_ranges(ix, 1.2f, 0.75f, floors[f]);
            if (c == 0)
                cr_assert_gt(tighter, 4, "the covers bound tighter in %u ranges only", tighter);
            check_ranges(ix, 2.0f, 0.3f, floors[f]);
            check_ranges(ix, 0.5f, 1.0f, floors[f]);
            check_ranges(ix, 1.2f, 0.0f, floors[f]);
        }
}
