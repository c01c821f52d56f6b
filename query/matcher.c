/* matcher.c - building and running the evaluation tree. Words and phrases are
 * scored with BM25 (a phrase as one term: its frequency, the sum of its words'
 * idf, as Lucene does); a boolean group sums the scores of its matching
 * required and optional clauses. */
#include "query/matcher.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/block_cover.h"

void bm25_init(struct bm25 *s, const cari_index *ix, float k1, float b)
{
    s->k1 = k1;
    s->b = b;
    s->norms = ix->norms;
    s->ndocs = ix->ndocs;
    s->length_rises = 1;
    s->writer_params = k1 == BM25_DEFAULT_K1 && b == BM25_DEFAULT_B;
    if (s->writer_params) /* most queries: computed on open */
        memcpy(s->length_factor, ix->default_length_factor, sizeof s->length_factor);
    else
        block_cover_length_factors(s->length_factor, k1, b, ix->avgdl);
    for (int i = 1; i < 256; i++)
        s->length_rises &= s->length_factor[i] >= s->length_factor[i - 1];
}

/* A word scores at most df postings: below this, its 256 divisions of the
 * tf-1 table would cost more than they save. */
enum { TF1_TABLE_MIN_DF = 1024 };

static float idf(const struct bm25 *s, uint32_t df)
{
    double n = s->ndocs;
    return (float)log(1.0 + (n - df + 0.5) / (df + 0.5));
}

static inline float bm25_score(const struct matcher *m, uint32_t tf)
{
    uint8_t norm = m->bm25->norms[m->doc];
    if (tf == 1 && m->tf1 != NULL) /* most postings: no division */
        return m->tf1[norm];
    float k = m->bm25->length_factor[norm];
    return m->weight * (float)tf / ((float)tf + k);
}

float matcher_bound_score(const struct matcher *m, uint32_t tf, uint8_t norm)
{
    if (tf == 0)
        return 0;
    float k = m->bm25->length_factor[norm];
    return m->weight * (float)tf / ((float)tf + k);
}

/* ---- building ---- */

static int open_words(struct matcher *m, const cari_index *ix, const struct qword *words, size_t n,
                      int *error)
{
    /* not cleared: a cursor is 3 KiB of block buffers, which it fills before
     * it reads them; word_cursor_open sets the rest */
    m->words = malloc(n * sizeof *m->words);
    if (m->words == NULL)
        return error_oom();
    float sum = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = word_cursor_open(&m->words[i], ix, &words[i], error);
        m->nwords = i + 1; /* closable even when it failed */
        if (rc != 0)
            return rc;
        sum += m->words[i].df > 0 ? idf(m->bm25, m->words[i].df) : 0;
    }
    m->weight = sum * (m->bm25->k1 + 1);
    if (n > 1 || m->words[0].df < TF1_TABLE_MIN_DF)
        return 0;
    if ((m->tf1 = malloc(256 * sizeof *m->tf1)) == NULL)
        return error_oom();
    for (int i = 0; i < 256; i++) /* the same operations as bm25_score at tf 1 */
        m->tf1[i] = m->weight * 1.0f / (1.0f + m->bm25->length_factor[i]);
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

/* How many documents a matcher may visit, to let the rarest lead a conjunction. */
static uint64_t matcher_cost(const struct matcher *m)
{
    uint64_t cost = m->kind == M_BOOL && m->nmust == 0 ? 0 : UINT64_MAX;
    for (size_t i = 0; m->kind != M_BOOL && i < m->nwords; i++)
        cost = m->words[i].df < cost ? m->words[i].df : cost;
    for (size_t i = 0; i < m->nmust; i++) {
        uint64_t c = matcher_cost(m->must[i]);
        cost = c < cost ? c : cost;
    }
    for (size_t i = 0; m->nmust == 0 && i < m->nshould; i++)
        cost += matcher_cost(m->should[i]);
    return cost;
}

