/* The term dictionary and the postings cursor on 1000 documents: "alfa" in
 * every doc (eight bit-packed blocks of 128 and a tail of 104), "beta" in
 * every third (two blocks and a tail), "gama" in three (a tail alone): doc
 * numbers, frequencies and positions against the documents as written. */
#include <stdio.h>

#include "query/postings_cursor.h"
#include "query/termdict_reader.h"
#include "tests/query/query_fixture.h"

enum { NDOCS = 1000, MAX_TOKENS = 128 };

/* The tokens of each document and where each word stands. */
struct expected_doc {
    uint32_t alfa[MAX_TOKENS], beta[MAX_TOKENS], gama[MAX_TOKENS];
    uint32_t nalfa, nbeta, ngama;
};

static struct qfix fx;
static struct expected_doc *expect;

static int alfa_tf(int i)
{
    if (i == 777)
        return 40; /* a large frequency in one block: wider tf bits */
    return 1 + i % 4;
}

static int has_beta(int i) { return i % 3 == 0; }
static int has_gama(int i) { return i == 0 || i == 500 || i == 999; }
static int has_title(int i) { return i % 50 == 10; }

/* Appends a word to the text; records its position in `list`. */
static void put(char *text, uint32_t *pos, const char *word, uint32_t *list, uint32_t *n)
{
    if (*text)
        strcat(text, " ");
    strcat(text, word);
    if (list != NULL)
        list[(*n)++] = *pos;
    (*pos)++;
}

static void setup(void)
{
    expect = calloc(NDOCS, sizeof *expect);
    struct test_doc *docs = calloc(NDOCS, sizeof *docs);
    char (*ids)[16] = calloc(NDOCS, 16);
    char (*texts)[1024] = calloc(NDOCS, 1024);
    for (int i = 0; i < NDOCS; i++) {
        struct expected_doc *e = &expect[i];
        uint32_t pos = 0;
        snprintf(ids[i], 16, "doc%04d", i);
        if (has_title(i)) {
            /* title "alfa judul": positions 0 and 1; the text starts at 3 */
            e->alfa[e->nalfa++] = 0;
            pos = 3;
        }
        char *t = texts[i];
        for (int k = 0; k < alfa_tf(i); k++) {
            put(t, &pos, "alfa", e->alfa, &e->nalfa);
            for (int f = 0; f < k % 3; f++)
                put(t, &pos, "isi", NULL, NULL);
        }
        if (has_beta(i))
            for (int k = 0; k < (i % 7 == 0 ? 3 : 1); k++) {
                put(t, &pos, "beta", e->beta, &e->nbeta);
                put(t, &pos, "kata", NULL, NULL);
            }
        if (has_gama(i))
            for (int k = 0; k < (i == 500 ? 2 : 1); k++)
                put(t, &pos, "gama", e->gama, &e->ngama);
        if (i % 100 == 0)
            put(t, &pos, "perundingan", NULL, NULL);
        docs[i] = (struct test_doc){ ids[i], has_title(i) ? "alfa judul" : NULL, texts[i] };
    }
    qfix_docs(&fx, docs, NDOCS);
    free(docs);
    free(ids);
    free(texts);
}

static void teardown(void)
{
    qfix_close(&fx);
    free(expect);
}

TestSuite(postings, .init = setup, .fini = teardown, .timeout = 60);

/* The expected positions of `word` in doc d. */
static const uint32_t *want_positions(const char *word, int d, uint32_t *n)
{
    struct expected_doc *e = &expect[d];
    if (strcmp(word, "alfa") == 0)
        return *n = e->nalfa, e->alfa;
    if (strcmp(word, "beta") == 0)
        return *n = e->nbeta, e->beta;
    return *n = e->ngama, e->gama;
}

static int contains(const char *word, int d)
{
    uint32_t n;
    want_positions(word, d, &n);
    return n > 0;
}

static void find(const char *word, struct term_entry *e)
{
    int rc = termdict_find(fx.ix, word, strlen(word), e);
    cr_assert_eq(rc, 0, "%s: %d %s", word, rc, cari_error_last());
}

