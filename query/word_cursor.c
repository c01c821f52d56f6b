/* word_cursor.c - a query word reads two posting lists, the exact key r and the
 * root key r\x01 (docs/FORMAT.md, namespaces); every token is in one of them,
 * so frequencies add up and positions merge without duplicates. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/error.h"
#include "query/matcher.h"

static int open_key(struct word_cursor *w, const cari_index *ix, const char *key, size_t len,
                    uint32_t *df, int *error)
{
    struct term_entry e;
    int rc = termdict_find(ix, key, len, &e);
    if (rc == CARI_ENOTFOUND)
        return 0;
    if (rc == 0)
        rc = postings_open(&w->c[w->n++], ix, &e, error);
    if (rc == 0)
        *df = e.group_df;
    if (rc != 0 && *error == 0)
        *error = rc;
    return rc;
}

static void settle(struct word_cursor *w)
{
    uint32_t d = CURSOR_END;
    for (int i = 0; i < w->n; i++)
        d = w->c[i].doc < d ? w->c[i].doc : d;
    w->doc = d;
}

int word_cursor_open(struct word_cursor *w, const cari_index *ix, const struct qword *word,
                     int *error)
{
    /* the fields, not the block buffers of the cursors, which they fill */
    w->n = 0;
    w->positions = NULL;
    w->positions_cap = 0;
    w->window = NULL;
    w->window_blocks[0] = w->window_blocks[1] = UINT32_MAX; /* no window yet */
    w->window_lo = w->window_hi = 0;
    uint32_t exact_df = 0, root_df = 0;
    int rc = open_key(w, ix, word->text, word->len, &exact_df, error);
    if (rc == 0 && !word->exact_only) {
        char key[FORMAT_MAX_KEY];
        memcpy(key, word->text, word->len);
        key[word->len] = FORMAT_ROOT_MARK;
        rc = open_key(w, ix, key, (size_t)word->len + 1, &root_df, error);
    }
    /* the root entry carries the df of the union; without it, the exact df is it */
    w->df = root_df > 0 ? root_df : exact_df;
    settle(w);
    if (rc == 0 && w->n == 2 && (w->window = malloc(WORD_WINDOW)) == NULL)
        rc = error_oom();
    return rc;
}

void word_cursor_close(struct word_cursor *w)
{
    free(w->positions);
    free(w->window);
}


/* The merged positions <= limit of the current document in w->positions;
 * returns their count. */
int word_cursor_positions_upto(struct word_cursor *w, uint32_t limit, uint32_t *count)
{
    uint32_t total = word_cursor_tf(w), n = 0, got, none;
    for (int i = 0; i < w->n; i++) /* refused before any buffer is sized by a frequency */
        if (w->c[i].doc == w->doc && w->c[i].positions == w->c[i].positions_end)
            return postings_positions_upto(&w->c[i], limit, &none, &got);
    int rc = array_reserve((void **)&w->positions, &w->positions_cap, (size_t)total * 2 + 1,
                           sizeof *w->positions);
    if (rc != 0)
        return rc;
    uint32_t *tmp = w->positions + total;
    for (int i = 0; i < w->n; i++) {
        if (w->c[i].doc != w->doc)
            continue;
        if ((rc = postings_positions_upto(&w->c[i], limit, n == 0 ? w->positions : tmp, &got)) != 0)
            return rc;
        if (n > 0) { /* merge tmp[0..got) into positions[0..n) from the back */
            uint32_t a = n, b = got, k = n + got;
            while (b > 0) {
                if (a > 0 && w->positions[a - 1] > tmp[b - 1])
                    w->positions[--k] = w->positions[--a];
                else
                    w->positions[--k] = tmp[--b];
            }
        }
        n += got;
    }
    *count = n;
    return 0;
}

void word_cursor_prefetch_positions(struct word_cursor *w)
{
    for (int i = 0; i < w->n; i++)
        if (w->c[i].doc == w->doc)
            postings_prefetch_positions(&w->c[i]);
}

int word_cursor_positions(struct word_cursor *w, uint32_t *count)
{
    return word_cursor_positions_upto(w, UINT32_MAX, count);
}

/* Whether a doc of frequency tf and norm byte `norm` may reach the table's
 * floor: by the table, or above it by the test of matcher_word_below. */
static inline int may_reach(const struct low_table *t, uint32_t tf, uint8_t norm)
{
    if (tf < LOW_TF)
        return (int)norm <= t->max_norm[tf];
    return !bm25_below(t->weight, (float)tf, t->length_factor[norm], t->floor);
}

static void settle_at(postings_cursor *c, uint32_t i)
{
    c->i = i;
    c->doc = c->docs[i];
}

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* The table's norms for the loops below: frequencies from LOW_TF - 1 up
 * share its last entry, made 255 so that every norm passes it to the exact
 * test (few docs have them); the others are ruled out by one comparison. */
struct clamped_table {
    int16_t max_norm[LOW_TF];
};

static void clamp_table(struct clamped_table *c, const struct low_table *t)
{
    memcpy(c->max_norm, t->max_norm, sizeof c->max_norm);
    c->max_norm[LOW_TF - 1] = UINT8_MAX;
}

/* may_reach in two steps: the common outcome first, without a branch on the
 * frequency; a frequency of 255 or more (a saturated sum) always may. */
