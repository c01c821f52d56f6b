/* The document store's zstd dictionary (STORE_DICT): trained on the first
 * blocks, used by every frame, the same for any thread count; records come
 * back byte-exact through it; damage to it is found, never read as text. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "cari.h"
#include "core/format.h"
#include "query/docstore_reader.h"
#include "query/index_reader.h"
#include "tests/common/test_util.h"
#include "tests/query/index_bytes.h"

/* Legal-style boilerplate with numbers and names that vary: what a
 * dictionary learns, and enough of it (NDOCS x ~1.5 KB) to train one. */
enum { NDOCS = 400 };

static const char *const clauses[] = {
    "Dengan persetujuan bersama Dewan Perwakilan Rakyat Republik Indonesia dan Presiden Republik Indonesia ",
    "memutuskan menetapkan peraturan pemerintah tentang ",
    "Pasal %u ayat (%u) dalam Undang-Undang Nomor %u Tahun %u ",
    "pelaksanaan ketentuan sebagaimana dimaksud dalam huruf %c perlu ditetapkan ",
    "Menteri %s menyampaikan laporan kepada Presiden paling lambat %u hari ",
    "pengadilan negeri %s menyatakan putusan tersebut berkekuatan hukum tetap. ",
};
static const char *const names[] = { "Keuangan", "Pendidikan", "Kesehatan", "Jakarta", "Surabaya",
                                     "Medan", "Pertahanan", "Perhubungan" };

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* The text of document `d`, the same for the same d. */
static size_t doc_text(unsigned d, char *out, size_t cap)
{
    uint32_t seed = 11 + d;
    size_t n = 0;
    unsigned nclauses = 8 + next_rand(&seed) % 24;
    for (unsigned i = 0; i < nclauses && n + 256 < cap; i++) {
        uint32_t r = next_rand(&seed);
        unsigned k = r % 6;
        if (k == 3)
            n += (size_t)snprintf(out + n, cap - n, clauses[k], 'a' + (int)(r % 26));
        else if (k == 4)
            n += (size_t)snprintf(out + n, cap - n, clauses[k], names[r % 8], r % 90 + 1);
        else if (k == 5)
            n += (size_t)snprintf(out + n, cap - n, clauses[k], names[r % 8]);
        else
            n += (size_t)snprintf(out + n, cap - n, clauses[k], r % 97 + 1, r % 7 + 1, r % 40 + 1,
                                  1950 + r % 75);
    }
    return n;
}

static void doc_id(unsigned d, char *id, size_t cap) { snprintf(id, cap, "uu/%u", d); }

/* Builds the NDOCS documents at `path`; returns the file's bytes. */
static char *build(const char *path, unsigned threads, size_t memory, size_t *len)
{
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.threads = threads;
    o.memory = memory;
    cari_writer *w = NULL;
    cr_assert_eq(cari_writer_open(&w, path, &o), 0, "%s", cari_error_last());
    static char text[8192];
    for (unsigned d = 0; d < NDOCS; d++) {
        char id[32], title[64];
        doc_id(d, id, sizeof id);
        snprintf(title, sizeof title, "Peraturan Nomor %u", d);
        cari_field f[] = { { "title", title, strlen(title) },
                           { "text", text, doc_text(d, text, sizeof text) },
                           { "sumber", "jdih", 4 } };
        cr_assert_eq(cari_writer_add(w, id, strlen(id), f, 3), 0, "%s", cari_error_last());
    }
    cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
    cari_writer_free(w);
    char *bytes = test_read_file(path, len);
    cr_assert_not_null(bytes);
    return bytes;
}

static const uint32_t ZSTD_DICT_MAGIC = 0xEC30A437;

