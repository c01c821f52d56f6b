/* fuzz_postings_decode.c - one term's postings and positions from arbitrary
 * bytes (layout in fuzz_postings_decode.h), walked the ways a query walks them:
 * next, advance to targets, positions of each document. Every document the
 * cursor yields is increasing and below N, every frequency at least 1, and
 * positions never go back within a document. */
#include <stdlib.h>
#include <string.h>

#include "core/endian.h"
#include "core/norms.h"
#include "query/postings_cursor.h"
#include "tests/fuzz/fuzz_postings_decode.h"
#include "tests/fuzz/fuzz_target.h"

/* Positions are fetched like word_cursor does, into room for tf of them; a
 * frequency beyond this bound is not worth the allocation in a fuzzer. */
enum { MAX_FUZZ_TF = 1 << 16, FUZZ_MAX_DOCS = 1 << 20 };

static void check_positions(postings_cursor *c, uint32_t *pos)
{
    uint32_t tf = postings_tf(c);
    size_t bytes = (size_t)(c->positions_end - c->positions);
    /* each position takes a bit at least: callers size their buffers by tf;
     * a term stored without positions refuses to give any */
    FUZZ_CHECK(tf >= 1 && (bytes == 0 || tf <= 8 * (uint64_t)bytes));
    if (bytes == 0) {
        FUZZ_CHECK(postings_positions(c, pos) != 0);
        return;
    }
    if (tf > MAX_FUZZ_TF || postings_positions(c, pos) != 0)
        return;
    for (uint32_t k = 1; k < tf; k++)
        FUZZ_CHECK(pos[k] >= pos[k - 1]);
}

/* Walks the whole list with next(); returns how many documents it holds. */
static uint32_t walk(postings_cursor *c, uint32_t ndocs, uint32_t *pos)
{
    uint32_t n = 0, prev = 0;
    for (; c->doc != CURSOR_END; postings_next(c), n++) {
        FUZZ_CHECK(c->doc < ndocs && (n == 0 || c->doc > prev));
        prev = c->doc;
        check_positions(c, pos);
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < FUZZ_POSTINGS_HEADER)
        return 0;
    uint32_t ndocs = le32_load(data), df = le32_load(data + 4);
    uint64_t plen = le32_load(data + 8), rest = size - FUZZ_POSTINGS_HEADER;
    if (plen > rest)
        plen = rest;
    /* what the dictionary reader guarantees before a cursor is opened */
    if (ndocs == 0 || ndocs == UINT32_MAX || df == 0 || df > ndocs)
        return 0;
    /* a cursor reads its documents' norms: an index has one byte per document */
    if (ndocs > FUZZ_MAX_DOCS)
        ndocs = FUZZ_MAX_DOCS, df = df < ndocs ? df : ndocs;
    /* a term of one document has it in its dictionary entry, no POSTINGS bytes:
     * here the postings_len field names the document */
    uint32_t single_doc = 0;
    if (df == 1)
        single_doc = (uint32_t)(le32_load(data + 8) % ndocs), plen = 0;
    uint8_t *norms = malloc(ndocs);
    if (norms == NULL)
        abort();
    memset(norms, norm_encode(FUZZ_DOC_LENGTH), ndocs); /* what the seeds' positions were coded for */
    cari_index ix = { .path = "fuzz", .ndocs = ndocs, .norms = norms };
    /* private copies, so that ASan sees any read past the sections */
    uint8_t *post = malloc(plen + 1), *positions = malloc(rest - plen + 1);
    uint32_t *pos = malloc(sizeof *pos * MAX_FUZZ_TF);
    if (post == NULL || positions == NULL || pos == NULL)
        abort();
    memcpy(post, data + FUZZ_POSTINGS_HEADER, plen);
    memcpy(positions, data + FUZZ_POSTINGS_HEADER + plen, rest - plen);
    ix.sec[SECTION_POSTINGS] = (struct section_view){ post, 0, plen, 0, 1 };
    ix.sec[SECTION_POSITIONS] = (struct section_view){ positions, 0, rest - plen, 0, 1 };
    struct term_entry e = { .df = df, .group_df = df, .cf = df, .max_tf = 1, .doc = single_doc,
                            .postings_len = plen, .positions_len = rest - plen };
    int error = 0;
    postings_cursor c;
    if (postings_open(&c, &ix, &e, &error) == 0) {
        uint32_t n = walk(&c, ndocs, pos);
        FUZZ_CHECK(error != 0 || n == df);
    }
    /* skipping: targets taken from the input, each ahead of the last */
    error = 0;
    if (postings_open(&c, &ix, &e, &error) == 0) {
        const uint8_t *steer = data + FUZZ_POSTINGS_HEADER;
        for (size_t i = 0; c.doc != CURSOR_END && i + 2 <= rest && i < 64; i += 2) {
            uint64_t ahead = c.doc + 1 + (uint64_t)(steer[i] | steer[i + 1] << 8);
            uint32_t target = ahead < UINT32_MAX ? (uint32_t)ahead : UINT32_MAX - 1;
            postings_advance(&c, target);
            FUZZ_CHECK(c.doc == CURSOR_END || c.doc >= target);
            if (c.doc != CURSOR_END)
                check_positions(&c, pos);
        }
    }
    free(pos);
    free(norms);
    free(positions);
    free(post);
    return 0;
}
