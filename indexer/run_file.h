/* run_file.h - sorted runs of inverted data: an inverter spilled to a
 * temporary file when the memory budget is reached, and a cursor that walks a
 * run (on disk, or an inverter still in memory) term by term in key order.
 *
 * A run file is a sequence of terms in increasing key order, each
 *   varint key_len (> 0), key, varint docs_len, varint positions_len,
 *   docs bytes, positions bytes
 * (the inverter's in-memory encodings)
 * ended by a varint 0. Doc gaps start from record 0 in every run. */
#ifndef CARI_INDEXER_RUN_FILE_H
#define CARI_INDEXER_RUN_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "indexer/inverter.h"

/* Writes every term of `inv` to a new file at `path`, in key order. */
int run_file_write(const inverter *inv, const char *path);

/* The pieces of run_file_write, for writing a run from elsewhere (a merge):
 * create, one term at a time in key order, then close (which reports any
 * write failure). */
int run_file_create(FILE **out, const char *path);
void run_file_put_term(FILE *f, const char *key, size_t key_len, const uint8_t *docs,
                       size_t docs_len, const uint8_t *positions, size_t positions_len);
int run_file_close(FILE *f, const char *path);

typedef struct run_cursor {
    /* the current term; valid until the next call */
    const char *key;
    size_t key_len;
    const uint8_t *docs, *positions;
    size_t docs_len, positions_len;
    int done;

    FILE *file; /* a run on disk, or ... */
    const char *path;
    buf data;
    const inverter *inv; /* ... an inverter in memory, in `order` */
    uint32_t *order;
    size_t next;
} run_cursor;

/* Opens a cursor over the run file at `path` (kept borrowed) or over `inv`
 * (path NULL); both stand before their first term. */
int run_cursor_open(run_cursor *c, const char *path, const inverter *inv);

/* A cursor over `inv` whose terms were put in key order already (`order`,
 * from inverter_sorted_terms: the cursor takes it over). */
void run_cursor_open_sorted(run_cursor *c, const inverter *inv, uint32_t *order);

/* Opens `c` before the first term of the run `from` walks, wherever `from`
 * stands: a run file is opened again, an inverter's order is copied. Two
 * cursors over one run can then move on two threads. */
int run_cursor_clone(run_cursor *c, const run_cursor *from);

/* Moves to the next term; sets c->done after the last. */
int run_cursor_next(run_cursor *c);

/* Goes back before the first term. */
int run_cursor_rewind(run_cursor *c);

void run_cursor_close(run_cursor *c);

#endif
