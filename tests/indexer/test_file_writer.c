/* The file writer starts the disk write of what it wrote every 8 MiB, so
 * that the final fsync waits for the tail only; the file is the same. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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
