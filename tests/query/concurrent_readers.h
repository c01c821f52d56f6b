/* concurrent_readers.h - what the concurrent reader test does, shared by
 * the Criterion test (test_concurrent.c) and the ThreadSanitizer driver
 * (tests/tsan/concurrent_main.c, run by scripts/tsan.sh), because Criterion's
 * runner itself does not run under ThreadSanitizer. No Criterion here. */
#ifndef CARI_TESTS_QUERY_CONCURRENT_READERS_H
#define CARI_TESTS_QUERY_CONCURRENT_READERS_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cari.h"

enum { THREADS = 8, ROUNDS = 12 };

static const struct {
    const char *text;
    unsigned flags;
} queries[] = {
    { "Kursk", 0 },
    { "\"Kim Jong Un\"", 0 },
    { "Putin AND Pyongyang -Trump", 0 },
    { "perundingan OR Trump", 0 },
    { "Korea Utara pasukan", CARI_QUERY_AND },
    { "(Rusia OR Ukraina) NOT Kursk", 0 },
    { "menyampaikan", 0 },
    { "jong-un", 0 },
};
#define NQUERIES (sizeof queries / sizeof *queries)

/* Everything a reader can get from the index for query i, as one string. */
static inline char *answer(const cari_index *ix, size_t i)
{
    size_t cap = 1 << 15, len = 0;
    char *s = malloc(cap);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    cari_query *q;
    cari_results *r;
    cari_search_opts opts = CARI_SEARCH_OPTS_INIT;
    opts.k = 5;
    if (cari_query_parse(&q, ix, queries[i].text, strlen(queries[i].text), queries[i].flags) != 0) {
        free(s);
        return NULL;
    }
    if (cari_search(&r, q, &opts) != 0) {
        cari_query_free(q);
        free(s);
        return NULL;
    }
    len += (size_t)snprintf(s + len, cap - len, "%s\n", cari_query_describe(q));
    for (size_t h = 0; h < cari_results_count(r) && len < cap; h++) {
        uint32_t doc = cari_results_doc(r, h);
        cari_document *d = NULL;
        char *snip = NULL;
        const char *title = NULL;
        size_t title_len = 0;
        char id[CARI_ID_MAX + 1];
        if (cari_index_doc_id(ix, doc, id, sizeof id, NULL) != 0)
            snprintf(id, sizeof id, "(no id)");
        if (cari_document_get(&d, ix, doc) == 0) {
            title = cari_document_field(d, "title", &title_len);
            if (cari_snippet(&snip, NULL, q, d, NULL) != 0)
                snip = NULL;
        }
        len += (size_t)snprintf(s + len, cap - len, "%u %s %a %.*s | %s\n", doc,
                                id, (double)cari_results_score(r, h),
                                (int)title_len, title ? title : "", snip ? snip : "(no snippet)");
        cari_free(snip);
        cari_document_free(d);
    }
    cari_results_free(r);
    cari_query_free(q);
    return s;
}

struct worker {
    const cari_index *ix;
    char **expected; /* NQUERIES answers of one thread alone */
    int id;
    int mismatches, failures;
    char first_bad[128];
};

static inline void *concurrent_work(void *arg)
{
    struct worker *w = arg;
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t k = 0; k < NQUERIES; k++) {
            size_t i = (k + (size_t)w->id + (size_t)round) % NQUERIES; /* threads out of step */
            char *got = answer(w->ix, i);
            if (got == NULL)
                w->failures++;
            else if (strcmp(got, w->expected[i]) != 0 && w->mismatches++ == 0)
                snprintf(w->first_bad, sizeof w->first_bad, "round %d, query %s", round, queries[i].text);
            free(got);
        }
    }
    return NULL;
}

/* Starts THREADS workers over `ix`, each comparing with `expected`, and
 * joins them; returns 0 when they all ran. */
static inline int concurrent_run(const cari_index *ix, char **expected, struct worker *workers)
{
    pthread_t threads[THREADS];
    int started = 0, rc = 0;
    for (int t = 0; t < THREADS; t++) {
        workers[t] = (struct worker){ .ix = ix, .expected = expected, .id = t };
        if (pthread_create(&threads[t], NULL, concurrent_work, &workers[t]) != 0) {
            rc = -1;
            break;
        }
        started++;
    }
    for (int t = 0; t < started; t++)
        if (pthread_join(threads[t], NULL) != 0)
            rc = -1;
    return rc;
}

#endif
