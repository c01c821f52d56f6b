/* input_stream: lines from plain and zstd files, line numbers, the decoded
 * byte count, and the errors of missing, truncated and corrupt input. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "indexer/input_stream.h"
#include "tests/common/test_util.h"

/* Writes `data` to dir/name; returns the path (caller frees). */
static char *write_in(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = test_path(dir, name);
    test_write_file(path, data, len);
    return path;
}

/* Writes `data` to dir/name and opens it as `in`; returns the path. */
static char *open_written(input_stream *in, const char *dir, const char *name, const void *data,
                          size_t len)
{
    char *path = write_in(dir, name, data, len);
    cr_assert_eq(input_open(in, path), 0, "%s", cari_error_last());
    return path;
}

/* One zstd frame of `data` (caller frees). */
static void *zstd_frame(const void *data, size_t len, size_t *out_len)
{
    size_t bound = ZSTD_compressBound(len);
    void *out = malloc(bound);
    size_t n = ZSTD_compress(out, bound, data, len, 3);
    cr_assert_not(ZSTD_isError(n), "ZSTD_compress: %s", ZSTD_getErrorName(n));
    *out_len = n;
    return out;
}

/* One zstd frame with a content checksum (caller frees). */
static void *zstd_frame_checksummed(const void *data, size_t len, size_t *out_len)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    cr_assert_not_null(c);
    cr_assert_not(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
    size_t bound = ZSTD_compressBound(len);
    void *out = malloc(bound);
    size_t n = ZSTD_compress2(c, out, bound, data, len);
    cr_assert_not(ZSTD_isError(n), "ZSTD_compress2: %s", ZSTD_getErrorName(n));
    ZSTD_freeCCtx(c);
    *out_len = n;
    return out;
}

/* Asserts the next line is `want` (length `want_len`) with number `line_no`. */
static void expect_line(input_stream *in, const char *want, size_t want_len, uint64_t line_no)
{
    char *line = NULL;
    size_t len = 0;
    int rc = input_next_line(in, &line, &len);
    cr_assert_eq(rc, 0, "line %llu: rc %d (%s)", (unsigned long long)line_no, rc, cari_error_last());
    cr_assert_eq(len, want_len, "line %llu: length %zu, expected %zu", (unsigned long long)line_no,
                 len, want_len);
    cr_assert_eq(memcmp(line, want, want_len), 0, "line %llu: [%.*s], expected [%.*s]",
                 (unsigned long long)line_no, (int)len, line, (int)want_len, want);
    cr_assert_eq(in->line_no, line_no);
}

#define EXPECT_LINE(in, lit, no) expect_line((in), (lit), sizeof(lit) - 1, (no))

static void expect_end(input_stream *in)
{
    char *line;
    size_t len;
    cr_assert_eq(input_next_line(in, &line, &len), CARI_ITEROVER);
    /* and it stays over */
    cr_assert_eq(input_next_line(in, &line, &len), CARI_ITEROVER);
}

/* The four lines of LINES_DATA, as every reader of it must see them. */
#define LINES_DATA "satu\r\ndua\n\n\r\nempat\rlima\n  enam  \ntujuh"

static void expect_lines_data(input_stream *in)
{
    EXPECT_LINE(in, "satu", 1);
    EXPECT_LINE(in, "dua", 2);
    EXPECT_LINE(in, "", 3);
    EXPECT_LINE(in, "", 4);
    EXPECT_LINE(in, "empat\rlima", 5); /* only a \r before the \n is dropped */
    EXPECT_LINE(in, "  enam  ", 6);
    EXPECT_LINE(in, "tujuh", 7); /* the last line has no newline */
    expect_end(in);
    cr_assert_eq(in->line_no, 7);
}

