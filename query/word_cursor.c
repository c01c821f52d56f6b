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
    w->exact = w->root = -1;
    w->positions = NULL;
    w->positions_cap = 0;
    uint32_t exact_df = 0, root_df = 0;
    int rc = open_key(w, ix, word->text, word->len, &exact_df, error);
    w->exact = w->n > 0 ? 0 : -1;
    if (rc == 0 && !word->exact_only) {
        char key[FORMAT_MAX_KEY];
        memcpy(key, word->text, word->len);
        key[word->len] = FORMAT_ROOT_MARK;
        int before = w->n;
        rc = open_key(w, ix, key, (size_t)word->len + 1, &root_df, error);
        w->root = w->n > before ? before : -1;
    }
    /* the root entry carries the df of the union; without it, the exact df is it */
    w->df = root_df > 0 ? root_df : exact_df;
    settle(w);
    return rc;
}

void word_cursor_close(struct word_cursor *w) { free(w->positions); }


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

/* One list: the common case once the other list of the word has ended. */
static void pass_low_one(postings_cursor *c, const struct low_table *t, uint32_t limit)
{
    uint32_t i = c->i, last = c->count - 1;
    while (i < last && c->docs[i] <= limit && !may_reach(t, c->tfs[i], t->norms[c->docs[i]]))
        i++;
    settle_at(c, i);
}

/* Both lists, merged by doc: a doc in both has the sum of their frequencies,
 * so neither list may judge its docs alone. Each step waits on the last (the
 * next doc depends on which list had the lower one), so each list's next doc
 * is read a step ahead: a step then waits on a compare and a select, not on
 * a load (the next-but-one read is clamped to the block). */
static void pass_low_merge(postings_cursor *a, postings_cursor *b, const struct low_table *t,
                           uint32_t limit)
{
    uint32_t ia = a->i, ib = b->i, last_a = a->count - 1, last_b = b->count - 1;
    uint32_t da = a->docs[ia], db = b->docs[ib];
    uint32_t da_next = a->docs[ia < last_a ? ia + 1 : ia], db_next = b->docs[ib < last_b ? ib + 1 : ib];
    for (;;) {
        uint32_t d = da < db ? da : db;
        uint32_t in_a = da == d, in_b = db == d; /* masks, not branches: docs alternate */
        uint32_t tf = (a->tfs[ia] & (0u - in_a)) + (b->tfs[ib] & (0u - in_b));
        if (d > limit || may_reach(t, tf, t->norms[d]))
            break;
        uint32_t na = ia + in_a, nb = ib + in_b;
        if (na > last_a || nb > last_b) /* the next block is the caller's to load */
            break;
        ia = na, ib = nb;
        da = (da_next & (0u - in_a)) | (da & (in_a - 1u));
        db = (db_next & (0u - in_b)) | (db & (in_b - 1u));
        da_next = a->docs[ia < last_a ? ia + 1 : ia], db_next = b->docs[ib < last_b ? ib + 1 : ib];
    }
    settle_at(a, ia);
    settle_at(b, ib);
}

/* From index i of c, while its docs stay below `below` (and up to limit):
 * the index of the first doc that may reach, or is c's last decoded one, or
 * is not below `below`. The next index does not wait on the doc just read,
 * so the steps of a long run overlap. */
static uint32_t pass_run(const postings_cursor *c, uint32_t i, uint32_t below, uint32_t limit,
                         const struct low_table *t)
{
    uint32_t last = c->count - 1, top = below - 1 < limit ? below - 1 : limit;
    while (i < last && c->docs[i] <= top && !may_reach(t, c->tfs[i], t->norms[c->docs[i]]))
        i++;
    return i;
}

/* The same walk as pass_low_merge, where one list is much denser than the
 * other: its runs of docs before the other's next are judged alone, each a
 * loop of steps that overlap (pass_run); a doc of both adds the two. */
static void pass_low_runs(postings_cursor *a, postings_cursor *b, const struct low_table *t,
                          uint32_t limit)
{
    uint32_t ia = a->i, ib = b->i;
    for (;;) {
        uint32_t da = a->docs[ia], db = b->docs[ib];
        if (da != db) { /* a run of the list behind, alone up to the other's doc */
            postings_cursor *c = da < db ? a : b;
            uint32_t *i = da < db ? &ia : &ib, ahead = da < db ? db : da;
            *i = pass_run(c, *i, ahead, limit, t);
            if (c->docs[*i] < ahead) /* stopped on a doc that may reach, past limit, or last */
                break;
            continue;
        }
        if (da > limit || may_reach(t, a->tfs[ia] + b->tfs[ib], t->norms[da]))
            break;
        if (ia + 1 == a->count || ib + 1 == b->count)
            break;
        ia++, ib++;
    }
    settle_at(a, ia);
    settle_at(b, ib);
}

/* Whether the docs of one decoded block lie RUNS_APART times closer
 * together than the other's: then runs of one list come between two docs of
 * the other. Where the two alternate, a run ends every doc or two, on a
 * branch no predictor guesses, and the merge is faster. */
enum { RUNS_APART = 4 };

static int runs_apart(const postings_cursor *a, const postings_cursor *b)
{
    uint64_t ga = (uint64_t)(a->docs[a->count - 1] - a->docs[a->i]) * (b->count - b->i);
    uint64_t gb = (uint64_t)(b->docs[b->count - 1] - b->docs[b->i]) * (a->count - a->i);
    return ga > RUNS_APART * gb || gb > RUNS_APART * ga;
}

static void pass_low_two(postings_cursor *a, postings_cursor *b, const struct low_table *t,
                         uint32_t limit)
{
    if (runs_apart(a, b))
        pass_low_runs(a, b, t, limit);
    else
        pass_low_merge(a, b, t, limit);
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
        pass_low_two(live[0], live[1], t, limit);
    settle(w);
}
