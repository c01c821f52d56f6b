/* search_run.c - top-k evaluation. The pruned mode is MaxScore (Turtle and
 * Flood) over the optional clauses of the query, with block maxima: clauses
 * sorted by their best score; the weakest ones whose bounds together cannot
 * beat the k-th hit become non-essential (only checked on documents the others
 * bring); a document whose block bounds cannot beat it is skipped with its
 * whole block, undecoded. Floors pass the same threshold down, so conjunctions
 * skip blocks and phrases skip their positions. A hit's score is the sum of
 * its clauses in query order, as the exhaustive mode computes it, so both rank
 * alike to the bit. */
#include "query/search_run.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"

static int run_exhaustive(struct matcher *m, struct topk *t, const int *error)
{
    for (matcher_advance(m, 0); m->doc != CURSOR_END && *error == 0; matcher_advance(m, m->doc + 1))
        topk_push(t, m->doc, matcher_score(m));
    return *error;
}

struct maxscore {
    struct matcher **c;   /* clauses in query order */
    size_t n, ne;         /* clauses; the first ne of `order` are non-essential */
    size_t required;      /* order[required..ne) are non-essential but required */
    size_t *order;        /* by increasing max_score */
    float *cum;           /* cum[j]: sum of max_score of order[0..j] */
    float cut;            /* the k-th score, lowered by the slack */
    struct matcher *root; /* receives the floors; its exclusions apply */
};

/* Insertion sort: queries have few clauses, and qsort would need a global. */
static void sort_clauses(struct maxscore *s)
{
    for (size_t i = 0; i < s->n; i++) {
        size_t j = i;
        for (; j > 0 && s->c[s->order[j - 1]]->max_score > s->c[i]->max_score; j--)
            s->order[j] = s->order[j - 1];
        s->order[j] = i;
    }
    float sum = 0;
    for (size_t j = 0; j < s->n; j++)
        s->cum[j] = sum += s->c[s->order[j]]->max_score;
}

/* A score lowered a little, because float sums of bounds and of scores
 * differ in their last bits. */
static float lowered(float score) { return score - fabsf(score) * 1e-5f; }

/* What a document must reach to matter: the k-th score, lowered. */
static float cut_of(const struct topk *t) { return lowered(topk_threshold(t)); }

/* One clause: its floor does all the skipping. A word passes over its docs
 * whose frequency and norm cannot reach the cut as it advances, unscored, its
 * exact-form list unread (phrases and conjunctions check their docs so
 * themselves). */
static int run_single(struct matcher *m, struct topk *t, const int *error)
{
    float cut = lowered(matcher_word_floor(m, t->k));
    m->pass_low = m->kind == M_WORD;
    if (cut > -INFINITY)
        matcher_set_floor(m, cut);
    for (matcher_advance(m, 0); m->doc != CURSOR_END && *error == 0;
         matcher_advance(m, m->doc + 1)) {
        topk_push(t, m->doc, matcher_score(m));
        if (cut_of(t) > cut)
            matcher_set_floor(m, cut = cut_of(t));
    }
    return *error;
}

/* A higher cut: more clauses become non-essential, floors rise. */
static void raise_cut_to(struct maxscore *s, float cut)
{
    if (!(cut > s->cut))
        return;
    s->cut = cut;
    while (s->ne < s->n && s->cum[s->ne] < cut)
        s->ne++;
    /* a clause is required once the others together cannot reach the cut
     * (by more than the rounding of the float sums): the strongest first */
    float total = s->cum[s->n - 1], slack = (fabsf(cut) + total) * 1e-5f;
    while (s->required > 0 && total - s->c[s->order[s->required - 1]]->max_score + slack < cut)
        s->required--;
    /* the essential clauses pass over their docs below their floors, which
     * no hit is on; the others only answer for the docs they are asked about
     * (a required one, by where it is, for the docs before too: a pass of
     * its own would decode the blocks that asking spares) */
    for (size_t j = 0; j < s->n; j++)
        s->c[s->order[j]]->pass_low = j >= s->ne;
    matcher_set_floor(s->root, cut);
}

/* A new k-th score. */
static void raise_cut(struct maxscore *s, const struct topk *t) { raise_cut_to(s, cut_of(t)); }

