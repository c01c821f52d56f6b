/* cari_index_open: missing files, files that are not indexes, truncated and
 * damaged frames, other format and analyzer versions. */
#include <sys/stat.h>
#include <unistd.h>

#include "query/index_reader.h"
#include "tests/query/index_bytes.h"
#include "tests/query/query_fixture.h"

static struct qfix fx;
static uint8_t *good;   /* the bytes of the samples index */
static size_t good_len;
static char *bad_path; /* where damaged copies go */

static void setup(void)
{
    qfix_samples(&fx);
    good = (uint8_t *)test_read_file(fx.path, &good_len);
    cr_assert_not_null(good);
    bad_path = test_path(fx.dir, "bad.cari");
}

static void teardown(void)
{
    free(good);
    free(bad_path);
    qfix_close(&fx);
}

TestSuite(index_open, .init = setup, .fini = teardown);

/* Opens `data` written to a file; returns the code, and closes on success. */
static int open_bytes(const uint8_t *data, size_t len)
{
    test_write_file(bad_path, data, len);
    cari_index *ix = (cari_index *)1;
    int rc = cari_index_open(&ix, bad_path, 0);
    if (rc != 0)
        cr_assert_null(ix, "*out must be NULL on failure");
    cari_index_close(ix);
    return rc;
}

static int contains(const char *s, const char *part) { return strstr(s, part) != NULL; }

Test(index_open, intact_index)
{
    cr_assert_eq(open_bytes(good, good_len), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_verify(fx.ix), 0, "%s", cari_error_last());
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, fx.path, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_doc_count(ix), 5);
    cari_index_close(ix);
    cari_index_close(NULL);
    /* the file is what FORMAT.md says: magic, version, sizes, footer */
    cr_assert_eq(memcmp(good, "\x89" "CARI\r\n\x1a", 8), 0);
    cr_assert_eq(le32_load(good + 8), 8);
    cr_assert_eq(le32_load(good + 12), 64);
    cr_assert_eq(le64_load(good + 16), good_len);
    cr_assert_eq(memcmp(good + good_len - 4, "cEND", 4), 0);
    cr_assert_eq(le64_load(good + good_len - 16), le64_load(good + 24));
    cr_assert_eq(le32_load(good + good_len - 8), le32_load(good + 60));
    cr_assert_eq(crc32c_update(0, good, 60), le32_load(good + 60));
}

Test(index_open, missing_file)
{
    char *path = test_path(fx.dir, "nothing-here.cari");
    cari_index *ix = (cari_index *)1;
    cr_assert_eq(cari_index_open(&ix, path, 0), CARI_ENOTFOUND);
    cr_assert_null(ix);
    char want[512];
    snprintf(want, sizeof want, "%s: no such index", path);
    cr_assert_str_eq(cari_error_last(), want);
    free(path);
    cr_assert_eq(cari_index_open(&ix, NULL, 0), CARI_EINVAL);
}

Test(index_open, folder_is_not_a_file)
{
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, fx.dir, 0), CARI_EINVAL);
    cr_assert(contains(cari_error_last(), "is not a file"), "%s", cari_error_last());
}

Test(index_open, text_files_are_not_indexes)
{
    /* long enough to have a header, and too short for one */
    char text[4096];
    memset(text, 0, sizeof text);
    for (size_t i = 0; i + 60 < sizeof text; i += 60)
        memcpy(text + i, "Presiden Rusia menyampaikan terima kasih kepada Korea Utara\n", 60);
    cr_assert_eq(open_bytes((const uint8_t *)text, 4000), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "not a cari index"), "%s", cari_error_last());
    cr_assert(contains(cari_error_last(), bad_path), "the message names the file: %s", cari_error_last());
    cr_assert_eq(open_bytes((const uint8_t *)text, 30), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "not a cari index"), "%s", cari_error_last());
    cr_assert_eq(open_bytes((const uint8_t *)text, 0), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "not a cari index"), "%s", cari_error_last());
    /* a sample article itself */
    char *sample = test_path(TEST_SAMPLES, S000 ".txt");
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, sample, 0), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "not a cari index"), "%s", cari_error_last());
    free(sample);
}

Test(index_open, magic_damaged_by_a_text_mode_copy)
{
    uint8_t *copy = malloc(good_len + 1);
    /* CR LF -> LF: one byte shorter, magic changed */
    memcpy(copy, good, 5);
    memcpy(copy + 5, good + 6, good_len - 6);
    cr_assert_eq(open_bytes(copy, good_len - 1), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "not a cari index"), "%s", cari_error_last());
    /* the high bit of the first byte stripped */
    memcpy(copy, good, good_len);
    copy[0] = 0x09;
    cr_assert_eq(open_bytes(copy, good_len), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "not a cari index"), "%s", cari_error_last());
    free(copy);
}

