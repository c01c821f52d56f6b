/* cari_source: documents from folders of text files and from JSON Lines
 * (plain, zstd, standard input), their locations, progress and errors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

#include "cari.h"
#include "tests/common/test_util.h"

static void *zstd_of(const void *data, size_t len, size_t *out_len)
{
    size_t bound = ZSTD_compressBound(len);
    void *out = malloc(bound);
    size_t n = ZSTD_compress(out, bound, data, len, 3);
    cr_assert_not(ZSTD_isError(n), "ZSTD_compress: %s", ZSTD_getErrorName(n));
    *out_len = n;
    return out;
}

static char *put(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = test_path(dir, name);
    test_write_file(path, data, len);
    return path;
}

/* One document as a line "id|name=value|name=value" (values printed as they are). */
static char *describe(const char *id, size_t id_len, const cari_field *f, size_t n)
{
    size_t len = id_len + 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(f[i].name) + f[i].value_len + 2;
    char *s = malloc(len);
    size_t k = 0;
    memcpy(s + k, id, id_len);
    k += id_len;
    for (size_t i = 0; i < n; i++) {
        s[k++] = '|';
        memcpy(s + k, f[i].name, strlen(f[i].name));
        k += strlen(f[i].name);
        s[k++] = '=';
        memcpy(s + k, f[i].value, f[i].value_len);
        k += f[i].value_len;
    }
    s[k] = '\0';
    return s;
}

/* Asserts the next document reads as `want` and the location is `loc` (if not NULL). */
static void expect_doc(cari_source *src, const char *want, const char *loc)
{
    const char *id;
    size_t id_len, n;
    const cari_field *f;
    int rc = cari_source_next(src, &id, &id_len, &f, &n);
    cr_assert_eq(rc, 0, "expected %s: rc %d (%s)", want, rc, cari_error_last());
    char *got = describe(id, id_len, f, n);
    cr_assert_str_eq(got, want);
    free(got);
    if (loc != NULL)
        cr_assert_str_eq(cari_source_location(src), loc);
}

static void expect_over(cari_source *src)
{
    const char *id;
    size_t id_len, n;
    const cari_field *f;
    int rc = cari_source_next(src, &id, &id_len, &f, &n);
    cr_assert_eq(rc, CARI_ITEROVER, "rc %d (%s)", rc, cari_error_last());
}

/* Asserts the next call fails with `want_rc` and the message `want_msg`. */
static void expect_error(cari_source *src, int want_rc, const char *want_msg)
{
    const char *id;
    size_t id_len, n;
    const cari_field *f;
    int rc = cari_source_next(src, &id, &id_len, &f, &n);
    cr_assert_eq(rc, want_rc, "rc %d (%s)", rc, cari_error_last());
    cr_assert_str_eq(cari_error_last(), want_msg);
}

static char *fmt(const char *format, const char *a)
{
    size_t n = strlen(format) + strlen(a) + 1;
    char *s = malloc(n);
    snprintf(s, n, format, a);
    return s;
}

