/* The floor a single word's search starts from (matcher_word_floor): the
 * k-th largest of its blocks' bests, less their rounding. It must never be
 * above the k-th hit's score, or a hit would be skipped; it should be close
 * below it, or it skips nothing; and the pruned top k it starts equals the
 * exhaustive one, ties included (five docs of one text, in five blocks,
 * score alike and are ranked by doc number). */
#include "tests/query/query_fixture.h"
#include "tests/query/same_top.h"

#include <math.h>

#include "query/matcher.h"
#include "query/query_ast.h"

enum { NDOCS = 3000 };

static int tied(int d) { return d % 600 == 100; } /* docs 100, 700, ..., 2700 */

/* `layar` in every doc, 1 to 6 times (9 in a few), `berlayar` (the root
 * key's other form) in two of three, and filler that varies the length,
 * `zuka` and `lomi`; the tied docs have `layar` 20 times and nothing else,
 * the top score; every fiftieth doc is long and has `layar` and `zuka` once
 * and no `lomi`, a low score. */
static int long_low(int d) { return d % 50 == 7; }

static char *make_text(int d)
{
    size_t cap = 8192, n = 0;
    char *t = malloc(cap);
    unsigned exact = tied(d) ? 20 : long_low(d) ? 1 : 1 + (unsigned)(d * 7 % 6) + (d % 97 == 5 ? 3 : 0);
    unsigned other = tied(d) || long_low(d) ? 0 : d % 3 != 0 ? 1 + (unsigned)(d % 4) : 0;
    unsigned filler = tied(d) ? 0 : long_low(d) ? 80 : 2 + (unsigned)(d * 31 % 80);
    for (unsigned i = 0; i < exact; i++)
        n += (size_t)snprintf(t + n, cap - n, "layar ");
    for (unsigned i = 0; i < other; i++)
        n += (size_t)snprintf(t + n, cap - n, "berlayar ");
    for (unsigned i = 0; i < filler; i++)
        n += (size_t)snprintf(t + n, cap - n, "%s ",
                              long_low(d) ? (i == 0 ? "zuka" : "pelan") : i % 2 ? "zuka" : "lomi");
    return t;
}

static struct qfix fix;

static void setup(void)
{
    static struct test_doc docs[NDOCS];
    static char ids[NDOCS][8];
    char **texts = malloc(NDOCS * sizeof *texts);
    for (int d = 0; d < NDOCS; d++) {
        snprintf(ids[d], sizeof ids[d], "f%04d", d);
        texts[d] = make_text(d);
        docs[d] = (struct test_doc){ ids[d], NULL, texts[d] };
    }
    qfix_docs(&fix, docs, NDOCS);
    for (int d = 0; d < NDOCS; d++)
        free(texts[d]);
    free(texts);
}

static void teardown(void) { qfix_close(&fix); }

TestSuite(word_floor, .init = setup, .fini = teardown);

/* The floor of `text`'s matcher for k, under BM25 k1 and b. */
static float floor_of(const char *text, size_t k, float k1, float b)
{
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, fix.ix, text, strlen(text), 0), 0, "%s", cari_error_last());
    struct bm25 s;
    bm25_init(&s, fix.ix, k1, b);
    int error = 0;
    struct matcher *m;
    cr_assert_eq(matcher_build(&m, fix.ix, q->root, &s, &error), 0, "%s", cari_error_last());
    float floor = matcher_word_floor(m, k);
    matcher_free(m);
    cari_query_free(q);
    return floor;
}

/* The k-th score of the exhaustive evaluation. */
static float kth_score(const char *text, size_t k)
{
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, fix.ix, text, strlen(text), 0), 0);
    cari_search_opts o = CARI_SEARCH_OPTS_INIT;
    o.k = k;
    cari_results *r;
    cr_assert_eq(search_query(&r, q, &o, SEARCH_EXHAUSTIVE), 0, "%s", cari_error_last());
    cr_assert_eq(cari_results_count(r), k);
    float score = cari_results_score(r, k - 1);
    cari_results_free(r);
    cari_query_free(q);
    return score;
}

Test(word_floor, under_the_kth_hit_and_close_to_it)
{
    static const char *words[] = { "layar", "berlayar" };
    static const size_t ks[] = { 1, 2, 3, 5, 6, 10, 12 };
    for (size_t w = 0; w < sizeof words / sizeof *words; w++)
        for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
            float floor = floor_of(words[w], ks[i], BM25_DEFAULT_K1, BM25_DEFAULT_B), kth = kth_score(words[w], ks[i]);
            cr_assert(floor > -INFINITY, "%s k=%zu: no floor", words[w], ks[i]);
            cr_assert_leq(floor, kth, "%s k=%zu: floor %.9g above the k-th hit %.9g", words[w],
                          ks[i], floor, kth);
            cr_assert_geq(floor, 0.9f * kth, "%s k=%zu: floor %.9g far under %.9g", words[w],
                          ks[i], floor, kth);
        }
}

Test(word_floor, none_where_the_bests_cannot_say)
{
    cr_assert(floor_of("layar", 2, 0.9f, 0.4f) == -INFINITY, "other BM25 parameters");
    cr_assert(floor_of("layar", 1000, BM25_DEFAULT_K1, BM25_DEFAULT_B) == -INFINITY, "more hits than blocks");
    cr_assert(floor_of("layar zuka", 3, BM25_DEFAULT_K1, BM25_DEFAULT_B) == -INFINITY, "no single word");
    cr_assert(floor_of("\"layar zuka\"", 3, BM25_DEFAULT_K1, BM25_DEFAULT_B) == -INFINITY, "a phrase");
}

/* k from 1 to 12 cuts through the five tied docs (their score is the top
 * one, by the most `layar` in the shortest text) and what follows them. A
 * disjunction starts from its words' floors (its docs score at least each
 * word's own), but not where it excludes docs: under `-lomi` the hits after
 * the tied docs are the long ones, far under `layar`'s floor. */
Test(word_floor, pruned_equals_exhaustive_ties_included)
{
    for (size_t k = 1; k <= 12; k++) {
        assert_same_top(fix.ix, "layar", 0, k, -1, -1);
        assert_same_top(fix.ix, "berlayar", 0, k, -1, -1);
        assert_same_top(fix.ix, "layar zuka", 0, k, -1, -1);
        assert_same_top(fix.ix, "layar zuka -lomi", 0, k, -1, -1);
    }
    char *top = test_search(fix.ix, "layar", 0, 3);
    cr_assert_str_eq(top, "f0100,f0700,f1300", "the tied docs by doc number: %s", top);
    free(top);
}