static inline int may_reach_clamped(const struct clamped_table *c, const struct low_table *t,
                                    uint32_t tf, uint8_t norm)
{
    uint32_t f = tf < LOW_TF - 1 ? tf : LOW_TF - 1;
    if ((int)norm > c->max_norm[f])
        return 0;
    return f < LOW_TF - 1 || tf >= UINT8_MAX || may_reach(t, tf, norm);
}

/* One list: the common case once the other list of the word has ended. It
 * stops on the block's last doc untested (the caller's to move past). */
static void pass_low_one(postings_cursor *c, const struct low_table *t, uint32_t limit)
{
    uint32_t i = c->i, last = c->count - 1;
    if (i == last)
        return;
    struct clamped_table ct;
    clamp_table(&ct, t);
    uint32_t top = min_u32(limit, c->docs[last] - 1); /* docs[last] ends the loop */
    while (c->docs[i] <= top && !may_reach_clamped(&ct, t, c->tfs[i], t->norms[c->docs[i]]))
        i++;
    settle_at(c, i);
}

/* Adds the frequencies of c's docs from its current one up to doc hi into
 * the window of docs from lo, saturated at 255. */
static void window_add(uint8_t *window, const postings_cursor *c, uint32_t lo, uint32_t hi)
{
    for (uint32_t i = c->i; i < c->count && c->docs[i] <= hi; i++) {
        uint32_t v = window[c->docs[i] - lo] + c->tfs[i];
        window[c->docs[i] - lo] = (uint8_t)(v < UINT8_MAX ? v : UINT8_MAX);
    }
}

/* The window of w's two lists: the sums of their frequencies by doc, from
 * the earlier of their current docs to the last doc both have decoded (or
 * WORD_WINDOW docs on), made once for each pair of blocks. */
static void window_fill(struct word_cursor *w)
{
    postings_cursor *a = &w->c[0], *b = &w->c[1];
    uint32_t lo = min_u32(a->doc, b->doc);
    uint32_t ends = min_u32(a->docs[a->count - 1], b->docs[b->count - 1]);
    uint32_t far = lo <= UINT32_MAX - (WORD_WINDOW - 1) ? lo + (WORD_WINDOW - 1) : UINT32_MAX;
    uint32_t hi = min_u32(ends, far);
    memset(w->window, 0, hi - lo + 1);
    window_add(w->window, a, lo, hi);
    window_add(w->window, b, lo, hi);
    w->window_lo = lo;
    w->window_hi = hi;
    w->window_blocks[0] = a->block;
    w->window_blocks[1] = b->block;
}

/* From c's current doc, the index of its first doc up to hi that may reach
 * by the window's sums, or else of its first doc above hi; the block's last
 * doc ends the loop untested (a place to stop on, as the caller must load
 * the next block), so that one comparison a doc keeps it in bounds. */
static uint32_t window_first(const struct word_cursor *w, const postings_cursor *c, uint32_t hi,
                             const struct clamped_table *ct, const struct low_table *t)
{
    uint32_t i = c->i, last = c->count - 1;
    if (i == last)
        return i;
    uint32_t top = min_u32(hi, c->docs[last] - 1);
    const uint8_t *window = w->window - w->window_lo; /* indexed by doc */
    for (; c->docs[i] <= top; i++) {
        uint32_t d = c->docs[i];
        if (may_reach_clamped(ct, t, window[d], t->norms[d]))
            break;
    }
    return i;
}

static void settle_from(postings_cursor *c, uint32_t stop)
{
    uint32_t i = c->i;
    while (c->docs[i] < stop) /* stop is at most the block's last doc */
        i++;
    settle_at(c, i);
}

/* Both lists, merged by doc: a doc in both has the sum of their frequencies,
 * so neither list may judge its docs alone. Instead of a merge, whose every
 * step waits on the last, the window holds the sums, and each list judges
 * its docs by them in a loop of independent steps. It stops where the merge
 * would: on the first doc that may reach, the first past limit, or the last
 * decoded doc of either list (the next block is the caller's to load); or
 * earlier, on the first doc past the window or a block's last doc, which the
 * caller tests and moves past. */
static void pass_low_two(struct word_cursor *w, const struct low_table *t, uint32_t limit)
{
    postings_cursor *a = &w->c[0], *b = &w->c[1];
    uint32_t lo = min_u32(a->doc, b->doc);
    if (lo > limit)
        return;
    if (a->block != w->window_blocks[0] || b->block != w->window_blocks[1] ||
        lo < w->window_lo || lo > w->window_hi)
        window_fill(w);
    struct clamped_table ct;
    clamp_table(&ct, t);
    uint32_t ends = min_u32(a->docs[a->count - 1], b->docs[b->count - 1]);
    uint32_t hi = min_u32(w->window_hi, limit);
    uint32_t da = a->docs[window_first(w, a, hi, &ct, t)];
    uint32_t db = b->docs[window_first(w, b, min_u32(hi, da - 1), &ct, t)];
    uint32_t stop = min_u32(min_u32(da, db), ends);
    settle_from(a, stop);
    settle_from(b, stop);
}

void word_cursor_pass_low(struct word_cursor *w, const struct low_table *t, uint32_t limit)
{
    postings_cursor *live[2];
    int n = 0;
    for (int i = 0; i < w->n; i++)
        if (w->c[i].doc != CURSOR_END)
            live[n++] = &w->c[i];
    if (n == 1)
        pass_low_one(live[0], t, limit);
    else if (n == 2)
        pass_low_two(w, t, limit);
    settle(w);
}
