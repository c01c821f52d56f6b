/* stemmer_lexicon.c - the stemming stages over the hunspell-id lexicon.
 *
 * "hunspell-id" (the default) looks the word up among the forms the
 * dictionary derives (menegaskan: tegas, pasukannya: pasuk, sebuah: buah);
 * a word it does not know loses only what cannot make a name of it, a
 * clitic -nya -lah -kah -pun or di- before a known word (militernya,
 * dirilis), and otherwise stays as written: place names that look affixed
 * (Kediri, Maluku, Pekalongan) are words the dictionary does not derive, and
 * must not meet diri, malu or kalong.
 *
 * "hunspell-id-rules" knows only the headwords and reads affixes by rule
 * (core/stem_rules.c); it measures what the rules reach without the table. */
#include "core/error.h"
#include "core/lexicon.h"
#include "core/stem_rules.h"
#include "core/stemmer.h"

#include <stdlib.h>
#include <string.h>

struct lexicon_state {
    char out[64];
};

static int lexicon_open(void **state)
{
    *state = calloc(1, sizeof(struct lexicon_state));
    return *state == NULL ? error_oom() : 0;
}

static void lexicon_close(void *state) { free(state); }

/* The root of a known word: itself if a headword, else its table entry. */
static int known_root(const char *w, size_t n, const char **out, size_t *out_len)
{
    if (lexicon_is_root(w, n)) {
        *out = w, *out_len = n;
        return 1;
    }
    return lexicon_form_root_of(w, n, out, out_len);
}

static int ends_with(const char *w, size_t n, const char *s)
{
    size_t k = strlen(s);
    return n > k && memcmp(w + n - k, s, k) == 0;
}

static int table_stem(void *state, const char *word, size_t len, const char **out, size_t *out_len)
{
    (void)state;
    *out = word, *out_len = len;
    if (known_root(word, len, out, out_len))
        return 0;
    size_t n = len;
    if (ends_with(word, n, "lah") || ends_with(word, n, "kah") || ends_with(word, n, "pun"))
        n -= 3;
    if (ends_with(word, n, "nya"))
        n -= 3;
    if (n >= 3 && n < len && known_root(word, n, out, out_len))
        return 0;
    if (n >= 5 && word[0] == 'd' && word[1] == 'i' && known_root(word + 2, n - 2, out, out_len))
        return 0;
    *out = word, *out_len = len;
    return 0;
}

static int rules_stem(void *state, const char *word, size_t len, const char **out, size_t *out_len)
{
    struct lexicon_state *s = state;
    size_t n = stem_rules(word, len, s->out);
    *out = n > 0 ? s->out : word;
    *out_len = n > 0 ? n : len;
    return 0;
}

const struct stemmer_ops stemmer_hunspell_id = {
    "hunspell-id", lexicon_open, table_stem, lexicon_close,
};

const struct stemmer_ops stemmer_hunspell_id_rules = {
    "hunspell-id-rules", lexicon_open, rules_stem, lexicon_close,
};
