/* index_open.c - cari_index_open: mmap the file and check its frame (header,
 * table, footer, section bounds) in time independent of its size. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDDict_byReference */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "core/analyzer.h"
#include "core/block_cover.h"
#include "core/crc32c.h"
#include "core/endian.h"
#include "core/error.h"
#include "core/id_blocks.h"
#include "core/varint.h"
#include "query/index_reader.h"

int index_corrupt(const cari_index *ix, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_set(CARI_ECORRUPT, "%s: corrupt index: %s", ix->path, msg);
}

static int check_header(cari_index *ix, uint64_t *table_offset, uint32_t *nsections,
                        uint32_t *table_crc)
{
    const uint8_t *h = ix->map;
    if (ix->size < FORMAT_HEADER_SIZE + FORMAT_FOOTER_SIZE || memcmp(h, FORMAT_MAGIC, 8) != 0)
        return error_set(CARI_ECORRUPT, "%s: not a cari index (no magic number)", ix->path);
    if (crc32c_update(0, h, 60) != le32_load(h + 60))
        return index_corrupt(ix, "header checksum mismatch");
    uint32_t version = le32_load(h + 8);
    if (version != FORMAT_VERSION)
        return error_set(CARI_EVERSION, "%s: index format version %u; this build reads version %u "
                         "(rebuild the index with cari-index)",
                         ix->path, version, FORMAT_VERSION);
    uint64_t file_size = le64_load(h + 16);
    if (file_size != ix->size)
        return index_corrupt(ix, "the header says %llu bytes but the file has %zu (truncated?)",
                             (unsigned long long)file_size, ix->size);
    *table_offset = le64_load(h + 24);
    *nsections = le32_load(h + 32);
    *table_crc = le32_load(h + 36);
    const uint8_t *f = ix->map + ix->size - FORMAT_FOOTER_SIZE;
    if (memcmp(f + 12, FORMAT_FOOTER_MAGIC, 4) != 0 || le64_load(f) != *table_offset ||
        le32_load(f + 8) != le32_load(h + 60))
        return index_corrupt(ix, "the footer does not match the header");
    if (*nsections > SECTION_MAX * 4 || *table_offset < FORMAT_HEADER_SIZE ||
        *table_offset > ix->size ||
        *table_offset + (uint64_t)*nsections * FORMAT_TABLE_ENTRY_SIZE !=
            ix->size - FORMAT_FOOTER_SIZE)
        return index_corrupt(ix, "section table out of place");
    return 0;
}

static int read_table(cari_index *ix)
{
    uint64_t table_offset = 0;
    uint32_t n = 0, table_crc = 0;
    int rc = check_header(ix, &table_offset, &n, &table_crc);
    if (rc != 0)
        return rc;
    const uint8_t *t = ix->map + table_offset;
    if (crc32c_update(0, t, (size_t)n * FORMAT_TABLE_ENTRY_SIZE) != table_crc)
        return index_corrupt(ix, "section table checksum mismatch");
    uint64_t prev_end = FORMAT_HEADER_SIZE;
    for (uint32_t i = 0; i < n; i++, t += FORMAT_TABLE_ENTRY_SIZE) {
        uint32_t id = le32_load(t);
        uint64_t off = le64_load(t + 8), len = le64_load(t + 16);
        if (off % FORMAT_ALIGN != 0 || off < prev_end || off > table_offset ||
            len > table_offset - off)
            return index_corrupt(ix, "section %u out of bounds", id);
        prev_end = off + len;
        if (id == 0 || id > SECTION_MAX)
            continue; /* a section this version does not know */
        if (ix->sec[id].present)
            return index_corrupt(ix, "section %s appears twice", format_section_name(id));
        ix->sec[id] = (struct section_view){ ix->map + off, off, len, le32_load(t + 24), 1 };
    }
    for (uint32_t id = 1; id <= SECTION_MAX; id++)
        if (!ix->sec[id].present && id != SECTION_DOC_RECORDS && id != SECTION_STORE_DICT)
            return index_corrupt(ix, "section %s is missing", format_section_name(id));
    return 0;
}

static int check_crc(const cari_index *ix, uint32_t id)
{
    const struct section_view *s = &ix->sec[id];
    if (crc32c_update(0, s->data, (size_t)s->len) != s->crc)
        return index_corrupt(ix, "section %s checksum mismatch", format_section_name(id));
    return 0;
}

