/* Stored documents: the title and text of each sample exactly as the folder
 * source split them, other stored fields, errors. */
#include "tests/query/query_fixture.h"

static struct qfix fx;

static void setup(void) { qfix_samples(&fx); }
static void teardown(void) { qfix_close(&fx); }

TestSuite(documents, .init = setup, .fini = teardown);

/* The fields of a sample file as the folder source makes them: a short first
 * line that does not end like a sentence is the title (only 003 has one),
 * and the text starts at the next non-space byte and runs to the end. */
static void sample_fields(const char *id, char **file, const char **title, size_t *title_len,
                          const char **text, size_t *text_len)
{
    char name[64];
    snprintf(name, sizeof name, "%s.txt", id);
    char *path = test_path(TEST_SAMPLES, name);
    size_t len;
    *file = test_read_file(path, &len);
    cr_assert_not_null(*file, "%s", path);
    free(path);
    *title = NULL;
    *title_len = 0;
    *text = *file;
    *text_len = len;
    if (strcmp(id, S003) == 0) {
        const char *nl = strchr(*file, '\n');
        *title = *file;
        *title_len = (size_t)(nl - *file);
        const char *rest = nl;
        while (*rest == '\n' || *rest == ' ' || *rest == '\r' || *rest == '\t')
            rest++;
        *text = rest;
        *text_len = len - (size_t)(rest - *file);
    }
}

Test(documents, title_and_text_exactly_as_stored)
{
    const char *ids[] = { S000, S001, S002, S003, S004 };
    for (uint32_t d = 0; d < 5; d++) {
        char *file;
        const char *title, *text;
        size_t title_len, text_len;
        sample_fields(ids[d], &file, &title, &title_len, &text, &text_len);
        cari_document *doc = (cari_document *)1;
        cr_assert_eq(cari_document_get(&doc, fx.ix, d), 0, "%s", cari_error_last());
        size_t len = 12345;
        const char *got = cari_document_field(doc, "text", &len);
        cr_assert_not_null(got);
        cr_assert_eq(len, text_len, "%s: text of %zu bytes, want %zu", ids[d], len, text_len);
        cr_assert_eq(memcmp(got, text, len), 0, "%s: text differs", ids[d]);
        got = cari_document_field(doc, "title", &len);
        if (title == NULL) {
            cr_assert_null(got, "%s has no title", ids[d]);
            cr_assert_eq(len, 0);
            cr_assert_eq(cari_document_field_count(doc), 1);
        } else {
            cr_assert_not_null(got);
            cr_assert_eq(len, title_len);
            cr_assert_eq(memcmp(got, title, len), 0);
            cr_assert_eq(cari_document_field_count(doc), 2);
        }
        free(file);
        cari_document_free(doc);
    }
}

Test(documents, title_of_003)
{
    cari_document *doc;
    cr_assert_eq(cari_document_get(&doc, fx.ix, 3), 0);
    size_t len;
    const char *t = cari_document_field(doc, "title", &len);
    const char *want = "Pujian Putin untuk Tentara Korea Utara dalam Perang di Ukraina";
    cr_assert_eq(len, strlen(want));
    cr_assert_eq(memcmp(t, want, len), 0);
    /* fields by index: title first, then text */
    const char *value;
    cr_assert_str_eq(cari_document_field_at(doc, 0, &value, &len), "title");
    cr_assert_eq(value, t);
    cr_assert_str_eq(cari_document_field_at(doc, 1, &value, &len), "text");
    cr_assert_eq(memcmp(value, "Presiden Rusia, Vladimir Putin", 30), 0);
    cr_assert_null(cari_document_field_at(doc, 2, &value, &len));
    cr_assert_null(cari_document_field(doc, "url", NULL));
    cari_document_free(doc);
    cari_document_free(NULL);
}

Test(documents, out_of_range_document)
{
    cari_document *doc = (cari_document *)1;
    cr_assert_eq(cari_document_get(&doc, fx.ix, 5), CARI_EINVAL);
    cr_assert_null(doc);
    cr_assert_str_eq(cari_error_last(), "document 5 out of range (5 documents)");
    cr_assert_eq(cari_document_get(&doc, fx.ix, UINT32_MAX), CARI_EINVAL);
}

