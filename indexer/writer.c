/* writer.c - cari_writer: documents in, handed to the inverter pool, stored
 * fields streamed into the document store; a repeated id replaces the earlier
 * document (as an Elasticsearch bulk load or an SQLite REPLACE would). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/array.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/unicode.h"
#include "indexer/stale_files.h"
#include "indexer/writer_internal.h"

/* Store blocks of 128 KiB: on the corpus 0.5 MB smaller than 64 KiB at the
 * same search (store_compressor.c); a hit's block (163 KB on average, against
 * 94) takes about 1.8 times as long to decompress. */
enum { STORE_LEVEL_DEFAULT = 4, STORE_BLOCK_DEFAULT = 128 * 1024, MAX_THREADS = 256 };

#define MEMORY_DEFAULT ((size_t)1 << 30)
/* What the budget must leave beside the inverters: per thread, a full stem
 * memo (2^21 slots and their words); once, input and output buffers, the
 * store's blocks (32 MiB of them held for the dictionary, its sample and
 * training, up to 32 MiB waiting for the store's thread, and 8 MiB of the
 * frames and the context of a caller that compresses when the queue is
 * full; under 256M, fewer: store_compressor_init), the batches in flight and
 * the record tables. */
#define MEMORY_PER_THREAD ((size_t)64 << 20)
#define MEMORY_FIXED ((size_t)120 << 20)

/* The inverters' share of the budget: what the rest leaves, less a margin
 * for the allocator's slack; a budget too small for that still bounds them. */
static size_t inverter_budget(size_t memory, unsigned threads)
{
    size_t reserve = MEMORY_FIXED + MEMORY_PER_THREAD * threads;
    if (memory < 2 * reserve)
        return memory / 4;
    return (memory - reserve) / 10 * 8;
}

/* What copies of large documents (inverter_pool.c) may hold while they wait
 * for the analysers or are analysed: a sixteenth of the budget, beside the
 * inverters' share (the margin above covers it). At -j 2, two 10 MB
 * documents in flight keep both threads busy from 320M up. */
#define LARGE_DOCS_SHARE 16

/* The options of any known version, defaults filled in. */
static cari_writer_opts writer_options(const cari_writer_opts *given)
{
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    if (given != NULL) {
        o.store_level = given->store_level;
        o.store_block_size = given->store_block_size;
    }
    if (given != NULL && given->version >= 2) {
        o.threads = given->threads;
        o.memory = given->memory;
    }
    if (o.store_level == 0)
        o.store_level = STORE_LEVEL_DEFAULT;
    if (o.store_block_size == 0)
        o.store_block_size = STORE_BLOCK_DEFAULT;
    if (o.threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o.threads = n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
    }
    if (o.threads > MAX_THREADS)
        o.threads = MAX_THREADS;
    if (o.memory == 0)
        o.memory = MEMORY_DEFAULT;
    return o;
}

static int writer_setup(cari_writer *w, const char *path, const cari_writer_opts *given)
{
    cari_writer_opts o = writer_options(given);
    stale_files_remove(path);
    int rc = cari_analyzer_new(&w->analyzer);
    if (rc == 0)
        rc = inverter_pool_init(&w->pool, path, o.threads, inverter_budget(o.memory, o.threads),
                                o.memory / LARGE_DOCS_SHARE);
    if (rc != 0)
        return rc;
    w->id_table_cap = 1024;
    w->id_table = calloc(w->id_table_cap, sizeof *w->id_table);
    w->field_names[0] = strdup("title");
    w->field_names[1] = strdup("text");
    w->nfield_names = 2;
    if (w->id_table == NULL || w->field_names[0] == NULL || w->field_names[1] == NULL)
        return error_oom();
    rc = file_writer_open(&w->file, path);
    if (rc == 0)
        file_writer_begin(&w->file, SECTION_STORE);
    /* With threads to analyse, the store is compressed on one more. */
    if (rc == 0)
        rc = docstore_writer_init(&w->store, o.store_level, o.store_block_size, o.threads > 1,
                                  o.memory, &w->file);
    return rc;
}

