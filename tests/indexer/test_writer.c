/* cari_writer: the atomic file write, replaced duplicates, stored fields, bad
 * ids, empty documents and indexes, verification and determinism; checked by
 * reading the index back. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cari.h"
#include "tests/common/test_util.h"

#define F(name, lit) ((cari_field){ (name), (lit), sizeof(lit) - 1 })

static void add(cari_writer *w, const char *id, const cari_field *f, size_t n)
{
    int rc = cari_writer_add(w, id, strlen(id), f, n);
    cr_assert_eq(rc, 0, "add %s: rc %d (%s)", id, rc, cari_error_last());
}

static cari_writer *open_writer(const char *path, const cari_writer_opts *opts)
{
    cari_writer *w = NULL;
    int rc = cari_writer_open(&w, path, opts);
    cr_assert_eq(rc, 0, "cari_writer_open %s: rc %d (%s)", path, rc, cari_error_last());
    cr_assert_not_null(w);
    return w;
}

static void commit_and_free(cari_writer *w)
{
    int rc = cari_writer_commit(w);
    cr_assert_eq(rc, 0, "commit: rc %d (%s)", rc, cari_error_last());
    cari_writer_free(w);
}

static cari_index *open_index(const char *path)
{
    cari_index *ix = NULL;
    int rc = cari_index_open(&ix, path, 0);
    cr_assert_eq(rc, 0, "cari_index_open %s: rc %d (%s)", path, rc, cari_error_last());
    return ix;
}

/* The entries of `dir` (no . and ..), sorted, joined by ",". Caller frees. */
static char *list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    char *names[64];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        cr_assert_lt(n, 64);
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    for (size_t i = 1; i < n; i++) /* insertion sort */
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(names[i]) + 1;
    char *s = calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(s, ",");
        strcat(s, names[i]);
        free(names[i]);
    }
    return s;
}

static char *tmp_name_of(const char *path)
{
    size_t n = strlen(path) + 32;
    char *s = malloc(n);
    snprintf(s, n, "%s.tmp-%ld", path, (long)getpid());
    return s;
}

/* The ids of all documents in doc order, joined by ",". Caller frees. */
static char *all_ids(const cari_index *ix)
{
    uint32_t n = cari_index_doc_count(ix);
    size_t cap = 64, len = 0;
    char *s = calloc(1, cap);
    for (uint32_t d = 0; d < n; d++) {
        size_t l;
        char id[CARI_ID_MAX + 1];
        cr_assert_eq(cari_index_doc_id(ix, d, id, sizeof id, &l), 0, "doc %u: %s", d,
                     cari_error_last());
        cr_assert_eq(strlen(id), l);
        while (len + l + 2 > cap)
            s = realloc(s, cap *= 2);
        if (d > 0)
            s[len++] = ',';
        memcpy(s + len, id, l);
        len += l;
        s[len] = '\0';
    }
    return s;
}

static void assert_search(const cari_index *ix, const char *query, const char *want)
{
    char *got = test_search_sorted(ix, query, 0, 10000);
    cr_assert_str_eq(got, want, "query [%s]", query);
    free(got);
}

/* Asserts field `name` of document `doc` is `value` (NULL: absent). */
static void assert_stored(const cari_index *ix, uint32_t doc, const char *name, const char *value,
                          size_t value_len)
{
    cari_document *d = NULL;
    cr_assert_eq(cari_document_get(&d, ix, doc), 0, "doc %u: %s", doc, cari_error_last());
    size_t len = 12345;
    const char *v = cari_document_field(d, name, &len);
    if (value == NULL) {
        cr_assert_null(v, "doc %u has a field %s: [%.*s]", doc, name, (int)len, v);
    } else {
        cr_assert_not_null(v, "doc %u has no field %s", doc, name);
        cr_assert_eq(len, value_len, "doc %u %s: [%.*s], expected [%.*s]", doc, name, (int)len, v,
                     (int)value_len, value);
        cr_assert_eq(memcmp(v, value, len), 0, "doc %u %s: [%.*s], expected [%.*s]", doc, name,
                     (int)len, v, (int)value_len, value);
    }
    cari_document_free(d);
}

#define ASSERT_STORED(ix, doc, name, lit) assert_stored((ix), (doc), (name), (lit), sizeof(lit) - 1)

