/* positions_writer.c - see positions_writer.h. */
#include "indexer/positions_writer.h"

#include <stdlib.h>

#include "core/array.h"
#include "core/error.h"
#include "core/format.h"
#include "core/norms.h"
#include "core/rice.h"
#include "core/varint.h"

static int bad_run(void) { return error_set(CARI_EIO, "positions in a run of inverted data are damaged"); }

static int reserve(struct positions_scratch *s, size_t n)
{
    size_t cap = s->cap;
    int rc = array_reserve((void **)&s->values, &cap, n, sizeof *s->values);
    if (rc == 0 && cap != s->cap) {
        uint8_t *ks = realloc(s->ks, cap);
        if (ks == NULL)
            return error_oom();
        s->ks = ks;
        s->cap = cap;
    }
    return rc;
}

/* One document's varint positions as values of the code: the first position,
 * then each gap less one (positions of a term in a document increase), all
 * with the document's k. */
static int append_values(struct positions_scratch *s, size_t *n, const struct merged_posting *p,
                         uint32_t length)
{
    int rc = reserve(s, *n + p->tf);
    if (rc != 0)
        return rc;
    if (p->tf == 0 || p->tf - 1 > length)
        return bad_run();
    unsigned k = rice_doc_k(norm_encode(length), p->tf);
    const uint8_t *b = p->positions, *end = b + p->positions_len;
    uint64_t pos = 0;
    for (uint32_t i = 0; i < p->tf; i++) {
        uint32_t v;
        if (varint_get32(&b, end, &v) != 0 || (i > 0 && v == 0) || (pos += v) > length)
            return bad_run();
        s->ks[*n] = (uint8_t)k;
        s->values[(*n)++] = i > 0 ? v - 1 : v;
    }
    return b == end ? 0 : bad_run();
}

int positions_encode(buf *out, struct positions_scratch *s, const struct merged_posting *const *live,
                     uint32_t n, const uint32_t *length_of_record, uint64_t *pos_starts,
                     uint64_t *len)
{
    *len = 0;
    for (uint32_t first = 0; first < n; first += FORMAT_POSTINGS_BLOCK) {
        uint32_t stop = n - first < FORMAT_POSTINGS_BLOCK ? n : first + FORMAT_POSTINGS_BLOCK;
        size_t count = 0;
        for (uint32_t i = first; i < stop; i++) {
            int rc = append_values(s, &count, live[i], length_of_record[live[i]->record]);
            if (rc != 0)
                return rc;
            pos_starts[i] = *len;
        }
        size_t before = out != NULL ? out->len : 0;
        if (out != NULL)
            rice_run_encode(out, s->values, s->ks, count);
        *len += out != NULL ? out->len - before : rice_run_size(s->values, s->ks, count);
    }
    return out != NULL ? out->rc : 0;
}

void positions_scratch_free(struct positions_scratch *s)
{
    free(s->values);
    free(s->ks);
    s->values = NULL;
    s->ks = NULL;
    s->cap = 0;
}
