/* cari_index_stats_get: the figures of the samples index against the file's
 * section table and against a walk of the dictionary. */
#include "query/index_reader.h"
#include "query/termdict_reader.h"
#include "tests/query/index_bytes.h"
#include "tests/query/query_fixture.h"

static struct qfix fx;

static void setup(void) { qfix_samples(&fx); }
static void teardown(void) { qfix_close(&fx); }

TestSuite(stats, .init = setup, .fini = teardown);

static cari_index_stats stats_of(const cari_index *ix)
{
    cari_index_stats st;
    memset(&st, 0xAB, sizeof st);
    st.version = CARI_INDEX_STATS_VERSION;
    cr_assert_eq(cari_index_stats_get(ix, &st), 0, "%s", cari_error_last());
    cr_assert_eq(st.version, CARI_INDEX_STATS_VERSION);
    return st;
}

Test(stats, bytes_add_up_to_the_file)
{
    cari_index_stats st = stats_of(fx.ix);
    size_t file_len;
    uint8_t *file = (uint8_t *)test_read_file(fx.path, &file_len);
    cr_assert_eq(st.file_bytes, file_len);
    uint64_t sum = st.term_dictionary_bytes + st.postings_bytes + st.positions_bytes +
                   st.doc_lengths_bytes + st.doc_store_bytes + st.other_bytes;
    cr_assert_eq(sum, st.file_bytes, "%llu != %llu", (unsigned long long)sum,
                 (unsigned long long)st.file_bytes);

    /* each figure is the sum of its sections in the table */
    struct ib_section s[32];
    size_t n = ib_sections(file, file_len, s, 32);
    uint64_t len[SECTION_MAX + 1] = { 0 };
    for (size_t i = 0; i < n; i++)
        if (s[i].id <= SECTION_MAX)
            len[s[i].id] += s[i].len;
    cr_assert_eq(st.term_dictionary_bytes, len[SECTION_TERM_BLOCKS] + len[SECTION_TERM_INDEX]);
    cr_assert_eq(st.postings_bytes, len[SECTION_POSTINGS]);
    cr_assert_eq(st.positions_bytes, len[SECTION_POSITIONS]);
    cr_assert_eq(st.doc_lengths_bytes, len[SECTION_DOC_LENGTHS] + len[SECTION_NORMS]);
    cr_assert_eq(st.doc_store_bytes, len[SECTION_STORE] + len[SECTION_STORE_INDEX] +
                                         len[SECTION_DOC_IDS] + len[SECTION_DOC_RECORDS] +
                                         len[SECTION_STORE_DICT]);
    /* other: header, table, footer, META, FIELDS and the padding */
    uint64_t frame = FORMAT_HEADER_SIZE + n * FORMAT_TABLE_ENTRY_SIZE + FORMAT_FOOTER_SIZE;
    cr_assert_geq(st.other_bytes, frame + len[SECTION_META] + len[SECTION_FIELDS]);
    cr_assert_lt(st.other_bytes, frame + len[SECTION_META] + len[SECTION_FIELDS] + 8 * n);
    cr_assert_eq(len[SECTION_DOC_LENGTHS], 4 * 5);
    cr_assert_eq(len[SECTION_NORMS], 5);
    free(file);
}

Test(stats, counts_match_a_walk_of_the_index)
{
    cari_index_stats st = stats_of(fx.ix);
    cr_assert_eq(st.documents, 5);
    cr_assert_gt(st.terms, 0);
    cr_assert_gt(st.postings, 0);
    cr_assert_gt(st.tokens, 0);

    /* walk the dictionary: the terms and the sum of their dfs */
    uint64_t terms = 0, postings = 0, postings_len = 0, positions_len = 0;
    for (uint32_t b = 0; b < fx.ix->nblocks; b++) {
        term_block_reader r;
        struct term_entry e;
        cr_assert_eq(term_block_start(&r, fx.ix, b), 0);
        int rc;
        while ((rc = term_block_next(&r, &e)) == 0) {
            terms++;
            postings += e.df;
            postings_len += e.postings_len;
            positions_len += e.positions_len;
            cr_assert_leq(e.df, 5);
        }
        cr_assert_eq(rc, CARI_ITEROVER);
    }
    cr_assert_eq(st.terms, terms);
    cr_assert_eq(st.postings, postings);
    cr_assert_eq(st.postings_bytes, postings_len);
    cr_assert_eq(st.positions_bytes, positions_len);
    /* more postings than terms: many words are in several articles */
    cr_assert_gt(st.postings, st.terms);

    /* tokens: the sum of the document lengths */
    uint64_t tokens = 0;
    for (uint32_t d = 0; d < 5; d++)
        tokens += le32_load(fx.ix->sec[SECTION_DOC_LENGTHS].data + 4 * d);
    cr_assert_eq(st.tokens, tokens);
    cr_assert_eq(cari_index_verify(fx.ix), 0, "%s", cari_error_last());
}