static size_t field_count(const cari_index *ix, uint32_t doc)
{
    cari_document *d = NULL;
    cr_assert_eq(cari_document_get(&d, ix, doc), 0, "doc %u: %s", doc, cari_error_last());
    size_t n = cari_document_field_count(d);
    cari_document_free(d);
    return n;
}

static void assert_verifies(const char *path)
{
    cari_index *ix = NULL;
    int rc = cari_index_open(&ix, path, CARI_OPEN_VERIFY);
    cr_assert_eq(rc, 0, "open with verify: rc %d (%s)", rc, cari_error_last());
    rc = cari_index_verify(ix);
    cr_assert_eq(rc, 0, "verify: rc %d (%s)", rc, cari_error_last());
    cari_index_close(ix);
}

Test(writer, commit_creates_the_file_and_leaves_no_temporary)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    char *tmp = tmp_name_of(path);
    cari_writer *w = open_writer(path, NULL);
    /* until the commit, only the temporary file exists */
    struct stat st;
    cr_assert_eq(stat(tmp, &st), 0, "no temporary file %s", tmp);
    cr_assert_neq(stat(path, &st), 0);
    cari_field f[] = { F("title", "Kucing hitam"), F("text", "Kucing itu tidur di atas meja.") };
    add(w, "k1", f, 2);
    commit_and_free(w);
    char *ls = list_dir(dir);
    cr_assert_str_eq(ls, "ix.cari");
    cari_index *ix = open_index(path);
    cr_assert_eq(cari_index_doc_count(ix), 1);
    assert_search(ix, "meja", "k1");
    ASSERT_STORED(ix, 0, "title", "Kucing hitam");
    ASSERT_STORED(ix, 0, "text", "Kucing itu tidur di atas meja.");
    cari_index_close(ix);
    test_rmtree(dir);
    free(ls);
    free(tmp);
    free(path);
    free(dir);
}

Test(writer, commit_replaces_an_existing_index)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    struct test_doc old[] = { { "lama", NULL, "kucing" } };
    test_build_docs(path, old, 1);
    cari_writer *w = open_writer(path, NULL);
    cari_field f[] = { F("text", "anjing") };
    add(w, "baru", f, 1);
    commit_and_free(w);
    cari_index *ix = open_index(path);
    char *ids = all_ids(ix);
    cr_assert_str_eq(ids, "baru");
    assert_search(ix, "kucing", "");
    cari_index_close(ix);
    char *ls = list_dir(dir);
    cr_assert_str_eq(ls, "ix.cari");
    test_rmtree(dir);
    free(ls);
    free(ids);
    free(path);
    free(dir);
}

Test(writer, free_without_commit_leaves_the_old_index)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    struct test_doc old[] = { { "lama", "Judul lama", "kucing tidur" } };
    test_build_docs(path, old, 1);
    size_t before_len;
    char *before = test_read_file(path, &before_len);
    cr_assert_not_null(before);

    cari_writer *w = open_writer(path, NULL);
    cari_field f[] = { F("text", "anjing menggonggong") };
    for (int i = 0; i < 100; i++) {
        char id[16];
        sprintf(id, "n%d", i);
        add(w, id, f, 1);
    }
    char *tmp = tmp_name_of(path);
    struct stat st;
    cr_assert_eq(stat(tmp, &st), 0, "no temporary file %s", tmp);
    cari_writer_free(w);

    cr_assert_neq(stat(tmp, &st), 0, "the temporary file %s is left", tmp);
    cr_assert_eq(errno, ENOENT);
    size_t after_len;
    char *after = test_read_file(path, &after_len);
    cr_assert_eq(after_len, before_len);
    cr_assert_eq(memcmp(after, before, before_len), 0, "the old index changed");
    char *ls = list_dir(dir);
    cr_assert_str_eq(ls, "ix.cari");
    cari_index *ix = open_index(path);
    assert_search(ix, "kucing", "lama");
    cari_index_close(ix);

    /* a writer freed at once, without documents, the same */
    cari_writer_free(open_writer(path, NULL));
    free(after);
    after = test_read_file(path, &after_len);
    cr_assert_eq(after_len, before_len);
    cr_assert_eq(memcmp(after, before, before_len), 0);
    free(ls);
    ls = list_dir(dir);
    cr_assert_str_eq(ls, "ix.cari");
    cari_writer_free(NULL);

    test_rmtree(dir);
    free(ls);
    free(after);
    free(before);
    free(tmp);
    free(path);
    free(dir);
}