Test(index_open, truncated_copies)
{
    size_t lens[] = { 0, 1, 8, 63, 64, 79, 80, 81, 200, good_len / 3, good_len / 2,
                      good_len - 400, good_len - 17, good_len - 16, good_len - 15, good_len - 1 };
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        cr_assert_eq(open_bytes(good, lens[i]), CARI_ECORRUPT, "truncated to %zu bytes: %s", lens[i],
                     cari_error_last());
        cr_assert(contains(cari_error_last(), bad_path), "%s", cari_error_last());
    }
    /* every length on a stride, to be sure */
    for (size_t len = 0; len < good_len; len += 97)
        cr_assert_eq(open_bytes(good, len), CARI_ECORRUPT, "truncated to %zu bytes", len);
    /* the message of a cut past the header says so */
    open_bytes(good, good_len - 1);
    char want[128];
    snprintf(want, sizeof want, "the header says %zu bytes but the file has %zu (truncated?)", good_len,
             good_len - 1);
    cr_assert(contains(cari_error_last(), want), "%s", cari_error_last());
}

Test(index_open, bytes_appended)
{
    uint8_t *copy = malloc(good_len + 64);
    memcpy(copy, good, good_len);
    memset(copy + good_len, 0, 64);
    cr_assert_eq(open_bytes(copy, good_len + 1), CARI_ECORRUPT);
    cr_assert_eq(open_bytes(copy, good_len + 64), CARI_ECORRUPT);
    free(copy);
}

Test(index_open, every_header_byte_flipped)
{
    uint8_t *copy = malloc(good_len);
    for (size_t i = 0; i < FORMAT_HEADER_SIZE; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(copy, good, good_len);
            copy[i] ^= (uint8_t)(1u << bit);
            int rc = open_bytes(copy, good_len);
            cr_assert_eq(rc, CARI_ECORRUPT, "header byte %zu bit %d: rc %d %s", i, bit, rc,
                         cari_error_last());
            if (i >= 8 && i < 60)
                cr_assert(contains(cari_error_last(), "header checksum mismatch"), "byte %zu: %s", i,
                          cari_error_last());
        }
    }
    free(copy);
}

Test(index_open, every_footer_and_table_byte_flipped)
{
    uint8_t *copy = malloc(good_len);
    uint64_t table = le64_load(good + 24);
    for (size_t i = (size_t)table; i < good_len; i++) {
        memcpy(copy, good, good_len);
        copy[i] ^= 0x10;
        int rc = open_bytes(copy, good_len);
        cr_assert_eq(rc, CARI_ECORRUPT, "byte %zu: rc %d", i, rc);
        const char *want = i >= good_len - FORMAT_FOOTER_SIZE ? "the footer does not match the header"
                                                             : "section table checksum mismatch";
        cr_assert(contains(cari_error_last(), want), "byte %zu: %s", i, cari_error_last());
    }
    free(copy);
}

Test(index_open, other_format_version)
{
    uint8_t *copy = malloc(good_len);
    /* 3: keys without positions, no PFor; 4: ids not front-coded */
    uint32_t versions[] = { 0, 1, 2, 3, 4, 6, 7, 9, 0xFFFFFFFF };
    for (size_t v = 0; v < sizeof versions / sizeof *versions; v++) {
        memcpy(copy, good, good_len);
        ib_store32(copy + 8, versions[v]);
        /* without the crc fixed it is damage */
        cr_assert_eq(open_bytes(copy, good_len), CARI_ECORRUPT);
        ib_reseal_header(copy, good_len);
        cr_assert_eq(open_bytes(copy, good_len), CARI_EVERSION, "version %u: %s", versions[v],
                     cari_error_last());
        char want[128];
        snprintf(want, sizeof want, "index format version %u; this build reads version %d", versions[v],
                 FORMAT_VERSION);
        cr_assert(contains(cari_error_last(), want), "%s", cari_error_last());
        cr_assert(contains(cari_error_last(), "rebuild the index"), "%s", cari_error_last());
    }
    /* this version resealed opens again */
    memcpy(copy, good, good_len);
    ib_reseal_header(copy, good_len);
    cr_assert_eq(open_bytes(copy, good_len), 0, "%s", cari_error_last());
    free(copy);
}

Test(index_open, other_analyzer)
{
    uint8_t *copy = malloc(good_len);
    memcpy(copy, good, good_len);
    struct ib_section s[32];
    size_t n = ib_sections(copy, good_len, s, 32);
    const struct ib_section *meta = ib_find(s, n, SECTION_META);
    cr_assert_not_null(meta);
    char *m = (char *)copy + meta->offset;
    char *a = NULL;
    for (size_t i = 0; a == NULL && i + 19 <= meta->len; i++)
        if (memcmp(m + i, "analyzer=cari-id/2 ", 19) == 0)
            a = m + i;
    cr_assert_not_null(a, "%.*s", (int)meta->len, m);
    a[17] = '9';
    ib_reseal(copy, good_len);
    cr_assert_eq(open_bytes(copy, good_len), CARI_EVERSION, "%s", cari_error_last());
    cr_assert(contains(cari_error_last(),
                       "the index was analysed with \"cari-id/9 hunspell-id\", which this build does not have"),
              "%s", cari_error_last());
    free(copy);
}

