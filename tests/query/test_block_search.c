/* How the cursor finds a target's block through the skip entries (galloping
 * from its current block, then a binary search): on a term of 300 full
 * blocks and a tail, every jump from one block to up to all of them lands on
 * the first doc >= target, as a walk over the docs says. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/block_best.h"
#include "core/block_cover.h"
#include "indexer/postings_writer.h"
#include "query/postings_cursor.h"

enum { BLOCKS = 300, DF = BLOCKS * 128 + 17, NDOCS = 3 * DF + 10 };

struct term {
    uint32_t docs[DF], tfs[DF];
    uint64_t starts[DF];
    uint8_t *norms;
    buf post;
    cari_index ix;
    struct term_entry e;
};

static struct term t;

/* Docs 3i or 3i + 1 (gaps of 2 to 4), tf 1, no positions. */
static void setup(void)
{
    memset(&t, 0, sizeof t);
    t.norms = calloc(NDOCS, 1);
    for (uint32_t i = 0; i < DF; i++) {
        t.docs[i] = 3 * i + i % 2;
        t.tfs[i] = 1;
        t.norms[t.docs[i]] = (uint8_t)(i % 40);
    }
    buf scratch = BUF_INIT;
    struct term_postings p = { t.docs, t.tfs, t.starts, DF, NDOCS };
    float length_factor[256];
    block_cover_length_factors(length_factor, BM25_DEFAULT_K1, BM25_DEFAULT_B, 20.0);
    static uint16_t best[BLOCKS + 1];
    block_best_values(best, t.docs, t.tfs, DF, NULL, NULL, 0, t.norms, length_factor);
    cr_assert_eq(postings_encode(&t.post, &scratch, &p, t.norms, length_factor, best), 0);
    buf_free(&scratch);
    t.ix.path = "test";
    t.ix.ndocs = NDOCS;
    t.ix.norms = t.norms;
    t.ix.sec[SECTION_POSTINGS] = (struct section_view){ t.post.data, 0, t.post.len, 0, 1 };
    t.e = (struct term_entry){ .df = DF, .group_df = DF, .cf = DF, .max_tf = 1,
                               .postings_len = t.post.len };
}

static void teardown(void)
{
    buf_free(&t.post);
    free(t.norms);
}

TestSuite(block_search, .init = setup, .fini = teardown);

/* The first doc >= target, or CURSOR_END. */
static uint32_t first_from(uint32_t target)
{
    uint32_t lo = 0, hi = DF;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t.docs[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < DF ? t.docs[lo] : CURSOR_END;
}

static void open_at(postings_cursor *c, int *error, uint32_t doc)
{
    cr_assert_eq(postings_open(c, &t.ix, &t.e, error), 0, "%s", cari_error_last());
    postings_advance(c, doc);
    cr_assert_eq(c->doc, first_from(doc));
}

Test(block_search, every_jump_from_a_block_lands_on_the_first_doc_at_or_past_it)
{
    static const uint32_t from[] = { 0, 1, 2, 7, 100, 254, 298, BLOCKS - 1 };
    int error = 0;
    postings_cursor c;
    for (size_t f = 0; f < sizeof from / sizeof *from; f++)
        for (uint32_t jump = 1; from[f] + jump <= BLOCKS; jump++)
            for (uint32_t at = 0; at < 3; at++) { /* a block's first doc, its middle, past its last */
                uint32_t b = from[f] + jump;
                uint32_t i = at == 0 ? b * 128 : at == 1 ? b * 128 + 60 : b * 128 - 1;
                uint32_t target = at == 2 ? t.docs[i] + 1 : t.docs[i < DF ? i : DF - 1];
                open_at(&c, &error, t.docs[from[f] * 128 + 5]);
                postings_advance(&c, target);
                cr_assert_eq(c.doc, first_from(target), "block %u + %u, target %u: %u, want %u",
                             from[f], jump, target, c.doc, first_from(target));
                cr_assert_eq(postings_tf(&c), 1);
            }
    open_at(&c, &error, 10);
    postings_advance(&c, t.docs[DF - 1] + 1); /* past the last doc, from the first block */
    cr_assert_eq(c.doc, CURSOR_END);
    cr_assert_eq(error, 0);
}

Test(block_search, random_walks_match_the_docs)
{
    int error = 0;
    postings_cursor c;
    for (uint32_t seed = 1; seed <= 40; seed++) {
        uint32_t state = seed * 2654435761u, target = 0, max_step = 1u << (seed % 17);
        open_at(&c, &error, 0);
        while (c.doc != CURSOR_END) {
            state = state * 1103515245u + 12345u;
            target = c.doc + 1 + (state >> 8) % max_step;
            postings_advance(&c, target);
            cr_assert_eq(c.doc, first_from(target), "seed %u target %u: %u, want %u", seed,
                         target, c.doc, first_from(target));
        }
    }
    cr_assert_eq(error, 0);
}