Test(writer, failed_commit_leaves_the_target_and_removes_the_temporary)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    /* a non-empty folder where the index should go: the rename fails */
    cr_assert_eq(mkdir(path, 0755), 0);
    char *inside = test_path(path, "keep");
    test_write_file(inside, "x", 1);
    cari_writer *w = open_writer(path, NULL);
    cari_field f[] = { F("text", "anjing") };
    add(w, "a", f, 1);
    int rc = cari_writer_commit(w);
    cr_assert_eq(rc, CARI_EIO, "rc %d (%s)", rc, cari_error_last());
    char *tmp = tmp_name_of(path);
    char want[1024];
    snprintf(want, sizeof want, "cannot rename %s to %s: ", tmp, path);
    cr_assert_eq(strncmp(cari_error_last(), want, strlen(want)), 0, "%s", cari_error_last());
    /* the writer is done: no more adds or commits */
    cr_assert_eq(cari_writer_add(w, "b", 1, f, 1), CARI_EINVAL);
    cr_assert_eq(cari_writer_commit(w), CARI_EINVAL);
    cari_writer_free(w);
    char *ls = list_dir(dir);
    cr_assert_str_eq(ls, "ix.cari");
    size_t len;
    char *keep = test_read_file(inside, &len);
    cr_assert_not_null(keep);
    cr_assert_eq(len, 1);
    test_rmtree(dir);
    free(keep);
    free(ls);
    free(tmp);
    free(inside);
    free(path);
    free(dir);
}

Test(writer, missing_target_folder)
{
    char *dir = test_tmpdir();
    char *sub = test_path(dir, "nope");
    char *path = test_path(sub, "ix.cari");
    cari_writer *w = (cari_writer *)1;
    int rc = cari_writer_open(&w, path, NULL);
    cr_assert_eq(rc, CARI_EIO, "rc %d (%s)", rc, cari_error_last());
    cr_assert_null(w);
    cr_assert_not_null(strstr(cari_error_last(), path), "message without the path: %s",
                       cari_error_last());
    char *tmp = tmp_name_of(path);
    char want[1024];
    snprintf(want, sizeof want, "cannot create %s: %s", tmp, strerror(ENOENT));
    cr_assert_str_eq(cari_error_last(), want);
    char *ls = list_dir(dir);
    cr_assert_str_eq(ls, "");
    test_rmtree(dir);
    free(ls);
    free(tmp);
    free(path);
    free(sub);
    free(dir);
}

Test(writer, bad_open_arguments)
{
    cari_writer *w = (cari_writer *)1;
    cr_assert_eq(cari_writer_open(&w, NULL, NULL), CARI_EINVAL);
    cr_assert_null(w);
    w = (cari_writer *)1;
    cr_assert_eq(cari_writer_open(&w, "", NULL), CARI_EINVAL);
    cr_assert_null(w);
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.version = 99;
    w = (cari_writer *)1;
    cr_assert_eq(cari_writer_open(&w, path, &o), CARI_EINVAL);
    cr_assert_null(w);
    cr_assert_str_eq(cari_error_last(), "cari_writer_opts version 99, expected 1 to 2");
    char *ls = list_dir(dir);
    cr_assert_str_eq(ls, "");
    test_rmtree(dir);
    free(ls);
    free(path);
    free(dir);
}

