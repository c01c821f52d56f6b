/* Bad input, as a user meets it through the tools (README "Bad input"): each
 * case gives a clear message and exit status, or indexes in a documented way;
 * and a failed build leaves the previous index as it was, with no temporary
 * file behind. The parsers' own tests cover the details of each message. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/test_util.h"

static char *dir, *index_path, *old_bytes;
static size_t old_len;

static void setup(void)
{
    dir = test_tmpdir();
    index_path = test_path(dir, "keep.cari");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s -q -o %s %s", TEST_CARI_INDEX, index_path, TEST_SAMPLES);
    cr_assert_eq(test_run(cmd, NULL, NULL, NULL), 0);
    old_bytes = test_read_file(index_path, &old_len);
}

static void teardown(void)
{
    test_rmtree(dir);
    free(dir);
    free(index_path);
    free(old_bytes);
}

TestSuite(bad_input, .init = setup, .fini = teardown, .timeout = 120);

/* The index is the one of setup(), and no temporary file is beside it. */
static void assert_old_index_kept(const char *what)
{
    size_t len;
    char *now = test_read_file(index_path, &len);
    cr_assert(now != NULL && len == old_len && memcmp(now, old_bytes, len) == 0,
              "%s: the previous index changed", what);
    free(now);
    DIR *d = opendir(dir);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        cr_assert_null(strstr(e->d_name, ".tmp-"), "%s: %s left behind", what, e->d_name);
    closedir(d);
}

/* Writes `data` to dir/name and runs cari-index -o keep.cari on it; returns
 * the exit status and stderr. */
static int index_file(const char *name, const char *data, size_t len, char **err)
{
    char *path = test_path(dir, name);
    test_write_file(path, data, len);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd %s && %s -q -o %s %s", dir, TEST_CARI_INDEX, index_path, name);
    int code = test_run(cmd, NULL, NULL, err);
    free(path);
    return code;
}

/* A build that must fail with `code` and a message containing `want`. */
static void expect_refused(const char *name, const char *data, int code, const char *want)
{
    char *err;
    int got = index_file(name, data, strlen(data), &err);
    cr_assert_eq(got, code, "%s: exit %d, want %d: %s", name, got, code, err);
    cr_assert_not_null(strstr(err, want), "%s: message <%s>, want <%s>", name, err, want);
    free(err);
    assert_old_index_kept(name);
}

Test(bad_input, json_that_is_not_a_document_stops_the_build)
{
    expect_refused("array.jsonl", "{\"id\":\"a\",\"text\":\"satu\"}\n[1,2]\n", 1,
                   "cari-index: array.jsonl: line 2, byte 1: a JSON object ('{') expected");
    expect_refused("string.jsonl", "\"teks\"\n", 1,
                   "string.jsonl: line 1, byte 1: a JSON object ('{') expected");
    expect_refused("number.jsonl", "42\n", 1, "number.jsonl: line 1, byte 1: a JSON object ('{') expected");
    expect_refused("noid.jsonl", "{\"text\":\"tanpa id\"}\n", 1,
                   "noid.jsonl: line 1: the document has no \"id\"");
    expect_refused("emptyid.jsonl", "{\"id\":\"\",\"text\":\"x\"}\n", 1,
                   "emptyid.jsonl: line 1: the document has no \"id\"");
    expect_refused("boolid.jsonl", "{\"id\":true}\n", 1,
                   "boolid.jsonl: line 1, byte 7: \"id\" must be a string or a number");
    expect_refused("title.jsonl", "{\"id\":\"a\",\"title\":5}\n", 1,
                   "title.jsonl: line 1, byte 19: \"title\" must be a string");
    expect_refused("text.jsonl", "{\"id\":\"a\",\"text\":{\"x\":1}}\n", 1,
                   "text.jsonl: line 1, byte 18: \"text\" must be a string");
    expect_refused("cut.jsonl", "{\"id\":\"a\",\"text\":\"tidak selesai\n", 1,
                   "cut.jsonl: line 1, byte 18: string not closed before the end of the line");
}

