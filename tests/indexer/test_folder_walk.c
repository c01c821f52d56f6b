/* folder_list: which files, in which order, with which ids and sizes; the
 * errors of missing and unreadable folders; symbolic links. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "indexer/folder_walk.h"
#include "tests/common/test_util.h"

static void put(const char *dir, const char *name, const char *content)
{
    char *path = test_path(dir, name);
    test_write_file(path, content, strlen(content));
    free(path);
}

static void mkdir_in(const char *dir, const char *name)
{
    char *path = test_path(dir, name);
    cr_assert_eq(mkdir(path, 0755), 0, "mkdir %s: %s", path, strerror(errno));
    free(path);
}

static void symlink_in(const char *dir, const char *target, const char *name)
{
    char *path = test_path(dir, name);
    cr_assert_eq(symlink(target, path), 0, "symlink %s: %s", path, strerror(errno));
    free(path);
}

/* The ids of the listing joined by ",". Caller frees. */
static char *ids_of(const folder_listing *l)
{
    size_t n = 1;
    for (size_t i = 0; i < l->count; i++)
        n += strlen(l->entries[i].id) + 1;
    char *s = calloc(1, n);
    for (size_t i = 0; i < l->count; i++) {
        if (i > 0)
            strcat(s, ",");
        strcat(s, l->entries[i].id);
    }
    return s;
}

static void check_entry(const folder_listing *l, size_t i, const char *root, const char *rel_path,
                        const char *id, uint64_t size)
{
    cr_assert_lt(i, l->count);
    char *want = test_path(root, rel_path);
    cr_assert_str_eq(l->entries[i].path, want);
    cr_assert_str_eq(l->entries[i].id, id);
    cr_assert_eq(l->entries[i].size, size, "%s: size %llu, expected %llu", id,
                 (unsigned long long)l->entries[i].size, (unsigned long long)size);
    free(want);
}

Test(folder_walk, recursion_extensions_hidden_files_and_order)
{
    char *root = test_tmpdir();
    put(root, "b.txt", "bb");
    put(root, "a.txt.zst", "zzzz"); /* listed by name: the content is read later */
    put(root, "Z.txt", "Z");
    put(root, "readme.md", "no");
    put(root, "c.TXT", "no");
    put(root, "d.txt.gz", "no");
    put(root, "e.zst", "no");
    put(root, "f.txtx", "no");
    put(root, "txt", "no");
    put(root, ".txt", "hidden");
    put(root, ".hidden.txt", "hidden");
    put(root, "sub-x.txt", "123");
    put(root, "sub0.txt", "1234");
    put(root, "sub.txt", "12345");
    mkdir_in(root, "sub");
    put(root, "sub/b.txt", "sub b");
    put(root, "sub/.h.txt", "hidden");
    mkdir_in(root, "sub/deep");
    put(root, "sub/deep/c.txt.zst", "deep c!");
    mkdir_in(root, ".git");
    put(root, ".git/x.txt", "hidden folder");
    mkdir_in(root, "dir.txt"); /* a folder named like a text file is walked, not listed */
    put(root, "dir.txt/in.txt", "in");
    mkdir_in(root, "empty");

    folder_listing l;
    cr_assert_eq(folder_list(&l, root), 0, "%s", cari_error_last());
    char *ids = ids_of(&l);
    /* byte order of the ids: 'Z' < 'a', '-' < '/' < '0' */
    cr_assert_str_eq(ids, "Z,a,b,dir.txt/in,sub,sub-x,sub/b,sub/deep/c,sub0");
    check_entry(&l, 0, root, "Z.txt", "Z", 1);
    check_entry(&l, 1, root, "a.txt.zst", "a", 4);
    check_entry(&l, 2, root, "b.txt", "b", 2);
    check_entry(&l, 3, root, "dir.txt/in.txt", "dir.txt/in", 2);
    check_entry(&l, 4, root, "sub.txt", "sub", 5);
    check_entry(&l, 5, root, "sub-x.txt", "sub-x", 3);
    check_entry(&l, 6, root, "sub/b.txt", "sub/b", 5);
    check_entry(&l, 7, root, "sub/deep/c.txt.zst", "sub/deep/c", 7);
    check_entry(&l, 8, root, "sub0.txt", "sub0", 4);
    cr_assert_eq(l.total_bytes, 1 + 4 + 2 + 2 + 5 + 3 + 5 + 7 + 4);
    folder_listing_free(&l);
    cr_assert_eq(l.count, 0);
    free(ids);
    test_rmtree(root);
    free(root);
}

Test(folder_walk, trailing_slashes_on_the_root)
{
    char *root = test_tmpdir();
    mkdir_in(root, "sub");
    put(root, "sub/b.txt", "x");
    size_t n = strlen(root) + 3;
    char *slashed = malloc(n);
    snprintf(slashed, n, "%s//", root);
    folder_listing l;
    cr_assert_eq(folder_list(&l, slashed), 0, "%s", cari_error_last());
    cr_assert_eq(l.count, 1);
    check_entry(&l, 0, root, "sub/b.txt", "sub/b", 1);
    folder_listing_free(&l);
    test_rmtree(root);
    free(slashed);
    free(root);
}