static void check_current(postings_cursor *c, const char *word)
{
    uint32_t n;
    const uint32_t *want = want_positions(word, (int)c->doc, &n);
    cr_assert_eq(postings_tf(c), n, "%s doc %u: tf %u, want %u", word, c->doc, postings_tf(c), n);
    uint32_t got[MAX_TOKENS];
    cr_assert_eq(postings_positions(c, got), 0, "%s doc %u: %s", word, c->doc, cari_error_last());
    for (uint32_t k = 0; k < n; k++)
        cr_assert_eq(got[k], want[k], "%s doc %u position %u: %u, want %u", word, c->doc, k, got[k],
                     want[k]);
}

Test(postings, dictionary_entries)
{
    struct term_entry e;
    static const char *const words[] = { "alfa", "beta", "gama" };
    for (size_t w = 0; w < 3; w++) {
        find(words[w], &e);
        uint32_t df = 0, max_tf = 0;
        uint64_t cf = 0;
        for (int d = 0; d < NDOCS; d++) {
            uint32_t n;
            want_positions(words[w], d, &n);
            df += n > 0;
            cf += n;
            max_tf = n > max_tf ? n : max_tf;
        }
        cr_assert_eq(e.df, df, "%s df %u, want %u", words[w], e.df, df);
        cr_assert_eq(e.cf, cf, "%s cf", words[w]);
        cr_assert_eq(e.max_tf, max_tf, "%s max_tf %u want %u", words[w], e.max_tf, max_tf);
        cr_assert_eq(e.group_df, df);
    }
    find("alfa", &e);
    cr_assert_eq(e.df, 1000);
    cr_assert_eq(e.max_tf, 40, "doc 777: %u", e.max_tf);
    find("beta", &e);
    cr_assert_eq(e.df, 334);
    find("gama", &e);
    cr_assert_eq(e.df, 3);
    /* a stemmed word lives under its root key only */
    cr_assert_eq(termdict_find(fx.ix, "runding", 7, &e), CARI_ENOTFOUND);
    cr_assert_eq(termdict_find(fx.ix, "runding\x01", 8, &e), 0);
    cr_assert_eq(e.df, 10);
    cr_assert_eq(e.group_df, 10);
    cr_assert_eq(termdict_find(fx.ix, "perundingan", 11, &e), CARI_ENOTFOUND);
    /* missing keys, before, between and after the others */
    cr_assert_eq(termdict_find(fx.ix, "aaa", 3, &e), CARI_ENOTFOUND);
    cr_assert_eq(termdict_find(fx.ix, "alf", 3, &e), CARI_ENOTFOUND);
    cr_assert_eq(termdict_find(fx.ix, "alfaa", 5, &e), CARI_ENOTFOUND);
    cr_assert_eq(termdict_find(fx.ix, "alfa\x01", 5, &e), CARI_ENOTFOUND);
    cr_assert_eq(termdict_find(fx.ix, "zzzz", 4, &e), CARI_ENOTFOUND);
}

Test(postings, every_key_of_the_dictionary_is_found_again)
{
    term_block_reader r;
    struct term_entry e, f;
    char prev[FORMAT_MAX_KEY];
    size_t prev_len = 0;
    uint32_t count = 0;
    for (uint32_t b = 0; b < fx.ix->nblocks; b++) {
        cr_assert_eq(term_block_start(&r, fx.ix, b), 0);
        int rc;
        while ((rc = term_block_next(&r, &e)) == 0) {
            if (count > 0) {
                size_t n = prev_len < r.key_len ? prev_len : r.key_len;
                int c = memcmp(prev, r.key, n);
                cr_assert(c < 0 || (c == 0 && prev_len < r.key_len), "keys out of order");
            }
            memcpy(prev, r.key, r.key_len);
            prev_len = r.key_len;
            cr_assert_eq(termdict_find(fx.ix, r.key, r.key_len, &f), 0, "%.*s", (int)r.key_len, r.key);
            cr_assert_eq(f.postings_off, e.postings_off);
            cr_assert_eq(f.positions_off, e.positions_off);
            cr_assert_eq(f.df, e.df);
            count++;
        }
        cr_assert_eq(rc, CARI_ITEROVER);
    }
    cr_assert_eq(count, fx.ix->nterms);
    /* alfa beta gama isi judul kata runding\x01: doc ids are not terms */
    cr_assert_eq(count, 7);
}

