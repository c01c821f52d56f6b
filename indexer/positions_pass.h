/* positions_pass.h - the commit's one walk over the merged runs.
 *
 * The index holds the postings of every term, then the positions of every
 * term; both come from the same merge of the runs, and the postings need the
 * sizes of the positions (for their skip entries). The pass walks cursors of
 * its own over the runs, encodes each term's positions and, when asked to,
 * hands the caller each term's live postings in batches, so that the runs
 * are merged and the positions encoded once. With a thread, it runs beside
 * the caller (which writes the postings and the dictionary from the
 * batches); without, it runs inside positions_pass_terms. Its positions wait
 * in memory up to `max_held` bytes (and a chunk), the rest in a file at
 * `spill_path` (removed as soon as it is open: nothing is left behind), so
 * that they cost little memory however large the index, until
 * positions_pass_write copies them into the file. */
#ifndef CARI_INDEXER_POSITIONS_PASS_H
#define CARI_INDEXER_POSITIONS_PASS_H

#include <stddef.h>
#include <stdint.h>

#include "indexer/file_writer.h"
#include "indexer/run_file.h"
#include "indexer/termdict_writer.h"

typedef struct positions_pass positions_pass;

struct positions_pass_limits {
    size_t chunk_bytes; /* positions are handed over in pieces of about this size */
    size_t max_held;    /* bytes held in memory, waiting, before the spill file */
    const char *spill_path; /* copied */
    int threaded;       /* the pass runs on a thread of its own */
    int terms;          /* the caller reads the terms (positions_pass_terms) */
    /* The range of keys walked, [from, to): NULL for the first key, NULL for
     * after the last (both copied), so that two passes can split the terms. */
    const char *from_key, *to_key;
    size_t from_len, to_len;
};

/* One term with live documents: its key at `key_off` in the batch's keys, its
 * postings at `first` in the batch's arrays; info has df, cf, max_tf and
 * positions_len set, the rest zero (as live_postings_fill leaves them). */
struct pass_term {
    uint32_t key_off, key_len;
    size_t first;
    struct term_info info;
};

/* Terms in key order, and their postings back to back. */
struct term_batch {
    buf keys;
    struct pass_term *terms;
    size_t nterms, terms_cap;
    uint32_t *docs, *tfs;
    uint64_t *pos_starts; /* per doc: where its block's positions start in the term's */
    size_t npostings, postings_cap;
    struct term_batch *next;
};

/* Starts the pass over runs of its own, at the start of the same runs as
 * runs[0..nruns) (which it does not touch). doc_of_record (UINT32_MAX for a
 * replaced record) and length_of_record are read by the pass until
 * positions_pass_free. */
int positions_pass_start(positions_pass **out, const run_cursor *runs, size_t nruns,
                         const uint32_t *doc_of_record, const uint32_t *length_of_record,
                         const struct positions_pass_limits *lim);

/* A key that splits the terms of runs[0..nruns) into two ranges, `percent`
 * of the work (postings and positions bytes, as runs[0] has them) before it,
 * into `key`; none (key->len 0) when there are too few terms. It is never a root
 * key (FORMAT_ROOT_MARK last), so the later range's first term never needs
 * the one before it (a root's group_df counts the word's documents). */
int positions_pass_split_key(const run_cursor *runs, size_t nruns, unsigned percent, buf *key);

/* With lim->terms: the next batch of terms (*out NULL after the last), to be
 * given back by positions_pass_recycle before the next call. Returns 0 or the
 * pass's first failure. */
int positions_pass_terms(positions_pass *pp, struct term_batch **out);
void positions_pass_recycle(positions_pass *pp, struct term_batch *b);

/* Writes every term's positions to `fw`, in key order, as the pass hands
 * them over (terms not read are passed over); returns 0 or the pass's (or
 * the files') first failure. */
int positions_pass_write(positions_pass *pp, file_writer *fw);

/* Bytes that went through the spill file so far. */
uint64_t positions_pass_spilled(positions_pass *pp);

/* Stops the pass if it still runs, and frees everything (NULL: nothing). */
void positions_pass_free(positions_pass *pp);

#endif
