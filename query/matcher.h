/* matcher.h - the evaluation tree of a query: document-at-a-time iterators
 * over words (exact and root postings together), phrases and boolean groups,
 * each able to move to its next match and to score it with BM25. */
#ifndef CARI_QUERY_MATCHER_H
#define CARI_QUERY_MATCHER_H

#include <stdint.h>

#include "query/postings_cursor.h"
#include "query/query_ast.h"

struct bm25 {
    float k1, b;
    float length_factor[256]; /* k1 * (1 - b + b * length / avgdl) by norm byte */
    const uint8_t *norms;
    uint32_t ndocs;
    int length_rises;  /* length_factor never falls as the norm byte rises */
    int writer_params; /* k1 and b are the writer's, which the blocks' bests are for */
};

/* The postings of one word: its exact key and its root key, merged. */
struct word_cursor {
    postings_cursor c[2];
    int n;
    int exact, root; /* which of c[] is the exact key, the root key; -1: none */
    uint32_t doc;
    uint32_t df; /* of the union */
    uint32_t *positions;
    size_t positions_cap;
};

int word_cursor_open(struct word_cursor *w, const cari_index *ix, const struct qword *word,
                     int *error);
void word_cursor_close(struct word_cursor *w);

/* Advancing and the frequency are inline: conjunctions and MaxScore call
 * them for every document of their common words. */
static inline void word_cursor_advance(struct word_cursor *w, uint32_t target)
{
    uint32_t d = CURSOR_END;
    for (int i = 0; i < w->n; i++) {
        postings_advance(&w->c[i], target);
        d = w->c[i].doc < d ? w->c[i].doc : d;
    }
    w->doc = d;
}

static inline uint32_t word_cursor_tf(const struct word_cursor *w)
{
    uint32_t tf = 0;
    for (int i = 0; i < w->n; i++)
        if (w->c[i].doc == w->doc)
            tf += postings_tf(&w->c[i]);
    return tf;
}
int word_cursor_positions(struct word_cursor *w, uint32_t *count);
int word_cursor_positions_upto(struct word_cursor *w, uint32_t limit, uint32_t *count);
/* Prefetches the positions of the current document in each of w's lists. */
void word_cursor_prefetch_positions(struct word_cursor *w);

/* Frequencies below this are judged by a table of norms (struct low_table). */
enum { LOW_TF = 32 };

/* Which documents of a word cannot reach a floor: a frequency f below LOW_TF
 * can on norm bytes up to max_norm[f] (-1: on none); a higher one is put to
 * the test of matcher_word_below, with the same operands. */
struct low_table {
    int16_t max_norm[LOW_TF];
    const uint8_t *norms;
    const float *length_factor;
    float weight, floor;
};

/* Moves w from its current doc over the docs up to `limit` that the table
 * rules out, staying within the blocks its cursors have decoded: it stops on
 * the first doc it cannot rule out, the first past limit, or where a
 * cursor's decoded block ends, and leaves that doc to the caller's test. */
void word_cursor_pass_low(struct word_cursor *w, const struct low_table *t, uint32_t limit);

enum matcher_kind { M_WORD, M_PHRASE, M_BOOL };

/* Where a word's block bounds come from (matcher_bound.c): the covers of
 * its keys' blocks; the bests of one key's blocks (core/block_best.h), the
 * word's whole; or the bests of the exact key's blocks plus the best of a
 * root key too small for skip entries, where it has a doc. */
enum word_bound { BOUND_COVERS, BOUND_BEST, BOUND_BEST_AND_ROOT };

struct matcher {
    enum matcher_kind kind;
    int started;
    int pass_low;  /* a word that passes over its docs below its floor as it
                    * advances (matcher.c, pass_low_docs) */
    int *error;    /* the search's sticky error */
    uint32_t doc;  /* current match, CURSOR_END when done */
    float weight;  /* idf * (k1 + 1) for words and phrases */
    float *tf1;    /* common words: the score at frequency 1, by norm byte; or NULL */
    float max_score; /* no document scores above it (matcher_bound.c) */
    float floor;     /* documents below it may be skipped; -INFINITY: none */
    float bound;     /* the last block bound, which holds up to bound_last */
    uint32_t bound_last;
    enum word_bound word_bound;
    int best_key;     /* BOUND_BEST's key */
    float root_best;  /* BOUND_BEST_AND_ROOT: the root key's best saturation */
    struct low_table low; /* a word's floor as a table, for pass_low (matcher.c) */
    const struct bm25 *bm25;
    struct word_cursor *words; /* one (M_WORD) or the phrase's */
    uint32_t *offsets;
    uint32_t *word_order; /* a phrase's words by increasing df, the rarest leading */
    size_t nwords;
    uint32_t phrase_freq;
    struct matcher **must, **should, **must_not;
    size_t *lead_order; /* the required clauses by increasing document count */
    size_t nmust, nshould, nmust_not;
};

