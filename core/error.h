/* error.h - return codes plus a thread-local message, the library's one error path. */
#ifndef CARI_CORE_ERROR_H
#define CARI_CORE_ERROR_H

#include "cari.h"

#if defined(__GNUC__)
#define CARI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CARI_PRINTF(a, b)
#endif

/* Records a formatted message for cari_error_last() and returns rc, so that a
 * failure reads `return error_set(CARI_EINPUT, "%s:%zu: ...", ...)`. */
int error_set(int rc, const char *fmt, ...) CARI_PRINTF(2, 3);

/* Like error_set, with ": <strerror(errnum)>" appended. Returns CARI_EIO. */
int error_set_errno(int errnum, const char *fmt, ...) CARI_PRINTF(2, 3);

/* The out-of-memory failure; never allocates. */
int error_oom(void);

#endif
