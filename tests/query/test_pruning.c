/* The doc-level checks of the pruned top-k, each on a corpus made so that it
 * acts: words whose frequency and norm decide (single words and MaxScore
 * pass over their docs unscored, without reading the exact-form list),
 * conjunctions whose clauses turn docs away by their own floors, and phrases
 * whose words meet in every doc while the phrase itself is rarer (the count
 * stops once too few starts are left). Each query, pruned, equals the
 * exhaustive evaluation: the same documents in the same order, the same
 * scores; and the best document of each is the one the corpus was made for. */
#include "tests/query/query_fixture.h"
#include "tests/query/same_top.h"

#include <math.h>

#include "query/search_run.h"

enum { NDOCS = 700 };

/* Document d: "kapal layar" phrase(d) times, "kapal" and "layar" apart as
 * often again, the affixed form "berlayar" now and then, and filler that
 * varies the length; doc 500 has the phrase most often and is short. */
static unsigned phrase_count(int d) { return d == 500 ? 40 : (unsigned)(d * 37 % 13); }

static char *make_text(int d)
{
    size_t cap = 4096, n = 0;
    char *t = malloc(cap);
    unsigned apart = (unsigned)(d * 11 % 9) + 2, filler = (unsigned)(d * 53 % 70) + (d == 500 ? 0 : 5);
    for (unsigned i = 0; i < phrase_count(d); i++)
        n += (size_t)snprintf(t + n, cap - n, "kapal layar zuka ");
    for (unsigned i = 0; i < apart; i++)
        n += (size_t)snprintf(t + n, cap - n, "layar lomi kapal ");
    for (unsigned i = 0; d % 5 == 2 && i < apart; i++)
        n += (size_t)snprintf(t + n, cap - n, "berlayar ");
    for (unsigned i = 0; i < filler; i++)
        n += (size_t)snprintf(t + n, cap - n, "%s ", i % 3 ? "zuka" : "pelabuhan");
    return t;
}

static struct qfix fix;
static char *texts[NDOCS];

static void setup(void)
{
    static struct test_doc docs[NDOCS];
    static char ids[NDOCS][8];
    for (int d = 0; d < NDOCS; d++) {
        snprintf(ids[d], sizeof ids[d], "p%03d", d);
        texts[d] = make_text(d);
        docs[d] = (struct test_doc){ ids[d], NULL, texts[d] };
    }
    qfix_docs(&fix, docs, NDOCS);
}

static void teardown(void)
{
    qfix_close(&fix);
    for (int d = 0; d < NDOCS; d++)
        free(texts[d]);
}

TestSuite(pruning, .init = setup, .fini = teardown);

Test(pruning, phrase_count_stops_where_the_floor_is_out_of_reach)
{
    for (size_t k = 1; k <= 100; k *= 10) {
        assert_same_top(fix.ix, "\"kapal layar\"", 0, k, -1, -1);
        assert_same_top(fix.ix, "\"layar zuka kapal\"", 0, k, -1, -1);
        assert_same_top(fix.ix, "\"kapal layar\" pelabuhan", CARI_QUERY_AND, k, -1, -1);
    }
    char *top = test_search(fix.ix, "\"kapal layar\"", 0, 1);
    cr_assert_str_eq(top, "p500");
    free(top);
}

Test(pruning, words_pass_over_docs_below_the_cut_unscored)
{
    for (size_t k = 1; k <= 100; k *= 10) {
        assert_same_top(fix.ix, "kapal", 0, k, -1, -1);
        assert_same_top(fix.ix, "berlayar", 0, k, -1, -1); /* two keys: layar, layar\x01 */
        assert_same_top(fix.ix, "kapal berlayar pelabuhan", 0, k, -1, -1); /* MaxScore */
        assert_same_top(fix.ix, "kapal berlayar", CARI_QUERY_AND, k, -1, -1);
        assert_same_top(fix.ix, "+pelabuhan kapal layar", 0, k, -1, -1);
    }
    /* MaxScore whose essential words pass over their docs below their floors */
    static const char *either[] = { "pelabuhan kapal", "zuka pelabuhan lomi", "layar berlayar zuka" };
    for (size_t i = 0; i < sizeof either / sizeof *either; i++)
        for (size_t k = 1; k <= 300; k *= 3)
            assert_same_top(fix.ix, either[i], 0, k, -1, -1);
    /* conjunctions whose words turn docs away by their own floors */
    static const char *both[] = { "pelabuhan kapal", "pelabuhan zuka", "layar pelabuhan lomi" };
    for (size_t i = 0; i < sizeof both / sizeof *both; i++)
        for (size_t k = 1; k <= 300; k *= 3)
            assert_same_top(fix.ix, both[i], CARI_QUERY_AND, k, -1, -1);
    /* berlayar shares its root with layar: a document writing it ranks first */
    char *top = test_search(fix.ix, "berlayar", 0, 1);
    int d = atoi(top + 1);
    free(top);
    cr_assert_eq(d % 5, 2, "p%03d does not write berlayar", d);
}

/* A phrase's rarest word passes over its docs where it occurs too seldom for
 * the floor, without moving the other words there (nor more than a few docs
 * in a row, so that their jumps still carry it): the top k is the
 * exhaustive one, wherever the rare word's frequency decides. */
Test(pruning, phrase_rare_word_passes_over_its_docs_below_the_floor)
{
    static const char *phrases[] = { "\"zuka pelabuhan\"", "\"pelabuhan zuka\"",
                                     "\"lomi kapal\"", "\"kapal zuka\"", "\"zuka kapal layar\"" };
    for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++)
        for (size_t k = 1; k <= 300; k *= 3) {
            assert_same_top(fix.ix, phrases[i], 0, k, -1, -1);
            assert_same_top(fix.ix, phrases[i], 0, k, 2.0f, 0.3f);
        }
    /* the doc made for the phrase leads it */
    char *top = test_search(fix.ix, "\"zuka kapal layar\"", 0, 1);
    cr_assert_str_eq(top, "p500");
    free(top);
}
