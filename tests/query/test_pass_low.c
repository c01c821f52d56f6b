/* A word under a floor passes over the docs its frequency and norm rule out
 * by a table of the floor (word_cursor_pass_low): where it stops, on docs
 * whose two lists (the exact key and the root key) only reach together, on
 * frequencies above the table, at the limit and at the end of the decoded
 * blocks; and the pruned top k it serves equals the exhaustive one. */
#include "tests/query/query_fixture.h"
#include "tests/query/same_top.h"

#include "query/matcher.h"
#include "query/query_ast.h"

enum { NDOCS = 40, BIG = 400 };

/* Doc d of the small corpus: `layar` (the exact key) when d % 3 == 0,
 * `berlayar` (the root key) when d % 3 == 1, neither when d % 3 == 2; doc 9
 * has `layar` once and `berlayar` twice, doc 15 `layar` 40 times. */
static char *small_text(int d)
{
    char *t = malloc(1024);
    size_t n = (size_t)snprintf(t, 1024, "zuka ");
    int exact = d == 15 ? 40 : d % 3 == 0, root = d == 9 ? 2 : d % 3 == 1;
    for (int i = 0; i < exact; i++)
        n += (size_t)snprintf(t + n, 1024 - n, "layar ");
    for (int i = 0; i < root; i++)
        n += (size_t)snprintf(t + n, 1024 - n, "berlayar ");
    return t;
}

static struct qfix fix;

static void build(int ndocs, char *(*text)(int))
{
    struct test_doc *docs = calloc((size_t)ndocs, sizeof *docs);
    char(*ids)[16] = calloc((size_t)ndocs, sizeof *ids);
    for (int d = 0; d < ndocs; d++) {
        snprintf(ids[d], sizeof ids[d], "d%03d", d);
        docs[d] = (struct test_doc){ ids[d], NULL, text(d) };
    }
    qfix_docs(&fix, docs, (size_t)ndocs);
    for (int d = 0; d < ndocs; d++)
        free((char *)docs[d].text);
    free(docs);
    free(ids);
}

static void teardown(void) { qfix_close(&fix); }

/* The word `layar` of the index, both of its lists open. */
static void open_layar(struct word_cursor *w, cari_query **q, int *error)
{
    cr_assert_eq(cari_query_parse(q, fix.ix, "layar", 5, 0), 0, "%s", cari_error_last());
    cr_assert_eq((*q)->root->kind, QN_TERM);
    cr_assert_eq(word_cursor_open(w, fix.ix, &(*q)->root->word, error), 0, "%s",
                 cari_error_last());
    cr_assert_eq(w->n, 2, "layar and layar\\x01");
}

/* A table where only a frequency of 3 or more reaches (on any norm), and a
 * higher floor than any weight for the frequencies above the table. */
static void table_from_3(struct low_table *t)
{
    static const float zero_length[256];
    for (int f = 0; f < LOW_TF; f++)
        t->max_norm[f] = f >= 3 ? UINT8_MAX : -1;
    t->norms = fix.ix->norms;
    t->length_factor = zero_length;
    t->weight = 1;
    t->floor = 2; /* weight * f < floor * f: nothing above the table reaches */
}

TestSuite(pass_low, .fini = teardown);

