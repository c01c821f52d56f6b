/* Every word of the five sample articles whose root differs from its exact
 * form, with that root, against tests/data/samples-roots.tsv (checked by hand:
 * no word is stemmed into a different word, no name is stemmed at all). Any
 * change to the analysis shows up here as the pairs it changes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cari.h"
#include "tests/common/test_util.h"

enum { MAX_PAIRS = 4096 };

struct pairs {
    char *line[MAX_PAIRS];
    size_t n;
};

static int collect(const cari_token *t, void *payload)
{
    struct pairs *p = payload;
    if (t->root_len == t->exact_len && memcmp(t->root, t->exact, t->exact_len) == 0)
        return 0;
    cr_assert_lt(p->n, MAX_PAIRS);
    char *l = malloc(t->exact_len + t->root_len + 3);
    sprintf(l, "%.*s\t%.*s\n", (int)t->exact_len, t->exact, (int)t->root_len, t->root);
    p->line[p->n++] = l;
    return 0;
}

static int compare(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

Test(sample_roots, every_changed_word_of_the_samples)
{
    static const char *const files[] = {
        "000_5aca90321db24b7b.txt", "001_c7aacca5a8cc5693.txt", "002_0dae2cce8c8e6931.txt",
        "003_bbff8ebabdd1624f.txt", "004_393e21a6b6f560b6.txt",
    };
    static struct pairs p;
    cari_analyzer *a;
    cr_assert_eq(cari_analyzer_new(&a), CARI_OK);
    for (size_t i = 0; i < 5; i++) {
        char *path = test_path(CARI_SOURCE_DIR "/samples", files[i]);
        size_t len;
        char *text = test_read_file(path, &len);
        cr_assert_not_null(text, "%s", path);
        cr_assert_eq(cari_analyze(a, text, len, collect, &p), CARI_OK);
        free(text);
        free(path);
    }
    cari_analyzer_free(a);
    qsort(p.line, p.n, sizeof *p.line, compare);
    size_t cap = 1, used = 0;
    for (size_t i = 0; i < p.n; i++)
        cap += strlen(p.line[i]);
    char *got = calloc(1, cap);
    for (size_t i = 0; i < p.n; i++) {
        if (i == 0 || strcmp(p.line[i], p.line[i - 1]) != 0) {
            strcpy(got + used, p.line[i]);
            used += strlen(p.line[i]);
        }
    }
    size_t want_len;
    char *want = test_read_file(CARI_SOURCE_DIR "/tests/data/samples-roots.tsv", &want_len);
    cr_assert_not_null(want);
    cr_assert_str_eq(got, want);
    for (size_t i = 0; i < p.n; i++)
        free(p.line[i]);
    free(got);
    free(want);
}
