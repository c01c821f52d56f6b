/* input_stream.h - bytes from a file or standard input, zstd-decompressed when
 * the data starts with a zstd frame, read in lines of any length. */
#ifndef CARI_INDEXER_INPUT_STREAM_H
#define CARI_INDEXER_INPUT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* The largest document: one line of JSON Lines or one text file. A longer one
 * stops the build with CARI_ELIMIT as soon as the limit is passed, so a huge
 * line costs at most this much memory, however long it is. */
#define INPUT_MAX_DOCUMENT ((size_t)128 << 20)

typedef struct input_stream {
    int fd;
    int owns_fd;
    char *name; /* for messages */
    void *dstream; /* ZSTD_DStream when compressed */
    int frame_open; /* the last frame is not complete yet */
    uint8_t *raw;  /* compressed bytes read ahead */
    size_t raw_len, raw_pos, raw_cap;
    int raw_eof;
    uint64_t raw_read;  /* bytes read from the file so far */
    uint64_t raw_total; /* file size, 0 when unknown */

    buf lines;       /* decompressed bytes not yet handed out */
    size_t line_pos; /* start of the next line in `lines` */
    int eof;
    uint64_t line_no;
    uint64_t decoded; /* bytes handed out as lines */
} input_stream;

/* Opens `path` ("-" for standard input). */
int input_open(input_stream *in, const char *path);
void input_close(input_stream *in);

/* The next line without its "\n" (and "\r"), the caller's to read and
 * change (json_parse_line decodes in place) until the next call. Returns
 * CARI_ITEROVER at the end, CARI_ELIMIT for a line longer than
 * INPUT_MAX_DOCUMENT. in->line_no is its 1-based number. */
int input_next_line(input_stream *in, char **line, size_t *len);

/* Reads everything that is left into *out (caller frees with buf_free);
 * CARI_ELIMIT past INPUT_MAX_DOCUMENT bytes. An empty *out given a whole
 * input takes the stream's own buffer (a text file of 100 MB is not copied). */
int input_read_all(input_stream *in, buf *out);

#endif