Test(bad_input, nul_bytes)
{
    /* raw in JSON: a control character, refused with its byte */
    static const char raw[] = "{\"id\":\"a\",\"text\":\"ada\0nul\"}\n";
    char *err;
    cr_assert_eq(index_file("nul.jsonl", raw, sizeof raw - 1, &err), 1);
    cr_assert_not_null(strstr(err, "nul.jsonl: line 1, byte 22: control character inside a string (escape it)"),
                       "%s", err);
    free(err);
    assert_old_index_kept("raw NUL");
    /* in an id, escaped: refused, since ids are NUL-terminated in the index */
    expect_refused("nulid.jsonl", "{\"id\":\"a\\u0000b\",\"text\":\"x\"}\n", 1,
                   "nulid.jsonl:1: id contains a NUL byte");

    /* escaped in JSON text, or raw in a text file: a word separator, kept in the store */
    char *out = test_path(dir, "nul.cari"), cmd[1024];
    char *folder = test_path(dir, "nuldir"), *txt = test_path(folder, "a.txt");
    cr_assert_eq(mkdir(folder, 0755), 0);
    static const char text[] = "Judul\n\nada\0nul kata\n";
    test_write_file(txt, text, sizeof text - 1);
    snprintf(cmd, sizeof cmd, "%s -q -o %s %s", TEST_CARI_INDEX, out, folder);
    cr_assert_eq(test_run(cmd, NULL, NULL, NULL), 0);
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, out, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
    char *hits = test_search(ix, "nul", 0, 10);
    cr_assert_str_eq(hits, "a");
    free(hits);
    hits = test_search(ix, "\"ada nul kata\"", 0, 10);
    cr_assert_str_eq(hits, "a", "the NUL separates two words at consecutive positions");
    free(hits);
    cari_document *d;
    cr_assert_eq(cari_document_get(&d, ix, 0), 0);
    size_t len;
    const char *v = cari_document_field(d, "text", &len);
    cr_assert_eq(len, 13);
    cr_assert_eq(memcmp(v, "ada\0nul kata\n", 13), 0, "stored as it was");
    cari_document_free(d);
    cari_index_close(ix);
    free(out), free(txt), free(folder);
}

Test(bad_input, invalid_utf8_in_a_text_file_is_replaced)
{
    char *folder = test_path(dir, "utf"), *txt = test_path(folder, "b.txt");
    cr_assert_eq(mkdir(folder, 0755), 0);
    test_write_file(txt, "rusak \xc3\x28 teks \xff\n", 16);
    char *out = test_path(dir, "utf.cari"), cmd[1024], *stdout_text;
    snprintf(cmd, sizeof cmd, "%s -q -o %s %s && %s --json %s teks", TEST_CARI_INDEX, out, folder,
             TEST_CARI_QUERY, out);
    cr_assert_eq(test_run(cmd, NULL, &stdout_text, NULL), 0);
    cr_assert_not_null(strstr(stdout_text, "\"snippet\":\"rusak \xef\xbf\xbd( [teks] \xef\xbf\xbd\""), "%s",
                       stdout_text);
    free(stdout_text), free(out), free(txt), free(folder);
}

