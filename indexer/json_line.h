/* json_line.h - one JSON Lines document: an object whose string fields become
 * stored fields, "id" (a string or a number) becomes the id. Strict JSON, with
 * one leniency: invalid UTF-8 inside strings is kept for the writer to replace. */
#ifndef CARI_INDEXER_JSON_LINE_H
#define CARI_INDEXER_JSON_LINE_H

#include <stddef.h>

#include "cari.h"
#include "core/buf.h"

enum { JSON_MAX_DEPTH = 256 };

struct json_field_ref {
    size_t name_off, value_off, value_len; /* in the arena; names are NUL-terminated */
};

typedef struct json_doc {
    buf arena;
    struct json_field_ref *refs;
    size_t nrefs, refs_cap;
    cari_field *fields; /* built from refs once the arena stops moving */
    size_t fields_cap;
    int has_id;
    size_t id_off, id_len;
} json_doc;

void json_doc_free(json_doc *d);

/* Parses one line. On CARI_EINPUT, *error_at is the 0-based byte of the line
 * where the problem is and *error_msg says what it is. */
int json_parse_line(json_doc *d, const char *line, size_t len, size_t *error_at,
                    const char **error_msg);

/* The fields of the last parsed line (id excluded); valid until the next parse. */
const cari_field *json_doc_fields(json_doc *d, size_t *n);

#endif
