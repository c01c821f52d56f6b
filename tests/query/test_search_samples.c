/* Golden searches over the five sample articles: which documents each query
 * finds, exactly. */
#include <pthread.h>

#include "tests/query/query_fixture.h"

static struct qfix fx;

static void setup(void) { qfix_samples(&fx); }
static void teardown(void) { qfix_close(&fx); }

TestSuite(search_samples, .init = setup, .fini = teardown);

#define ALL5 S000 "," S001 "," S002 "," S003 "," S004

Test(search_samples, index_holds_the_five_samples_in_folder_order)
{
    cr_assert_eq(cari_index_doc_count(fx.ix), 5);
    const char *ids[] = { S000, S001, S002, S003, S004 };
    for (uint32_t d = 0; d < 5; d++) {
        size_t len;
        char id[CARI_ID_MAX + 1];
        cr_assert_eq(cari_index_doc_id(fx.ix, d, id, sizeof id, &len), 0);
        cr_assert_str_eq(id, ids[d]);
        cr_assert_eq(len, strlen(ids[d]));
    }
    char id[CARI_ID_MAX + 1];
    cr_assert_eq(cari_index_doc_id(fx.ix, 5, id, sizeof id, NULL), CARI_EINVAL);
    cr_assert_eq(strcmp(cari_index_analyzer_name(fx.ix), "cari-id/2 hunspell-id"), 0);
}

Test(search_samples, gerasimov)
{
    assert_hits_sorted(fx.ix, "Gerasimov", 0, S000 "," S001 "," S004);
}

Test(search_samples, peskov_and_zelensky)
{
    assert_hits_sorted(fx.ix, "Peskov", 0, S000);
    assert_hits_sorted(fx.ix, "Zelensky", 0, S001);
}

Test(search_samples, kursk_is_in_every_article)
{
    assert_hits_sorted(fx.ix, "Kursk", 0, ALL5);
}

Test(search_samples, lower_case_equals_capitalised)
{
    char *a = test_search(fx.ix, "Kursk", 0, 10), *b = test_search(fx.ix, "kursk", 0, 10),
         *c = test_search(fx.ix, "KURSK", 0, 10);
    cr_assert_str_eq(a, b);
    cr_assert_str_eq(a, c);
    free(a), free(b), free(c);
    /* and the scores too */
    cari_results *r1 = qsearch(fx.ix, "Kursk", 0, NULL, NULL);
    cari_results *r2 = qsearch(fx.ix, "kursk", 0, NULL, NULL);
    cr_assert_eq(cari_results_count(r1), 5);
    cr_assert_eq(cari_results_count(r2), 5);
    for (size_t i = 0; i < 5; i++) {
        cr_assert_eq(cari_results_doc(r1, i), cari_results_doc(r2, i));
        cr_assert_float_eq(cari_results_score(r1, i), cari_results_score(r2, i), 1e-6);
    }
    cari_results_free(r1);
    cari_results_free(r2);
}

Test(search_samples, phrase_kim_jong_un_in_all_five_spellings)
{
    /* 000 and 003 write Jong-un: its parts take the positions of "Jong Un" */
    assert_hits_sorted(fx.ix, "\"Kim Jong Un\"", 0, ALL5);
    assert_hits_sorted(fx.ix, "\"kim jong-un\"", 0, ALL5);
}

Test(search_samples, hyphenated_word_unquoted_finds_both_spellings)
{
    assert_hits_sorted(fx.ix, "jong-un", 0, ALL5);
    assert_hits_sorted(fx.ix, "Jong-Un", 0, ALL5);
}

Test(search_samples, hyphenated_spelling_ranks_first)
{
    /* the whole form =jong-un is an optional clause: the two articles that
     * spell it so rank above the three that write "Jong Un" */
    char *ranked = test_search(fx.ix, "jong-un", 0, 10);
    cr_assert(strncmp(ranked, S003 "," S000 ",", strlen(S003 "," S000 ",")) == 0 ||
                  strncmp(ranked, S000 "," S003 ",", strlen(S000 "," S003 ",")) == 0,
              "got %s", ranked);
    free(ranked);
}

Test(search_samples, kcna)
{
    assert_hits_sorted(fx.ix, "KCNA", 0, S001 "," S002 "," S004);
}

