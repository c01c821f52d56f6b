/* writer_internal.h - the state of a cari_writer, shared by writer.c (adding
 * documents) and writer_commit.c (writing the index). */
#ifndef CARI_INDEXER_WRITER_INTERNAL_H
#define CARI_INDEXER_WRITER_INTERNAL_H

#include <stdint.h>

#include "cari.h"
#include "core/buf.h"
#include "core/format.h"
#include "indexer/docstore_writer.h"
#include "indexer/file_writer.h"
#include "indexer/inverter_pool.h"

enum { WRITER_MAX_FIELDS = 1024, WRITER_MAX_ID = FORMAT_MAX_ID };

struct cari_writer {
    file_writer file;
    docstore_writer store;
    inverter_pool pool;
    cari_analyzer *analyzer; /* for its name; the pool's threads have their own */

    /* one entry per record (document added), in order of adding */
    buf ids;              /* each id followed by a NUL */
    uint64_t *id_offsets; /* start of each id in `ids` */
    uint8_t *replaced;    /* 1: a later document with the same id replaced it */
    size_t records, ids_cap, replaced_cap;
    uint32_t nreplaced;
    uint64_t tokens;      /* of live documents, counted by the commit */

    uint32_t *id_table; /* open addressing: record + 1 */
    size_t id_table_cap;

    char *field_names[WRITER_MAX_FIELDS];
    size_t nfield_names;
    struct stored_field *stored;
    size_t stored_cap;
    buf clean; /* values with invalid UTF-8 replaced */

    int failed; /* sticky: after an error that left partial state */
    int committed;
};

/* Writes every section after STORE and commits the file. */
int writer_commit_sections(cari_writer *w);

#endif
