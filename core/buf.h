/* buf.h - a growable byte buffer with a sticky error, so that encoders can
 * append many values and check for failure once (as FTS5's buffers do). */
#ifndef CARI_CORE_BUF_H
#define CARI_CORE_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/varint.h"

typedef struct buf {
    uint8_t *data;
    size_t len, cap;
    int rc; /* 0, or the first failure (CARI_ENOMEM / CARI_ELIMIT); appends then do nothing */
} buf;

#define BUF_INIT { NULL, 0, 0, 0 }

void buf_free(buf *b);
static inline void buf_clear(buf *b) { b->len = 0; }

/* Makes room for `extra` more bytes; returns 0 or the sticky error. */
int buf_reserve(buf *b, size_t extra);

/* Gives back the room past max(cap, len): a buffer that grew for one huge
 * record keeps its pages for the rest of the run otherwise. Keeps the
 * buffer as it was if the system will not shrink it. */
void buf_shrink(buf *b, size_t cap);

static inline void buf_append(buf *b, const void *p, size_t n)
{
    if (n == 0 || buf_reserve(b, n) != 0)
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static inline void buf_byte(buf *b, uint8_t v)
{
    if (buf_reserve(b, 1) == 0)
        b->data[b->len++] = v;
}

static inline void buf_varint(buf *b, uint64_t v)
{
    if (buf_reserve(b, VARINT_MAX64) == 0)
        b->len += varint_put(b->data + b->len, v);
}

void buf_u32(buf *b, uint32_t v);
void buf_u64(buf *b, uint64_t v);
void buf_zeros(buf *b, size_t n);
void buf_str(buf *b, const char *s); /* without the NUL */

/* Appends a NUL after the content (not counted in len); returns data or NULL on failure. */
char *buf_cstr(buf *b);

/* Hands the bytes to the caller (who frees them) and leaves the buffer empty. */
uint8_t *buf_detach(buf *b, size_t *len);

#endif
