/* error.c - cari_strerror and the thread-local last-error message. */
#include "core/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { ERROR_MESSAGE_MAX = 1024 };

static _Thread_local char last_message[ERROR_MESSAGE_MAX];

const char *cari_version(void) { return CARI_VERSION_STRING; }

const char *cari_error_last(void) { return last_message; }

const char *cari_strerror(int rc)
{
    switch (rc) {
    case CARI_OK: return "success";
    case CARI_ENOMEM: return "out of memory";
    case CARI_EIO: return "input/output error";
    case CARI_EINVAL: return "invalid argument";
    case CARI_ENOTFOUND: return "not found";
    case CARI_ECORRUPT: return "index is corrupt";
    case CARI_EVERSION: return "unsupported index version";
    case CARI_ESYNTAX: return "query syntax error";
    case CARI_EINPUT: return "malformed input";
    case CARI_ELIMIT: return "size limit exceeded";
    case CARI_ITEROVER: return "no more items";
    default: return "unknown error";
    }
}

int error_set(int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    return rc;
}

int error_set_errno(int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof last_message)
        snprintf(last_message + n, sizeof last_message - (size_t)n, ": %s", strerror(errnum));
    return errnum == ENOMEM ? CARI_ENOMEM : CARI_EIO;
}

int error_oom(void)
{
    static const char msg[] = "out of memory";
    memcpy(last_message, msg, sizeof msg);
    return CARI_ENOMEM;
}
