/* buf.c - growable byte buffer. */
#include "core/buf.h"

#include <stdlib.h>
#include <string.h>

#include "core/endian.h"
#include "core/error.h"

void buf_free(buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->rc = 0;
}

int buf_reserve(buf *b, size_t extra)
{
    if (b->rc != 0)
        return b->rc;
    if (b->cap - b->len >= extra)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len)
        return b->rc = error_set(CARI_ELIMIT, "buffer larger than memory can address");
    size_t cap = b->cap ? b->cap : 64;
    while (cap - b->len < extra)
        cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (p == NULL)
        return b->rc = error_oom();
    b->data = p;
    b->cap = cap;
    return 0;
}

void buf_shrink(buf *b, size_t cap)
{
    if (cap < b->len)
        cap = b->len;
    if (cap >= b->cap || cap == 0)
        return;
    uint8_t *p = realloc(b->data, cap);
    if (p != NULL) {
        b->data = p;
        b->cap = cap;
    }
}

void buf_u32(buf *b, uint32_t v)
{
    if (buf_reserve(b, 4) == 0) {
        le32_store(b->data + b->len, v);
        b->len += 4;
    }
}

void buf_u64(buf *b, uint64_t v)
{
    if (buf_reserve(b, 8) == 0) {
        le64_store(b->data + b->len, v);
        b->len += 8;
    }
}

void buf_zeros(buf *b, size_t n)
{
    if (n > 0 && buf_reserve(b, n) == 0) {
        memset(b->data + b->len, 0, n);
        b->len += n;
    }
}

void buf_str(buf *b, const char *s) { buf_append(b, s, strlen(s)); }

char *buf_cstr(buf *b)
{
    if (buf_reserve(b, 1) != 0)
        return NULL;
    b->data[b->len] = 0;
    return (char *)b->data;
}

uint8_t *buf_detach(buf *b, size_t *len)
{
    uint8_t *p = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
