/* Phrases: order, adjacency, the title/text boundary, phrase frequency. */
#include "tests/query/query_fixture.h"

static struct qfix fx;

static const struct test_doc docs[] = {
    { "p0", NULL, "korea utara menyerang" },
    { "p1", NULL, "utara korea" },
    { "p2", NULL, "korea selatan dan utara" },
    /* the title ends with korea, the text starts with utara */
    { "p3", "berita korea", "utara hari ini" },
    /* three times, then once, at the same length */
    { "p4", NULL, "korea utara korea utara korea utara lagi lagi" },
    { "p5", NULL, "korea utara lagi lagi lagi lagi lagi lagi" },
    /* a phrase inside the title */
    { "p6", "perang dingin", "tidak ada" },
    /* a hyphenated word gives its parts consecutive positions */
    { "p7", NULL, "Korea-Utara bersatu" },
    /* the same word in the title and the text */
    { "p8", "utara", "korea utara" },
    /* punctuation between the words does not separate them */
    { "p9", NULL, "di korea. Utara, kata mereka" },
};

static void setup(void) { qfix_docs(&fx, docs, sizeof docs / sizeof *docs); }
static void teardown(void) { qfix_close(&fx); }

TestSuite(phrase, .init = setup, .fini = teardown);

Test(phrase, words_are_present_in_the_expected_docs)
{
    assert_hits_sorted(fx.ix, "korea AND utara", 0, "p0,p1,p2,p3,p4,p5,p7,p8,p9");
}

Test(phrase, adjacent_in_order_only)
{
    assert_hits_sorted(fx.ix, "\"korea utara\"", 0, "p0,p4,p5,p7,p8,p9");
}

Test(phrase, order_matters)
{
    assert_hits_sorted(fx.ix, "\"utara korea\"", 0, "p1,p4");
}

Test(phrase, never_across_the_title_text_boundary)
{
    /* p3: title "berita korea", text "utara hari ini" */
    assert_hits_sorted(fx.ix, "\"korea utara\" AND hari", 0, "");
    assert_hits_sorted(fx.ix, "\"dingin tidak\"", 0, "");
    assert_hits_sorted(fx.ix, "\"berita korea\"", 0, "p3");
    assert_hits_sorted(fx.ix, "\"utara hari ini\"", 0, "p3");
}

Test(phrase, inside_the_title)
{
    assert_hits_sorted(fx.ix, "\"perang dingin\"", 0, "p6");
    assert_hits_sorted(fx.ix, "\"tidak ada\"", 0, "p6");
}

Test(phrase, words_present_but_apart_do_not_match)
{
    assert_hits_sorted(fx.ix, "\"selatan utara\"", 0, "");
    assert_hits_sorted(fx.ix, "\"korea dan\"", 0, "");
    assert_hits_sorted(fx.ix, "\"korea utara menyerang\"", 0, "p0");
    assert_hits_sorted(fx.ix, "\"korea menyerang\"", 0, "");
}

Test(phrase, missing_word_matches_nothing)
{
    assert_hits_sorted(fx.ix, "\"korea timur\"", 0, "");
    assert_hits_sorted(fx.ix, "\"korea utara timur\"", 0, "");
}

Test(phrase, with_boolean_operators)
{
    assert_hits_sorted(fx.ix, "\"korea utara\" -lagi", 0, "p0,p7,p8,p9");
    assert_hits_sorted(fx.ix, "\"korea utara\" AND menyerang", 0, "p0");
    assert_hits_sorted(fx.ix, "\"utara korea\" OR \"perang dingin\"", 0, "p1,p4,p6");
    assert_hits_sorted(fx.ix, "korea -\"korea utara\"", 0, "p1,p2,p3");
}

Test(phrase, hyphenated_query_word_matches_as_a_phrase)
{
    assert_hits_sorted(fx.ix, "korea-utara", 0, "p0,p4,p5,p7,p8,p9");
    assert_hits_sorted(fx.ix, "utara-korea", 0, "p1,p4");
    /* the whole spelling ranks first */
    char *ranked = test_search(fx.ix, "korea-utara", 0, 1);
    cr_assert_str_eq(ranked, "p7");
    free(ranked);
}

static float phrase_score(const char *query, const char *id)
{
    uint32_t doc = qdoc_of(fx.ix, id);
    cari_results *r = qsearch(fx.ix, query, 0, NULL, NULL);
    float s = -1;
    for (size_t i = 0; i < cari_results_count(r); i++)
        if (cari_results_doc(r, i) == doc)
            s = cari_results_score(r, i);
    cari_results_free(r);
    cr_assert_geq(s, 0, "%s is not a hit of %s", id, query);
    return s;
}