/* The value of `key` in META's "key=value" lines, or NULL. */
static const char *meta_value(const char *meta, size_t len, const char *key, size_t *vlen)
{
    size_t klen = strlen(key);
    for (const char *p = meta, *end = meta + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        if ((size_t)(line_end - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == '=') {
            *vlen = (size_t)(line_end - p) - klen - 1;
            return p + klen + 1;
        }
        p = line_end + 1;
    }
    return NULL;
}

static int meta_number(const char *meta, size_t len, const char *key, uint64_t *out)
{
    size_t n;
    const char *v = meta_value(meta, len, key, &n);
    if (v == NULL || n == 0)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9' || x > (UINT64_MAX - 9) / 10)
            return -1;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    *out = x;
    return 0;
}

static int meta_string(const char *meta, size_t len, const char *key, char *out, size_t cap)
{
    size_t n;
    const char *v = meta_value(meta, len, key, &n);
    if (v == NULL || n >= cap)
        return -1;
    memcpy(out, v, n);
    out[n] = '\0';
    return 0;
}

static int read_meta(cari_index *ix)
{
    int rc = check_crc(ix, SECTION_META);
    if (rc != 0)
        return rc;
    const char *m = (const char *)ix->sec[SECTION_META].data;
    size_t n = (size_t)ix->sec[SECTION_META].len;
    uint64_t docs, terms;
    if (meta_number(m, n, "documents", &docs) != 0 || docs >= UINT32_MAX ||
        meta_number(m, n, "tokens", &ix->tokens) != 0 ||
        meta_number(m, n, "terms", &terms) != 0 || terms >= UINT32_MAX ||
        meta_number(m, n, "postings", &ix->postings) != 0 ||
        meta_number(m, n, "records", &ix->records) != 0 || ix->records < docs ||
        meta_string(m, n, "analyzer", ix->analyzer, sizeof ix->analyzer) != 0)
        return index_corrupt(ix, "META lacks a required key");
    ix->ndocs = (uint32_t)docs;
    ix->nterms = (uint32_t)terms;
    ix->avgdl = block_cover_average_length(ix->tokens, docs);
    block_cover_length_factors(ix->default_length_factor, BM25_DEFAULT_K1, BM25_DEFAULT_B,
                               ix->avgdl);
    if (!analyzer_name_supported(ix->analyzer))
        return error_set(CARI_EVERSION,
                         "%s: the index was analysed with \"%s\", which this build does not have",
                         ix->path, ix->analyzer);
    return 0;
}

static int read_fields(cari_index *ix)
{
    int rc = check_crc(ix, SECTION_FIELDS);
    if (rc != 0)
        return rc;
    const uint8_t *p = ix->sec[SECTION_FIELDS].data, *end = p + ix->sec[SECTION_FIELDS].len;
    uint32_t n;
    if (varint_get32(&p, end, &n) != 0 || n < 2 || n > (uint32_t)(end - p))
        return index_corrupt(ix, "FIELDS count");
    ix->field_names = calloc(n, sizeof *ix->field_names);
    if (ix->field_names == NULL)
        return error_oom();
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len;
        if (varint_get32(&p, end, &len) != 0 || len > (uint64_t)(end - p))
            return index_corrupt(ix, "FIELDS entry %u", i);
        if ((ix->field_names[i] = strndup((const char *)p, len)) == NULL)
            return error_oom();
        ix->nfields++;
        p += len;
    }
    if (strcmp(ix->field_names[0], "title") != 0 || strcmp(ix->field_names[1], "text") != 0)
        return index_corrupt(ix, "FIELDS must start with title and text");
    return 0;
}