Test(index_open, meta_and_fields_are_checked_on_open)
{
    uint8_t *copy = malloc(good_len);
    struct ib_section s[32];
    size_t n = ib_sections(good, good_len, s, 32);
    uint32_t ids[] = { SECTION_META, SECTION_FIELDS };
    const char *names[] = { "section META checksum mismatch", "section FIELDS checksum mismatch" };
    for (int k = 0; k < 2; k++) {
        const struct ib_section *sec = ib_find(s, n, ids[k]);
        for (uint64_t i = 0; i < sec->len; i++) {
            memcpy(copy, good, good_len);
            copy[sec->offset + i] ^= 0x04;
            cr_assert_eq(open_bytes(copy, good_len), CARI_ECORRUPT);
            cr_assert(contains(cari_error_last(), names[k]), "%s", cari_error_last());
        }
    }
    free(copy);
}

Test(index_open, required_section_missing)
{
    /* rename the NORMS entry to an unknown id: it is skipped, and missing */
    uint8_t *copy = malloc(good_len);
    memcpy(copy, good, good_len);
    struct ib_section s[32];
    size_t n = ib_sections(copy, good_len, s, 32);
    const struct ib_section *norms = ib_find(s, n, SECTION_NORMS);
    ib_store32(copy + norms->entry, 77);
    ib_reseal(copy, good_len);
    cr_assert_eq(open_bytes(copy, good_len), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "section NORMS is missing"), "%s", cari_error_last());
    /* twice the same id */
    memcpy(copy, good, good_len);
    const struct ib_section *ids = ib_find(s, n, SECTION_DOC_IDS);
    ib_store32(copy + ids->entry, SECTION_DOC_LENGTHS);
    ib_reseal(copy, good_len);
    cr_assert_eq(open_bytes(copy, good_len), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "appears twice"), "%s", cari_error_last());
    free(copy);
}

Test(index_open, section_out_of_bounds)
{
    uint8_t *copy = malloc(good_len);
    struct ib_section s[32];
    size_t n = ib_sections(good, good_len, s, 32);
    const struct ib_section *post = ib_find(s, n, SECTION_POSTINGS);
    uint64_t bad_lengths[] = { post->len + 1000000, UINT64_MAX, UINT64_MAX - 7 };
    for (size_t k = 0; k < 3; k++) {
        memcpy(copy, good, good_len);
        le64_store(copy + post->entry + 16, bad_lengths[k]);
        ib_reseal(copy, good_len);
        cr_assert_eq(open_bytes(copy, good_len), CARI_ECORRUPT);
        cr_assert(contains(cari_error_last(), "out of bounds"), "%s", cari_error_last());
    }
    /* an offset that is not a multiple of 8 */
    memcpy(copy, good, good_len);
    le64_store(copy + post->entry + 8, post->offset + 1);
    ib_reseal(copy, good_len);
    cr_assert_eq(open_bytes(copy, good_len), CARI_ECORRUPT);
    free(copy);
}

/* The sections search reads are marked for huge pages ("hg" in the flags
 * of their mapping), and the store before them is not. */
Test(index_open, search_sections_asked_for_huge_pages)
{
    if (access("/sys/kernel/mm/transparent_hugepage", F_OK) != 0)
        cr_skip_test("this kernel has no transparent huge pages");
    const cari_index *ix = fx.ix;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const struct section_view *store = &ix->sec[SECTION_STORE];
    cr_assert_lt((store->offset + store->len) / page - 1, ix->sec[SECTION_DOC_IDS].offset / page,
                 "the store fills pages of its own, before the other sections");
    uint32_t search[] = { SECTION_DOC_IDS, SECTION_NORMS, SECTION_POSTINGS, SECTION_POSITIONS,
                          SECTION_TERM_BLOCKS, SECTION_TERM_INDEX };
    for (size_t i = 0; i < sizeof search / sizeof *search; i++) {
        char *smaps = test_smaps_of(ix->sec[search[i]].data);
        cr_assert_not_null(smaps);
        const char *flags = strstr(smaps, "VmFlags:");
        cr_assert(flags != NULL && strstr(flags, " hg") != NULL, "section %u: %s", search[i],
                  flags);
        free(smaps);
    }
    char *smaps = test_smaps_of(store->data);
    cr_assert_not_null(smaps);
    cr_assert_null(strstr(strstr(smaps, "VmFlags:"), " hg"), "%s", smaps);
    free(smaps);
}