Test(phrase, phrase_frequency_raises_the_score)
{
    /* p4 and p5 have the same length; p4 holds the phrase three times */
    float s4 = phrase_score("\"korea utara\"", "p4"), s5 = phrase_score("\"korea utara\"", "p5");
    cr_assert_gt(s4, s5);
    char *ranked = test_search(fx.ix, "\"korea utara\"", 0, 1);
    cr_assert_str_eq(ranked, "p4");
    free(ranked);
    /* BM25 in the phrase frequency: s = W f / (f + K) with the same W and K
     * for both docs, so s4 / s5 = 3 (1 + K) / (3 + K); solve K from it and
     * check that it is the same for a third frequency */
    double ratio = (double)s4 / s5;
    double K = (3.0 - 3.0 * ratio) / (ratio - 3.0); /* from ratio (3 + K) = 3 (1 + K) */
    cr_assert_gt(K, 0);
    double W = s5 * (1.0 + K);
    cr_assert_float_eq(s4, W * 3.0 / (3.0 + K), 1e-4 * s4);
    /* "lagi lagi": five times in p5 (6 consecutive), once in p4 */
    float l5 = phrase_score("\"lagi lagi\"", "p5"), l4 = phrase_score("\"lagi lagi\"", "p4");
    cr_assert_gt(l5, l4);
    double W2 = l4 * (1.0 + K);
    cr_assert_float_eq(l5, W2 * 5.0 / (5.0 + K), 1e-4 * l5);
}

Test(phrase, repeated_word_phrase_counts_overlaps)
{
    /* "lagi lagi lagi": four times in six consecutive "lagi" */
    assert_hits_sorted(fx.ix, "\"lagi lagi lagi\"", 0, "p5");
    assert_hits_sorted(fx.ix, "\"lagi lagi\"", 0, "p4,p5");
}

/* A phrase is matched from its rarest word in the document: that word at a
 * position below its offset in the phrase starts nothing (r0, r1), and the
 * frequency is the same whichever word is rarest (r2 and r3 hold it twice). */
Test(phrase_rarest, candidates_start_from_the_rarest_word)
{
    static const struct test_doc rdocs[] = {
        { "r0", NULL, "utara korea korea korea" },
        { "r1", NULL, "utara lagi korea utara korea" },
        { "r2", NULL, "korea utara korea korea korea utara" },
        { "r3", NULL, "utara utara korea utara utara korea utara" },
    };
    struct qfix f;
    qfix_docs(&f, rdocs, 4);
    assert_hits_sorted(f.ix, "\"korea utara\"", 0, "r1,r2,r3");
    assert_hits_sorted(f.ix, "\"utara korea utara\"", 0, "r3");
    assert_hits_sorted(f.ix, "\"korea korea korea\"", 0, "r0,r2");
    /* r2 and r3 contain "korea utara" twice each at lengths 6 and 7; r1 once at 5 */
    char *ranked = test_search(f.ix, "\"korea utara\"", 0, 3);
    cr_assert_str_eq(ranked, "r2,r3,r1");
    free(ranked);
    qfix_close(&f);
}

/* The rarest word leads the alignment, whichever place it has in the phrase:
 * "umum" is in all 300 docs (three blocks of postings), "langka" in four, so
 * the common word only moves to the rare word's docs, across its blocks, and
 * still finds exactly the docs where the two are adjacent in order. */
Test(phrase_rarest, the_rarest_word_leads_across_blocks)
{
    enum { N = 300 };
    static struct test_doc many[N];
    static char ids[N][8];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "m%03d", i);
        many[i].id = ids[i];
        many[i].title = NULL;
        many[i].text = "umum kata umum lain";
    }
    many[5].text = "umum langka umum";      /* the phrase */
    many[140].text = "langka umum umum";    /* both words, in the other order */
    many[141].text = "kata umum langka";    /* the phrase, next to a miss */
    many[290].text = "umum umum langka umum"; /* the phrase, in the last block */
    struct qfix f;
    qfix_docs(&f, many, N);
    assert_hits_sorted(f.ix, "\"umum langka\"", 0, "m005,m141,m290");
    assert_hits_sorted(f.ix, "\"langka umum\"", 0, "m005,m140,m290");
    assert_hits_sorted(f.ix, "\"umum langka umum\"", 0, "m005,m290");
    qfix_close(&f);
}