Test(input_stream, plain_file_lines)
{
    char *dir = test_tmpdir();
    char *path = write_in(dir, "a.txt", LINES_DATA, sizeof LINES_DATA - 1);
    input_stream in;
    cr_assert_eq(input_open(&in, path), 0, "%s", cari_error_last());
    cr_assert_eq(in.line_no, 0);
    cr_assert_eq(in.raw_total, sizeof LINES_DATA - 1);
    expect_lines_data(&in);
    cr_assert_eq(in.decoded, sizeof LINES_DATA - 1);
    cr_assert_eq(in.raw_read, sizeof LINES_DATA - 1);
    cr_assert_null(in.dstream, "plain input was taken for zstd");
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(input_stream, decoded_counts_the_bytes_handed_out)
{
    char *dir = test_tmpdir();
    const char data[] = "ab\r\ncde\n\nf";
    char *path = write_in(dir, "a.txt", data, sizeof data - 1);
    input_stream in;
    cr_assert_eq(input_open(&in, path), 0);
    EXPECT_LINE(&in, "ab", 1);
    cr_assert_eq(in.decoded, 4); /* "ab\r\n" */
    EXPECT_LINE(&in, "cde", 2);
    cr_assert_eq(in.decoded, 8);
    EXPECT_LINE(&in, "", 3);
    cr_assert_eq(in.decoded, 9);
    EXPECT_LINE(&in, "f", 4);
    cr_assert_eq(in.decoded, 10);
    expect_end(&in);
    cr_assert_eq(in.decoded, 10);
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(input_stream, trailing_newline_gives_no_extra_line)
{
    char *dir = test_tmpdir();
    char *path = write_in(dir, "a.txt", "x\ny\n", 4);
    input_stream in;
    cr_assert_eq(input_open(&in, path), 0);
    EXPECT_LINE(&in, "x", 1);
    EXPECT_LINE(&in, "y", 2);
    expect_end(&in);
    input_close(&in);
    free(path);

    /* an empty file has no line at all; a lone "\n" has one empty line */
    path = write_in(dir, "empty.txt", "", 0);
    cr_assert_eq(input_open(&in, path), 0);
    expect_end(&in);
    cr_assert_eq(in.line_no, 0);
    cr_assert_eq(in.decoded, 0);
    input_close(&in);
    free(path);
    path = write_in(dir, "nl.txt", "\n", 1);
    cr_assert_eq(input_open(&in, path), 0);
    EXPECT_LINE(&in, "", 1);
    expect_end(&in);
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(input_stream, three_megabyte_line)
{
    size_t big = 3 * 1024 * 1024 + 7;
    size_t total = big + 1 + 6 + 1 + 3;
    char *data = malloc(total);
    for (size_t i = 0; i < big; i++)
        data[i] = (char)('a' + (i * 7) % 26);
    memcpy(data + big, "\nkedua\r\nend", 1 + 6 + 1 + 3);
    char *dir = test_tmpdir();
    input_stream in;
    char *path = open_written(&in, dir, "big.jsonl", data, total);
    char *line;
    size_t len;
    cr_assert_eq(input_next_line(&in, &line, &len), 0);
    cr_assert_eq(len, big);
    cr_assert_eq(memcmp(line, data, big), 0);
    cr_assert_eq(in.line_no, 1);
    EXPECT_LINE(&in, "kedua", 2);
    EXPECT_LINE(&in, "end", 3);
    expect_end(&in);
    cr_assert_eq(in.decoded, total);
    input_close(&in);

    /* the same, zstd-compressed: the line spans many decoder outputs */
    size_t zlen;
    void *z = zstd_frame(data, total, &zlen);
    char *zpath = write_in(dir, "big.jsonl.zst", z, zlen);
    cr_assert_eq(input_open(&in, zpath), 0);
    cr_assert_eq(input_next_line(&in, &line, &len), 0, "%s", cari_error_last());
    cr_assert_eq(len, big);
    cr_assert_eq(memcmp(line, data, big), 0);
    EXPECT_LINE(&in, "kedua", 2);
    EXPECT_LINE(&in, "end", 3);
    expect_end(&in);
    cr_assert_eq(in.decoded, total);
    cr_assert_eq(in.raw_read, zlen);
    input_close(&in);
    test_rmtree(dir);
    free(z);
    free(zpath);
    free(path);
    free(dir);
    free(data);
}

/* The room a long line took is given back once the lines are short again:
 * one document of 100 MB kept it for the rest of a build. */
Test(input_stream, a_long_lines_room_is_given_back)
{
    size_t big = 12u << 20, shorts = 100000, total = big + 1 + shorts * 6;
    char *data = malloc(total);
    memset(data, 'x', big);
    data[big] = '\n';
    for (size_t i = 0; i < shorts; i++)
        memcpy(data + big + 1 + 6 * i, "kata.\n", 6);
    char *dir = test_tmpdir();
    input_stream in;
    char *path = open_written(&in, dir, "long.jsonl", data, total);
    char *line;
    size_t len;
    cr_assert_eq(input_next_line(&in, &line, &len), 0);
    cr_assert_eq(len, big);
    size_t grown = in.lines.cap;
    cr_assert_geq(grown, big);
    for (size_t i = 0; i < shorts; i++)
        EXPECT_LINE(&in, "kata.", i + 2);
    expect_end(&in);
    cr_assert_lt(in.lines.cap, grown / 2, "%zu bytes kept after the long line", in.lines.cap);
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
    free(data);
}

Test(input_stream, many_lines_across_read_chunks)
{
    /* ~1 MB of numbered lines: line boundaries fall across every read */
    size_t cap = 2 << 20, n = 0;
    char *data = malloc(cap);
    int count = 100000;
    for (int i = 1; i <= count; i++)
        n += (size_t)sprintf(data + n, "%d%s\n", i, i % 3 == 0 ? "\r" : "");
    char *dir = test_tmpdir();
    char *path = write_in(dir, "n.txt", data, n);
    size_t zlen;
    void *z = zstd_frame(data, n, &zlen);
    char *zpath = write_in(dir, "n.txt.zst", z, zlen);
    const char *paths[] = { path, zpath };
    for (int k = 0; k < 2; k++) {
        input_stream in;
        cr_assert_eq(input_open(&in, paths[k]), 0);
        for (int i = 1; i <= count; i++) {
            char want[16];
            int wl = sprintf(want, "%d", i);
            expect_line(&in, want, (size_t)wl, (uint64_t)i);
        }
        expect_end(&in);
        cr_assert_eq(in.decoded, n);
        input_close(&in);
    }
    test_rmtree(dir);
    free(z);
    free(zpath);
    free(path);
    free(dir);
    free(data);
}

Test(input_stream, zstd_file)
{
    size_t zlen;
    void *z = zstd_frame(LINES_DATA, sizeof LINES_DATA - 1, &zlen);
    char *dir = test_tmpdir();
    /* detected by content, not by name */
    char *path = write_in(dir, "data.jsonl", z, zlen);
    input_stream in;
    cr_assert_eq(input_open(&in, path), 0);
    cr_assert_eq(in.raw_total, zlen);
    expect_lines_data(&in);
    cr_assert_not_null(in.dstream);
    cr_assert_eq(in.decoded, sizeof LINES_DATA - 1);
    cr_assert_eq(in.raw_read, zlen);
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
    free(z);
}

Test(input_stream, zstd_checksummed_frame)
{
    size_t zlen;
    void *z = zstd_frame_checksummed(LINES_DATA, sizeof LINES_DATA - 1, &zlen);
    char *dir = test_tmpdir();
    char *path = write_in(dir, "data.jsonl.zst", z, zlen);
    input_stream in;
    cr_assert_eq(input_open(&in, path), 0);
    expect_lines_data(&in);
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
    free(z);
}

Test(input_stream, concatenated_zstd_frames)
{
    /* the frame boundary falls inside the line "bc" */
    size_t l1, l2, l3;
    void *f1 = zstd_frame("a\nb", 3, &l1);
    void *f2 = zstd_frame("c\nd\n", 4, &l2);
    void *f3 = zstd_frame("e", 1, &l3);
    char *all = malloc(l1 + l2 + l3);
    memcpy(all, f1, l1);
    memcpy(all + l1, f2, l2);
    memcpy(all + l1 + l2, f3, l3);
    char *dir = test_tmpdir();
    char *path = write_in(dir, "two.jsonl.zst", all, l1 + l2 + l3);
    input_stream in;
    cr_assert_eq(input_open(&in, path), 0);
    EXPECT_LINE(&in, "a", 1);
    EXPECT_LINE(&in, "bc", 2);
    EXPECT_LINE(&in, "d", 3);
    EXPECT_LINE(&in, "e", 4);
    expect_end(&in);
    cr_assert_eq(in.decoded, 8);
    cr_assert_eq(in.raw_read, l1 + l2 + l3);
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
    free(all);
    free(f1);
    free(f2);
    free(f3);
}

Test(input_stream, zstd_frame_of_nothing)
{
    size_t l1, l2;
    void *f1 = zstd_frame("", 0, &l1);
    void *f2 = zstd_frame("x\n", 2, &l2);
    char *all = malloc(l1 + l2 + l1);
    memcpy(all, f1, l1);
    memcpy(all + l1, f2, l2);
    memcpy(all + l1 + l2, f1, l1);
    char *dir = test_tmpdir();
    char *path = write_in(dir, "e.zst", all, l1);
    input_stream in;
    cr_assert_eq(input_open(&in, path), 0);
    expect_end(&in);
    input_close(&in);
    free(path);
    path = write_in(dir, "e2.zst", all, l1 + l2 + l1);
    cr_assert_eq(input_open(&in, path), 0);
    EXPECT_LINE(&in, "x", 1);
    expect_end(&in);
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
    free(all);
    free(f1);
    free(f2);
}

/* Reads lines until something else than a line comes; returns that code. */
static int drain(input_stream *in, size_t *nlines)
{
    char *line;
    size_t len;
    int rc;
    *nlines = 0;
    while ((rc = input_next_line(in, &line, &len)) == 0)
        (*nlines)++;
    return rc;
}

static char *numbered_text(size_t lines, size_t *len)
{
    char *data = malloc(lines * 40 + 1);
    size_t n = 0;
    for (size_t i = 0; i < lines; i++)
        n += (size_t)sprintf(data + n, "baris %zu: kata %zu\n", i, i * 7919 % 1000);
    *len = n;
    return data;
}

Test(input_stream, truncated_zstd)
{
    size_t n, zlen;
    char *data = numbered_text(20000, &n);
    void *z = zstd_frame(data, n, &zlen);
    char *dir = test_tmpdir();
    size_t cuts[] = { zlen / 2, zlen - 1, 4, 6 };
    for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
        char name[32];
        sprintf(name, "cut%zu.jsonl.zst", k);
        char *path = write_in(dir, name, z, cuts[k]);
        input_stream in;
        cr_assert_eq(input_open(&in, path), 0);
        size_t lines;
        int rc = drain(&in, &lines);
        cr_assert_eq(rc, CARI_EINPUT, "cut at %zu of %zu: rc %d after %zu lines (%s)", cuts[k], zlen,
                     rc, lines, cari_error_last());
        char want[512];
        snprintf(want, sizeof want, "%s: truncated zstd data", path);
        cr_assert_str_eq(cari_error_last(), want);
        cr_assert_lt(lines, 20000);
        input_close(&in);
        free(path);
    }
    test_rmtree(dir);
    free(dir);
    free(z);
    free(data);
}

Test(input_stream, truncated_second_frame)
{
    size_t l1, l2;
    void *f1 = zstd_frame("a\nb\n", 4, &l1);
    void *f2 = zstd_frame("c\nd\n", 4, &l2);
    char *all = malloc(l1 + l2);
    memcpy(all, f1, l1);
    memcpy(all + l1, f2, l2);
    char *dir = test_tmpdir();
    char *path = write_in(dir, "t.zst", all, l1 + l2 - 2);
    input_stream in;
    cr_assert_eq(input_open(&in, path), 0);
    EXPECT_LINE(&in, "a", 1);
    EXPECT_LINE(&in, "b", 2);
    size_t lines;
    cr_assert_eq(drain(&in, &lines), CARI_EINPUT);
    char want[512];
    snprintf(want, sizeof want, "%s: truncated zstd data", path);
    cr_assert_str_eq(cari_error_last(), want);
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
    free(all);
    free(f1);
    free(f2);
}

static void expect_corrupt(const char *path)
{
    input_stream in;
    cr_assert_eq(input_open(&in, path), 0);
    size_t lines;
    int rc = drain(&in, &lines);
    cr_assert_eq(rc, CARI_EINPUT, "rc %d after %zu lines (%s)", rc, lines, cari_error_last());
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s: byte ", path);
    const char *msg = cari_error_last();
    cr_assert_eq(strncmp(msg, prefix, strlen(prefix)), 0, "message: %s", msg);
    cr_assert_not_null(strstr(msg, ": corrupt zstd data ("), "message: %s", msg);
    cr_assert_eq(msg[strlen(msg) - 1], ')', "message: %s", msg);
    input_close(&in);
}

Test(input_stream, corrupt_zstd)
{
    char *dir = test_tmpdir();
    size_t n, zlen;
    char *data = numbered_text(2000, &n);

    /* a frame header with its reserved bit set */
    unsigned char bad_header[48] = { 0x28, 0xB5, 0x2F, 0xFD, 0xFF };
    memset(bad_header + 5, 0x41, sizeof bad_header - 5);
    char *path = write_in(dir, "header.zst", bad_header, sizeof bad_header);
    expect_corrupt(path);
    free(path);

    /* a content checksum that does not match */
    void *z = zstd_frame_checksummed(data, n, &zlen);
    ((unsigned char *)z)[zlen - 1] ^= 0x5A;
    path = write_in(dir, "checksum.zst", z, zlen);
    expect_corrupt(path);
    free(path);
    free(z);

    /* a good frame followed by garbage that is not a frame */
    z = zstd_frame(data, n, &zlen);
    unsigned char *more = malloc(zlen + 8);
    memcpy(more, z, zlen);
    memcpy(more + zlen, "garbage!", 8);
    path = write_in(dir, "garbage.zst", more, zlen + 8);
    expect_corrupt(path);
    free(path);
    free(more);
    free(z);

    test_rmtree(dir);
    free(dir);
    free(data);
}

Test(input_stream, missing_file)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "nope.jsonl");
    input_stream in;
    cr_assert_eq(input_open(&in, path), CARI_ENOTFOUND);
    char want[512];
    snprintf(want, sizeof want, "cannot open %s: no such file or folder", path);
    cr_assert_str_eq(cari_error_last(), want);
    input_close(&in); /* harmless after a failed open */
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(input_stream, read_all)
{
    char *dir = test_tmpdir();
    const char data[] = "first\r\nsecond\nthird\n";
    char *path = write_in(dir, "a.txt", data, sizeof data - 1);
    input_stream in;
    buf out = BUF_INIT;
    cr_assert_eq(input_open(&in, path), 0);
    cr_assert_eq(input_read_all(&in, &out), 0);
    cr_assert_eq(out.len, sizeof data - 1);
    cr_assert_eq(memcmp(out.data, data, out.len), 0);
    cr_assert_eq(in.lines.cap, 0, "the whole input is handed over, not copied");
    expect_end(&in);
    input_close(&in);

    /* after a line: the rest, byte for byte */
    buf_clear(&out);
    cr_assert_eq(input_open(&in, path), 0);
    EXPECT_LINE(&in, "first", 1);
    cr_assert_eq(input_read_all(&in, &out), 0);
    cr_assert_eq(out.len, 13);
    cr_assert_eq(memcmp(out.data, "second\nthird\n", 13), 0);
    input_close(&in);

    /* zstd, several frames */
    size_t l1, l2;
    void *f1 = zstd_frame("Judul\n\nIsi ", 11, &l1);
    void *f2 = zstd_frame("berita.", 7, &l2);
    char *all = malloc(l1 + l2);
    memcpy(all, f1, l1);
    memcpy(all + l1, f2, l2);
    char *zpath = write_in(dir, "a.txt.zst", all, l1 + l2);
    buf_clear(&out);
    cr_assert_eq(input_open(&in, zpath), 0);
    cr_assert_eq(input_read_all(&in, &out), 0);
    cr_assert_eq(out.len, 18);
    cr_assert_eq(memcmp(out.data, "Judul\n\nIsi berita.", 18), 0);
    input_close(&in);

    /* a truncated one fails */
    buf_clear(&out);
    char *tpath = write_in(dir, "t.txt.zst", all, l1 + l2 - 3);
    cr_assert_eq(input_open(&in, tpath), 0);
    cr_assert_eq(input_read_all(&in, &out), CARI_EINPUT);
    char want[512];
    snprintf(want, sizeof want, "%s: truncated zstd data", tpath);
    cr_assert_str_eq(cari_error_last(), want);
    input_close(&in);

    buf_free(&out);
    test_rmtree(dir);
    free(tpath);
    free(zpath);
    free(all);
    free(f1);
    free(f2);
    free(path);
    free(dir);
}

Test(input_stream, short_file_that_is_not_zstd)
{
    /* fewer than four bytes, and a file that starts like the magic but is not it */
    char *dir = test_tmpdir();
    char *path = write_in(dir, "s.txt", "\x28\xB5", 2);
    input_stream in;
    cr_assert_eq(input_open(&in, path), 0);
    expect_line(&in, "\x28\xB5", 2, 1);
    expect_end(&in);
    input_close(&in);
    free(path);
    path = write_in(dir, "m.txt", "\x28\xB5\x2F\xFE\n", 5);
    cr_assert_eq(input_open(&in, path), 0);
    expect_line(&in, "\x28\xB5\x2F\xFE", 4, 1);
    expect_end(&in);
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(input_stream, standard_input)
{
    size_t zlen;
    void *z = zstd_frame(LINES_DATA, sizeof LINES_DATA - 1, &zlen);
    char *dir = test_tmpdir();
    char *path = write_in(dir, "stdin.zst", z, zlen);
    cr_assert_not_null(freopen(path, "rb", stdin));
    input_stream in;
    cr_assert_eq(input_open(&in, "-"), 0);
    cr_assert_str_eq(in.name, "<stdin>");
    expect_lines_data(&in);
    input_close(&in);
    test_rmtree(dir);
    free(path);
    free(dir);
    free(z);
}

/* A document of INPUT_MAX_DOCUMENT bytes is read; one byte more is refused,
 * as a line (plain and zstd) and as a whole file. */
Test(input_stream, document_size_limit)
{
    size_t max = INPUT_MAX_DOCUMENT;
    char *data = malloc(max + 8);
    memset(data, 'k', max + 1);
    memcpy(data + max + 1, "\nend\n", 5);
    char *dir = test_tmpdir();
    char *at_limit = write_in(dir, "max.jsonl", data + 1, max + 5); /* a line of max bytes */
    char *over = write_in(dir, "over.jsonl", data, max + 6);
    input_stream in;
    char *line;
    size_t len;
    cr_assert_eq(input_open(&in, at_limit), 0);
    cr_assert_eq(input_next_line(&in, &line, &len), 0, "%s", cari_error_last());
    cr_assert_eq(len, max);
    EXPECT_LINE(&in, "end", 2);
    input_close(&in);

    cr_assert_eq(input_open(&in, over), 0);
    cr_assert_eq(input_next_line(&in, &line, &len), CARI_ELIMIT);
    char want[512];
    snprintf(want, sizeof want, "%s: line 1 is longer than 128 MiB, the limit of one document", over);
    cr_assert_str_eq(cari_error_last(), want);
    input_close(&in);

    /* compressed: the limit applies to the decoded line */
    size_t zlen;
    void *z = zstd_frame(data, max + 6, &zlen);
    char *zpath = write_in(dir, "over.jsonl.zst", z, zlen);
    cr_assert_eq(input_open(&in, zpath), 0);
    cr_assert_eq(input_next_line(&in, &line, &len), CARI_ELIMIT);
    cr_assert(strstr(cari_error_last(), "line 1 is longer than 128 MiB") != NULL, "%s", cari_error_last());
    input_close(&in);

    /* a whole file (a text document) */
    buf all = BUF_INIT;
    cr_assert_eq(input_open(&in, over), 0);
    cr_assert_eq(input_read_all(&in, &all), CARI_ELIMIT);
    snprintf(want, sizeof want, "%s is larger than 128 MiB, the limit of one document", over);
    cr_assert_str_eq(cari_error_last(), want);
    input_close(&in);
    buf_free(&all);
    char *text = write_in(dir, "max.txt", data, max);
    cr_assert_eq(input_open(&in, text), 0);
    cr_assert_eq(input_read_all(&in, &all), 0, "%s", cari_error_last());
    cr_assert_eq(all.len, max);
    input_close(&in);
    buf_free(&all);

    test_rmtree(dir);
    free(data), free(z), free(at_limit), free(over), free(zpath), free(text), free(dir);
}
