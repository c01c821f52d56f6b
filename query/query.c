/* query.c - cari_query: parse, describe, free. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "query/query_ast.h"

int cari_query_parse(cari_query **out, const cari_index *ix, const char *text, size_t len,
                     unsigned flags)
{
    *out = NULL;
    if (ix == NULL || (text == NULL && len > 0))
        return error_set(CARI_EINVAL, "cari_query_parse: NULL argument");
    cari_query *q = calloc(1, sizeof *q);
    if (q == NULL)
        return error_oom();
    q->ix = ix;
    int rc = cari_analyzer_new(&q->analyzer);
    if (rc == 0)
        rc = query_parse_text(q, text, len, flags);
    if (rc == 0) {
        buf d = BUF_INIT;
        qnode_describe(q->root, &d);
        if ((q->description = buf_cstr(&d)) == NULL)
            rc = d.rc;
    }
    if (rc != 0) {
        cari_query_free(q);
        return rc;
    }
    *out = q;
    return 0;
}

const char *cari_query_describe(const cari_query *q) { return q->description; }

void cari_query_free(cari_query *q)
{
    if (q == NULL)
        return;
    qnode_free(q->root);
    cari_analyzer_free(q->analyzer);
    free(q->description);
    free(q);
}

void cari_free(void *p) { free(p); }