Test(store_dict, records_come_back_byte_exact_through_the_dictionary)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "d.cari");
    size_t len;
    uint8_t *file = (uint8_t *)build(path, 2, 0, &len);
    struct ib_section s[32];
    size_t n = ib_sections(file, len, s, 32);
    const struct ib_section *dict = ib_find(s, n, SECTION_STORE_DICT);
    const struct ib_section *store = ib_find(s, n, SECTION_STORE);
    cr_assert_not_null(dict, "no STORE_DICT");
    cr_assert_gt(dict->len, 1024);
    cr_assert_eq(le32_load(file + dict->offset), ZSTD_DICT_MAGIC);
    unsigned id = ZSTD_getDictID_fromDict(file + dict->offset, (size_t)dict->len);
    cr_assert_neq(id, 0);
    cr_assert_eq(ZSTD_getDictID_fromFrame(file + store->offset, (size_t)store->len), id,
                 "the first frame is compressed with the dictionary");

    cari_index *ix = NULL;
    cr_assert_eq(cari_index_open(&ix, path, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
    cr_assert_gt(ix->store_nblocks, 4, "several blocks share the dictionary");
    cr_assert_eq(cari_index_doc_count(ix), NDOCS);
    static char text[8192];
    for (unsigned d = 0; d < NDOCS; d++) {
        cari_document *doc = NULL;
        cr_assert_eq(cari_document_get(&doc, ix, d), 0, "%s", cari_error_last());
        size_t want = doc_text(d, text, sizeof text), got, title_len;
        const char *t = cari_document_field(doc, "text", &got);
        cr_assert_eq(got, want, "doc %u", d);
        cr_assert_eq(memcmp(t, text, got), 0, "doc %u differs", d);
        char title[64];
        snprintf(title, sizeof title, "Peraturan Nomor %u", d);
        const char *tt = cari_document_field(doc, "title", &title_len);
        cr_assert_eq(title_len, strlen(title));
        cr_assert_eq(memcmp(tt, title, title_len), 0);
        cr_assert_eq(cari_document_field_count(doc), 3);
        cari_document_free(doc);
    }
    char *hits = test_search(ix, "\"Peraturan Nomor 123\"", 0, 3);
    cr_assert_str_eq(hits, "uu/123");
    free(hits);
    cari_index_close(ix);
    test_rmtree(dir);
    free(file);
    free(path);
    free(dir);
}

Test(store_dict, the_same_bytes_for_any_threads_and_budget, .timeout = 120)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "d.cari");
    size_t n1, n;
    char *one = build(path, 1, 0, &n1);
    struct { unsigned threads; size_t memory; } runs[] = { { 2, 0 }, { 4, 0 }, { 3, 256 * 1024 } };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        char *other = build(path, runs[i].threads, runs[i].memory, &n);
        cr_assert_eq(n, n1, "%u threads: %zu bytes, not %zu", runs[i].threads, n, n1);
        cr_assert_eq(memcmp(one, other, n1), 0, "%u threads: the bytes differ", runs[i].threads);
        free(other);
    }
    struct ib_section s[32];
    cr_assert_not_null(ib_find(s, ib_sections((uint8_t *)one, n1, s, 32), SECTION_STORE_DICT));
    test_rmtree(dir);
    free(one);
    free(path);
    free(dir);
}

/* A few documents are too few to learn from: no STORE_DICT, and the store
 * reads as before; no documents at all: no block either. */
