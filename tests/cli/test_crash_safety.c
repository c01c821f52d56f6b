/* Crash safety: cari-index is killed with SIGKILL at many moments of a rebuild
 * over an existing index. Every time, the previous index must be there byte
 * for byte, open with verification and answer as before; a build that got to
 * the end must have put the whole new index in place; and the next build
 * removes the temporary files that the killed ones left. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/common/test_util.h"

enum { GENERATED_DOCS = 800, KILLS = 12 };

static const char *const queries[] = {
    "Kursk", "\"Kim Jong Un\"", "Putin AND Pyongyang", "perundingan OR Trump -Rusia", "kata77",
};

static char *dir, *index_path, *input_path;

/* Appends `s` to `f` as the body of a JSON string. */
static void json_body(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", f);
        else if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    }
}

/* JSON Lines of GENERATED_DOCS documents made of the sample articles, each
 * with a word of its own (kataN), so that the build takes a while. */
static void write_input(const char *path)
{
    static const char *const names[] = { "000_5aca90321db24b7b", "001_c7aacca5a8cc5693",
                                         "002_0dae2cce8c8e6931", "003_bbff8ebabdd1624f",
                                         "004_393e21a6b6f560b6" };
    char *texts[5];
    for (int i = 0; i < 5; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.txt", names[i]);
        char *p = test_path(TEST_SAMPLES, name);
        texts[i] = test_read_file(p, NULL);
        cr_assert_not_null(texts[i], "%s", p);
        free(p);
    }
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    for (int d = 0; d < GENERATED_DOCS; d++) {
        fprintf(f, "{\"id\":\"gen%d\",\"title\":\"Dokumen %d\",\"text\":\"", d, d);
        json_body(f, texts[d % 5]);
        fprintf(f, " kata%d\"}\n", d);
    }
    fclose(f);
    for (int i = 0; i < 5; i++)
        free(texts[i]);
}

static void setup(void)
{
    dir = test_tmpdir();
    index_path = test_path(dir, "news.cari");
    input_path = test_path(dir, "more.jsonl");
    write_input(input_path);
}

static void teardown(void)
{
    test_rmtree(dir);
    free(dir);
    free(index_path);
    free(input_path);
}

TestSuite(crash_safety, .init = setup, .fini = teardown, .timeout = 240);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static pid_t start_index(const char *output, const char *input)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execl(TEST_CARI_INDEX, TEST_CARI_INDEX, "-q", "-o", output, input, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Runs a build to its end; returns its exit status. */
static int run_index(const char *output, const char *input)
{
    int status;
    cr_assert_eq(waitpid(start_index(output, input), &status, 0) > 0, 1);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* What an index answers: the ranked ids of every query, then every document id. */
static char *answers(const char *path)
{
    cari_index *ix;
    int rc = cari_index_open(&ix, path, CARI_OPEN_VERIFY);
    cr_assert_eq(rc, 0, "%s: %s", path, cari_error_last());
    size_t cap = 1 << 16, len = 0;
    char *all = malloc(cap);
    all[0] = '\0';
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        char *hits = test_search(ix, queries[i], 0, 50);
        len += (size_t)snprintf(all + len, cap - len, "%s: %s\n", queries[i], hits);
        free(hits);
        cr_assert_lt(len, cap);
    }
    len += (size_t)snprintf(all + len, cap - len, "%u documents\n", cari_index_doc_count(ix));
    cari_index_close(ix);
    return all;
}

/* The names of the temporary files beside the index. */
static int count_temp_files(void)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strncmp(e->d_name, "news.cari.tmp-", 14) == 0;
    closedir(d);
    return n;
}

static void sleep_for(double seconds)
{
    struct timespec t = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
    while (nanosleep(&t, &t) != 0 && errno == EINTR)
        ;
}

static void put_back(const char *bytes, size_t len)
{
    char *tmp = test_path(dir, "restore.tmp");
    test_write_file(tmp, bytes, len);
    cr_assert_eq(rename(tmp, index_path), 0);
    free(tmp);
}

/* What the test knows and counts across its kills. */
struct crash_run {
    char *old_bytes, *old_answers, *new_answers;
    size_t old_len;
    int killed, finished, left_temp;
};

/* Kills `pid`, then checks that the index is the old one byte for byte (and
 * answers as before), or, when the rename came first, the whole new one.
 * Returns 1 when the old index stayed. */
