/* input_stream.c - plain or zstd input, with a line splitter. */
#include "indexer/input_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "core/error.h"

enum { READ_CHUNK = 1 << 17 };

/* Room for lines kept between them: a line longer than this grows the
 * buffer for itself alone, and the next lines give the room back. */
enum { LINES_KEPT = 32 * READ_CHUNK };

static const uint8_t zstd_magic[4] = { 0x28, 0xB5, 0x2F, 0xFD };

int input_open(input_stream *in, const char *path)
{
    memset(in, 0, sizeof *in);
    int is_stdin = strcmp(path, "-") == 0;
    in->name = strdup(is_stdin ? "<stdin>" : path);
    in->raw_cap = READ_CHUNK;
    in->raw = malloc(in->raw_cap);
    if (in->name == NULL || in->raw == NULL) {
        input_close(in);
        return error_oom();
    }
    in->fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    in->owns_fd = !is_stdin;
    if (in->fd < 0) {
        int rc = error_set_errno(errno, "cannot open %s", path);
        if (errno == ENOENT)
            rc = error_set(CARI_ENOTFOUND, "cannot open %s: no such file or folder", path);
        input_close(in);
        return rc;
    }
    struct stat st;
    if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode))
        in->raw_total = (uint64_t)st.st_size;
    return 0;
}

void input_close(input_stream *in)
{
    if (in->owns_fd && in->fd >= 0)
        close(in->fd);
    in->fd = -1;
    ZSTD_freeDStream(in->dstream);
    in->dstream = NULL;
    free(in->raw);
    free(in->name);
    in->raw = NULL;
    in->name = NULL;
    buf_free(&in->lines);
}

/* Refills the raw buffer; sets raw_eof at the end of the file. */
static int read_raw(input_stream *in)
{
    if (in->raw_pos < in->raw_len || in->raw_eof)
        return 0;
    for (;;) {
        ssize_t n = read(in->fd, in->raw, in->raw_cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return error_set_errno(errno, "reading %s", in->name);
        in->raw_len = (size_t)n;
        in->raw_pos = 0;
        in->raw_read += (uint64_t)n;
        in->raw_eof = n == 0;
        return 0;
    }
}

static int start_decoder_if_zstd(input_stream *in)
{
    if (in->raw_read != in->raw_len || in->raw_len < 4 || memcmp(in->raw, zstd_magic, 4) != 0)
        return 0;
    in->dstream = ZSTD_createDStream();
    if (in->dstream == NULL || ZSTD_isError(ZSTD_initDStream(in->dstream)))
        return error_oom();
    return 0;
}

/* Decodes what zstd can give from the raw bytes at hand. The end of the input
 * is reached only when all raw bytes are in and zstd has nothing left to give. */
static int fill_zstd(input_stream *in)
{
    if (buf_reserve(&in->lines, READ_CHUNK) != 0)
        return in->lines.rc;
    ZSTD_inBuffer src = { in->raw, in->raw_len, in->raw_pos };
    ZSTD_outBuffer dst = { in->lines.data + in->lines.len, in->lines.cap - in->lines.len, 0 };
    size_t before = in->raw_pos;
    size_t r = ZSTD_decompressStream(in->dstream, &dst, &src);
    if (ZSTD_isError(r))
        return error_set(CARI_EINPUT, "%s: byte %llu: corrupt zstd data (%s)", in->name,
                         (unsigned long long)(in->raw_read - in->raw_len + src.pos),
                         ZSTD_getErrorName(r));
    in->raw_pos = src.pos;
    in->lines.len += dst.pos;
    /* a call without input or output answers for the next frame: only a call
     * that moved says whether the current frame is complete */
    if (dst.pos > 0 || src.pos > before)
        in->frame_open = r != 0;
    if (dst.pos > 0 || in->raw_pos < in->raw_len || !in->raw_eof)
        return 0;
    if (in->frame_open)
        return error_set(CARI_EINPUT, "%s: truncated zstd data", in->name);
    in->eof = 1;
    return 0;
}

/* Appends more decoded bytes to in->lines, or sets eof. */
static int fill(input_stream *in)
{
    int first = in->raw_read == 0 && !in->raw_eof;
    int rc = read_raw(in);
    if (rc == 0 && first)
        rc = start_decoder_if_zstd(in);
    if (rc != 0)
        return rc;
    if (in->dstream != NULL)
        return fill_zstd(in);
    if (in->raw_pos == in->raw_len) {
        in->eof = 1;
        return 0;
    }
    buf_append(&in->lines, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
    in->raw_pos = in->raw_len;
    return in->lines.rc;
}

static int too_long(const input_stream *in)
{
    return error_set(CARI_ELIMIT, "%s: line %llu is longer than %zu MiB, the limit of one document",
                     in->name, (unsigned long long)in->line_no + 1, INPUT_MAX_DOCUMENT >> 20);
}

int input_next_line(input_stream *in, char **line, size_t *len)
{
    size_t scanned = in->line_pos;
    for (;;) {
        uint8_t *nl = in->lines.len > scanned
                          ? memchr(in->lines.data + scanned, '\n', in->lines.len - scanned)
                          : NULL;
        if (nl != NULL || (in->eof && in->lines.len > in->line_pos)) {
            /* only here: lines.data is NULL while nothing was read, and NULL + 0 is UB */
            uint8_t *start = in->lines.data + in->line_pos;
            size_t n = nl != NULL ? (size_t)(nl - start) : in->lines.len - in->line_pos;
            if (n > INPUT_MAX_DOCUMENT)
                return too_long(in);
            in->line_pos += n + (nl != NULL);
            in->decoded += n + (nl != NULL);
            if (n > 0 && start[n - 1] == '\r')
                n--;
            in->line_no++;
            *line = (char *)start;
            *len = n;
            return 0;
        }
        if (in->eof)
            return CARI_ITEROVER;
        /* move the partial line to the front, then read more */
        size_t rest = in->lines.len - in->line_pos;
        if (rest > 0 && in->line_pos > 0)
            memmove(in->lines.data, in->lines.data + in->line_pos, rest);
        in->lines.len = rest;
        in->line_pos = 0;
        scanned = rest;
        if (in->lines.cap > LINES_KEPT && rest < LINES_KEPT / 2)
            buf_shrink(&in->lines, LINES_KEPT);
        if (rest > INPUT_MAX_DOCUMENT)
            return too_long(in);
        int rc = fill(in);
        if (rc != 0)
            return rc;
    }
}

int input_read_all(input_stream *in, buf *out)
{
    while (!in->eof) {
        int rc = fill(in);
        if (rc != 0)
            return rc;
        if (in->lines.len - in->line_pos > INPUT_MAX_DOCUMENT)
            return error_set(CARI_ELIMIT, "%s is larger than %zu MiB, the limit of one document",
                             in->name, INPUT_MAX_DOCUMENT >> 20);
    }
    if (out->len == 0 && in->line_pos == 0) { /* all of it: the buffer itself, not a copy */
        buf_free(out);
        *out = in->lines;
        in->lines = (buf)BUF_INIT;
        return out->rc;
    }
    if (in->lines.len > in->line_pos) /* lines.data is NULL after an empty input */
        buf_append(out, in->lines.data + in->line_pos, in->lines.len - in->line_pos);
    in->line_pos = in->lines.len;
    return out->rc;
}