/* Orders the required clauses rarest first (their scores still add up in query order). */
static int order_required(struct matcher *m)
{
    if (m->nmust == 0)
        return 0;
    if ((m->lead_order = malloc(m->nmust * sizeof *m->lead_order)) == NULL)
        return error_oom();
    for (size_t i = 0; i < m->nmust; i++) {
        uint64_t c = matcher_cost(m->must[i]);
        size_t j = i;
        for (; j > 0 && matcher_cost(m->must[m->lead_order[j - 1]]) > c; j--)
            m->lead_order[j] = m->lead_order[j - 1];
        m->lead_order[j] = i;
    }
    return 0;
}

/* Orders a phrase's words rarest first, to lead its alignment. */
static int order_words(struct matcher *m)
{
    if ((m->word_order = malloc(m->nwords * sizeof *m->word_order)) == NULL)
        return error_oom();
    for (size_t i = 0; i < m->nwords; i++) {
        size_t j = i;
        for (; j > 0 && m->words[m->word_order[j - 1]].df > m->words[i].df; j--)
            m->word_order[j] = m->word_order[j - 1];
        m->word_order[j] = (uint32_t)i;
    }
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
    m->floor = -INFINITY;
    m->bound = INFINITY; /* holds for doc 0, the first target */
    m->low.floor = -INFINITY; /* every doc reaches it, as the table says */
    m->low.norms = s->norms;
    m->low.length_factor = s->length_factor;
    for (int f = 0; f < LOW_TF; f++)
        m->low.max_norm[f] = UINT8_MAX;
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
        if (rc == 0)
            rc = order_words(m);
    } else {
        m->kind = M_BOOL;
        for (size_t i = 0; rc == 0 && i < n->nchildren; i++) {
            struct matcher *child;
            if ((rc = matcher_build(&child, ix, n->children[i], s, error)) != 0)
                break;
            child->pass_low = n->occurs[i] == OCCUR_MUST;
            if (n->occurs[i] == OCCUR_MUST)
                rc = add_child(&m->must, &m->nmust, child);
            else if (n->occurs[i] == OCCUR_SHOULD)
                rc = add_child(&m->should, &m->nshould, child);
            else
                rc = add_child(&m->must_not, &m->nmust_not, child);
        }
        if (rc == 0)
            rc = order_required(m);
    }
    if (rc != 0) {
        matcher_free(m);
        return rc;
    }
    matcher_init_bound(m);
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
    free(m->word_order);
    free(m->tf1);
    for (size_t i = 0; i < m->nmust; i++)
        matcher_free(m->must[i]);
    for (size_t i = 0; i < m->nshould; i++)
        matcher_free(m->should[i]);
    for (size_t i = 0; i < m->nmust_not; i++)
        matcher_free(m->must_not[i]);
    free(m->must);
    free(m->lead_order);
    free(m->should);
    free(m->must_not);
    free(m);
}

/* ---- running ---- */

/* The phrase's words by increasing frequency in the current document. */
static void rarest_first(const struct matcher *m, uint32_t *order)
{
    uint32_t tf[FORMAT_MAX_TERM];
    for (size_t i = 0; i < m->nwords; i++) {
        uint32_t t = word_cursor_tf(&m->words[i]);
        size_t j = i;
        for (; j > 0 && tf[j - 1] > t; j--) {
            tf[j] = tf[j - 1];
            order[j] = order[j - 1];
        }
        tf[j] = t;
        order[j] = (uint32_t)i;
    }
}

/* How often the phrase occurs in the current document of all its words, or 0
 * once fewer than `need` (at least 1) of its occurrences can remain. The
 * rarest word's positions, less its offset, are the candidate starts; each
 * other word, rarest first, keeps those where it sits at start + its offset,
 * decoded no further than the last start needs, so a document without the
 * phrase usually stops before its common words are decoded, and one that
 * cannot reach the floor stops as soon as too few starts are left. */
