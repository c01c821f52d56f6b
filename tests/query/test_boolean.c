/* Boolean semantics on a small hand-made corpus: union, intersection,
 * exclusion, requirement, nesting, the AND flag, and how optional clauses
 * raise the score. */
#include "tests/query/query_fixture.h"

static struct qfix fx;

static const struct test_doc fruit[] = {
    { "d0", NULL, "apel jeruk" },
    { "d1", NULL, "apel mangga" },
    { "d2", NULL, "jeruk mangga" },
    { "d3", NULL, "pisang" },
    { "d4", NULL, "apel jeruk mangga" },
    { "d5", NULL, "apel apel apel pisang" },
};

static void setup(void) { qfix_docs(&fx, fruit, sizeof fruit / sizeof *fruit); }
static void teardown(void) { qfix_close(&fx); }

TestSuite(boolean, .init = setup, .fini = teardown);

Test(boolean, single_words)
{
    assert_hits_sorted(fx.ix, "apel", 0, "d0,d1,d4,d5");
    assert_hits_sorted(fx.ix, "pisang", 0, "d3,d5");
    assert_hits_sorted(fx.ix, "durian", 0, "");
}

Test(boolean, or_is_the_union)
{
    assert_hits_sorted(fx.ix, "apel OR pisang", 0, "d0,d1,d3,d4,d5");
    assert_hits_sorted(fx.ix, "apel pisang", 0, "d0,d1,d3,d4,d5");
    assert_hits_sorted(fx.ix, "jeruk mangga", 0, "d0,d1,d2,d4");
    assert_hits_sorted(fx.ix, "pisang durian", 0, "d3,d5");
}

Test(boolean, and_is_the_intersection)
{
    assert_hits_sorted(fx.ix, "apel AND jeruk", 0, "d0,d4");
    assert_hits_sorted(fx.ix, "apel AND jeruk AND mangga", 0, "d4");
    assert_hits_sorted(fx.ix, "jeruk AND pisang", 0, "");
    assert_hits_sorted(fx.ix, "+apel +mangga", 0, "d1,d4");
    assert_hits_sorted(fx.ix, "apel AND durian", 0, "");
}

Test(boolean, exclusion)
{
    assert_hits_sorted(fx.ix, "apel -jeruk", 0, "d1,d5");
    assert_hits_sorted(fx.ix, "-jeruk apel", 0, "d1,d5");
    assert_hits_sorted(fx.ix, "apel NOT mangga", 0, "d0,d5");
    assert_hits_sorted(fx.ix, "apel AND NOT mangga", 0, "d0,d5");
    assert_hits_sorted(fx.ix, "apel -jeruk -mangga", 0, "d5");
    assert_hits_sorted(fx.ix, "apel -durian", 0, "d0,d1,d4,d5");
    /* an exclusion applies to the whole group: optional words too */
    assert_hits_sorted(fx.ix, "apel jeruk -mangga", 0, "d0,d5");
    assert_hits_sorted(fx.ix, "apel -apel", 0, "");
}

Test(boolean, requirement)
{
    assert_hits_sorted(fx.ix, "+apel jeruk", 0, "d0,d1,d4,d5");
    assert_hits_sorted(fx.ix, "+jeruk apel", 0, "d0,d2,d4");
    assert_hits_sorted(fx.ix, "+apel mangga -pisang", 0, "d0,d1,d4");
    assert_hits_sorted(fx.ix, "+durian apel", 0, "");
}

Test(boolean, nested_groups)
{
    assert_hits_sorted(fx.ix, "(apel OR pisang) AND (jeruk OR mangga)", 0, "d0,d1,d4");
    assert_hits_sorted(fx.ix, "(apel AND jeruk) OR pisang", 0, "d0,d3,d4,d5");
    assert_hits_sorted(fx.ix, "apel -(jeruk mangga)", 0, "d5");
    assert_hits_sorted(fx.ix, "apel -(jeruk AND mangga)", 0, "d0,d1,d5");
    assert_hits_sorted(fx.ix, "(apel NOT jeruk) pisang", 0, "d1,d3,d5");
    assert_hits_sorted(fx.ix, "((apel AND (jeruk OR pisang)) NOT mangga)", 0, "d0,d5");
    assert_hits_sorted(fx.ix, "mangga AND (apel NOT jeruk)", 0, "d1");
}

Test(boolean, and_flag)
{
    assert_hits_sorted(fx.ix, "apel jeruk", CARI_QUERY_AND, "d0,d4");
    assert_hits_sorted(fx.ix, "apel jeruk mangga", CARI_QUERY_AND, "d4");
    assert_hits_sorted(fx.ix, "apel jeruk OR pisang", CARI_QUERY_AND, "d0,d3,d4,d5");
    assert_hits_sorted(fx.ix, "apel -jeruk", CARI_QUERY_AND, "d1,d5");
    assert_hits_sorted(fx.ix, "apel durian", CARI_QUERY_AND, "");
    assert_hits_sorted(fx.ix, "apel", CARI_QUERY_AND, "d0,d1,d4,d5");
}

Test(boolean, repeated_word_matches_the_same_documents)
{
    assert_hits_sorted(fx.ix, "apel apel", 0, "d0,d1,d4,d5");
    assert_hits_sorted(fx.ix, "apel AND apel", 0, "d0,d1,d4,d5");
}

