/* run_file.c - writing and reading sorted runs (see run_file.h). */
#include "indexer/run_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/varint.h"

enum { RUN_IO_BUFFER = 1 << 18 };

static void put_varint(FILE *f, uint64_t v)
{
    uint8_t b[VARINT_MAX64];
    fwrite(b, 1, varint_put(b, v), f);
}

int run_file_create(FILE **out, const char *path)
{
    *out = fopen(path, "wbe");
    if (*out == NULL)
        return error_set_errno(errno, "cannot create %s", path);
    setvbuf(*out, NULL, _IOFBF, RUN_IO_BUFFER);
    return 0;
}

void run_file_put_term(FILE *f, const char *key, size_t key_len, const uint8_t *docs,
                       size_t docs_len, const uint8_t *positions, size_t positions_len)
{
    put_varint(f, key_len);
    fwrite(key, 1, key_len, f);
    put_varint(f, docs_len);
    put_varint(f, positions_len);
    fwrite(docs, 1, docs_len, f);
    fwrite(positions, 1, positions_len, f);
}

int run_file_close(FILE *f, const char *path)
{
    put_varint(f, 0);
    int failed = ferror(f);
    errno = 0;
    if (fclose(f) != 0 || failed)
        return error_set_errno(errno ? errno : EIO, "writing %s", path);
    return 0;
}

int run_file_write(const inverter *inv, const char *path)
{
    uint32_t *order;
    FILE *f;
    int rc = inverter_sorted_terms(inv, &order);
    if (rc != 0)
        return rc;
    if ((rc = run_file_create(&f, path)) != 0) {
        free(order);
        return rc;
    }
    for (size_t i = 0; i < inv->nterms; i++) {
        const struct inv_term *t = &inv->terms[order[i]];
        run_file_put_term(f, inverter_key(inv, t), t->key_len, t->docs.data, t->docs.len,
                          t->positions.data, t->positions.len);
    }
    free(order);
    return run_file_close(f, path);
}

int run_cursor_open(run_cursor *c, const char *path, const inverter *inv)
{
    memset(c, 0, sizeof *c);
    if (path == NULL) {
        c->inv = inv;
        return inverter_sorted_terms(inv, &c->order);
    }
    c->path = path;
    c->file = fopen(path, "rbe");
    if (c->file == NULL)
        return error_set_errno(errno, "cannot open %s", path);
    setvbuf(c->file, NULL, _IOFBF, RUN_IO_BUFFER);
    return 0;
}

static int get_varint(run_cursor *c, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        int ch = getc(c->file);
        if (ch == EOF)
            break;
        *v |= (uint64_t)(ch & 0x7f) << shift;
        if (!(ch & 0x80))
            return 0;
    }
    return error_set(CARI_EIO, "%s: run file is truncated or damaged", c->path);
}

static int next_from_file(run_cursor *c)
{
    uint64_t key_len, docs_len, pos_len;
    int rc = get_varint(c, &key_len);
    if (rc != 0 || key_len == 0) {
        c->done = 1;
        return rc;
    }
    buf_clear(&c->data);
    if ((rc = buf_reserve(&c->data, key_len)) != 0)
        return rc;
    if (fread(c->data.data, 1, key_len, c->file) != key_len || get_varint(c, &docs_len) != 0 ||
        get_varint(c, &pos_len) != 0)
        return error_set(CARI_EIO, "%s: run file is truncated or damaged", c->path);
    size_t rest = (size_t)(docs_len + pos_len);
    if ((rc = buf_reserve(&c->data, key_len + rest)) != 0)
        return rc;
    if (fread(c->data.data + key_len, 1, rest, c->file) != rest)
        return error_set(CARI_EIO, "%s: run file is truncated or damaged", c->path);
    c->key = (const char *)c->data.data;
    c->key_len = (size_t)key_len;
    c->docs = c->data.data + key_len;
    c->docs_len = (size_t)docs_len;
    c->positions = c->docs + docs_len;
    c->positions_len = (size_t)pos_len;
    return 0;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* How far ahead of an inverter cursor the terms, then their keys and
 * postings, are fetched. In key order the terms lie all over the inverter's
 * memory, and most are read once, for one document: without this, the merge
 * and the positions code waited on a miss for each of those reads. */
enum { FETCH_TERM = 16, FETCH_DATA = 8 };

static void fetch_ahead(const run_cursor *c)
{
    const inverter *inv = c->inv;
    if (c->next + FETCH_TERM < inv->nterms)
        PREFETCH(&inv->terms[c->order[c->next + FETCH_TERM]]);
    if (c->next + FETCH_DATA < inv->nterms) {
        const struct inv_term *t = &inv->terms[c->order[c->next + FETCH_DATA]];
        PREFETCH(inverter_key(inv, t));
        PREFETCH(t->docs.data);
        PREFETCH(t->positions.data);
    }
}

int run_cursor_next(run_cursor *c)
{
    if (c->done)
        return 0;
    if (c->file != NULL)
        return next_from_file(c);
    if (c->next == c->inv->nterms) {
        c->done = 1;
        return 0;
    }
    fetch_ahead(c);
    const struct inv_term *t = &c->inv->terms[c->order[c->next++]];
    c->key = inverter_key(c->inv, t);
    c->key_len = t->key_len;
    c->docs = t->docs.data;
    c->docs_len = t->docs.len;
    c->positions = t->positions.data;
    c->positions_len = t->positions.len;
    return 0;
}

void run_cursor_open_sorted(run_cursor *c, const inverter *inv, uint32_t *order)
{
    memset(c, 0, sizeof *c);
    c->inv = inv;
    c->order = order;
}

int run_cursor_clone(run_cursor *c, const run_cursor *from)
{
    if (from->file != NULL)
        return run_cursor_open(c, from->path, NULL);
    memset(c, 0, sizeof *c);
    c->inv = from->inv;
    size_t n = from->inv->nterms;
    c->order = malloc((n ? n : 1) * sizeof *c->order);
    if (c->order == NULL)
        return error_oom();
    if (n > 0)
        memcpy(c->order, from->order, n * sizeof *c->order);
    return 0;
}

int run_cursor_rewind(run_cursor *c)
{
    c->done = 0;
    c->next = 0;
    if (c->file != NULL && fseek(c->file, 0, SEEK_SET) != 0)
        return error_set_errno(errno, "cannot rewind %s", c->path);
    return 0;
}

void run_cursor_close(run_cursor *c)
{
    if (c->file != NULL)
        fclose(c->file);
    free(c->order);
    buf_free(&c->data);
    memset(c, 0, sizeof *c);
}