Test(folder_walk, empty_folder)
{
    char *root = test_tmpdir();
    folder_listing l;
    cr_assert_eq(folder_list(&l, root), 0);
    cr_assert_eq(l.count, 0);
    cr_assert_eq(l.total_bytes, 0);
    folder_listing_free(&l);
    test_rmtree(root);
    free(root);
}

Test(folder_walk, many_files_sorted)
{
    char *root = test_tmpdir();
    /* created in an order unrelated to the byte order */
    for (int i = 0; i < 300; i++) {
        char name[32];
        sprintf(name, "%03d.txt", (i * 37) % 300);
        put(root, name, "x");
    }
    folder_listing l;
    cr_assert_eq(folder_list(&l, root), 0);
    cr_assert_eq(l.count, 300);
    cr_assert_eq(l.total_bytes, 300);
    for (int i = 0; i < 300; i++) {
        char id[8];
        sprintf(id, "%03d", i);
        cr_assert_str_eq(l.entries[i].id, id);
    }
    folder_listing_free(&l);
    test_rmtree(root);
    free(root);
}

Test(folder_walk, missing_folder)
{
    char *root = test_tmpdir();
    char *missing = test_path(root, "nope");
    folder_listing l;
    cr_assert_eq(folder_list(&l, missing), CARI_EIO);
    char want[512];
    snprintf(want, sizeof want, "cannot read folder %s: %s", missing, strerror(ENOENT));
    cr_assert_str_eq(cari_error_last(), want);
    cr_assert_eq(l.count, 0);
    cr_assert_null(l.entries);
    test_rmtree(root);
    free(missing);
    free(root);
}

/* Lists `root` and reports rc and message through a pipe; run as `uid`
 * (in a child process) when uid is not (uid_t)-1. */
static int list_as(const char *root, uid_t uid, char *msg, size_t msg_size)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        close(fds[0]);
        int rc = 0;
        if (uid != (uid_t)-1 && setuid(uid) != 0)
            _exit(99);
        folder_listing l;
        rc = folder_list(&l, root);
        folder_listing_free(&l);
        const char *m = cari_error_last();
        ssize_t w = write(fds[1], m, strlen(m));
        (void)w;
        close(fds[1]);
        _exit(rc == 0 ? 0 : -rc);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < msg_size && (r = read(fds[0], msg + n, msg_size - 1 - n)) > 0)
        n += (size_t)r;
    msg[n] = '\0';
    close(fds[0]);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status));
    cr_assert_neq(WEXITSTATUS(status), 99, "setuid failed");
    return -WEXITSTATUS(status);
}

Test(folder_walk, unreadable_folder)
{
    char *root = test_tmpdir();
    chmod(root, 0755);
    put(root, "a.txt", "a");
    mkdir_in(root, "locked");
    put(root, "locked/b.txt", "b");
    char *locked = test_path(root, "locked");
    cr_assert_eq(chmod(locked, 0), 0);
    uid_t as = (uid_t)-1;
    if (access(locked, R_OK) == 0) {
        /* root reads anything: run the walk as an unprivileged user instead */
        if (geteuid() != 0) {
            chmod(locked, 0755);
            test_rmtree(root);
            cr_skip_test("the folder stays readable after chmod 000");
        }
        as = 65534; /* nobody */
    }
    char msg[1024];
    int rc = list_as(root, as, msg, sizeof msg);
    chmod(locked, 0755);
    cr_assert_eq(rc, CARI_EIO, "rc %d: %s", rc, msg);
    char want[1024];
    snprintf(want, sizeof want, "cannot read folder %s: %s", locked, strerror(EACCES));
    cr_assert_str_eq(msg, want);
    test_rmtree(root);
    free(locked);
    free(root);
}

Test(folder_walk, symlinks)
{
    char *root = test_tmpdir();
    char *outside = test_tmpdir();
    put(outside, "o.txt", "outside!");
    mkdir_in(root, "sub");
    put(root, "sub/b.txt", "bbb");
    put(root, "a.txt", "a");
    symlink_in(root, "sub", "link");             /* a folder: not walked */
    symlink_in(root, outside, "out");            /* a folder outside: not walked */
    symlink_in(root, ".", "sub/loop");           /* a cycle: not walked */
    symlink_in(root, "a.txt", "alias.txt");      /* a file: read */
    symlink_in(root, "nowhere.txt", "dead.txt"); /* dangling: skipped */
    symlink_in(root, "sub", "dirlink.txt");      /* a folder named like a file: skipped */
    folder_listing l;
    cr_assert_eq(folder_list(&l, root), 0, "%s", cari_error_last());
    char *ids = ids_of(&l);
    cr_assert_str_eq(ids, "a,alias,sub/b");
    check_entry(&l, 1, root, "alias.txt", "alias", 1); /* the size of the file linked to */
    cr_assert_eq(l.total_bytes, 1 + 1 + 3);
    folder_listing_free(&l);
    free(ids);
    test_rmtree(root);
    test_rmtree(outside);
    free(outside);
    free(root);
}