static uint32_t phrase_frequency(struct matcher *m, uint32_t need)
{
    uint32_t order[FORMAT_MAX_TERM], live = 0;
    rarest_first(m, order);
    struct word_cursor *r = &m->words[order[0]];
    int rc = word_cursor_positions(r, &live);
    uint32_t *start = r->positions, off0 = m->offsets[order[0]], n = 0;
    for (uint32_t k = 0; rc == 0 && k < live; k++) /* filtered in place */
        if (start[k] >= off0)
            start[n++] = start[k] - off0;
    live = rc == 0 ? n : 0;
    need = need > 0 ? need : 1;
    for (size_t w = 1; rc == 0 && w < m->nwords && live >= need; w++) {
        uint32_t count, j = 0, kept = 0, off = m->offsets[order[w]];
        uint64_t last = (uint64_t)start[live - 1] + off; /* none further is wanted */
        if ((rc = word_cursor_positions_upto(&m->words[order[w]],
                                             last > UINT32_MAX ? UINT32_MAX : (uint32_t)last,
                                             &count)) != 0)
            break;
        const uint32_t *pos = m->words[order[w]].positions;
        for (uint32_t k = 0; k < live && kept + (live - k) >= need; k++) {
            uint64_t want = (uint64_t)start[k] + off;
            while (j < count && pos[j] < want)
                j++;
            if (j < count && pos[j] == want)
                start[kept++] = start[k];
        }
        live = kept;
    }
    if (rc != 0) {
        if (*m->error == 0)
            *m->error = rc;
        return 0;
    }
    return live >= need ? live : 0;
}

/* Whether the phrase m cannot reach its floor on doc even if it occurred
 * `most` times: the test of matcher_word_below, without a division (most
 * aligned docs of common words fail it; matcher_min_freq, in double, is
 * left to those whose positions are read). */
static int phrase_below(const struct matcher *m, uint32_t doc, uint32_t most)
{
    float k = m->bm25->length_factor[m->bm25->norms[doc]], f = (float)most;
    return m->floor > 0 && bm25_below(m->weight, f, k, m->floor);
}

static void low_table_update(struct matcher *m);

/* Whether a word's or a phrase's low table must be brought to its floor:
 * when the floor fell below the table's, which would rule out docs that
 * reach it, or rose more than 1 % above it. A table of a lower floor only lets more docs
 * through to the exact test; brought up at every new k-th hit, it cost a
 * common word's query 6 % (2 GB OR p50 0.93-0.97x, AND 0.95x). */
static int low_table_stale(const struct matcher *m)
{
    return !(m->low.floor <= m->floor && m->low.floor >= m->floor * 0.99f);
}

/* The rarest word of a phrase from its current doc over the docs whose
 * frequency and norm cannot lift the phrase to its floor (the phrase
 * occurs no more often than it), by the phrase's own table of the floor,
 * as a word passes over its low docs: the test of phrase_below, a run of
 * docs at a time. */
static void phrase_pass_low(struct matcher *m, struct word_cursor *w)
{
    if (!(m->floor > 0) || !m->bm25->length_rises || w->doc == CURSOR_END)
        return;
    if (low_table_stale(m))
        low_table_update(m);
    word_cursor_pass_low(w, &m->low, CURSOR_END - 1);
}

/* How many docs in a row the rarest word of a phrase passes over alone: then
 * the others move too, so that where they are sparse their jumps carry it
 * (one that overshoots takes it past all its docs in between). */
enum { LEAD_PASSES = 16 };

/* All words on one document (leapfrog), starting at target. The rarest word
 * leads and a word that overshoots sends the new target back to it: a common
 * word then only moves to docs of the rare one, and decodes only their blocks
 * instead of the one at every target it is handed first; and not even to
 * those where the rare word occurs too seldom for the floor. */
