/* run_merge.c - see run_merge.h. Runs are few (the budget makes them large),
 * so the smallest key is found by a linear scan rather than a heap. */
#include "indexer/run_merge.h"

#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/error.h"
#include "core/varint.h"

static int prime(run_merge *m)
{
    m->done = 0;
    for (size_t i = 0; i < m->ncursors; i++) {
        int rc = run_cursor_next(&m->cursors[i]);
        if (rc != 0)
            return rc;
        m->taken[i] = 0;
    }
    return 0;
}

int run_merge_init(run_merge *m, run_cursor *cursors, size_t ncursors)
{
    memset(m, 0, sizeof *m);
    m->cursors = cursors;
    m->ncursors = ncursors;
    m->taken = calloc(ncursors ? ncursors : 1, 1);
    m->starts = calloc(ncursors + 1, sizeof *m->starts);
    if (m->taken == NULL || m->starts == NULL)
        return error_oom();
    return prime(m);
}

int run_merge_rewind(run_merge *m)
{
    for (size_t i = 0; i < m->ncursors; i++) {
        int rc = run_cursor_rewind(&m->cursors[i]);
        if (rc != 0)
            return rc;
    }
    return prime(m);
}

void run_merge_free(run_merge *m)
{
    free(m->taken);
    free(m->starts);
    free(m->postings);
    free(m->tmp);
    memset(m, 0, sizeof *m);
}

static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c != 0 ? c : (alen > blen) - (alen < blen);
}

static int bad_run(void) { return error_set(CARI_EIO, "a run of inverted data is damaged"); }

/* Appends the postings of cursor `c`'s current term. */
static int decode_cursor(run_merge *m, const run_cursor *c)
{
    const uint8_t *d = c->docs, *dend = d + c->docs_len;
    const uint8_t *p = c->positions, *pend = p + c->positions_len;
    uint32_t next_min = 0;
    while (d < dend) {
        uint32_t gap, tf, len;
        if (varint_get32(&d, dend, &gap) != 0 || varint_get32(&d, dend, &tf) != 0 ||
            varint_get32(&d, dend, &len) != 0 || len > (size_t)(pend - p))
            return bad_run();
        int rc = array_reserve((void **)&m->postings, &m->cap, m->npostings + 1, sizeof *m->postings);
        if (rc != 0)
            return rc;
        m->postings[m->npostings++] = (struct merged_posting){ next_min + gap, tf, p, len };
        p += len;
        next_min += gap + 1;
    }
    return 0;
}

/* Merges the sorted segments postings[starts[i]..starts[i+1]) of `nseg`
 * segments, pairwise, bottom-up: runs of different workers interleave their
 * records, but each is in order. */
static int merge_segments(run_merge *m, size_t nseg)
{
    int rc = array_reserve((void **)&m->tmp, &m->tmp_cap, m->npostings, sizeof *m->tmp);
    if (rc != 0)
        return rc;
    size_t *st = m->starts;
    while (nseg > 1) {
        size_t out = 0, k = 0;
        for (size_t s = 0; s < nseg; s += 2) {
            size_t i = st[s], iend = st[s + 1], j = iend, jend = s + 1 < nseg ? st[s + 2] : iend;
            st[k++] = out;
            while (i < iend && j < jend)
                m->tmp[out++] = m->postings[j].record < m->postings[i].record ? m->postings[j++]
                                                                              : m->postings[i++];
            while (i < iend)
                m->tmp[out++] = m->postings[i++];
            while (j < jend)
                m->tmp[out++] = m->postings[j++];
        }
        st[k] = out;
        nseg = k;
        struct merged_posting *t = m->postings;
        size_t cap = m->cap;
        m->postings = m->tmp, m->cap = m->tmp_cap;
        m->tmp = t, m->tmp_cap = cap;
    }
    return 0;
}

int run_merge_next(run_merge *m)
{
    for (size_t i = 0; i < m->ncursors; i++) {
        if (m->taken[i]) {
            int rc = run_cursor_next(&m->cursors[i]);
            if (rc != 0)
                return rc;
            m->taken[i] = 0;
        }
    }
    const run_cursor *min = NULL;
    for (size_t i = 0; i < m->ncursors; i++) {
        const run_cursor *c = &m->cursors[i];
        if (!c->done && (min == NULL || key_cmp(c->key, c->key_len, min->key, min->key_len) < 0))
            min = c;
    }
    if (min == NULL) {
        m->done = 1;
        return 0;
    }
    m->key = min->key;
    m->key_len = min->key_len;
    m->npostings = 0;
    size_t nseg = 0;
    int sorted = 1;
    for (size_t i = 0; i < m->ncursors; i++) {
        const run_cursor *c = &m->cursors[i];
        /* (the smallest is its own key: no comparison, none with one run) */
        if (c->done || (c != min && key_cmp(c->key, c->key_len, m->key, m->key_len) != 0))
            continue;
        size_t before = m->npostings;
        int rc = decode_cursor(m, c);
        if (rc != 0)
            return rc;
        if (before > 0 && m->npostings > before &&
            m->postings[before].record < m->postings[before - 1].record)
            sorted = 0;
        m->starts[nseg++] = before;
        m->taken[i] = 1;
    }
    m->starts[nseg] = m->npostings;
    return sorted ? 0 : merge_segments(m, nseg);
}

int run_merge_write(run_merge *m, const char *path)
{
    FILE *f;
    int rc = run_file_create(&f, path);
    if (rc != 0)
        return rc;
    buf docs = BUF_INIT, positions = BUF_INIT;
    while (rc == 0 && !m->done) {
        buf_clear(&docs);
        buf_clear(&positions);
        uint32_t next_min = 0;
        for (size_t i = 0; i < m->npostings; i++) {
            const struct merged_posting *p = &m->postings[i];
            buf_varint(&docs, p->record - next_min);
            buf_varint(&docs, p->tf);
            buf_varint(&docs, p->positions_len);
            buf_append(&positions, p->positions, p->positions_len);
            next_min = p->record + 1;
        }
        rc = docs.rc != 0 ? docs.rc : positions.rc;
        if (rc == 0)
            run_file_put_term(f, m->key, m->key_len, docs.data, docs.len, positions.data,
                              positions.len);
        if (rc == 0)
            rc = run_merge_next(m);
    }
    buf_free(&docs);
    buf_free(&positions);
    int closed = run_file_close(f, path);
    return rc != 0 ? rc : closed;
}
