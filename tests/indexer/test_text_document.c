/* text_document_split: when the first line of a text file is its title. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "indexer/text_document.h"
#include "tests/common/test_util.h"

static void assert_field_eq(const cari_field *f, const char *name, const char *value, size_t len)
{
    cr_assert_str_eq(f->name, name);
    cr_assert_eq(f->value_len, len, "%s: length %zu, expected %zu ([%.*s])", name, f->value_len,
                 len, (int)f->value_len, f->value);
    cr_assert_eq(memcmp(f->value, value, len), 0, "%s: [%.*s], expected [%.*s]", name,
                 (int)f->value_len, f->value, (int)len, value);
}

/* Splits `s`; asserts title `title` (NULL: none) and text `text`. */
static void expect_split(const char *s, size_t len, const char *title, const char *text)
{
    text_document d = { 0 };
    text_document_split(&d, s, len);
    if (title == NULL) {
        cr_assert_eq(d.nfields, 1, "[%.*s]: %zu fields, expected text only", (int)len, s,
                     d.nfields);
        assert_field_eq(&d.fields[0], "text", text, strlen(text));
    } else {
        cr_assert_eq(d.nfields, 2, "[%.*s]: %zu fields, expected a title", (int)len, s, d.nfields);
        assert_field_eq(&d.fields[0], "title", title, strlen(title));
        assert_field_eq(&d.fields[1], "text", text, strlen(text));
    }
    text_document_free(&d);
}

#define SPLIT(lit, title, text) expect_split((lit), strlen(lit), (title), (text))

static char *read_sample(const char *name, size_t *len)
{
    char *path = test_path(TEST_SAMPLES, name);
    char *data = test_read_file(path, len);
    cr_assert_not_null(data, "cannot read %s", path);
    free(path);
    return data;
}

Test(text_document, sample_with_a_heading)
{
    size_t len;
    char *data = read_sample("003_bbff8ebabdd1624f.txt", &len);
    text_document d = { 0 };
    text_document_split(&d, data, len);
    cr_assert_eq(d.nfields, 2);
    assert_field_eq(&d.fields[0], "title",
                    "Pujian Putin untuk Tentara Korea Utara dalam Perang di Ukraina",
                    strlen("Pujian Putin untuk Tentara Korea Utara dalam Perang di Ukraina"));
    /* the text: everything after the title and the blank line, to the end */
    const char *start = strstr(data, "Presiden Rusia, Vladimir Putin, menyampaikan pujiannya");
    cr_assert_not_null(start);
    cr_assert_eq(d.fields[1].value, start);
    cr_assert_eq(d.fields[1].value_len, len - (size_t)(start - data));
    cr_assert_str_eq(d.fields[1].name, "text");
    text_document_free(&d);
    free(data);
}

Test(text_document, sample_starting_with_a_paragraph)
{
    size_t len;
    char *data = read_sample("000_5aca90321db24b7b.txt", &len);
    cr_assert_eq(strncmp(data, "MOSKOW ", 7), 0);
    text_document d = { 0 };
    text_document_split(&d, data, len);
    cr_assert_eq(d.nfields, 1);
    cr_assert_str_eq(d.fields[0].name, "text");
    cr_assert_eq(d.fields[0].value, data);
    cr_assert_eq(d.fields[0].value_len, len);
    text_document_free(&d);
    free(data);
}

Test(text_document, heading_and_text)
{
    SPLIT("Judul Berita\n\nIsi berita.", "Judul Berita", "Isi berita.");
    SPLIT("Judul\nIsi", "Judul", "Isi");
    /* spaces and CR around the first line are not part of the title */
    SPLIT("Judul Berita  \t\r\n \r\n Isi berita.\n", "Judul Berita", "Isi berita.\n");
    /* a closing quote without punctuation before it is still a heading */
    SPLIT("Kata \xE2\x80\x9CMerdeka\xE2\x80\x9D\nIsi", "Kata \xE2\x80\x9CMerdeka\xE2\x80\x9D", "Isi");
    SPLIT("Seruan \"Merdeka\"\nIsi", "Seruan \"Merdeka\"", "Isi");
    SPLIT("Angka 2025\nIsi", "Angka 2025", "Isi");
    SPLIT("Harga (naik)\nIsi", "Harga (naik)", "Isi");
}

