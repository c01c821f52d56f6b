/* stem_score.c - scores the analyzer's main term per word against a gold file
 * (surface TAB expected root[|alternative...] TAB category), overall and per
 * category, for the default stage, the rules alone, or libstemmer's Snowball
 * stage (the baseline the others are measured against).
 * Usage: stem_score [--rules | --snowball] [--errors] GOLD.tsv
 * The main term: the whole of a hyphenated word, else the root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cari.h"
#include "core/analyzer.h"
#include "core/stemmer.h"

enum { MAX_CATEGORIES = 128, MAX_LINE = 512 };

struct category {
    char name[64];
    unsigned ok, n;
};

struct main_term {
    char text[160];
    int has_whole, count;
};

static int on_token(const cari_token *t, void *payload)
{
    struct main_term *m = payload;
    if (m->has_whole || (m->count++ > 0 && !(t->flags & CARI_TOKEN_WHOLE)))
        return 0;
    const char *s = t->flags & CARI_TOKEN_WHOLE ? t->exact : t->root;
    size_t n = t->flags & CARI_TOKEN_WHOLE ? t->exact_len : t->root_len;
    snprintf(m->text, sizeof m->text, "%.*s", (int)n, s);
    m->has_whole = (t->flags & CARI_TOKEN_WHOLE) != 0;
    return 0;
}

static int accepted(const char *got, char *expected)
{
    for (char *alt = strtok(expected, "|"); alt != NULL; alt = strtok(NULL, "|"))
        if (strcmp(alt, got) == 0)
            return 1;
    return 0;
}

static struct category *category_of(struct category *cats, size_t *ncats, const char *name)
{
    for (size_t i = 0; i < *ncats; i++)
        if (strcmp(cats[i].name, name) == 0)
            return &cats[i];
    if (*ncats == MAX_CATEGORIES)
        return NULL;
    struct category *c = &cats[(*ncats)++];
    snprintf(c->name, sizeof c->name, "%s", name);
    return c;
}

static int cmp_category(const void *a, const void *b)
{
    return strcmp(((const struct category *)a)->name, ((const struct category *)b)->name);
}

int main(int argc, char **argv)
{
    const struct stemmer_ops *stage = &stemmer_hunspell_id;
    int errors = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rules") == 0)
            stage = &stemmer_hunspell_id_rules;
        else if (strcmp(argv[i], "--snowball") == 0)
            stage = &stemmer_snowball_indonesian;
        else if (strcmp(argv[i], "--errors") == 0)
            errors = 1;
        else
            path = argv[i];
    }
    FILE *f = path ? fopen(path, "r") : NULL;
    cari_analyzer *a;
    if (f == NULL) {
        fprintf(stderr, "usage: stem_score [--rules | --snowball] [--errors] GOLD.tsv\n");
        return 2;
    }
    if (analyzer_new_with(&a, stage) != 0) {
        fprintf(stderr, "stem_score: %s\n", cari_error_last());
        return 4;
    }
    static struct category cats[MAX_CATEGORIES];
    size_t ncats = 0;
    unsigned ok = 0, n = 0;
    char line[MAX_LINE];
    while (fgets(line, sizeof line, f) != NULL) {
        char *surface = strtok(line, "\t\n"), *expected = strtok(NULL, "\t\n"),
             *cat = strtok(NULL, "\t\n");
        if (surface == NULL || surface[0] == '#' || expected == NULL || cat == NULL)
            continue;
        struct main_term m = { "", 0, 0 };
        char want[MAX_LINE];
        snprintf(want, sizeof want, "%s", expected);
        struct category *c = category_of(cats, &ncats, cat);
        if (c == NULL || cari_analyze(a, surface, strlen(surface), on_token, &m) != 0)
            break;
        int hit = accepted(m.text, expected);
        c->n++, n++;
        c->ok += (unsigned)hit, ok += (unsigned)hit;
        if (errors && !hit)
            printf("miss\t%s\t%s\texpected %s\tgot %s\n", cat, surface, want, m.text);
    }
    fclose(f);
    cari_analyzer_free(a);
    qsort(cats, ncats, sizeof *cats, cmp_category);
    printf("overall %u/%u = %.1f%%\n", ok, n, n ? 100.0 * ok / n : 0.0);
    for (size_t i = 0; i < ncats; i++)
        printf("  %-24s %4u/%-4u\n", cats[i].name, cats[i].ok, cats[i].n);
    return 0;
}