Test(writer, duplicate_id_replaces_the_earlier_document)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    cari_field a1[] = { F("title", "Kucing"), F("text", "kucing hitam melompat"),
                        F("sumber", "lama") };
    cari_field b[] = { F("text", "anjing menggonggong") };
    cari_field a2[] = { F("text", "burung bernyanyi"), F("lang", "id") };
    cari_field c[] = { F("text", "ikan berenang") };
    add(w, "a", a1, 3);
    add(w, "b", b, 1);
    add(w, "a", a2, 2);
    add(w, "c", c, 1);
    commit_and_free(w);

    cari_index *ix = open_index(path);
    cr_assert_eq(cari_index_doc_count(ix), 3);
    char *ids = all_ids(ix);
    cr_assert_str_eq(ids, "b,a,c"); /* the survivors, in the order they were added */
    assert_search(ix, "kucing", "");
    assert_search(ix, "hitam", "");
    assert_search(ix, "burung", "a");
    assert_search(ix, "anjing OR burung OR ikan", "a,b,c");
    /* the stored fields are the new ones only */
    cr_assert_eq(field_count(ix, 1), 2);
    ASSERT_STORED(ix, 1, "text", "burung bernyanyi");
    ASSERT_STORED(ix, 1, "lang", "id");
    assert_stored(ix, 1, "title", NULL, 0);
    assert_stored(ix, 1, "sumber", NULL, 0);
    ASSERT_STORED(ix, 0, "text", "anjing menggonggong");
    ASSERT_STORED(ix, 2, "text", "ikan berenang");
    cari_index_stats st = { .version = CARI_INDEX_STATS_VERSION };
    cr_assert_eq(cari_index_stats_get(ix, &st), 0, "%s", cari_error_last());
    cr_assert_eq(st.documents, 3);
    cr_assert_eq(st.tokens, 6, "tokens %llu: the replaced document still counts",
                 (unsigned long long)st.tokens);
    cari_index_close(ix);
    assert_verifies(path);
    test_rmtree(dir);
    free(ids);
    free(path);
    free(dir);
}

Test(writer, same_id_added_many_times)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    char text[64];
    for (int i = 0; i < 5; i++) {
        int n = sprintf(text, "versi %s", (const char *[]){ "satu", "dua", "tiga", "empat", "lima" }[i]);
        cari_field f[] = { { "text", text, (size_t)n } };
        add(w, "x", f, 1);
        add(w, i % 2 ? "y" : "z", f, 1);
    }
    commit_and_free(w);
    cari_index *ix = open_index(path);
    char *ids = all_ids(ix);
    cr_assert_str_eq(ids, "y,x,z");
    assert_search(ix, "lima", "x,z");
    assert_search(ix, "empat", "y");
    assert_search(ix, "satu OR dua OR tiga", "");
    ASSERT_STORED(ix, 1, "text", "versi lima");
    cari_index_close(ix);
    assert_verifies(path);
    test_rmtree(dir);
    free(ids);
    free(path);
    free(dir);
}

Test(writer, many_duplicates_among_many_documents)
{
    /* more documents than the id table's first size and than one postings block */
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.store_block_size = 512;
    cari_writer *w = open_writer(path, &o);
    enum { N = 3000 };
    char id[32];
    for (int i = 0; i < N; i++) {
        sprintf(id, "d%04d", i);
        cari_field f[] = { i % 100 == 0 ? F("text", "umum lama") : F("text", "umum biasa") };
        add(w, id, f, 1);
    }
    for (int i = 0; i < N; i += 100) {
        sprintf(id, "d%04d", i);
        cari_field f[] = { F("text", "umum baru"), F("nomor", "ulang") };
        add(w, id, f, 2);
    }
    commit_and_free(w);

    cari_index *ix = open_index(path);
    cr_assert_eq(cari_index_doc_count(ix), N);
    /* doc numbers: the survivors in adding order, then the re-added ones */
    uint32_t d = 0;
    for (int i = 0; i < N; i++) {
        if (i % 100 == 0)
            continue;
        sprintf(id, "d%04d", i);
        cr_assert_str_eq(TEST_DOC_ID(ix, d), id, "doc %u", d);
        d++;
    }
    for (int i = 0; i < N; i += 100, d++) {
        sprintf(id, "d%04d", i);
        cr_assert_str_eq(TEST_DOC_ID(ix, d), id, "doc %u", d);
        ASSERT_STORED(ix, d, "text", "umum baru");
        ASSERT_STORED(ix, d, "nomor", "ulang");
    }
    assert_search(ix, "lama", "");
    char *hits = test_search_sorted(ix, "baru", 0, 10000);
    cr_assert_eq(strlen(hits), 30 * 6 - 1);
    cr_assert_eq(strncmp(hits, "d0000,d0100,d0200,", 18), 0, "%s", hits);
    free(hits);
    hits = test_search(ix, "umum", 0, 10000);
    size_t commas = 0;
    for (const char *p = hits; *p; p++)
        commas += *p == ',';
    cr_assert_eq(commas + 1, N);
    free(hits);
    hits = test_search(ix, "biasa", 0, 10000);
    commas = 0;
    for (const char *p = hits; *p; p++)
        commas += *p == ',';
    cr_assert_eq(commas + 1, N - 30);
    free(hits);
    cari_index_close(ix);
    assert_verifies(path);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(writer, invalid_utf8_is_stored_with_replacement_characters)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    cari_field f[] = { F("title", "Judul\xff"), F("text", "kata\xff" "bagus\xc3"),
                       F("asal", "\xc3(") };
    add(w, "u", f, 3);
    cari_field g[] = { F("text", "sah caf\xC3\xA9") }; /* valid: kept as it is */
    add(w, "v", g, 1);
    commit_and_free(w);
    cari_index *ix = open_index(path);
    ASSERT_STORED(ix, 0, "title", "Judul\xEF\xBF\xBD");
    ASSERT_STORED(ix, 0, "text", "kata\xEF\xBF\xBD" "bagus\xEF\xBF\xBD");
    ASSERT_STORED(ix, 0, "asal", "\xEF\xBF\xBD(");
    ASSERT_STORED(ix, 1, "text", "sah caf\xC3\xA9");
    assert_search(ix, "bagus", "u");
    assert_search(ix, "judul", "u");
    cari_index_close(ix);
    assert_verifies(path);
    test_rmtree(dir);
    free(path);
    free(dir);
}

