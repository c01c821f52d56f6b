/* matcher_bound.c - upper bounds of BM25 scores from what the postings carry
 * without decoding: each term's largest frequency, and per block of 128 docs
 * its cover, three (frequency, norm) pairs one of which each doc's frequency
 * stays under and its norm over (core/block_cover.h). The score rises with
 * the frequency and falls with the norm, so the best pair bounds every
 * document of the block. Top-k search (search_run.c) skips whatever
 * cannot beat its k-th hit through these bounds and the floors set here. */
#include <math.h>

#include "core/block_best.h"
#include "query/matcher.h"

/* Float sums of bounds differ from the sums of scores in the last bits: a
 * floor is lowered by this fraction of the bounds it subtracts. */
#define BOUND_SLACK 1e-5f

/* The covers of a word's keys' blocks over [doc, *last], into cover[0..n):
 * n is 0 when it has no doc >= doc. */
static int word_covers(const struct word_cursor *w, uint32_t doc, struct block_cover *cover,
                       uint32_t *last)
{
    int n = 0;
    for (int i = 0; i < w->n; i++) {
        const postings_cursor *c = &w->c[i];
        uint32_t b = postings_block_of(c, doc), l;
        if (b == c->nblocks)
            continue;
        postings_block_cover(c, b, &cover[n++], &l);
        *last = l < *last ? l : *last;
    }
    return n;
}

/* The ingredients of a word over [doc, *last]: the sum of its keys' largest
 * frequencies and their smallest norm; 0 when it has no doc >= doc. */
static int word_block(const struct word_cursor *w, uint32_t doc, uint32_t *tf, uint8_t *norm,
                      uint32_t *last)
{
    struct block_cover cover[2];
    int n = word_covers(w, doc, cover, last);
    *tf = 0;
    *norm = UINT8_MAX;
    for (int i = 0; i < n; i++) {
        *tf += cover[i].tf[BLOCK_COVER_PAIRS - 1];
        *norm = cover[i].norm[0] < *norm ? cover[i].norm[0] : *norm;
    }
    return n > 0;
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
            uint32_t l;
            struct block_cover cover;
            postings_block_cover(c, b, &cover, &l);
            *norm = cover.norm[0] < *norm ? cover.norm[0] : *norm;
        }
    }
    return *tf > 0;
}

/* The best of a few (frequency, length factor) pairs: weight f / (f + k)
 * rises with f / k, so they compare by multiplications, and only the best
 * pays a division. Pairs whose f / k tie but whose scores round apart differ
 * in the last bits, within BOUND_SLACK. */
struct best_pair {
    float f, k; /* f 0: none yet, score 0 */
};

static void pair_consider(struct best_pair *b, uint32_t tf, float k)
{
    float f = (float)tf;
    int better = f * b->k > b->f * k; /* selects, not branches: the winner is any pair */
    b->f = better ? f : b->f;
    b->k = better ? k : b->k;
}

static float pair_best_score(const struct matcher *m, const struct best_pair *b)
{
    return b->f == 0 ? 0 : m->weight * b->f / (b->f + b->k);
}

static void cover_consider(struct best_pair *b, const struct matcher *m,
                           const struct block_cover *c)
{
    for (int p = 0; p < BLOCK_COVER_PAIRS; p++)
        pair_consider(b, c->tf[p], m->bm25->length_factor[c->norm[p]]);
}

/* Two keys' blocks: a doc in both has at most the sum of a pair of each,
 * with at least the larger of their norms; a doc in one, what its cover
 * bounds. */
static float two_covers_score(const struct matcher *m, const struct block_cover *a,
                              const struct block_cover *b)
{
    struct best_pair best = { 0, 1 };
    cover_consider(&best, m, a);
    cover_consider(&best, m, b);
    for (int i = 0; i < BLOCK_COVER_PAIRS; i++)
        for (int j = 0; j < BLOCK_COVER_PAIRS; j++) {
            uint8_t n = a->norm[i] > b->norm[j] ? a->norm[i] : b->norm[j];
            pair_consider(&best, a->tf[i] + b->tf[j], m->bm25->length_factor[n]);
        }
    return pair_best_score(m, &best);
}