/* The samples' dictionary spans many blocks: every key is found by the
 * binary search, and the keys are in byte order. */
Test(stats, every_key_of_the_samples_dictionary_is_found)
{
    cr_assert_gt(fx.ix->nblocks, 10);
    char prev[FORMAT_MAX_KEY];
    size_t prev_len = 0;
    uint64_t count = 0;
    for (uint32_t b = 0; b < fx.ix->nblocks; b++) {
        term_block_reader r;
        struct term_entry e, f;
        cr_assert_eq(term_block_start(&r, fx.ix, b), 0);
        while (term_block_next(&r, &e) == 0) {
            if (count++ > 0) {
                size_t n = prev_len < r.key_len ? prev_len : r.key_len;
                int c = memcmp(prev, r.key, n);
                cr_assert(c < 0 || (c == 0 && prev_len < r.key_len), "order at %.*s", (int)r.key_len,
                          r.key);
            }
            cr_assert_eq(termdict_find(fx.ix, r.key, r.key_len, &f), 0, "%.*s", (int)r.key_len, r.key);
            cr_assert_eq(f.postings_off, e.postings_off);
            cr_assert_eq(f.df, e.df);
            memcpy(prev, r.key, r.key_len);
            prev_len = r.key_len;
        }
    }
    cr_assert_eq(count, fx.ix->nterms);
}

Test(stats, version_must_be_set)
{
    cari_index_stats st;
    memset(&st, 0, sizeof st);
    cr_assert_eq(cari_index_stats_get(fx.ix, &st), CARI_EINVAL);
    cr_assert_str_eq(cari_error_last(), "cari_index_stats_get: set version to 1");
    st.version = 2;
    cr_assert_eq(cari_index_stats_get(fx.ix, &st), CARI_EINVAL);
    st.version = CARI_INDEX_STATS_VERSION;
    cr_assert_eq(cari_index_stats_get(NULL, &st), CARI_EINVAL);
    cr_assert_eq(cari_index_stats_get(fx.ix, NULL), CARI_EINVAL);
}

Test(stats, replaced_documents_are_not_counted)
{
    static const struct test_doc docs[] = {
        { "x", NULL, "satu dua" },
        { "y", NULL, "tiga" },
        { "x", NULL, "empat lima enam" },
    };
    struct qfix f;
    qfix_docs(&f, docs, 3);
    cari_index_stats st = stats_of(f.ix);
    cr_assert_eq(st.documents, 2);
    cr_assert_eq(st.tokens, 4, "the replaced document's tokens are gone: %llu",
                 (unsigned long long)st.tokens);
    cr_assert_eq(st.terms, 4, "tiga empat lima enam: %llu", (unsigned long long)st.terms);
    cr_assert_eq(st.postings, 4);
    uint64_t sum = st.term_dictionary_bytes + st.postings_bytes + st.positions_bytes +
                   st.doc_lengths_bytes + st.doc_store_bytes + st.other_bytes;
    cr_assert_eq(sum, st.file_bytes);
    cr_assert_eq(cari_index_verify(f.ix), 0, "%s", cari_error_last());
    qfix_close(&f);
}

Test(stats, empty_index)
{
    struct qfix f;
    qfix_docs(&f, NULL, 0);
    cari_index_stats st = stats_of(f.ix);
    cr_assert_eq(st.documents, 0);
    cr_assert_eq(st.terms, 0);
    cr_assert_eq(st.postings, 0);
    cr_assert_eq(st.tokens, 0);
    uint64_t sum = st.term_dictionary_bytes + st.postings_bytes + st.positions_bytes +
                   st.doc_lengths_bytes + st.doc_store_bytes + st.other_bytes;
    cr_assert_eq(sum, st.file_bytes);
    cr_assert_eq(cari_index_verify(f.ix), 0, "%s", cari_error_last());
    /* a search of an empty index finds nothing */
    char *hits = test_search(f.ix, "kursk", 0, 10);
    cr_assert_str_eq(hits, "");
    free(hits);
    qfix_close(&f);
}