Test(source, folder_of_text_files)
{
    char *dir = test_tmpdir();
    const char b[] = "Judul B\n\nIsi b.";
    const char a[] = "Hanya satu kalimat.\nDan satu lagi.";
    const char c[] = "Judul C\r\nIsi c";
    char *pb = put(dir, "b.txt", b, sizeof b - 1);
    char *pa = put(dir, "a.txt", a, sizeof a - 1);
    char *sub = test_path(dir, "sub");
    cr_assert_eq(mkdir(sub, 0755), 0);
    size_t zlen;
    void *z = zstd_of(c, sizeof c - 1, &zlen);
    char *pc = put(dir, "sub/c.txt.zst", z, zlen);
    char *pn = put(dir, "notes.md", "x", 1);

    cari_source *src;
    cr_assert_eq(cari_source_open(&src, dir), 0, "%s", cari_error_last());
    uint64_t read = 9, total = 9, decoded = 9;
    cari_source_progress(src, &read, &total, &decoded);
    cr_assert_eq(read, 0);
    cr_assert_eq(total, sizeof a - 1 + sizeof b - 1 + zlen);
    cr_assert_eq(decoded, 0);

    expect_doc(src, "a|text=Hanya satu kalimat.\nDan satu lagi.", pa);
    cari_source_progress(src, &read, NULL, &decoded);
    cr_assert_eq(read, sizeof a - 1);
    cr_assert_eq(decoded, sizeof a - 1);
    expect_doc(src, "b|title=Judul B|text=Isi b.", pb);
    expect_doc(src, "sub/c|title=Judul C|text=Isi c", pc);
    expect_over(src);
    expect_over(src);
    cari_source_progress(src, &read, &total, &decoded);
    cr_assert_eq(read, sizeof a - 1 + sizeof b - 1 + zlen);
    cr_assert_eq(total, read);
    cr_assert_eq(decoded, sizeof a - 1 + sizeof b - 1 + sizeof c - 1);
    /* NULL pointers are allowed */
    cari_source_progress(src, NULL, NULL, NULL);
    cari_source_close(src);

    test_rmtree(dir);
    free(pn);
    free(pc);
    free(z);
    free(sub);
    free(pa);
    free(pb);
    free(dir);
}

Test(source, folder_of_samples)
{
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, TEST_SAMPLES), 0, "%s", cari_error_last());
    const char *want_ids[] = { "000_5aca90321db24b7b", "001_c7aacca5a8cc5693",
                               "002_0dae2cce8c8e6931", "003_bbff8ebabdd1624f",
                               "004_393e21a6b6f560b6" };
    const char *id;
    size_t id_len, n;
    const cari_field *f;
    for (size_t i = 0; i < 5; i++) {
        cr_assert_eq(cari_source_next(src, &id, &id_len, &f, &n), 0, "%s", cari_error_last());
        cr_assert_str_eq(id, want_ids[i]);
        cr_assert_eq(id_len, strlen(want_ids[i]));
        if (i == 0) {
            cr_assert_eq(n, 1);
            cr_assert_str_eq(f[0].name, "text");
        }
        if (i == 3) {
            cr_assert_eq(n, 2);
            cr_assert_str_eq(f[0].name, "title");
            cr_assert_eq(f[0].value_len,
                         strlen("Pujian Putin untuk Tentara Korea Utara dalam Perang di Ukraina"));
        }
    }
    expect_over(src);
    uint64_t read, total, decoded;
    cari_source_progress(src, &read, &total, &decoded);
    cr_assert_eq(read, total);
    cr_assert_eq(decoded, total);
    cr_assert_gt(total, 0);
    cari_source_close(src);
}

#define JSONL                                                                                     \
    "{\"id\":\"d1\",\"title\":\"Judul satu\",\"text\":\"Isi satu.\",\"lang\":\"id\"}\n"          \
    "{\"id\":2,\"text\":\"Isi dua \\u00e9.\",\"n\":3}\r\n"                                        \
    "{\"text\":\"Isi tiga.\",\"id\":\"d3\",\"title\":null}\n"

static void expect_jsonl_docs(cari_source *src, const char *name)
{
    char *l1 = fmt("%s:1", name), *l2 = fmt("%s:2", name), *l3 = fmt("%s:3", name);
    expect_doc(src, "d1|title=Judul satu|text=Isi satu.|lang=id", l1);
    expect_doc(src, "2|text=Isi dua \xC3\xA9.", l2);
    expect_doc(src, "d3|text=Isi tiga.", l3);
    expect_over(src);
    cr_assert_str_eq(cari_source_location(src), l3);
    free(l1);
    free(l2);
    free(l3);
}

