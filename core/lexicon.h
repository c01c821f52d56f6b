/* lexicon.h - Indonesian headwords and derived forms, compiled into libcari as
 * sorted const arrays (generated at build time from hunspell-id by
 * scripts/gen_lexicon.py), so a lookup is a binary search in .rodata and
 * opening costs nothing. */
#ifndef CARI_CORE_LEXICON_H
#define CARI_CORE_LEXICON_H

#include <stddef.h>
#include <stdint.h>

/* Generated data: *_text holds the words, NUL-terminated, in byte order;
 * *_off[i] is where word i starts (one extra entry ends the last). */
extern const char lexicon_root_text[], lexicon_form_text[];
extern const uint32_t lexicon_root_off[], lexicon_form_off[];
extern const uint32_t lexicon_root_count, lexicon_form_count;
/* *_prefix[i]: the first 8 bytes of word i as a big-endian number, zeros
 * after a shorter word (numbers in the same order as the words, but for ties). */
extern const uint64_t lexicon_root_prefix[], lexicon_form_prefix[];
extern const uint16_t lexicon_form_root[]; /* the headword of each form */

/* Whether the folded word is a headword (a root). */
int lexicon_is_root(const char *word, size_t len);

/* The headword that a derived form comes from: 1 and *root (a NUL-terminated
 * string in .rodata) if the dictionary derives `word`, 0 otherwise. */
int lexicon_form_root_of(const char *word, size_t len, const char **root, size_t *root_len);

#endif