Test(bad_input, empty_files_and_empty_documents)
{
    char *out = test_path(dir, "empty.cari"), *empty = test_path(dir, "empty.jsonl"), cmd[1024];
    char *stdout_text, *err;
    test_write_file(empty, "", 0);
    /* an empty input is an index of no documents: it opens, verifies, finds nothing */
    snprintf(cmd, sizeof cmd, "%s -q -o %s %s && %s --verify %s && %s %s Kursk", TEST_CARI_INDEX, out,
             empty, TEST_CARI_INDEX, out, TEST_CARI_QUERY, out);
    cr_assert_eq(test_run(cmd, NULL, &stdout_text, &err), 0, "%s", err);
    cr_assert_not_null(strstr(stdout_text, "ok, 0 documents, 0 terms"), "%s", stdout_text);
    cr_assert_not_null(strstr(err, "no document matches"), "%s", err);
    free(stdout_text), free(err);

    /* documents without text are kept (found by nothing, fetched by number) */
    static const char docs[] = "{\"id\":\"a\"}\n\n  \n{\"id\":\"b\",\"text\":\"\"}\n"
                               "{\"id\":\"c\",\"title\":\"\",\"text\":\"   \"}\n{\"id\":\"d\",\"text\":\"isi\"}\n";
    test_write_file(empty, docs, sizeof docs - 1);
    snprintf(cmd, sizeof cmd, "%s -q -o %s %s", TEST_CARI_INDEX, out, empty);
    cr_assert_eq(test_run(cmd, NULL, NULL, NULL), 0);
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, out, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_doc_count(ix), 4);
    cr_assert_str_eq(TEST_DOC_ID(ix, 2), "c");
    char *hits = test_search(ix, "isi", 0, 10);
    cr_assert_str_eq(hits, "d");
    free(hits);
    cari_document *d;
    cr_assert_eq(cari_document_get(&d, ix, 0), 0);
    cr_assert_eq(cari_document_field_count(d), 0);
    cari_document_free(d);
    cari_index_close(ix);
    free(out), free(empty);
}

Test(bad_input, duplicate_ids_the_last_wins)
{
    char *out = test_path(dir, "dup.cari"), *in = test_path(dir, "dup.jsonl"), cmd[1024];
    static const char docs[] = "{\"id\":\"a\",\"text\":\"pertama\"}\n{\"id\":\"b\",\"text\":\"lain\"}\n"
                               "{\"id\":\"a\",\"text\":\"kedua\"}\n";
    test_write_file(in, docs, sizeof docs - 1);
    snprintf(cmd, sizeof cmd, "%s -q -o %s %s", TEST_CARI_INDEX, out, in);
    cr_assert_eq(test_run(cmd, NULL, NULL, NULL), 0);
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, out, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_doc_count(ix), 2);
    /* the later "a" comes after "b" */
    cr_assert_str_eq(TEST_DOC_ID(ix, 0), "b");
    cr_assert_str_eq(TEST_DOC_ID(ix, 1), "a");
    char *hits = test_search(ix, "kedua", 0, 10);
    cr_assert_str_eq(hits, "a");
    free(hits);
    hits = test_search(ix, "pertama", 0, 10);
    cr_assert_str_eq(hits, "", "the replaced text is not found");
    free(hits);
    cari_index_close(ix);
    free(out), free(in);
}

/* Runs cari-index on `input` with limits set in the child: RLIMIT_FSIZE
 * (SIGXFSZ ignored, so a write past it fails with EFBIG, as on a full disk)
 * and, when `as_nobody`, the identity of an unprivileged user. */
