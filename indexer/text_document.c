/* text_document.c - title detection for plain text files. A heading is a
 * short first line that does not end like a sentence and has text after it:
 * "Pujian Putin untuk Tentara Korea Utara" is one, "MOSKOW – Presiden Rusia,
 * Vladimir Putin, menyampaikan ... tahun lalu." is a paragraph. */
#include "indexer/text_document.h"

#include <string.h>

#include "indexer/input_stream.h"

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int ends_like_sentence(const char *s, size_t n)
{
    /* look behind closing quotes and brackets: `... "sulit."` ends a sentence */
    while (n > 0) {
        unsigned char c = (unsigned char)s[n - 1];
        if (c == '"' || c == '\'' || c == ')')
            n--;
        else if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
                 (c == 0x9D || c == 0x99)) /* ” ’ */
            n -= 3;
        else
            break;
    }
    if (n == 0)
        return 1;
    char c = s[n - 1];
    return c == '.' || c == '!' || c == '?' || c == ',' || c == ';' || c == ':';
}

void text_document_split(text_document *d, const char *text, size_t len)
{
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* byte order mark */
        text += 3, len -= 3;
    while (len > 0 && is_space(*text))
        text++, len--;
    const char *nl = memchr(text, '\n', len);
    size_t first = nl != NULL ? (size_t)(nl - text) : len;
    size_t first_trim = first;
    while (first_trim > 0 && is_space(text[first_trim - 1]))
        first_trim--;
    const char *rest = text + first;
    size_t rest_len = len - first;
    while (rest_len > 0 && is_space(*rest))
        rest++, rest_len--;

    d->nfields = 0;
    if (first_trim > 0 && first_trim <= HEADING_MAX_BYTES && rest_len > 0 &&
        !ends_like_sentence(text, first_trim)) {
        d->fields[d->nfields++] = (cari_field){ "title", text, first_trim };
        d->fields[d->nfields++] = (cari_field){ "text", rest, rest_len };
    } else {
        d->fields[d->nfields++] = (cari_field){ "text", text, len };
    }
}

int text_document_read(text_document *d, const char *path)
{
    input_stream in;
    int rc = input_open(&in, path);
    if (rc != 0)
        return rc;
    buf_clear(&d->content);
    rc = input_read_all(&in, &d->content);
    input_close(&in);
    if (rc != 0)
        return rc;
    text_document_split(d, (const char *)d->content.data, d->content.len);
    return 0;
}

void text_document_free(text_document *d) { buf_free(&d->content); }