/* The score of `doc` for `query` (0 when not a hit). */
static float score_of(const char *query, unsigned flags, const char *id)
{
    uint32_t doc = qdoc_of(fx.ix, id);
    cari_results *r = qsearch(fx.ix, query, flags, NULL, NULL);
    float s = 0;
    for (size_t i = 0; i < cari_results_count(r); i++)
        if (cari_results_doc(r, i) == doc)
            s = cari_results_score(r, i);
    cari_results_free(r);
    return s;
}

Test(boolean, group_score_is_the_sum_of_its_matching_clauses)
{
    float apel = score_of("apel", 0, "d4"), jeruk = score_of("jeruk", 0, "d4"),
          mangga = score_of("mangga", 0, "d4");
    cr_assert_gt(apel, 0);
    cr_assert_float_eq(score_of("apel AND jeruk", 0, "d4"), apel + jeruk, 1e-5);
    cr_assert_float_eq(score_of("apel jeruk mangga", 0, "d4"), apel + jeruk + mangga, 1e-5);
    cr_assert_float_eq(score_of("+apel jeruk", 0, "d4"), apel + jeruk, 1e-5);
    /* an optional word absent from the doc adds nothing */
    cr_assert_float_eq(score_of("apel pisang", 0, "d4"), apel, 1e-6);
    cr_assert_float_eq(score_of("+apel pisang", 0, "d4"), apel, 1e-6);
    /* an excluded word adds nothing */
    cr_assert_float_eq(score_of("apel -pisang", 0, "d4"), apel, 1e-6);
    /* an optional word matched only by the required group's docs still counts */
    cr_assert_float_eq(score_of("+apel mangga", 0, "d1"),
                       score_of("apel", 0, "d1") + score_of("mangga", 0, "d1"), 1e-5);
}

/* Four documents of the same length: +a b ranks the docs with b above those without. */
Test(boolean, optional_word_raises_the_rank)
{
    static const struct test_doc docs[] = {
        { "e0", NULL, "apel kursi meja" },
        { "e1", NULL, "apel jeruk meja" },
        { "e2", NULL, "apel kursi jeruk" },
        { "e3", NULL, "jeruk meja kursi" },
        { "e4", NULL, "apel meja kursi" },
    };
    struct qfix f2;
    qfix_docs(&f2, docs, sizeof docs / sizeof *docs);
    assert_hits_ranked(f2.ix, "+apel jeruk", 0, "e1,e2,e0,e4");
    assert_hits_ranked(f2.ix, "+jeruk apel", 0, "e1,e2,e3");
    /* jeruk is rarer than apel (3 docs against 4): e3 ranks above e0 and e4 */
    assert_hits_ranked(f2.ix, "apel jeruk", 0, "e1,e2,e3,e0,e4");
    /* excluded docs are gone, order of the rest unchanged */
    assert_hits_ranked(f2.ix, "+apel jeruk -kursi", 0, "e1");
    cari_results *r = qsearch(f2.ix, "+apel jeruk", 0, NULL, NULL);
    cr_assert_eq(cari_results_count(r), 4);
    cr_assert_eq(cari_results_score(r, 0), cari_results_score(r, 1));
    cr_assert_gt(cari_results_score(r, 1), cari_results_score(r, 2));
    cr_assert_eq(cari_results_score(r, 2), cari_results_score(r, 3));
    cari_results_free(r);
    qfix_close(&f2);
}

/* Many documents, so that the conjunctions skip through several posting blocks. */
Test(boolean, set_operations_over_many_documents)
{
    enum { N = 700 };
    struct test_doc *docs = calloc(N, sizeof *docs);
    char (*ids)[16] = calloc(N, 16);
    char (*texts)[64] = calloc(N, 64);
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], 16, "m%03d", i);
        snprintf(texts[i], 64, "%s %s %s isi", i % 2 == 0 ? "dua" : "ganjil", i % 3 == 0 ? "tiga" : "",
                 i % 5 == 0 ? "lima" : "");
        docs[i] = (struct test_doc){ ids[i], NULL, texts[i] };
    }
    struct qfix f2;
    qfix_docs(&f2, docs, N);
    static const char *const cases[] = {
        "dua AND tiga AND lima", "tiga lima", "tiga -dua", "+lima -tiga", "(tiga OR lima) AND ganjil",
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        cari_search_opts o = CARI_SEARCH_OPTS_INIT;
        o.k = N;
        cari_results *r = qsearch(f2.ix, cases[c], 0, &o, NULL);
        char *got = calloc(N, 1);
        for (size_t i = 0; i < cari_results_count(r); i++)
            got[cari_results_doc(r, i)] = 1;
        for (int d = 0; d < N; d++) {
            int two = d % 2 == 0, three = d % 3 == 0, five = d % 5 == 0, want;
            switch (c) {
            case 0: want = two && three && five; break;
            case 1: want = three || five; break;
            case 2: want = three && !two; break;
            case 3: want = five && !three; break;
            default: want = (three || five) && !two; break;
            }
            cr_assert_eq(got[d], want, "<%s>: doc %d: got %d want %d", cases[c], d, got[d], want);
        }
        free(got);
        cari_results_free(r);
    }
    qfix_close(&f2);
    free(docs);
    free(ids);
    free(texts);
}