static float cover_score(const struct matcher *m, const struct block_cover *c)
{
    struct best_pair best = { 0, 1 };
    cover_consider(&best, m, c);
    return pair_best_score(m, &best);
}

/* The score of a stored best, rounded up far beyond the float scores' slack. */
static float best_score(const struct matcher *m, uint32_t best)
{
    return m->weight * ((float)best * (1.0f / (float)BLOCK_BEST_ONE));
}

/* The best of key c over [doc, *last], the range of its block that holds doc. */
static float key_best_score(const struct matcher *m, const postings_cursor *c, uint32_t doc,
                            uint32_t *last)
{
    uint32_t b = postings_block_from(c, doc), l;
    uint32_t best = postings_block_best(c, b, &l);
    l = b + 1 == c->nblocks ? CURSOR_END : l;
    *last = l < *last ? l : *last;
    return best_score(m, best);
}

/* Whether a key of one block has a doc in [doc, last]: its docs stay decoded. */
static int has_doc_in(const postings_cursor *c, uint32_t doc, uint32_t last)
{
    uint32_t lo = 0, hi = c->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->docs[mid] < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->count && c->docs[lo] <= last;
}

static float covers_score(const struct matcher *m, uint32_t doc, uint32_t *last)
{
    struct block_cover cover[2];
    int n = word_covers(&m->words[0], doc, cover, last);
    return n == 0   ? 0
           : n == 1 ? cover_score(m, &cover[0])
                    : two_covers_score(m, &cover[0], &cover[1]);
}

/* The exact key's best, and where the root key has a doc the better of
 * that best plus the root's (tf / (tf + k) is concave: a sum of frequencies
 * saturates less than the sum of their saturations) and the covers. */
static float best_and_root_score(const struct matcher *m, uint32_t doc, uint32_t *last)
{
    const struct word_cursor *w = &m->words[0];
    uint32_t l = *last;
    float score = key_best_score(m, &w->c[w->exact], doc, &l);
    if (has_doc_in(&w->c[w->root], doc, l)) {
        uint32_t lc = l;
        float covers = covers_score(m, doc, &lc);
        score += m->weight * m->root_best;
        if (covers < score) {
            score = covers;
            l = lc;
        }
    }
    *last = l;
    return score;
}

/* A word's bound over [doc, *last], from its keys' blocks there. */
static float word_block_score(const struct matcher *m, uint32_t doc, uint32_t *last)
{
    const struct word_cursor *w = &m->words[0];
    if (w->doc == CURSOR_END)
        return 0;
    switch (m->word_bound) {
    case BOUND_BEST: return key_best_score(m, &w->c[m->best_key], doc, last);
    case BOUND_BEST_AND_ROOT: return best_and_root_score(m, doc, last);
    case BOUND_COVERS: break;
    }
    return covers_score(m, doc, last);
}

/* A single key's best block. */
static float single_key_max(const struct matcher *m, const postings_cursor *c)
{
    struct best_pair best = { 0, 1 };
    for (uint32_t b = 0; c->doc != CURSOR_END && b < c->nblocks; b++) {
        uint32_t l;
        struct block_cover cover;
        postings_block_cover(c, b, &cover, &l);
        cover_consider(&best, m, &cover);
    }
    return pair_best_score(m, &best);
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

/* The largest tf / (tf + k) of a key of one block, its docs decoded. */
static float key_saturation(const struct matcher *m, const postings_cursor *c)
{
    float best = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        float v = block_best_saturation(c->tfs[i], m->bm25->norms[c->docs[i]],
                                        m->bm25->length_factor);
        best = v > best ? v : best;
    }
    return best;
}

/* Which bound a word takes: the bests where the writer's parameters are the
 * query's and a key has skip entries, the root key's when there is one
 * (its bests are the whole word's); else the covers. */
