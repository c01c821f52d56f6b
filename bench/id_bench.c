/* id_bench.c - cari_index_doc_id per call: every document's id, in a fixed
 * shuffled order (as a top k picks them), the median of 9 rounds in
 * nanoseconds per id. Front-coded ids decode up to 15 predecessors each, and
 * a --batch query maps its top k through this call, so it must stay far
 * below the time of a query.
 * Usage: id_bench INDEX [REPEATS]   (REPEATS passes per round, default 4) */
#include <stdio.h>
#include <stdlib.h>

#include "bench_timing.h"
#include "cari.h"

enum { ROUNDS = 9 };

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: id_bench INDEX [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 2 ? atoi(argv[2]) : 4;
    cari_index *ix;
    if (cari_index_open(&ix, argv[1], 0) != 0) {
        fprintf(stderr, "id_bench: %s\n", cari_error_last());
        return 3;
    }
    uint32_t n = cari_index_doc_count(ix);
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    uint64_t seed = 0x9E3779B97F4A7C15u; /* a fixed shuffle, the same in every run */
    for (uint32_t i = n; i > 1; i--) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        uint32_t j = (uint32_t)((seed >> 33) % i), t = order[i - 1];
        order[i - 1] = order[j], order[j] = t;
    }
    double ns[ROUNDS];
    size_t bytes = 0;
    char id[CARI_ID_MAX + 1];
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now();
        for (int k = 0; k < repeats; k++)
            for (uint32_t i = 0; i < n; i++) {
                size_t len;
                if (cari_index_doc_id(ix, order[i], id, sizeof id, &len) != 0) {
                    fprintf(stderr, "id_bench: %s\n", cari_error_last());
                    return 3;
                }
                bytes += len;
            }
        ns[r] = (now() - t0) * 1e9 / ((double)n * repeats > 0 ? (double)n * repeats : 1);
    }
    qsort(ns, ROUNDS, sizeof *ns, by_value);
    printf("ids=%u ns_per_id median=%.1f min=%.1f max=%.1f (bytes %zu)\n", n, ns[ROUNDS / 2], ns[0],
           ns[ROUNDS - 1], bytes);
    free(order);
    cari_index_close(ix);
    return 0;
}