/* Other stored fields, written through the writer directly. */
Test(documents, other_fields_in_their_order)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "f.cari");
    cari_writer *w;
    cr_assert_eq(cari_writer_open(&w, path, NULL), 0);
    cari_field a[] = {
        { "url", "https://contoh.id/a", 19 },
        { "title", "Judul", 5 },
        { "author", "Siti", 4 },
        { "text", "isi berita kursk", 16 },
        { "empty", "", 0 },
    };
    cari_field b[] = { { "author", "Budi", 4 }, { "text", "tanpa judul", 11 } };
    /* invalid UTF-8 is replaced by U+FFFD when stored */
    cari_field c[] = { { "text", "a\xffz kursk", 9 } };
    cr_assert_eq(cari_writer_add(w, "a", 1, a, 5), 0);
    cr_assert_eq(cari_writer_add(w, "b", 1, b, 2), 0);
    cr_assert_eq(cari_writer_add(w, "c", 1, c, 1), 0);
    cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
    cari_writer_free(w);
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, path, 0), 0);

    cari_document *d;
    cr_assert_eq(cari_document_get(&d, ix, 0), 0);
    cr_assert_eq(cari_document_field_count(d), 4, "the empty field is not stored");
    const char *names[] = { "url", "title", "author", "text" };
    const char *values[] = { "https://contoh.id/a", "Judul", "Siti", "isi berita kursk" };
    for (size_t i = 0; i < 4; i++) {
        const char *value;
        size_t len;
        const char *name = cari_document_field_at(d, i, &value, &len);
        cr_assert_str_eq(name, names[i]);
        cr_assert_eq(len, strlen(values[i]));
        cr_assert_eq(memcmp(value, values[i], len), 0, "field %s", names[i]);
    }
    size_t len;
    cr_assert_eq(memcmp(cari_document_field(d, "author", &len), "Siti", 4), 0);
    cr_assert_eq(len, 4);
    cr_assert_null(cari_document_field(d, "empty", &len));
    cr_assert_null(cari_document_field_at(d, 4, NULL, NULL));
    cari_document_free(d);

    cr_assert_eq(cari_document_get(&d, ix, 1), 0);
    cr_assert_eq(cari_document_field_count(d), 2);
    cr_assert_null(cari_document_field(d, "title", NULL));
    cr_assert_null(cari_document_field(d, "url", NULL));
    cr_assert_eq(memcmp(cari_document_field(d, "author", &len), "Budi", 4), 0);
    cari_document_free(d);

    cr_assert_eq(cari_document_get(&d, ix, 2), 0);
    const char *t = cari_document_field(d, "text", &len);
    cr_assert_eq(len, 11);
    cr_assert_eq(memcmp(t, "a\xEF\xBF\xBDz kursk", 11), 0);
    cari_document_free(d);

    /* stored-only fields are not searched */
    char *hits = test_search_sorted(ix, "Siti", 0, 10);
    cr_assert_str_eq(hits, "");
    free(hits);
    hits = test_search_sorted(ix, "kursk", 0, 10);
    cr_assert_str_eq(hits, "a,c");
    free(hits);
    hits = test_search_sorted(ix, "judul", 0, 10);
    cr_assert_str_eq(hits, "a,b");
    free(hits);

    cari_index_close(ix);
    test_rmtree(dir);
    free(dir);
    free(path);
}

/* A replaced duplicate: the document number maps to the later record. */
Test(documents, replaced_duplicate_returns_the_later_fields)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "dup.cari");
    static const struct test_doc docs[] = {
        { "x", NULL, "versi pertama kursk" },
        { "y", NULL, "dokumen lain" },
        { "x", "Baru", "versi kedua" },
    };
    test_build_docs(path, docs, 3);
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, path, 0), 0);
    cr_assert_eq(cari_index_doc_count(ix), 2);
    cr_assert_eq(cari_index_verify(ix), 0, "%s", cari_error_last());
    for (uint32_t doc = 0; doc < 2; doc++) {
        const char *id = TEST_DOC_ID(ix, doc);
        cr_assert_not_null(id);
        cari_document *d;
        cr_assert_eq(cari_document_get(&d, ix, doc), 0);
        size_t len;
        const char *text = cari_document_field(d, "text", &len);
        if (strcmp(id, "x") == 0) {
            cr_assert_eq(len, strlen("versi kedua"));
            cr_assert_eq(memcmp(text, "versi kedua", len), 0);
            cr_assert_eq(memcmp(cari_document_field(d, "title", NULL), "Baru", 4), 0);
        } else {
            cr_assert_str_eq(id, "y");
            cr_assert_eq(memcmp(text, "dokumen lain", len), 0);
        }
        cari_document_free(d);
    }
    char *hits = test_search_sorted(ix, "kursk", 0, 10);
    cr_assert_str_eq(hits, "", "the replaced text is not searchable");
    free(hits);
    hits = test_search_sorted(ix, "versi", 0, 10);
    cr_assert_str_eq(hits, "x");
    free(hits);
    cari_index_close(ix);
    test_rmtree(dir);
    free(dir);
    free(path);
}

/* Many documents over several store blocks: every one comes back whole. */
Test(documents, many_documents_over_several_store_blocks)
{
    enum { N = 400 };
    char *dir = test_tmpdir(), *path = test_path(dir, "many.cari");
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.store_block_size = 1024;
    cari_writer *w;
    cr_assert_eq(cari_writer_open(&w, path, &o), 0);
    char text[256];
    for (int i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof id, "n%03d", i);
        snprintf(text, sizeof text, "dokumen nomor %d berisi kata unik%d dan beberapa kata lain", i, i);
        cari_field f = { "text", text, strlen(text) };
        cr_assert_eq(cari_writer_add(w, id, strlen(id), &f, 1), 0);
    }
    cr_assert_eq(cari_writer_commit(w), 0);
    cari_writer_free(w);
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, path, 0), 0);
    for (int i = N - 1; i >= 0; i -= 3) {
        cari_document *d;
        cr_assert_eq(cari_document_get(&d, ix, (uint32_t)i), 0, "%s", cari_error_last());
        snprintf(text, sizeof text, "dokumen nomor %d berisi kata unik%d dan beberapa kata lain", i, i);
        size_t len;
        const char *t = cari_document_field(d, "text", &len);
        cr_assert_eq(len, strlen(text));
        cr_assert_eq(memcmp(t, text, len), 0, "doc %d", i);
        cari_document_free(d);
    }
    cr_assert_eq(cari_index_verify(ix), 0, "%s", cari_error_last());
    cari_index_close(ix);
    test_rmtree(dir);
    free(dir);
    free(path);
}
