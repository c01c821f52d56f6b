/* fuzz_json_lines.c - the JSON Lines reader on arbitrary bytes: one line
 * through the parser, then the whole input as a file through cari_source (line
 * splitting, zstd detection, the id rules). Errors must name a byte inside
 * the line; documents must have a non-empty id and NUL-terminated field names,
 * and every name, value and id must lie in the line, which is decoded in place. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cari.h"
#include "indexer/json_line.h"
#include "tests/fuzz/fuzz_target.h"

/* Whether [p, p + n) lies inside the line. */
static int inside(const char *line, size_t size, const char *p, size_t n)
{
    return p >= line && n <= size && (size_t)(p - line) <= size - n;
}

static void parse_one_line(const uint8_t *data, size_t size)
{
    char *line = malloc(size ? size : 1); /* decoded in place */
    if (line == NULL)
        return;
    memcpy(line, data, size);
    json_doc d = { 0 };
    size_t at = SIZE_MAX;
    const char *msg = NULL;
    int rc = json_parse_line(&d, line, size, &at, &msg);
    if (rc == CARI_EINPUT) {
        FUZZ_CHECK(msg != NULL && msg[0] != '\0' && at <= size);
    } else if (rc == 0) {
        size_t n;
        const cari_field *f = json_doc_fields(&d, &n);
        FUZZ_CHECK(f != NULL || n == 0);
        for (size_t i = 0; i < n; i++) {
            FUZZ_CHECK(f[i].name != NULL && f[i].value != NULL);
            FUZZ_CHECK(inside(line, size, f[i].name, 1)); /* and its NUL too: */
            size_t room = size - (size_t)(f[i].name - line);
            FUZZ_CHECK(strnlen(f[i].name, room) < room);
            FUZZ_CHECK(inside(line, size, f[i].value, f[i].value_len));
        }
        if (d.has_id)
            FUZZ_CHECK(inside(line, size, d.id, d.id_len));
    } else {
        FUZZ_CHECK(rc == CARI_ENOMEM);
    }
    json_doc_free(&d);
    free(line);
}

static void read_as_file(const uint8_t *data, size_t size)
{
    int fd;
    char path[64];
    cari_source *src;
    if (fuzz_memfile(data, size, &fd, path) != 0)
        return;
    if (cari_source_open(&src, path) == 0) {
        const char *id;
        size_t id_len, nfields;
        const cari_field *fields;
        int rc;
        while ((rc = cari_source_next(src, &id, &id_len, &fields, &nfields)) == 0) {
            FUZZ_CHECK(id != NULL && id_len > 0);
            for (size_t i = 0; i < nfields; i++)
                FUZZ_CHECK(strcmp(fields[i].name, "id") != 0);
        }
        FUZZ_CHECK(rc == CARI_ITEROVER || rc == CARI_EINPUT || rc == CARI_ENOMEM ||
                   rc == CARI_ELIMIT);
        if (rc != CARI_ITEROVER)
            FUZZ_CHECK(cari_error_last()[0] != '\0');
        cari_source_close(src);
    }
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    parse_one_line(data, nl != NULL ? (size_t)(nl - data) : size);
    read_as_file(data, size);
    return 0;
}