Test(source, jsonl_and_jsonl_zst_give_the_same_documents)
{
    char *dir = test_tmpdir();
    char *plain = put(dir, "docs.jsonl", JSONL, sizeof JSONL - 1);
    size_t zlen;
    void *z = zstd_of(JSONL, sizeof JSONL - 1, &zlen);
    char *zpath = put(dir, "docs.jsonl.zst", z, zlen);

    cari_source *src;
    cr_assert_eq(cari_source_open(&src, plain), 0, "%s", cari_error_last());
    uint64_t read, total, decoded;
    cari_source_progress(src, &read, &total, &decoded);
    cr_assert_eq(total, sizeof JSONL - 1);
    expect_jsonl_docs(src, plain);
    cari_source_progress(src, &read, &total, &decoded);
    cr_assert_eq(read, sizeof JSONL - 1);
    cr_assert_eq(total, sizeof JSONL - 1);
    cr_assert_eq(decoded, sizeof JSONL - 1);
    cari_source_close(src);

    cr_assert_eq(cari_source_open(&src, zpath), 0, "%s", cari_error_last());
    expect_jsonl_docs(src, zpath);
    cari_source_progress(src, &read, &total, &decoded);
    cr_assert_eq(read, zlen);
    cr_assert_eq(total, zlen);
    cr_assert_eq(decoded, sizeof JSONL - 1);
    cari_source_close(src);

    test_rmtree(dir);
    free(zpath);
    free(z);
    free(plain);
    free(dir);
}

Test(source, any_file_name_is_json_lines)
{
    char *dir = test_tmpdir();
    char *path = put(dir, "docs.txt", JSONL, sizeof JSONL - 1);
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, path), 0, "%s", cari_error_last());
    expect_jsonl_docs(src, path);
    cari_source_close(src);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(source, standard_input)
{
    char *dir = test_tmpdir();
    size_t zlen;
    void *z = zstd_of(JSONL, sizeof JSONL - 1, &zlen);
    char *zpath = put(dir, "in.zst", z, zlen);
    cr_assert_not_null(freopen(zpath, "rb", stdin));
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, "-"), 0, "%s", cari_error_last());
    expect_jsonl_docs(src, "<stdin>");
    uint64_t decoded;
    cari_source_progress(src, NULL, NULL, &decoded);
    cr_assert_eq(decoded, sizeof JSONL - 1);
    cari_source_close(src);
    test_rmtree(dir);
    free(zpath);
    free(z);
    free(dir);
}

Test(source, blank_lines_between_objects)
{
    const char data[] = "\n{\"id\":\"a\",\"text\":\"x\"}\n   \n\t\r\n\n{\"id\":\"b\"}  \t\n\n";
    char *dir = test_tmpdir();
    char *path = put(dir, "b.jsonl", data, sizeof data - 1);
    char *l2 = fmt("%s:2", path), *l6 = fmt("%s:6", path);
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, path), 0);
    expect_doc(src, "a|text=x", l2);
    expect_doc(src, "b", l6);
    expect_over(src);
    uint64_t read, total, decoded;
    cari_source_progress(src, &read, &total, &decoded);
    cr_assert_eq(read, sizeof data - 1);
    cr_assert_eq(total, sizeof data - 1);
    cr_assert_eq(decoded, sizeof data - 1);
    cari_source_close(src);
    test_rmtree(dir);
    free(l2);
    free(l6);
    free(path);
    free(dir);
}

Test(source, malformed_line)
{
    const char data[] = "{\"id\":\"a\"}\n\n{\"id\":\"c\" \"text\":\"x\"}\n{\"id\":\"d\"}\n";
    char *dir = test_tmpdir();
    char *path = put(dir, "bad.jsonl", data, sizeof data - 1);
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, path), 0);
    expect_doc(src, "a", NULL);
    /* byte 11 (1-based) of line 3 is the '"' where a ',' or '}' belongs */
    char *want = fmt("%s: line 3, byte 11: ',' or '}' expected", path);
    expect_error(src, CARI_EINPUT, want);
    char *l3 = fmt("%s:3", path);
    cr_assert_str_eq(cari_source_location(src), l3);
    cari_source_close(src);
    test_rmtree(dir);
    free(l3);
    free(want);
    free(path);
    free(dir);
}

