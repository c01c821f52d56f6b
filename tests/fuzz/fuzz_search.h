/* fuzz_search.h - one query run the way cari-query runs it (parse, search,
 * fetch each hit's id, document and snippet), with the result invariants. */
#ifndef CARI_TESTS_FUZZ_SEARCH_H
#define CARI_TESTS_FUZZ_SEARCH_H

#include <stddef.h>

#include "cari.h"

/* Runs `text` on `ix`. When `intact` is set the index is known to be sound,
 * so a CARI_ECORRUPT is itself a failure. Returns the hit count (or -1 when
 * the query or the index was refused). */
int fuzz_search(const cari_index *ix, const char *text, size_t len, unsigned flags, int intact);

#endif
