/* positions_pass.h - the commit's positions pass on a thread of its own.
 *
 * The index holds the postings of every term, then the positions of every
 * term; both come from the same merge of the runs. With threads to spare,
 * this thread walks cursors of its own over the runs and encodes the
 * positions while the commit writes the postings and the dictionary; the
 * commit then copies what it encoded into the file. What waits is held in
 * memory up to `max_held` bytes (and a chunk), the rest in a file at
 * `spill_path` (removed as soon as it is open: nothing is left behind), so
 * the overlap costs little memory however large the index. The bytes are
 * those the serial pass writes. */
#ifndef CARI_INDEXER_POSITIONS_PASS_H
#define CARI_INDEXER_POSITIONS_PASS_H

#include <stddef.h>
#include <stdint.h>

#include "indexer/file_writer.h"
#include "indexer/run_file.h"

typedef struct positions_pass positions_pass;

struct positions_pass_limits {
    size_t chunk_bytes; /* positions are handed over in pieces of about this size */
    size_t max_held;    /* bytes held in memory, waiting, before the spill file */
    const char *spill_path; /* copied */
};

/* Starts the thread over runs of its own, at the start of the same runs as
 * runs[0..nruns) (which it does not touch). doc_of_record (UINT32_MAX for a
 * replaced record) and length_of_record are read by the thread until
 * positions_pass_free. */
int positions_pass_start(positions_pass **out, const run_cursor *runs, size_t nruns,
                         const uint32_t *doc_of_record, const uint32_t *length_of_record,
                         const struct positions_pass_limits *lim);

/* Writes every term's positions to `fw`, in key order, as the thread hands
 * them over; returns 0 or the thread's (or the files') first failure. */
int positions_pass_write(positions_pass *pp, file_writer *fw);

/* Bytes that went through the spill file so far. */
uint64_t positions_pass_spilled(positions_pass *pp);

/* Stops the thread if it still runs, and frees everything (NULL: nothing). */
void positions_pass_free(positions_pass *pp);

#endif
