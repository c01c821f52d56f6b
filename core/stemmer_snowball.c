/* stemmer_snowball.c - the stemming stage over libstemmer's Indonesian algorithm. */
#include <libstemmer.h>

#include "core/error.h"
#include "core/stemmer.h"

static int snowball_open(void **state)
{
    struct sb_stemmer *s = sb_stemmer_new("indonesian", "UTF_8");
    if (s == NULL)
        return error_set(CARI_ENOMEM, "libstemmer: cannot create the indonesian stemmer");
    *state = s;
    return 0;
}

static int snowball_stem(void *state, const char *word, size_t len, const char **out,
                         size_t *out_len)
{
    const sb_symbol *r = sb_stemmer_stem(state, (const sb_symbol *)word, (int)len);
    if (r == NULL)
        return error_oom();
    *out = (const char *)r;
    *out_len = (size_t)sb_stemmer_length(state);
    return 0;
}

static void snowball_close(void *state) { sb_stemmer_delete(state); }

const struct stemmer_ops stemmer_snowball_indonesian = {
    "snowball-indonesian", snowball_open, snowball_stem, snowball_close,
};
