/* positions_size.c - what POSITIONS would take in other codes: decodes every
 * positional term's positions of an index (through the query side, so it
 * reads any format the library reads) and sums, per postings block, the
 * bytes of a few candidate codes, next to a lower bound (positions uniform
 * in the document: log2 C(length + 1, tf) bits per document). It chose the
 * code of format 3 (docs/FORMAT.md, POSITIONS).
 * Usage: positions_size INDEX */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/endian.h"
#include "core/norms.h"
#include "core/rice.h"
#include "core/varint.h"
#include "query/index_reader.h"
#include "query/postings_cursor.h"
#include "query/termdict_reader.h"

enum { GROUP = 128 };

/* Bits of one Rice group of v[0..n) at its best k (format 2). */
static uint64_t group_bits(const uint32_t *v, size_t n)
{
    uint64_t best = UINT64_MAX;
    for (unsigned k = 0; k <= RICE_MAX_K; k++) {
        uint64_t bits = (uint64_t)n * (1 + k);
        for (size_t i = 0; i < n; i++)
            bits += v[i] >> k;
        best = bits < best ? bits : best;
    }
    return best;
}

/* Bytes of format 2's run: groups of 128 values, a k byte each and the
 * length of every group but the last. */
static double groups_bytes(const uint32_t *v, size_t n)
{
    double total = 0;
    for (size_t at = 0; at < n; at += GROUP) {
        size_t m = n - at < GROUP ? n - at : GROUP;
        uint64_t bytes = (group_bits(v + at, m) + 7) / 8;
        total += 1 + (at + m < n ? varint_size(bytes) : 0) + (double)bytes;
    }
    return total;
}

/* Bits of x in [0, range) in truncated binary (range >= 1). */
static double truncated_bits(uint64_t x, uint64_t range)
{
    if (range <= 1)
        return 0;
    unsigned b = 0;
    while ((1ull << b) < range)
        b++;
    return x < (1ull << b) - range ? b - 1 : b; /* the first values take a bit less */
}

/* Binary interpolative code of the increasing v[0..n) within [lo, hi]. */
static double interpolative_bits(const uint32_t *v, size_t n, uint64_t lo, uint64_t hi)
{
    if (n == 0)
        return 0;
    size_t m = n / 2;
    uint64_t low = lo + m, high = hi - (n - 1 - m);
    double bits = truncated_bits(v[m] - low, high - low + 1);
    if (m > 0)
        bits += interpolative_bits(v, m, lo, (uint64_t)v[m] - 1);
    return bits + interpolative_bits(v + m + 1, n - m - 1, (uint64_t)v[m] + 1, hi);
}

static double log2_choose(uint64_t n, uint64_t k)
{
    return (lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1)) / log(2);
}

/* One block's values, and the sums over all blocks (in bits). */
struct sizes {
    uint32_t *values, *firsts, *gaps, *pos;
    uint8_t *ks;
    size_t nv, nf, ng, cap;
    double block_first_tb, block_interp, block_per_doc; /* the current block's bits */
    double mixed, split, firsts_only, first_tb, interp, per_doc, per_doc_run, bound;
    uint64_t values_total, docs, tf1_docs;
};

static void grow(struct sizes *s, size_t need)
{
    if (need <= s->cap)
        return;
    s->cap = need * 2;
    s->values = realloc(s->values, s->cap * sizeof *s->values);
    s->firsts = realloc(s->firsts, s->cap * sizeof *s->firsts);
    s->gaps = realloc(s->gaps, s->cap * sizeof *s->gaps);
    s->pos = realloc(s->pos, s->cap * sizeof *s->pos);
    s->ks = realloc(s->ks, s->cap);
    if (!s->values || !s->firsts || !s->gaps || !s->pos || !s->ks)
        abort();
}

/* Adds the block's runs in every code; byte-aligned as a run is. */
static void end_block(struct sizes *s)
{
    if (s->nf == 0)
        return;
    s->mixed += 8 * groups_bytes(s->values, s->nv);
    double firsts = 8 * groups_bytes(s->firsts, s->nf), gaps = 8 * groups_bytes(s->gaps, s->ng);
    s->split += firsts + gaps;
    s->firsts_only += firsts;
    s->first_tb += ceil(s->block_first_tb / 8) * 8 + gaps;
    s->interp += ceil(s->block_interp / 8) * 8;
    s->per_doc += ceil(s->block_per_doc / 8) * 8;
    s->per_doc_run += 8.0 * rice_run_size(s->values, s->ks, s->nv);
    s->nv = s->nf = s->ng = 0;
    s->block_first_tb = s->block_interp = s->block_per_doc = 0;
}

