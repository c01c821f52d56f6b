/* index_bytes.h - reading and rewriting the frame of an index file in memory
 * (docs/FORMAT.md): the section table, and resealing every checksum after a
 * deliberate change, so that a test can damage a structure behind valid crcs. */
#ifndef CARI_TESTS_QUERY_INDEX_BYTES_H
#define CARI_TESTS_QUERY_INDEX_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "core/crc32c.h"
#include "core/endian.h"
#include "core/format.h"

struct ib_section {
    uint32_t id;
    uint64_t offset, len;
    size_t entry; /* where its table entry is in the file */
};

/* The section table of `data`; returns the count (at most `max`). */
static inline size_t ib_sections(const uint8_t *data, size_t size, struct ib_section *out, size_t max)
{
    (void)size;
    uint64_t table = le64_load(data + 24);
    uint32_t n = le32_load(data + 32);
    size_t k = 0;
    for (uint32_t i = 0; i < n && k < max; i++) {
        const uint8_t *e = data + table + (size_t)i * FORMAT_TABLE_ENTRY_SIZE;
        out[k++] = (struct ib_section){ le32_load(e), le64_load(e + 8), le64_load(e + 16),
                                        (size_t)(table + (size_t)i * FORMAT_TABLE_ENTRY_SIZE) };
    }
    return k;
}

/* The section with this id, or NULL. */
static inline const struct ib_section *ib_find(const struct ib_section *s, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].id == id)
            return &s[i];
    return NULL;
}

static inline void ib_store32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* The header's own crc (bytes 0..59 at 60) and its copy in the footer. */
static inline void ib_reseal_header(uint8_t *data, size_t size)
{
    uint32_t crc = crc32c_update(0, data, 60);
    ib_store32(data + 60, crc);
    ib_store32(data + size - FORMAT_FOOTER_SIZE + 8, crc);
}

/* Every section crc, the table crc, the header crc and the footer. */
static inline void ib_reseal(uint8_t *data, size_t size)
{
    struct ib_section s[64];
    size_t n = ib_sections(data, size, s, 64);
    for (size_t i = 0; i < n; i++)
        if (s[i].offset <= size && s[i].len <= size - s[i].offset) /* (a test may break a bound) */
            ib_store32(data + s[i].entry + 24, crc32c_update(0, data + s[i].offset, (size_t)s[i].len));
    uint64_t table = le64_load(data + 24);
    ib_store32(data + 36, crc32c_update(0, data + table, n * FORMAT_TABLE_ENTRY_SIZE));
    ib_reseal_header(data, size);
}

#endif
