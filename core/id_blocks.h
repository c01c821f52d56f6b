/* id_blocks.h - the external ids of DOC_IDS (docs/FORMAT.md section 3),
 * front-coded in blocks of FORMAT_IDS_PER_BLOCK. Input order groups ids by
 * source, so neighbours share long prefixes (`peraturan:pp/2016/12`,
 * `peraturan:pp/2016/13`): each id after a block's first stores only the
 * length it shares with the one before and the bytes that follow. On the
 * 146 MB corpus that is 0.38 MB of ids instead of 0.86, and reading one id
 * decodes at most FORMAT_IDS_PER_BLOCK - 1 before it. */
#ifndef CARI_CORE_ID_BLOCKS_H
#define CARI_CORE_ID_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/format.h"

/* The encoder: ids in document order, then id_blocks_finish. */
typedef struct id_blocks_writer {
    buf head;                 /* u32 count, then a u32 offset per block */
    buf data;                 /* the blocks */
    char prev[FORMAT_MAX_ID]; /* the id before, for its shared prefix */
    size_t prev_len;
    uint32_t n;
} id_blocks_writer;

#define ID_BLOCKS_WRITER_INIT { BUF_INIT, BUF_INIT, { 0 }, 0, 0 }

/* Appends one id (1 to FORMAT_MAX_ID bytes, no NUL: the writer checked).
 * Returns 0 or the buffers' sticky error. */
int id_blocks_add(id_blocks_writer *w, const char *id, size_t len);

/* Completes `head` (the count and the closing offset): the section is head's
 * bytes then data's. Returns 0, or CARI_ELIMIT when data passes 4 GiB. */
int id_blocks_finish(id_blocks_writer *w);

void id_blocks_free(id_blocks_writer *w);

/* The decoder: walks the ids of one block. */
typedef struct id_cursor {
    const uint8_t *p, *end; /* the block's bytes left */
    int first;              /* the next id is the block's first (stored whole) */
    size_t shared;          /* the last id's bytes kept from the one before */
    size_t len;             /* the last id's length */
    char id[FORMAT_MAX_ID]; /* the last id (not NUL-terminated) */
} id_cursor;

/* Starts at the first id of the block [p, end). */
void id_cursor_start(id_cursor *c, const uint8_t *p, const uint8_t *end);

/* Decodes the next id into c->id / c->len. Returns 0, or -1 when the bytes
 * run out or do not make an id: a length of 0 or over FORMAT_MAX_ID, or more
 * shared bytes than the id before has. A NUL inside is not checked here. */
int id_cursor_next(id_cursor *c);

/* Reads the id at `index` (below FORMAT_IDS_PER_BLOCK) of the block [p, end)
 * into out[0..cap), NUL-terminated, and its length into *len. Copies each
 * byte once, from the last id before it that wrote it: the entries before are
 * walked for their lengths only. Returns 0; -1 when the block does not hold
 * such an id (as id_cursor_next refuses it); -2 when the id and its NUL do
 * not fit in cap (*len then says how long it is). A NUL inside is not
 * checked here. */
int id_block_get(const uint8_t *p, const uint8_t *end, unsigned index, char *out, size_t cap,
                 size_t *len);

#endif
