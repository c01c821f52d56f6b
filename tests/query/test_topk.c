/* The pruned top-k (block-max MaxScore, block-skipping conjunctions, phrases
 * that skip their positions) against an exhaustive BM25 evaluation of every
 * match, on a generated corpus of a few thousand documents with Zipf-like word
 * frequencies (so that common words span many blocks and repeat in documents),
 * lengths from a few words to a few thousand (so norms vary), affixed forms
 * (so words read two posting lists) and duplicated documents (so scores tie).
 * Every generated query, OR, AND, phrase and mixed boolean, at K = 10 and 100
 * (some also at K = 1 and with other k1 and b): the same documents in the
 * same order, the same scores. */
#include "tests/query/query_fixture.h"
#include "tests/query/same_top.h"

#include <math.h>

#include "query/search_run.h"

enum { NDOCS = 3000, NWORDS = 600, NQUERIES = 240 };

static uint64_t rng = 0x853C49E6748FEA9Bull;

static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

struct corpus {
    char words[NWORDS][16];
    double cum[NWORDS]; /* Zipf: word r drawn with weight 1 / (r + 1) */
    char *texts[NDOCS];
    char ids[NDOCS][16];
};

static void make_words(struct corpus *c)
{
    static const char *syll[] = { "ba", "ki", "tu", "lo", "me", "ra", "si", "no", "pu", "de",
                                  "ga", "ho", "ju", "ke", "wa", "ye", "zo", "ci", "fa", "mu" };
    double sum = 0;
    for (int w = 0; w < NWORDS; w++) {
        /* three syllables by digits of w, unique; every 7th word affixed with di-,
         * which the stemmer strips, so that its root and exact forms differ */
        snprintf(c->words[w], sizeof c->words[w], "%s%s%s%s", w % 7 == 3 ? "di" : "",
                 syll[w % 20], syll[w / 20 % 20], syll[(w / 400 + w) % 20]);
        sum += 1.0 / (w + 1);
        c->cum[w] = sum;
    }
    for (int w = 0; w < NWORDS; w++)
        c->cum[w] /= sum;
}

static int zipf_word(const struct corpus *c)
{
    double u = next_random() / 4294967296.0;
    int lo = 0, hi = NWORDS - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (c->cum[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void make_docs(struct corpus *c, struct test_doc *docs)
{
    for (int d = 0; d < NDOCS; d++) {
        snprintf(c->ids[d], sizeof c->ids[d], "d%04d", d);
        if (d % 97 == 5) { /* a duplicate of an earlier text: equal scores */
            c->texts[d] = strdup(c->texts[d - 5]);
        } else {
            uint32_t r = next_random() % 100;
            size_t len = r < 60 ? 3 + next_random() % 40 : r < 95 ? 40 + next_random() % 300
                                                                  : 300 + next_random() % 3000;
            c->texts[d] = malloc(len * 17 + 1);
            char *p = c->texts[d];
            for (size_t i = 0; i < len; i++)
                p += sprintf(p, "%s%s", i ? " " : "", c->words[zipf_word(c)]);
        }
        docs[d] = (struct test_doc){ c->ids[d], NULL, c->texts[d] };
    }
}

/* The k-th word of a document's text, into out (for phrases that occur). */
static void doc_word(const char *text, size_t k, char *out, size_t cap)
{
    const char *p = text;
    for (size_t i = 0; i < k && strchr(p, ' ') != NULL; i++)
        p = strchr(p, ' ') + 1;
    size_t n = strcspn(p, " ");
    n = n < cap - 1 ? n : cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* Query i of the set and its flags: the forms rotate, the words lean common. */
static unsigned make_query(const struct corpus *c, int i, char *q, size_t cap)
{
    const char *w[4];
    for (int j = 0; j < 4; j++)
        w[j] = c->words[next_random() % 3 == 0 ? (int)(next_random() % NWORDS) : zipf_word(c)];
    char p[3][16];
    const char *text = c->texts[next_random() % NDOCS];
    size_t at = next_random() % 8;
    for (int j = 0; j < 3; j++)
        doc_word(text, at + (size_t)j, p[j], sizeof p[j]);
    switch (i % 12) {
    case 0: snprintf(q, cap, "%s %s", w[0], w[1]); return 0;
    case 1: snprintf(q, cap, "%s %s %s %s", w[0], w[1], w[2], w[3]); return 0;
    case 2: snprintf(q, cap, "%s %s", w[0], w[1]); return CARI_QUERY_AND;
    case 3: snprintf(q, cap, "%s %s %s", w[0], w[1], w[2]); return CARI_QUERY_AND;
    case 4: snprintf(q, cap, "\"%s %s\"", p[0], p[1]); return 0;
    case 5: snprintf(q, cap, "\"%s %s %s\" %s", p[0], p[1], p[2], w[0]); return 0;
    case 6: snprintf(q, cap, "(%s AND %s) OR %s", w[0], w[1], w[2]); return 0;
    case 7: snprintf(q, cap, "%s -%s %s", w[0], w[1], w[2]); return 0;
    case 8: snprintf(q, cap, "+%s %s %s", w[0], w[1], w[2]); return 0;
    case 9: snprintf(q, cap, "%s \"%s %s\" -%s", w[0], p[0], p[1], w[1]); return 0;
    case 10: snprintf(q, cap, "%s", w[0]); return 0;
    default: snprintf(q, cap, "\"%s %s\" %s %s", p[0], p[1], w[0], w[1]); return CARI_QUERY_AND;
    }
}

Test(topk, pruned_equals_exhaustive_on_a_generated_corpus)
{
    static struct corpus c;
    static struct test_doc docs[NDOCS];
    make_words(&c);
    make_docs(&c, docs);
    struct qfix f;
    qfix_docs(&f, docs, NDOCS);
    size_t full_pages = 0;
    for (int i = 0; i < NQUERIES; i++) {
        char q[256];
        unsigned flags = make_query(&c, i, q, sizeof q);
        assert_same_top(f.ix, q, flags, 10, -1, -1);
        assert_same_top(f.ix, q, flags, 100, -1, -1);
        if (i % 4 == 0) { /* the best hit alone, and other BM25 parameters */
            assert_same_top(f.ix, q, flags, 1, -1, -1);
            assert_same_top(f.ix, q, flags, 10, 2.0f, 0.3f);
            assert_same_top(f.ix, q, flags, 10, 0.5f, 1.0f);
        }
        char *ids = test_search(f.ix, q, flags, 10);
        full_pages += strlen(ids) == 10 * 6 - 1; /* ten "dNNNN" and nine commas */
        free(ids);
    }
    /* most queries fill their top 10, so the threshold rises and pruning acts */
    cr_assert_geq(full_pages, NQUERIES / 2, "only %zu queries with 10 hits", full_pages);
    qfix_close(&f);
    for (int d = 0; d < NDOCS; d++)
        free(c.texts[d]);
}
