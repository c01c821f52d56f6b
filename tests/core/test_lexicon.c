/* The lexicon's lookups (a binary search over the words' 8-byte prefixes,
 * the text read on ties): every headword and every derived form is found,
 * a form gives its headword, and words that only share a prefix with one,
 * or that one starts, are not found. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/lexicon.h"

static const char *word_at(const char *text, const uint32_t *off, uint32_t i, size_t *len)
{
    *len = off[i + 1] - off[i] - 1;
    return text + off[i];
}

Test(lexicon, every_headword_is_found_and_its_neighbours_are_not)
{
    cr_assert_gt(lexicon_root_count, 10000);
    char w[80];
    for (uint32_t i = 0; i < lexicon_root_count; i++) {
        size_t n;
        const char *r = word_at(lexicon_root_text, lexicon_root_off, i, &n);
        cr_assert(lexicon_is_root(r, n), "headword %u [%s]", i, r);
        memcpy(w, r, n);
        w[n] = '{'; /* after every letter: the longer word sorts after this one */
        cr_assert_not(lexicon_is_root(w, n + 1), "[%.*s]", (int)n + 1, w);
        w[n] = '\0'; /* a NUL after the word ties its 8-byte prefix when it is short */
        cr_assert_not(lexicon_is_root(w, n + 1), "[%s] and a NUL", r);
    }
}

Test(lexicon, every_form_gives_its_headword)
{
    cr_assert_gt(lexicon_form_count, 10000);
    for (uint32_t i = 0; i < lexicon_form_count; i++) {
        size_t n, want_len, got_len;
        const char *f = word_at(lexicon_form_text, lexicon_form_off, i, &n);
        const char *want = word_at(lexicon_root_text, lexicon_root_off, lexicon_form_root[i],
                                   &want_len);
        const char *got = NULL;
        cr_assert(lexicon_form_root_of(f, n, &got, &got_len), "form %u [%s]", i, f);
        cr_assert_eq(got_len, want_len, "form [%s]", f);
        cr_assert_eq(memcmp(got, want, want_len), 0, "form [%s]: [%s], not [%s]", f, got, want);
    }
    const char *root;
    size_t len;
    cr_assert_not(lexicon_form_root_of("", 0, &root, &len));
    cr_assert_not(lexicon_form_root_of("zzzzzzzzzzzzzzzz", 16, &root, &len));
    cr_assert_not(lexicon_form_root_of("\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 9, &root, &len));
}
