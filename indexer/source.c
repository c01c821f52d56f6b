/* source.c - cari_source: documents from a folder of text files or from JSON
 * Lines (a file, or standard input), each possibly zstd-compressed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "indexer/folder_walk.h"
#include "indexer/input_stream.h"
#include "indexer/json_line.h"
#include "indexer/text_document.h"

struct cari_source {
    int is_folder;
    char location[1200];
    /* JSON Lines */
    input_stream in;
    json_doc doc;
    /* folder */
    folder_listing files;
    size_t next_file;
    uint64_t folder_bytes_read, folder_bytes_decoded;
    text_document text;
};

static int open_folder(cari_source *s, const char *path)
{
    s->is_folder = 1;
    return folder_list(&s->files, path);
}

int cari_source_open(cari_source **out, const char *path)
{
    *out = NULL;
    if (path == NULL)
        return error_set(CARI_EINVAL, "cari_source_open: NULL path");
    cari_source *s = calloc(1, sizeof *s);
    if (s == NULL)
        return error_oom();
    s->in.fd = -1;
    struct stat st;
    int rc;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        rc = open_folder(s, path);
    else
        rc = input_open(&s->in, path);
    if (rc != 0) {
        cari_source_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void cari_source_close(cari_source *s)
{
    if (s == NULL)
        return;
    if (s->is_folder)
        folder_listing_free(&s->files);
    else
        input_close(&s->in);
    json_doc_free(&s->doc);
    text_document_free(&s->text);
    free(s);
}

static int next_json(cari_source *s, const char **id, size_t *id_len, const cari_field **fields,
                     size_t *nfields)
{
    char *line;
    size_t len;
    int rc;
    do { /* blank lines are allowed between documents */
        rc = input_next_line(&s->in, &line, &len);
        if (rc != 0)
            return rc;
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
    } while (len == 0);
    snprintf(s->location, sizeof s->location, "%s:%llu", s->in.name,
             (unsigned long long)s->in.line_no);
    size_t at = 0;
    const char *msg = NULL;
    rc = json_parse_line(&s->doc, line, len, &at, &msg);
    if (rc == CARI_EINPUT)
        return error_set(rc, "%s: line %llu, byte %zu: %s", s->in.name,
                         (unsigned long long)s->in.line_no, at + 1, msg);
    if (rc != 0)
        return rc;
    if (!s->doc.has_id || s->doc.id_len == 0)
        return error_set(CARI_EINPUT, "%s: line %llu: the document has no \"id\"", s->in.name,
                         (unsigned long long)s->in.line_no);
    *fields = json_doc_fields(&s->doc, nfields);
    *id = s->doc.id;
    *id_len = s->doc.id_len;
    return 0;
}

static int next_file(cari_source *s, const char **id, size_t *id_len, const cari_field **fields,
                     size_t *nfields)
{
    if (s->next_file == s->files.count)
        return CARI_ITEROVER;
    const struct folder_entry *f = &s->files.entries[s->next_file++];
    snprintf(s->location, sizeof s->location, "%s", f->path);
    int rc = text_document_read(&s->text, f->path);
    if (rc != 0)
        return rc;
    s->folder_bytes_read += f->size;
    s->folder_bytes_decoded += s->text.content.len;
    *id = f->id;
    *id_len = strlen(f->id);
    *fields = s->text.fields;
    *nfields = s->text.nfields;
    return 0;
}

int cari_source_next(cari_source *s, const char **id, size_t *id_len, const cari_field **fields,
                     size_t *nfields)
{
    if (s == NULL || id == NULL || id_len == NULL || fields == NULL || nfields == NULL)
        return error_set(CARI_EINVAL, "cari_source_next: NULL argument");
    return s->is_folder ? next_file(s, id, id_len, fields, nfields)
                        : next_json(s, id, id_len, fields, nfields);
}

void cari_source_progress(const cari_source *s, uint64_t *bytes_read, uint64_t *bytes_total,
                          uint64_t *bytes_decoded)
{
    uint64_t read = s->is_folder ? s->folder_bytes_read : s->in.raw_read;
    uint64_t total = s->is_folder ? s->files.total_bytes : s->in.raw_total;
    uint64_t decoded = s->is_folder ? s->folder_bytes_decoded : s->in.decoded;
    if (bytes_read != NULL)
        *bytes_read = read;
    if (bytes_total != NULL)
        *bytes_total = total;
    if (bytes_decoded != NULL)
        *bytes_decoded = decoded;
}

const char *cari_source_location(const cari_source *s) { return s->location; }
