/* json_line.h - one JSON Lines document: an object whose string fields become
 * stored fields, "id" (a string or a number) becomes the id. Strict JSON, with
 * one leniency: invalid UTF-8 inside strings is kept for the writer to replace. */
#ifndef CARI_INDEXER_JSON_LINE_H
#define CARI_INDEXER_JSON_LINE_H

#include <stddef.h>

#include "cari.h"

enum { JSON_MAX_DEPTH = 256 };

/* The last parsed line's id and string fields, which point into the line. */
typedef struct json_doc {
    cari_field *fields; /* id excluded */
    size_t nfields, fields_cap;
    int has_id;
    const char *id;
    size_t id_len;
} json_doc;

void json_doc_free(json_doc *d);

/* Parses one line, decoding its strings in place (the line's bytes change;
 * the fields and id point into it until it is parsed again or freed). On
 * CARI_EINPUT, *error_at is the 0-based byte of the line where the problem
 * is and *error_msg says what it is. */
int json_parse_line(json_doc *d, char *line, size_t len, size_t *error_at, const char **error_msg);

/* The fields of the last parsed line (id excluded). */
static inline const cari_field *json_doc_fields(const json_doc *d, size_t *n)
{
    *n = d->nfields;
    return d->fields;
}

#endif