Test(pass_low, stops_where_the_two_lists_together_reach)
{
    build(NDOCS, small_text);
    struct low_table t;
    table_from_3(&t);
    struct word_cursor w;
    cari_query *q;
    int error = 0;
    open_layar(&w, &q, &error);
    cr_assert_eq(w.doc, 0);
    /* docs 0, 1, 3, 4, 6, 7 have 1 each; doc 9 has 1 + 2 */
    word_cursor_pass_low(&w, &t, CURSOR_END);
    cr_assert_eq(w.doc, 9, "stopped on doc %u", w.doc);
    cr_assert_eq(word_cursor_tf(&w), 3);
    /* a doc not ruled out is left where it is */
    word_cursor_pass_low(&w, &t, CURSOR_END);
    cr_assert_eq(w.doc, 9);
    /* the limit: from doc 10, the first doc past 12 (doc 13) */
    word_cursor_advance(&w, 10);
    word_cursor_pass_low(&w, &t, 12);
    cr_assert_eq(w.doc, 13, "stopped on doc %u", w.doc);
    /* above the table, the floor's own test: 40 cannot reach 2 * 40, and
     * the walk goes on to where a decoded block ends: the root list's last
     * doc, 37 (ruled out, but the caller's to move past), the exact list on 39 */
    word_cursor_pass_low(&w, &t, CURSOR_END);
    cr_assert_eq(w.doc, 37, "stopped on doc %u", w.doc);
    cr_assert_eq(w.c[0].doc, 39);
    word_cursor_close(&w);
    cari_query_free(q);
    /* and with a floor it reaches, doc 15's 40 stops the walk */
    open_layar(&w, &q, &error);
    t.floor = 0.5f;
    word_cursor_advance(&w, 10);
    word_cursor_pass_low(&w, &t, CURSOR_END);
    cr_assert_eq(w.doc, 15, "stopped on doc %u", w.doc);
    cr_assert_eq(word_cursor_tf(&w), 40);
    word_cursor_close(&w);
    cari_query_free(q);
    cr_assert_eq(error, 0);
}

/* Doc d of the large corpus (three blocks of each list): `layar`
 * and `berlayar` with frequencies that vary with d, some far above the
 * table (up to 60), and filler that varies the length; doc 250 has the most
 * of both and is short. */
static char *big_text(int d)
{
    size_t cap = 8192, n = 0;
    char *t = malloc(cap);
    int exact = d == 250 ? 45 : d * 7 % 5, root = d == 250 ? 30 : d * 11 % 4;
    if (d % 17 == 3)
        exact += 33 + d % 28;
    for (int i = 0; i < exact; i++)
        n += (size_t)snprintf(t + n, cap - n, "layar ");
    for (int i = 0; i < root; i++)
        n += (size_t)snprintf(t + n, cap - n, "berlayar ");
    for (int i = d * 13 % 90 + (d == 250 ? 0 : 10); i > 0; i--)
        n += (size_t)snprintf(t + n, cap - n, "%s ", i % 2 ? "zuka" : "lomi");
    return t;
}

Test(pass_low, pruned_equals_exhaustive_over_both_lists)
{
    build(BIG, big_text);
    static const char *queries[] = { "layar", "berlayar", "layar zuka", "berlayar lomi zuka" };
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        for (size_t k = 1; k <= 100; k *= 3) {
            assert_same_top(fix.ix, queries[i], 0, k, -1, -1);
            assert_same_top(fix.ix, queries[i], CARI_QUERY_AND, k, -1, -1);
            assert_same_top(fix.ix, queries[i], 0, k, 2.0f, 0.9f);
        }
    char *top = test_search(fix.ix, "layar", 0, 1);
    cr_assert_str_eq(top, "d250");
    free(top);
}

/* The word under a rising floor visits exactly the docs that matcher_word_below
 * keeps, the table made afresh and then walked down as the floor rises; the
 * floors start at `lowest` of the word's maximum score, then `step` higher. */
