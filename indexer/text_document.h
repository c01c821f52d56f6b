/* text_document.h - a plain text file as a document: the first line is its
 * title when it reads as a heading, the rest its text. */
#ifndef CARI_INDEXER_TEXT_DOCUMENT_H
#define CARI_INDEXER_TEXT_DOCUMENT_H

#include "cari.h"
#include "core/buf.h"

enum { HEADING_MAX_BYTES = 200 };

typedef struct text_document {
    buf content;
    cari_field fields[2];
    size_t nfields;
} text_document;

/* Reads the file at `path` (zstd-compressed if it starts with a zstd frame). */
int text_document_read(text_document *d, const char *path);

/* Splits `text` into title and text fields (pointing into `text`). */
void text_document_split(text_document *d, const char *text, size_t len);

void text_document_free(text_document *d);

#endif