Test(search_samples, gerasimov_and_trump)
{
    assert_hits_sorted(fx.ix, "Gerasimov AND Trump", 0, S000);
    assert_hits_sorted(fx.ix, "+Gerasimov +Trump", 0, S000);
    assert_hits_sorted(fx.ix, "Gerasimov Trump", CARI_QUERY_AND, S000);
}

Test(search_samples, kursk_without_pyongyang)
{
    assert_hits_sorted(fx.ix, "Kursk -Pyongyang", 0, S002);
    assert_hits_sorted(fx.ix, "Kursk NOT Pyongyang", 0, S002);
    assert_hits_sorted(fx.ix, "Kursk AND NOT Pyongyang", 0, S002);
}

Test(search_samples, dates)
{
    /* 001 writes (28/4/2025), 004 (28/4): a date is a phrase of its parts or its ISO form */
    assert_describe(fx.ix, "28/4/2025", 0, "(\"28 4 2025\" =2025-04-28)");
    assert_hits_sorted(fx.ix, "28/4/2025", 0, S001);
    assert_hits_sorted(fx.ix, "28/4", 0, S001 "," S004);
    assert_hits_sorted(fx.ix, "\"28 4\"", 0, S001 "," S004);
}

/* 001 writes 28/4/2025; the index keeps its ISO form 2025-04-28, which any
 * spelling of the same day reaches. */
Test(search_samples, iso_date_query_finds_the_written_date)
{
    assert_hits_sorted(fx.ix, "2025-04-28", 0, S001);
    assert_hits_sorted(fx.ix, "28-4-2025", 0, S001);
    assert_hits_sorted(fx.ix, "28/4/2025", 0, S001);
}

Test(search_samples, word_in_no_document)
{
    cari_results *r = qsearch(fx.ix, "xylofonzzz", 0, NULL, NULL);
    cr_assert_eq(cari_results_count(r), 0);
    cr_assert_eq(cari_results_doc(r, 0), UINT32_MAX);
    cr_assert_eq(cari_results_score(r, 0), 0.0f);
    cari_results_free(r);
    /* a missing word beside a present one does not hide it */
    assert_hits_sorted(fx.ix, "xylofonzzz Peskov", 0, S000);
    /* ...but a required missing word does */
    assert_hits_sorted(fx.ix, "xylofonzzz AND Peskov", 0, "");
}

Test(search_samples, stemmed_forms_meet_at_their_root)
{
    /* perundingan -> runding: any form with that root matches */
    assert_describe(fx.ix, "perundingan", 0, "runding");
    assert_hits_sorted(fx.ix, "perundingan", 0, S000);
    assert_hits_sorted(fx.ix, "berunding", 0, S000);
}

Test(search_samples, dictionary_roots_keep_their_first_letter)
{
    /* libstemmer made unding, egas and pasu of these; only 000 writes perundingan */
    assert_hits_sorted(fx.ix, "runding", 0, S000);
    assert_hits_sorted(fx.ix, "perundingan", 0, S000);
    /* 000 writes tegas; 000, 001, 003 and 004 menegaskan */
    assert_hits_sorted(fx.ix, "tegas", 0, S000 "," S001 "," S003 "," S004);
    assert_hits_sorted(fx.ix, "menegaskan", 0, S000 "," S001 "," S003 "," S004);
    /* every article writes pasukan (001 also pasukannya), and no other word is pasuk */
    assert_hits_sorted(fx.ix, "pasukan", 0, ALL5);
    assert_hits_sorted(fx.ix, "pasukannya", 0, ALL5);
    assert_hits_sorted(fx.ix, "pasu", 0, "");
    assert_hits_sorted(fx.ix, "egas", 0, "");
}

Test(search_samples, every_form_of_the_root_counts_alike)
{
    /* 001 alone writes "pasukannya" (once, and "pasukan" 8 times): the query's
     * form favours no document, so it ranks as "pasukan" does, 001 first on
     * its 9 occurrences */
    const char *order[] = { S001, S002, S004, S003, S000 };
    const char *queries[] = { "pasukannya", "pasukan" };
    for (size_t q = 0; q < 2; q++) {
        cari_results *r = qsearch(fx.ix, queries[q], 0, NULL, NULL);
        cr_assert_eq(cari_results_count(r), 5);
        for (size_t i = 0; i < 5; i++)
            cr_assert_str_eq(TEST_DOC_ID(fx.ix, cari_results_doc(r, i)), order[i],
                             "%s, rank %zu", queries[q], i + 1);
        cari_results_free(r);
    }
}