/* Bits of a document's values at the k that minimises them (float log2 of
 * ln 2 times the mean gap, no integer rounding), with the first in truncated
 * binary: what a k from length and tf can reach at best. */
static double per_doc_bits(const uint32_t *v, uint32_t tf, uint32_t top)
{
    double mean = ((double)top + 1 - tf) / tf;
    unsigned k = mean * 0.69 >= 1 ? (unsigned)floor(log2(mean * 0.69)) : 0;
    double bits = truncated_bits(v[0], (uint64_t)top - (tf - 1) + 1);
    for (uint32_t j = 1; j < tf; j++)
        bits += 1 + k + (v[j] >> k);
    return bits;
}

static void add_doc(struct sizes *s, uint32_t tf, uint32_t len)
{
    uint32_t top = len > s->pos[tf - 1] ? len : s->pos[tf - 1];
    unsigned k = rice_doc_k(norm_encode(len), tf);
    uint32_t *v = s->values + s->nv;
    for (uint32_t j = 0; j < tf; j++) {
        v[j] = j == 0 ? s->pos[0] : s->pos[j] - s->pos[j - 1] - 1;
        s->ks[s->nv + j] = (uint8_t)k;
        if (j == 0)
            s->firsts[s->nf++] = v[j];
        else
            s->gaps[s->ng++] = v[j];
    }
    s->nv += tf;
    s->block_first_tb += truncated_bits(s->pos[0], (uint64_t)top - (tf - 1) + 1);
    s->block_interp += interpolative_bits(s->pos, tf, 0, top);
    s->block_per_doc += per_doc_bits(v, tf, top);
    s->bound += log2_choose((uint64_t)top + 1, tf);
    s->values_total += tf;
    s->docs++;
    s->tf1_docs += tf == 1;
}

static int add_term(struct sizes *s, const cari_index *ix, const struct term_entry *e)
{
    const uint8_t *lengths = ix->sec[SECTION_DOC_LENGTHS].data;
    int error = 0;
    postings_cursor c;
    if (postings_open(&c, ix, e, &error) != 0)
        return -1;
    for (uint32_t block = 0; c.doc != CURSOR_END; postings_next(&c)) {
        if (c.block != block)
            end_block(s), block = c.block;
        uint32_t tf = postings_tf(&c);
        grow(s, s->nv + tf);
        if (postings_positions(&c, s->pos) != 0)
            return -1;
        add_doc(s, tf, le32_load(lengths + 4 * (size_t)c.doc));
    }
    end_block(s);
    return error != 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    cari_index *ix;
    if (argc != 2 || cari_index_open(&ix, argv[1], 0) != 0) {
        fprintf(stderr, "usage: positions_size INDEX\n");
        return 2;
    }
    struct sizes s = { 0 };
    for (uint32_t b = 0; b < ix->nblocks; b++) {
        term_block_reader r;
        struct term_entry e;
        int rc = term_block_start(&r, ix, b);
        while (rc == 0 && (rc = term_block_next(&r, &e)) == 0)
            if (e.positions_len > 0 && add_term(&s, ix, &e) != 0)
                rc = -1;
        if (rc != CARI_ITEROVER) {
            fprintf(stderr, "positions_size: %s\n", cari_error_last());
            return 3;
        }
    }
    printf("%llu positions in %llu (term, document) pairs, %llu of them with tf 1\n",
           (unsigned long long)s.values_total, (unsigned long long)s.docs,
           (unsigned long long)s.tf1_docs);
    printf("| code | MiB | bits per position |\n|---|---|---|\n");
    struct { const char *name; double bits; } rows[] = {
        { "format 2: [first, gap-1...] in groups of 128, a k each", s.mixed },
        { "firsts and gaps in groups of their own", s.split },
        { "(the firsts alone)", s.firsts_only },
        { "firsts in truncated binary within the length, gaps in groups", s.first_tb },
        { "interpolative, each document within [0, length]", s.interp },
        { "a k per document from length / tf (float), first truncated", s.per_doc },
        { "format 3: a k per document from its norm and tf", s.per_doc_run },
        { "bound: log2 C(length + 1, tf) per document", s.bound },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        printf("| %s | %.2f | %.2f |\n", rows[i].name, rows[i].bits / (8.0 * 1024 * 1024),
               rows[i].bits / (double)s.values_total);
    free(s.values), free(s.firsts), free(s.gaps), free(s.pos), free(s.ks);
    cari_index_close(ix);
    return 0;
}