static void assert_visits_what_the_exact_test_keeps(float lowest, float step)
{
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, fix.ix, "layar", 5, 0), 0, "%s", cari_error_last());
    struct bm25 s;
    bm25_init(&s, fix.ix, 1.2f, 0.75f);
    cr_assert(s.length_rises);
    for (int schedule = 0; schedule < 3; schedule++) {
        int error = 0;
        struct matcher *fast, *all;
        cr_assert_eq(matcher_build(&fast, fix.ix, q->root, &s, &error), 0);
        cr_assert_eq(matcher_build(&all, fix.ix, q->root, &s, &error), 0);
        fast->pass_low = 1;
        float floor = fast->max_score * (lowest + step * (float)schedule);
        size_t visited = 0, kept = 0, docs = 0;
        matcher_set_floor(fast, floor);
        matcher_advance(fast, 0);
        for (matcher_advance(all, 0); all->doc != CURSOR_END; matcher_advance(all, all->doc + 1)) {
            docs++;
            if (matcher_word_below(all, all->doc, floor))
                continue;
            kept++;
            cr_assert_eq(fast->doc, all->doc, "floor %g: at doc %u, exact test keeps %u", floor,
                         fast->doc, all->doc);
            floor += fast->max_score * 0.002f; /* rises by a little at each hit */
            matcher_set_floor(fast, floor);
            matcher_advance(fast, fast->doc + 1);
            visited++;
        }
        cr_assert_eq(fast->doc, CURSOR_END, "doc %u past the last one kept", fast->doc);
        cr_assert(kept > 10 && kept + 50 < docs, "floor %g: %zu docs of %zu kept: it tests little",
                  floor, kept, docs);
        cr_assert_eq(visited, kept);
        matcher_free(fast);
        matcher_free(all);
        cr_assert_eq(error, 0);
    }
    cari_query_free(q);
}

Test(pass_low, visits_the_docs_the_exact_test_keeps_as_the_floor_rises)
{
    build(BIG, big_text);
    assert_visits_what_the_exact_test_keeps(0.2f, 0.25f);
}

/* A floor that falls between two docs (a MaxScore clause's may) makes the
 * word's table anew: with the table of the higher floor, the docs that reach
 * only the lower one would be passed over. The floor alternates between 70 %
 * and 45 % of the word's maximum, doc after doc, and each stop is the first
 * doc from the last one on that the exact test keeps. */
Test(pass_low, a_falling_floor_lets_its_docs_back_in)
{
    build(BIG, big_text);
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, fix.ix, "layar", 5, 0), 0, "%s", cari_error_last());
    struct bm25 s;
    bm25_init(&s, fix.ix, 1.2f, 0.75f);
    int error = 0;
    struct matcher *fast, *all;
    cr_assert_eq(matcher_build(&fast, fix.ix, q->root, &s, &error), 0);
    cr_assert_eq(matcher_build(&all, fix.ix, q->root, &s, &error), 0);
    fast->pass_low = 1;
    float high = fast->max_score * 0.7f, low = fast->max_score * 0.45f;
    size_t only_low = 0; /* stops under the low floor that the high one rules out */
    uint32_t target = 0;
    for (int round = 0; target != CURSOR_END; round++) {
        float floor = round % 2 ? low : high;
        matcher_set_floor(fast, floor);
        matcher_advance(fast, target);
        for (matcher_advance(all, target);
             all->doc != CURSOR_END && matcher_word_below(all, all->doc, floor);)
            matcher_advance(all, all->doc + 1);
        cr_assert_eq(fast->doc, all->doc, "round %d, floor %g, from %u: at %u, want %u", round,
                     floor, target, fast->doc, all->doc);
        only_low += floor == low && all->doc != CURSOR_END &&
                    matcher_word_below(all, all->doc, high);
        target = all->doc == CURSOR_END ? CURSOR_END : all->doc + 1;
    }
    cr_assert(only_low > 5, "%zu stops only the low floor keeps: it tests little", only_low);
    matcher_free(fast);
    matcher_free(all);
    cari_query_free(q);
    cr_assert_eq(error, 0);
}

/* Doc d of the corpus of unlike lists: `layar` once in every doc (three
 * times in doc 7), `berlayar` twice in every tenth, from doc 5: the exact
 * list ten times as dense as the root list. */
static char *unlike_text(int d)
{
    char *t = malloc(1024);
    size_t n = (size_t)snprintf(t, 1024, "zuka ");
    int exact = d == 7 ? 3 : 1, root = d % 10 == 5 ? 2 : 0;
    for (int i = 0; i < exact; i++)
        n += (size_t)snprintf(t + n, 1024 - n, "layar ");
    for (int i = 0; i < root; i++)
        n += (size_t)snprintf(t + n, 1024 - n, "berlayar ");
    for (int i = d * 13 % 40; i > 0; i--) /* lengths vary the scores */
        n += (size_t)snprintf(t + n, 1024 - n, "%s ", i % 2 ? "zuka" : "lomi");
    return t;
}

