/* stem_rules.h - the root of an Indonesian word by affix rules and the
 * headword list alone (no table of derived forms). */
#ifndef CARI_CORE_STEM_RULES_H
#define CARI_CORE_STEM_RULES_H

#include <stddef.h>

/* Writes the root of the folded word to out (room for 64 bytes) and returns
 * its length; 0 when the word is a headword itself or no reading of it ends
 * in a headword (the caller keeps the word). */
size_t stem_rules(const char *word, size_t len, char *out);

#endif