static void expect_bad_id(cari_writer *w, const char *id, size_t len, const char *msg)
{
    cari_field f[] = { F("text", "isi") };
    int rc = cari_writer_add(w, id, len, f, 1);
    cr_assert_eq(rc, CARI_EINPUT, "id of %zu bytes: rc %d (%s)", len, rc, cari_error_last());
    cr_assert_str_eq(cari_error_last(), msg);
}

Test(writer, bad_ids_are_rejected_and_the_writer_goes_on)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    cari_field f[] = { F("text", "kucing") };
    add(w, "pertama", f, 1);
    expect_bad_id(w, "a\0b", 3, "id contains a NUL byte");
    expect_bad_id(w, "\0", 1, "id contains a NUL byte");
    expect_bad_id(w, "", 0, "document without an id");
    expect_bad_id(w, NULL, 0, "document without an id");
    char big[1100];
    memset(big, 'x', sizeof big);
    expect_bad_id(w, big, 1025, "id of 1025 bytes (at most 1024)");
    expect_bad_id(w, big, sizeof big, "id of 1100 bytes (at most 1024)");
    expect_bad_id(w, "a\xff", 2, "id is not valid UTF-8");
    add(w, "kedua", f, 1);
    cr_assert_eq(cari_writer_add(w, big, 1024, f, 1), 0, "1024 bytes: %s", cari_error_last());
    commit_and_free(w);

    cari_index *ix = open_index(path);
    cr_assert_eq(cari_index_doc_count(ix), 3);
    cr_assert_str_eq(TEST_DOC_ID(ix, 0), "pertama");
    cr_assert_str_eq(TEST_DOC_ID(ix, 1), "kedua");
    size_t len;
    char id[CARI_ID_MAX + 1];
    cr_assert_eq(cari_index_doc_id(ix, 2, id, sizeof id, &len), 0);
    cr_assert_eq(len, 1024);
    cr_assert_eq(memcmp(id, big, 1024), 0);
    cr_assert_eq(id[1024], '\0');
    char *hits = test_search_sorted(ix, "kucing", 0, 10);
    cr_assert_eq(strlen(hits), strlen("kedua,pertama,") + 1024);
    free(hits);
    cari_index_close(ix);
    assert_verifies(path);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(writer, bad_fields_are_rejected)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    cari_field no_name[] = { { NULL, "x", 1 } };
    cr_assert_eq(cari_writer_add(w, "a", 1, no_name, 1), CARI_EINVAL);
    cari_field no_value[] = { F("text", "ok"), { "text", NULL, 3 } };
    cr_assert_eq(cari_writer_add(w, "a", 1, no_value, 2), CARI_EINVAL);
    cr_assert_eq(cari_writer_add(w, "a", 1, NULL, 2), CARI_EINVAL);
    cr_assert_eq(cari_writer_add(NULL, "a", 1, NULL, 0), CARI_EINVAL);
    cari_field ok[] = { F("text", "kucing") };
    add(w, "a", ok, 1);
    commit_and_free(w);
    cari_index *ix = open_index(path);
    cr_assert_eq(cari_index_doc_count(ix), 1);
    assert_search(ix, "kucing", "a");
    cari_index_close(ix);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(writer, empty_document_is_stored_and_never_matched)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    cari_field k[] = { F("title", "Kucing"), F("text", "kucing hitam") };
    add(w, "k", k, 2);
    add(w, "kosong", NULL, 0);
    cari_field blank[] = { F("title", ""), F("text", "") };
    add(w, "hampa", blank, 2);
    cari_field spaces[] = { F("text", "  \n\t ") };
    add(w, "spasi", spaces, 1);
    commit_and_free(w);

    cari_index *ix = open_index(path);
    cr_assert_eq(cari_index_doc_count(ix), 4);
    char *ids = all_ids(ix);
    cr_assert_str_eq(ids, "k,kosong,hampa,spasi");
    cr_assert_eq(field_count(ix, 1), 0);
    cr_assert_eq(field_count(ix, 2), 0); /* empty fields are not stored */
    assert_stored(ix, 1, "text", NULL, 0);
    ASSERT_STORED(ix, 3, "text", "  \n\t ");
    assert_search(ix, "kucing", "k");
    assert_search(ix, "kucing OR hitam OR kosong OR hampa OR spasi", "k");
    assert_search(ix, "kucing NOT hitam", "");
    cari_index_stats st = { .version = CARI_INDEX_STATS_VERSION };
    cr_assert_eq(cari_index_stats_get(ix, &st), 0);
    cr_assert_eq(st.documents, 4);
    cr_assert_eq(st.tokens, 3);
    cari_index_close(ix);
    assert_verifies(path);
    test_rmtree(dir);
    free(ids);
    free(path);
    free(dir);
}

