/* The file writer starts the disk write of what it wrote every 8 MiB, so
 * that the final fsync waits for the tail only; the file is the same. It
 * writes in pieces of 2 MiB, which the page cache keeps as huge pages where
 * it can. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/crc32c.h"
#include "core/endian.h"
#include "indexer/file_writer.h"
#include "tests/common/test_util.h"

enum { PIECE = 300 * 1000, PIECES = 70 }; /* 21 MB, in pieces that straddle the buffer */

Test(file_writer, write_back_starts_as_it_writes_and_the_bytes_stay)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "f.cari");
    uint8_t *piece = malloc(PIECE);
    cr_assert_not_null(piece);
    file_writer fw;
    cr_assert_eq(file_writer_open(&fw, path), 0, "%s", cari_error_last());
    file_writer_begin(&fw, SECTION_STORE);
    uint32_t crc = 0;
    for (unsigned p = 0; p < PIECES; p++) {
        memset(piece, 'a' + p % 26, PIECE);
        file_writer_write(&fw, piece, PIECE);
        crc = crc32c_update(crc, piece, PIECE);
    }
    file_writer_end(&fw);
#ifdef __linux__
    /* 21 MB written, 20 MiB of it flushed: write-back started for 16 MiB */
    cr_assert_eq(fw.writeback_from, (uint64_t)16 << 20, "%llu",
                 (unsigned long long)fw.writeback_from);
#endif
    cr_assert_eq(fw.sections[0].crc, crc);
    cr_assert_eq(file_writer_commit(&fw), 0, "%s", cari_error_last());

    size_t len;
    uint8_t *file = (uint8_t *)test_read_file(path, &len);
    cr_assert_not_null(file);
    uint64_t at = FORMAT_HEADER_SIZE;
    cr_assert_geq(len, at + (uint64_t)PIECE * PIECES);
    for (unsigned p = 0; p < PIECES; p++, at += PIECE)
        cr_assert_eq(file[at] == 'a' + p % 26 && file[at + PIECE - 1] == 'a' + p % 26, 1,
                     "piece %u", p);
    cr_assert_eq(crc32c_update(0, file + FORMAT_HEADER_SIZE, (size_t)PIECE * PIECES), crc);
    cr_assert_eq(memcmp(file, FORMAT_MAGIC, 8), 0, "the header was written over the zeros");
    free(file);
    free(piece);
    test_rmtree(dir);
    free(path);
    free(dir);
}

/* How much of `path` a read-only mapping of it maps with huge pages, once
 * every page has been read. */
static long huge_mapped(const char *path, size_t len)
{
    int fd = open(path, O_RDONLY);
    cr_assert_geq(fd, 0);
    volatile const uint8_t *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    cr_assert_neq((void *)m, MAP_FAILED);
    for (size_t at = 0; at < len; at += 4096)
        (void)m[at];
    char *smaps = test_smaps_of((const void *)m);
    long kb = test_smaps_number(smaps, "FilePmdMapped:");
    free(smaps);
    munmap((void *)m, len);
    return kb;
}

Test(file_writer, pieces_the_page_cache_keeps_in_huge_pages)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "f.cari"), *copy = test_path(dir, "copy");
    enum { LEN = 12 << 20 };
    uint8_t *data = malloc(LEN);
    cr_assert_not_null(data);
    for (size_t i = 0; i < LEN; i++)
        data[i] = (uint8_t)(i * 2654435761u >> 24);
    file_writer fw;
    cr_assert_eq(file_writer_open(&fw, path), 0, "%s", cari_error_last());
    file_writer_begin(&fw, SECTION_STORE);
    file_writer_write(&fw, data, LEN);
    file_writer_end(&fw);
    cr_assert_eq(file_writer_commit(&fw), 0, "%s", cari_error_last());
    size_t len;
    char *file = test_read_file(path, &len);
    /* whether the page cache here can: the same bytes in one write */
    int fd = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, file, len), (ssize_t)len);
    close(fd);
    long ours = huge_mapped(path, len), can = huge_mapped(copy, len);
    free(file);
    free(data);
    test_rmtree(dir);
    free(copy);
    free(path);
    free(dir);
    if (can <= 0)
        cr_skip_test("this kernel or file system keeps no file in huge pages");
    /* 12 MiB and a bit: 6 whole aligned pieces of 2 MiB, the header's among them */
    cr_assert_geq(ours, 12 << 10, "%ld KiB, where one write gets %ld", ours, can);
}
