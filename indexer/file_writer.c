/* file_writer.c - the index file's atomic write. */
#define _GNU_SOURCE /* sync_file_range, where there is one */
#include "indexer/file_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crc32c.h"
#include "core/endian.h"
#include "core/error.h"

/* Whole writes of 2 MiB at offsets that are multiples of it (the header
 * starts the first): the page cache then keeps the file in huge pages, where
 * the kernel can, and a reader maps them so (query/index_open.c). */
enum { WRITE_BUFFER = 2 << 20 };

/* Every this many bytes written, their write-back to the disk is started,
 * so that the final fsync waits for the last ones only instead of the
 * whole file, after all the work is done. */
#define WRITEBACK_BYTES ((uint64_t)8 << 20)

int file_writer_open(file_writer *fw, const char *path)
{
    memset(fw, 0, sizeof *fw);
    fw->fd = -1;
    size_t n = strlen(path) + 32;
    fw->path = strdup(path);
    fw->tmp_path = malloc(n);
    fw->buf = malloc(WRITE_BUFFER);
    if (fw->path == NULL || fw->tmp_path == NULL || fw->buf == NULL) {
        file_writer_abort(fw);
        return error_oom();
    }
    snprintf(fw->tmp_path, n, "%s.tmp-%ld", path, (long)getpid());
    fw->fd = open(fw->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fw->fd < 0) {
        int rc = error_set_errno(errno, "cannot create %s", fw->tmp_path);
        file_writer_abort(fw);
        return rc;
    }
    uint8_t header[FORMAT_HEADER_SIZE] = { 0 };
    file_writer_write(fw, header, sizeof header);
    return fw->rc;
}

/* Starts the disk write of what was written since the last call, without
 * waiting for it (a hint: the final fsync checks everything). */
static void start_writeback(file_writer *fw, uint64_t written)
{
#ifdef SYNC_FILE_RANGE_WRITE
    if (written - fw->writeback_from >= WRITEBACK_BYTES) {
        (void)sync_file_range(fw->fd, (off_t)fw->writeback_from,
                              (off_t)(written - fw->writeback_from), SYNC_FILE_RANGE_WRITE);
        fw->writeback_from = written;
    }
#else
    (void)fw;
    (void)written;
#endif
}