Test(store_dict, small_and_empty_stores_have_no_dictionary)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "s.cari");
    for (int docs = 0; docs <= 3; docs += 3) {
        cari_writer *w = NULL;
        cr_assert_eq(cari_writer_open(&w, path, NULL), 0);
        for (int d = 0; d < docs; d++) {
            char id[8];
            snprintf(id, sizeof id, "k%d", d);
            cari_field f = { "text", "sebuah dokumen kecil", 20 };
            cr_assert_eq(cari_writer_add(w, id, strlen(id), &f, 1), 0);
        }
        cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
        cari_writer_free(w);
        size_t len;
        uint8_t *file = (uint8_t *)test_read_file(path, &len);
        struct ib_section s[32];
        cr_assert_null(ib_find(s, ib_sections(file, len, s, 32), SECTION_STORE_DICT));
        free(file);
        cari_index *ix = NULL;
        cr_assert_eq(cari_index_open(&ix, path, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
        cr_assert_eq(ix->store_nblocks, docs ? 1u : 0u);
        cr_assert_eq(cari_index_doc_count(ix), (uint32_t)docs);
        cari_document *doc = NULL;
        if (docs == 0) {
            cr_assert_eq(cari_document_get(&doc, ix, 0), CARI_EINVAL);
        } else {
            cr_assert_eq(cari_document_get(&doc, ix, 2), 0, "%s", cari_error_last());
            size_t n;
            const char *t = cari_document_field(doc, "text", &n);
            cr_assert_eq(n, 20);
            cr_assert_eq(memcmp(t, "sebuah dokumen kecil", 20), 0);
            cari_document_free(doc);
        }
        cari_index_close(ix);
    }
    test_rmtree(dir);
    free(path);
    free(dir);
}

/* Opens `data` written at `path` and, if that works, verifies it and reads
 * every document; returns CARI_ECORRUPT if any step found damage, 0 if all
 * passed, and then every document must read as built. */
static int open_verify_read(const char *path, const uint8_t *data, size_t len)
{
    test_write_file(path, data, len);
    cari_index *ix = NULL;
    int rc = cari_index_open(&ix, path, 0);
    if (rc != 0)
        return rc;
    rc = cari_index_verify(ix);
    static char text[8192];
    for (unsigned d = 0; d < NDOCS; d++) {
        cari_document *doc = NULL;
        int drc = cari_document_get(&doc, ix, d);
        cr_assert(drc == 0 || drc == CARI_ECORRUPT, "doc %u: rc %d", d, drc);
        if (drc == 0) {
            size_t want = doc_text(d, text, sizeof text), got;
            const char *t = cari_document_field(doc, "text", &got);
            cr_assert(got == want && memcmp(t, text, got) == 0, "doc %u read wrong text", d);
        }
        if (drc != 0)
            rc = drc;
        cari_document_free(doc);
    }
    cari_index_close(ix);
    return rc;
}

Test(store_dict, a_damaged_dictionary_is_found, .timeout = 120)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "d.cari"), *bad = test_path(dir, "bad.cari");
    size_t len;
    uint8_t *good = (uint8_t *)build(path, 1, 0, &len);
    uint8_t *copy = malloc(len);
    struct ib_section s[32];
    const struct ib_section *dict = ib_find(s, ib_sections(good, len, s, 32), SECTION_STORE_DICT);
    cr_assert_not_null(dict);
    /* the magic, the id, the entropy tables, the content */
    uint64_t at[] = { 0, 4, 9, 40, 200, dict->len / 2, dict->len - 1 };
    for (size_t k = 0; k < sizeof at / sizeof *at; k++) {
        memcpy(copy, good, len);
        copy[dict->offset + at[k]] ^= 0x10;
        /* as written: the crc, checked on open */
        cari_index *ix = NULL;
        test_write_file(bad, copy, len);
        cr_assert_eq(cari_index_open(&ix, bad, 0), CARI_ECORRUPT, "byte %llu",
                     (unsigned long long)at[k]);
        cr_assert(strstr(cari_error_last(), "section STORE_DICT checksum mismatch") != NULL, "%s",
                  cari_error_last());
        /* behind a valid crc: refused on open, or by verify, or harmless
         * (a part of the content no block uses), never wrong text */
        ib_reseal(copy, len);
        int rc = open_verify_read(bad, copy, len);
        cr_assert(rc == 0 || rc == CARI_ECORRUPT, "byte %llu: rc %d", (unsigned long long)at[k], rc);
        if (at[k] < 8)
            cr_assert_eq(rc, CARI_ECORRUPT, "byte %llu of the header", (unsigned long long)at[k]);
    }
    /* a dictionary that is not there: the frames name it */
    memcpy(copy, good, len);
    struct ib_section cs[32];
    size_t n = ib_sections(copy, len, cs, 32);
    for (size_t i = 0; i < n; i++)
        if (cs[i].id == SECTION_STORE_DICT)
            ib_store32(copy + cs[i].entry, 99); /* an id this version does not know */
    ib_reseal(copy, len);
    cr_assert_eq(open_verify_read(bad, copy, len), CARI_ECORRUPT);
    cr_assert(strstr(cari_error_last(), "names another dictionary") != NULL, "%s", cari_error_last());
    test_rmtree(dir);
    free(copy);
    free(good);
    free(bad);
    free(path);
    free(dir);
}

