/* run_merge.h - the k-way merge of sorted runs: term by term in key order,
 * each term's postings from every run that has it, in record order. */
#ifndef CARI_INDEXER_RUN_MERGE_H
#define CARI_INDEXER_RUN_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "indexer/run_file.h"

struct merged_posting {
    uint32_t record, tf;
    const uint8_t *positions; /* this record's position bytes, in a run cursor */
    size_t positions_len;
};

typedef struct run_merge {
    run_cursor *cursors; /* borrowed */
    size_t ncursors;
    uint8_t *taken;      /* cursors that supplied the current term */
    const char *key;     /* the current term; valid until the next call */
    size_t key_len;
    struct merged_posting *postings, *tmp;
    size_t npostings, cap, tmp_cap;
    size_t *starts; /* where each cursor's postings of the term begin */
    int done;
} run_merge;

int run_merge_init(run_merge *m, run_cursor *cursors, size_t ncursors);

/* Moves to the next term (or sets m->done) and fills m->postings. */
int run_merge_next(run_merge *m);

/* Starts again from the first term. */
int run_merge_rewind(run_merge *m);

/* Writes the terms from the current one on (after a first run_merge_next)
 * to a new run file at `path`: many runs become one. */
int run_merge_write(run_merge *m, const char *path);

void run_merge_free(run_merge *m);

#endif
