/* analyzer_bench.c - how fast the analysis chain turns running text into
 * terms: MB of text per second of CPU time on one core (the thread's CPU
 * clock, so that other processes on a shared machine do not count), warm
 * (after a first pass has filled the memo, as after the first documents of an
 * index build).
 * Usage: analyzer_bench FILE [PASSES]   (plain text or JSON Lines: it is all text) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cari.h"

static int count_token(const cari_token *t, void *payload)
{
    (void)t;
    ++*(size_t *)payload;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 20, n = 0, got;
    char *data = malloc(cap);
    while (data != NULL && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *more = realloc(data, cap *= 2);
            if (more == NULL)
                free(data);
            data = more;
        }
    }
    fclose(f);
    *len = n;
    return data;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: analyzer_bench FILE [PASSES]\n");
        return 2;
    }
    int passes = argc > 2 ? atoi(argv[2]) : 3;
    size_t len, tokens = 0;
    char *text = read_all(argv[1], &len);
    cari_analyzer *a;
    if (text == NULL || cari_analyzer_new(&a) != 0) {
        fprintf(stderr, "analyzer_bench: cannot read %s or make the analyzer\n", argv[1]);
        return 1;
    }
    double t0 = now();
    cari_analyze(a, text, len, count_token, &tokens); /* cold: fills the memo */
    double cold = now() - t0, best = 0;
    for (int p = 0; p < passes; p++) {
        size_t n = 0;
        t0 = now();
        if (cari_analyze(a, text, len, count_token, &n) != 0)
            return 1;
        double s = now() - t0;
        best = p == 0 || s < best ? s : best;
    }
    printf("bytes=%zu tokens=%zu cold_mb_s=%.1f warm_mb_s=%.1f warm_tokens_per_s=%.0f\n", len,
           tokens, len / cold / 1e6, len / best / 1e6, tokens / best);
    cari_analyzer_free(a);
    free(text);
    return 0;
}
