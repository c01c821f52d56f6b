/* docstore_reader.h - reading blocks of the document store. */
#ifndef CARI_QUERY_DOCSTORE_READER_H
#define CARI_QUERY_DOCSTORE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "query/index_reader.h"

/* Decompresses store block `b` (caller frees *out); gives its record range. */
int docstore_read_block(const cari_index *ix, uint32_t b, uint8_t **out, size_t *len,
                        uint32_t *first_record, uint32_t *nrecords);

/* Checks that every record of a decompressed block parses. */
int docstore_check_block(const cari_index *ix, uint32_t b, const uint8_t *block, size_t len,
                         uint32_t first, uint32_t nrecords);

#endif