Test(text_document, first_line_ending_like_a_sentence_is_no_title)
{
    SPLIT("Ini kalimat.\nIsi", NULL, "Ini kalimat.\nIsi");
    SPLIT("Apa kabar?\nIsi", NULL, "Apa kabar?\nIsi");
    SPLIT("Hebat!\nIsi", NULL, "Hebat!\nIsi");
    SPLIT("Sebagai berikut:\nIsi", NULL, "Sebagai berikut:\nIsi");
    SPLIT("Pertama,\nIsi", NULL, "Pertama,\nIsi");
    SPLIT("Pertama;\nIsi", NULL, "Pertama;\nIsi");
    SPLIT("Katanya \"sulit.\"\nIsi", NULL, "Katanya \"sulit.\"\nIsi");
    SPLIT("Katanya \xE2\x80\x9Csulit.\xE2\x80\x9D\nIsi", NULL,
          "Katanya \xE2\x80\x9Csulit.\xE2\x80\x9D\nIsi");
    SPLIT("Katanya \xE2\x80\x98sulit.\xE2\x80\x99\nIsi", NULL,
          "Katanya \xE2\x80\x98sulit.\xE2\x80\x99\nIsi");
    SPLIT("Katanya 'sulit.'\nIsi", NULL, "Katanya 'sulit.'\nIsi");
    SPLIT("(Lihat catatan.)\nIsi", NULL, "(Lihat catatan.)\nIsi");
    SPLIT("Ini kalimat.   \nIsi", NULL, "Ini kalimat.   \nIsi");
    /* a line of nothing but quotes */
    SPLIT("\"\"\nIsi", NULL, "\"\"\nIsi");
}

Test(text_document, single_line_is_no_title)
{
    SPLIT("Judul saja", NULL, "Judul saja");
    SPLIT("Judul saja\n", NULL, "Judul saja\n");
    SPLIT("Judul saja\n\n  \r\n", NULL, "Judul saja\n\n  \r\n");
}

Test(text_document, long_first_line_is_no_title)
{
    /* 200 bytes: still a heading; 201 and 250: a paragraph */
    size_t sizes[] = { HEADING_MAX_BYTES, HEADING_MAX_BYTES + 1, 250 };
    for (size_t k = 0; k < 3; k++) {
        size_t n = sizes[k];
        char *line = malloc(n + 5);
        for (size_t i = 0; i + 1 < n; i++)
            line[i] = i % 6 == 5 ? ' ' : 'a';
        memcpy(line + n - 1, "z\nIsi", 6);
        text_document d = { 0 };
        text_document_split(&d, line, n + 4);
        if (n <= HEADING_MAX_BYTES) {
            cr_assert_eq(d.nfields, 2, "%zu bytes", n);
            cr_assert_eq(d.fields[0].value_len, n);
        } else {
            cr_assert_eq(d.nfields, 1, "%zu bytes", n);
            cr_assert_eq(d.fields[0].value, line);
            cr_assert_eq(d.fields[0].value_len, n + 4);
        }
        text_document_free(&d);
        free(line);
    }
}

Test(text_document, byte_order_mark_is_dropped)
{
    SPLIT("\xEF\xBB\xBFJudul\nIsi", "Judul", "Isi");
    SPLIT("\xEF\xBB\xBFKalimat.\nIsi", NULL, "Kalimat.\nIsi");
    SPLIT("\xEF\xBB\xBF\n\nJudul\nIsi", "Judul", "Isi");
}

Test(text_document, leading_blank_lines_are_skipped)
{
    SPLIT("\n\n  \r\n\tJudul\n\nIsi", "Judul", "Isi");
    SPLIT("\n\nKalimat.\nIsi", NULL, "Kalimat.\nIsi");
}

Test(text_document, empty_and_blank_files)
{
    SPLIT("", NULL, "");
    SPLIT("  \n\r\n\t", NULL, "");
    SPLIT("\xEF\xBB\xBF", NULL, "");
}

Test(text_document, read_plain_and_zstd_files)
{
    char *dir = test_tmpdir();
    const char content[] = "Judul\r\n\r\nIsi berita.\n";
    char *path = test_path(dir, "a.txt");
    test_write_file(path, content, sizeof content - 1);
    size_t bound = ZSTD_compressBound(sizeof content - 1);
    char *z = malloc(bound);
    size_t zlen = ZSTD_compress(z, bound, content, sizeof content - 1, 1);
    cr_assert_not(ZSTD_isError(zlen));
    char *zpath = test_path(dir, "b.txt.zst");
    test_write_file(zpath, z, zlen);

    const char *paths[] = { path, zpath };
    text_document d = { 0 };
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(text_document_read(&d, paths[k]), 0, "%s", cari_error_last());
        cr_assert_eq(d.content.len, sizeof content - 1);
        cr_assert_eq(d.nfields, 2);
        assert_field_eq(&d.fields[0], "title", "Judul", 5);
        assert_field_eq(&d.fields[1], "text", "Isi berita.\n", 12);
    }
    text_document_free(&d);

    char *missing = test_path(dir, "nope.txt");
    text_document d2 = { 0 };
    cr_assert_eq(text_document_read(&d2, missing), CARI_ENOTFOUND);
    text_document_free(&d2);

    test_rmtree(dir);
    free(missing);
    free(zpath);
    free(z);
    free(path);
    free(dir);
}