/* Where one list is far denser, its runs between two docs of the other are
 * judged alone: the walk stops where the merge does, on a doc of both that
 * reaches with the two frequencies, on a doc of the run that reaches alone,
 * past the limit and on the last doc of the run's decoded block. */
Test(pass_low, runs_of_the_denser_list_stop_where_the_merge_does)
{
    build(BIG, unlike_text);
    struct low_table t;
    table_from_3(&t);
    struct word_cursor w;
    cari_query *q;
    int error = 0;
    open_layar(&w, &q, &error);
    word_cursor_pass_low(&w, &t, CURSOR_END);
    cr_assert_eq(w.doc, 5, "stopped on doc %u", w.doc);
    cr_assert_eq(word_cursor_tf(&w), 3, "1 + 2 on doc 5");
    word_cursor_advance(&w, 6);
    word_cursor_pass_low(&w, &t, CURSOR_END);
    cr_assert_eq(w.doc, 7, "stopped on doc %u", w.doc);
    cr_assert_eq(word_cursor_tf(&w), 3, "doc 7 alone");
    word_cursor_advance(&w, 16);
    word_cursor_pass_low(&w, &t, 20);
    cr_assert_eq(w.doc, 21, "stopped on doc %u", w.doc);
    for (int f = 0; f < LOW_TF; f++)
        t.max_norm[f] = -1; /* nothing reaches */
    word_cursor_advance(&w, 100);
    word_cursor_pass_low(&w, &t, CURSOR_END);
    cr_assert_eq(w.c[0].docs[w.c[0].count - 1], 127, "the exact list's first block");
    cr_assert_eq(w.doc, 127, "stopped on doc %u", w.doc);
    cr_assert_eq(w.c[1].doc, 135);
    word_cursor_close(&w);
    cari_query_free(q);
    cr_assert_eq(error, 0);
}

Test(pass_low, visits_the_docs_the_exact_test_keeps_over_unlike_lists)
{
    build(BIG, unlike_text);
    assert_visits_what_the_exact_test_keeps(0.2f, 0.25f);
    for (size_t k = 1; k <= 100; k *= 10)
        assert_same_top(fix.ix, "layar", 0, k, -1, -1);
}

/* A word reads two lists, its root's exact key and root key, alone or in a
 * phrase: `berlayar` in a phrase opens layar and layar\x01, and the phrase
 * matches `layar` and `berlayar` after `zuka`, ranked as the exhaustive
 * evaluation ranks. */
Test(pass_low, a_phrase_word_reads_both_lists_of_its_root)
{
    build(NDOCS, small_text);
    struct bm25 s;
    bm25_init(&s, fix.ix, 1.2f, 0.75f);
    const char *texts[] = { "berlayar", "\"zuka berlayar\"" };
    for (int i = 0; i < 2; i++) {
        cari_query *q;
        cr_assert_eq(cari_query_parse(&q, fix.ix, texts[i], strlen(texts[i]), 0), 0, "%s",
                     cari_error_last());
        int error = 0;
        struct matcher *m;
        cr_assert_eq(matcher_build(&m, fix.ix, q->root, &s, &error), 0, "%s", cari_error_last());
        struct word_cursor *w = &m->words[m->nwords - 1];
        cr_assert_eq(w->n, 2, "%s: layar and layar\\x01", texts[i]);
        matcher_free(m);
        cari_query_free(q);
    }
    char *hits = test_search_sorted(fix.ix, "\"zuka berlayar\"", 0, 100);
    char want[512] = "";
    for (int d = 0; d < NDOCS; d++)
        if (d % 3 != 2)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%sd%03d", *want ? "," : "", d);
    cr_assert_str_eq(hits, want);
    free(hits);
    for (size_t k = 1; k <= 30; k *= 3)
        assert_same_top(fix.ix, "\"zuka berlayar\"", 0, k, -1, -1);
}
