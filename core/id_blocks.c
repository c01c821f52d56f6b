/* id_blocks.c - see id_blocks.h and docs/FORMAT.md section 3. */
#include "core/id_blocks.h"

#include <string.h>

#include "core/endian.h"
#include "core/error.h"
#include "core/varint.h"

int id_blocks_add(id_blocks_writer *w, const char *id, size_t len)
{
    if (w->n == 0)
        buf_u32(&w->head, 0); /* the count, set by id_blocks_finish */
    size_t shared = 0;
    if (w->n % FORMAT_IDS_PER_BLOCK == 0) {
        if (w->data.len > UINT32_MAX)
            return error_set(CARI_ELIMIT, "document ids exceed 4 GiB");
        buf_u32(&w->head, (uint32_t)w->data.len);
    } else {
        size_t common = len < w->prev_len ? len : w->prev_len;
        while (shared < common && w->prev[shared] == id[shared])
            shared++;
        buf_varint(&w->data, shared);
    }
    buf_varint(&w->data, len - shared);
    buf_append(&w->data, id + shared, len - shared);
    memcpy(w->prev, id, len);
    w->prev_len = len;
    w->n++;
    return w->head.rc ? w->head.rc : w->data.rc;
}

int id_blocks_finish(id_blocks_writer *w)
{
    if (w->n == 0)
        buf_u32(&w->head, 0);
    if (w->data.len > UINT32_MAX)
        return error_set(CARI_ELIMIT, "document ids exceed 4 GiB");
    buf_u32(&w->head, (uint32_t)w->data.len);
    if (w->head.rc != 0)
        return w->head.rc;
    le32_store(w->head.data, w->n);
    return w->data.rc;
}

void id_blocks_free(id_blocks_writer *w)
{
    buf_free(&w->head);
    buf_free(&w->data);
}

void id_cursor_start(id_cursor *c, const uint8_t *p, const uint8_t *end)
{
    c->p = p;
    c->end = end;
    c->first = 1;
    c->shared = c->len = 0;
}

int id_cursor_next(id_cursor *c)
{
    uint32_t shared = 0, suffix;
    if (!c->first && varint_get32(&c->p, c->end, &shared) != 0)
        return -1;
    if (varint_get32(&c->p, c->end, &suffix) != 0 || shared > c->len ||
        suffix > FORMAT_MAX_ID - shared || shared + suffix == 0 || suffix > (size_t)(c->end - c->p))
        return -1;
    memcpy(c->id + shared, c->p, suffix);
    c->p += suffix;
    c->first = 0;
    c->shared = shared;
    c->len = shared + suffix;
    return 0;
}

/* A length: one byte in nearly every entry. */
static inline int get_length(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
    if (*p < end && **p < 0x80) {
        *v = *(*p)++;
        return 0;
    }
    return varint_get32(p, end, v);
}

/* The entries whose bytes survive into the id at `index` are those that
 * share less than every entry after them (one that shares as much or less
 * rewrites them from there): kept on a stack as the entries go by, each then
 * gives the bytes from its shared length up to the next one's. */
int id_block_get(const uint8_t *p, const uint8_t *end, unsigned index, char *out, size_t cap,
                 size_t *len)
{
    const uint8_t *bytes[FORMAT_IDS_PER_BLOCK];
    uint32_t from[FORMAT_IDS_PER_BLOCK];
    unsigned live = 0;
    uint32_t length = 0;
    for (unsigned i = 0; i <= index; i++) {
        uint32_t shared = 0, suffix;
        if ((i > 0 && get_length(&p, end, &shared) != 0) || get_length(&p, end, &suffix) != 0 ||
            shared > length || suffix > FORMAT_MAX_ID - shared || shared + suffix == 0 ||
            suffix > (size_t)(end - p))
            return -1;
        while (live > 0 && from[live - 1] >= shared)
            live--;
        bytes[live] = p;
        from[live++] = shared;
        length = shared + suffix;
        p += suffix;
    }
    *len = length;
    if (cap <= length)
        return -2;
    for (unsigned k = 0; k < live; k++)
        memcpy(out + from[k], bytes[k], (k + 1 < live ? from[k + 1] : length) - from[k]);
    out[length] = '\0';
    return 0;
}

/* The public bound and the format's are one. */
_Static_assert(FORMAT_MAX_ID == CARI_ID_MAX, "CARI_ID_MAX is FORMAT_MAX_ID");