void bm25_init(struct bm25 *s, const cari_index *ix, float k1, float b);

/* Builds the matcher of a query node; words missing from the index match nothing. */
int matcher_build(struct matcher **out, const cari_index *ix, const struct qnode *n,
                  const struct bm25 *s, int *error);
void matcher_free(struct matcher *m);

/* Whether the excluded clauses of m match doc. */
int matcher_excluded(struct matcher *m, uint32_t doc);

/* ---- bounds (matcher_bound.c), what top-k search skips work with ---- */

/* Sets max_score once the matcher is built. */
void matcher_init_bound(struct matcher *m);

/* A score that k docs of the word m reach or pass, from the bests of its
 * blocks (core/block_best.h): each block's range holds a doc of at least
 * its best less the rounding, so the k-th largest best, less it, is a floor
 * the k-th hit will not be under. -INFINITY when m is no word bounded by
 * its bests or has fewer than k blocks. */
float matcher_word_floor(const struct matcher *m, size_t k);

/* A score no match in [doc, *last] exceeds; lowers *last to where the blocks
 * it read end (a group leaves it: its bound holds everywhere). */
float matcher_block_bound(struct matcher *m, uint32_t doc, uint32_t *last);

/* The same for targets that only increase, reusing the last bound while
 * doc stays within it (inline: most calls do); *last is set. */
float matcher_block_bound_renew(struct matcher *m, uint32_t doc);

static inline float matcher_block_bound_cached(struct matcher *m, uint32_t doc, uint32_t *last)
{
    float bound = doc > m->bound_last ? matcher_block_bound_renew(m, doc) : m->bound;
    *last = m->bound_last;
    return bound;
}

/* The score of m, or of its frequency and norm, without their positions. */
float matcher_bound_score(const struct matcher *m, uint32_t tf, uint8_t norm);

/* A score m does not exceed on doc, its current match, from the frequencies
 * and norm alone: no position is read for it. A group
 * needs its required clauses on doc; its optional ones count their maximum. */
float matcher_group_doc_bound(const struct matcher *m, uint32_t doc);

/* Inline for words, the same operations as matcher_bound_score: MaxScore and
 * conjunctions bound every candidate so. */
static inline float matcher_doc_bound(const struct matcher *m, uint32_t doc)
{
    if (m->kind != M_WORD)
        return matcher_group_doc_bound(m, doc);
    float k = m->bm25->length_factor[m->bm25->norms[doc]];
    float f = (float)word_cursor_tf(&m->words[0]);
    return m->weight * f / (f + k);
}

/* Whether a BM25 term score weight * f / (f + k) is below floor, without a
 * division: weight * f < floor * (f + k), which rounds apart only in the last
 * bits, far within the slack every floor is lowered by. Every test of a
 * frequency against a floor goes through here, so that the norm table of
 * word_cursor_pass_low decides exactly as the doc-by-doc tests. */
static inline int bm25_below(float weight, float f, float k, float floor)
{
    return weight * f < floor * (f + k);
}

/* Whether the word m's bound on doc, its current match, is below floor. */
static inline int matcher_word_below(const struct matcher *m, uint32_t doc, float floor)
{
    float k = m->bm25->length_factor[m->bm25->norms[doc]];
    return bm25_below(m->weight, (float)word_cursor_tf(&m->words[0]), k, floor);
}

/* The smallest frequency with which the phrase m may reach its floor on doc
 * (rounded down: a lower one cannot): 0 when it has no positive floor,
 * UINT32_MAX when no frequency reaches it. */
uint32_t matcher_min_freq(const struct matcher *m, uint32_t doc);

/* Lets m skip documents that score below `floor`, and its clauses those that
 * cannot reach it even with every other clause at its maximum. */
void matcher_set_floor(struct matcher *m, float floor);

/* Moves to the first match >= target (target 0 starts the iteration). */
void matcher_advance(struct matcher *m, uint32_t target);
float matcher_score(struct matcher *m);

#endif
