/* bench_timing.h - the clock and the sort of the in-process benchmarks
 * (lookup_bench, id_bench): seconds on the monotonic clock, and an order of
 * doubles for qsort, to take the median of their rounds. */
#ifndef CARI_BENCH_TIMING_H
#define CARI_BENCH_TIMING_H

#include <time.h>

static inline double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static inline int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
