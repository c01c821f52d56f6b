/* inverter.h - the in-memory inverted index of the documents added so far:
 * term -> (doc gaps and frequencies, positions), both varint-coded (the
 * index's code of positions, per block of documents, is written at commit:
 * indexer/positions_writer.h). */
#ifndef CARI_INDEXER_INVERTER_H
#define CARI_INDEXER_INVERTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct byte_run {
    uint8_t *data;
    uint32_t len, cap;
};

struct inv_term {
    uint32_t hash;
    uint32_t key_off;
    uint32_t key_len;
    uint32_t last_doc;     /* the doc being collected, or UINT32_MAX */
    uint32_t next_doc_min; /* previous finished doc + 1: the base of the next gap */
    uint32_t tf, last_pos; /* of the doc being collected */
    uint32_t doc_pos_start; /* where its positions start in `positions` */
    /* per doc: varint (doc - next_doc_min), varint tf, varint bytes of its
     * positions (so that a merge finds them without decoding them) */
    struct byte_run docs;
    struct byte_run positions;
};

/* An occurrence waiting to be added: they are added a few dozen at a time,
 * so that the table slots and terms of the next ones can be fetched from
 * memory while the current one is added (most of the inverter's time went in
 * waiting for them). */
struct inv_pending {
    uint32_t hash, key_off, key_len, position;
    uint32_t term; /* index + 1 when the caller knew it (no key then), else 0 */
};

typedef struct inverter {
    struct inv_term *terms;
    size_t nterms, terms_cap;
    uint32_t *table; /* open addressing: term index + 1, 0 = empty */
    size_t table_cap;
    buf keys;
    uint32_t *doc_terms; /* terms touched by the current doc */
    size_t ndoc_terms, doc_terms_cap;
    struct inv_pending *pending;
    size_t npending;
    uint32_t pending_doc;
    buf pending_keys;
    uint64_t postings; /* (term, doc) pairs */
    size_t bytes;      /* memory held by postings */
} inverter;

int inverter_init(inverter *inv);
void inverter_free(inverter *inv);

/* Records one occurrence of `key` at `position` in document `doc`. Documents
 * are added in increasing order; positions of a doc in increasing order.
 * Failures may be reported by a later call or by inverter_end_doc. */
int inverter_add(inverter *inv, uint32_t doc, const char *key, size_t key_len, uint32_t position);

/* The index of the term `key`, added (with no postings) if it is new: for
 * callers that remember it and then add occurrences by index. Indices stay
 * valid until the inverter is freed. */
int inverter_term(inverter *inv, const char *key, size_t key_len, uint32_t *index);

/* inverter_add for the term of index `term` (from inverter_term): no hashing,
 * no key comparison. */
int inverter_add_term(inverter *inv, uint32_t doc, uint32_t term, uint32_t position);

/* Closes document `doc`: writes its frequencies. */
int inverter_end_doc(inverter *inv);

/* Bytes of memory the inverter holds: postings, terms, table, keys. */
size_t inverter_memory(const inverter *inv);

/* The term indices in key order (caller frees). */
int inverter_sorted_terms(const inverter *inv, uint32_t **out);

static inline const char *inverter_key(const inverter *inv, const struct inv_term *t)
{
    return (const char *)inv->keys.data + t->key_off;
}

#endif
