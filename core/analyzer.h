/* analyzer.h - the analysis chain shared by indexing and querying. */
#ifndef CARI_CORE_ANALYZER_H
#define CARI_CORE_ANALYZER_H

#include <stdint.h>

#include "cari.h"

/* Analyses `text` with positions starting at `first_position`; *next_position
 * receives the position after the last token (may be NULL). */
int analyzer_run(cari_analyzer *a, const char *text, size_t len, uint32_t first_position,
                 cari_token_fn fn, void *payload, uint32_t *next_position);

struct stemmer_ops;

/* An analyzer with another stemming stage (cari_analyzer_new uses the
 * default), for measuring the stages against each other. */
int analyzer_new_with(cari_analyzer **out, const struct stemmer_ops *stemmer);

/* Whether an index recorded with analyzer identity `name` can be queried with
 * this build's analyzer. */
int analyzer_name_supported(const char *name);

#endif
