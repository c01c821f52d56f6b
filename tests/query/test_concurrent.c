/* Concurrent readers: one open index searched from 8 threads at once gives
 * every thread exactly what one thread alone gets: the same hits in the same
 * order with the same scores, the same ids, stored fields and snippets
 * (concurrent_readers.h). scripts/tsan.sh runs the same under ThreadSanitizer. */
#include "tests/query/concurrent_readers.h"
#include "tests/query/query_fixture.h"

static struct qfix fx;

Test(concurrent, eight_threads_get_what_one_thread_gets, .timeout = 120)
{
    qfix_samples(&fx);
    char *expected[NQUERIES];
    for (size_t i = 0; i < NQUERIES; i++) {
        expected[i] = answer(fx.ix, i);
        cr_assert_not_null(expected[i], "%s: %s", queries[i].text, cari_error_last());
    }
    /* the single-thread answers are real results, not empty lists */
    cr_assert(strstr(expected[0], S001) != NULL, "%s", expected[0]);
    cr_assert(strstr(expected[1], "[Kim] [Jong] [Un]") != NULL, "%s", expected[1]);

    struct worker workers[THREADS];
    cr_assert_eq(concurrent_run(fx.ix, expected, workers), 0);
    for (int t = 0; t < THREADS; t++) {
        cr_expect_eq(workers[t].failures, 0, "thread %d: %d calls failed", t, workers[t].failures);
        cr_expect_eq(workers[t].mismatches, 0, "thread %d: %d answers differ, first %s", t,
                     workers[t].mismatches, workers[t].first_bad);
    }
    for (size_t i = 0; i < NQUERIES; i++)
        free(expected[i]);
    qfix_close(&fx);
}
/* Errors are per thread: a failure in one thread does not change the message
 * another thread reads. */
static void *fail_a_parse(void *arg)
{
    cari_query *q;
    int *rc = arg;
    *rc = cari_query_parse(&q, fx.ix, "\"tidak ditutup", 14, 0);
    return NULL;
}

Test(concurrent, error_messages_are_per_thread)
{
    qfix_samples(&fx);
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, fx.ix, "(Kursk", 6, 0), CARI_ESYNTAX);
    char mine[256];
    snprintf(mine, sizeof mine, "%s", cari_error_last());
    pthread_t t;
    int rc = 0;
    cr_assert_eq(pthread_create(&t, NULL, fail_a_parse, &rc), 0);
    cr_assert_eq(pthread_join(t, NULL), 0);
    cr_assert_eq(rc, CARI_ESYNTAX);
    cr_assert_str_eq(cari_error_last(), mine);
    qfix_close(&fx);
}
