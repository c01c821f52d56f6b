/* lexicon.c - lookups in the generated lexicon. */
#include "core/lexicon.h"

#include <string.h>

#include "core/endian.h"

/* The index of `word` among `count` sorted strings, or -1. Most steps
 * compare the prefixes only: the words' text is read where they tie. */
static long find(const char *text, const uint32_t *off, const uint64_t *prefix, uint32_t count,
                 const char *word, size_t len)
{
    uint64_t want = be64_prefix(word, len) /* as the generator numbers them */;
    uint32_t lo = 0, hi = count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = (prefix[mid] > want) - (prefix[mid] < want);
        if (c == 0) {
            const char *s = text + off[mid];
            size_t n = off[mid + 1] - off[mid] - 1;
            c = memcmp(s, word, n < len ? n : len);
            if (c == 0)
                c = n < len ? -1 : n > len;
        }
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int lexicon_is_root(const char *word, size_t len)
{
    return find(lexicon_root_text, lexicon_root_off, lexicon_root_prefix, lexicon_root_count, word,
                len) >= 0;
}

int lexicon_form_root_of(const char *word, size_t len, const char **root, size_t *root_len)
{
    long i = find(lexicon_form_text, lexicon_form_off, lexicon_form_prefix, lexicon_form_count, word,
                  len);
    if (i < 0)
        return 0;
    uint16_t r = lexicon_form_root[i];
    *root = lexicon_root_text + lexicon_root_off[r];
    *root_len = lexicon_root_off[r + 1] - lexicon_root_off[r] - 1;
    return 1;
}
