/* termdict_reader.h - finding terms in the front-coded dictionary. */
#ifndef CARI_QUERY_TERMDICT_READER_H
#define CARI_QUERY_TERMDICT_READER_H

#include <stdint.h>

#include "core/bit_stream.h"
#include "core/format.h"
#include "query/index_reader.h"

struct term_entry {
    uint32_t df, max_tf, group_df;
    uint32_t doc; /* the document of a term with df 1 (postings_len 0) */
    uint64_t cf;
    uint64_t postings_off, postings_len;   /* in POSTINGS */
    uint64_t positions_off, positions_len; /* in POSITIONS */
};

/* Reads the terms of one block in order: the keys forward from p, the
 * entries backward from the block's end. */
typedef struct term_block_reader {
    const cari_index *ix;
    const uint8_t *p, *end;
    bit_reader entries;
    uint64_t postings_at, positions_at;
    uint32_t block, left, at; /* at: the index in the block of the next term */
    uint32_t roots; /* bit i: the block's term i has a root key (its entry holds group_df) */
    char key[FORMAT_MAX_KEY];
    size_t key_len;
} term_block_reader;

int term_block_start(term_block_reader *r, const cari_index *ix, uint32_t block);

/* The next term of the block: its key in r->key. Returns CARI_ITEROVER at the
 * end of the block, CARI_ECORRUPT when the bytes do not decode within bounds
 * (after the last term, also when bytes other than zero padding follow). */
int term_block_next(term_block_reader *r, struct term_entry *e);

/* Looks up a key. Returns 0, CARI_ENOTFOUND or CARI_ECORRUPT. */
int termdict_find(const cari_index *ix, const char *key, size_t len, struct term_entry *e);

#endif