static int run_limited(const char *input, long fsize, int as_nobody, char **err)
{
    int fds[2]; /* stderr through a pipe: a file would be held to the limit too */
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]), close(fds[1]);
        if (fsize >= 0) {
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit rl = { (rlim_t)fsize, (rlim_t)fsize };
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        if (as_nobody && getuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(126);
        execl(TEST_CARI_INDEX, TEST_CARI_INDEX, "-q", "-o", index_path, input, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    for (ssize_t n; len + 1 < cap && (n = read(fds[0], text + len, cap - len - 1)) > 0;)
        len += (size_t)n;
    text[len] = '\0';
    close(fds[0]);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    *err = text;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Test(bad_input, a_full_disk_is_a_system_error_and_no_partial_index)
{
    /* enough documents for an index of a few hundred KiB */
    char *in = test_path(dir, "many.jsonl");
    FILE *f = fopen(in, "w");
    for (int d = 0; d < 1500; d++) {
        fprintf(f, "{\"id\":\"d%d\",\"text\":\"", d);
        for (int w = 0; w < 40; w++)
            fprintf(f, "kata%d ", (d * 40 + w) % 7919);
        fprintf(f, "\"}\n");
    }
    fclose(f);
    long limits[] = { 0, 63, 4096, 65536, 150000 };
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
        char *err;
        int code = run_limited(in, limits[i], 0, &err);
        cr_assert_eq(code, 4, "limit %ld: exit %d: %s", limits[i], code, err);
        char want[512];
        snprintf(want, sizeof want, "cari-index: writing %s.tmp-", index_path);
        cr_assert(strstr(err, want) != NULL && strstr(err, ": File too large") != NULL,
                  "limit %ld: %s", limits[i], err);
        free(err);
        assert_old_index_kept("full disk");
    }
    /* and without the limit the same build succeeds, bigger than every limit */
    char *err;
    cr_assert_eq(run_limited(in, -1, 0, &err), 0, "%s", err);
    free(err);
    struct stat st;
    cr_assert_eq(stat(index_path, &st), 0);
    cr_assert_gt(st.st_size, 150000);
    free(in);
}

Test(bad_input, unreadable_input_is_a_system_error)
{
    /* (as root, the build runs as nobody, who may write here but not read the input) */
    char *sub = test_path(dir, "open");
    cr_assert_eq(chmod(dir, 0755), 0);
    cr_assert_eq(mkdir(sub, 0777), 0);
    cr_assert_eq(chmod(sub, 0777), 0);
    char *in = test_path(sub, "secret.jsonl"), *target = test_path(sub, "x.cari");
    test_write_file(in, "{\"id\":\"a\",\"text\":\"x\"}\n", 22);
    cr_assert_eq(chmod(in, 0), 0);
    free(index_path);
    index_path = target; /* freed by teardown */
    char *err;
    int code = run_limited(in, -1, 1, &err);
    cr_assert_eq(code, 4, "exit %d: %s", code, err);
    char want[512];
    snprintf(want, sizeof want, "cari-index: cannot open %s: Permission denied", in);
    cr_assert_not_null(strstr(err, want), "%s", err);
    struct stat st;
    cr_assert_neq(stat(target, &st), 0, "no index was written");
    free(err), free(in), free(sub);
}

/* A 200 MB line on standard input: refused once it passes 128 MiB, without
 * reading the rest or holding it in memory. */
Test(bad_input, a_200_megabyte_line_is_refused_in_bounded_memory)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    char *err_path = test_path(dir, "stderr.txt");
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        dup2(fds[0], STDIN_FILENO);
        close(fds[0]), close(fds[1]);
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(fd, STDERR_FILENO);
        execl(TEST_CARI_INDEX, TEST_CARI_INDEX, "-q", "-o", index_path, "-", (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    signal(SIGPIPE, SIG_IGN);
    enum { CHUNK = 1 << 20 };
    char *chunk = malloc(CHUNK);
    for (size_t i = 0; i < CHUNK; i++)
        chunk[i] = "kata "[i % 5];
    const char head[] = "{\"id\":\"besar\",\"text\":\"";
    size_t sent = (size_t)write(fds[1], head, sizeof head - 1);
    for (int mb = 0; mb < 200; mb++) {
        ssize_t n = 0;
        for (size_t at = 0; at < CHUNK; at += (size_t)n)
            if ((n = write(fds[1], chunk + at, CHUNK - at)) <= 0)
                break;
        if (n <= 0)
            break; /* the reader has stopped reading */
        sent += CHUNK;
    }
    (void)!write(fds[1], "\"}\n", 3);
    close(fds[1]);
    int status;
    struct rusage ru;
    cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
    char *err = test_read_file(err_path, NULL);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d: %s", status, err);
    cr_assert_not_null(strstr(err, "cari-index: <stdin>: line 1 is longer than 128 MiB, the limit of one document"),
                       "%s", err);
    cr_assert_lt(sent, (size_t)190 << 20, "it read %zu bytes of a line it refuses", sent);
    /* 128 MiB of line in a buffer that doubles, plus the sanitizers' own share */
    cr_log_info("200 MB line: refused after %zu bytes, max RSS %ld MiB", sent, ru.ru_maxrss / 1024);
    cr_assert_lt(ru.ru_maxrss, 900L * 1024, "max RSS %ld KiB", ru.ru_maxrss);
    assert_old_index_kept("200 MB line");
    free(err), free(chunk), free(err_path);
}

/* Runs cari-query on the samples index with `query` on standard input. */
static int query_stdin(const char *query, char **out, char **err)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s --json -k 100 %s", TEST_CARI_QUERY, index_path);
    return test_run(cmd, query, out, err);
}

/* The sorted ids of a --json output. */
static char *sorted_ids(const char *out)
{
    char *ids[16], *joined = calloc(1, 512);
    size_t n = 0;
    for (const char *p = out; n < 16 && (p = strstr(p, "\"id\":\"")) != NULL; p += 6)
        ids[n++] = strndup(p + 6, (size_t)(strchr(p + 6, '"') - (p + 6)));
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
            char *t = ids[j];
            ids[j] = ids[j - 1], ids[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        strcat(joined, i ? "," : "");
        strcat(joined, ids[i]);
        free(ids[i]);
    }
    return joined;
}

Test(bad_input, huge_and_malformed_queries)
{
    char *out, *err, *want_ids, *got_ids;
    /* 100,000 characters of words: what the five words alone find */
    cr_assert_eq(query_stdin("Kursk Pyongyang\n", &out, &err), 0, "%s", err);
    want_ids = sorted_ids(out);
    free(out), free(err);
    size_t n = 100000;
    char *q = malloc(n + 2);
    for (size_t i = 0; i < n; i++)
        q[i] = "Kursk Pyongyang "[i % 16];
    q[n] = '\n', q[n + 1] = '\0';
    cr_assert_eq(query_stdin(q, &out, &err), 0, "%s", err);
    got_ids = sorted_ids(out);
    cr_assert_str_eq(got_ids, want_ids);
    cr_assert_neq(strlen(got_ids), 0);
    free(out), free(err), free(got_ids), free(q);

    /* 10,000 distinct terms and one that is there */
    q = malloc(10000 * 12 + 32);
    size_t at = 0;
    for (int i = 0; i < 10000; i++)
        at += (size_t)sprintf(q + at, "kata%d ", i);
    strcpy(q + at, "Kursk Pyongyang\n");
    cr_assert_eq(query_stdin(q, &out, &err), 0, "%s", err);
    got_ids = sorted_ids(out);
    cr_assert_str_eq(got_ids, want_ids);
    free(out), free(err), free(got_ids), free(q), free(want_ids);

    /* 10,000 nested parentheses, unbalanced quotes and parentheses: exit 1 with the byte */
    q = malloc(20000 + 8);
    memset(q, '(', 10000);
    strcpy(q + 10000, "Kursk");
    memset(q + 10005, ')', 10000);
    strcpy(q + 20005, "\n");
    static const struct {
        const char *query, *message;
    } bad[] = {
        { NULL, "query error at byte 200: parentheses nested too deeply (at most 200)" },
        { "Kursk \"Kim Jong\n", "query error at byte 6: the quote is never closed" },
        { "\"Kim Jong\" Un\"\n", "query error at byte 13: the quote is never closed" },
        { "(Kursk OR Putin\n", "query error at byte 0: '(' is never closed" },
        { "Kursk) OR Putin\n", "query error at byte 5: ')' without a matching '('" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *text = bad[i].query ? bad[i].query : q;
        cr_assert_eq(query_stdin(text, &out, &err), 1, "%.40s: %s", text, err);
        cr_assert_not_null(strstr(err, bad[i].message), "%.40s: %s", text, err);
        free(out), free(err);
    }
    free(q);
}
