/* lookup_bench.c - termdict_find per key: every 50th key of the dictionary
 * (hits), in a fixed shuffled order, then each with a byte appended (nearly
 * all misses: a lookup that ends in the block's keys); the median of 9
 * rounds, in nanoseconds per lookup. For comparing two dictionary layouts:
 * build it against each and time both, alternated, on their own index.
 * Usage: lookup_bench INDEX [REPEATS]   (REPEATS passes per round, default 4) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_timing.h"
#include "query/index_reader.h"
#include "query/termdict_reader.h"

enum { MAX_KEYS = 10000, EVERY = 50, ROUNDS = 9 };

struct keys {
    char key[MAX_KEYS][FORMAT_MAX_KEY + 1];
    size_t len[MAX_KEYS];
    int n;
};

static int collect(const cari_index *ix, struct keys *k)
{
    uint32_t seen = 0;
    for (uint32_t b = 0; b < ix->nblocks && k->n < MAX_KEYS; b++) {
        term_block_reader r;
        struct term_entry e;
        int rc = term_block_start(&r, ix, b);
        while (rc == 0 && (rc = term_block_next(&r, &e)) == 0)
            if (seen++ % EVERY == 0 && k->n < MAX_KEYS) {
                memcpy(k->key[k->n], r.key, r.key_len);
                k->len[k->n++] = r.key_len;
            }
        if (rc != CARI_ITEROVER && rc != 0)
            return rc;
    }
    srand(1); /* the same order for every build */
    for (int i = k->n - 1; i > 0; i--) {
        int j = rand() % (i + 1);
        char t[FORMAT_MAX_KEY + 1];
        size_t tl = k->len[i];
        memcpy(t, k->key[i], sizeof t);
        memcpy(k->key[i], k->key[j], sizeof t);
        memcpy(k->key[j], t, sizeof t);
        k->len[i] = k->len[j];
        k->len[j] = tl;
    }
    return 0;
}

/* One round: ns per lookup; `miss` appends a byte to each key. */
static double round_ns(const cari_index *ix, const struct keys *k, int repeats, int miss,
                       uint64_t *sink)
{
    double t0 = now();
    for (int rep = 0; rep < repeats; rep++)
        for (int i = 0; i < k->n; i++) {
            char key[FORMAT_MAX_KEY + 2];
            memcpy(key, k->key[i], k->len[i]);
            key[k->len[i]] = 'q';
            struct term_entry e;
            if (termdict_find(ix, key, k->len[i] + (size_t)miss, &e) == 0)
                *sink += e.positions_off + e.df;
        }
    return (now() - t0) / ((double)repeats * k->n) * 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: lookup_bench INDEX [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 2 ? atoi(argv[2]) : 4;
    cari_index *ix;
    struct keys *k = calloc(1, sizeof *k);
    if (k == NULL || cari_index_open(&ix, argv[1], 0) != 0 || collect(ix, k) != 0 || k->n == 0) {
        fprintf(stderr, "lookup_bench: %s\n", cari_error_last());
        return 3;
    }
    double hit[ROUNDS], miss[ROUNDS];
    uint64_t sink = 0;
    for (int r = 0; r < ROUNDS; r++) {
        hit[r] = round_ns(ix, k, repeats < 1 ? 1 : repeats, 0, &sink);
        miss[r] = round_ns(ix, k, repeats < 1 ? 1 : repeats, 1, &sink);
    }
    qsort(hit, ROUNDS, sizeof *hit, by_value);
    qsort(miss, ROUNDS, sizeof *miss, by_value);
    printf("%d keys: hit median %.1f ns (min %.1f), miss median %.1f ns (min %.1f) [%u]\n", k->n,
           hit[ROUNDS / 2], hit[0], miss[ROUNDS / 2], miss[0], (unsigned)(sink % 7));
    cari_index_close(ix);
    free(k);
    return 0;
}
