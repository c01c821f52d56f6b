/* file_writer.h - writes an index file: buffered appends grouped into
 * checksummed sections, then the table, footer and header; all under a
 * temporary name that is fsync'ed and renamed over the target only at the end. */
#ifndef CARI_INDEXER_FILE_WRITER_H
#define CARI_INDEXER_FILE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "core/format.h"

struct section_entry {
    uint32_t id;
    uint64_t offset, length;
    uint32_t crc;
};

typedef struct file_writer {
    int fd;
    char *path, *tmp_path;
    uint8_t *buf;
    size_t buf_len;
    uint64_t offset; /* bytes written so far, buffered ones included */
    int rc;          /* sticky: the first failure */
    struct section_entry sections[SECTION_MAX];
    unsigned nsections;
    int in_section;
    uint64_t flushed;        /* bytes handed to the file so far */
    uint64_t writeback_from; /* the disk write of the bytes before was started */
} file_writer;

/* Creates `path`.tmp-PID and reserves room for the header; first removes the
 * temporary files of killed builds of `path` (stale_temp.h). */
int file_writer_open(file_writer *fw, const char *path);

/* Starts a section at the next multiple of 8 bytes. */
void file_writer_begin(file_writer *fw, uint32_t section_id);
void file_writer_write(file_writer *fw, const void *data, size_t len);
void file_writer_end(file_writer *fw);

/* Writes table, footer and header, fsyncs, renames over the target and fsyncs
 * the folder. Returns 0 or the first error of the whole write. */
int file_writer_commit(file_writer *fw);

/* Closes and removes the temporary file (after a failure, or without commit). */
void file_writer_abort(file_writer *fw);

#endif
