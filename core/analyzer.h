/* analyzer.h - the analysis chain shared by indexing and querying. */
#ifndef CARI_CORE_ANALYZER_H
#define CARI_CORE_ANALYZER_H

#include <stdint.h>

#include "cari.h"

/* Room the analyzer keeps for its caller beside each word it has stemmed:
 * the indexer notes there the word's terms in its inverter, so that a word
 * seen again costs one lookup, not three. Zero when the word is first stemmed
 * (and again whenever the memo starts afresh). */
struct analyzer_word_tag {
    uint32_t generation; /* the caller's: 0 never matches */
    uint32_t exact_term, root_term;
};

/* Like cari_token_fn, with the tag of the token's word when it was stemmed
 * (its root is then the memo's root of its exact form, so the tag depends on
 * the exact form alone), NULL for any other token. The tag may be written
 * until the callback returns. */
typedef int (*analyzer_token_fn)(const cari_token *t, struct analyzer_word_tag *tag,
                                 void *payload);

/* Analyses `text` with positions starting at `first_position`; *next_position
 * receives the position after the last token (may be NULL). */
int analyzer_run(cari_analyzer *a, const char *text, size_t len, uint32_t first_position,
                 analyzer_token_fn fn, void *payload, uint32_t *next_position);

struct stemmer_ops;

/* An analyzer with another stemming stage (cari_analyzer_new uses the
 * default), for measuring the stages against each other. */
int analyzer_new_with(cari_analyzer **out, const struct stemmer_ops *stemmer);

/* Whether an index recorded with analyzer identity `name` can be queried with
 * this build's analyzer. */
int analyzer_name_supported(const char *name);

#endif
