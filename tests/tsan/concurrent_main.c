/* concurrent_main.c - the concurrent reader test as a plain program, for
 * ThreadSanitizer (scripts/tsan.sh): Criterion's runner does not run under
 * it. Usage: tsan_concurrent INDEX (an index of samples/). */
#include "tests/query/concurrent_readers.h"

int main(int argc, char **argv)
{
    cari_index *ix;
    if (argc != 2 || cari_index_open(&ix, argv[1], 0) != 0) {
        fprintf(stderr, "usage: tsan_concurrent INDEX (%s)\n", cari_error_last());
        return 2;
    }
    char *expected[NQUERIES];
    int bad = 0;
    for (size_t i = 0; i < NQUERIES; i++)
        if ((expected[i] = answer(ix, i)) == NULL)
            return fprintf(stderr, "%s: %s\n", queries[i].text, cari_error_last()), 1;
    struct worker workers[THREADS];
    if (concurrent_run(ix, expected, workers) != 0)
        return fprintf(stderr, "cannot start the threads\n"), 1;
    for (int t = 0; t < THREADS; t++) {
        if (workers[t].failures > 0 || workers[t].mismatches > 0) {
            fprintf(stderr, "thread %d: %d failures, %d differing answers (first %s)\n", t,
                    workers[t].failures, workers[t].mismatches, workers[t].first_bad);
            bad = 1;
        }
    }
    for (size_t i = 0; i < NQUERIES; i++)
        free(expected[i]);
    cari_index_close(ix);
    if (!bad)
        printf("%d threads x %d rounds x %zu queries: every answer as in one thread\n", THREADS,
               ROUNDS, NQUERIES);
    return bad;
}
