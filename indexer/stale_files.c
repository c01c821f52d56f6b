/* stale_files.c - see stale_files.h. */
#include "indexer/stale_files.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long stale_files_pid(const char *name, const char *base)
{
    static const char *const kinds[] = { ".tmp-", ".run-" };
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0)
        return 0;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        size_t m = strlen(kinds[k]);
        if (strncmp(name + n, kinds[k], m) != 0)
            continue;
        const char *digits = name + n + m;
        char *end;
        errno = 0;
        long pid = strtol(digits, &end, 10);
        /* as the writer names them: no sign, no leading zero */
        if (errno != 0 || end == digits || *digits < '1' || *digits > '9' || pid <= 0 ||
            (*end != '\0' && *end != '-'))
            return 0;
        return pid;
    }
    return 0;
}

int stale_files_remove(const char *index_path)
{
    const char *slash = strrchr(index_path, '/');
    const char *base = slash != NULL ? slash + 1 : index_path;
    size_t dir_len = slash != NULL ? (size_t)(slash - index_path) + 1 : 0;
    char *dir = malloc(dir_len + 2);
    int removed = 0;
    if (dir == NULL)
        return 0;
    memcpy(dir, index_path, dir_len);
    strcpy(dir + dir_len, dir_len > 0 ? "" : ".");
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        long pid = stale_files_pid(e->d_name, base);
        /* EPERM: the process exists under another user */
        if (pid == 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        size_t n = dir_len + strlen(e->d_name) + 1;
        char *path = malloc(n);
        if (path != NULL) {
            snprintf(path, n, "%.*s%s", (int)dir_len, index_path, e->d_name);
            removed += remove(path) == 0;
        }
        free(path);
    }
    if (d != NULL)
        closedir(d);
    free(dir);
    return removed;
}
