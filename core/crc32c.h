/* crc32c.h - CRC-32C (Castagnoli), the checksum of every index section. */
#ifndef CARI_CORE_CRC32C_H
#define CARI_CORE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continues a checksum: crc32c_update(0, p, n) is the CRC of p[0..n), and
 * crc32c_update(crc32c_update(0, a, n), b, m) the CRC of a followed by b. */
uint32_t crc32c_update(uint32_t crc, const void *data, size_t len);

/* The table-driven path alone, so tests can check that both paths agree. */
uint32_t crc32c_update_portable(uint32_t crc, const void *data, size_t len);

#endif
