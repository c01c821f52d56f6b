/* stemmer.h - the stemming stage of the analyzer, behind a small interface so
 * that a dictionary-corrected stemmer can replace the plain Snowball one. */
#ifndef CARI_CORE_STEMMER_H
#define CARI_CORE_STEMMER_H

#include <stddef.h>

struct stemmer_ops {
    const char *name; /* recorded in the index with the analyzer's name */
    int (*open)(void **state);
    /* Stems a folded, lower-case word. *out points to memory owned by the
     * state, valid until the next call. Returns 0 or a CARI_E code. */
    int (*stem)(void *state, const char *word, size_t len, const char **out, size_t *out_len);
    void (*close)(void *state);
};

/* The default: the hunspell-id lexicon's derived forms, then safe rules. */
extern const struct stemmer_ops stemmer_hunspell_id;
/* Affix rules against the hunspell-id headwords only, for measuring. */
extern const struct stemmer_ops stemmer_hunspell_id_rules;
/* libstemmer's "indonesian" algorithm (Snowball, Tala 2003). */
extern const struct stemmer_ops stemmer_snowball_indonesian;

#endif