static uint32_t align_words(struct matcher *m, uint32_t target)
{
    unsigned passed = 0; /* rare-word docs passed without moving the others */
    for (;;) {
        uint32_t doc = target;
        int agreed = 1;
        for (size_t j = 0; j < m->nwords; j++) {
            struct word_cursor *w = &m->words[m->word_order[j]];
            word_cursor_advance(w, doc);
            if (j == 0 && passed < LEAD_PASSES)
                phrase_pass_low(m, w);
            if (w->doc == CURSOR_END)
                return CURSOR_END;
            if (w->doc != doc) {
                doc = w->doc;
                if (j > 0) {
                    agreed = 0;
                    break;
                }
            }
            if (j == 0 && passed < LEAD_PASSES && phrase_below(m, doc, word_cursor_tf(w))) {
                agreed = 0; /* the phrase occurs no more often than its rarest word */
                passed++;
                doc++;
                break;
            }
            passed = j == 0 ? 0 : passed;
        }
        if (agreed)
            return doc;
        target = doc;
    }
}

/* The smallest frequency among the phrase's words on their current doc: the
 * phrase occurs no more often. */
static uint32_t phrase_max_freq(const struct matcher *m)
{
    uint32_t tf = UINT32_MAX;
    for (size_t i = 0; i < m->nwords; i++) {
        uint32_t t = word_cursor_tf(&m->words[i]);
        tf = t < tf ? t : tf;
    }
    return tf;
}

/* The first target at or after `target` whose blocks can reach the floor. */
static uint32_t skip_low_blocks(struct matcher *m, uint32_t target)
{
    while (m->floor > -INFINITY && target != CURSOR_END) {
        uint32_t last;
        if (matcher_block_bound_cached(m, target, &last) >= m->floor)
            break;
        target = last == CURSOR_END ? CURSOR_END : last + 1;
    }
    return target;
}

static void phrase_advance(struct matcher *m, uint32_t target)
{
    for (;;) {
        target = skip_low_blocks(m, target);
        uint32_t doc = target == CURSOR_END ? CURSOR_END : align_words(m, target);
        if (doc == CURSOR_END || *m->error != 0) {
            m->doc = CURSOR_END;
            return;
        }
        m->doc = doc;
        if (!phrase_below(m, doc, phrase_max_freq(m))) { /* else no position is read */
            for (size_t i = 0; i < m->nwords; i++) /* their misses at once, not word by word */
                word_cursor_prefetch_positions(&m->words[i]);
            m->phrase_freq = phrase_frequency(m, matcher_min_freq(m, doc));
            if (m->phrase_freq > 0)
                return;
        }
        target = doc + 1;
    }
}