Test(writer, other_fields_are_stored_not_searched)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    cari_field x[] = { F("text", "burung"), F("catatan", "kucing anjing"), F("url", "https://a.id/k") };
    cari_field y[] = { F("url", "https://a.id/y"), F("text", "anjing") };
    add(w, "x", x, 3);
    add(w, "y", y, 2);
    commit_and_free(w);
    cari_index *ix = open_index(path);
    assert_search(ix, "anjing", "y");
    assert_search(ix, "kucing", "");
    assert_search(ix, "burung", "x");
    ASSERT_STORED(ix, 0, "catatan", "kucing anjing");
    ASSERT_STORED(ix, 0, "url", "https://a.id/k");
    ASSERT_STORED(ix, 1, "url", "https://a.id/y");
    assert_stored(ix, 1, "catatan", NULL, 0);
    cr_assert_eq(field_count(ix, 0), 3);
    cr_assert_eq(field_count(ix, 1), 2);
    /* every field can be listed with its name */
    cari_document *d;
    cr_assert_eq(cari_document_get(&d, ix, 0), 0);
    int seen = 0;
    for (size_t i = 0; i < cari_document_field_count(d); i++) {
        const char *v;
        size_t len;
        const char *name = cari_document_field_at(d, i, &v, &len);
        cr_assert_not_null(name);
        if (strcmp(name, "catatan") == 0) {
            seen |= 1;
            cr_assert_eq(len, 13);
            cr_assert_eq(memcmp(v, "kucing anjing", 13), 0);
        } else if (strcmp(name, "url") == 0) {
            seen |= 2;
            cr_assert_eq(len, 14);
        } else if (strcmp(name, "text") == 0) {
            seen |= 4;
            cr_assert_eq(len, 6);
        }
    }
    cr_assert_eq(seen, 7);
    const char *v;
    size_t len;
    cr_assert_null(cari_document_field_at(d, 3, &v, &len));
    cari_document_free(d);
    cari_index_close(ix);
    assert_verifies(path);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(writer, no_phrase_across_title_and_text)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    cari_field f[] = { F("title", "kucing hitam"), F("text", "anjing besar") };
    add(w, "a", f, 2);
    commit_and_free(w);
    cari_index *ix = open_index(path);
    assert_search(ix, "\"kucing hitam\"", "a");
    assert_search(ix, "\"anjing besar\"", "a");
    assert_search(ix, "\"hitam anjing\"", "");
    cari_index_close(ix);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(writer, arguments_may_be_reused_after_add)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    char id[8], name[8], value[32];
    strcpy(id, "satu");
    strcpy(name, "text");
    strcpy(value, "kucing");
    cari_field f[] = { { name, value, 6 } };
    add(w, id, f, 1);
    strcpy(id, "dua");
    strcpy(name, "lain");
    strcpy(value, "anjing");
    add(w, id, f, 1);
    memset(id, 'Z', sizeof id);
    memset(name, 'Z', sizeof name);
    memset(value, 'Z', sizeof value);
    commit_and_free(w);
    cari_index *ix = open_index(path);
    char *ids = all_ids(ix);
    cr_assert_str_eq(ids, "satu,dua");
    ASSERT_STORED(ix, 0, "text", "kucing");
    ASSERT_STORED(ix, 1, "lain", "anjing");
    assert_search(ix, "kucing", "satu");
    cari_index_close(ix);
    test_rmtree(dir);
    free(ids);
    free(path);
    free(dir);
}

