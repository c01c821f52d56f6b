/* spawn_timer.c - runs a command N times as a whole process (output to
 * /dev/null) and prints the median and 99th percentile of its wall time.
 * Usage: spawn_timer N COMMAND [ARG...] */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int n = argc > 2 ? atoi(argv[1]) : 0;
    if (n <= 0) {
        fprintf(stderr, "usage: spawn_timer N COMMAND [ARG...]\n");
        return 2;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    double *t = malloc((size_t)n * sizeof *t);
    for (int i = 0; i < n; i++) {
        pid_t pid;
        int status;
        double start = now_ms();
        if (posix_spawn(&pid, argv[2], &fa, NULL, argv + 2, environ) != 0) {
            perror(argv[2]);
            return 1;
        }
        waitpid(pid, &status, 0);
        t[i] = now_ms() - start;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "%s exited with %d\n", argv[2], WEXITSTATUS(status));
            return 1;
        }
    }
    qsort(t, (size_t)n, sizeof *t, by_value);
    /* nearest rank, as the in-process timings of bench/peers/common/drv.h */
    printf("runs=%d p50_ms=%.3f p99_ms=%.3f\n", n, t[(n * 50 + 99) / 100 - 1], t[(n * 99 + 99) / 100 - 1]);
    return 0;
}
