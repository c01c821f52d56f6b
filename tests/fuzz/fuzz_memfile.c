/* fuzz_memfile.c - memfd-backed files and the invariant failure of the targets. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_target.h"

int fuzz_memfile(const uint8_t *data, size_t size, int *fd, char path[64])
{
    *fd = memfd_create("cari-fuzz", MFD_CLOEXEC);
    if (*fd < 0)
        return -1;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(*fd, data + done, size - done);
        if (n <= 0) {
            close(*fd);
            return -1;
        }
        done += (size_t)n;
    }
    snprintf(path, 64, "/proc/self/fd/%d", *fd);
    return 0;
}

void fuzz_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, what);
    abort();
}