Test(search_samples, scores_are_best_first_and_positive)
{
    cari_results *r = qsearch(fx.ix, "Putin Korea Kursk", 0, NULL, NULL);
    size_t n = cari_results_count(r);
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < n; i++) {
        cr_assert_gt(cari_results_score(r, i), 0.0f);
        if (i > 0) {
            float prev = cari_results_score(r, i - 1), cur = cari_results_score(r, i);
            cr_assert(prev > cur || (prev == cur && cari_results_doc(r, i - 1) < cari_results_doc(r, i)));
        }
    }
    cari_results_free(r);
}

Test(search_samples, k_limits_the_hits)
{
    char *all = test_search(fx.ix, "Kursk", 0, 5);
    char *two = test_search(fx.ix, "Kursk", 0, 2);
    /* the two best are the first two of the full list */
    const char *comma = strchr(all, ',');
    comma = strchr(comma + 1, ',');
    cr_assert_eq(strlen(two), (size_t)(comma - all));
    cr_assert_eq(strncmp(all, two, strlen(two)), 0, "%s vs %s", all, two);
    free(all);
    free(two);
}

/* An open index is shared by threads: each searches with its own queries and
 * gets the same answers as alone; the last-error message is per thread. */
struct thread_run {
    const cari_index *ix;
    int mismatches, errors;
    char message[256];
};

static const char *const thread_queries[][2] = {
    { "Gerasimov", S000 "," S001 "," S004 },
    { "KCNA", S001 "," S002 "," S004 },
    { "Kursk -Pyongyang", S002 },
    { "\"Kim Jong Un\"", ALL5 },
};

/* The hits of `query` as sorted ids, without Criterion asserts (which belong
 * to the test's main thread); NULL on an error. */
static char *thread_search(const cari_index *ix, const char *query)
{
    cari_query *q;
    cari_results *r;
    if (cari_query_parse(&q, ix, query, strlen(query), 0) != 0)
        return NULL;
    if (cari_search(&r, q, NULL) != 0) {
        cari_query_free(q);
        return NULL;
    }
    /* the doc numbers follow the ids' byte order in the samples index */
    uint32_t docs[5];
    size_t n = cari_results_count(r);
    for (size_t i = 0; i < n && i < 5; i++)
        docs[i] = cari_results_doc(r, i);
    for (size_t i = 1; i < n && i < 5; i++)
        for (size_t j = i; j > 0 && docs[j - 1] > docs[j]; j--) {
            uint32_t t = docs[j];
            docs[j] = docs[j - 1], docs[j - 1] = t;
        }
    char *out = calloc(1, 5 * 32);
    for (size_t i = 0; i < n && i < 5; i++) {
        if (i > 0)
            strcat(out, ",");
        strcat(out, TEST_DOC_ID(ix, docs[i]));
    }
    cari_results_free(r);
    cari_query_free(q);
    return out;
}

static void *thread_main(void *arg)
{
    struct thread_run *t = arg;
    for (int round = 0; round < 25; round++) {
        for (size_t i = 0; i < sizeof thread_queries / sizeof *thread_queries; i++) {
            char *got = thread_search(t->ix, thread_queries[i][0]);
            t->mismatches += got == NULL || strcmp(got, thread_queries[i][1]) != 0;
            free(got);
        }
        cari_query *q;
        if (cari_query_parse(&q, t->ix, "(a", 2, 0) != CARI_ESYNTAX)
            t->errors++;
        snprintf(t->message, sizeof t->message, "%s", cari_error_last());
    }
    return NULL;
}

Test(search_samples, threads_share_one_index)
{
    enum { THREADS = 4 };
    pthread_t th[THREADS];
    struct thread_run runs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        runs[i] = (struct thread_run){ fx.ix, 0, 0, "" };
        cr_assert_eq(pthread_create(&th[i], NULL, thread_main, &runs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        cr_assert_eq(runs[i].mismatches, 0, "thread %d", i);
        cr_assert_eq(runs[i].errors, 0, "thread %d", i);
        cr_assert_str_eq(runs[i].message, "query error at byte 0: '(' is never closed");
    }
    /* this thread's message was not touched by the others */
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, "/nonexistent/x.cari", 0), CARI_ENOTFOUND);
    cr_assert_str_eq(cari_error_last(), "/nonexistent/x.cari: no such index");
}