/* A cut that the k-th hit will reach, before any: a clause's word floor
 * (matcher_word_floor), since an optional clause's docs score at least its
 * own score; none when the group excludes docs, which could be those. */
static float first_cut(const struct maxscore *s, size_t k)
{
    float cut = -INFINITY;
    if (s->root->nmust_not > 0)
        return cut;
    for (size_t i = 0; i < s->n; i++) {
        float f = matcher_word_floor(s->c[i], k);
        cut = f > cut ? f : cut;
    }
    return lowered(cut);
}

/* The first essential doc at or after target whose blocks can beat the cut. */
static uint32_t next_candidate(struct maxscore *s, uint32_t target)
{
    for (;;) {
        uint32_t doc = CURSOR_END, last = CURSOR_END;
        for (size_t j = s->ne; j < s->n; j++) {
            struct matcher *m = s->c[s->order[j]];
            matcher_advance(m, target);
            doc = m->doc < doc ? m->doc : doc;
        }
        if (doc == CURSOR_END || s->cut == -INFINITY)
            return doc;
        float ub = s->ne > 0 ? s->cum[s->ne - 1] : 0;
        for (size_t j = s->ne; j < s->n; j++) {
            uint32_t l;
            ub += matcher_block_bound_cached(s->c[s->order[j]], doc, &l);
            last = l < last ? l : last;
        }
        if (ub >= s->cut)
            return doc;
        if (last == CURSOR_END)
            return CURSOR_END;
        target = last + 1;
    }
}

/* Scores doc. First its bounds from frequency and norm: the essential
 * clauses on doc, then the others, strongest first, while the bound with the
 * rest at their maximum still beats the cut; most candidates of common words
 * fail there, before any exact-form list is read. Returns 0 when doc cannot
 * beat the cut, else its score in *out; a required clause without doc moves
 * *next on to its next doc, as no hit comes before. */
static int score_candidate(struct maxscore *s, uint32_t doc, float *out, uint32_t *next)
{
    float ub = 0;
    for (size_t j = s->ne; j < s->n; j++) {
        const struct matcher *m = s->c[s->order[j]];
        if (m->doc == doc)
            ub += matcher_doc_bound(m, doc);
    }
    for (size_t j = s->ne; j-- > 0;) {
        if (ub + s->cum[j] < s->cut)
            return 0;
        struct matcher *m = s->c[s->order[j]];
        matcher_advance(m, doc);
        if (m->doc == doc)
            ub += matcher_doc_bound(m, doc);
        else if (j >= s->required) { /* no hit before its next doc */
            *next = m->doc;
            return 0;
        }
    }
    if (ub < s->cut || matcher_excluded(s->root, doc))
        return 0;
    float sum = 0; /* in query order, as matcher_score sums a group */
    for (size_t i = 0; i < s->n; i++)
        if (s->c[i]->doc == doc)
            sum += matcher_score(s->c[i]);
    *out = sum;
    return 1;
}

static int run_maxscore(struct maxscore *s, struct topk *t, const int *error)
{
    sort_clauses(s);
    raise_cut_to(s, first_cut(s, t->k));
    uint32_t target = 0;
    while (*error == 0) {
        uint32_t doc = next_candidate(s, target);
        if (doc == CURSOR_END || *error != 0)
            break;
        float score;
        uint32_t next = doc + 1;
        if (score_candidate(s, doc, &score, &next)) {
            topk_push(t, doc, score);
            raise_cut(s, t);
        }
        target = next;
    }
    return *error;
}

int search_run(struct matcher *m, struct topk *t, const int *error, enum search_mode mode)
{
    if (mode == SEARCH_EXHAUSTIVE)
        return run_exhaustive(m, t, error);
    /* MaxScore over the optional clauses of a group without required ones */
    if (m->kind != M_BOOL || m->nmust > 0 || m->nshould < 2)
        return run_single(m, t, error);
    struct maxscore s = {
        .c = m->should, .n = m->nshould, .required = m->nshould, .cut = -INFINITY, .root = m
    };
    s.order = malloc(s.n * sizeof *s.order);
    s.cum = malloc(s.n * sizeof *s.cum);
    int rc = s.order && s.cum ? run_maxscore(&s, t, error) : error_oom();
    free(s.order);
    free(s.cum);
    return rc;
}