static void iterate_all(const char *word)
{
    struct term_entry e;
    find(word, &e);
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, fx.ix, &e, &error), 0);
    uint32_t seen = 0;
    for (int d = 0; d < NDOCS; d++) {
        if (!contains(word, d))
            continue;
        cr_assert_eq(c.doc, (uint32_t)d, "%s: doc %u, want %d", word, c.doc, d);
        check_current(&c, word);
        seen++;
        postings_next(&c);
    }
    cr_assert_eq(c.doc, CURSOR_END, "%s: more docs than expected", word);
    postings_next(&c);
    cr_assert_eq(c.doc, CURSOR_END);
    cr_assert_eq(error, 0);
    cr_assert_eq(seen, e.df);
}

Test(postings, iterate_every_document)
{
    iterate_all("alfa");
    iterate_all("beta");
    iterate_all("gama");
}

/* The first doc >= target holding the word, or CURSOR_END. */
static uint32_t brute_next(const char *word, uint32_t target)
{
    for (uint32_t d = target; d < NDOCS; d++)
        if (contains(word, (int)d))
            return d;
    return CURSOR_END;
}

static void advance_run(const char *word, uint32_t seed, uint32_t max_step, int with_positions)
{
    struct term_entry e;
    find(word, &e);
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, fx.ix, &e, &error), 0);
    uint32_t state = seed, target = 0;
    for (;;) {
        state = state * 1103515245u + 12345u;
        target += (state >> 16) % max_step;
        postings_advance(&c, target);
        uint32_t want = brute_next(word, target);
        /* the cursor never moves back: a target below the current doc stays */
        cr_assert_eq(c.doc, want, "%s seed %u: advance(%u) -> %u, want %u", word, seed, target,
                     c.doc, want);
        if (want == CURSOR_END)
            break;
        if (with_positions && (state >> 8) % 2)
            check_current(&c, word);
        target = c.doc;
    }
    cr_assert_eq(error, 0);
}

Test(postings, advance_matches_brute_force)
{
    static const char *const words[] = { "alfa", "beta", "gama" };
    static const uint32_t steps[] = { 2, 5, 40, 130, 300, 700 };
    for (size_t w = 0; w < 3; w++)
        for (size_t s = 0; s < sizeof steps / sizeof *steps; s++)
            for (uint32_t seed = 1; seed <= 4; seed++)
                advance_run(words[w], seed * 7919u, steps[s], 1);
}

Test(postings, advance_to_block_edges)
{
    struct term_entry e;
    find("alfa", &e);
    int error = 0;
    postings_cursor c;
    uint32_t targets[] = { 0, 0, 126, 127, 128, 128, 255, 256, 511, 640, 895, 896, 897, 998, 999 };
    cr_assert_eq(postings_open(&c, fx.ix, &e, &error), 0);
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        postings_advance(&c, targets[i]);
        cr_assert_eq(c.doc, targets[i]);
        check_current(&c, "alfa");
    }
    postings_advance(&c, 1000);
    cr_assert_eq(c.doc, CURSOR_END);
    postings_advance(&c, 5);
    cr_assert_eq(c.doc, CURSOR_END);

    /* straight past the last doc */
    cr_assert_eq(postings_open(&c, fx.ix, &e, &error), 0);
    postings_advance(&c, 5000);
    cr_assert_eq(c.doc, CURSOR_END);

    /* beta: doc 999 is its last (999 = 3 * 333) */
    find("beta", &e);
    cr_assert_eq(postings_open(&c, fx.ix, &e, &error), 0);
    postings_advance(&c, 382);
    cr_assert_eq(c.doc, 384);
    postings_advance(&c, 997);
    cr_assert_eq(c.doc, 999);
    check_current(&c, "beta");
    postings_next(&c);
    cr_assert_eq(c.doc, CURSOR_END);

    find("gama", &e);
    cr_assert_eq(postings_open(&c, fx.ix, &e, &error), 0);
    cr_assert_eq(c.doc, 0);
    postings_advance(&c, 1);
    cr_assert_eq(c.doc, 500);
    check_current(&c, "gama");
    postings_advance(&c, 501);
    cr_assert_eq(c.doc, 999);
    postings_advance(&c, 1000);
    cr_assert_eq(c.doc, CURSOR_END);
    cr_assert_eq(error, 0);
}