Test(writer, add_after_commit_is_invalid)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    cari_field f[] = { F("text", "kucing") };
    add(w, "a", f, 1);
    cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
    cr_assert_eq(cari_writer_add(w, "b", 1, f, 1), CARI_EINVAL);
    cr_assert_str_eq(cari_error_last(), "cari_writer_add: the writer has been committed");
    cr_assert_eq(cari_writer_commit(w), CARI_EINVAL);
    cr_assert_str_eq(cari_error_last(), "cari_writer_commit: the writer has been committed");
    cari_writer_free(w);
    cr_assert_eq(cari_writer_commit(NULL), CARI_EINVAL);
    /* freeing a committed writer keeps its file */
    cari_index *ix = open_index(path);
    char *ids = all_ids(ix);
    cr_assert_str_eq(ids, "a");
    cari_index_close(ix);
    test_rmtree(dir);
    free(ids);
    free(path);
    free(dir);
}

Test(writer, index_of_no_documents)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    commit_and_free(open_writer(path, NULL));
    char *ls = list_dir(dir);
    cr_assert_str_eq(ls, "ix.cari");
    cari_index *ix = open_index(path);
    cr_assert_eq(cari_index_doc_count(ix), 0);
    assert_search(ix, "kucing", "");
    assert_search(ix, "\"kucing hitam\"", "");
    assert_search(ix, "kucing OR anjing", "");
    assert_search(ix, "+kucing -anjing", "");
    cari_index_stats st = { .version = CARI_INDEX_STATS_VERSION };
    cr_assert_eq(cari_index_stats_get(ix, &st), 0, "%s", cari_error_last());
    cr_assert_eq(st.documents, 0);
    cr_assert_eq(st.terms, 0);
    cr_assert_eq(st.postings, 0);
    cr_assert_eq(st.tokens, 0);
    char id[CARI_ID_MAX + 1];
    cr_assert_eq(cari_index_doc_id(ix, 0, id, sizeof id, NULL), CARI_EINVAL);
    cari_index_close(ix);
    assert_verifies(path);
    test_rmtree(dir);
    free(ls);
    free(path);
    free(dir);
}

