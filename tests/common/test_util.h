/* test_util.h - helpers for the Criterion tests: temporary folders, indexes
 * built from the samples or from documents given inline, running the tools. */
#ifndef CARI_TEST_UTIL_H
#define CARI_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "cari.h"

struct test_doc {
    const char *id;
    const char *title; /* NULL: none */
    const char *text;
};

/* A fresh folder under /tmp (removed by test_rmtree). Caller frees the string. */
char *test_tmpdir(void);
void test_rmtree(const char *path);

/* path = dir + "/" + name, malloc'ed. */
char *test_path(const char *dir, const char *name);

/* Builds an index of samples/ at `path` through the library (as cari-index does). */
void test_build_samples(const char *path);

/* Builds an index of the given documents at `path`. */
void test_build_docs(const char *path, const struct test_doc *docs, size_t n);

/* The external id of `doc` in `buf` (CARI_ID_MAX + 1 bytes), or NULL when
 * cari_index_doc_id fails. */
const char *test_doc_id(const cari_index *ix, uint32_t doc, char *buf);

/* The same in a buffer of its own that lives to the end of the enclosing block. */
#define TEST_DOC_ID(ix, doc) test_doc_id((ix), (doc), (char[CARI_ID_MAX + 1]){ 0 })

/* Ids of the hits of `query`, best first, joined by ",". Caller frees. */
char *test_search(const cari_index *ix, const char *query, unsigned flags, size_t k);

/* The same ids sorted by byte order: for "exactly these documents". */
char *test_search_sorted(const cari_index *ix, const char *query, unsigned flags, size_t k);

/* Whole-file helpers; read returns NULL when the file cannot be read. */
char *test_read_file(const char *path, size_t *len);
void test_write_file(const char *path, const void *data, size_t len);

/* The lines of /proc/self/smaps about the mapping that holds addr (caller
 * frees), or NULL without one (or without /proc). */
char *test_smaps_of(const void *addr);

/* The number after `field` ("FilePmdMapped:") in such lines, -1 if absent. */
long test_smaps_number(const char *smaps, const char *field);

/* Runs `cmd` with /bin/sh; captures stdout and stderr (caller frees); returns
 * the exit status (128 + signal when killed). stdin_data may be NULL. */
int test_run(const char *cmd, const char *stdin_data, char **out, char **err);

/* The built tools: CARI_BINARY_DIR "/cari-index" and "/cari-query". */
#define TEST_CARI_INDEX CARI_BINARY_DIR "/cari-index"
#define TEST_CARI_QUERY CARI_BINARY_DIR "/cari-query"
#define TEST_SAMPLES CARI_SOURCE_DIR "/samples"
#define TEST_DATA CARI_SOURCE_DIR "/tests/data"

#endif