int cari_writer_open(cari_writer **out, const char *path, const cari_writer_opts *opts)
{
    *out = NULL;
    if (path == NULL || *path == '\0')
        return error_set(CARI_EINVAL, "cari_writer_open: no path");
    if (opts != NULL && (opts->version < 1 || opts->version > CARI_WRITER_OPTS_VERSION))
        return error_set(CARI_EINVAL, "cari_writer_opts version %u, expected 1 to %u",
                         opts->version, CARI_WRITER_OPTS_VERSION);
    cari_writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return error_oom();
    w->file.fd = -1;
    int rc = writer_setup(w, path, opts);
    if (rc != 0) {
        cari_writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void cari_writer_free(cari_writer *w)
{
    if (w == NULL)
        return;
    docstore_writer_free(&w->store); /* first: its thread writes to the file */
    if (!w->committed)
        file_writer_abort(&w->file);
    inverter_pool_free(&w->pool); /* it stops the threads and removes the runs */
    cari_analyzer_free(w->analyzer);
    buf_free(&w->ids);
    buf_free(&w->clean);
    free(w->id_offsets);
    free(w->replaced);
    free(w->id_table);
    free(w->stored);
    for (size_t i = 0; i < w->nfield_names; i++)
        free(w->field_names[i]);
    free(w);
}

static uint32_t id_hash(const char *id, size_t len) { return (uint32_t)hash_bytes(id, len); }

static const char *record_id(const cari_writer *w, size_t record, size_t *len)
{
    uint64_t start = w->id_offsets[record];
    uint64_t end = record + 1 < w->records ? w->id_offsets[record + 1] : w->ids.len;
    *len = (size_t)(end - start - 1);
    return (const char *)w->ids.data + start;
}

/* The slot of `id` in the id table: either the slot holding it or an empty one. */
static size_t id_slot(const cari_writer *w, const char *id, size_t len)
{
    size_t mask = w->id_table_cap - 1;
    for (size_t j = id_hash(id, len) & mask;; j = (j + 1) & mask) {
        uint32_t r = w->id_table[j];
        if (r == 0)
            return j;
        size_t l;
        const char *other = record_id(w, r - 1, &l);
        if (l == len && memcmp(other, id, len) == 0)
            return j;
    }
}

static int grow_id_table(cari_writer *w)
{
    size_t cap = w->id_table_cap * 2;
    uint32_t *t = calloc(cap, sizeof *t);
    if (t == NULL)
        return error_oom();
    for (size_t j = 0; j < w->id_table_cap; j++) {
        uint32_t r = w->id_table[j];
        if (r == 0)
            continue;
        size_t len;
        const char *id = record_id(w, r - 1, &len);
        size_t k = id_hash(id, len) & (cap - 1);
        while (t[k] != 0)
            k = (k + 1) & (cap - 1);
        t[k] = r;
    }
    free(w->id_table);
    w->id_table = t;
    w->id_table_cap = cap;
    return 0;
}

/* Records the id of the new record, marking an earlier record with it replaced. */
static int register_id(cari_writer *w, const char *id, size_t len)
{
    size_t r = w->records;
    int rc = array_reserve((void **)&w->id_offsets, &w->ids_cap, r + 1, sizeof *w->id_offsets);
    if (rc == 0)
        rc = array_reserve((void **)&w->replaced, &w->replaced_cap, r + 1, 1);
    if (rc == 0 && (w->records + 1) * 2 > w->id_table_cap)
        rc = grow_id_table(w);
    if (rc != 0)
        return rc;
    size_t slot = id_slot(w, id, len);
    if (w->id_table[slot] != 0) {
        w->replaced[w->id_table[slot] - 1] = 1;
        w->nreplaced++;
    }
    w->id_offsets[r] = w->ids.len;
    w->replaced[r] = 0;
    buf_append(&w->ids, id, len);
    buf_byte(&w->ids, 0);
    w->id_table[slot] = (uint32_t)r + 1;
    return w->ids.rc;
}

static int field_number(cari_writer *w, const char *name, uint32_t *out)
{
    for (size_t i = 0; i < w->nfield_names; i++) {
        if (strcmp(w->field_names[i], name) == 0) {
            *out = (uint32_t)i;
            return 0;
        }
    }
    if (w->nfield_names == WRITER_MAX_FIELDS)
        return error_set(CARI_EINPUT, "more than %d distinct field names", WRITER_MAX_FIELDS);
    if ((w->field_names[w->nfield_names] = strdup(name)) == NULL)
        return error_oom();
    *out = (uint32_t)w->nfield_names++;
    return 0;
}

/* Fills w->stored with the non-empty fields, values made valid UTF-8. */
static int prepare_fields(cari_writer *w, const cari_field *fields, size_t nfields, size_t *nstored)
{
    size_t need = 0;
    for (size_t i = 0; i < nfields; i++)
        need += fields[i].value_len * 3;
    buf_clear(&w->clean);
    int rc = buf_reserve(&w->clean, need + 1);
    if (rc == 0)
        rc = array_reserve((void **)&w->stored, &w->stored_cap, nfields + 1, sizeof *w->stored);
    if (rc != 0)
        return rc;
    size_t n = 0;
    for (size_t i = 0; i < nfields; i++) {
        const cari_field *f = &fields[i];
        if (f->value_len == 0)
            continue;
        struct stored_field *s = &w->stored[n];
        if ((rc = field_number(w, f->name, &s->number)) != 0)
            return rc;
        if (utf8_valid(f->value, f->value_len)) {
            s->value = f->value;
            s->len = f->value_len;
        } else {
            s->value = (const char *)w->clean.data + w->clean.len;
            s->len = utf8_sanitize(f->value, f->value_len, (char *)w->clean.data + w->clean.len);
            w->clean.len += s->len;
        }
        n++;
    }
    *nstored = n;
    return 0;
}

static int check_id(const char *id, size_t id_len)
{
    if (id == NULL || id_len == 0)
        return error_set(CARI_EINPUT, "document without an id");
    if (id_len > WRITER_MAX_ID)
        return error_set(CARI_EINPUT, "id of %zu bytes (at most %d)", id_len, WRITER_MAX_ID);
    if (memchr(id, '\0', id_len) != NULL)
        return error_set(CARI_EINPUT, "id contains a NUL byte");
    if (!utf8_valid(id, id_len))
        return error_set(CARI_EINPUT, "id is not valid UTF-8");
    return 0;
}

int cari_writer_add(cari_writer *w, const char *id, size_t id_len, const cari_field *fields,
                    size_t nfields)
{
    if (w == NULL || (fields == NULL && nfields > 0))
        return error_set(CARI_EINVAL, "cari_writer_add: NULL argument");
    if (w->failed || w->committed)
        return error_set(CARI_EINVAL, "cari_writer_add: the writer has %s",
                         w->committed ? "been committed" : "failed");
    for (size_t i = 0; i < nfields; i++)
        if (fields[i].name == NULL || (fields[i].value == NULL && fields[i].value_len > 0))
            return error_set(CARI_EINVAL, "cari_writer_add: field %zu has no name or value", i);
    int rc = check_id(id, id_len);
    if (rc != 0)
        return rc;
    if (w->records >= UINT32_MAX - 1)
        return error_set(CARI_ELIMIT, "more than %u documents", UINT32_MAX - 2);

    size_t nstored = 0;
    rc = prepare_fields(w, fields, nfields, &nstored);
    if (rc == 0)
        rc = inverter_pool_add(&w->pool, (uint32_t)w->records, w->stored, nstored);
    if (rc == 0)
        rc = docstore_writer_add(&w->store, w->stored, nstored);
    if (rc == 0)
        rc = register_id(w, id, id_len);
    if (rc != 0) {
        w->failed = 1;
        return rc;
    }
    w->records++;
    return 0;
}

int cari_writer_commit(cari_writer *w)
{
    if (w == NULL)
        return error_set(CARI_EINVAL, "cari_writer_commit: NULL writer");
    if (w->failed || w->committed)
        return error_set(CARI_EINVAL, "cari_writer_commit: the writer has %s",
                         w->committed ? "been committed" : "failed");
    int rc = writer_commit_sections(w);
    if (rc != 0) {
        w->failed = 1;
        return rc;
    }
    w->committed = 1;
    return 0;
}