/* Builds 100 documents of doc_text with one of 5 MiB in the middle (a record
 * compressed from the caller's memory, which ends the sample early and is
 * written by the caller's thread between the store thread's blocks). */
static char *build_with_big(const char *path, unsigned threads, const char *big, size_t big_len,
                            size_t *len)
{
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.threads = threads;
    cari_writer *w = NULL;
    cr_assert_eq(cari_writer_open(&w, path, &o), 0, "%s", cari_error_last());
    static char text[8192];
    for (unsigned d = 0; d < 100; d++) {
        char id[32];
        doc_id(d, id, sizeof id);
        cari_field f = { "text", d == 60 ? big : text,
                         d == 60 ? big_len : doc_text(d, text, sizeof text) };
        cr_assert_eq(cari_writer_add(w, id, strlen(id), &f, 1), 0, "%s", cari_error_last());
    }
    cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
    cari_writer_free(w);
    return test_read_file(path, len);
}

Test(store_dict, a_huge_record_between_small_ones, .timeout = 120)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "h.cari");
    size_t big_len = 5u << 20, n1, n2;
    char *big = malloc(big_len);
    for (size_t i = 0; i < big_len; i++)
        big[i] = "pasal ayat huruf "[i % 17];
    char *one = build_with_big(path, 1, big, big_len, &n1);
    char *two = build_with_big(path, 2, big, big_len, &n2);
    cr_assert(n1 == n2 && memcmp(one, two, n1) == 0, "1 and 2 threads differ");
    cari_index *ix = NULL;
    cr_assert_eq(cari_index_open(&ix, path, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
    static char text[8192];
    for (unsigned d = 0; d < 100; d++) {
        cari_document *doc = NULL;
        cr_assert_eq(cari_document_get(&doc, ix, d), 0, "%s", cari_error_last());
        size_t want = d == 60 ? big_len : doc_text(d, text, sizeof text), got;
        const char *t = cari_document_field(doc, "text", &got);
        cr_assert_eq(got, want, "doc %u", d);
        cr_assert_eq(memcmp(t, d == 60 ? big : text, got), 0, "doc %u differs", d);
        cari_document_free(doc);
    }
    cari_index_close(ix);
    test_rmtree(dir);
    free(one);
    free(two);
    free(big);
    free(path);
    free(dir);
}

/* By default a block ends at the record that brings its records to 128 KiB:
 * every block but the last holds that much, and would not without its last
 * record. */
Test(store_dict, default_blocks_end_at_128_kib_of_records)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "d.cari");
    size_t len;
    free(build(path, 1, 0, &len));
    cari_index *ix = NULL;
    cr_assert_eq(cari_index_open(&ix, path, 0), 0, "%s", cari_error_last());
    cr_assert_gt(ix->store_nblocks, 2);
    uint32_t records = 0;
    for (uint32_t b = 0; b < ix->store_nblocks; b++) {
        uint8_t *block = NULL;
        size_t n = 0;
        uint32_t first = 0, count = 0;
        cr_assert_eq(docstore_read_block(ix, b, &block, &n, &first, &count), 0, "%s",
                     cari_error_last());
        cr_assert_eq(first, records);
        records += count;
        uint32_t all = le32_load(block + 4 + 4 * (size_t)count);
        uint32_t but_last = le32_load(block + 4 + 4 * (size_t)(count - 1));
        cr_assert_eq(n, 8 + 4 * (size_t)count + all);
        if (b + 1 < ix->store_nblocks) {
            cr_assert_geq(all, 128 << 10, "block %u: %u bytes of records", b, all);
            cr_assert_lt(but_last, 128 << 10, "block %u: %u bytes before its last", b, but_last);
        }
        free(block);
    }
    cr_assert_eq(records, NDOCS);
    cari_index_close(ix);
    test_rmtree(dir);
    free(path);
    free(dir);
}
