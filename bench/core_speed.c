/* core_speed.c - which of its two speeds the core runs at, every 20 ms. On
 * this shared machine the host sometimes gives the core's other half to
 * someone else: then branchy code that lives in L1 (what a query's inner
 * loops are) takes twice as long, while a chain of dependent multiplications
 * keeps its time, so it is neither the clock rate nor a cache of ours. A
 * --batch run's p50 follows it (0.24 against 0.35 ms for OR on the 2 GB
 * index), switching within one process and on either core: run this beside a
 * benchmark, on the other core or before and after, to know which speed a
 * figure was taken at.
 *
 * Usage: core_speed SECONDS
 * Prints "seconds branchy_us chain_us" lines: the median time of 100 runs of
 * each loop over the last 20 ms or so. branchy_us doubles in the slow mode.
 * Build: cc -O2 -o core_speed bench/core_speed.c */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { RUNS = 100, ITEMS = 4096 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Unpredictable branches over data in L1, as a postings loop has. */
static uint32_t branchy(const uint32_t *items, const uint8_t *table)
{
    uint32_t s = 0;
    for (int rep = 0; rep < 20; rep++)
        for (int i = 0; i < ITEMS; i++) {
            uint32_t v = items[i];
            if (v & 1)
                s += table[v & 255];
            else
                s ^= v >> 3;
        }
    return s;
}

/* Dependent multiplications: their latency, which a busy other half of the
 * core does not change. */
static uint64_t chain(uint64_t x)
{
    for (int i = 0; i < 10000; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    return x;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 0;
    if (argc != 2 || !(seconds > 0)) {
        fprintf(stderr, "usage: core_speed SECONDS\n");
        return 2;
    }
    static uint32_t items[ITEMS];
    static uint8_t table[256];
    for (uint32_t i = 0; i < ITEMS; i++)
        items[i] = (i * 2654435761u) >> 20;
    for (int i = 0; i < 256; i++)
        table[i] = (uint8_t)(i * 7);
    volatile uint64_t sink = 0;
    double start = now();
    while (now() - start < seconds) {
        double b[RUNS], c[RUNS];
        for (int r = 0; r < RUNS; r++) {
            double t0 = now();
            sink += branchy(items, table);
            double t1 = now();
            sink += chain(sink);
            c[r] = now() - t1;
            b[r] = t1 - t0;
        }
        qsort(b, RUNS, sizeof *b, compare_double);
        qsort(c, RUNS, sizeof *c, compare_double);
        printf("%.2f %.1f %.1f\n", now() - start, b[RUNS / 2] * 1e6, c[RUNS / 2] * 1e6);
        fflush(stdout);
    }
    return 0;
}