static void flush_buffer(file_writer *fw)
{
    size_t done = 0;
    while (done < fw->buf_len && fw->rc == 0) {
        ssize_t w = write(fw->fd, fw->buf + done, fw->buf_len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            fw->rc = error_set_errno(w < 0 ? errno : ENOSPC, "writing %s", fw->tmp_path);
        else
            done += (size_t)w;
    }
    fw->buf_len = 0;
    fw->flushed += done;
    if (fw->rc == 0)
        start_writeback(fw, fw->flushed);
}

void file_writer_write(file_writer *fw, const void *data, size_t len)
{
    if (fw->rc != 0)
        return;
    if (fw->in_section) {
        struct section_entry *s = &fw->sections[fw->nsections - 1];
        s->crc = crc32c_update(s->crc, data, len);
        s->length += len;
    }
    fw->offset += len;
    const uint8_t *p = data;
    while (len > 0 && fw->rc == 0) {
        size_t room = WRITE_BUFFER - fw->buf_len;
        size_t n = len < room ? len : room;
        memcpy(fw->buf + fw->buf_len, p, n);
        fw->buf_len += n;
        p += n;
        len -= n;
        if (fw->buf_len == WRITE_BUFFER)
            flush_buffer(fw);
    }
}

static void pad_to_alignment(file_writer *fw)
{
    static const uint8_t zeros[FORMAT_ALIGN] = { 0 };
    size_t pad = (size_t)(-fw->offset & (FORMAT_ALIGN - 1));
    file_writer_write(fw, zeros, pad);
}

void file_writer_begin(file_writer *fw, uint32_t section_id)
{
    if (fw->rc != 0)
        return;
    if (fw->nsections == SECTION_MAX) {
        fw->rc = error_set(CARI_EINVAL, "more than %d sections", SECTION_MAX);
        return;
    }
    pad_to_alignment(fw);
    struct section_entry *s = &fw->sections[fw->nsections++];
    *s = (struct section_entry){ section_id, fw->offset, 0, 0 };
    fw->in_section = 1;
}

void file_writer_end(file_writer *fw) { fw->in_section = 0; }

static void write_table_and_footer(file_writer *fw, uint8_t *header)
{
    pad_to_alignment(fw);
    uint64_t table_offset = fw->offset;
    uint8_t table[SECTION_MAX * FORMAT_TABLE_ENTRY_SIZE] = { 0 };
    for (unsigned i = 0; i < fw->nsections; i++) {
        uint8_t *e = table + i * FORMAT_TABLE_ENTRY_SIZE;
        le32_store(e, fw->sections[i].id);
        le64_store(e + 8, fw->sections[i].offset);
        le64_store(e + 16, fw->sections[i].length);
        le32_store(e + 24, fw->sections[i].crc);
    }
    size_t table_len = (size_t)fw->nsections * FORMAT_TABLE_ENTRY_SIZE;
    file_writer_write(fw, table, table_len);

    uint64_t file_size = fw->offset + FORMAT_FOOTER_SIZE;
    memcpy(header, FORMAT_MAGIC, 8);
    le32_store(header + 8, FORMAT_VERSION);
    le32_store(header + 12, FORMAT_HEADER_SIZE);
    le64_store(header + 16, file_size);
    le64_store(header + 24, table_offset);
    le32_store(header + 32, fw->nsections);
    le32_store(header + 36, crc32c_update(0, table, table_len));
    uint32_t header_crc = crc32c_update(0, header, 60);
    le32_store(header + 60, header_crc);

    uint8_t footer[FORMAT_FOOTER_SIZE];
    le64_store(footer, table_offset);
    le32_store(footer + 8, header_crc);
    memcpy(footer + 12, FORMAT_FOOTER_MAGIC, 4);
    file_writer_write(fw, footer, sizeof footer);
    flush_buffer(fw);
}

static int sync_folder(const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return error_oom();
    const char *dir = dirname(copy);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL))
        rc = error_set_errno(errno, "cannot sync folder %s", dir);
    if (fd >= 0)
        close(fd);
    free(copy);
    return rc;
}

int file_writer_commit(file_writer *fw)
{
    uint8_t header[FORMAT_HEADER_SIZE] = { 0 };
    write_table_and_footer(fw, header);
    if (fw->rc == 0 && pwrite(fw->fd, header, sizeof header, 0) != (ssize_t)sizeof header)
        fw->rc = error_set_errno(errno, "writing the header of %s", fw->tmp_path);
    if (fw->rc == 0 && fsync(fw->fd) != 0)
        fw->rc = error_set_errno(errno, "cannot sync %s", fw->tmp_path);
    if (fw->rc == 0 && close(fw->fd) != 0)
        fw->rc = error_set_errno(errno, "closing %s", fw->tmp_path);
    fw->fd = -1;
    if (fw->rc == 0 && rename(fw->tmp_path, fw->path) != 0)
        fw->rc = error_set_errno(errno, "cannot rename %s to %s", fw->tmp_path, fw->path);
    if (fw->rc == 0)
        fw->rc = sync_folder(fw->path);
    int rc = fw->rc;
    if (rc != 0) {
        file_writer_abort(fw);
        return rc;
    }
    free(fw->path);
    free(fw->tmp_path);
    free(fw->buf);
    fw->path = fw->tmp_path = NULL;
    fw->buf = NULL;
    return 0;
}

void file_writer_abort(file_writer *fw)
{
    if (fw->fd >= 0)
        close(fw->fd);
    fw->fd = -1;
    if (fw->tmp_path != NULL)
        unlink(fw->tmp_path);
    free(fw->path);
    free(fw->tmp_path);
    free(fw->buf);
    fw->path = fw->tmp_path = NULL;
    fw->buf = NULL;
}
