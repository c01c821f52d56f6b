/* docstore_reader.c - cari_document: find the block of a document's record,
 * decompress it with the store's dictionary (zstd checks the frame's
 * checksum), and read the fields. */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "core/endian.h"
#include "core/error.h"
#include "core/varint.h"
#include "query/docstore_reader.h"

struct doc_field {
    const char *name;
    const char *value;
    size_t len;
};

struct cari_document {
    uint8_t *block; /* the decompressed block; values point into it */
    struct doc_field *fields;
    size_t nfields;
};

static const uint8_t *store_entry(const cari_index *ix, uint32_t b)
{
    return ix->sec[SECTION_STORE_INDEX].data + 16 + 16 * (size_t)b;
}

/* The block holding record r: the last block whose first record <= r. */
static int find_block(const cari_index *ix, uint32_t record, uint32_t *block)
{
    uint32_t lo = 0, hi = ix->store_nblocks;
    if (hi == 0)
        return index_corrupt(ix, "STORE_INDEX has no block for record %u", record);
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (le32_load(store_entry(ix, mid) + 8) <= record)
            lo = mid;
        else
            hi = mid;
    }
    *block = lo;
    return 0;
}

/* A decompression context: a spare one of the index, or a new one. */
static ZSTD_DCtx *take_dctx(struct dctx_pool *p)
{
    ZSTD_DCtx *d = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->n > 0)
        d = p->spare[--p->n];
    pthread_mutex_unlock(&p->lock);
    return d != NULL ? d : ZSTD_createDCtx();
}

