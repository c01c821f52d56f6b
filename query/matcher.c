/* matcher.c - building and running the evaluation tree. Words and phrases are
 * scored with BM25 (a phrase as one term: its frequency, the sum of its words'
 * idf, as Lucene does); a boolean group sums the scores of its matching
 * required and optional clauses. */
#include "query/matcher.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/norms.h"

void bm25_init(struct bm25 *s, const cari_index *ix, float k1, float b)
{
    s->k1 = k1;
    s->b = b;
    s->norms = ix->norms;
    s->ndocs = ix->ndocs;
    for (int i = 0; i < 256; i++)
        s->length_factor[i] = (float)(k1 * (1.0 - b + b * norm_decode((uint8_t)i) / ix->avgdl));
}

static float idf(const struct bm25 *s, uint32_t df)
{
    double n = s->ndocs;
    return (float)log(1.0 + (n - df + 0.5) / (df + 0.5));
}

/* An occurrence written as the query wrote it counts this much more than one
 * that only shares the root: of two documents otherwise alike, the one that
 * writes `menegaskan` ranks first for `menegaskan`. Small, because questions
 * rarely use the answer's form (dilahirkan / lahir): on the TyDi QA questions
 * outside the test split nDCG@10 falls with the boost (0: 0.6891, 0.1: 0.6877,
 * 0.5: 0.6836). */
#define EXACT_BOOST 0.1f

static inline float bm25_score(const struct matcher *m, uint32_t tf, uint32_t exact_tf)
{
    float k = m->bm25->length_factor[m->bm25->norms[m->doc]];
    float f = (float)tf + EXACT_BOOST * (float)exact_tf;
    return m->weight * f / (f + k);
}

/* ---- building ---- */

static int open_words(struct matcher *m, const cari_index *ix, const struct qword *words, size_t n,
                      int *error)
{
    m->words = calloc(n, sizeof *m->words);
    if (m->words == NULL)
        return error_oom();
    m->nwords = n;
    float sum = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = word_cursor_open(&m->words[i], ix, &words[i], error);
        if (rc != 0)
            return rc;
        sum += m->words[i].df > 0 ? idf(m->bm25, m->words[i].df) : 0;
    }
    m->weight = sum * (m->bm25->k1 + 1);
    return 0;
}

static int add_child(struct matcher ***list, size_t *n, struct matcher *child)
{
    struct matcher **l = realloc(*list, (*n + 1) * sizeof *l);
    if (l == NULL) {
        matcher_free(child);
        return error_oom();
    }
    l[(*n)++] = child;
    *list = l;
    return 0;
}

