/* positions_writer.c - see positions_writer.h. */
#include "indexer/positions_writer.h"

#include <stdlib.h>

#include "core/array.h"
#include "core/error.h"
#include "core/format.h"
#include "core/rice.h"
#include "core/varint.h"

static int bad_run(void) { return error_set(CARI_EIO, "positions in a run of inverted data are damaged"); }

/* One document's varint positions as values of the code: the first position,
 * then each gap less one (positions of a term in a document increase). */
static int append_values(struct positions_scratch *s, size_t *n, const struct merged_posting *p)
{
    int rc = array_reserve((void **)&s->values, &s->cap, *n + p->tf, sizeof *s->values);
    if (rc != 0)
        return rc;
    const uint8_t *b = p->positions, *end = b + p->positions_len;
    for (uint32_t k = 0; k < p->tf; k++) {
        uint32_t v;
        if (varint_get32(&b, end, &v) != 0 || (k > 0 && v == 0))
            return bad_run();
        s->values[(*n)++] = k > 0 ? v - 1 : v;
    }
    return b == end ? 0 : bad_run();
}

int positions_encode(buf *out, struct positions_scratch *s, const struct merged_posting *const *live,
                     uint32_t n, uint64_t *pos_starts, uint64_t *len)
{
    *len = 0;
    for (uint32_t first = 0; first < n; first += FORMAT_POSTINGS_BLOCK) {
        uint32_t stop = n - first < FORMAT_POSTINGS_BLOCK ? n : first + FORMAT_POSTINGS_BLOCK;
        size_t count = 0;
        for (uint32_t i = first; i < stop; i++) {
            int rc = append_values(s, &count, live[i]);
            if (rc != 0)
                return rc;
            pos_starts[i] = *len;
        }
        size_t before = out != NULL ? out->len : 0;
        if (out != NULL)
            rice_encode(out, s->values, count);
        *len += out != NULL ? out->len - before : rice_size(s->values, count);
    }
    return out != NULL ? out->rc : 0;
}

void positions_scratch_free(struct positions_scratch *s)
{
    free(s->values);
    s->values = NULL;
    s->cap = 0;
}
