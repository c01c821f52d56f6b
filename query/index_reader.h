/* index_reader.h - an open index: the mapped file and the validated places of
 * its sections. Shared by every part of the read path. */
#ifndef CARI_QUERY_INDEX_READER_H
#define CARI_QUERY_INDEX_READER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "cari.h"
#include "core/format.h"

struct section_view {
    const uint8_t *data;
    uint64_t offset, len;
    uint32_t crc;
    int present;
};

/* Decompression contexts kept for the next reader of the store: one that
 * has used the dictionary decodes with it faster than a new one (about a
 * fifth less time for ten documents). Behind a pointer, so that readers
 * holding a const index may take and return them. */
enum { INDEX_SPARE_DCTX = 8 };
struct dctx_pool {
    pthread_mutex_t lock;
    void *spare[INDEX_SPARE_DCTX]; /* ZSTD_DCtx */
    size_t n;
};

struct cari_index {
    char *path;
    uint8_t *map;
    size_t size;
    struct section_view sec[SECTION_MAX + 1];

    uint32_t ndocs;
    uint64_t tokens, postings, records;
    uint32_t nterms, nblocks;
    double avgdl;
    float default_length_factor[256]; /* BM25's with its default k1 and b, by norm byte */
    char analyzer[128];

    char **field_names;
    size_t nfields;

    const uint8_t *id_block_offsets, *id_blocks; /* DOC_IDS: its u32 offsets, its blocks */
    uint64_t id_blocks_len;
    uint32_t id_nblocks;
    const uint8_t *norms;

    uint32_t store_nblocks, store_nrecords, store_max_block;
    void *store_ddict;      /* ZSTD_DDict of STORE_DICT, or NULL; shared by every reader */
    uint32_t store_dict_id; /* its id, which every frame names; 0 without one */
    struct dctx_pool *dctx_pool; /* what readers of the store reuse */
};

/* Formats a corruption error about `ix` and returns CARI_ECORRUPT. */
int index_corrupt(const cari_index *ix, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The bytes [*p, *end) of DOC_IDS block `block` (< id_nblocks), checked
 * against the section; CARI_ECORRUPT when its offsets do not fit. */
int index_id_block(const cari_index *ix, uint32_t block, const uint8_t **p, const uint8_t **end);

/* The store record of document `doc`. */
int index_doc_record(const cari_index *ix, uint32_t doc, uint32_t *record);

#endif
