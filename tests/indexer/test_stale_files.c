/* A writer removes the temporary files of killed builds of the same index
 * (PATH.tmp-PID whose process is gone), and nothing else. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "indexer/stale_files.h"
#include "tests/common/test_util.h"

/* A PID that no process has: a child that has exited and been reaped. */
static long dead_pid(void)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0)
        _exit(0);
    cr_assert_eq(waitpid(pid, NULL, 0), pid);
    return (long)pid;
}

static char *file_in(const char *dir, const char *fmt, long pid)
{
    char name[128];
    snprintf(name, sizeof name, fmt, pid);
    char *p = test_path(dir, name);
    test_write_file(p, "x", 1);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

Test(stale_files, files_of_dead_builds_go_the_rest_stays)
{
    char *dir = test_tmpdir(), *index = test_path(dir, "news.cari");
    long dead = dead_pid();
    char *stale = file_in(dir, "news.cari.tmp-%ld", dead);
    char *live = file_in(dir, "news.cari.tmp-%ld", (long)getppid()); /* a process that runs */
    char *other_index = file_in(dir, "other.cari.tmp-%ld", dead);
    char *not_a_pid = file_in(dir, "news.cari.tmp-%ldx", dead);
    char *zero = file_in(dir, "news.cari.tmp-0%ld", dead);
    char *mine = file_in(dir, "news.cari.tmp-%ld", (long)getpid());

    cr_assert_eq(stale_files_remove(index), 1);
    cr_assert(!exists(stale));
    cr_assert(exists(live), "the file of a live process was removed");
    cr_assert(exists(other_index));
    cr_assert(exists(not_a_pid));
    cr_assert(exists(zero));
    cr_assert(exists(mine), "a process removed its own temporary file");
    cr_assert_eq(stale_files_remove(index), 0);

    /* a writer does it when it opens: a second stale file, then a build */
    char *stale2 = file_in(dir, "news.cari.tmp-%ld", dead_pid());
    unlink(mine);
    test_build_samples(index);
    cr_assert(!exists(stale2));
    cr_assert(exists(live));
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, index, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_doc_count(ix), 5);
    cari_index_close(ix);

    /* a relative path looks in the current folder; a missing folder is no error */
    char *cwd = getcwd(NULL, 0);
    cr_assert_eq(chdir(dir), 0);
    char *stale3 = file_in(dir, "news.cari.tmp-%ld", dead_pid());
    cr_assert_eq(stale_files_remove("news.cari"), 1);
    cr_assert(!exists(stale3));
    cr_assert_eq(chdir(cwd), 0);
    cr_assert_eq(stale_files_remove("/nonexistent-folder/x.cari"), 0);

    test_rmtree(dir);
    free(cwd);
    free(stale), free(live), free(other_index), free(not_a_pid), free(zero), free(mine);
    free(stale2), free(stale3), free(index), free(dir);
}
