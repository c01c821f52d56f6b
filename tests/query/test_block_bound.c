/* A word's block bounds (query/matcher_bound.c): over every range the bound
 * names, no document of the word scores above it. Under the writer's k1
 * and b they come from the bests of the root key's blocks (the whole
 * word's over each block's range of doc numbers, core/block_best.h), or of
 * the exact key's with a root key too small for skip entries; under any
 * other k1 and b from the covers, which the writer chose for the defaults;
 * both bound tighter than the largest frequency with the smallest norm.
 * The word "layar" has two keys: its own form and its root's (berlayar),
 * in documents short and long, the exact key's alone before the root's
 * first and after its last; in one corpus the root's documents are shorter
 * than all of the exact key's, in another they are too few for a block. */
#include "tests/query/query_fixture.h"

#include <math.h>

#include "query/matcher.h"

enum { NDOCS = 600, EDGE = 6 };

enum corpus { MIXED, SHORT_ROOTS, RARE_ROOTS };

/* Mixed: every third document long (1,500 words) with "layar" 5 times and
 * "berlayar" 3 times, the others two words, one of them "layar" or
 * "berlayar": BM25 gives the short ones the best scores, and a block's
 * largest frequency comes from the long ones. Short roots: "layar" only in
 * the long documents, "berlayar" 3 times in short ones, shorter than any
 * document of the exact key's block. Rare roots: as mixed, but "berlayar"
 * in 58 documents only. In mixed, every tenth short document of "layar"
 * has "berlayar" too: the best of the word, not of either key. The first
 * and last EDGE documents are "layar" 3 times alone, short: the best of
 * all, before the root's first doc and after its last. */
static char *make_text(int d, enum corpus corpus)
{
    size_t cap = 16384, n = 0;
    char *t = malloc(cap);
    int is_long = d % 3 == 0, edge = d < EDGE || d >= NDOCS - EDGE;
    int rare = corpus == RARE_ROOTS, short_roots = corpus == SHORT_ROOTS;
    unsigned own = edge ? 3 : is_long ? 5 : !short_roots && (d % 3 == 1 || (rare && d % 21 != 2));
    unsigned root = edge ? 0 : rare ? 3 * (d % 21 == 0 || d % 21 == 2)
                    : is_long     ? 3 - 2 * short_roots
                    : short_roots ? 3
                                  : d % 3 == 2 || d % 30 == 1;
    unsigned filler = is_long && !edge ? 1500 : 1;
    for (unsigned i = 0; i < own; i++)
        n += (size_t)snprintf(t + n, cap - n, "layar ");
    for (unsigned i = 0; i < root; i++)
        n += (size_t)snprintf(t + n, cap - n, "berlayar ");
    for (unsigned i = 0; i < filler; i++)
        n += (size_t)snprintf(t + n, cap - n, "%s ", i % 2 ? "zuka" : "lomi");
    return t;
}

static struct qfix corpora[3];

static void build(struct qfix *f, enum corpus variant)
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
    for (int c = 0; c < 3; c++)
        build(&corpora[c], (enum corpus)c);
}

static void teardown(void)
{
    for (int c = 0; c < 3; c++)
        qfix_close(&corpora[c]);
}

TestSuite(block_bound, .init = setup, .fini = teardown);

/* Walks every range of "layar"'s block bounds under k1 and b, which it
 * takes from `want`: each doc of the range scores at most the bound, and
 * at most the word's max_score. Returns in how many ranges the bound is
 * below the largest frequency's with the smallest norm. */
static unsigned check_ranges(const cari_index *ix, float k1, float b, float floor,
                             enum word_bound want)
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
    cr_assert_eq(m->word_bound, want, "k1 %g b %g: bound %d", k1, b, m->word_bound);
    matcher_set_floor(m, floor);
    unsigned tighter = 0, ranges = 0;
    matcher_advance(walk, 0);
    for (uint32_t doc = 0; doc != CURSOR_END;) {
        uint32_t last = CURSOR_END;
        float bound = matcher_block_bound(m, doc, &last);
        uint32_t tf_sum = 0;
        uint8_t norm = UINT8_MAX;
        for (int i = 0; i < 2; i++) { /* version 5's bound: of the blocks in the range */
            const postings_cursor *c = &m->words[0].c[i];
            uint32_t top = 0, l, before = doc;
            for (uint32_t blk = postings_block_of(c, doc); blk < c->nblocks && before <= last;
                 blk++, before = l + 1) {
                struct block_cover cover;
                postings_block_cover(c, blk, &cover, &l);
                top = cover.tf[BLOCK_COVER_PAIRS - 1] > top ? cover.tf[BLOCK_COVER_PAIRS - 1] : top;
                norm = cover.norm[0] < norm ? cover.norm[0] : norm;
                if (l == CURSOR_END)
                    break;
            }
            tf_sum += top;
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
    cr_assert_geq(ranges, 4, "%u ranges", ranges);
    matcher_free(walk);
    matcher_free(m);
    cari_query_free(q);
    return tighter;
}

Test(block_bound, every_doc_stays_under_its_range_s_bound_whatever_the_parameters)
{
    const float floors[] = { -INFINITY, 1e-6f };
    const enum word_bound best[] = { BOUND_BEST, BOUND_BEST, BOUND_BEST_AND_ROOT };
    for (int f = 0; f < 2; f++)
        for (int c = 0; c < 3; c++) {
            const cari_index *ix = corpora[c].ix;
            unsigned tighter = check_ranges(ix, 1.2f, 0.75f, floors[f], best[c]);
            if (c != RARE_ROOTS) /* whose ranges nearly all hold a doc of the root */
                cr_assert_geq(tighter, 3, "corpus %d: the bests bound tighter in %u ranges only",
                              c, tighter);
            tighter = check_ranges(ix, 2.0f, 0.3f, floors[f], BOUND_COVERS);
            if (c == MIXED)
                cr_assert_gt(tighter, 4, "the covers bound tighter in %u ranges only", tighter);
            check_ranges(ix, 0.5f, 1.0f, floors[f], BOUND_COVERS);
            check_ranges(ix, 1.2f, 0.0f, floors[f], BOUND_COVERS);
        }
}