/* Checks that every fixed-size array agrees with the document and term counts. */
static int check_sizes(cari_index *ix)
{
    uint64_t n = ix->ndocs;
    const struct section_view *ids = &ix->sec[SECTION_DOC_IDS];
    uint64_t nblocks = (n + FORMAT_IDS_PER_BLOCK - 1) / FORMAT_IDS_PER_BLOCK;
    uint64_t head = 4 + 4 * (nblocks + 1);
    if (ids->len < head || le32_load(ids->data) != n)
        return index_corrupt(ix, "DOC_IDS does not hold %llu documents", (unsigned long long)n);
    ix->id_nblocks = (uint32_t)nblocks;
    ix->id_block_offsets = ids->data + 4;
    ix->id_blocks = ids->data + head;
    ix->id_blocks_len = ids->len - head;
    if (le32_load(ix->id_block_offsets) != 0 ||
        le32_load(ix->id_block_offsets + 4 * nblocks) != ix->id_blocks_len)
        return index_corrupt(ix, "DOC_IDS block table does not span its blocks");
    if (ix->sec[SECTION_DOC_LENGTHS].len != 4 * n || ix->sec[SECTION_NORMS].len != n)
        return index_corrupt(ix, "DOC_LENGTHS or NORMS size");
    ix->norms = ix->sec[SECTION_NORMS].data;
    if (ix->sec[SECTION_DOC_RECORDS].present && ix->sec[SECTION_DOC_RECORDS].len != 4 * n)
        return index_corrupt(ix, "DOC_RECORDS size");
    if (!ix->sec[SECTION_DOC_RECORDS].present && ix->records != n)
        return index_corrupt(ix, "DOC_RECORDS is missing");
    const struct section_view *ti = &ix->sec[SECTION_TERM_INDEX];
    if (ti->len < 8 || le32_load(ti->data) != ix->nterms)
        return index_corrupt(ix, "TERM_INDEX term count");
    ix->nblocks = le32_load(ti->data + 4);
    if (ix->nblocks != (ix->nterms + FORMAT_TERMS_PER_BLOCK - 1) / FORMAT_TERMS_PER_BLOCK ||
        ti->len != 8 + 4 * (uint64_t)ix->nblocks)
        return index_corrupt(ix, "TERM_INDEX block count");
    const struct section_view *si = &ix->sec[SECTION_STORE_INDEX];
    if (si->len < 16)
        return index_corrupt(ix, "STORE_INDEX size");
    ix->store_nblocks = le32_load(si->data);
    ix->store_nrecords = le32_load(si->data + 4);
    ix->store_max_block = le32_load(si->data + 8);
    if (si->len != 16 + 16 * ((uint64_t)ix->store_nblocks + 1) || ix->store_nrecords != ix->records ||
        ix->store_max_block > FORMAT_MAX_STORE_BLOCK)
        return index_corrupt(ix, "STORE_INDEX does not hold %llu records",
                             (unsigned long long)ix->records);
    return 0;
}

/* The store's dictionary, when there is one: checked whole (it is small and
 * every block depends on it) and prepared once for every reader. */
static int read_store_dict(cari_index *ix)
{
    const struct section_view *d = &ix->sec[SECTION_STORE_DICT];
    if (!d->present)
        return 0;
    int rc = check_crc(ix, SECTION_STORE_DICT);
    if (rc != 0)
        return rc;
    if (ZSTD_getDictID_fromDict(d->data, (size_t)d->len) == 0)
        return index_corrupt(ix, "STORE_DICT is not a zstd dictionary");
    /* by reference: the mapping outlives it, and a one-shot query need not
     * copy the 256 KiB */
    ix->store_ddict = ZSTD_createDDict_byReference(d->data, (size_t)d->len);
    if (ix->store_ddict == NULL)
        return index_corrupt(ix, "STORE_DICT does not load");
    ix->store_dict_id = ZSTD_getDictID_fromDict(d->data, (size_t)d->len);
    return 0;
}

static int dctx_pool_new(cari_index *ix)
{
    struct dctx_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return error_oom();
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return error_set(CARI_ENOMEM, "cannot create a mutex");
    }
    ix->dctx_pool = p;
    return 0;
}

static int map_file(cari_index *ix, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? error_set(CARI_ENOTFOUND, "%s: no such index", path)
                               : error_set_errno(errno, "cannot open %s", path);
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0)
        rc = error_set_errno(errno, "cannot stat %s", path);
    else if (!S_ISREG(st.st_mode))
        rc = error_set(CARI_EINVAL, "%s is not a file", path);
    else if ((uint64_t)st.st_size < FORMAT_HEADER_SIZE + FORMAT_FOOTER_SIZE)
        rc = error_set(CARI_ECORRUPT, "%s: not a cari index (%lld bytes)", path,
                       (long long)st.st_size);
    if (rc == 0) {
        ix->size = (size_t)st.st_size;
        void *m = mmap(NULL, ix->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED)
            rc = error_set_errno(errno, "cannot map %s", path);
        else
            ix->map = m;
    }
    close(fd);
    return rc;
}

/* Asks for huge pages where search reads: the kernel then reads those
 * sections into the page cache in 2 MiB folios and maps them so (the
 * indexer writes in 2 MiB pieces to the same end, indexer/file_writer.c),
 * which spares the TLB misses of postings and norms read here and there.
 * The span of the sections other than the store: this writer puts the store
 * first, and a query reads a few of its blocks, for which reads of 2 MiB
 * would only cost a cold disk. A hint: without transparent huge pages
 * madvise fails and nothing changes. */
static void advise_huge_pages(const cari_index *ix)
{
#ifdef MADV_HUGEPAGE
    uint64_t lo = ix->size, hi = 0;
    for (uint32_t id = 1; id <= SECTION_MAX; id++) {
        const struct section_view *s = &ix->sec[id];
        if (s->present && id != SECTION_STORE) {
            lo = s->offset < lo ? s->offset : lo;
            hi = s->offset + s->len > hi ? s->offset + s->len : hi;
        }
    }
    lo &= ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);
    if (lo < hi)
        (void)madvise(ix->map + lo, (size_t)(hi - lo), MADV_HUGEPAGE);
