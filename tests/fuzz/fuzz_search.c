/* fuzz_search.c - see fuzz_search.h. */
#include "tests/fuzz/fuzz_search.h"

#include <string.h>

#include "tests/fuzz/fuzz_target.h"

static void check_failure(int rc, int intact)
{
    FUZZ_CHECK(rc < 0 && cari_error_last()[0] != '\0');
    FUZZ_CHECK(rc == CARI_ENOMEM || rc == CARI_ESYNTAX || rc == CARI_ELIMIT ||
               (!intact && rc == CARI_ECORRUPT));
}

/* The stored fields and the snippet of one hit. */
static void fetch_hit(const cari_index *ix, cari_query *q, uint32_t doc, int intact)
{
    size_t id_len = 0;
    char id[CARI_ID_MAX + 1];
    int irc = cari_index_doc_id(ix, doc, id, sizeof id, &id_len);
    FUZZ_CHECK(irc == 0 || (!intact && irc == CARI_ECORRUPT));
    if (irc == 0) /* terminated where its length says, no NUL inside */
        FUZZ_CHECK(id_len > 0 && id_len <= CARI_ID_MAX && strlen(id) == id_len);
    cari_document *d;
    int rc = cari_document_get(&d, ix, doc);
    if (rc != 0) {
        check_failure(rc, intact);
        return;
    }
    for (size_t i = 0, n = cari_document_field_count(d); i < n; i++) {
        const char *value;
        size_t len;
        FUZZ_CHECK(cari_document_field_at(d, i, &value, &len) != NULL && value != NULL);
    }
    char *snippet;
    size_t snippet_len;
    rc = cari_snippet(&snippet, &snippet_len, q, d, NULL);
    if (rc == 0) {
        FUZZ_CHECK(strlen(snippet) == snippet_len);
        cari_free(snippet);
    } else {
        check_failure(rc, intact);
    }
    cari_document_free(d);
}

int fuzz_search(const cari_index *ix, const char *text, size_t len, unsigned flags, int intact)
{
    cari_query *q;
    int rc = cari_query_parse(&q, ix, text, len, flags);
    if (rc != 0) {
        check_failure(rc, intact);
        return -1;
    }
    FUZZ_CHECK(cari_query_describe(q) != NULL && cari_query_describe(q)[0] != '\0');
    cari_search_opts opts = CARI_SEARCH_OPTS_INIT;
    opts.k = 5;
    cari_results *r;
    rc = cari_search(&r, q, &opts);
    int hits = -1;
    if (rc == 0) {
        size_t n = cari_results_count(r);
        FUZZ_CHECK(n <= opts.k);
        for (size_t i = 0; i < n; i++) {
            uint32_t doc = cari_results_doc(r, i);
            FUZZ_CHECK(doc < cari_index_doc_count(ix));
            /* best first, ties to the lower document (a damaged index may score NaN) */
            if (intact && i > 0)
                FUZZ_CHECK(cari_results_score(r, i) < cari_results_score(r, i - 1) ||
                           (cari_results_score(r, i) == cari_results_score(r, i - 1) &&
                            doc > cari_results_doc(r, i - 1)));
            fetch_hit(ix, q, doc, intact);
        }
        hits = (int)n;
        cari_results_free(r);
    } else {
        check_failure(rc, intact);
    }
    cari_query_free(q);
    return hits;
}
