/* fuzz_index_open.c - an index file of arbitrary bytes: open it, query it and
 * fetch the hits' documents and snippets; then open it again with
 * CARI_OPEN_VERIFY. Every checksum is recomputed first, so the fuzzer reaches
 * the structures behind them instead of stopping at the first CRC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cari.h"
#include "core/crc32c.h"
#include "core/endian.h"
#include "core/format.h"
#include "query/termdict_reader.h"
#include "tests/fuzz/fuzz_search.h"
#include "tests/fuzz/fuzz_target.h"

/* Rewrites the file size, the section, table and header checksums and the
 * footer copy, wherever the bytes leave room for them (docs/FORMAT.md). */
static void fix_checksums(uint8_t *m, size_t size)
{
    if (size < FORMAT_HEADER_SIZE + FORMAT_FOOTER_SIZE || memcmp(m, FORMAT_MAGIC, 8) != 0)
        return;
    le64_store(m + 16, size);
    uint64_t table = le64_load(m + 24);
    uint32_t n = le32_load(m + 32);
    if (table <= size && n <= (size - table) / FORMAT_TABLE_ENTRY_SIZE) {
        for (uint32_t i = 0; i < n; i++) {
            uint8_t *t = m + table + (size_t)i * FORMAT_TABLE_ENTRY_SIZE;
            uint64_t off = le64_load(t + 8), len = le64_load(t + 16);
            if (off <= size && len <= size - off)
                le32_store(t + 24, crc32c_update(0, m + off, (size_t)len));
        }
        le32_store(m + 36, crc32c_update(0, m + table, (size_t)n * FORMAT_TABLE_ENTRY_SIZE));
    }
    le32_store(m + 60, crc32c_update(0, m, 60));
    le32_store(m + size - FORMAT_FOOTER_SIZE + 8, le32_load(m + 60));
}

/* Appends the key's word (without its root mark) to words[*n], if new. */
static void add_word(char words[][FORMAT_MAX_KEY + 1], size_t *n, const term_block_reader *r)
{
    size_t len = r->key_len;
    if (len > 0 && r->key[len - 1] == FORMAT_ROOT_MARK)
        len--;
    if (*n > 0 && strlen(words[*n - 1]) == len && memcmp(words[*n - 1], r->key, len) == 0)
        return;
    memcpy(words[*n], r->key, len);
    words[(*n)++][len] = '\0';
}

/* Queries made of the dictionary's first words and the last block's first,
 * so that damaged postings and positions of terms that exist get read. */
static void query_dictionary(const cari_index *ix)
{
    enum { WORDS = 5 };
    char words[WORDS][FORMAT_MAX_KEY + 1];
    size_t n = 0;
    term_block_reader r;
    struct term_entry e;
    if (ix->nblocks == 0 || term_block_start(&r, ix, 0) != 0)
        return;
    while (n < WORDS - 1 && term_block_next(&r, &e) == 0)
        add_word(words, &n, &r);
    if (ix->nblocks > 1 && term_block_start(&r, ix, ix->nblocks - 1) == 0 &&
        term_block_next(&r, &e) == 0)
        add_word(words, &n, &r);
    char q[3 * FORMAT_MAX_KEY + 64];
    for (size_t i = 0; i < n; i++) {
        const char *next = words[(i + 1) % n];
        fuzz_search(ix, words[i], strlen(words[i]), 0, 0);
        int len = snprintf(q, sizeof q, "\"%s %s\" OR (%s AND NOT %s)", words[i], next, next,
                           words[i]);
        fuzz_search(ix, q, (size_t)len, CARI_QUERY_AND, 0);
    }
}

static void use_index(const char *path)
{
    static const char *const queries[] = { "Kursk", "\"Kim Jong Un\"", "Gerasimov AND Trump",
                                           "menyampaikan -Pyongyang", "pendidikan OR jong-un" };
    cari_index *ix;
    if (cari_index_open(&ix, path, 0) != 0)
        return;
    cari_index_stats st = { .version = CARI_INDEX_STATS_VERSION };
    cari_index_stats_get(ix, &st);
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
        fuzz_search(ix, queries[i], strlen(queries[i]), 0, 0);
    query_dictionary(ix);
    cari_index_close(ix);
    if (cari_index_open(&ix, path, CARI_OPEN_VERIFY) == 0)
        cari_index_close(ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size + 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    fix_checksums(copy, size);
    int fd;
    char path[64];
    if (fuzz_memfile(copy, size, &fd, path) == 0) {
        use_index(path);
        close(fd);
    }
    free(copy);
    return 0;
}
