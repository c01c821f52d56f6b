/* query_fixture.h - shared helpers of the query tests: an index built in a
 * fresh folder (from the samples or from documents given inline) and opened,
 * plus short ways to parse, describe and search. Everything is static inline
 * so that each test file takes only what it uses. */
#ifndef CARI_TESTS_QUERY_FIXTURE_H
#define CARI_TESTS_QUERY_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cari.h"
#include "tests/common/test_util.h"

/* The five samples, in document order (folder order = byte order of the names). */
#define S000 "000_5aca90321db24b7b"
#define S001 "001_c7aacca5a8cc5693"
#define S002 "002_0dae2cce8c8e6931"
#define S003 "003_bbff8ebabdd1624f"
#define S004 "004_393e21a6b6f560b6"

struct qfix {
    char *dir;
    char *path;
    cari_index *ix;
};

static inline void qfix_open(struct qfix *f)
{
    int rc = cari_index_open(&f->ix, f->path, 0);
    cr_assert_eq(rc, 0, "open %s: %s", f->path, cari_error_last());
}

/* An index of samples/, opened. */
static inline void qfix_samples(struct qfix *f)
{
    f->dir = test_tmpdir();
    f->path = test_path(f->dir, "samples.cari");
    test_build_samples(f->path);
    qfix_open(f);
}

/* An index of the given documents, opened. */
static inline void qfix_docs(struct qfix *f, const struct test_doc *docs, size_t n)
{
    f->dir = test_tmpdir();
    f->path = test_path(f->dir, "docs.cari");
    test_build_docs(f->path, docs, n);
    qfix_open(f);
}

static inline void qfix_close(struct qfix *f)
{
    cari_index_close(f->ix);
    f->ix = NULL;
    if (f->dir != NULL)
        test_rmtree(f->dir);
    free(f->path);
    free(f->dir);
    f->path = f->dir = NULL;
}

/* Parses `text` (must succeed) and returns its description, malloc'ed. */
static inline char *qdescribe(const cari_index *ix, const char *text, unsigned flags)
{
    cari_query *q;
    int rc = cari_query_parse(&q, ix, text, strlen(text), flags);
    cr_assert_eq(rc, 0, "parse <%s>: %s", text, cari_error_last());
    char *d = strdup(cari_query_describe(q));
    cari_query_free(q);
    return d;
}

/* Asserts that `text` describes as `want`. */
#define assert_describe(ix, text, flags, want)                                                 \
    do {                                                                                       \
        char *d_ = qdescribe((ix), (text), (flags));                                           \
        cr_assert_str_eq(d_, (want), "describe <%s>: got <%s>, want <%s>", (text), d_, (want)); \
        free(d_);                                                                              \
    } while (0)

/* Asserts that `query` finds exactly the ids `want` (sorted, comma-separated). */
#define assert_hits_sorted(ix, query, flags, want)                                             \
    do {                                                                                       \
        char *h_ = test_search_sorted((ix), (query), (flags), 100);                            \
        cr_assert_str_eq(h_, (want), "<%s>: got <%s>, want <%s>", (query), h_, (want));        \
        free(h_);                                                                              \
    } while (0)

/* Asserts the ids of `query`, best first. */
#define assert_hits_ranked(ix, query, flags, want)                                             \
    do {                                                                                       \
        char *h_ = test_search((ix), (query), (flags), 100);                                   \
        cr_assert_str_eq(h_, (want), "<%s>: got <%s>, want <%s>", (query), h_, (want));        \
        free(h_);                                                                              \
    } while (0)

/* Parses and searches; returns the results (caller frees) and the query through *qout. */
static inline cari_results *qsearch(const cari_index *ix, const char *text, unsigned flags,
                                    const cari_search_opts *opts, cari_query **qout)
{
    cari_query *q;
    int rc = cari_query_parse(&q, ix, text, strlen(text), flags);
    cr_assert_eq(rc, 0, "parse <%s>: %s", text, cari_error_last());
    cari_results *r;
    rc = cari_search(&r, q, opts);
    cr_assert_eq(rc, 0, "search <%s>: %s", text, cari_error_last());
    if (qout != NULL)
        *qout = q;
    else
        cari_query_free(q);
    return r;
}

/* The internal number of the document with external id `id`. */
static inline uint32_t qdoc_of(const cari_index *ix, const char *id)
{
    for (uint32_t d = 0; d < cari_index_doc_count(ix); d++) {
        const char *s = TEST_DOC_ID(ix, d);
        cr_assert_not_null(s);
        if (strcmp(s, id) == 0)
            return d;
    }
    cr_assert_fail("no document %s", id);
    return UINT32_MAX;
}

#endif