static void choose_word_bound(struct matcher *m)
{
    const struct word_cursor *w = &m->words[0];
    m->word_bound = BOUND_COVERS;
    if (!m->bm25->writer_params)
        return;
    int root = w->root, exact = w->exact;
    if (root >= 0 && w->c[root].skips != NULL) {
        m->word_bound = BOUND_BEST;
        m->best_key = root;
    } else if (exact >= 0 && w->c[exact].skips != NULL) {
        m->word_bound = root >= 0 ? BOUND_BEST_AND_ROOT : BOUND_BEST;
        m->best_key = exact;
        m->root_best = root >= 0 ? key_saturation(m, &w->c[root]) : 0;
    }
}

/* The word's bound everywhere, when it comes from the bests. */
static float best_max(const struct matcher *m)
{
    const postings_cursor *c = &m->words[0].c[m->best_key];
    uint32_t best = 0, last;
    for (uint32_t b = 0; b < c->nblocks; b++) {
        uint32_t v = postings_block_best(c, b, &last);
        best = v > best ? v : best;
    }
    float score = best_score(m, best);
    return m->word_bound == BOUND_BEST_AND_ROOT ? score + m->weight * m->root_best : score;
}

/* Below this many blocks' bests, matcher_word_floor keeps them in a
 * sorted array; a larger k gets no floor (it would gain little). */
enum { FLOOR_MAX_K = 256 };

float matcher_word_floor(const struct matcher *m, size_t k)
{
    if (m->kind != M_WORD || m->word_bound != BOUND_BEST || k == 0 || k > FLOOR_MAX_K)
        return -INFINITY;
    const postings_cursor *c = &m->words[0].c[m->best_key];
    if (c->nblocks < k)
        return -INFINITY;
    uint32_t top[FLOOR_MAX_K], n = 0, last; /* the k largest bests, largest first */
    for (uint32_t b = 0; b < c->nblocks; b++) {
        uint32_t v = postings_block_best(c, b, &last);
        if (n == k && v <= top[k - 1])
            continue;
        uint32_t j = n < k ? n++ : (uint32_t)k - 1;
        for (; j > 0 && top[j - 1] < v; j--)
            top[j] = top[j - 1];
        top[j] = v;
    }
    /* a stored best v has a doc of saturation (v - 2) / BLOCK_BEST_ONE or
     * more in its range (block_best_quantize); one step more for the float
     * scores' rounding */
    uint32_t v = top[k - 1] > 3 ? top[k - 1] - 3 : 0;
    return v > 0 ? m->weight * ((float)v * (1.0f / (float)BLOCK_BEST_ONE)) : -INFINITY;
}

void matcher_init_bound(struct matcher *m)
{
    uint32_t tf[FORMAT_MAX_TERM + 1];
    uint8_t norm[FORMAT_MAX_TERM + 1];
    m->max_score = 0;
    if (m->kind == M_WORD) {
        const struct word_cursor *w = &m->words[0];
        choose_word_bound(m);
        if (m->word_bound == BOUND_BEST)
            m->max_score = w->doc != CURSOR_END ? best_max(m) : 0;
        else if (w->n == 1)
            m->max_score = single_key_max(m, &w->c[0]);
        else if (word_whole(w, &tf[0], &norm[0]))
            m->max_score = matcher_bound_score(m, tf[0], norm[0]);
        if (m->word_bound == BOUND_BEST_AND_ROOT && w->doc != CURSOR_END)
            m->max_score = fminf(m->max_score, best_max(m));
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
        return word_block_score(m, doc, last);
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
    /* each clause's own last bound while doc stays within it: a clause ends
     * its blocks far less often than the group, which ends with any of them.
     * A bound from before doc, up to the clause's current match, still holds:
     * the clause has no doc between the two. */
    float sum = 0;
    for (size_t i = 0; i < m->nmust + m->nshould; i++) {
        struct matcher *c = i < m->nmust ? m->must[i] : m->should[i - m->nmust];
        uint32_t l;
        sum += matcher_block_bound_cached(c, doc, &l);
        *last = l < *last ? l : *last;
    }
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