/* Keeps the context for the next reader (a few at most). */
static void give_dctx(struct dctx_pool *p, ZSTD_DCtx *d)
{
    pthread_mutex_lock(&p->lock);
    if (p->n < INDEX_SPARE_DCTX) {
        p->spare[p->n++] = d;
        d = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    ZSTD_freeDCtx(d);
}

int docstore_read_block(const cari_index *ix, uint32_t b, uint8_t **out, size_t *len,
                        uint32_t *first_record, uint32_t *nrecords)
{
    const struct section_view *store = &ix->sec[SECTION_STORE];
    uint64_t start = le64_load(store_entry(ix, b)), end = le64_load(store_entry(ix, b + 1));
    *first_record = le32_load(store_entry(ix, b) + 8);
    uint32_t next_first = le32_load(store_entry(ix, b + 1) + 8);
    if (start >= end || end > store->len || next_first <= *first_record)
        return index_corrupt(ix, "STORE_INDEX entry %u", b);
    *nrecords = next_first - *first_record;
    const void *frame = store->data + start;
    size_t frame_len = (size_t)(end - start);
    unsigned long long size = ZSTD_getFrameContentSize(frame, frame_len);
    if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR ||
        size > ix->store_max_block || size < 8)
        return index_corrupt(ix, "STORE block %u has a bad frame header", b);
    if (ZSTD_getDictID_fromFrame(frame, frame_len) != ix->store_dict_id)
        return index_corrupt(ix, "STORE block %u names another dictionary", b);
    uint8_t *block = malloc((size_t)size);
    /* The index is shared by threads: each call has a context to itself. */
    ZSTD_DCtx *dctx = take_dctx(ix->dctx_pool);
    if (block == NULL || dctx == NULL) {
        free(block);
        ZSTD_freeDCtx(dctx);
        return error_oom();
    }
    size_t n = ZSTD_decompress_usingDDict(dctx, block, (size_t)size, frame, frame_len,
                                          ix->store_ddict);
    give_dctx(ix->dctx_pool, dctx);
    if (ZSTD_isError(n) || n != size) {
        free(block);
        return index_corrupt(ix, "STORE block %u does not decompress (%s)", b,
                             ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short");
    }
    *out = block;
    *len = n;
    return 0;
}

/* The bytes of record `i` of a decompressed block. */
static int block_record(const cari_index *ix, uint32_t b, const uint8_t *block, size_t len,
                        uint32_t nrecords, uint32_t i, const uint8_t **rec, const uint8_t **rec_end)
{
    if (le32_load(block) != nrecords || len < 4 + 4 * ((uint64_t)nrecords + 1))
        return index_corrupt(ix, "STORE block %u: header", b);
    const uint8_t *base = block + 4 + 4 * ((size_t)nrecords + 1);
    uint32_t a = le32_load(block + 4 + 4 * (size_t)i), z = le32_load(block + 8 + 4 * (size_t)i);
    if (a > z || z > (size_t)(block + len - base))
        return index_corrupt(ix, "STORE block %u: offsets of record %u", b, i);
    *rec = base + a;
    *rec_end = base + z;
    return 0;
}

static int parse_record(const cari_index *ix, uint32_t record, cari_document *d, const uint8_t *p,
                        const uint8_t *end)
{
    uint32_t n;
    if (varint_get32(&p, end, &n) != 0 || n > (size_t)(end - p))
        return index_corrupt(ix, "STORE record %u: field count", record);
    d->fields = calloc(n ? n : 1, sizeof *d->fields);
    if (d->fields == NULL)
        return error_oom();
    for (uint32_t i = 0; i < n; i++) {
        uint32_t number, len;
        if (varint_get32(&p, end, &number) != 0 || varint_get32(&p, end, &len) != 0 ||
            number >= ix->nfields || len > (size_t)(end - p))
            return index_corrupt(ix, "STORE record %u: field %u", record, i);
        d->fields[i] = (struct doc_field){ ix->field_names[number], (const char *)p, len };
        p += len;
    }
    d->nfields = n;
    return 0;
}

int docstore_check_block(const cari_index *ix, uint32_t b, const uint8_t *block, size_t len,
                         uint32_t first, uint32_t nrecords)
{
    int rc = 0;
    for (uint32_t i = 0; i < nrecords && rc == 0; i++) {
        const uint8_t *rec = NULL, *rec_end = NULL;
        cari_document d = { 0 };
        rc = block_record(ix, b, block, len, nrecords, i, &rec, &rec_end);
        if (rc == 0)
            rc = parse_record(ix, first + i, &d, rec, rec_end);
        free(d.fields);
    }
    return rc;
}

int cari_document_get(cari_document **out, const cari_index *ix, uint32_t doc)
{
    *out = NULL;
    uint32_t record = 0, block = 0, first = 0, nrecords = 0;
    size_t len = 0;
    int rc = index_doc_record(ix, doc, &record);
    if (rc == 0)
        rc = find_block(ix, record, &block);
    cari_document *d = rc == 0 ? calloc(1, sizeof *d) : NULL;
    if (rc == 0 && d == NULL)
        rc = error_oom();
    if (rc == 0)
        rc = docstore_read_block(ix, block, &d->block, &len, &first, &nrecords);
    const uint8_t *rec = NULL, *rec_end = NULL;
    if (rc == 0 && record - first >= nrecords)
        rc = index_corrupt(ix, "STORE has no record %u", record);
    if (rc == 0)
        rc = block_record(ix, block, d->block, len, nrecords, record - first, &rec, &rec_end);
    if (rc == 0)
        rc = parse_record(ix, record, d, rec, rec_end);
    if (rc != 0) {
        cari_document_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

const char *cari_document_field(const cari_document *d, const char *name, size_t *len)
{
    for (size_t i = 0; i < d->nfields; i++) {
        if (strcmp(d->fields[i].name, name) == 0) {
            if (len != NULL)
                *len = d->fields[i].len;
            return d->fields[i].value;
        }
    }
    if (len != NULL)
        *len = 0;
    return NULL;
}

size_t cari_document_field_count(const cari_document *d) { return d->nfields; }

const char *cari_document_field_at(const cari_document *d, size_t i, const char **value, size_t *len)
{
    if (i >= d->nfields)
        return NULL;
    if (value != NULL)
        *value = d->fields[i].value;
    if (len != NULL)
        *len = d->fields[i].len;
    return d->fields[i].name;
}

void cari_document_free(cari_document *d)
{
    if (d == NULL)
        return;
    free(d->block);
    free(d->fields);
    free(d);
}