static int kill_and_check(struct crash_run *r, pid_t pid, const char *when)
{
    kill(pid, SIGKILL);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    size_t len;
    char *bytes = test_read_file(index_path, &len);
    cr_assert_not_null(bytes, "kill %s: the index is gone", when);
    char *got = answers(index_path);
    int kept = len == r->old_len && memcmp(bytes, r->old_bytes, len) == 0;
    if (kept) {
        cr_assert_str_eq(got, r->old_answers, "kill %s", when);
        r->killed++;
        /* each build removed the files of the builds killed before it */
        int temps = count_temp_files();
        cr_assert_leq(temps, 1, "kill %s: %d temporary files", when, temps);
        r->left_temp += temps;
    } else {
        /* the rename happened: the build finished, or was killed just after it */
        cr_assert_str_eq(got, r->new_answers, "kill %s: neither the old nor the new index", when);
        r->finished++;
        put_back(r->old_bytes, r->old_len);
    }
    free(got);
    free(bytes);
    return kept;
}

/* Whether `pid` has not exited yet (a zombie has). */
static int running(pid_t pid)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    size_t n = f != NULL ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f != NULL)
        fclose(f);
    text[n] = '\0';
    const char *state = strrchr(text, ')');
    return state != NULL && state[1] == ' ' && state[2] != 'Z';
}

/* Waits until the build's temporary file has at least `size` bytes (or the
 * build has ended). */
static void wait_for_temp_size(pid_t pid, off_t size)
{
    char name[64];
    snprintf(name, sizeof name, "news.cari.tmp-%ld", (long)pid);
    char *tmp = test_path(dir, name);
    struct stat st;
    for (int i = 0; i < 40000 && running(pid); i++) {
        if (stat(tmp, &st) == 0 && st.st_size >= size)
            break;
        sleep_for(0.0005);
    }
    free(tmp);
}

Test(crash_safety, sigkill_at_any_moment_keeps_the_previous_index)
{
    struct crash_run r = { 0 };
    cr_assert_eq(run_index(index_path, TEST_SAMPLES), 0);
    r.old_bytes = test_read_file(index_path, &r.old_len);
    r.old_answers = answers(index_path);

    /* the new index, built once to the end: how long a build takes, what it answers */
    char *ref_path = test_path(dir, "reference.cari");
    double t0 = now();
    cr_assert_eq(run_index(ref_path, input_path), 0);
    double build_time = now() - t0;
    r.new_answers = answers(ref_path);
    cr_assert_str_neq(r.old_answers, r.new_answers);
    struct stat ref;
    cr_assert_eq(stat(ref_path, &ref), 0);

    double estimate = build_time; /* of the next build, shared cores being what they are */
    for (int k = 0; k < KILLS; k++) {
        /* from the start to a little past the usual end, denser towards the
         * end, where the commit writes, syncs and renames */
        double delay = estimate * 1.1 * sqrt((double)k / (KILLS - 1));
        pid_t pid = start_index(index_path, input_path);
        sleep_for(delay);
        char when[64];
        snprintf(when, sizeof when, "%d after %.3f s", k, delay);
        if (!kill_and_check(&r, pid, when) && delay < estimate)
            estimate = delay; /* the machine is faster now than when it was measured */
    }
    /* in the commit: the temporary file exists, has some bytes, has them all
     * (then the header is written, the file synced and renamed) */
    off_t sizes[] = { 0, 1, ref.st_size / 2, ref.st_size, ref.st_size };
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        pid_t pid = start_index(index_path, input_path);
        wait_for_temp_size(pid, sizes[k]);
        char when[64];
        snprintf(when, sizeof when, "at %lld of %lld bytes", (long long)sizes[k], (long long)ref.st_size);
        int kept = kill_and_check(&r, pid, when);
        cr_log_info("kill %s: %s", when, kept ? "the old index stayed" : "the new index was in place");
    }
    cr_log_info("build %.3f s: %d kills kept the old index (%d left a temporary file), %d builds finished",
                build_time, r.killed, r.left_temp, r.finished);
    cr_assert_geq(r.killed, KILLS / 2, "only %d of %d kills landed during a build", r.killed, KILLS);
    cr_assert_geq(r.left_temp, 1, "no kill left a temporary file: the test did not hit a build");

    /* the next build removes what a killed one left */
    pid_t pid = start_index(index_path, input_path);
    wait_for_temp_size(pid, 0);
    kill(pid, SIGKILL);
    cr_assert_eq(waitpid(pid, NULL, 0), pid);
    cr_assert_eq(count_temp_files(), 1);
    cr_assert_eq(run_index(index_path, input_path), 0);
    cr_assert_eq(count_temp_files(), 0, "stale temporary files survived the next build");
    char *after = answers(index_path);
    cr_assert_str_eq(after, r.new_answers);

    free(after);
    free(r.old_bytes);
    free(r.old_answers);
    free(r.new_answers);
    free(ref_path);
}