#else
    (void)ix;
#endif
}

int cari_index_open(cari_index **out, const char *path, unsigned flags)
{
    *out = NULL;
    if (path == NULL)
        return error_set(CARI_EINVAL, "cari_index_open: NULL path");
    cari_index *ix = calloc(1, sizeof *ix);
    if (ix == NULL || (ix->path = strdup(path)) == NULL) {
        free(ix);
        return error_oom();
    }
    int rc = dctx_pool_new(ix);
    if (rc == 0)
        rc = map_file(ix, path);
    if (rc == 0)
        rc = read_table(ix);
    if (rc == 0)
        advise_huge_pages(ix);
    if (rc == 0)
        rc = read_meta(ix);
    if (rc == 0)
        rc = read_fields(ix);
    if (rc == 0)
        rc = check_sizes(ix);
    if (rc == 0)
        rc = read_store_dict(ix);
    if (rc == 0 && (flags & CARI_OPEN_VERIFY))
        rc = cari_index_verify(ix);
    if (rc != 0) {
        cari_index_close(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

void cari_index_close(cari_index *ix)
{
    if (ix == NULL)
        return;
    if (ix->dctx_pool != NULL) {
        for (size_t i = 0; i < ix->dctx_pool->n; i++)
            ZSTD_freeDCtx(ix->dctx_pool->spare[i]);
        pthread_mutex_destroy(&ix->dctx_pool->lock);
        free(ix->dctx_pool);
    }
    ZSTD_freeDDict(ix->store_ddict);
    if (ix->map != NULL)
        munmap(ix->map, ix->size);
    for (size_t i = 0; i < ix->nfields; i++)
        free(ix->field_names[i]);
    free(ix->field_names);
    free(ix->path);
    free(ix);
}

uint32_t cari_index_doc_count(const cari_index *ix) { return ix->ndocs; }

const char *cari_index_analyzer_name(const cari_index *ix) { return ix->analyzer; }

int index_id_block(const cari_index *ix, uint32_t block, const uint8_t **p, const uint8_t **end)
{
    uint32_t start = le32_load(ix->id_block_offsets + 4 * (size_t)block);
    uint32_t stop = le32_load(ix->id_block_offsets + 4 * (size_t)block + 4);
    if (start >= stop || stop > ix->id_blocks_len)
        return index_corrupt(ix, "DOC_IDS block %u (bytes %u..%u)", block, start, stop);
    *p = ix->id_blocks + start;
    *end = ix->id_blocks + stop;
    return 0;
}

/* Decodes into the caller's buffer: nothing of the index changes, so threads
 * may share it. */
int cari_index_doc_id(const cari_index *ix, uint32_t doc, char *out, size_t cap, size_t *len)
{
    if (doc >= ix->ndocs)
        return error_set(CARI_EINVAL, "document %u out of range (%u documents)", doc, ix->ndocs);
    const uint8_t *p = NULL, *end = NULL;
    int rc = index_id_block(ix, doc / FORMAT_IDS_PER_BLOCK, &p, &end);
    if (rc != 0)
        return rc;
    size_t n;
    rc = id_block_get(p, end, doc % FORMAT_IDS_PER_BLOCK, out, out != NULL ? cap : 0, &n);
    if (rc == -1)
        return index_corrupt(ix, "DOC_IDS entry %u", doc);
    if (len != NULL)
        *len = n;
    if (rc == -2)
        return error_set(CARI_ELIMIT, "the id of document %u takes %zu bytes and its NUL, the buffer %zu",
                         doc, n, out == NULL ? (size_t)0 : cap);
    if (memchr(out, '\0', n) != NULL)
        return index_corrupt(ix, "DOC_IDS entry %u contains a NUL byte", doc);
    return 0;
}

int index_doc_record(const cari_index *ix, uint32_t doc, uint32_t *record)
{
    if (doc >= ix->ndocs)
        return error_set(CARI_EINVAL, "document %u out of range (%u documents)", doc, ix->ndocs);
    if (!ix->sec[SECTION_DOC_RECORDS].present) {
        *record = doc;
        return 0;
    }
    *record = le32_load(ix->sec[SECTION_DOC_RECORDS].data + 4 * (size_t)doc);
    if (*record >= ix->records)
        return index_corrupt(ix, "DOC_RECORDS entry %u", doc);
    return 0;
}