Test(source, malformed_line_messages)
{
    struct {
        const char *line;
        const char *msg;
    } cases[] = {
        { "[1]", "line 1, byte 1: a JSON object ('{') expected" },
        { "{\"id\":\"a\"} x", "line 1, byte 12: text after the end of the object" },
        { "{\"id\":\"a\",\"title\":5}", "line 1, byte 19: \"title\" must be a string" },
        { "{\"id\":\"abc", "line 1, byte 7: string not closed before the end of the line" },
        { "{\"id\":\"a\\xb\"}", "line 1, byte 9: unknown escape in a string" },
        { "  {\"id\" 1}", "line 1, byte 9: ':' expected after an object key" },
    };
    char *dir = test_tmpdir();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char name[32];
        sprintf(name, "m%zu.jsonl", i);
        char *path = put(dir, name, cases[i].line, strlen(cases[i].line));
        cari_source *src;
        cr_assert_eq(cari_source_open(&src, path), 0);
        char *want = malloc(strlen(path) + strlen(cases[i].msg) + 3);
        sprintf(want, "%s: %s", path, cases[i].msg);
        expect_error(src, CARI_EINPUT, want);
        cari_source_close(src);
        free(want);
        free(path);
    }
    test_rmtree(dir);
    free(dir);
}

Test(source, document_without_id)
{
    const char data[] = "{\"id\":\"a\"}\n{\"title\":\"T\",\"text\":\"x\"}\n{\"id\":\"\"}\n"
                        "{\"id\":null}\n";
    char *dir = test_tmpdir();
    char *path = put(dir, "noid.jsonl", data, sizeof data - 1);
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, path), 0);
    expect_doc(src, "a", NULL);
    char *want = fmt("%s: line 2: the document has no \"id\"", path);
    expect_error(src, CARI_EINPUT, want);
    free(want);
    /* reading goes on with the next line: an empty id is no id either */
    want = fmt("%s: line 3: the document has no \"id\"", path);
    expect_error(src, CARI_EINPUT, want);
    free(want);
    want = fmt("%s: line 4: the document has no \"id\"", path);
    expect_error(src, CARI_EINPUT, want);
    free(want);
    expect_over(src);
    cari_source_close(src);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(source, zstd_errors_name_the_file)
{
    char *dir = test_tmpdir();
    char big[4096];
    size_t n = 0;
    for (int i = 0; n + 40 < sizeof big; i++)
        n += (size_t)sprintf(big + n, "{\"id\":\"d%d\",\"text\":\"kata %d\"}\n", i, i * 31);
    size_t zlen;
    void *z = zstd_of(big, n, &zlen);
    char *path = put(dir, "cut.jsonl.zst", z, zlen - 2);
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, path), 0);
    const char *id;
    size_t id_len, nf;
    const cari_field *f;
    int rc;
    while ((rc = cari_source_next(src, &id, &id_len, &f, &nf)) == 0)
        ;
    cr_assert_eq(rc, CARI_EINPUT, "rc %d: %s", rc, cari_error_last());
    char *want = fmt("%s: truncated zstd data", path);
    cr_assert_str_eq(cari_error_last(), want);
    cari_source_close(src);
    test_rmtree(dir);
    free(want);
    free(path);
    free(z);
    free(dir);
}

Test(source, missing_path)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "nope.jsonl");
    cari_source *src = (cari_source *)1;
    cr_assert_eq(cari_source_open(&src, path), CARI_ENOTFOUND);
    cr_assert_null(src);
    char *want = fmt("cannot open %s: no such file or folder", path);
    cr_assert_str_eq(cari_error_last(), want);
    src = (cari_source *)1;
    cr_assert_eq(cari_source_open(&src, NULL), CARI_EINVAL);
    cr_assert_null(src);
    cari_source_close(NULL);
    test_rmtree(dir);
    free(want);
    free(path);
    free(dir);
}

