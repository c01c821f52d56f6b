/* matcher_bound.c - upper bounds of BM25 scores from what the postings carry
 * without decoding: each term's largest frequency, and per block of 128 docs
 * its largest frequency and smallest norm (docs/FORMAT.md, skip entries). The
 * score rises with the frequency and falls with the norm, so the pair bounds
 * every document of the block. Top-k search (search_run.c) skips whatever
 * cannot beat its k-th hit through these bounds and the floors set here. */
#include <math.h>

#include "query/matcher.h"

/* Float sums of bounds differ from the sums of scores in the last bits: a
 * floor is lowered by this fraction of the bounds it subtracts. */
#define BOUND_SLACK 1e-5f

/* The ingredients of a word over [doc, *last]: the sum of its keys' largest
 * frequencies and their smallest norm; 0 when it has no doc >= doc. */
static int word_block(const struct word_cursor *w, uint32_t doc, uint32_t *tf, uint8_t *norm,
                      uint32_t *last)
{
    int any = 0;
    *tf = 0;
    *norm = UINT8_MAX;
    for (int i = 0; i < w->n; i++) {
        const postings_cursor *c = &w->c[i];
        uint32_t b = postings_block_of(c, doc), t, l;
        uint8_t n;
        if (b == c->nblocks)
            continue;
        postings_block_info(c, b, &t, &n, &l);
        *tf += t;
        *norm = n < *norm ? n : *norm;
        *last = l < *last ? l : *last;
        any = 1;
    }
    return any;
}

/* The same over the whole list: every key's largest frequency, smallest norm. */
static int word_whole(const struct word_cursor *w, uint32_t *tf, uint8_t *norm)
{
    *tf = 0;
    *norm = UINT8_MAX;
    for (int i = 0; i < w->n; i++) {
        const postings_cursor *c = &w->c[i];
        if (c->doc == CURSOR_END)
            continue;
        *tf += c->max_tf;
        for (uint32_t b = 0; b < c->nblocks; b++) {
            uint32_t t, l;
            uint8_t n;
            postings_block_info(c, b, &t, &n, &l);
            *norm = n < *norm ? n : *norm;
        }
    }
    return *tf > 0;
}

/* A single key's best block, which is tighter than its frequency and norm apart. */
static float single_key_max(const struct matcher *m, const postings_cursor *c)
{
    float best = 0;
    for (uint32_t b = 0; c->doc != CURSOR_END && b < c->nblocks; b++) {
        uint32_t t, l;
        uint8_t n;
        postings_block_info(c, b, &t, &n, &l);
        float s = matcher_bound_score(m, t, n);
        best = s > best ? s : best;
    }
    return best;
}

/* A phrase occurs at most as often as its rarest word, in a doc at least as
 * long as each word's shortest. */
static float phrase_bound(const struct matcher *m, const uint32_t *tf, const uint8_t *norm)
{
    uint32_t t = UINT32_MAX;
    uint8_t n = 0;
    for (size_t i = 0; i < m->nwords; i++) {
        t = tf[i] < t ? tf[i] : t;
        n = norm[i] > n ? norm[i] : n;
    }
    return matcher_bound_score(m, t, n);
}

void matcher_init_bound(struct matcher *m)
{
    uint32_t tf[FORMAT_MAX_TERM + 1];
    uint8_t norm[FORMAT_MAX_TERM + 1];
    m->max_score = 0;
    if (m->kind == M_WORD) {
        const struct word_cursor *w = &m->words[0];
        if (w->n == 1)
            m->max_score = single_key_max(m, &w->c[0]);
        else if (word_whole(w, &tf[0], &norm[0]))
            m->max_score = matcher_bound_score(m, tf[0], norm[0]);
    } else if (m->kind == M_PHRASE) {
        size_t i = 0;
        while (i < m->nwords && i < FORMAT_MAX_TERM && word_whole(&m->words[i], &tf[i], &norm[i]))
            i++;
        m->max_score = i == m->nwords ? phrase_bound(m, tf, norm) : 0;
        if (m->nwords > FORMAT_MAX_TERM) /* never parsed so; keep the bound safe */
            m->max_score = INFINITY;
    } else {
        for (size_t i = 0; i < m->nmust; i++)
            m->max_score += m->must[i]->max_score;
        for (size_t i = 0; i < m->nshould; i++)
            m->max_score += m->should[i]->max_score;
    }
}

float matcher_block_bound(struct matcher *m, uint32_t doc, uint32_t *last)
{
    uint32_t tf[FORMAT_MAX_TERM + 1];
    uint8_t norm[FORMAT_MAX_TERM + 1];
    if (m->kind == M_WORD)
        return word_block(&m->words[0], doc, &tf[0], &norm[0], last)
                   ? matcher_bound_score(m, tf[0], norm[0])
                   : 0;
    if (m->kind == M_PHRASE) {
        if (m->nwords > FORMAT_MAX_TERM)
            return m->max_score;
        uint32_t l = *last;
        for (size_t i = 0; i < m->nwords; i++)
            if (!word_block(&m->words[i], doc, &tf[i], &norm[i], &l))
                return 0; /* a word without docs left: no match left */
        *last = l;
        return phrase_bound(m, tf, norm);
    }
    float sum = 0;
    for (size_t i = 0; i < m->nmust; i++)
        sum += matcher_block_bound(m->must[i], doc, last);
    for (size_t i = 0; i < m->nshould; i++)
        sum += matcher_block_bound(m->should[i], doc, last);
    return sum;
}

float matcher_block_bound_renew(struct matcher *m, uint32_t doc)
{
    m->bound_last = CURSOR_END;
    return m->bound = matcher_block_bound(m, doc, &m->bound_last);
}

float matcher_group_doc_bound(const struct matcher *m, uint32_t doc)
{
    uint8_t norm = m->bm25->norms[doc];
    if (m->kind == M_WORD)
        return matcher_bound_score(m, word_cursor_tf(&m->words[0]), norm);
    if (m->kind == M_PHRASE)
        return matcher_bound_score(m, m->phrase_freq, norm);
    /* the terms matcher_score adds, in its order: fl(+) is monotone, so each
     * clause's bound above its score keeps the sum above too */
    float sum = 0;
    for (size_t i = 0; i < m->nmust; i++)
        sum += matcher_doc_bound(m->must[i], doc);
    for (size_t i = 0; i < m->nshould; i++)
        sum += m->should[i]->max_score;
    return sum;
}

uint32_t matcher_min_freq(const struct matcher *m, uint32_t doc)
{
    if (!(m->floor > 0))
        return 0;
    if (m->floor >= m->weight) /* weight * f / (f + k) stays below weight */
        return UINT32_MAX;
    /* weight * f / (f + k) >= floor  <=>  f >= floor * k / (weight - floor),
     * in double, rounded down by a margin far wider than the float scores' */
    double k = m->bm25->length_factor[m->bm25->norms[doc]];
    double f = (double)m->floor * k / ((double)m->weight - (double)m->floor);
    f *= 1 - 1e-6;
    return f >= 1e9 ? 1000000000u : (uint32_t)f;
}

void matcher_set_floor(struct matcher *m, float floor)
{
    m->floor = floor;
    float slack = (fabsf(floor) + m->max_score) * BOUND_SLACK;
    for (size_t i = 0; i < m->nmust; i++)
        matcher_set_floor(m->must[i], floor - (m->max_score - m->must[i]->max_score) - slack);
    for (size_t i = 0; i < m->nshould; i++)
        matcher_set_floor(m->should[i], floor - (m->max_score - m->should[i]->max_score) - slack);
}