Test(writer, output_passes_verify)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "samples.cari");
    test_build_samples(path);
    assert_verifies(path);

    /* small store blocks, many documents, long postings, replaced records */
    char *path2 = test_path(dir, "many.cari");
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.store_block_size = 100;
    o.store_level = 1;
    cari_writer *w = open_writer(path2, &o);
    char id[32], text[256];
    for (int i = 0; i < 700; i++) {
        sprintf(id, "doc-%d", i % 600);
        int n = sprintf(text, "Presiden %s mengunjungi %s pada hari %s bersama menteri-menteri.",
                        i % 3 ? "Jokowi" : "Prabowo", i % 5 ? "Jakarta" : "Surabaya",
                        i % 7 ? "Senin" : "Kamis");
        cari_field f[] = { { "title", id, strlen(id) }, { "text", text, (size_t)n } };
        add(w, id, f, 2);
    }
    commit_and_free(w);
    assert_verifies(path2);
    cari_index *ix = open_index(path2);
    cr_assert_eq(cari_index_doc_count(ix), 600);
    for (uint32_t d = 0; d < 600; d++) {
        cari_document *doc;
        cr_assert_eq(cari_document_get(&doc, ix, d), 0, "doc %u: %s", d, cari_error_last());
        size_t len;
        const char *t = cari_document_field(doc, "title", &len);
        cr_assert_not_null(t);
        cr_assert_eq(len, strlen(TEST_DOC_ID(ix, d)));
        cr_assert_eq(memcmp(t, TEST_DOC_ID(ix, d), len), 0);
        cari_document_free(doc);
    }
    cari_index_close(ix);
    test_rmtree(dir);
    free(path2);
    free(path);
    free(dir);
}

static void build_mixed(const char *path)
{
    cari_writer *w = open_writer(path, NULL);
    cari_field a[] = { F("title", "Kucing"), F("text", "kucing hitam melompat"), F("lang", "id") };
    cari_field b[] = { F("text", "anjing menggonggong di malam hari"), F("sumber", "x") };
    cari_field c[] = { F("text", "burung-burung bernyanyi \xff") };
    add(w, "a", a, 3);
    add(w, "b", b, 2);
    add(w, "c", c, 1);
    add(w, "a", b, 2);
    add(w, "kosong", NULL, 0);
    commit_and_free(w);
}

Test(writer, deterministic_output)
{
    char *dir = test_tmpdir();
    char *p1 = test_path(dir, "one.cari"), *p2 = test_path(dir, "two.cari");
    build_mixed(p1);
    build_mixed(p2);
    size_t l1, l2;
    char *d1 = test_read_file(p1, &l1), *d2 = test_read_file(p2, &l2);
    cr_assert_eq(l1, l2);
    cr_assert_eq(memcmp(d1, d2, l1), 0, "two builds of the same documents differ");
    free(d1);
    free(d2);

    char *s1 = test_path(dir, "s1.cari"), *s2 = test_path(dir, "s2.cari");
    test_build_samples(s1);
    test_build_samples(s2);
    d1 = test_read_file(s1, &l1);
    d2 = test_read_file(s2, &l2);
    cr_assert_eq(l1, l2);
    cr_assert_eq(memcmp(d1, d2, l1), 0, "two builds of samples/ differ");
    free(d1);
    free(d2);
    test_rmtree(dir);
    free(s1);
    free(s2);
    free(p1);
    free(p2);
    free(dir);
}

Test(writer, index_from_a_source_round_trip)
{
    /* JSON Lines through cari_source into the writer and back out of the index */
    const char data[] = "{\"id\":\"j1\",\"title\":\"Harga beras naik\",\"text\":\"Harga beras di "
                        "pasar naik tajam.\",\"kota\":\"Bandung\"}\n"
                        "{\"id\":\"j2\",\"text\":\"Petani menanam padi.\"}\n";
    char *dir = test_tmpdir();
    char *in = test_path(dir, "in.jsonl");
    test_write_file(in, data, sizeof data - 1);
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = open_writer(path, NULL);
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, in), 0);
    const char *id;
    size_t id_len, n;
    const cari_field *f;
    int rc;
    while ((rc = cari_source_next(src, &id, &id_len, &f, &n)) == 0)
        cr_assert_eq(cari_writer_add(w, id, id_len, f, n), 0, "%s", cari_error_last());
    cr_assert_eq(rc, CARI_ITEROVER);
    cari_source_close(src);
    commit_and_free(w);
    cari_index *ix = open_index(path);
    char *ids = all_ids(ix);
    cr_assert_str_eq(ids, "j1,j2");
    assert_search(ix, "beras", "j1");
    assert_search(ix, "padi", "j2");
    assert_search(ix, "bandung", "");
    ASSERT_STORED(ix, 0, "kota", "Bandung");
    ASSERT_STORED(ix, 0, "title", "Harga beras naik");
    cari_index_close(ix);
    test_rmtree(dir);
    free(ids);
    free(path);
    free(in);
    free(dir);
}
