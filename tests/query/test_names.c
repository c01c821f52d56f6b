/* Names stay exact: place names that look affixed are not found by the words
 * they seem to contain, while affixed words still meet their roots, and the
 * form the query writes ranks first. */
#include "tests/query/query_fixture.h"

static struct qfix fx;

static const struct test_doc docs[] = {
    { "n0", NULL, "Banjir melanda Kediri dan Pekalongan." },
    { "n1", NULL, "Ia menyerahkan diri kepada polisi." },
    { "n2", NULL, "Gempa mengguncang Maluku Utara." },
    { "n3", NULL, "Ia malu dan merasa dipermalukan." },
    { "n4", NULL, "Kalong bergelantungan di pohon." },
    { "n5", NULL, "Menteri menegaskan sikapnya." },
    { "n6", NULL, "Sikap itu ditegaskan." },
};

static void setup(void) { qfix_docs(&fx, docs, sizeof docs / sizeof *docs); }
static void teardown(void) { qfix_close(&fx); }

TestSuite(names, .init = setup, .fini = teardown);

Test(names, place_names_are_not_their_lookalike_roots)
{
    assert_hits_sorted(fx.ix, "diri", 0, "n1");
    assert_hits_sorted(fx.ix, "malu", 0, "n3");
    assert_hits_sorted(fx.ix, "kalong", 0, "n4");
    assert_hits_sorted(fx.ix, "Kediri", 0, "n0");
    assert_hits_sorted(fx.ix, "maluku", 0, "n2");
    assert_hits_sorted(fx.ix, "pekalongan", 0, "n0");
}

Test(names, affixed_words_still_meet_their_roots)
{
    assert_hits_sorted(fx.ix, "permalukan", 0, "n3");
    assert_hits_sorted(fx.ix, "tegas", 0, "n5,n6");
    assert_hits_sorted(fx.ix, "penegasan", 0, "n5,n6");
}

Test(names, every_form_of_a_root_ranks_alike)
{
    /* n5 and n6 have the same length and one form of tegas each: the form
     * the query writes does not decide, so both queries rank them alike */
    const char *queries[] = { "menegaskan", "ditegaskan" };
    for (size_t i = 0; i < 2; i++) {
        cari_results *r = qsearch(fx.ix, queries[i], 0, NULL, NULL);
        cr_assert_eq(cari_results_count(r), 2);
        cr_assert_float_eq(cari_results_score(r, 0), cari_results_score(r, 1), 1e-6, "%s", queries[i]);
        cari_results_free(r);
    }
}
