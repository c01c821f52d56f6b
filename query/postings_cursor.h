/* postings_cursor.h - walks one term's postings in doc order, block by block,
 * with skips to the block of a target doc and positions decoded only on demand. */
#ifndef CARI_QUERY_POSTINGS_CURSOR_H
#define CARI_QUERY_POSTINGS_CURSOR_H

#include <stdint.h>

#include "core/block_cover.h"
#include "core/full_block.h"
#include "core/format.h"
#include "core/rice.h"
#include "query/index_reader.h"
#include "query/termdict_reader.h"

#define CURSOR_END UINT32_MAX

typedef struct postings_cursor {
    const cari_index *ix;
    int *error; /* shared sticky error: set once, then every cursor reads as ended */
    full_block_decode_fn *decode_full; /* the CPU's fastest, chosen on open */
    rice_skip_fn *skip;        /* likewise */
    uint32_t df, nblocks, max_tf;
    uint32_t single_doc, single_tf; /* a term of one document: its entry holds it */
    uint8_t min_norm; /* of a term without skip entries (one block) */
    const uint8_t *skips; /* NULL when df < 128 */
    uint32_t skip_size;                    /* bytes of one skip entry */
    uint32_t doc_mask, end_mask, pos_mask; /* its fields of 1 to 4 bytes */
    uint32_t end_at, pos_at, fixed_at;     /* where they are in it; the last doc's at 0 */
    const uint8_t *data, *data_end;
    const uint8_t *positions, *positions_end;

    uint32_t block, count, i; /* current block, docs in it, index of the current doc */
    uint32_t doc;             /* current doc, CURSOR_END when done */
    uint32_t docs[FORMAT_POSTINGS_BLOCK], tfs[FORMAT_POSTINGS_BLOCK];

    const uint8_t *pos_block, *pos_end; /* the run of the block's positions */
    uint64_t pos_values;      /* how many: the block's frequencies add up to it */
    rice_run pos;             /* has passed the quotients of pos_read values of the block */
    uint64_t pos_read;
    uint32_t pos_index;       /* a doc of the block; the values before it, and their low bits */
    uint64_t pos_before, pos_low;
} postings_cursor;

/* Positions the cursor on the term's first document. */
int postings_open(postings_cursor *c, const cari_index *ix, const struct term_entry *e, int *error);

/* Moves to the next document (CURSOR_END after the last). */
void postings_next(postings_cursor *c);

/* postings_advance past the current block: through the skip entries. */
void postings_advance_blocks(postings_cursor *c, uint32_t target);

/* Moves to the first document >= target. Inline for the common case of
 * conjunctions and MaxScore, a target within the decoded block. */
static inline void postings_advance(postings_cursor *c, uint32_t target)
{
    if (c->doc >= target) /* also when ended: CURSOR_END is above every target */
        return;
    if (c->docs[c->count - 1] < target) {
        postings_advance_blocks(c, target);
        return;
    }
    uint32_t i = c->i; /* docs[i] < target <= docs[count - 1] */
    while (c->docs[++i] < target)
        ;
    c->i = i;
    c->doc = c->docs[i];
}

static inline uint32_t postings_tf(const postings_cursor *c) { return c->tfs[c->i]; }

/* The first block, from the current one on, whose last doc is >= target;
 * nblocks when the cursor has no doc >= target. */
uint32_t postings_block_of(const postings_cursor *c, uint32_t target);

/* The maximum-score ingredients of block b (below nblocks): its cover
 * (a term of one block: its largest frequency with its smallest norm) and
 * its last doc. */
void postings_block_cover(const postings_cursor *c, uint32_t b, struct block_cover *cover,
                          uint32_t *last);

/* Block b's best saturation (core/block_best.h) and its last doc; for a
 * term with skip entries. */
uint32_t postings_block_best(const postings_cursor *c, uint32_t b, uint32_t *last);

/* The block whose range of doc numbers holds target, even behind the
 * cursor: from after the last doc of the block before it to its own last
 * doc, the last block's on to the end. For a term with skip entries. */
uint32_t postings_block_from(const postings_cursor *c, uint32_t target);

/* Decodes the positions of the current document into out[0..tf). A term
 * without positions is corrupt (docs/FORMAT.md, POSITIONS): asking is
 * reported as CARI_ECORRUPT. */
int postings_positions(postings_cursor *c, uint32_t *out);

/* The same up to `limit`: the positions <= limit into out[0..*n). */
int postings_positions_upto(postings_cursor *c, uint32_t limit, uint32_t *out, uint32_t *n);

/* Asks the memory for the bytes the positions of the current document will
 * be read from, so that the misses of several words overlap before any of
 * them is decoded. Changes no result. */
void postings_prefetch_positions(postings_cursor *c);

#endif