Test(postings, positions_read_twice_and_after_skipping_docs)
{
    struct term_entry e;
    find("alfa", &e);
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, fx.ix, &e, &error), 0);
    /* read doc 0, skip 1..776 without reading their positions, read 777 twice */
    check_current(&c, "alfa");
    postings_advance(&c, 777);
    cr_assert_eq(c.doc, 777);
    cr_assert_eq(postings_tf(&c), 40);
    check_current(&c, "alfa");
    check_current(&c, "alfa");
    /* the next doc of the same block, then one of the title docs */
    postings_next(&c);
    check_current(&c, "alfa");
    postings_advance(&c, 810);
    cr_assert_eq(c.doc, 810);
    uint32_t got[MAX_TOKENS];
    cr_assert_eq(postings_positions(&c, got), 0);
    cr_assert_eq(got[0], 0, "the title's alfa is at position 0");
    cr_assert_eq(got[1], 3, "the text starts after a gap");
    cr_assert_eq(error, 0);
}

Test(postings, word_cursor_merges_exact_and_root_keys)
{
    /* perundingan: exact key and root key runding\x01, the same ten docs */
    cari_results *r = qsearch(fx.ix, "perundingan", 0, NULL, NULL);
    cr_assert_eq(cari_results_count(r), 10);
    cari_results_free(r);
    char *hits = test_search_sorted(fx.ix, "gama", 0, 10);
    cr_assert_str_eq(hits, "doc0000,doc0500,doc0999");
    free(hits);
    hits = test_search_sorted(fx.ix, "alfa AND gama AND beta", 0, 10);
    cr_assert_str_eq(hits, "doc0000,doc0999");
    free(hits);
}

/* Positions up to a limit: the prefix of the doc's positions that are <= it,
 * and the doc after still reads whole (the limit stops one doc only). */
Test(postings, positions_up_to_a_limit)
{
    struct term_entry e;
    find("alfa", &e);
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, fx.ix, &e, &error), 0);
    postings_advance(&c, 777);
    uint32_t n, all[MAX_TOKENS], got[MAX_TOKENS];
    const uint32_t *want = want_positions("alfa", 777, &n);
    cr_assert_eq(n, 40);
    uint32_t limits[] = { 0, want[0] - 1, want[0], want[5], want[5] + 1, want[39], UINT32_MAX };
    for (size_t l = 0; l < sizeof limits / sizeof *limits; l++) {
        uint32_t count, kept = 0;
        while (kept < n && want[kept] <= limits[l])
            kept++;
        cr_assert_eq(postings_positions_upto(&c, limits[l], got, &count), 0);
        cr_assert_eq(count, kept, "limit %u: %u positions, want %u", limits[l], count, kept);
        cr_assert_eq(memcmp(got, want, count * sizeof *got), 0);
    }
    postings_next(&c);
    check_current(&c, "alfa");
    cr_assert_eq(postings_positions(&c, all), 0);
    cr_assert_eq(error, 0);
}

/* Prefetching counts the values before the current doc as reading does and
 * keeps that count: asked at every doc of alfa and beta, at some of them
 * twice, after their positions were read, and on a doc whose positions are
 * never read, it leaves every position that follows as written. */
Test(postings, positions_after_prefetching_them)
{
    const char *words[] = { "alfa", "beta" };
    for (size_t w = 0; w < 2; w++) {
        struct term_entry e;
        find(words[w], &e);
        int error = 0;
        postings_cursor c;
        cr_assert_eq(postings_open(&c, fx.ix, &e, &error), 0);
        for (uint32_t seen = 0; c.doc != CURSOR_END; postings_next(&c), seen++) {
            postings_prefetch_positions(&c);
            if (seen % 5 == 4)
                continue; /* prefetched, never read */
            if (seen % 3 == 0)
                postings_prefetch_positions(&c);
            check_current(&c, words[w]);
            if (seen % 7 == 0) { /* after a read: the reader is past the doc's quotients */
                postings_prefetch_positions(&c);
                check_current(&c, words[w]);
            }
        }
        postings_prefetch_positions(&c); /* ended: nothing to ask */
        cr_assert_eq(error, 0);
    }
}