Test(source, fields_stay_valid_until_the_next_call)
{
    const char data[] = "{\"id\":\"first\",\"text\":\"aaaa\"}\n{\"id\":\"second\",\"text\":\"bbbb\"}\n";
    char *dir = test_tmpdir();
    char *path = put(dir, "v.jsonl", data, sizeof data - 1);
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, path), 0);
    const char *id;
    size_t id_len, n;
    const cari_field *f;
    cr_assert_eq(cari_source_next(src, &id, &id_len, &f, &n), 0);
    cr_assert_eq(id_len, 5);
    cr_assert_eq(memcmp(id, "first", 5), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(f[0].name, "text");
    cr_assert_eq(f[0].value_len, 4);
    cr_assert_eq(memcmp(f[0].value, "aaaa", 4), 0);
    cr_assert_eq(cari_source_next(src, &id, &id_len, &f, &n), 0);
    cr_assert_eq(id_len, 6);
    cr_assert_eq(memcmp(id, "second", 6), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(f[0].value_len, 4);
    cr_assert_eq(memcmp(f[0].value, "bbbb", 4), 0);
    cari_source_close(src);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(source, empty_inputs)
{
    char *dir = test_tmpdir();
    char *path = put(dir, "empty.jsonl", "", 0);
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, path), 0);
    expect_over(src);
    uint64_t read = 9, total = 9, decoded = 9;
    cari_source_progress(src, &read, &total, &decoded);
    cr_assert_eq(read, 0);
    cr_assert_eq(total, 0);
    cr_assert_eq(decoded, 0);
    cari_source_close(src);
    free(path);

    /* a folder without text files */
    char *sub = test_path(dir, "folder");
    cr_assert_eq(mkdir(sub, 0755), 0);
    free(put(sub, "notes.md", "x", 1));
    cr_assert_eq(cari_source_open(&src, sub), 0, "%s", cari_error_last());
    expect_over(src);
    cari_source_progress(src, &read, &total, &decoded);
    cr_assert_eq(read, 0);
    cr_assert_eq(total, 0);
    cr_assert_eq(decoded, 0);
    cari_source_close(src);
    test_rmtree(dir);
    free(sub);
    free(dir);
}

Test(source, folder_file_errors_and_content_detection)
{
    char *dir = test_tmpdir();
    /* named .zst but plain: read as text; named .txt but compressed: decompressed */
    free(put(dir, "a.txt.zst", "Judul A\nIsi a", 13));
    size_t zlen;
    void *z = zstd_of("Judul B\nIsi b", 13, &zlen);
    free(put(dir, "b.txt", z, zlen));
    /* then a truncated one */
    char *pc = put(dir, "c.txt.zst", z, zlen - 1);
    free(put(dir, "d.txt", "Judul D\nIsi d", 13));
    char *pa = test_path(dir, "a.txt.zst");
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, dir), 0, "%s", cari_error_last());
    expect_doc(src, "a|title=Judul A|text=Isi a", pa);
    expect_doc(src, "b|title=Judul B|text=Isi b", NULL);
    char *want = fmt("%s: truncated zstd data", pc);
    expect_error(src, CARI_EINPUT, want);
    cr_assert_str_eq(cari_source_location(src), pc);
    /* the next file is read after a failed one */
    expect_doc(src, "d|title=Judul D|text=Isi d", NULL);
    expect_over(src);
    cari_source_close(src);
    test_rmtree(dir);
    free(want);
    free(pa);
    free(pc);
    free(z);
    free(dir);
}

Test(source, folder_file_removed_after_open)
{
    char *dir = test_tmpdir();
    char *pa = put(dir, "a.txt", "Isi a.", 6);
    char *pb = put(dir, "b.txt", "Isi b.", 6);
    cari_source *src;
    cr_assert_eq(cari_source_open(&src, dir), 0, "%s", cari_error_last());
    cr_assert_eq(remove(pa), 0);
    char *want = fmt("cannot open %s: no such file or folder", pa);
    expect_error(src, CARI_ENOTFOUND, want);
    expect_doc(src, "b|text=Isi b.", pb);
    expect_over(src);
    cari_source_close(src);
    test_rmtree(dir);
    free(want);
    free(pa);
    free(pb);
    free(dir);
}