int matcher_build(struct matcher **out, const cari_index *ix, const struct qnode *n,
                  const struct bm25 *s, int *error)
{
    struct matcher *m = calloc(1, sizeof *m);
    if (m == NULL)
        return error_oom();
    m->bm25 = s;
    m->error = error;
    int rc = 0;
    if (n->kind == QN_TERM) {
        m->kind = M_WORD;
        rc = open_words(m, ix, &n->word, 1, error);
    } else if (n->kind == QN_PHRASE) {
        m->kind = M_PHRASE;
        rc = open_words(m, ix, n->words, n->nwords, error);
        if (rc == 0 && (m->offsets = malloc(n->nwords * sizeof *m->offsets)) == NULL)
            rc = error_oom();
        for (size_t i = 0; rc == 0 && i < n->nwords; i++)
            m->offsets[i] = n->offsets[i];
    } else {
        m->kind = M_BOOL;
        for (size_t i = 0; rc == 0 && i < n->nchildren; i++) {
            struct matcher *child;
            if ((rc = matcher_build(&child, ix, n->children[i], s, error)) != 0)
                break;
            if (n->occurs[i] == OCCUR_MUST)
                rc = add_child(&m->must, &m->nmust, child);
            else if (n->occurs[i] == OCCUR_SHOULD)
                rc = add_child(&m->should, &m->nshould, child);
            else
                rc = add_child(&m->must_not, &m->nmust_not, child);
        }
    }
    if (rc != 0) {
        matcher_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void matcher_free(struct matcher *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nwords; i++)
        word_cursor_close(&m->words[i]);
    free(m->words);
    free(m->offsets);
    for (size_t i = 0; i < m->nmust; i++)
        matcher_free(m->must[i]);
    for (size_t i = 0; i < m->nshould; i++)
        matcher_free(m->should[i]);
    for (size_t i = 0; i < m->nmust_not; i++)
        matcher_free(m->must_not[i]);
    free(m->must);
    free(m->should);
    free(m->must_not);
    free(m);
}

/* ---- running ---- */

/* How often the phrase occurs in the current document of all its words. */
static uint32_t phrase_frequency(struct matcher *m)
{
    uint32_t count0;
    int rc = word_cursor_positions(&m->words[0], &count0);
    /* every later word must be at position p + offset; walk each list once */
    uint32_t *first = rc == 0 ? malloc((count0 ? count0 : 1) * sizeof *first) : NULL;
    if (first == NULL) {
        if (*m->error == 0)
            *m->error = rc != 0 ? rc : error_oom();
        return 0;
    }
    uint32_t live = count0;
    for (uint32_t k = 0; k < count0; k++)
        first[k] = m->words[0].positions[k];
    for (size_t w = 1; w < m->nwords && live > 0; w++) {
        uint32_t count, j = 0, kept = 0;
        if ((rc = word_cursor_positions(&m->words[w], &count)) != 0) {
            if (*m->error == 0)
                *m->error = rc;
            live = 0;
            break;
        }
        const uint32_t *pos = m->words[w].positions;
        for (uint32_t k = 0; k < live; k++) {
            uint64_t want = (uint64_t)first[k] + m->offsets[w];
            while (j < count && pos[j] < want)
                j++;
            if (j < count && pos[j] == want)
                first[kept++] = first[k];
        }
        live = kept;
    }
    free(first);
    return live;
}

/* All words on one document (leapfrog), starting at target. */
static uint32_t align_words(struct matcher *m, uint32_t target)
{
    for (;;) {
        uint32_t doc = target;
        int agreed = 1;
        for (size_t i = 0; i < m->nwords; i++) {
            word_cursor_advance(&m->words[i], doc);
            if (m->words[i].doc == CURSOR_END)
                return CURSOR_END;
            if (m->words[i].doc != doc) {
                doc = m->words[i].doc;
                agreed = 0;
            }
        }
        if (agreed)
            return doc;
        target = doc;
    }
}

static void phrase_advance(struct matcher *m, uint32_t target)
{
    for (;;) {
        uint32_t doc = align_words(m, target);
        if (doc == CURSOR_END || *m->error != 0) {
            m->doc = CURSOR_END;
            return;
        }
        m->doc = doc;
        m->phrase_freq = phrase_frequency(m);
        if (m->phrase_freq > 0)
            return;
        target = doc + 1;
    }
}

/* The conjunction of the required clauses, from target. */
static uint32_t align_required(struct matcher *m, uint32_t target)
{
    for (;;) {
        uint32_t doc = target;
        int agreed = 1;
        for (size_t i = 0; i < m->nmust; i++) {
            matcher_advance(m->must[i], doc);
            if (m->must[i]->doc == CURSOR_END)
                return CURSOR_END;
            if (m->must[i]->doc != doc) {
                doc = m->must[i]->doc;
                agreed = 0;
            }
        }
        if (agreed)
            return doc;
        target = doc;
    }
}

static uint32_t first_optional(struct matcher *m, uint32_t target)
{
    uint32_t doc = CURSOR_END;
    for (size_t i = 0; i < m->nshould; i++) {
        matcher_advance(m->should[i], target);
        doc = m->should[i]->doc < doc ? m->should[i]->doc : doc;
    }
    return doc;
}

static int excluded(struct matcher *m, uint32_t doc)
{
    for (size_t i = 0; i < m->nmust_not; i++) {
        matcher_advance(m->must_not[i], doc);
        if (m->must_not[i]->doc == doc)
            return 1;
    }
    return 0;
}

static void bool_advance(struct matcher *m, uint32_t target)
{
    for (;;) {
        uint32_t doc = m->nmust > 0 ? align_required(m, target) : first_optional(m, target);
        if (doc == CURSOR_END || *m->error != 0 || !excluded(m, doc)) {
            m->doc = doc;
            return;
        }
        target = doc + 1;
    }
}

void matcher_advance(struct matcher *m, uint32_t target)
{
    if (m->started && m->doc >= target)
        return;
    m->started = 1;
    switch (m->kind) {
    case M_WORD:
        word_cursor_advance(&m->words[0], target);
        m->doc = m->words[0].doc;
        break;
    case M_PHRASE: phrase_advance(m, target); break;
    case M_BOOL: bool_advance(m, target); break;
    }
}

float matcher_score(struct matcher *m)
{
    switch (m->kind) {
    case M_WORD: return bm25_score(m, word_cursor_tf(&m->words[0]),
                                   word_cursor_exact_tf(&m->words[0]));
    case M_PHRASE: return bm25_score(m, m->phrase_freq, 0);
    case M_BOOL: break;
    }
    float sum = 0;
    for (size_t i = 0; i < m->nmust; i++)
        sum += matcher_score(m->must[i]);
    for (size_t i = 0; i < m->nshould; i++) {
        if (m->nmust > 0)
            matcher_advance(m->should[i], m->doc);
        if (m->should[i]->doc == m->doc)
            sum += matcher_score(m->should[i]);
    }
    return sum;
}