/* The conjunction of the required clauses, from target. */
static uint32_t align_required(struct matcher *m, uint32_t target)
{
    for (;;) {
        uint32_t doc = target;
        int agreed = 1;
        for (size_t j = 0; j < m->nmust; j++) {
            struct matcher *c = m->must[m->lead_order[j]];
            matcher_advance(c, doc);
            if (c->doc == CURSOR_END)
                return CURSOR_END;
            if (c->doc != doc) {
                doc = c->doc;
                if (j > 0) { /* back to the rarest clause with the new target */
                    agreed = 0;
                    break;
                }
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

int matcher_excluded(struct matcher *m, uint32_t doc)
{
    for (size_t i = 0; i < m->nmust_not; i++) {
        matcher_advance(m->must_not[i], doc);
        if (m->must_not[i]->doc == doc)
            return 1;
    }
    return 0;
}

/* Whether a conjunction's doc cannot reach the floor: in common words most
 * aligned docs cannot, and their bound, unlike their score, reads neither
 * the exact-form lists nor the optional clauses. */
static int doc_below_floor(const struct matcher *m, uint32_t doc)
{
    return m->nmust > 0 && m->floor > -INFINITY && doc != CURSOR_END &&
           matcher_doc_bound(m, doc) < m->floor;
}

static void bool_advance(struct matcher *m, uint32_t target)
{
    for (;;) {
        if (m->nmust > 0)
            target = skip_low_blocks(m, target);
        uint32_t doc = target == CURSOR_END ? CURSOR_END
                       : m->nmust > 0       ? align_required(m, target)
                                            : first_optional(m, target);
        if (*m->error == 0 && doc_below_floor(m, doc)) {
            target = doc + 1;
            continue;
        }
        if (doc == CURSOR_END || *m->error != 0 || !matcher_excluded(m, doc)) {
            m->doc = doc;
            return;
        }
        target = doc + 1;
    }
}

/* Whether frequency f stays below m's floor on norm byte n: the very test of
 * matcher_word_below. */
static int low_at(const struct matcher *m, int f, int n)
{
    return bm25_below(m->weight, (float)f, m->bm25->length_factor[n], m->floor);
}

/* Brings the word's low table to its floor. As the norm rises so does
 * length_factor, so a frequency fails the test on a run of norms from some
 * byte up, and where the run starts only comes down as the floor rises: from
 * the last one the walk down is short; a first table (or a lower floor) is
 * searched for, in 8 steps a frequency. */
static void low_table_update(struct matcher *m)
{
    int fresh = !(m->floor >= m->low.floor) || m->low.floor == -INFINITY;
    m->low.floor = m->floor;
    m->low.weight = m->weight;
    for (int f = 1; f < LOW_TF; f++) {
        int n = m->low.max_norm[f];
        if (fresh) { /* the last norm byte that passes, in [-1, 255] */
            int lo = -1, hi = UINT8_MAX;
            while (lo < hi) {
                int mid = lo + (hi - lo + 1) / 2;
                if (low_at(m, f, mid))
                    hi = mid - 1;
                else
                    lo = mid;
            }
            n = lo;
        }
        while (n >= 0 && low_at(m, f, n))
            n--;
        m->low.max_norm[f] = (int16_t)n;
    }
}

/* A word that may (pass_low: a required clause, an essential one of MaxScore,
 * a query of one word) moves past the docs whose frequency and norm cannot
 * reach its floor, what it needs with every other clause at its maximum: no
 * hit is there, and a conjunction never aligns its other clauses on them.
 * Within the blocks already decoded and bounded, a table of the floor rules
 * out the docs of low frequency without a multiplication or a call (most of
 * a common word's docs), and only the others meet the exact test. */
static void pass_low_docs(struct matcher *m)
{
    struct word_cursor *w = &m->words[0];
    int table = m->bm25->length_rises;
    while (m->doc != CURSOR_END && m->floor > 0 && matcher_word_below(m, m->doc, m->floor)) {
        if (table && m->doc <= m->bound_last && m->bound >= m->floor) { /* blocks that may reach it */
            if (low_table_stale(m))
                low_table_update(m);
            word_cursor_pass_low(w, &m->low, m->bound_last);
            if (w->doc != m->doc) {
                m->doc = w->doc;
                continue;
            }
        }
        uint32_t target = skip_low_blocks(m, m->doc + 1);
        word_cursor_advance(w, target);
        m->doc = w->doc;
    }
}

void matcher_advance(struct matcher *m, uint32_t target)
{
    if (m->started && m->doc >= target)
        return;
    m->started = 1;
    switch (m->kind) {
    case M_WORD:
        target = skip_low_blocks(m, target);
        word_cursor_advance(&m->words[0], target);
        m->doc = m->words[0].doc;
        if (m->pass_low)
            pass_low_docs(m);
        break;
    case M_PHRASE: phrase_advance(m, target); break;
    case M_BOOL: bool_advance(m, target); break;
    }
}

float matcher_score(struct matcher *m)
{
    switch (m->kind) {
    case M_WORD: return bm25_score(m, word_cursor_tf(&m->words[0]));
    case M_PHRASE: return bm25_score(m, m->phrase_freq);
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
