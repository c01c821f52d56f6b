/* fuzz_analyzer.c - the analysis chain on arbitrary bytes: every token is
 * non-empty valid UTF-8, lies inside the input, and positions never go back
 * except for the whole of a hyphenated word, which takes its first part's. */
#include <stdlib.h>

#include "cari.h"
#include "core/unicode.h"
#include "tests/fuzz/fuzz_target.h"

struct seen {
    size_t len;
    uint32_t max_position; /* highest position so far */
    size_t tokens;
};

static int check_token(const cari_token *t, void *payload)
{
    struct seen *s = payload;
    FUZZ_CHECK(t->start < t->end && t->end <= s->len);
    FUZZ_CHECK(t->exact_len > 0 && utf8_valid(t->exact, t->exact_len));
    FUZZ_CHECK(t->root_len > 0 && utf8_valid(t->root, t->root_len));
    if (s->tokens > 0 && !(t->flags & CARI_TOKEN_WHOLE))
        FUZZ_CHECK(t->position >= s->max_position);
    if (t->position > s->max_position)
        s->max_position = t->position;
    s->tokens++;
    return 0;
}

static int stop_at_first(const cari_token *t, void *payload)
{
    (void)t;
    (void)payload;
    return 42;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cari_analyzer *a; /* one per process: the stemmer is costly to set up */
    if (a == NULL && cari_analyzer_new(&a) != 0)
        abort();
    struct seen s = { size, 0, 0 };
    FUZZ_CHECK(cari_analyze(a, (const char *)data, size, check_token, &s) == 0);
    /* a callback's non-zero return stops the analysis and comes back unchanged */
    int rc = cari_analyze(a, (const char *)data, size, stop_at_first, NULL);
    FUZZ_CHECK(rc == (s.tokens > 0 ? 42 : 0));
    return 0;
}
