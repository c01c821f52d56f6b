/* stale_temp.c - a build killed by SIGKILL (or a power cut) cannot remove
 * its PATH.tmp-PID; the next build of the same PATH does. The PID in the name
 * tells whether the owner is gone: kill(pid, 0) fails with ESRCH only for a
 * process that does not exist (EPERM means alive, owned by someone else). */
#include "indexer/stale_temp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* The PID of a name `base`.tmp-DIGITS, or 0 when the name is not one. */
static long temp_owner(const char *name, const char *base, size_t base_len)
{
    static const char mark[] = ".tmp-";
    if (strncmp(name, base, base_len) != 0 || strncmp(name + base_len, mark, sizeof mark - 1) != 0)
        return 0;
    const char *digits = name + base_len + sizeof mark - 1;
    if (*digits < '1' || *digits > '9')
        return 0;
    long pid = 0;
    for (const char *p = digits; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || pid > 99999999)
            return 0;
        pid = pid * 10 + (*p - '0');
    }
    return pid;
}

static int owner_is_gone(long pid)
{
    return pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int stale_temp_remove(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    size_t dir_len = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
    char *dir = slash == NULL ? strdup(".") : strndup(path, dir_len);
    if (dir == NULL)
        return 0;
    DIR *d = opendir(dir);
    int removed = 0;
    size_t base_len = strlen(base);
    for (struct dirent *e; d != NULL && base_len > 0 && (e = readdir(d)) != NULL;) {
        long pid = temp_owner(e->d_name, base, base_len);
        if (pid > 0 && owner_is_gone(pid) && unlinkat(dirfd(d), e->d_name, 0) == 0)
            removed++;
    }
    if (d != NULL)
        closedir(d);
    free(dir);
    return removed;
}
