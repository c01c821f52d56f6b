/* fuzz_target.h - what every fuzz target shares: the libFuzzer entry point
 * (also called by the replay driver) and in-memory files for the parts of the
 * library that only read from a path. */
#ifndef CARI_TESTS_FUZZ_TARGET_H
#define CARI_TESTS_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input; aborts (a crash libFuzzer records) when an invariant fails. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An anonymous in-memory file holding data[0..size): *fd is its descriptor
 * (close it when done) and `path` a /proc/self/fd name that opens it. Nothing
 * touches the disk, so parallel fuzzing processes cannot collide. Returns 0 or -1. */
int fuzz_memfile(const uint8_t *data, size_t size, int *fd, char path[64]);

/* Aborts with a message when `cond` is false: the invariant checks of the
 * targets, kept active in every build type (unlike assert). */
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(#cond, __FILE__, __LINE__))
void fuzz_fail(const char *what, const char *file, int line);

#endif
